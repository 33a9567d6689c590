/*
 * Answering one request: route, read and check the input, find the
 * session, check CSRF, then call the handler. Every refusal here is a full
 * page (or JSON on JSON routes) and stores nothing.
 */
#include "app.h"

#include <stdio.h>
#include <string.h>

#include "action.h"
#include "auth.h"
#include "handlers.h"
#include "log.h"
#include "page.h"
#include "routes.h"


#define POLICY_RECHECK_SECONDS 5

const struct policy *
app_policy(struct ctx *c)
{
	struct app *app = c->app;

	time_t now = time(NULL);

	if (!app->policy_loaded && settings_load(&app->settings, &app->db) &&
	    policy_load(&app->policy, &app->db)) {
		app->policy_loaded = true;
		app->policy_checked = now;
	}
	return app->policy_loaded ? &app->policy : NULL;
}

/*
 * A policy loaded since (portalctl policy load) is in force within
 * POLICY_RECHECK_SECONDS in every worker. Only here, before a request is
 * handled: a handler's pointers into the policy stay valid to its end.
 */
static void
policy_recheck(struct app *app)
{
	time_t now = time(NULL);

	if (app->policy_loaded && now - app->policy_checked >= POLICY_RECHECK_SECONDS) {
		app->policy_checked = now;
		(void)policy_refresh(&app->policy, &app->db);
	}
}

/* A JSON route is known by its path even before it is found. */
static bool
path_wants_json(const char *path)
{
	size_t n = strlen(path);

	return n > 5 && strcmp(path + n - 5, ".json") == 0;
}

static void
dispatch(struct ctx *c)
{
	char allow[64];
	enum route_result rr;
	enum form_error ferr;
	enum body_status bs;

	c->json = path_wants_json(c->http->path);
	rr = route_find(portal_routes, portal_nroutes, c->http->method,
	    c->http->path, &c->route, &c->params, allow, sizeof(allow));
	if (rr == ROUTE_BAD_METHOD) {
		http_add_header(c->http, "Allow", allow);
		page_error(c, 405, "This address does not accept that kind of request.", NULL);
		return;
	}
	if (rr == ROUTE_NOT_FOUND) {
		page_error(c, 404, "There is no page at this address.", NULL);
		return;
	}
	c->json = (c->route->flags & ROUTE_JSON) != 0;
	if (c->route->handler == h_healthz) {
		h_healthz(c);
		return;
	}
	if ((ferr = http_parse_query(c->http)) != FORM_OK) {
		page_error(c, 400, form_error_text(ferr), NULL);
		return;
	}
	if (c->http->method == METHOD_POST) {
		bs = http_read_body(c->http, &ferr);
		if (bs == BODY_TOO_LARGE) {
			page_error(c, 413, "The form is larger than this portal accepts (128 KiB).", NULL);
			return;
		}
		if (bs == BODY_BAD_TYPE) {
			page_error(c, 415, "Forms must be sent as application/x-www-form-urlencoded.", NULL);
			return;
		}
		if (bs != BODY_OK) {
			page_error(c, 400, bs == BODY_BAD_FORM ? form_error_text(ferr)
			    : "The form could not be read completely.", NULL);
			return;
		}
	}
	/* The policy and settings first: the session's lifetime is a setting. */
	if (db_ready(&c->app->db))
		policy_recheck(c->app);
	if (!db_ready(&c->app->db) || app_policy(c) == NULL || !auth_load_session(c)) {
		page_error(c, 503, "The portal's database is not answering. Please try again in a moment.", NULL);
		return;
	}
	if (!(c->route->flags & ROUTE_PUBLIC) && !c->signed_in) {
		if (c->json)
			page_error(c, 401, "Please sign in.", NULL);
		else
			http_redirect(c->http, 303, "/login");
		return;
	}
	/* Who may call the route, declared in the route table (routes.c). */
	if (c->signed_in && !route_admits(c->route, c->me.role)) {
		page_error(c, 403, "Your role may not use this page.", NULL);
		return;
	}
	/* A form names its token once, and a browser names the page it was
	 * sent from (Origin): a second token or another site's page is never
	 * one of our forms, whatever the token (the sign-in form too). */
	if (c->http->method == METHOD_POST &&
	    (form_count(&c->http->body_form, "csrf") > 1 || !auth_same_origin(c))) {
		page_error(c, 403, "This form had no valid security token (CSRF) or came from another "
		    "site, so nothing was done. Please go back, reload the page and try again.", NULL);
		return;
	}
	if (c->http->method == METHOD_POST && !(c->route->flags & ROUTE_NOCSRF) && !auth_csrf_ok(c)) {
		page_error(c, 403, "This form had no valid security token (CSRF) or came from another "
		    "site, so nothing was done. Please go back, reload the page and try again.", NULL);
		return;
	}
	c->route->handler(c);
}

void
app_handle(struct app *app, FCGX_Request *r)
{
	struct http_request http;
	struct ctx c;

	http_request_init(&http, r);
	memset(&c, 0, sizeof(c));
	c.app = app;
	c.http = &http;
	dispatch(&c);
	if (!http.responded) {
		log_warn("%s %s: no response from handler", http.method_name, http.path);
		page_error(&c, 500, "The portal could not answer this request.", NULL);
	}
	PQclear(c.session_res);
	http_request_free(&http);
}

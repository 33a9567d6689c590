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

static const struct route routes[] = {
	{ METHOD_GET,  "/healthz",                   h_healthz,          ROUTE_PUBLIC },
	{ METHOD_GET,  "/login",                     h_login_form,       ROUTE_PUBLIC },
	{ METHOD_POST, "/login",                     h_login,            ROUTE_PUBLIC | ROUTE_NOCSRF },
	{ METHOD_POST, "/logout",                    h_logout,           0 },
	{ METHOD_GET,  "/",                          h_home,             0 },
	{ METHOD_GET,  "/requests/new",              h_request_new,      0 },
	{ METHOD_POST, "/requests",                  h_request_create,   0 },
	{ METHOD_GET,  "/requests/{id}",             h_request_show,     0 },
	{ METHOD_GET,  "/requests/{id}.json",        h_request_json,     ROUTE_JSON },
	{ METHOD_GET,  "/requests/{id}/print",       h_request_print,    0 },
	{ METHOD_POST, "/requests/{id}/{word}",      h_request_action,   0 },
	{ METHOD_GET,  "/deployments",               h_deployments,      0 },
	{ METHOD_GET,  "/inbox",                     h_inbox,            0 },
	{ METHOD_GET,  "/inbox.json",                h_inbox_json,       ROUTE_JSON },
	{ METHOD_POST, "/notifications/{id}/ack",    h_notification_ack, 0 },
	{ METHOD_GET,  "/policy",                    h_policy,           0 },
	{ METHOD_GET,  "/history",                   h_history,          0 },
	{ METHOD_GET,  "/dashboard",                 h_dashboard,        0 },
	{ METHOD_GET,  "/admin/accounts",            h_admin_accounts,   0 },
	{ METHOD_POST, "/admin/accounts",            h_admin_account_create, 0 },
	{ METHOD_GET,  "/admin/accounts/{id}",       h_admin_account,    0 },
	{ METHOD_POST, "/admin/accounts/{id}",       h_admin_account_update, 0 },
	{ METHOD_GET,  "/history.json",              h_history_json,     ROUTE_JSON },
	{ METHOD_GET,  "/history.csv",               h_history_csv,      0 },
};

const struct policy *
app_policy(struct ctx *c)
{
	struct app *app = c->app;

	if (!app->policy_loaded && policy_load(&app->policy, &app->db))
		app->policy_loaded = true;
	return app->policy_loaded ? &app->policy : NULL;
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
	rr = route_find(routes, sizeof(routes) / sizeof(routes[0]), c->http->method,
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
			page_error(c, 413, "The form is larger than this portal accepts (32 KiB).", NULL);
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
	if (!db_ready(&c->app->db) || !auth_load_session(c) || app_policy(c) == NULL) {
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

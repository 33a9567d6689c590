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
#include "login_return.h"
#include "page.h"
#include "routes.h"


#define POLICY_RECHECK_SECONDS 5

const struct policy *
app_policy(struct ctx *c)
{
	struct app *app = c->app;

	time_t now = time(NULL);

	if (!app->policy_loaded && settings_load(&app->settings, &app->db)) {
		app->db.failed = false;
		if (policy_load(&app->policy, &app->db)) {
			app->policy_loaded = true;
			app->policy_checked = now;
		}
		/* Read, and not understood: not the database's fault. */
		app->policy_unreadable = !app->policy_loaded && !app->db.failed;
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

/* Finds the route and reads the input, once per request: false when the
 * request is answered already (not found, unreadable...). */
static bool
prepare(struct ctx *c)
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
		return false;
	}
	if (rr == ROUTE_NOT_FOUND) {
		page_error(c, 404, "There is no page at this address.", NULL);
		return false;
	}
	c->json = (c->route->flags & ROUTE_JSON) != 0;
	/* Health answers without a session, and before waiting for anything. */
	if (c->route->handler == h_healthz || c->route->handler == h_healthz_json) {
		c->route->handler(c);
		return false;
	}
	if ((ferr = http_parse_query(c->http)) != FORM_OK) {
		page_error(c, 400, form_error_text(ferr), NULL);
		return false;
	}
	if (c->http->method == METHOD_POST) {
		bs = http_read_body(c->http, &ferr);
		if (bs == BODY_TOO_LARGE) {
			page_error(c, 413, "The form is larger than this portal accepts (128 KiB).", NULL);
			return false;
		}
		if (bs == BODY_BAD_TYPE) {
			page_error(c, 415, "Forms must be sent as application/x-www-form-urlencoded.", NULL);
			return false;
		}
		if (bs != BODY_OK) {
			page_error(c, 400, bs == BODY_BAD_FORM ? form_error_text(ferr)
			    : "The form could not be read completely.", NULL);
			return false;
		}
	}
	return true;
}

/* Answers a prepared request: the session, who may call the route, CSRF,
 * then the handler. May run again (app_handle) when the database went
 * away before anything was committed. */
static void
run(struct ctx *c)
{
	/* The policy and settings first: the session's lifetime is a setting.
	 * A database that is restarting is waited for (ride-through). */
	if (db_wait_ready(&c->app->db, c->app->db_wait_ms))
		policy_recheck(c->app);
	if (db_ready(&c->app->db) && app_policy(c) == NULL && c->app->policy_unreadable) {
		page_error(c, 503, "The portal cannot read the department's policy in force (written for "
		    "another version of the portal), so it takes no request. Nothing was changed. An "
		    "administrator must load the policy file again: portalctl policy load FILE.", NULL);
		return;
	}
	if (!db_ready(&c->app->db) || app_policy(c) == NULL || !auth_load_session(c)) {
		/* Nothing of this request reached the database: certain. */
		page_error(c, 503, "The portal's database is not answering, so nothing was stored or "
		    "changed. Please try again in a moment.", NULL);
		return;
	}
	if (!(c->route->flags & ROUTE_PUBLIC) && !c->signed_in) {
		if (c->json)
			page_error(c, 401, "Please sign in.", NULL);
		else {
			login_return_remember(c);
			http_redirect(c->http, 303, "/login");
		}
		return;
	}
	/* An account that must have a second factor and has none enrols one
	 * before anything else (CJIS 5.6.2.2); a password an administrator set
	 * is changed first (NIST SP 800-63B §6.1.2.3). */
	if (c->signed_in && c->setup_path != NULL && !(c->route->flags & (ROUTE_SETUP | ROUTE_PUBLIC))) {
		if (c->json)
			page_error(c, 403, "Finish setting up your sign-in first.", NULL);
		else
			http_redirect(c->http, 303, c->setup_path);
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

/* How many times a request is answered again after the database went away
 * before anything of it was committed. */
#define RIDE_THROUGH_TRIES 2

/*
 * After the connection broke: whether answering the request again from the
 * start is safe. It is when no COMMIT was sent (nothing of it was stored);
 * when one was sent and its answer lost, a new connection asks what became
 * of its transaction (a fast restart of PostgreSQL terminates a backend
 * between two statements, and the COMMIT then meets a closed socket):
 * aborted, nothing was stored; committed, the form's submission key makes
 * the second run answer with what was stored. Otherwise the outcome stays
 * unknown and the page says so (page.c).
 */
static bool
may_answer_again(struct app *app, const struct http_request *http)
{
	const char *outcome;

	if (!app->db.commit_sent)
		return true;
	if (!db_wait_ready(&app->db, app->db_wait_ms) || (outcome = db_commit_outcome(&app->db)) == NULL)
		return false;
	if (strcmp(outcome, "aborted") == 0)
		return true;
	return form_count(&http->body_form, "submission") == 1;
}

void
app_handle(struct app *app, FCGX_Request *r)
{
	struct http_request http;
	struct ctx c;
	int tries = 0;

	http_request_init(&http, r);
	memset(&c, 0, sizeof(c));
	c.app = app;
	c.http = &http;
	if (prepare(&c)) {
		for (;;) {
			db_request_begin(&app->db);
			run(&c);
			/* The connection broke and answering again is safe
			 * (may_answer_again): it is answered again from the start
			 * once the database is back, not with an error page. */
			if (!app->db.lost || tries++ >= RIDE_THROUGH_TRIES ||
			    !may_answer_again(app, &http) || !http_reset_response(&http))
				break;
			log_info("%s %s: the database connection broke %s; answering again",
			    http.method_name, http.path, app->db.commit_sent ?
			    "after its COMMIT was sent, and the transaction's fate is known" :
			    "before anything was committed");
			/* What run() found out goes; the route and the input stay. */
			PQclear(c.session_res);
			c.session_res = NULL;
			c.signed_in = false;
			memset(&c.me, 0, sizeof(c.me));
			c.setup_path = NULL;
			c.csrf = NULL;
			c.unread = 0;
			(void)db_wait_ready(&app->db, app->db_wait_ms);
		}
	}
	if (!http.responded) {
		log_warn("%s %s: no response from handler", http.method_name, http.path);
		page_error(&c, 500, "The portal could not answer this request.", NULL);
	}
	http_flush(&http);
	PQclear(c.session_res);
	http_request_free(&http);
}

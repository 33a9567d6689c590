/*
 * The route table. Who may call a route is declared here and checked once
 * in app.c before the handler runs (a handler still narrows by the
 * request: an agency sees only its own requests, the policy decides who
 * may file or act). Order matters only where patterns overlap: the first
 * match wins.
 */
#include "routes.h"

#include <string.h>

#include "auth.h"
#include "action.h"
#include "handlers.h"

const struct route portal_routes[] = {
	{ METHOD_GET,  "/healthz",                   h_healthz,          ROUTE_PUBLIC, ROLES_ALL },
	{ METHOD_GET,  "/healthz.json",              h_healthz_json,     ROUTE_PUBLIC | ROUTE_JSON, ROLES_ALL },
	{ METHOD_GET,  "/login",                     h_login_form,       ROUTE_PUBLIC, ROLES_ALL },
	{ METHOD_POST, "/login",                     h_login,            ROUTE_PUBLIC | ROUTE_NOCSRF, ROLES_ALL },
	{ METHOD_GET,  "/login/code",                h_login_code_form,  ROUTE_PUBLIC, ROLES_ALL },
	/* The CSRF token of the session waiting for its code (auth.c). */
	{ METHOD_POST, "/login/code",                h_login_code,       ROUTE_PUBLIC, ROLES_ALL },
	{ METHOD_POST, "/logout",                    h_logout,           ROUTE_SETUP, ROLES_ALL },
	/* One's own second factor; open before enrolment (CJIS 5.6.2.2). */
	{ METHOD_GET,  "/account/totp",              h_account_totp,     ROUTE_SETUP, ROLES_ALL },
	{ METHOD_POST, "/account/totp",              h_account_totp_confirm, ROUTE_SETUP, ROLES_ALL },
	/* One's own password; open when an administrator set it (NIST SP 800-63B §6.1.2.3). */
	{ METHOD_GET,  "/account/password",          h_account_password, ROUTE_SETUP, ROLES_ALL },
	{ METHOD_POST, "/account/password",          h_account_password_change, ROUTE_SETUP, ROLES_ALL },
	/* One's own sessions: see them, end any (an id of another's ends nothing). */
	{ METHOD_GET,  "/account",                   h_account,          0, ROLES_ALL },
	{ METHOD_POST, "/account/sessions/{id}/end", h_account_session_end, 0, ROLES_ALL },
	{ METHOD_GET,  "/",                          h_home,             0, ROLES_ALL },
	/* Each member keeps their own duty true ("if not available"). */
	{ METHOD_POST, "/duty",                      h_duty,             0, ROLES_STAFF },
	/* Who may file which kind is the policy's to say (policy_may_file). */
	{ METHOD_GET,  "/requests/new",              h_request_new,      ROUTE_FILING, ROLES_ALL },
	{ METHOD_POST, "/requests",                  h_request_create,   ROUTE_FILING, ROLES_ALL },
	/* An outside agency sees only its own agency's requests. */
	{ METHOD_GET,  "/requests/{id}",             h_request_show,     0, ROLES_ALL },
	{ METHOD_GET,  "/requests/{id}.json",        h_request_json,     ROUTE_JSON, ROLES_ALL },
	{ METHOD_GET,  "/requests/{id}/print",       h_request_print,    0, ROLES_STAFF },
	/* Who may take which action is the lifecycle table's to say. */
	{ METHOD_POST, "/requests/{id}/{word}",      h_request_action,   0, ROLES_ALL },
	{ METHOD_GET,  "/deployments",               h_deployments,      0, ROLES_DEPLOYMENTS },
	{ METHOD_GET,  "/inbox",                     h_inbox,            0, ROLES_ALL },
	{ METHOD_GET,  "/inbox.json",                h_inbox_json,       ROUTE_JSON, ROLES_ALL },
	{ METHOD_POST, "/notifications/{id}/ack",    h_notification_ack, 0, ROLES_ALL },
	{ METHOD_GET,  "/policy",                    h_policy,           0, ROLES_STAFF },
	{ METHOD_GET,  "/history",                   h_history,          0, ROLES_REVIEWERS },
	{ METHOD_GET,  "/history.json",              h_history_json,     ROUTE_JSON, ROLES_REVIEWERS },
	{ METHOD_GET,  "/history.csv",               h_history_csv,      0, ROLES_REVIEWERS },
	{ METHOD_GET,  "/dashboard",                 h_dashboard,        0, ROLES_REVIEWERS | ROLE_BIT(ROLE_COMMANDER) },
	{ METHOD_GET,  "/admin/accounts",            h_admin_accounts,   0, ROLE_BIT(ROLE_ADMIN) },
	{ METHOD_GET,  "/admin/audit",               h_admin_audit,      0, ROLE_BIT(ROLE_ADMIN) },
	{ METHOD_POST, "/admin/accounts",            h_admin_account_create, 0, ROLE_BIT(ROLE_ADMIN) },
	{ METHOD_GET,  "/admin/accounts/{id}",       h_admin_account,    0, ROLE_BIT(ROLE_ADMIN) },
	{ METHOD_POST, "/admin/accounts/{id}",       h_admin_account_update, 0, ROLE_BIT(ROLE_ADMIN) },
};

const size_t portal_nroutes = sizeof(portal_routes) / sizeof(portal_routes[0]);

int
route_admits(const struct route *r, enum role role)
{
	return (r->flags & ROUTE_PUBLIC) != 0 || (r->roles & ROLE_BIT(role)) != 0;
}

const struct route *
route_for_get(const char *path)
{
	size_t i;

	for (i = 0; i < portal_nroutes; i++)
		if (portal_routes[i].method == METHOD_GET && strcmp(portal_routes[i].pattern, path) == 0)
			return &portal_routes[i];
	return NULL;
}

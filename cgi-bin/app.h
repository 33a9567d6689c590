/*
 * One worker process of the portal (struct app) and one request being
 * answered by it (struct ctx). A worker keeps no session state in memory:
 * everything about a person is read from PostgreSQL on each request.
 */
#ifndef PORTAL_APP_H
#define PORTAL_APP_H

#include <stdbool.h>
#include <time.h>

#include <libpq-fe.h>

#include "db.h"
#include "domain.h"
#include "http.h"
#include "policy.h"
#include "route.h"
#include "settings.h"
#include "view.h"

struct app {
	struct db        db;
	struct view_set *views;    /* loaded and frozen before the workers fork */
	struct policy    policy;   /* loaded from the database, per process */
	struct settings  settings; /* loaded with the policy */
	bool             policy_loaded;
	bool             policy_unreadable; /* stored, not readable by this build */
	time_t           policy_checked; /* when a newer policy was last looked for */
	int              db_wait_ms;     /* how long a request waits for a restarting database */
};

/* The signed-in person; strings point into ctx->session_res. */
struct account {
	long long   id;
	const char *login;
	const char *full_name;
	const char *email;
	const char *agency;
	const char *agency_type;
	const char *bureau;
	const char *district;
	const char *unit;
	enum role   role;
	bool        on_duty;
};

struct ctx {
	struct app          *app;
	struct http_request *http;
	const struct route  *route;
	struct route_params  params;
	bool                 json;         /* answer JSON, errors too */
	bool                 signed_in;
	struct account       me;
	const char          *csrf;         /* the token forms must carry */
	long long            unread;       /* unacknowledged notifications */
	const char          *setup_path;   /* a page to see first (second factor, password) */
	PGresult            *session_res;  /* owned */
	char                 pre_csrf[64]; /* sign-in form token (no session yet) */
};

/* Answers one FastCGI request. */
void app_handle(struct app *, FCGX_Request *);

/* The policy of this process, loaded on first use with the settings
 * (c->app->settings). NULL when unavailable. */
const struct policy *app_policy(struct ctx *);

#endif

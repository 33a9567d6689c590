/* GET /healthz, GET / (home) and GET /policy. */
#include <stdio.h>
#include <string.h>

#include "handlers.h"
#include "page.h"
#include "request_public.h"
#include "status.h"

/*
 * Whether the database answers now. A connection the probe itself finds
 * broken (PostgreSQL restarted since this worker last used it) is made
 * again once, at once: health is not waited for (app.c answers it before
 * the ride-through), and a worker's stale connection is no outage (found
 * by test_status: each worker's first probe after a restart said 503).
 */
static bool
db_answers(struct db *db)
{
	int tries;

	for (tries = 0; tries < 2; tries++) {
		PGresult *res;

		db->lost = false;
		/* db_ready() reconnects when the database came back. */
		if (db_ready(db) && (res = db_query(db, "SELECT 1", 0, NULL)) != NULL) {
			PQclear(res);
			return true;
		}
		if (!db->lost)
			return false;
	}
	return false;
}

void
h_healthz(struct ctx *c)
{
	if (!db_answers(&c->app->db)) {
		http_send(c->http, 503, "text/plain; charset=utf-8", "database unavailable\n", 21);
		return;
	}
	http_send(c->http, 200, "text/plain; charset=utf-8", "ok\n", 3);
}

/* GET /healthz.json: 200 while the database answers, with whether mail
 * flows ("degraded": the notifier unseen, or mail behind, for two minutes:
 * status.h); 503 when the database does not answer. */
void
h_healthz_json(struct ctx *c)
{
	struct portal_status s;
	struct buf b;

	c->json = true;
	if (!db_answers(&c->app->db) || !status_read(&c->app->db, &s)) {
		static const char down[] = "{\"status\": \"down\", \"database\": \"down\"}\n";

		http_send(c->http, 503, "application/json", down, sizeof(down) - 1);
		return;
	}
	buf_init(&b);
	buf_printf(&b, "{\"status\": \"%s\", \"database\": \"ok\", \"mail\": \"%s\","
	    " \"notifier\": \"%s\", \"backlog\": %lld, \"oldest_unsent_seconds\": %lld,"
	    " \"notifier_seen_seconds\": %lld, \"audit\": \"%s\", \"unsealed\": %lld,"
	    " \"oldest_unsealed_seconds\": %lld}", s.degraded ? "degraded" : "ok",
	    s.mail_behind ? "behind" : "ok", s.notifier_down ? "down" : "ok", s.backlog,
	    s.oldest_unsent, s.notifier_seen, s.audit_behind ? "behind" : "ok", s.unsealed,
	    s.oldest_unsealed);
	json_send(c, 200, &b);
	buf_free(&b);
}

void
h_home(struct ctx *c)
{
	DB_STATEMENT(sql, "h_home.h_home", 1,
	    "SELECT r.id, r.kind, r.status, r.requesting_agency, r.nature, r.emergency,"
	    " to_char(r.created_at, 'YYYY-MM-DD HH24:MI') AS created"
	    " FROM request r"
	    " WHERE ($1::text IS NULL OR r.filed_by_agency = $1)"
	    " ORDER BY r.created_at DESC, r.id DESC LIMIT 15");
	struct view_dict *d = page_dict(c);
	const char *params[1];
	PGresult *res;
	int i;

	fileable_kinds(c, d);
	params[0] = role_is_staff(c->me.role) ? NULL : (c->me.agency ? c->me.agency : "");
	if ((res = db_run(&c->app->db, &sql, params)) == NULL) {
		view_dict_free(d);
		page_error(c, 503, "The database is not answering.", NULL);
		return;
	}
	for (i = 0; i < PQntuples(res); i++) {
		struct view_dict *r = view_add(d, "REQUEST");
		int kind = kind_from_id(db_value(res, i, "kind"));
		int status = status_from_id(db_value(res, i, "status"));

		view_set_str(r, "ID", db_value(res, i, "id"));
		view_set_str(r, "STATUS", db_value(res, i, "status"));
		if (!role_is_staff(c->me.role) && status >= 0) {
			/* An outside agency's words: what it is, what happens next. */
			view_set_str(r, "KIND_LABEL", request_kind_public(db_value(res, i, "kind")));
			view_set_str(r, "STATUS_LABEL", request_state_public((enum request_status)status));
			view_set_str(r, "NEXT", request_next_public((enum request_status)status));
			view_set_str(r, "UNITS_OUT", db_value(res, i, "units_out"));
		} else {
			view_set_str(r, "KIND_LABEL", kind >= 0 ? kind_choices[kind].label : "");
			view_set_str(r, "STATUS_LABEL", status >= 0 ? status_choices[status].label : "");
		}
		view_set_str(r, "AGENCY", db_value(res, i, "requesting_agency"));
		view_set_str(r, "NATURE", db_value(res, i, "nature"));
		view_set_str(r, "CREATED", db_value(res, i, "created"));
		if (db_bool(res, i, "emergency"))
			view_show(r, "EMERGENCY");
	}
	view_show(d, PQntuples(res) == 0 ? "NO_REQUESTS" : "HAS_REQUESTS");
	if (!duty_section(c, d)) {
		PQclear(res);
		view_dict_free(d);
		page_error(c, 503, "The database is not answering.", NULL);
		return;
	}
	view_show(d, role_is_staff(c->me.role) ? "STAFF_VIEW" : "AGENCY_VIEW");
	PQclear(res);
	page_send(c, 200, "Home", "home.tpl", d);
}

void
h_policy(struct ctx *c)
{
	const struct policy *pol = app_policy(c);
	struct view_dict *d;
	size_t i;
	int e;

	if (!role_is_staff(c->me.role)) {
		page_error(c, 404, "There is no such page.", NULL);
		return;
	}
	d = page_dict(c);
	view_set_str(d, "PRESET", pol->title);
	view_set_str(d, "DEPARTMENT_NAME", pol->department);
	/* Grouped by what the rules do, in the policy's own order. */
	for (e = 0; e < EFFECT__MAX; e++) {
		struct view_dict *group = NULL;

		for (i = 0; i < pol->n; i++) {
			const struct rule *r = &pol->rules[i];
			struct view_dict *rd;
			int k;

			if (r->effect != (enum rule_effect)e || !r->enabled)
				continue;
			if (group == NULL) {
				group = view_add(d, "GROUP");
				view_set_str(group, "GROUP_TITLE", effect_choices[e].label);
			}
			rd = view_add(group, "RULE");
			view_set_str(rd, "ID", r->id);
			view_set_str(rd, "CLAUSE", r->clause);
			view_set_str(rd, "SUMMARY", r->summary);
			if (r->basis == BASIS_DEPARTMENT)
				view_show(rd, "DEPARTMENT_RULE");
			for (k = 0; k < KIND__MAX; k++)
				if (r->kinds & ((uint32_t)1 << k))
					view_set_str(view_add(rd, "APPLIES"), "KIND_LABEL", kind_choices[k].label);
			if (r->kinds == 0)
				view_show(rd, "ALL_KINDS");
		}
	}
	page_send(c, 200, "Policy", "policy.tpl", d);
}

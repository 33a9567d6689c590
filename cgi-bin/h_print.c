/*
 * GET /requests/ID/print: the request as the official request sheet or
 * letter (the written request, and the teletype and letter that follow a
 * telephone request, where the policy asks for them), and GET
 * /deployments: the communications center's list of active deployments
 * with the overdue ones marked (the policy's check-in rule).
 */
#include <stdio.h>
#include <string.h>

#include "handlers.h"
#include "page.h"
#include "request_store.h"

/* The value of field f as the sheet prints it. */
static void
print_value(struct view_dict *row, const struct field_spec *spec, enum request_field f, const char *v)
{
	if (v == NULL || *v == '\0' || strcmp(v, "{}") == 0)
		v = "—";
	else if (f == RF_EMERGENCY || f == RF_WITHIN_CITY)
		/* Stored as booleans ("t"/"f"): the sheet says Yes or No. */
		v = v[0] == 't' ? "Yes" : "No";
	else if (spec->type == FIELD_CHOICE)
		v = choice_label(spec->choices, v);
	if (spec->type == FIELD_MULTI && strcmp(v, "—") != 0) {
		uint32_t mask = special_units_mask(v);
		struct buf units;
		int u;

		buf_init(&units);
		for (u = 0; special_unit_choices[u].id != NULL; u++)
			if (mask & ((uint32_t)1 << u))
				buf_printf(&units, "%s%s", units.len ? ", " : "", special_unit_choices[u].label);
		view_set_str(row, "VALUE", buf_cstr(&units));
		buf_free(&units);
	} else
		view_set_str(row, "VALUE", v);
}

/* The clauses that applied to this request: who may file it, what it must
 * say, who approves, the caps, the follow-ups, and who was told when it was
 * filed. */
static void
print_rules(struct view_dict *d, const struct policy *pol, const struct request_facts *facts)
{
	size_t i;

	for (i = 0; i < pol->n; i++) {
		const struct rule *r = &pol->rules[i];
		bool relevant = r->effect == EFFECT_FILE || r->effect == EFFECT_REQUIRE ||
		    r->effect == EFFECT_APPROVE || r->effect == EFFECT_CAP ||
		    r->effect == EFFECT_FOLLOWUP ||
		    (r->effect == EFFECT_NOTIFY && r->on_event == EVENT_FILED);

		if (relevant && rule_applies_to(r, facts->kind) && rule_condition_holds(r, facts)) {
			struct view_dict *rd = view_add(d, "RULE");

			view_set_str(rd, "CLAUSE", r->clause);
			view_set_str(rd, "SUMMARY", r->summary);
		}
	}
}

/* Every step of the request, who took it, when, under which clause. */
DB_STATEMENT(steps_sql, "h_print.steps", 1,
    "SELECT to_char(e.at, 'YYYY-MM-DD HH24:MI') AS at,"
    " coalesce(a.full_name, e.actor_login, 'the portal') AS who,"
    " replace(e.action, '_', ' ') AS what, e.clause, e.note"
    " FROM audit_event e LEFT JOIN account a ON a.id = e.actor_id"
    " WHERE e.request_id = $1 ORDER BY e.id");

/* The members and units sent, who authorized each, and their check-ins. */
DB_STATEMENT(sent_sql, "h_print.deployments", 1,
    "SELECT coalesce(ac.full_name, dp.assignee) AS member, dp.special_unit, dp.status,"
    " au.full_name AS authorized_by, to_char(dp.created_at, 'YYYY-MM-DD HH24:MI') AS sent,"
    " (SELECT string_agg(to_char(k.at, 'HH24:MI') || ' ' || replace(k.status, '_', ' '), ', ' ORDER BY k.id)"
    "   FROM checkin k WHERE k.deployment_id = dp.id) AS checkins"
    " FROM deployment dp JOIN account au ON au.id = dp.authorized_by"
    " LEFT JOIN account ac ON ac.id = dp.account_id"
    " WHERE dp.request_id = $1 ORDER BY dp.id");

static void
print_steps(struct view_dict *d, const PGresult *res)
{
	int i;

	for (i = 0; i < PQntuples(res); i++) {
		struct view_dict *s = view_add(d, "STEP");

		view_set_str(s, "AT", db_value(res, i, "at"));
		view_set_str(s, "WHO", db_value(res, i, "who"));
		view_set_str(s, "WHAT", db_value(res, i, "what"));
		view_set_str(s, "STEP_CLAUSE", db_value(res, i, "clause") ? db_value(res, i, "clause") : "—");
		view_set_str(s, "NOTE", db_value(res, i, "note"));
	}
}

static void
print_sent(struct view_dict *d, const PGresult *res)
{
	int i;

	for (i = 0; i < PQntuples(res); i++) {
		struct view_dict *s = view_add(d, "SENT");
		const char *unit = db_value(res, i, "special_unit");

		view_set_str(s, "MEMBER", db_value(res, i, "member"));
		view_set_str(s, "UNIT", unit ? choice_label(special_unit_choices, unit) : "—");
		view_set_str(s, "AUTHORIZED_BY", db_value(res, i, "authorized_by"));
		view_set_str(s, "SENT_AT", db_value(res, i, "sent"));
		view_set_str(s, "CHECKINS", db_value(res, i, "checkins") ? db_value(res, i, "checkins") : "none");
		view_set_str(s, "DEP_STATUS", choice_label(deployment_status_choices, db_value(res, i, "status")));
	}
	if (PQntuples(res) == 0)
		view_show(d, "NONE_SENT");
}

void
h_request_print(struct ctx *c)
{
	const struct policy *pol = app_policy(c);
	struct request_facts facts;
	struct view_dict *d;
	struct db_batch items[3];
	const char *params[2];
	char idtext[24];
	PGresult *res;
	int f, kind;
	char title[64];

	/* The request, its steps and what was sent: one round trip. */
	request_fetch_params(c, idtext, c->params.id, params);
	items[0].st = request_fetch_statement();
	items[0].values = params;
	items[1].st = &steps_sql;
	items[1].values = params;
	items[2].st = &sent_sql;
	items[2].values = params;
	if (!db_run_batch(&c->app->db, items, 3)) {
		page_error(c, 503, "The database is not answering.", NULL);
		return;
	}
	if (PQntuples(items[0].res) != 1) {
		PQclear(items[0].res);
		PQclear(items[1].res);
		PQclear(items[2].res);
		page_error(c, 404, "There is no such request, or it is not yours to see.", NULL);
		return;
	}
	res = items[0].res;
	request_facts_from_row(res, 0, &facts);
	kind = kind_from_id(db_value(res, 0, "kind"));
	d = page_dict(c);
	view_set_str(d, "ID", db_value(res, 0, "id"));
	view_set_str(d, "DEPARTMENT_NAME", pol->department);
	if (pol->authority[0] != '\0')
		view_set_str(view_add(d, "AUTHORITY"), "AUTHORITY_TEXT", pol->authority);
	view_set_str(d, "KIND_LABEL", kind >= 0 ? kind_choices[kind].label : "");
	view_set_str(d, "CREATED", db_value(res, 0, "created_at_shown"));
	view_set_str(d, "FILED_BY", db_value(res, 0, "filed_by_name"));
	view_set_str(d, "STATUS_LABEL", choice_label(status_choices, db_value(res, 0, "status")));
	for (f = 0; f < RF__MAX; f++) {
		struct view_dict *row;

		if (!request_field_applies(f, facts.kind))
			continue;
		row = view_add(d, "LINE");
		view_set_str(row, "LABEL", request_fields[f].label);
		print_value(row, &request_fields[f], f, db_value(res, 0, f == RF_NEEDED_BY
		    ? "needed_by_local" : request_fields[f].name));
	}
	print_rules(d, pol, &facts);
	print_steps(d, items[1].res);
	print_sent(d, items[2].res);
	PQclear(items[1].res);
	PQclear(items[2].res);
	view_set_str(d, "TELETYPE", db_value(res, 0, "teletype_shown") ? db_value(res, 0, "teletype_shown") : "not yet");
	view_set_str(d, "LETTER", db_value(res, 0, "letter_shown") ? db_value(res, 0, "letter_shown") : "not yet");
	snprintf(title, sizeof(title), "Request %s, printable", db_value(res, 0, "id"));
	PQclear(res);
	page_send(c, 200, title, "print.tpl", d);
}

void
h_deployments(struct ctx *c)
{
	DB_STATEMENT(sql, "h_print.h_deployments", 0,
	    "SELECT dp.id, dp.request_id, dp.assignee, dp.status, r.kind, r.location,"
	    " to_char(dp.last_checkin_at, 'YYYY-MM-DD HH24:MI') AS last_checkin,"
	    " floor(extract(epoch FROM now() - dp.last_checkin_at) / 60)::bigint AS idle_minutes,"
	    " r.emergency, r.channel, r.squads, r.supervisors, r.special_units, r.bureau, r.district,"
	    " r.requesting_agency_type, r.within_city"
	    " FROM deployment dp JOIN request r ON r.id = dp.request_id"
	    " WHERE dp.status <> 'returned'"
	    " ORDER BY dp.last_checkin_at LIMIT 500");
	const struct policy *pol = app_policy(c);
	struct view_dict *d;
	PGresult *res;
	int i;

	if ((res = db_run(&c->app->db, &sql, NULL)) == NULL) {
		page_error(c, 503, "The database is not answering.", NULL);
		return;
	}
	d = page_dict(c);
	for (i = 0; i < PQntuples(res); i++) {
		struct view_dict *row = view_add(d, "DEPLOYMENT");
		struct request_facts facts;
		const struct rule *timer;

		request_facts_from_row(res, i, &facts);
		timer = policy_rule_for(pol, EFFECT_CHECKIN, &facts);
		view_set_str(row, "REQUEST_ID", db_value(res, i, "request_id"));
		view_set_str(row, "ASSIGNEE", db_value(res, i, "assignee"));
		view_set_str(row, "DEP_STATUS", choice_label(deployment_status_choices, db_value(res, i, "status")));
		view_set_str(row, "LOCATION", db_value(res, i, "location"));
		view_set_str(row, "LAST_CHECKIN", db_value(res, i, "last_checkin"));
		view_set_str(row, "IDLE", db_value(res, i, "idle_minutes"));
		if (timer != NULL && db_int(res, i, "idle_minutes") >= timer->interval_minutes) {
			struct view_dict *o = view_add(row, "OVERDUE");

			view_set_str(o, "CLAUSE", timer->clause);
		}
	}
	if (PQntuples(res) == 0)
		view_show(d, "NONE");
	PQclear(res);
	/* The check-in rule of the policy in force, as it words it. */
	for (i = 0; (size_t)i < pol->n; i++)
		if (pol->rules[i].effect == EFFECT_CHECKIN && pol->rules[i].enabled) {
			struct view_dict *cr = view_add(d, "CHECKIN_RULE");

			view_set_str(cr, "CHECKIN_SUMMARY", pol->rules[i].summary);
			view_set_str(cr, "CHECKIN_CLAUSE", pol->rules[i].clause);
			break;
		}
	page_send(c, 200, "Active deployments", "deployments.tpl", d);
}

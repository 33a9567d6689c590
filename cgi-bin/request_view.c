/*
 * What the request page offers its viewer (the view model of the actions
 * and deployments): a form for every action the lifecycle table allows
 * this person now, and the deployments with their check-in forms.
 */
#include <stdio.h>
#include <string.h>

#include "action.h"
#include "page.h"

static int
popcount(uint32_t v)
{
	int n = 0;

	for (; v != 0; v &= v - 1)
		n++;
	return n;
}

static bool
any_waivable(const struct policy *pol, const struct request_facts *facts)
{
	size_t i;

	for (i = 0; i < pol->n; i++)
		if (lifecycle_waivable(&pol->rules[i], facts))
			return true;
	return false;
}

/* The members who may be sent (active and sworn, on duty first), as the
 * suggestions of the dispatch form's assignee inputs. */
static bool
offer_roster(struct ctx *c, struct view_dict *d)
{
	DB_STATEMENT(sql, "request_view.offer_roster", 0,
	    "SELECT a.login, a.full_name, r.deploys_as, a.on_duty FROM account a"
	    " JOIN role r ON r.id = a.role WHERE NOT a.disabled AND r.deploys_as IS NOT NULL"
	    " ORDER BY a.on_duty DESC, r.deploys_as DESC, a.full_name LIMIT 500");
	PGresult *res = db_run(&c->app->db, &sql, NULL);
	int i;

	if (res == NULL)
		return false;
	for (i = 0; i < PQntuples(res); i++) {
		struct view_dict *m = view_add(d, "MEMBER");
		char label[300];

		snprintf(label, sizeof(label), "%s (%s%s)", db_value(res, i, "full_name"),
		    db_value(res, i, "deploys_as"), db_bool(res, i, "on_duty") ? "" : ", off duty");
		view_set_str(m, "LOGIN", db_value(res, i, "login"));
		view_set_str(m, "LABEL", label);
	}
	PQclear(res);
	return true;
}

/* Adds the check-in forms and the deployments table. */
static bool
offer_deployments(struct ctx *c, struct view_dict *d, const PGresult *req, bool may_checkin)
{
	DB_STATEMENT(sql, "request_view.offer_deployments", 2,
	    "SELECT dp.id, coalesce(ac.full_name || ' (' || ac.login || ')', dp.assignee) AS assignee,"
	    " dp.account_id, dp.status, au.full_name AS authorized_by,"
	    " to_char(dp.created_at, 'YYYY-MM-DD HH24:MI') AS sent,"
	    " to_char(dp.last_checkin_at, 'YYYY-MM-DD HH24:MI') AS last_checkin,"
	    " (dp.status <> 'returned' AND $2::int > 0"
	    "   AND dp.last_checkin_at < now() - make_interval(mins => $2::int)) AS overdue"
	    " FROM deployment dp JOIN account au ON au.id = dp.authorized_by"
	    " LEFT JOIN account ac ON ac.id = dp.account_id"
	    " WHERE dp.request_id = $1 ORDER BY dp.id");
	struct request_facts facts;
	const struct rule *timer;
	const char *params[2];
	char minutes[16];
	PGresult *res;
	int i;

	request_facts_from_row(req, 0, &facts);
	timer = policy_rule_for(app_policy(c), EFFECT_CHECKIN, &facts);
	snprintf(minutes, sizeof(minutes), "%d", timer ? timer->interval_minutes : 0);
	params[0] = db_value(req, 0, "id");
	params[1] = minutes;
	if ((res = db_run(&c->app->db, &sql, params)) == NULL)
		return false;
	if (PQntuples(res) > 0)
		view_show(d, "HAS_DEPLOYMENTS");
	if (timer != NULL) {
		view_set_int(d, "CHECKIN_MINUTES", timer->interval_minutes);
		view_set_str(d, "CHECKIN_CLAUSE", timer->clause);
	}
	for (i = 0; i < PQntuples(res); i++) {
		struct view_dict *dep = view_add(d, "DEPLOYMENT");
		bool open = strcmp(db_value(res, i, "status"), "returned") != 0;

		view_set_str(dep, "DEPLOYMENT_ID", db_value(res, i, "id"));
		view_set_str(dep, "ASSIGNEE", db_value(res, i, "assignee"));
		view_set_str(dep, "DEP_STATUS", choice_label(deployment_status_choices, db_value(res, i, "status")));
		view_set_str(dep, "AUTHORIZED_BY", db_value(res, i, "authorized_by"));
		view_set_str(dep, "SENT", db_value(res, i, "sent"));
		view_set_str(dep, "LAST_CHECKIN", db_value(res, i, "last_checkin"));
		if (db_bool(res, i, "overdue"))
			view_show(dep, "OVERDUE");
		if (open && may_checkin && (c->me.role != ROLE_OFFICER ||
		    db_int(res, i, "account_id") == c->me.id)) {
			struct view_dict *f = view_add(dep, "CHECKIN_FORM");
			int s;

			for (s = 0; checkin_status_choices[s].id != NULL; s++) {
				struct view_dict *o = view_add(f, "STATUS_OPTION");

				view_set_str(o, "VALUE", checkin_status_choices[s].id);
				view_set_str(o, "LABEL", checkin_status_choices[s].label);
			}
		}
	}
	PQclear(res);
	return true;
}

/* The specialized units, as choices of `d`. */
static void
offer_units(struct view_dict *d)
{
	int u;

	for (u = 0; special_unit_choices[u].id != NULL; u++) {
		struct view_dict *o = view_add(d, "UNIT");

		view_set_str(o, "VALUE", special_unit_choices[u].id);
		view_set_str(o, "LABEL", special_unit_choices[u].label);
	}
}

/* The resources an authorization, assessment or approval names: what was
 * asked (an approval holds dispatches to what it approves) and the caps of
 * a provisional authorization. */
static void
offer_resources(struct view_dict *form, enum action a, const struct verdict *v,
    const struct request_facts *facts)
{
	struct view_dict *res = view_add(form, "RESOURCES");

	if (a == ACT_APPROVE) {
		char asked[200];

		snprintf(asked, sizeof(asked), "%d squad(s), %d supervisor(s), %d specialized unit(s)",
		    facts->squads, facts->supervisors, popcount(facts->special_units));
		view_set_str(view_add(res, "ASKED"), "ASKED_TEXT", asked);
	}
	if (a == ACT_AUTHORIZE && v->rule != NULL) {
		view_set_int(res, "CAP_SQUADS", v->rule->cap_squads);
		view_set_int(res, "CAP_SUPERVISORS", v->rule->cap_supervisors);
		view_set_int(res, "CAP_UNITS", v->rule->cap_special_units);
		view_show(res, "CAPS");
	}
	offer_units(res);
}

/* The rules an exception may waive on this request. */
static void
offer_exception(struct view_dict *form, const struct policy *pol, const struct request_facts *facts)
{
	struct view_dict *ex = view_add(form, "EXCEPT");
	size_t i;

	for (i = 0; i < pol->n; i++) {
		struct view_dict *o;

		if (!lifecycle_waivable(&pol->rules[i], facts))
			continue;
		o = view_add(ex, "RULE_OPTION");
		view_set_str(o, "VALUE", pol->rules[i].id);
		view_set_str(o, "LABEL", pol->rules[i].clause);
		view_set_str(o, "RULE_ID", pol->rules[i].id);
		view_set_str(o, "RULE_SUMMARY", pol->rules[i].summary);
	}
}

/* The form of one action the viewer may take. */
static bool
offer_action(struct ctx *c, struct view_dict *d, enum action a, const struct verdict *v,
    const struct request_facts *facts)
{
	struct view_dict *form = view_add(d, "ACTION");

	view_set_str(form, "ACTION_ID", action_choices[a].id);
	view_set_str(form, "ACTION_LABEL", action_choices[a].label);
	if (v->clause != NULL)
		view_set_str(form, "ACTION_CLAUSE", v->clause);
	view_show(form, a == ACT_DENY || a == ACT_CANCEL ? "DANGER" : "PLAIN");
	if (a == ACT_AUTHORIZE || a == ACT_ASSESS || a == ACT_APPROVE)
		offer_resources(form, a, v, facts);
	if (a == ACT_DISPATCH) {
		struct view_dict *dis = view_add(form, "DISPATCH");

		if (!offer_roster(c, dis))
			return false;
		offer_units(dis);
	}
	if (a == ACT_DENY || a == ACT_EXCEPT)
		view_show(form, "REASON");
	else if (a != ACT_FOLLOWUP)
		view_show(form, "NOTE");
	if (a == ACT_FOLLOWUP)
		view_show(view_add(form, "FOLLOWUP"), "NOTE_FOLLOWUP");
	if (a == ACT_EXCEPT)
		offer_exception(form, app_policy(c), facts);
	return true;
}

bool
action_offer(struct ctx *c, struct view_dict *d, const PGresult *req)
{
	const struct policy *pol = app_policy(c);
	struct request_facts facts;
	struct action_facts af;
	int status = status_from_id(db_value(req, 0, "status")), a;
	bool may_checkin = false, any = false;

	if (status < 0 || !action_facts_load(c, req, &af))
		return false;
	request_facts_from_row(req, 0, &facts);
	for (a = 0; a < ACT__MAX; a++) {
		struct verdict v = lifecycle_decide(pol, (enum action)a, (enum request_status)status,
		    c->me.role, &facts, &af);

		if (v.decision != DECIDE_ALLOW)
			continue;
		/* A check-in is offered on each deployment, not as an action. */
		if (a == ACT_CHECKIN) {
			may_checkin = true;
			continue;
		}
		/* An exception is offered only where a rule can be waived. */
		if (a == ACT_EXCEPT && !any_waivable(pol, &facts))
			continue;
		any = true;
		if (!offer_action(c, d, (enum action)a, &v, &facts))
			return false;
	}
	if (any)
		view_show(d, "HAS_ACTIONS");
	return offer_deployments(c, d, req, may_checkin);
}

/*
 * What the policy still waits for on this request, and what it waived:
 * the on-scene assessment where a rule expects one, the teletype and
 * letter of a telephone request where a follow-up rule asks for them, each
 * exception the chief granted, with its reason.
 */
bool
request_view_policy_state(struct ctx *c, struct view_dict *d, const PGresult *req)
{
	DB_STATEMENT(sql, "request_view.request_view_policy_state", 1,
	    "SELECT e.rule_id, e.reason, a.full_name, to_char(e.at, 'YYYY-MM-DD HH24:MI') AS at"
	    " FROM policy_exception e JOIN account a ON a.id = e.granted_by WHERE e.request_id = $1"
	    " ORDER BY e.id");
	const struct policy *pol = app_policy(c);
	const char *id = db_value(req, 0, "id");
	int status = status_from_id(db_value(req, 0, "status"));
	struct request_facts facts;
	const struct rule *r;
	PGresult *res;
	int i;

	request_facts_from_row(req, 0, &facts);
	if ((r = policy_event_rule(pol, EVENT_ASSESSED, &facts)) != NULL) {
		struct view_dict *a = view_add(d, "ASSESSMENT");

		view_set_str(a, "ASSESS_CLAUSE", r->clause);
		if (db_value(req, 0, "assessed_at") != NULL)
			view_set_str(view_add(a, "ASSESSED"), "ASSESSED_AT", db_value(req, 0, "assessed_shown"));
		else if (status != STATUS_CANCELLED && status != STATUS_DENIED && status != STATUS_CLOSED)
			view_show(a, "AWAITED");
		else
			view_show(a, "NONE_RECORDED");
	}
	if ((r = policy_rule_for(pol, EFFECT_FOLLOWUP, &facts)) != NULL) {
		struct view_dict *f = view_add(d, "FOLLOWUPS");

		view_set_str(f, "FOLLOWUP_CLAUSE", r->clause);
		view_set_str(f, "TELETYPE", db_value(req, 0, "teletype_shown") ? db_value(req, 0, "teletype_shown")
		    : "not received yet");
		view_set_str(f, "LETTER", db_value(req, 0, "letter_shown") ? db_value(req, 0, "letter_shown")
		    : "not received yet");
	}
	if ((res = db_run(&c->app->db, &sql, &id)) == NULL)
		return false;
	for (i = 0; i < PQntuples(res); i++) {
		struct view_dict *e = view_add(d, "EXCEPTION");
		const struct rule *waived = policy_find(pol, db_value(res, i, "rule_id"));

		view_set_str(e, "RULE_ID", db_value(res, i, "rule_id"));
		view_set_str(e, "RULE_CLAUSE", waived ? waived->clause : "");
		view_set_str(e, "RULE_SUMMARY", waived ? waived->summary : "a rule no longer in the policy");
		view_set_str(e, "REASON", db_value(res, i, "reason"));
		view_set_str(e, "BY", db_value(res, i, "full_name"));
		view_set_str(e, "AT", db_value(res, i, "at"));
	}
	PQclear(res);
	return true;
}

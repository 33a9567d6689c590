/*
 * What the request page offers its viewer (the view model of the actions
 * and deployments): a form for every action the lifecycle table allows
 * this person now, and the deployments with their check-in forms.
 */
#include <stdio.h>
#include <string.h>

#include "action.h"
#include "page.h"
#include "request_page.h"

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
static void
offer_roster(struct view_dict *d, const PGresult *res)
{
	int i;

	for (i = 0; i < PQntuples(res); i++) {
		struct view_dict *m = view_add(d, "MEMBER");
		char label[300];

		snprintf(label, sizeof(label), "%s (%s%s)", db_value(res, i, "full_name"),
		    db_value(res, i, "deploys_as"), db_bool(res, i, "on_duty") ? "" : ", off duty");
		view_set_str(m, "LOGIN", db_value(res, i, "login"));
		view_set_str(m, "LABEL", label);
	}
}

/* Adds the check-in forms and the deployments table; overdue as the
 * check-in rule in force says. */
static void
offer_deployments(struct ctx *c, struct view_dict *d, const struct request_page *rp, bool may_checkin)
{
	const PGresult *res = rp->res[RP_DEPLOYMENTS];
	struct request_facts facts;
	const struct rule *timer;
	int i;

	request_facts_from_row(rp->res[RP_REQUEST], 0, &facts);
	timer = policy_rule_for(app_policy(c), EFFECT_CHECKIN, &facts);
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
		if (open && timer != NULL && timer->interval_minutes > 0 &&
		    db_int(res, i, "minutes_since") >= timer->interval_minutes)
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

void
action_form_again(struct ctx *c, struct view_dict *form, const struct action_error *err)
{
	static const char *const names[] = { "squads", "supervisors", "note", "reason", "confirm",
		"assignee", "rule", "type", "eta" };
	size_t i;

	if (form == NULL || err == NULL)
		return;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = form_get(&c->http->body_form, names[i]);
		char key[24];
		size_t k;

		snprintf(key, sizeof(key), "V_%s", names[i]);
		for (k = 2; key[k] != '\0'; k++)
			key[k] = (char)(key[k] - ('a' <= key[k] && key[k] <= 'z' ? 'a' - 'A' : 0));
		if (v != NULL)
			view_set_str(form, key, v);
		if (err->field != NULL && strcmp(err->field, names[i]) == 0) {
			key[0] = 'B';
			memmove(key + 3, key + 1, strlen(key + 1) + 1);
			memcpy(key, "BAD", 3);
			view_set_str(view_add(form, key), "ERR_TEXT", err->message);
		}
	}
	if (form_get(&c->http->body_form, "confirm") != NULL)
		view_show(form, "CONFIRMED");
}

/* The form of one action the viewer may take; the primary one (what this
 * viewer is expected to do next) styled so, the others secondary. */
static struct view_dict *
offer_action(struct ctx *c, struct view_dict *d, enum action a, const struct verdict *v,
    const struct request_facts *facts, const struct request_page *rp, bool primary)
{
	struct view_dict *form = view_add(d, "ACTION");

	view_set_str(form, "ACTION_ID", action_choices[a].id);
	view_set_str(form, "ACTION_LABEL", action_choices[a].label);
	if (v->clause != NULL)
		view_set_str(form, "ACTION_CLAUSE", v->clause);
	view_show(form, a == ACT_DENY || a == ACT_CANCEL ? "DANGER" : primary ? "PLAIN" : "SECONDARY");
	view_show(form, primary ? "PRIMARY" : "OTHER");
	if (a == ACT_AUTHORIZE || a == ACT_ASSESS || a == ACT_APPROVE)
		offer_resources(form, a, v, facts);
	if (a == ACT_DISPATCH) {
		struct view_dict *dis = view_add(form, "DISPATCH");

		offer_roster(dis, rp->res[RP_ROSTER]);
		offer_units(dis);
	}
	if (a == ACT_DENY || a == ACT_EXCEPT || a == ACT_CANCEL)
		view_show(form, "REASON");
	if (a == ACT_CANCEL)
		view_show(form, "CONFIRM");
	else if (a != ACT_FOLLOWUP)
		view_show(form, "NOTE");
	if (a == ACT_FOLLOWUP)
		view_show(view_add(form, "FOLLOWUP"), "NOTE_FOLLOWUP");
	if (a == ACT_EXCEPT)
		offer_exception(form, app_policy(c), facts);
	return form;
}

/* What the viewer is expected to do next, when they may: the first of
 * these. Refusing, cancelling and excepting are never the expected step. */
static const enum action primary_order[] = {
	ACT_APPROVE, ACT_AUTHORIZE, ACT_DISPATCH, ACT_ASSESS, ACT_FOLLOWUP, ACT_CLOSE
};

bool
action_offer(struct ctx *c, struct view_dict *d, const struct request_page *rp,
    const struct action_error *err, bool *has_primary)
{
	const struct policy *pol = app_policy(c);
	const PGresult *req = rp->res[RP_REQUEST];
	struct request_facts facts;
	struct action_facts af;
	struct verdict v[ACT__MAX];
	int status = status_from_id(db_value(req, 0, "status")), a, primary = -1;
	bool may_checkin = false, any = false;
	struct view_dict *form;
	size_t k;

	if (status < 0)
		return false;
	action_facts_from(c, req, rp->res[RP_FACTS], rp->res[RP_APPROVERS], &af);
	request_facts_from_row(req, 0, &facts);
	for (a = 0; a < ACT__MAX; a++) {
		v[a] = lifecycle_decide(pol, (enum action)a, (enum request_status)status,
		    c->me.role, &facts, &af);
		/* An exception is offered only where a rule can be waived. */
		if (a == ACT_EXCEPT && v[a].decision == DECIDE_ALLOW && !any_waivable(pol, &facts))
			v[a].decision = DECIDE_CONFLICT;
	}
	for (k = 0; k < sizeof(primary_order) / sizeof(primary_order[0]) && primary < 0; k++)
		if (v[primary_order[k]].decision == DECIDE_ALLOW)
			primary = (int)primary_order[k];
	*has_primary = primary >= 0;
	/* The primary action first, then the others in the table's order. */
	for (k = 0; k <= ACT__MAX; k++) {
		a = k == 0 ? primary : (int)k - 1;
		if (a < 0 || (k > 0 && a == primary) || v[a].decision != DECIDE_ALLOW)
			continue;
		/* A check-in is offered on each deployment, not as an action. */
		if (a == ACT_CHECKIN) {
			may_checkin = true;
			continue;
		}
		any = true;
		form = offer_action(c, d, (enum action)a, &v[a], &facts, rp, a == primary);
		if (err != NULL && err->act == a)
			action_form_again(c, form, err);
	}
	if (any)
		view_show(d, "HAS_ACTIONS");
	offer_deployments(c, d, rp, may_checkin);
	return true;
}

/*
 * What the policy still waits for on this request, and what it waived:
 * the on-scene assessment where a rule expects one, the teletype and
 * letter of a telephone request where a follow-up rule asks for them, each
 * exception the chief granted, with its reason.
 */
void
request_view_policy_state(struct ctx *c, struct view_dict *d, const struct request_page *rp)
{
	const struct policy *pol = app_policy(c);
	const PGresult *req = rp->res[RP_REQUEST], *res = rp->res[RP_EXCEPTIONS];
	int status = status_from_id(db_value(req, 0, "status"));
	struct request_facts facts;
	const struct rule *r;
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
}

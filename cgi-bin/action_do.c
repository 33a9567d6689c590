/*
 * The actions on a request, each applied inside the transaction that
 * h_request_action() opened on the locked request (dispatch is in
 * dispatch.c). An action writes its change, its audit event and the
 * notifications its event causes, or returns why it could not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action_internal.h"
#include "buf.h"
#include "notify.h"

/* A PostgreSQL text[] of the unit ids of a mask: "{swat,k9}". */
static void
units_array(struct buf *b, uint32_t mask)
{
	int u;
	bool first = true;

	buf_putc(b, '{');
	for (u = 0; special_unit_choices[u].id != NULL; u++)
		if (mask & ((uint32_t)1 << u)) {
			buf_printf(b, "%s%s", first ? "" : ",", special_unit_choices[u].id);
			first = false;
		}
	buf_putc(b, '}');
}

static int
unit_count(uint32_t v)
{
	int n = 0;

	for (; v != 0; v &= v - 1)
		n++;
	return n;
}

static bool
notify(struct ctx *c, const struct target *t, enum policy_event e, const char *note)
{
	return notify_event(&c->app->db, app_policy(c), t->id, e, &t->facts, note, NULL) >= 0;
}

/* The refusal of more than a cap allows, in the policy's terms: the caps,
 * and who may go beyond them (the approver, its fallback, an exception). */
static enum outcome
beyond_cap(struct ctx *c, const struct target *t, const struct rule *cap, struct result *res)
{
	const struct policy *pol = app_policy(c);
	const struct rule *approval = lifecycle_approval_rule(pol, &t->facts);
	const struct rule *exception = policy_rule_for(pol, EFFECT_EXCEPTION, &t->facts);
	char who[300] = "";
	size_t used = 0;

	if (approval != NULL && approval->recipient >= 0)
		used += (size_t)snprintf(who, sizeof(who), "the approval of the %s%s%s%s",
		    role_choices[approval->recipient].label,
		    approval->fallback >= 0 ? " (or the " : "",
		    approval->fallback >= 0 ? role_choices[approval->fallback].label : "",
		    approval->fallback >= 0 ? ", when they are not available)" : "");
	if (exception != NULL && used < sizeof(who))
		snprintf(who + used, sizeof(who) - used, "%san exception to the policy",
		    used > 0 ? ", or " : "");
	return refuse(res, OUTCOME_INVALID, cap->clause,
	    "A provisional authorization is limited to %d squad(s), %d supervisor(s) and %d "
	    "specialized unit(s) (the rule named). Anything more waits for %s.",
	    cap->cap_squads, cap->cap_supervisors, cap->cap_special_units,
	    who[0] ? who : "a decision the policy in force does not provide for");
}

/* A provisional authorization (a cap rule): its actor authorizes, within the
 * caps, pending approval; more waits for the approver (or an exception). */
enum outcome
do_authorize(struct ctx *c, struct target *t, const struct verdict *v, char *vals[AX__MAX],
    struct result *res)
{
	DB_STATEMENT(sql, "action_do.do_authorize", 4,
	    "UPDATE request SET authorized_squads = $2::int, authorized_supervisors = $3::int,"
	    " authorized_special_units = $4::text[] WHERE id = $1");
	const struct rule *cap = v->rule;
	struct resources r = resources_from(vals[AX_SQUADS], vals[AX_SUPERVISORS], vals[AX_SPECIAL_UNITS]);
	char squads[12], sups[12];
	const char *params[4];
	struct buf note, units;
	bool ok;

	if (r.squads + r.supervisors + unit_count(r.units) == 0)
		return refuse(res, OUTCOME_INVALID, NULL,
		    "Say what is authorized: squads, supervisors or a specialized unit.");
	if (cap != NULL && ((cap->cap_squads >= 0 && r.squads > cap->cap_squads) ||
	    (cap->cap_supervisors >= 0 && r.supervisors > cap->cap_supervisors) ||
	    (cap->cap_special_units >= 0 && unit_count(r.units) > cap->cap_special_units)) &&
	    !t->af.cap_excepted)
		return beyond_cap(c, t, cap, res);
	snprintf(squads, sizeof(squads), "%d", r.squads);
	snprintf(sups, sizeof(sups), "%d", r.supervisors);
	buf_init(&units);
	units_array(&units, r.units);
	params[0] = t->id;
	params[1] = squads;
	params[2] = sups;
	params[3] = buf_cstr(&units);
	buf_init(&note);
	buf_puts(&note, "Authorized ");
	describe_resources(&note, &r);
	if (vals[AX_NOTE])
		buf_printf(&note, ". %s", vals[AX_NOTE]);
	ok = !buf_failed(&units) && db_run_ok(&c->app->db, &sql, params) &&
	    set_status(c, t, transitions[ACT_AUTHORIZE].to) &&
	    audit(c, t, "provisionally_authorized", v->clause, buf_cstr(&note)) &&
	    notify(c, t, EVENT_AUTHORIZED, buf_cstr(&note));
	buf_free(&note);
	buf_free(&units);
	return ok ? OUTCOME_DONE : OUTCOME_DB;
}

/*
 * The on-scene supervisor's assessment of the resources needed (where a
 * rule is told of it), kept beside what was filed. When the policy needs an approval
 * for what is now asked, and no approval covers it yet, the request goes
 * (back) to its approver: pending approval. Otherwise the state stays.
 */
enum outcome
do_assess(struct ctx *c, struct target *t, const struct verdict *v, char *vals[AX__MAX],
    struct result *res)
{
	DB_STATEMENT(sql, "action_do.do_assess", 4,
	    "UPDATE request SET assessed_squads = $2::int, assessed_supervisors = $3::int,"
	    " assessed_special_units = $4::text[], assessed_at = now() WHERE id = $1");
	struct resources now = { t->facts.squads, t->facts.supervisors, t->facts.special_units };
	struct resources approved = resources_from(db_value(t->row, 0, "approved_squads"),
	    db_value(t->row, 0, "approved_supervisors"), db_value(t->row, 0, "approved_special_units"));
	bool has_envelope = db_value(t->row, 0, "approved_squads") != NULL;
	const struct rule *approval;
	char squads[12], sups[12];
	const char *params[4];
	struct buf note, units;
	int to = -1;
	bool ok;

	(void)res;
	if (vals[AX_SQUADS])
		now.squads = atoi(vals[AX_SQUADS]);
	if (vals[AX_SUPERVISORS])
		now.supervisors = atoi(vals[AX_SUPERVISORS]);
	if (vals[AX_SPECIAL_UNITS])
		now.units = special_units_mask(vals[AX_SPECIAL_UNITS]);
	t->facts.squads = now.squads;
	t->facts.supervisors = now.supervisors;
	t->facts.special_units = now.units;
	approval = lifecycle_approval_rule(app_policy(c), &t->facts);
	if (approval != NULL && !t->af.approval_excepted &&
	    (!t->af.approved || (has_envelope && !resources_fit(&now, &approved))) &&
	    t->status != STATUS_PENDING_APPROVAL)
		to = STATUS_PENDING_APPROVAL;
	snprintf(squads, sizeof(squads), "%d", now.squads);
	snprintf(sups, sizeof(sups), "%d", now.supervisors);
	buf_init(&units);
	units_array(&units, now.units);
	params[0] = t->id;
	params[1] = squads;
	params[2] = sups;
	params[3] = buf_cstr(&units);
	buf_init(&note);
	buf_puts(&note, "On-scene assessment: ");
	describe_resources(&note, &now);
	if (vals[AX_NOTE])
		buf_printf(&note, ". %s", vals[AX_NOTE]);
	ok = !buf_failed(&units) && db_run_ok(&c->app->db, &sql, params) && set_status(c, t, to) &&
	    audit(c, t, "assessed", v->clause, buf_cstr(&note)) &&
	    notify(c, t, EVENT_ASSESSED, buf_cstr(&note));
	buf_free(&note);
	buf_free(&units);
	return ok ? OUTCOME_DONE : OUTCOME_DB;
}

/* The approval, with what it approves: the numbers given, else what is
 * asked (the assessment, else the filing); dispatches are held to it. */
enum outcome
do_approve(struct ctx *c, struct target *t, const struct verdict *v, char *vals[AX__MAX],
    struct result *res)
{
	DB_STATEMENT(sql, "action_do.do_approve", 4,
	    "UPDATE request SET approved_squads = $2::int, approved_supervisors = $3::int,"
	    " approved_special_units = $4::text[] WHERE id = $1");
	struct resources r = { t->facts.squads, t->facts.supervisors, t->facts.special_units };
	/* Numbers the approver gives are the approval, zeros included. */
	bool given = vals[AX_SQUADS] || vals[AX_SUPERVISORS] || vals[AX_SPECIAL_UNITS];
	bool numbers = given || r.squads + r.supervisors + unit_count(r.units) > 0;
	char squads[12], sups[12];
	const char *params[4];
	struct buf note, units;
	bool ok;

	(void)res;
	if (given)
		r = resources_from(vals[AX_SQUADS], vals[AX_SUPERVISORS], vals[AX_SPECIAL_UNITS]);
	snprintf(squads, sizeof(squads), "%d", r.squads);
	snprintf(sups, sizeof(sups), "%d", r.supervisors);
	buf_init(&units);
	units_array(&units, r.units);
	buf_init(&note);
	/* Nothing asked and nothing given: approved without numbers. */
	if (!numbers)
		buf_puts(&note, "Approved");
	else {
		buf_puts(&note, "Approved: ");
		describe_resources(&note, &r);
	}
	if (vals[AX_NOTE])
		buf_printf(&note, ". %s", vals[AX_NOTE]);
	params[0] = t->id;
	params[1] = numbers ? squads : NULL;
	params[2] = params[1] ? sups : NULL;
	params[3] = params[1] ? buf_cstr(&units) : NULL;
	ok = !buf_failed(&units) && db_run_ok(&c->app->db, &sql, params) &&
	    set_status(c, t, transitions[ACT_APPROVE].to) &&
	    audit(c, t, "approved", v->clause, buf_cstr(&note)) &&
	    notify(c, t, EVENT_APPROVED, buf_cstr(&note));
	buf_free(&note);
	buf_free(&units);
	return ok ? OUTCOME_DONE : OUTCOME_DB;
}

enum outcome
do_deny(struct ctx *c, struct target *t, const struct verdict *v, char *vals[AX__MAX],
    struct result *res)
{
	DB_STATEMENT(sql, "action_do.do_deny", 2, "UPDATE request SET denial_reason = $2 WHERE id = $1");
	const char *params[2] = { t->id, vals[AX_REASON] };

	(void)res;
	/* Whoever sent units is told (the units_out condition). */
	t->facts.units_out = t->af.open_deployments > 0;
	return db_run_ok(&c->app->db, &sql, params) && set_status(c, t, transitions[ACT_DENY].to) &&
	    audit(c, t, "denied", v->clause, vals[AX_REASON]) &&
	    notify(c, t, EVENT_DENIED, vals[AX_REASON]) ? OUTCOME_DONE : OUTCOME_DB;
}

enum outcome
do_checkin(struct ctx *c, struct target *t, const struct verdict *v, char *vals[AX__MAX],
    struct result *res)
{
	DB_STATEMENT(find_sql, "action_do.do_checkin.find_sql", 2,
	    "SELECT id, assignee, account_id, status FROM deployment"
	    " WHERE id = $1 AND request_id = $2 FOR UPDATE");
	DB_STATEMENT(update_sql, "action_do.do_checkin.update_sql", 2,
	    "UPDATE deployment SET status = $2, last_checkin_at = now() WHERE id = $1");
	DB_STATEMENT(insert_sql, "action_do.do_checkin.insert_sql", 4,
	    "INSERT INTO checkin (deployment_id, status, note, reported_by) VALUES ($1, $2, $3, $4)");
	const char *params[4] = { vals[AX_DEPLOYMENT], t->id, NULL, NULL };
	enum outcome o = OUTCOME_DONE;
	char me[24];
	struct buf note;
	PGresult *dep;

	if ((dep = db_run(&c->app->db, &find_sql, params)) == NULL)
		return OUTCOME_DB;
	if (PQntuples(dep) != 1)
		o = refuse(res, OUTCOME_NOT_FOUND, NULL, "There is no such deployment on this request.");
	else if (strcmp(db_value(dep, 0, "status"), "returned") == 0)
		o = refuse(res, OUTCOME_CONFLICT, v->clause, "This deployment has returned already.");
	/* An officer reports for themself; the communications center for anyone. */
	else if (c->me.role == ROLE_OFFICER && db_int(dep, 0, "account_id") != c->me.id)
		o = refuse(res, OUTCOME_FORBIDDEN, v->clause,
		    "An officer records check-ins for their own deployment only.");
	if (o != OUTCOME_DONE) {
		PQclear(dep);
		return o;
	}
	snprintf(me, sizeof(me), "%lld", c->me.id);
	buf_init(&note);
	buf_printf(&note, "%s: %s", db_value(dep, 0, "assignee"),
	    choice_label(checkin_status_choices, vals[AX_STATUS]));
	if (vals[AX_NOTE])
		buf_printf(&note, ". %s", vals[AX_NOTE]);
	params[0] = vals[AX_DEPLOYMENT];
	params[1] = vals[AX_STATUS];
	params[2] = vals[AX_NOTE] ? vals[AX_NOTE] : "";
	params[3] = me;
	if (!db_run_ok(&c->app->db, &update_sql, params) ||
	    !db_run_ok(&c->app->db, &insert_sql, params) ||
	    !audit(c, t, "checkin", v->clause, buf_cstr(&note)))
		o = OUTCOME_DB;
	buf_free(&note);
	PQclear(dep);
	return o;
}

enum outcome
do_followup(struct ctx *c, struct target *t, const struct verdict *v, char *vals[AX__MAX],
    struct result *res)
{
	/* The column is chosen from two fixed statements, never from input. */
	DB_STATEMENT(teletype_sql, "action_do.do_followup.teletype", 1,
	    "UPDATE request SET teletype_received_at = now() WHERE id = $1 AND teletype_received_at IS NULL"
	    " RETURNING id");
	DB_STATEMENT(letter_sql, "action_do.do_followup.letter", 1,
	    "UPDATE request SET letter_received_at = now() WHERE id = $1 AND letter_received_at IS NULL"
	    " RETURNING id");
	bool teletype = strcmp(vals[AX_TYPE], "teletype") == 0;
	PGresult *done = db_run(&c->app->db, teletype ? &teletype_sql : &letter_sql, &t->id);
	struct buf note;
	bool ok;

	if (done == NULL)
		return OUTCOME_DB;
	if (PQntuples(done) == 0) {
		PQclear(done);
		return refuse(res, OUTCOME_CONFLICT, v->clause, "%s",
		    teletype ? "The teletype was recorded already." : "The official letter was recorded already.");
	}
	PQclear(done);
	buf_init(&note);
	buf_printf(&note, "%s received", teletype ? "Teletype" : "Official letter");
	if (vals[AX_NOTE])
		buf_printf(&note, ". %s", vals[AX_NOTE]);
	ok = audit(c, t, teletype ? "teletype_received" : "letter_received", v->clause, buf_cstr(&note));
	buf_free(&note);
	return ok ? OUTCOME_DONE : OUTCOME_DB;
}

/* Those the waived rule would have had act or be told learn of its
 * waiver: the approver, for an approval, a cap or separation of duties;
 * whoever a missing follow-up would have been reported to. */
static bool
tell_waived(struct ctx *c, const struct target *t, const struct rule *r, const char *note)
{
	const struct policy *pol = app_policy(c);
	const struct rule *approval = lifecycle_approval_rule(pol, &t->facts);
	size_t i;

	if (r->effect != EFFECT_FOLLOWUP)
		return approval == NULL ||
		    notify_rule(&c->app->db, approval, t->id, &t->facts, note, NULL) >= 0;
	for (i = 0; i < pol->n; i++)
		if (pol->rules[i].effect == EFFECT_NOTIFY && pol->rules[i].on_event == EVENT_FOLLOWUP_OVERDUE &&
		    rule_in_force(&pol->rules[i], &t->facts) &&
		    notify_rule(&c->app->db, &pol->rules[i], t->id, &t->facts, note, NULL) < 0)
			return false;
	return true;
}

enum outcome
do_except(struct ctx *c, struct target *t, const struct verdict *v, char *vals[AX__MAX],
    struct result *res)
{
	DB_STATEMENT(sql, "action_do.do_except", 4,
	    "INSERT INTO policy_exception (request_id, rule_id, granted_by, reason) VALUES ($1, $2, $3, $4)"
	    " ON CONFLICT (request_id, rule_id) DO NOTHING RETURNING id");
	const struct rule *r = policy_find(app_policy(c), vals[AX_RULE]);
	char me[24];
	const char *params[4];
	struct buf note;
	PGresult *row;
	bool ok;

	if (r == NULL)
		return refuse(res, OUTCOME_INVALID, NULL, "Rule: there is no such rule in the policy in force.");
	/* Only what the portal can waive is offered: an exception to anything
	 * else would be recorded and ignored. */
	if (!lifecycle_waivable(r, &t->facts))
		return refuse(res, OUTCOME_INVALID, NULL, "Rule: %s (%s) cannot be waived for this request: an "
		    "exception is possible to its approval, its caps, its follow-up deadline or "
		    "separation of duties.", r->id, r->clause);
	snprintf(me, sizeof(me), "%lld", c->me.id);
	params[0] = t->id;
	params[1] = r->id;
	params[2] = me;
	params[3] = vals[AX_REASON];
	if ((row = db_run(&c->app->db, &sql, params)) == NULL)
		return OUTCOME_DB;
	if (PQntuples(row) == 0) {
		PQclear(row);
		return refuse(res, OUTCOME_CONFLICT, v->clause,
		    "An exception to this rule was granted already for this request.");
	}
	PQclear(row);
	buf_init(&note);
	buf_printf(&note, "Exception to rule %s (%s): %s", r->id, r->clause, vals[AX_REASON]);
	ok = audit(c, t, "exception", v->clause, buf_cstr(&note)) &&
	    notify(c, t, EVENT_EXCEPTION, buf_cstr(&note)) && tell_waived(c, t, r, buf_cstr(&note));
	buf_free(&note);
	return ok ? OUTCOME_DONE : OUTCOME_DB;
}

enum outcome
do_close(struct ctx *c, struct target *t, const struct verdict *v, char *vals[AX__MAX],
    struct result *res)
{
	(void)res;
	return set_status(c, t, transitions[ACT_CLOSE].to) &&
	    audit(c, t, "closed", v->clause, vals[AX_NOTE]) &&
	    notify(c, t, EVENT_CLOSED, vals[AX_NOTE]) ? OUTCOME_DONE : OUTCOME_DB;
}

enum outcome
do_cancel(struct ctx *c, struct target *t, const struct verdict *v, char *vals[AX__MAX],
    struct result *res)
{
	struct buf note;
	bool ok;

	(void)res;
	buf_init(&note);
	buf_puts(&note, vals[AX_REASON]);
	if (vals[AX_NOTE])
		buf_printf(&note, " (%s)", vals[AX_NOTE]);
	/* The notifications (a rule on `cancelled`) say why it was called off. */
	ok = !buf_failed(&note) && set_status(c, t, transitions[ACT_CANCEL].to) &&
	    audit(c, t, "cancelled", v->clause, buf_cstr(&note)) &&
	    notify(c, t, EVENT_CANCELLED, buf_cstr(&note));
	buf_free(&note);
	return ok ? OUTCOME_DONE : OUTCOME_DB;
}

#include "action.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "field.h"
#include "handlers.h"
#include "log.h"
#include "notify.h"
#include "page.h"
#include "request_store.h"

/* The fields of the action forms (CONTRACT.md "Action fields"). */
enum action_field {
	AX_SQUADS, AX_SUPERVISORS, AX_SPECIAL_UNITS, AX_NOTE, AX_REASON,
	AX_DEPLOYMENT, AX_STATUS, AX_TYPE, AX_RULE, AX__MAX
};

static const struct choice followup_choices[] = {
	{ "teletype", "Teletype" }, { "letter", "Official letter" }, { NULL, NULL }
};

static const struct field_spec action_fields[AX__MAX] = {
	[AX_SQUADS]        = { "squads", "Squads", FIELD_INT, 4, 0, 99, NULL, false },
	[AX_SUPERVISORS]   = { "supervisors", "Supervisors", FIELD_INT, 4, 0, 99, NULL, false },
	[AX_SPECIAL_UNITS] = { "special_units", "Specialized units", FIELD_MULTI, 0, 0, 0, special_unit_choices, false },
	[AX_NOTE]          = { "note", "Note", FIELD_TEXTAREA, 2000, 0, 0, NULL, false },
	[AX_REASON]        = { "reason", "Reason", FIELD_TEXTAREA, 2000, 0, 0, NULL, false },
	[AX_DEPLOYMENT]    = { "deployment", "Deployment", FIELD_INT, 18, 1, 999999999999L, NULL, false },
	[AX_STATUS]        = { "status", "Status", FIELD_CHOICE, 20, 0, 0, checkin_status_choices, false },
	[AX_TYPE]          = { "type", "Document received", FIELD_CHOICE, 20, 0, 0, followup_choices, false },
	[AX_RULE]          = { "rule", "Rule", FIELD_TEXT, 32, 0, 0, NULL, false },
};

#define AXB(x) ((uint32_t)1 << (x))

/* Which fields each action reads, and which of them it requires. */
static const struct { uint32_t reads, requires; } action_inputs[ACT__MAX] = {
	[ACT_AUTHORIZE] = { AXB(AX_SQUADS) | AXB(AX_SUPERVISORS) | AXB(AX_SPECIAL_UNITS) | AXB(AX_NOTE), 0 },
	[ACT_APPROVE]   = { AXB(AX_NOTE), 0 },
	[ACT_DENY]      = { AXB(AX_REASON), AXB(AX_REASON) },
	[ACT_ASSESS]    = { AXB(AX_SQUADS) | AXB(AX_SUPERVISORS) | AXB(AX_SPECIAL_UNITS) | AXB(AX_NOTE), 0 },
	[ACT_DISPATCH]  = { AXB(AX_SPECIAL_UNITS) | AXB(AX_NOTE), 0 },
	[ACT_CHECKIN]   = { AXB(AX_DEPLOYMENT) | AXB(AX_STATUS) | AXB(AX_NOTE), AXB(AX_DEPLOYMENT) | AXB(AX_STATUS) },
	[ACT_FOLLOWUP]  = { AXB(AX_TYPE) | AXB(AX_NOTE), AXB(AX_TYPE) },
	[ACT_CLOSE]     = { AXB(AX_NOTE), 0 },
	[ACT_CANCEL]    = { AXB(AX_NOTE), 0 },
	[ACT_EXCEPT]    = { AXB(AX_RULE) | AXB(AX_REASON), AXB(AX_RULE) | AXB(AX_REASON) },
};

#define MAX_ASSIGNEES 32

/* A request row locked for the action, and what the rules see in it. */
struct target {
	PGresult            *row;
	const char          *id;
	enum request_status  status;
	struct request_facts facts;
	struct action_facts  af;
};

bool
action_facts_load(struct ctx *c, const PGresult *req, struct action_facts *af)
{
	static const char sql[] =
	    "SELECT (SELECT count(*) FROM deployment WHERE request_id = $1) AS deployments,"
	    " (SELECT count(*) FROM deployment WHERE request_id = $1 AND status <> 'returned') AS open,"
	    " EXISTS (SELECT 1 FROM policy_exception WHERE request_id = $1 AND rule_id = $2) AS excepted,"
	    " EXISTS (SELECT 1 FROM audit_event WHERE request_id = $1 AND action = 'provisionally_authorized')"
	    "   AS provisional,"
	    " EXISTS (SELECT 1 FROM account WHERE role = $3 AND on_duty AND NOT disabled"
	    "   AND ($4::text IS NULL OR CASE $5 WHEN 'bureau' THEN lower(bureau)"
	    "     WHEN 'district' THEN lower(district) ELSE unit END = lower($4))) AS primary_on_duty";
	static const char *const attr_names[] = { "", "bureau", "district", "unit" };
	const struct policy *pol = app_policy(c);
	struct request_facts facts;
	const struct rule *approval;
	const char *params[5];
	const char *agency = db_value(req, 0, "filed_by_agency");
	PGresult *res;

	request_facts_from_row(req, 0, &facts);
	approval = lifecycle_approval_rule(pol, &facts);
	params[0] = db_value(req, 0, "id");
	params[1] = approval ? approval->id : "";
	params[2] = approval && approval->recipient >= 0 ? role_choices[approval->recipient].id : "";
	params[3] = approval == NULL ? NULL : approval->match == MATCH_BUREAU ? facts.bureau :
	    approval->match == MATCH_DISTRICT ? facts.district : NULL;
	params[4] = approval ? attr_names[approval->match] : "";
	if ((res = db_query(&c->app->db, sql, 5, params)) == NULL)
		return false;
	af->deployments = (int)db_int(res, 0, "deployments");
	af->open_deployments = (int)db_int(res, 0, "open");
	af->approval_excepted = db_bool(res, 0, "excepted");
	af->primary_approver_on_duty = db_bool(res, 0, "primary_on_duty");
	af->provisional = db_bool(res, 0, "provisional");
	/* The approver's own bureau or district must be the one requested
	 * (when the request names one). */
	af->approver_mismatch = false;
	if (approval != NULL && approval->recipient == (int)c->me.role && params[3] != NULL) {
		const char *mine = approval->match == MATCH_BUREAU ? c->me.bureau :
		    approval->match == MATCH_DISTRICT ? c->me.district : NULL;

		af->approver_mismatch = approval->match != MATCH_NONE &&
		    (mine == NULL || strcasecmp(mine, params[3]) != 0);
	}
	/* The originator: the person who filed it, or anyone of the agency
	 * that filed it. */
	af->is_originator = db_int(req, 0, "filed_by") == c->me.id ||
	    (c->me.role == ROLE_AGENCY && agency != NULL && c->me.agency != NULL &&
	     strcmp(agency, c->me.agency) == 0);
	PQclear(res);
	return true;
}

static bool
excepted(struct ctx *c, const char *request_id, const struct rule *r)
{
	static const char sql[] =
	    "SELECT 1 FROM policy_exception WHERE request_id = $1 AND rule_id = $2";
	const char *params[2] = { request_id, r ? r->id : "" };
	PGresult *res = db_query(&c->app->db, sql, 2, params);
	bool yes = res != NULL && PQntuples(res) > 0;

	PQclear(res);
	return yes;
}

static int
popcount(uint32_t v)
{
	int n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

static void
describe_resources(struct buf *b, const char *squads, const char *supervisors, const char *units)
{
	uint32_t mask = special_units_mask(units);
	int u;

	buf_printf(b, "%s squad(s), %s supervisor(s)", squads ? squads : "0", supervisors ? supervisors : "0");
	for (u = 0; special_unit_choices[u].id != NULL; u++)
		if (mask & ((uint32_t)1 << u))
			buf_printf(b, ", %s", special_unit_choices[u].label);
}

/* An error page naming the clause, after rolling back. */
static void
refuse(struct ctx *c, int status, const char *message, const char *clause)
{
	db_rollback(&c->app->db);
	page_error(c, status, message, clause);
}

/* Reads the action's own fields; on a bad one answers 422 and returns false. */
static bool
read_fields(struct ctx *c, enum action act, char *values[AX__MAX])
{
	int i;

	for (i = 0; i < AX__MAX; i++)
		values[i] = NULL;
	for (i = 0; i < AX__MAX; i++) {
		struct field_spec spec = action_fields[i];
		const char *err;
		char msg[300];

		if (!(action_inputs[act].reads & AXB(i)))
			continue;
		spec.required = (action_inputs[act].requires & AXB(i)) != 0;
		if ((err = field_check(&spec, &c->http->body_form, &values[i])) != NULL) {
			snprintf(msg, sizeof(msg), "%s %s Nothing was changed.", spec.label, err);
			fields_free(values, AX__MAX);
			refuse(c, 422, msg, NULL);
			return false;
		}
	}
	return true;
}

static bool
set_status(struct ctx *c, const struct target *t, int to)
{
	static const char sql[] =
	    "UPDATE request SET status = $2, updated_at = now(),"
	    " approved_at = CASE WHEN $2 = 'approved' THEN now() ELSE approved_at END,"
	    " dispatched_at = CASE WHEN $2 = 'dispatched' AND dispatched_at IS NULL THEN now() ELSE dispatched_at END,"
	    " closed_at = CASE WHEN $2 IN ('closed', 'cancelled', 'denied') THEN now() ELSE closed_at END"
	    " WHERE id = $1";
	const char *params[2];

	if (to < 0 || to == (int)t->status)
		return true;
	params[0] = t->id;
	params[1] = status_choices[to].id;
	return db_exec(&c->app->db, sql, 2, params);
}

static bool
audit(struct ctx *c, const struct target *t, const char *action, const char *clause, const char *note)
{
	return audit_record(&c->app->db, t->id, c->me.id, c->me.login, action, clause, note);
}

static bool
do_authorize(struct ctx *c, struct target *t, const struct verdict *v, char *vals[AX__MAX])
{
	static const char sql[] =
	    "UPDATE request SET authorized_squads = $2::int, authorized_supervisors = $3::int,"
	    " authorized_special_units = $4::text[] WHERE id = $1";
	const struct rule *cap = v->rule;
	int squads = vals[AX_SQUADS] ? atoi(vals[AX_SQUADS]) : 0;
	int sups = vals[AX_SUPERVISORS] ? atoi(vals[AX_SUPERVISORS]) : 0;
	int units = popcount(special_units_mask(vals[AX_SPECIAL_UNITS]));
	const char *params[4];
	struct buf note;
	char msg[400];
	bool ok;

	if (squads + sups + units == 0) {
		refuse(c, 422, "Say what is authorized: squads, supervisors or a specialized unit. "
		    "Nothing was changed.", NULL);
		return false;
	}
	/* SOP 230.10 C.3.a: at most two squads, one supervisor and one
	 * specialized unit; more waits for the approver (or the chief's
	 * exception, 98-023 §VI). */
	if (cap != NULL && ((cap->cap_squads >= 0 && squads > cap->cap_squads) ||
	    (cap->cap_supervisors >= 0 && sups > cap->cap_supervisors) ||
	    (cap->cap_special_units >= 0 && units > cap->cap_special_units)) &&
	    !excepted(c, t->id, cap)) {
		snprintf(msg, sizeof(msg), "A provisional authorization is limited to %d squads, %d "
		    "supervisor and %d specialized unit; anything more waits for the approval of the "
		    "bureau requested (or the night watch commander). Nothing was changed.",
		    cap->cap_squads, cap->cap_supervisors, cap->cap_special_units);
		refuse(c, 403, msg, cap->clause);
		return false;
	}
	params[0] = t->id;
	params[1] = vals[AX_SQUADS] ? vals[AX_SQUADS] : "0";
	params[2] = vals[AX_SUPERVISORS] ? vals[AX_SUPERVISORS] : "0";
	params[3] = vals[AX_SPECIAL_UNITS] ? vals[AX_SPECIAL_UNITS] : "{}";
	buf_init(&note);
	buf_puts(&note, "Authorized ");
	describe_resources(&note, params[1], params[2], params[3]);
	if (vals[AX_NOTE])
		buf_printf(&note, ". %s", vals[AX_NOTE]);
	ok = db_exec(&c->app->db, sql, 4, params) &&
	    set_status(c, t, transitions[ACT_AUTHORIZE].to) &&
	    audit(c, t, "provisionally_authorized", v->clause, buf_cstr(&note)) &&
	    notify_event(&c->app->db, app_policy(c), t->id, EVENT_AUTHORIZED, &t->facts,
	        buf_cstr(&note), NULL) >= 0;
	buf_free(&note);
	return ok;
}

static bool
do_assess(struct ctx *c, struct target *t, const struct verdict *v, char *vals[AX__MAX])
{
	static const char sql[] =
	    "UPDATE request SET squads = coalesce($2::int, squads), supervisors = coalesce($3::int, supervisors),"
	    " special_units = coalesce($4::text[], special_units) WHERE id = $1";
	const char *params[4] = { t->id, vals[AX_SQUADS], vals[AX_SUPERVISORS], vals[AX_SPECIAL_UNITS] };
	struct buf note;
	bool ok;

	buf_init(&note);
	buf_puts(&note, "On-scene assessment: ");
	describe_resources(&note, vals[AX_SQUADS], vals[AX_SUPERVISORS], vals[AX_SPECIAL_UNITS]);
	if (vals[AX_NOTE])
		buf_printf(&note, ". %s", vals[AX_NOTE]);
	if (vals[AX_SPECIAL_UNITS])
		t->facts.special_units = special_units_mask(vals[AX_SPECIAL_UNITS]);
	/* Not yet decided: the assessment goes to the approver (C.3.c). */
	ok = db_exec(&c->app->db, sql, 4, params) &&
	    set_status(c, t, t->status == STATUS_SUBMITTED || t->status == STATUS_PROVISIONALLY_AUTHORIZED
	        ? STATUS_PENDING_APPROVAL : -1) &&
	    audit(c, t, "assessed", v->clause, buf_cstr(&note)) &&
	    notify_event(&c->app->db, app_policy(c), t->id, EVENT_ASSESSED, &t->facts,
	        buf_cstr(&note), NULL) >= 0;
	buf_free(&note);
	return ok;
}

static bool
do_decision(struct ctx *c, struct target *t, enum action act, const struct verdict *v,
    char *vals[AX__MAX])
{
	static const char deny_sql[] = "UPDATE request SET denial_reason = $2 WHERE id = $1";
	const char *params[2] = { t->id, vals[AX_REASON] };
	const char *note = act == ACT_DENY ? vals[AX_REASON] : vals[AX_NOTE];

	if (act == ACT_DENY && !db_exec(&c->app->db, deny_sql, 2, params))
		return false;
	return set_status(c, t, transitions[act].to) &&
	    audit(c, t, act == ACT_DENY ? "denied" : "approved", v->clause, note) &&
	    notify_event(&c->app->db, app_policy(c), t->id,
	        act == ACT_DENY ? EVENT_DENIED : EVENT_APPROVED, &t->facts, note, NULL) >= 0;
}

/* Whether an assignee names a person (a login): then they check in
 * themselves. Fills id (or leaves it empty). */
static void
assignee_account(struct ctx *c, const char *assignee, char id[24])
{
	static const char sql[] = "SELECT id FROM account WHERE login = $1 AND NOT disabled";
	PGresult *res = db_query(&c->app->db, sql, 1, &assignee);

	id[0] = '\0';
	if (res != NULL && PQntuples(res) == 1)
		snprintf(id, 24, "%s", db_value(res, 0, "id"));
	PQclear(res);
}

static bool
do_dispatch(struct ctx *c, struct target *t, const struct verdict *v, char *vals[AX__MAX])
{
	static const char insert_sql[] =
	    "INSERT INTO deployment (request_id, assignee, account_id, special_unit, authorized_by)"
	    " VALUES ($1, $2, $3, $4, $5)";
	static const char count_sql[] =
	    "SELECT count(*) FILTER (WHERE special_unit IS NULL) AS people,"
	    " coalesce(array_agg(special_unit) FILTER (WHERE special_unit IS NOT NULL), '{}') AS units"
	    " FROM deployment WHERE request_id = $1";
	const struct form *form = &c->http->body_form;
	size_t n = form_count(form, "assignee"), i;
	uint32_t units = special_units_mask(vals[AX_SPECIAL_UNITS]);
	char me[24], msg[400];
	const char *params[5];
	struct buf note;
	int u, people = 0;
	bool ok = true;

	if (n > MAX_ASSIGNEES) {
		refuse(c, 422, "At most 32 assignees at once. Nothing was changed.", NULL);
		return false;
	}
	for (i = 0; i < n; i++) {
		const char *a = form_get_nth(form, "assignee", i);

		if (*a == '\0')
			continue;
		if (utf8_length(a) > 100 || strpbrk(a, "\r\n") != NULL) {
			refuse(c, 422, "Assignee: each must be a login or a unit name of at most 100 "
			    "characters on one line. Nothing was changed.", NULL);
			return false;
		}
		people++;
	}
	if (people == 0 && units == 0) {
		refuse(c, 422, "Assignee: name at least one officer, squad or specialized unit to send. "
		    "Nothing was changed.", NULL);
		return false;
	}
	/* Within a provisional authorization, only what it covers (C.3.a),
	 * unless the chief excepted the cap. */
	if ((t->status == STATUS_PROVISIONALLY_AUTHORIZED || t->status == STATUS_PENDING_APPROVAL) &&
	    !excepted(c, t->id, policy_rule_for(app_policy(c), EFFECT_CAP, &t->facts))) {
		PGresult *res = db_query(&c->app->db, count_sql, 1, &t->id);
		uint32_t sent, allowed = special_units_mask(db_value(t->row, 0, "authorized_special_units"));
		long long cap = db_int(t->row, 0, "authorized_squads") + db_int(t->row, 0, "authorized_supervisors");

		if (res == NULL)
			return false;
		sent = special_units_mask(db_value(res, 0, "units"));
		if (db_int(res, 0, "people") + people > cap || ((sent | units) & ~allowed) != 0) {
			snprintf(msg, sizeof(msg), "The provisional authorization covers %lld squad(s) or "
			    "supervisor(s) and only the specialized units it names; sending more waits for "
			    "the approval. Nothing was changed.", cap);
			PQclear(res);
			refuse(c, 403, msg, "SOP 230.10 C.3.a");
			return false;
		}
		PQclear(res);
	}
	snprintf(me, sizeof(me), "%lld", c->me.id);
	buf_init(&note);
	buf_puts(&note, "Sent:");
	for (i = 0; i < n && ok; i++) {
		const char *a = form_get_nth(form, "assignee", i);
		char account[24];

		if (*a == '\0')
			continue;
		assignee_account(c, a, account);
		params[0] = t->id;
		params[1] = a;
		params[2] = account[0] ? account : NULL;
		params[3] = NULL;
		params[4] = me;
		ok = db_exec(&c->app->db, insert_sql, 5, params);
		buf_printf(&note, " %s;", a);
		/* The member sent is told, with the rule that authorized it. */
		if (ok && account[0] != '\0' && v->rule != NULL) {
			char told[300];

			snprintf(told, sizeof(told), "You are dispatched on request #%s by %s. "
			    "Report your status (check in) to the communications center regularly.",
			    t->id, c->me.full_name);
			ok = notify_account(&c->app->db, t->id, account, v->rule, told) >= 0;
		}
	}
	for (u = 0; special_unit_choices[u].id != NULL && ok; u++) {
		if (!(units & ((uint32_t)1 << u)))
			continue;
		params[0] = t->id;
		params[1] = special_unit_choices[u].label;
		params[2] = NULL;
		params[3] = special_unit_choices[u].id;
		params[4] = me;
		ok = db_exec(&c->app->db, insert_sql, 5, params);
		buf_printf(&note, " %s;", special_unit_choices[u].label);
	}
	if (vals[AX_NOTE])
		buf_printf(&note, " %s", vals[AX_NOTE]);
	/* The unit commanders of the units sent now are notified (§IV.B.1, C.3.a). */
	t->facts.special_units = units;
	ok = ok && set_status(c, t, t->status == STATUS_PROVISIONALLY_AUTHORIZED ||
	        t->status == STATUS_PENDING_APPROVAL ? -1 : STATUS_DISPATCHED) &&
	    audit(c, t, "dispatched", v->clause, buf_cstr(&note)) &&
	    notify_event(&c->app->db, app_policy(c), t->id, EVENT_DISPATCHED, &t->facts,
	        buf_cstr(&note), NULL) >= 0;
	buf_free(&note);
	return ok;
}

static bool
do_checkin(struct ctx *c, struct target *t, const struct verdict *v, char *vals[AX__MAX])
{
	static const char find_sql[] =
	    "SELECT id, assignee, account_id, status FROM deployment"
	    " WHERE id = $1 AND request_id = $2 FOR UPDATE";
	static const char update_sql[] =
	    "UPDATE deployment SET status = $2, last_checkin_at = now() WHERE id = $1";
	static const char insert_sql[] =
	    "INSERT INTO checkin (deployment_id, status, note, reported_by) VALUES ($1, $2, $3, $4)";
	const char *params[4] = { vals[AX_DEPLOYMENT], t->id, NULL, NULL };
	char me[24];
	struct buf note;
	PGresult *res;
	bool ok;

	if ((res = db_query(&c->app->db, find_sql, 2, params)) == NULL)
		return false;
	if (PQntuples(res) != 1) {
		PQclear(res);
		refuse(c, 404, "There is no such deployment on this request.", NULL);
		return false;
	}
	if (strcmp(db_value(res, 0, "status"), "returned") == 0) {
		PQclear(res);
		refuse(c, 409, "This deployment has returned already.", v->clause);
		return false;
	}
	/* An officer reports for themself; the communications center for anyone. */
	if (c->me.role == ROLE_OFFICER && db_int(res, 0, "account_id") != c->me.id) {
		PQclear(res);
		refuse(c, 403, "An officer records check-ins for their own deployment only.", v->clause);
		return false;
	}
	snprintf(me, sizeof(me), "%lld", c->me.id);
	buf_init(&note);
	buf_printf(&note, "%s: %s", db_value(res, 0, "assignee"),
	    choice_label(checkin_status_choices, vals[AX_STATUS]));
	if (vals[AX_NOTE])
		buf_printf(&note, ". %s", vals[AX_NOTE]);
	params[0] = vals[AX_DEPLOYMENT];
	params[1] = vals[AX_STATUS];
	params[2] = vals[AX_NOTE] ? vals[AX_NOTE] : "";
	params[3] = me;
	ok = db_exec(&c->app->db, update_sql, 2, params) &&
	    db_exec(&c->app->db, insert_sql, 4, params) &&
	    audit(c, t, "checkin", v->clause, buf_cstr(&note));
	buf_free(&note);
	PQclear(res);
	return ok;
}

static bool
do_followup(struct ctx *c, struct target *t, const struct verdict *v, char *vals[AX__MAX])
{
	/* The column is chosen from two fixed statements, never from input. */
	static const char teletype_sql[] =
	    "UPDATE request SET teletype_received_at = now() WHERE id = $1 AND teletype_received_at IS NULL"
	    " RETURNING id";
	static const char letter_sql[] =
	    "UPDATE request SET letter_received_at = now() WHERE id = $1 AND letter_received_at IS NULL"
	    " RETURNING id";
	bool teletype = strcmp(vals[AX_TYPE], "teletype") == 0;
	PGresult *res = db_query(&c->app->db, teletype ? teletype_sql : letter_sql, 1, &t->id);
	struct buf note;
	bool ok;

	if (res == NULL)
		return false;
	if (PQntuples(res) == 0) {
		PQclear(res);
		refuse(c, 409, teletype ? "The teletype was recorded already." :
		    "The official letter was recorded already.", v->clause);
		return false;
	}
	PQclear(res);
	buf_init(&note);
	buf_printf(&note, "%s received", teletype ? "Teletype" : "Official letter");
	if (vals[AX_NOTE])
		buf_printf(&note, ". %s", vals[AX_NOTE]);
	ok = audit(c, t, teletype ? "teletype_received" : "letter_received", v->clause, buf_cstr(&note));
	buf_free(&note);
	return ok;
}

static bool
do_except(struct ctx *c, struct target *t, const struct verdict *v, char *vals[AX__MAX])
{
	static const char sql[] =
	    "INSERT INTO policy_exception (request_id, rule_id, granted_by, reason) VALUES ($1, $2, $3, $4)"
	    " ON CONFLICT (request_id, rule_id) DO NOTHING RETURNING id";
	const struct rule *r = policy_find(app_policy(c), vals[AX_RULE]);
	char me[24];
	const char *params[4];
	struct buf note;
	PGresult *res;
	bool ok;

	if (r == NULL) {
		refuse(c, 422, "Rule: there is no such rule in the policy in force. Nothing was changed.", NULL);
		return false;
	}
	snprintf(me, sizeof(me), "%lld", c->me.id);
	params[0] = t->id;
	params[1] = r->id;
	params[2] = me;
	params[3] = vals[AX_REASON];
	if ((res = db_query(&c->app->db, sql, 4, params)) == NULL)
		return false;
	if (PQntuples(res) == 0) {
		PQclear(res);
		refuse(c, 409, "An exception to this rule was granted already for this request.", v->clause);
		return false;
	}
	PQclear(res);
	buf_init(&note);
	buf_printf(&note, "Exception to rule %s (%s): %s", r->id, r->clause, vals[AX_REASON]);
	ok = audit(c, t, "exception", v->clause, buf_cstr(&note)) &&
	    notify_event(&c->app->db, app_policy(c), t->id, EVENT_EXCEPTION, &t->facts,
	        buf_cstr(&note), NULL) >= 0;
	buf_free(&note);
	return ok;
}

static bool
apply(struct ctx *c, enum action act, struct target *t, const struct verdict *v, char *vals[AX__MAX])
{
	switch (act) {
	case ACT_AUTHORIZE: return do_authorize(c, t, v, vals);
	case ACT_APPROVE:
	case ACT_DENY:      return do_decision(c, t, act, v, vals);
	case ACT_ASSESS:    return do_assess(c, t, v, vals);
	case ACT_DISPATCH:  return do_dispatch(c, t, v, vals);
	case ACT_CHECKIN:   return do_checkin(c, t, v, vals);
	case ACT_FOLLOWUP:  return do_followup(c, t, v, vals);
	case ACT_EXCEPT:    return do_except(c, t, v, vals);
	case ACT_CLOSE:
	case ACT_CANCEL:
		return set_status(c, t, transitions[act].to) &&
		    audit(c, t, act == ACT_CLOSE ? "closed" : "cancelled", v->clause, vals[AX_NOTE]);
	case ACT__MAX:
		break;
	}
	return false;
}

void
h_request_action(struct ctx *c)
{
	static const char lock_sql[] =
	    "SELECT r.*, to_char(r.updated_at, 'YYYY-MM-DD HH24:MI') AS updated"
	    " FROM request r WHERE r.id = $1 AND ($2::text IS NULL OR r.filed_by_agency = $2) FOR UPDATE";
	char idtext[24], location[48];
	char *vals[AX__MAX];
	const char *params[2];
	struct target t;
	struct verdict v;
	int act, status;

	if ((act = action_from_id(c->params.word)) < 0) {
		page_error(c, 404, "There is no such action on a request.", NULL);
		return;
	}
	snprintf(idtext, sizeof(idtext), "%lld", c->params.id);
	params[0] = idtext;
	params[1] = role_is_staff(c->me.role) ? NULL : (c->me.agency ? c->me.agency : "");
	/* The row lock orders concurrent actions: two approvers at once, the
	 * second sees the first one's decision and is told so (409). */
	if (!db_begin(&c->app->db) || (t.row = db_query(&c->app->db, lock_sql, 2, params)) == NULL) {
		refuse(c, 503, "The database is not answering. Nothing was changed.", NULL);
		return;
	}
	if (PQntuples(t.row) != 1) {
		PQclear(t.row);
		refuse(c, 404, "There is no such request, or it is not yours to see.", NULL);
		return;
	}
	t.id = db_value(t.row, 0, "id");
	status = status_from_id(db_value(t.row, 0, "status"));
	t.status = status < 0 ? STATUS_SUBMITTED : (enum request_status)status;
	request_facts_from_row(t.row, 0, &t.facts);
	if (!action_facts_load(c, t.row, &t.af)) {
		PQclear(t.row);
		refuse(c, 503, "The database is not answering. Nothing was changed.", NULL);
		return;
	}
	v = lifecycle_decide(app_policy(c), (enum action)act, t.status, c->me.role, &t.facts, &t.af);
	if (v.decision != DECIDE_ALLOW) {
		char msg[512];

		snprintf(msg, sizeof(msg), "%s: %s (The request is %s.) Nothing was changed.",
		    action_choices[act].label, v.message, status_choices[t.status].label);
		PQclear(t.row);
		refuse(c, v.decision == DECIDE_FORBIDDEN ? 403 : 409, msg, v.clause);
		return;
	}
	if (!read_fields(c, (enum action)act, vals)) {
		PQclear(t.row);
		return;
	}
	if (!apply(c, (enum action)act, &t, &v, vals)) {
		/* A refusal inside apply() has answered already. */
		if (!c->http->responded)
			refuse(c, 503, "The database did not accept the change. Nothing was changed.", NULL);
		fields_free(vals, AX__MAX);
		PQclear(t.row);
		return;
	}
	fields_free(vals, AX__MAX);
	PQclear(t.row);
	if (!db_commit(&c->app->db)) {
		page_error(c, 503, "The database did not accept the change. Nothing was changed.", NULL);
		return;
	}
	snprintf(location, sizeof(location), "/requests/%s#status", idtext);
	http_redirect(c->http, 303, location);
}

/* Adds the check-in forms and the deployments table. */
static bool
offer_deployments(struct ctx *c, struct view_dict *d, const PGresult *req, bool may_checkin)
{
	static const char sql[] =
	    "SELECT dp.id, coalesce(ac.full_name || ' (' || ac.login || ')', dp.assignee) AS assignee,"
	    " dp.account_id, dp.status, au.full_name AS authorized_by,"
	    " to_char(dp.created_at, 'YYYY-MM-DD HH24:MI') AS sent,"
	    " to_char(dp.last_checkin_at, 'YYYY-MM-DD HH24:MI') AS last_checkin,"
	    " (dp.status <> 'returned' AND $2::int > 0"
	    "   AND dp.last_checkin_at < now() - make_interval(mins => $2::int)) AS overdue"
	    " FROM deployment dp JOIN account au ON au.id = dp.authorized_by"
	    " LEFT JOIN account ac ON ac.id = dp.account_id"
	    " WHERE dp.request_id = $1 ORDER BY dp.id";
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
	if ((res = db_query(&c->app->db, sql, 2, params)) == NULL)
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
		struct view_dict *form;
		size_t i;
		int u;

		if (v.decision != DECIDE_ALLOW)
			continue;
		if (a == ACT_CHECKIN) {
			may_checkin = true;
			continue;
		}
		any = true;
		form = view_add(d, "ACTION");
		view_set_str(form, "ACTION_ID", action_choices[a].id);
		view_set_str(form, "ACTION_LABEL", action_choices[a].label);
		if (v.clause != NULL)
			view_set_str(form, "ACTION_CLAUSE", v.clause);
		view_show(form, a == ACT_DENY || a == ACT_CANCEL ? "DANGER" : "PLAIN");
		if (a == ACT_AUTHORIZE || a == ACT_ASSESS) {
			struct view_dict *res = view_add(form, "RESOURCES");

			if (a == ACT_AUTHORIZE && v.rule != NULL) {
				view_set_int(res, "CAP_SQUADS", v.rule->cap_squads);
				view_set_int(res, "CAP_SUPERVISORS", v.rule->cap_supervisors);
				view_set_int(res, "CAP_UNITS", v.rule->cap_special_units);
				view_show(res, "CAPS");
			}
			for (u = 0; special_unit_choices[u].id != NULL; u++) {
				struct view_dict *o = view_add(res, "UNIT");

				view_set_str(o, "VALUE", special_unit_choices[u].id);
				view_set_str(o, "LABEL", special_unit_choices[u].label);
			}
		}
		if (a == ACT_DISPATCH) {
			struct view_dict *dis = view_add(form, "DISPATCH");

			for (u = 0; special_unit_choices[u].id != NULL; u++) {
				struct view_dict *o = view_add(dis, "UNIT");

				view_set_str(o, "VALUE", special_unit_choices[u].id);
				view_set_str(o, "LABEL", special_unit_choices[u].label);
			}
		}
		if (a == ACT_DENY || a == ACT_EXCEPT)
			view_show(form, "REASON");
		else if (a != ACT_FOLLOWUP)
			view_show(form, "NOTE");
		if (a == ACT_FOLLOWUP) {
			struct view_dict *fu = view_add(form, "FOLLOWUP");

			view_show(fu, "NOTE_FOLLOWUP");
		}
		if (a == ACT_EXCEPT) {
			struct view_dict *ex = view_add(form, "EXCEPT");

			for (i = 0; i < pol->n; i++) {
				struct view_dict *o = view_add(ex, "RULE_OPTION");

				view_set_str(o, "VALUE", pol->rules[i].id);
				view_set_str(o, "LABEL", pol->rules[i].clause);
				view_set_str(o, "RULE_ID", pol->rules[i].id);
				view_set_str(o, "RULE_SUMMARY", pol->rules[i].summary);
			}
		}
	}
	if (any)
		view_show(d, "HAS_ACTIONS");
	return offer_deployments(c, d, req, may_checkin);
}

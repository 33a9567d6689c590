/*
 * POST /requests/ID/ACTION: lock the request, ask the lifecycle table
 * (lifecycle.c) whether this person may take the action now, read the
 * action's own fields, apply it (action_do.c, dispatch.c) with its audit
 * event and notifications in one transaction, and answer: 303 back to the
 * request, or the outcome's status with a page that says why and names the
 * clause. Nothing is changed by an action that was refused.
 */
#include "action.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "action_internal.h"
#include "buf.h"
#include "field.h"
#include "notify.h"
#include "audit.h"
#include "page.h"
#include "submission.h"

static const struct choice followup_choices[] = {
	{ "teletype", "Teletype" }, { "letter", "Official letter" }, { NULL, NULL }
};

/* A cancellation is confirmed explicitly: a stray click stops nobody. */
static const struct choice confirm_choices[] = { { "yes", "Yes" }, { NULL, NULL } };

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
	[AX_CONFIRM]       = { "confirm", "Confirmation", FIELD_CHOICE, 3, 0, 0, confirm_choices, false },
	[AX_ETA]           = { "eta", "Expected on scene in (minutes)", FIELD_INT, 4, 1, 1440, NULL, false },
};

#define AXB(x) ((uint32_t)1 << (x))
#define RESOURCES (AXB(AX_SQUADS) | AXB(AX_SUPERVISORS) | AXB(AX_SPECIAL_UNITS))

/* Each action: the fields it reads, those it requires, and what applies it. */
static const struct {
	uint32_t     reads, requires;
	action_apply apply;
} actions[ACT__MAX] = {
	[ACT_AUTHORIZE] = { RESOURCES | AXB(AX_NOTE), 0, do_authorize },
	[ACT_APPROVE]   = { RESOURCES | AXB(AX_NOTE), 0, do_approve },
	[ACT_DENY]      = { AXB(AX_REASON), AXB(AX_REASON), do_deny },
	[ACT_ASSESS]    = { RESOURCES | AXB(AX_NOTE), 0, do_assess },
	[ACT_DISPATCH]  = { AXB(AX_SPECIAL_UNITS) | AXB(AX_NOTE) | AXB(AX_ETA), 0, do_dispatch },
	[ACT_CHECKIN]   = { AXB(AX_DEPLOYMENT) | AXB(AX_STATUS) | AXB(AX_NOTE), AXB(AX_DEPLOYMENT) | AXB(AX_STATUS), do_checkin },
	[ACT_FOLLOWUP]  = { AXB(AX_TYPE) | AXB(AX_NOTE), AXB(AX_TYPE), do_followup },
	[ACT_CLOSE]     = { AXB(AX_NOTE), 0, do_close },
	/* Those working on it are told why it stopped (the reason). */
	[ACT_CANCEL]    = { AXB(AX_REASON) | AXB(AX_CONFIRM) | AXB(AX_NOTE), AXB(AX_REASON) | AXB(AX_CONFIRM), do_cancel },
	[ACT_EXCEPT]    = { AXB(AX_RULE) | AXB(AX_REASON), AXB(AX_RULE) | AXB(AX_REASON), do_except },
};

enum outcome
refuse(struct result *r, enum outcome o, const char *clause, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->message, sizeof(r->message), fmt, ap);
	va_end(ap);
	r->outcome = o;
	r->clause = clause;
	r->field = -1;
	return o;
}

/* The chief's exceptions on the request (an exception rule): each waives exactly
 * its rule, which the lifecycle knows by what the rule does. */
static void
excepted_effects(const struct policy *pol, const char *ids, struct action_facts *af)
{
	const char *p = ids;

	af->approval_excepted = af->cap_excepted = af->separation_excepted = false;
	if (p == NULL || *p++ != '{')
		return;
	while (*p != '\0' && *p != '}') {
		char id[40];
		size_t n = strcspn(p, ",}");
		const struct rule *r;

		if (n > 0 && n < sizeof(id)) {
			memcpy(id, p, n);
			id[n] = '\0';
			if ((r = policy_find(pol, id)) != NULL) {
				af->approval_excepted |= r->effect == EFFECT_APPROVE;
				af->cap_excepted |= r->effect == EFFECT_CAP;
				af->separation_excepted |= r->effect == EFFECT_SEPARATE;
			}
		}
		p += n;
		if (*p == ',')
			p++;
	}
}

/* What the lifecycle needs of a request beyond its row: its deployments,
 * exceptions and whether a provisional authorization was given. */
DB_STATEMENT(facts_sql, "action.facts", 1,
    "SELECT (SELECT count(*) FROM deployment WHERE request_id = $1) AS deployments,"
    " (SELECT count(*) FROM deployment WHERE request_id = $1 AND status <> 'returned') AS open,"
    " (SELECT array_agg(rule_id) FROM policy_exception WHERE request_id = $1) AS excepted,"
    " EXISTS (SELECT 1 FROM audit_event WHERE request_id = $1 AND action = 'provisionally_authorized')"
    "   AS provisional");

/* Who of the policy's approver roles is available now (on duty, within
 * their shift): a fallback approver acts only while no primary one is. */
DB_STATEMENT(approvers_sql, "action.approvers_on_duty", 1,
    "SELECT role, lower(bureau) AS bureau, lower(district) AS district, unit FROM account"
    " WHERE role = ANY ($1::text[]) AND NOT disabled AND on_duty"
    " AND (duty_until IS NULL OR duty_until > now())");

void
action_facts_batch(struct ctx *c, const char *id, struct buf *roles, struct db_batch items[2],
    const char *params[2])
{
	const struct policy *pol = app_policy(c);
	size_t i;

	/* The roles the policy's approve rules name. */
	buf_putc(roles, '{');
	for (i = 0; i < pol->n; i++)
		if (pol->rules[i].effect == EFFECT_APPROVE && pol->rules[i].recipient >= 0)
			buf_printf(roles, "%s%s", roles->len > 1 ? "," : "",
			    role_choices[pol->rules[i].recipient].id);
	buf_putc(roles, '}');
	params[0] = id;
	params[1] = buf_cstr(roles);
	items[0].st = &facts_sql;
	items[0].values = &params[0];
	items[1].st = &approvers_sql;
	items[1].values = &params[1];
}

/* Whether a holder of the approval rule's role is available, matched on the
 * bureau, district or unit the rule matches on. */
static bool
primary_on_duty(const PGresult *on_duty, const struct rule *approval, const char *value)
{
	static const char *const attr[] = { NULL, "bureau", "district", "unit" };
	int i;

	for (i = 0; approval != NULL && i < PQntuples(on_duty); i++) {
		const char *mine = attr[approval->match] ? db_value(on_duty, i, attr[approval->match]) : NULL;

		if (strcmp(db_value(on_duty, i, "role"), role_choices[approval->recipient].id) != 0)
			continue;
		if (value == NULL || approval->match == MATCH_NONE ||
		    (mine != NULL && strcasecmp(mine, value) == 0))
			return true;
	}
	return false;
}

void
action_facts_from(struct ctx *c, const PGresult *req, const PGresult *facts_res,
    const PGresult *on_duty, struct action_facts *af)
{
	const struct policy *pol = app_policy(c);
	const char *agency = db_value(req, 0, "filed_by_agency");
	struct request_facts facts;
	const struct rule *approval;
	const char *value;

	memset(af, 0, sizeof(*af));
	request_facts_from_row(req, 0, &facts);
	approval = lifecycle_approval_rule(pol, &facts);
	value = approval == NULL ? NULL : approval->match == MATCH_BUREAU ? facts.bureau :
	    approval->match == MATCH_DISTRICT ? facts.district : NULL;
	af->deployments = (int)db_int(facts_res, 0, "deployments");
	af->open_deployments = (int)db_int(facts_res, 0, "open");
	excepted_effects(pol, db_value(facts_res, 0, "excepted"), af);
	af->primary_approver_on_duty = primary_on_duty(on_duty, approval, value);
	af->provisional = db_bool(facts_res, 0, "provisional");
	af->approved = db_value(req, 0, "approved_at") != NULL;
	af->papers_outstanding = db_value(req, 0, "teletype_received_at") == NULL ||
	    db_value(req, 0, "letter_received_at") == NULL;
	/* The approver's own bureau or district must be the one requested
	 * (when the request names one). */
	if (approval != NULL && approval->recipient == (int)c->me.role && value != NULL) {
		const char *mine = approval->match == MATCH_BUREAU ? c->me.bureau :
		    approval->match == MATCH_DISTRICT ? c->me.district : NULL;

		af->approver_mismatch = approval->match != MATCH_NONE &&
		    (mine == NULL || strcasecmp(mine, value) != 0);
	}
	/* The originator: the person who filed it, or anyone of the agency
	 * that filed it. */
	af->is_originator = db_int(req, 0, "filed_by") == c->me.id ||
	    (c->me.role == ROLE_AGENCY && agency != NULL && c->me.agency != NULL &&
	     strcmp(agency, c->me.agency) == 0);
}

bool
action_facts_load(struct ctx *c, const PGresult *req, struct action_facts *af)
{
	struct db_batch items[2] = { { NULL, NULL, NULL }, { NULL, NULL, NULL } };
	const char *params[2];
	struct buf roles;
	bool ok;

	buf_init(&roles);
	action_facts_batch(c, db_value(req, 0, "id"), &roles, items, params);
	if ((ok = !buf_failed(&roles) && db_run_batch(&c->app->db, items, 2)))
		action_facts_from(c, req, items[0].res, items[1].res, af);
	PQclear(items[0].res);
	PQclear(items[1].res);
	buf_free(&roles);
	return ok;
}

struct resources
resources_from(const char *squads, const char *supervisors, const char *units)
{
	struct resources r;

	r.squads = squads ? atoi(squads) : 0;
	r.supervisors = supervisors ? atoi(supervisors) : 0;
	r.units = special_units_mask(units);
	return r;
}

void
describe_resources(struct buf *b, const struct resources *r)
{
	int u;

	buf_printf(b, "%d squad(s), %d supervisor(s)", r->squads, r->supervisors);
	for (u = 0; special_unit_choices[u].id != NULL; u++)
		if (r->units & ((uint32_t)1 << u))
			buf_printf(b, ", %s", special_unit_choices[u].label);
}

/* Reads the action's own fields; a bad one is an OUTCOME_INVALID result. */
static enum outcome
read_fields(struct ctx *c, enum action act, char *values[AX__MAX], struct result *res)
{
	int i;

	for (i = 0; i < AX__MAX; i++)
		values[i] = NULL;
	for (i = 0; i < AX__MAX; i++) {
		struct field_spec spec = action_fields[i];
		const char *err;

		if (!(actions[act].reads & AXB(i)))
			continue;
		spec.required = (actions[act].requires & AXB(i)) != 0;
		if ((err = field_check(&spec, &c->http->body_form, &values[i])) != NULL) {
			fields_free(values, AX__MAX);
			if (i == AX_CONFIRM)
				refuse(res, OUTCOME_INVALID, NULL, "Confirm that the request is to be cancelled.");
			else
				refuse(res, OUTCOME_INVALID, NULL, "%s %s", spec.label, err);
			res->field = i;
			return OUTCOME_INVALID;
		}
	}
	return OUTCOME_DONE;
}

bool
set_status(struct ctx *c, const struct target *t, int to)
{
	DB_STATEMENT(sql, "action.set_status", 2,
	    "UPDATE request SET status = $2, updated_at = now(),"
	    " approved_at = CASE WHEN $2 = 'approved' THEN now() ELSE approved_at END,"
	    " dispatched_at = CASE WHEN $2 = 'dispatched' AND dispatched_at IS NULL THEN now() ELSE dispatched_at END,"
	    " closed_at = CASE WHEN $2 IN ('closed', 'cancelled', 'denied') THEN now() ELSE closed_at END"
	    " WHERE id = $1");
	const char *params[2];

	if (to < 0 || to == (int)t->status)
		return true;
	params[0] = t->id;
	params[1] = status_choices[to].id;
	return db_run_ok(&c->app->db, &sql, params);
}

bool
audit(struct ctx *c, const struct target *t, const char *action, const char *clause, const char *note)
{
	return audit_record(&c->app->db, t->id, c->me.id, c->me.login, action, clause, note);
}

static int
http_status(enum outcome o)
{
	switch (o) {
	case OUTCOME_INVALID:   return 422;
	case OUTCOME_FORBIDDEN: return 403;
	case OUTCOME_CONFLICT:  return 409;
	case OUTCOME_NOT_FOUND: return 404;
	case OUTCOME_DB:        return 503;
	case OUTCOME_DONE:      break;
	}
	return 200;
}

static enum outcome
outcome_of(enum decision d)
{
	return d == DECIDE_FORBIDDEN ? OUTCOME_FORBIDDEN : d == DECIDE_INVALID ? OUTCOME_INVALID
	    : OUTCOME_CONFLICT;
}

/* Decides and applies the action on the locked request `t`. */
static enum outcome
take(struct ctx *c, enum action act, struct target *t, struct result *res)
{
	char *vals[AX__MAX];
	struct verdict v;
	enum outcome o;

	v = lifecycle_decide(app_policy(c), act, t->status, c->me.role, &t->facts, &t->af);
	if (v.decision != DECIDE_ALLOW)
		return refuse(res, outcome_of(v.decision), v.clause, "%s: %s (The request is %s.)",
		    action_choices[act].label, v.message, status_choices[t->status].label);
	if ((o = read_fields(c, act, vals, res)) != OUTCOME_DONE)
		return o;
	o = actions[act].apply(c, t, &v, vals, res);
	if (o == OUTCOME_DB && res->message[0] == '\0')
		refuse(res, OUTCOME_DB, NULL, "The database did not accept the change.");
	fields_free(vals, AX__MAX);
	return o;
}

void
h_request_action(struct ctx *c)
{
	DB_STATEMENT(lock_sql, "action.h_request_action.lock_sql", 2,
	    "SELECT r.* FROM request r"
	    " WHERE r.id = $1 AND ($2::text IS NULL OR r.filed_by_agency = $2) FOR UPDATE");
	char idtext[24], location[48], msg[700];
	const char *params[2];
	struct result res;
	struct target t;
	int act, status;
	enum outcome o;

	if ((act = action_from_id(c->params.word)) < 0) {
		page_error(c, 404, "There is no such action on a request.", NULL);
		return;
	}
	memset(&res, 0, sizeof(res));
	res.field = -1;
	snprintf(idtext, sizeof(idtext), "%lld", c->params.id);
	params[0] = idtext;
	params[1] = role_is_staff(c->me.role) ? NULL : (c->me.agency ? c->me.agency : "");
	/* The row lock orders concurrent actions: two approvers at once, the
	 * second sees the first one's decision and is told so (409). */
	if (!db_begin(&c->app->db) || (t.row = db_run(&c->app->db, &lock_sql, params)) == NULL) {
		db_rollback(&c->app->db);
		page_error(c, 503, "The database is not answering. Nothing was changed.", NULL);
		return;
	}
	if (PQntuples(t.row) != 1) {
		PQclear(t.row);
		db_rollback(&c->app->db);
		page_error(c, 404, "There is no such request, or it is not yours to see.", NULL);
		return;
	}
	t.id = db_value(t.row, 0, "id");
	status = status_from_id(db_value(t.row, 0, "status"));
	t.status = status < 0 ? STATUS_SUBMITTED : (enum request_status)status;
	request_facts_from_row(t.row, 0, &t.facts);
	/* The same form sent again changes nothing (submission.h); the row
	 * lock above makes a second copy sent at once wait for the first. */
	switch (submission_claim(c)) {
	case SUBMISSION_NEW:
		break;
	case SUBMISSION_SEEN:
		PQclear(t.row);
		db_rollback(&c->app->db);
		submission_replay(c);
		return;
	case SUBMISSION_BAD:
		PQclear(t.row);
		db_rollback(&c->app->db);
		return;
	case SUBMISSION_DB_ERROR:
		break;
	}
	snprintf(location, sizeof(location), "/requests/%s#status", idtext);
	if (!action_facts_load(c, t.row, &t.af) || c->app->db.failed)
		o = refuse(&res, OUTCOME_DB, NULL, "The database is not answering.");
	else if ((o = take(c, (enum action)act, &t, &res)) == OUTCOME_DONE && !submission_done(c, location))
		o = refuse(&res, OUTCOME_DB, NULL, "The database did not accept the change.");
	PQclear(t.row);
	if (o == OUTCOME_DONE && !db_commit(&c->app->db))
		o = refuse(&res, OUTCOME_DB, NULL, "The database did not accept the change.");
	if (o != OUTCOME_DONE) {
		db_rollback(&c->app->db);
		snprintf(msg, sizeof(msg), "%s Nothing was changed.", res.message);
		if (o == OUTCOME_INVALID) {
			struct action_error err = { act, res.field >= 0 ? action_fields[res.field].name : NULL,
			    msg, res.clause };

			request_show_refused(c, &err);
			return;
		}
		page_error(c, http_status(o), msg, res.clause);
		return;
	}
	http_redirect(c->http, 303, location);
}

/*
 * Unit tests of lifecycle.c: the transition table, checked exhaustively.
 *
 * The two presets' rules that the table consults (file, units, cap,
 * approve, dispatch, checkin, followup, exception, and the notify rules of
 * an assessment; sql/003_policy.sql) are built by hand below. The expected
 * verdict of every (state, action, role, preset, request facts, action
 * facts), and the rule (so the clause) it names, is then written a second
 * time, independently of lifecycle.c, from DESIGN.md ("Lifecycle"), SOP 230
 * and Policy 98-023, and lifecycle_decide() must agree with it everywhere.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "domain.h"
#include "lifecycle.h"
#include "policy.h"

#define K(k)  ((uint32_t)1 << (k))
#define R(r)  ((uint32_t)1 << (r))
#define ST(s) ((uint32_t)1 << (s))

/* ---------------------------------------------------------------------------
 * The presets, as sql/003_policy.sql has them (in ordinal order).
 */

enum preset { P_OCONOMOWOC, P_MILWAUKEE, P__MAX };
static const char *const preset_names[P__MAX] = { "oconomowoc", "milwaukee" };

#define MAX_RULES 24
static struct rule rules[P__MAX][MAX_RULES];
static struct policy pols[P__MAX];

static struct rule *
add_rule(enum preset p, const char *id, const char *clause, enum rule_effect effect,
    uint32_t kinds, uint32_t actors)
{
	struct rule *r;

	assert_true(pols[p].n < MAX_RULES);
	r = &rules[p][pols[p].n++];
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", id);
	snprintf(r->clause, sizeof(r->clause), "%s", clause);
	r->effect = effect;
	r->kinds = kinds;
	r->actors = actors;
	r->recipient = -1;
	r->fallback = -1;
	r->match = MATCH_NONE;
	r->on_event = EVENT_NONE;
	r->condition = COND_ALWAYS;
	r->cap_squads = r->cap_supervisors = r->cap_special_units = -1;
	r->interval_minutes = -1;
	r->summary = NULL;
	return r;
}

static void
build_oconomowoc(void)
{
	const enum preset p = P_OCONOMOWOC;
	struct rule *r;

	add_rule(p, "O-OUT-FILE", "98-023 §III.A.1", EFFECT_FILE, K(KIND_AID_OUTGOING),
	    R(ROLE_SUPERVISOR) | R(ROLE_DISPATCHER));
	add_rule(p, "O-UNITS", "98-023 §III.A.4, §V.C", EFFECT_UNITS, 0, R(ROLE_SUPERVISOR));
	add_rule(p, "O-DISPATCH", "98-023 §V.C", EFFECT_DISPATCH, 0,
	    R(ROLE_SUPERVISOR) | R(ROLE_DISPATCHER));
	add_rule(p, "O-FED-INV-FILE", "98-023 §III.B.2", EFFECT_FILE, K(KIND_FEDERAL_INVESTIGATIVE),
	    R(ROLE_DETECTIVE));
	add_rule(p, "O-FED-EMER-FILE", "98-023 §III.B.3", EFFECT_FILE, K(KIND_FEDERAL_EMERGENCY),
	    R(ROLE_SUPERVISOR));
	add_rule(p, "O-FED-IN-FILE", "98-023 §III.B.4", EFFECT_FILE, K(KIND_FEDERAL_INCOMING),
	    R(ROLE_AGENCY) | R(ROLE_SUPERVISOR) | R(ROLE_DISPATCHER));
	/* A notify rule naming the supervisor: must not count as an approval. */
	r = add_rule(p, "O-SUPERVISOR", "98-023 §V.A", EFFECT_NOTIFY, 0, 0);
	r->recipient = ROLE_SUPERVISOR;
	r->on_event = EVENT_FILED;
	r = add_rule(p, "O-CHECKIN", "98-023 §IV.B.3", EFFECT_CHECKIN, 0, 0);
	r->interval_minutes = 60;
	add_rule(p, "O-IN-FILE", "98-023 §V.B", EFFECT_FILE, K(KIND_AID_INCOMING),
	    R(ROLE_AGENCY) | R(ROLE_SUPERVISOR) | R(ROLE_DISPATCHER));
	add_rule(p, "O-INTERNAL-FILE", "98-023 §V.C", EFFECT_FILE, K(KIND_AID_INTERNAL),
	    R(ROLE_SUPERVISOR) | R(ROLE_DISPATCHER));
	r = add_rule(p, "O-APPROVE", "98-023 §III.A.4, §V.C", EFFECT_APPROVE,
	    K(KIND_AID_INCOMING) | K(KIND_AID_OUTGOING) | K(KIND_AID_INTERNAL) | K(KIND_FEDERAL_INCOMING), 0);
	r->recipient = ROLE_SUPERVISOR;
	add_rule(p, "O-EXCEPTION", "98-023 §VI", EFFECT_EXCEPTION, 0, R(ROLE_CHIEF));
	add_rule(p, "O-SEPARATION", "Department rule (separation of duties)", EFFECT_SEPARATE, 0, 0);
	snprintf(pols[p].preset, sizeof(pols[p].preset), "%s", preset_names[p]);
	pols[p].rules = rules[p];
}

static void
build_milwaukee(void)
{
	const enum preset p = P_MILWAUKEE;
	struct rule *r;

	add_rule(p, "M-IN-FILE", "SOP 230.10 C.3", EFFECT_FILE, K(KIND_AID_INCOMING),
	    R(ROLE_AGENCY) | R(ROLE_DISPATCHER) | R(ROLE_DISPATCH_SUPERVISOR));
	/* A notify rule naming the DEC supervisor: must not count as an approval. */
	r = add_rule(p, "M-IN-DEC", "SOP 230.10 C.3", EFFECT_NOTIFY, K(KIND_AID_INCOMING), 0);
	r->recipient = ROLE_DISPATCH_SUPERVISOR;
	r->on_event = EVENT_FILED;
	r = add_rule(p, "M-FOLLOWUP", "SOP 230.10 C.3", EFFECT_FOLLOWUP, K(KIND_AID_INCOMING), 0);
	r->condition = COND_PHONE;
	r->interval_minutes = 1440;
	r = add_rule(p, "M-CAP", "SOP 230.10 C.3.a", EFFECT_CAP, K(KIND_AID_INCOMING),
	    R(ROLE_DISPATCH_SUPERVISOR));
	r->condition = COND_EMERGENCY;
	r->cap_squads = 2;
	r->cap_supervisors = 1;
	r->cap_special_units = 1;
	r = add_rule(p, "M-APPROVE", "SOP 230.10 C.3.a", EFFECT_APPROVE, K(KIND_AID_INCOMING), 0);
	r->recipient = ROLE_BUREAU_CHIEF;
	r->fallback = ROLE_WATCH_COMMANDER;
	r->match = MATCH_BUREAU;
	/* Notify rules of other events: not what an assessment cites. */
	r = add_rule(p, "M-APPROVER-TOLD", "SOP 230.10 C.3.a", EFFECT_NOTIFY, K(KIND_AID_INCOMING), 0);
	r->recipient = ROLE_BUREAU_CHIEF;
	r->fallback = ROLE_WATCH_COMMANDER;
	r->match = MATCH_BUREAU;
	r->on_event = EVENT_AUTHORIZED;
	r = add_rule(p, "M-UNIT-SENT", "SOP 230.10 C.3.a", EFFECT_NOTIFY, 0, 0);
	r->recipient = ROLE_UNIT_COMMANDER;
	r->match = MATCH_UNIT;
	r->on_event = EVENT_DISPATCHED;
	r->condition = COND_SPECIAL_UNIT;
	/* SOP 230.10 C.3.c: the assessment goes to the approver, then the chief. */
	r = add_rule(p, "M-ASSESS-APPROVER", "SOP 230.10 C.3.c", EFFECT_NOTIFY, K(KIND_AID_INCOMING), 0);
	r->recipient = ROLE_BUREAU_CHIEF;
	r->fallback = ROLE_WATCH_COMMANDER;
	r->match = MATCH_BUREAU;
	r->on_event = EVENT_ASSESSED;
	r = add_rule(p, "M-ASSESS-CHIEF", "SOP 230.10 C.3.c", EFFECT_NOTIFY, K(KIND_AID_INCOMING), 0);
	r->recipient = ROLE_CHIEF;
	r->on_event = EVENT_ASSESSED;
	add_rule(p, "M-SEPARATION", "Department rule (separation of duties)", EFFECT_SEPARATE, 0, 0);
	add_rule(p, "M-DISPATCH", "SOP 230.10 C.3.d", EFFECT_DISPATCH, 0,
	    R(ROLE_DISPATCHER) | R(ROLE_DISPATCH_SUPERVISOR));
	add_rule(p, "M-INTERNAL-FILE", "SOP 230.10 D", EFFECT_FILE, K(KIND_AID_INTERNAL),
	    R(ROLE_SUPERVISOR) | R(ROLE_DISPATCHER) | R(ROLE_DISPATCH_SUPERVISOR) | R(ROLE_COMMANDER));
	r = add_rule(p, "M-INTERNAL-APPROVE", "SOP 230.10 D", EFFECT_APPROVE, K(KIND_AID_INTERNAL), 0);
	r->recipient = ROLE_DISPATCH_SUPERVISOR;
	r->condition = COND_BEYOND_ONE_SQUAD;
	add_rule(p, "M-OUT-FILE", "SOP 230 (portal default)", EFFECT_FILE, K(KIND_AID_OUTGOING),
	    R(ROLE_SUPERVISOR) | R(ROLE_DISPATCH_SUPERVISOR));
	add_rule(p, "M-FED-INV-FILE", "SOP 230 (portal default)", EFFECT_FILE,
	    K(KIND_FEDERAL_INVESTIGATIVE), R(ROLE_DETECTIVE));
	add_rule(p, "M-FED-EMER-FILE", "SOP 230 (portal default)", EFFECT_FILE,
	    K(KIND_FEDERAL_EMERGENCY), R(ROLE_SUPERVISOR));
	add_rule(p, "M-FED-IN-FILE", "SOP 230 (portal default)", EFFECT_FILE, K(KIND_FEDERAL_INCOMING),
	    R(ROLE_AGENCY) | R(ROLE_DISPATCHER) | R(ROLE_DISPATCH_SUPERVISOR));
	r = add_rule(p, "M-CHECKIN", "SOP 230.10 C.3.d", EFFECT_CHECKIN, 0, 0);
	r->interval_minutes = 60;
	add_rule(p, "M-EXCEPTION", "GO 2025-57 (Chief of Police)", EFFECT_EXCEPTION, 0, R(ROLE_CHIEF));
	snprintf(pols[p].preset, sizeof(pols[p].preset), "%s", preset_names[p]);
	pols[p].rules = rules[p];
}

static int
setup(void **state)
{
	(void)state;
	memset(pols, 0, sizeof(pols));
	build_oconomowoc();
	build_milwaukee();
	return 0;
}

/* ---------------------------------------------------------------------------
 * Request facts variants.
 */

struct facts_variant {
	const char          *name;
	struct request_facts f;
};

#define SU_SWAT 1u  /* any special unit bit */

static const struct facts_variant variants[] = {
	{ "aid_incoming, emergency, bureau Patrol",
	  { KIND_AID_INCOMING, true, true, 2, 1, 0, "Patrol", NULL, false } },
	{ "aid_incoming, not an emergency",
	  { KIND_AID_INCOMING, false, false, 1, 0, 0, "Patrol", NULL, false } },
	{ "aid_internal, 1 squad",
	  { KIND_AID_INTERNAL, false, false, 1, 0, 0, NULL, "District 3", false } },
	{ "aid_internal, 3 squads",
	  { KIND_AID_INTERNAL, true, false, 3, 1, 0, NULL, "District 3", false } },
	{ "aid_internal, 1 squad and a special unit",
	  { KIND_AID_INTERNAL, false, false, 1, 0, SU_SWAT, NULL, "District 3", false } },
	{ "aid_outgoing, emergency",
	  { KIND_AID_OUTGOING, true, false, 4, 1, 0, NULL, NULL, false } },
	{ "federal_investigative",
	  { KIND_FEDERAL_INVESTIGATIVE, false, false, 0, 0, 0, NULL, NULL, false } },
	{ "federal_emergency",
	  { KIND_FEDERAL_EMERGENCY, true, false, 0, 0, 0, NULL, NULL, false } },
	{ "federal_incoming",
	  { KIND_FEDERAL_INCOMING, false, false, 0, 0, 0, NULL, NULL, true } },
};
#define N_VARIANTS (sizeof(variants) / sizeof(variants[0]))

/* ---------------------------------------------------------------------------
 * The expected verdict, written from the policies, not from lifecycle.c.
 */

struct approver {
	const char *rule_id;
	int         recipient;
	int         fallback;
};

/* Which approval the written policy requires of a request, or NULL. */
static const struct approver *
expected_approver(enum preset p, const struct request_facts *f)
{
	/* 98-023 §III.A.4, §V.C: the shift supervisor/OIC decides. */
	static const struct approver o_approve = { "O-APPROVE", ROLE_SUPERVISOR, -1 };
	/* SOP 230.10 C.3.a: the bureau's assistant chief or inspector, or the
	 * night watch commander when they are not available. */
	static const struct approver m_approve = { "M-APPROVE", ROLE_BUREAU_CHIEF, ROLE_WATCH_COMMANDER };
	/* SOP 230.10 D: more than one squad or any specialized unit, a DEC supervisor. */
	static const struct approver m_internal = { "M-INTERNAL-APPROVE", ROLE_DISPATCH_SUPERVISOR, -1 };

	if (p == P_OCONOMOWOC)
		switch (f->kind) {
		case KIND_AID_INCOMING: case KIND_AID_OUTGOING:
		case KIND_AID_INTERNAL: case KIND_FEDERAL_INCOMING:
			return &o_approve;
		default:
			return NULL;
		}
	if (f->kind == KIND_AID_INCOMING)
		return &m_approve;
	if (f->kind == KIND_AID_INTERNAL && (f->squads > 1 || f->special_units != 0))
		return &m_internal;
	return NULL;
}

static bool
is_one_of(int x, int n, ...)
{
	va_list ap;
	bool found = false;

	va_start(ap, n);
	while (n-- > 0)
		if (va_arg(ap, int) == x)
			found = true;
	va_end(ap);
	return found;
}

/* The rule a kind is filed under (the file rules of sql/003_policy.sql). */
static const char *
file_rule(enum preset p, enum request_kind k)
{
	static const char *const o[KIND__MAX] = {
		[KIND_AID_INCOMING] = "O-IN-FILE", [KIND_AID_OUTGOING] = "O-OUT-FILE",
		[KIND_AID_INTERNAL] = "O-INTERNAL-FILE", [KIND_FEDERAL_INVESTIGATIVE] = "O-FED-INV-FILE",
		[KIND_FEDERAL_EMERGENCY] = "O-FED-EMER-FILE", [KIND_FEDERAL_INCOMING] = "O-FED-IN-FILE",
	};
	static const char *const m[KIND__MAX] = {
		[KIND_AID_INCOMING] = "M-IN-FILE", [KIND_AID_OUTGOING] = "M-OUT-FILE",
		[KIND_AID_INTERNAL] = "M-INTERNAL-FILE", [KIND_FEDERAL_INVESTIGATIVE] = "M-FED-INV-FILE",
		[KIND_FEDERAL_EMERGENCY] = "M-FED-EMER-FILE", [KIND_FEDERAL_INCOMING] = "M-FED-IN-FILE",
	};

	return p == P_OCONOMOWOC ? o[k] : m[k];
}

/*
 * The expected decision; *rule is set to the id of the rule the verdict
 * must name (its clause is the clause cited), or NULL when it must name no
 * rule and no clause.
 */
static enum decision
expected(enum preset p, enum action act, enum request_status s, enum role role,
    const struct request_facts *f, const struct action_facts *af, const char **rule)
{
	const struct approver *ap = expected_approver(p, f);
	bool awaiting_approval = ap != NULL && !af->approval_excepted;
	bool open = is_one_of((int)s, 5, STATUS_SUBMITTED, STATUS_PROVISIONALLY_AUTHORIZED,
	    STATUS_PENDING_APPROVAL, STATUS_APPROVED, STATUS_DISPATCHED);
	bool undecided = is_one_of((int)s, 3, STATUS_SUBMITTED, STATUS_PROVISIONALLY_AUTHORIZED,
	    STATUS_PENDING_APPROVAL);
	/* 98-023 §IV.B.3; SOP 230.10 C.3.d: the check-in timer rule. */
	const char *checkin = p == P_OCONOMOWOC ? "O-CHECKIN" : "M-CHECKIN";

	*rule = NULL;
	switch (act) {
	case ACT_AUTHORIZE:
		/* SOP 230.10 C.3.a: only Milwaukee, only aid outside the city,
		 * by a DEC supervisor, in an emergency, before anything else.
		 * Oconomowoc has no such rule, and no clause to cite. */
		if (p != P_MILWAUKEE || f->kind != KIND_AID_INCOMING)
			return DECIDE_FORBIDDEN;
		*rule = "M-CAP";
		if (role != ROLE_DISPATCH_SUPERVISOR)
			return DECIDE_FORBIDDEN;
		if (!f->emergency)
			return DECIDE_CONFLICT;
		return s == STATUS_SUBMITTED ? DECIDE_ALLOW : DECIDE_CONFLICT;
	case ACT_APPROVE:
	case ACT_DENY:
		if (ap == NULL)
			return DECIDE_CONFLICT;
		*rule = ap->rule_id;
		/* Department rule: whoever filed it does not decide it. */
		if (af->is_originator) {
			*rule = p == P_OCONOMOWOC ? "O-SEPARATION" : "M-SEPARATION";
			return DECIDE_FORBIDDEN;
		}
		if ((int)role == ap->recipient)
			;
		else if (ap->fallback >= 0 && (int)role == ap->fallback) {
			if (af->primary_approver_on_duty)
				return DECIDE_FORBIDDEN;
		} else
			return DECIDE_FORBIDDEN;
		return undecided ? DECIDE_ALLOW : DECIDE_CONFLICT;
	case ACT_ASSESS:
		/* SOP 230.10 C.3.c: the on-scene supervisor, relayed by DEC, to
		 * the approver of aid outside the city; 98-023 §III.A.4: the
		 * shift supervisor/OIC decides the units. Milwaukee's aid within
		 * the city, and its other kinds, have neither. */
		if (p == P_OCONOMOWOC)
			*rule = "O-UNITS";
		else if (f->kind == KIND_AID_INCOMING)
			*rule = "M-ASSESS-APPROVER";
		if (!is_one_of((int)role, 2, ROLE_SUPERVISOR, ROLE_DISPATCH_SUPERVISOR))
			return DECIDE_FORBIDDEN;
		return open ? DECIDE_ALLOW : DECIDE_CONFLICT;
	case ACT_DISPATCH:
		/* 98-023 §V.C: supervisor with WCC; SOP 230.10 C.3.d: dispatcher or DEC supervisor. */
		*rule = p == P_OCONOMOWOC ? "O-DISPATCH" : "M-DISPATCH";
		if (p == P_OCONOMOWOC ? !is_one_of((int)role, 2, ROLE_SUPERVISOR, ROLE_DISPATCHER)
		                      : !is_one_of((int)role, 2, ROLE_DISPATCHER, ROLE_DISPATCH_SUPERVISOR))
			return DECIDE_FORBIDDEN;
		if (s == STATUS_SUBMITTED && awaiting_approval) {
			*rule = ap->rule_id;
			return DECIDE_CONFLICT;
		}
		/* SOP 230.10 C.3.a: waiting for the approval (after an
		 * assessment), only within a provisional authorization or an
		 * approval given before; nothing waits when none is needed. */
		if (s == STATUS_PENDING_APPROVAL && !af->provisional && !af->approved && awaiting_approval) {
			*rule = ap != NULL ? ap->rule_id : NULL;
			return DECIDE_CONFLICT;
		}
		return is_one_of((int)s, 5, STATUS_SUBMITTED, STATUS_PROVISIONALLY_AUTHORIZED,
		    STATUS_PENDING_APPROVAL, STATUS_APPROVED, STATUS_DISPATCHED)
		    ? DECIDE_ALLOW : DECIDE_CONFLICT;
	case ACT_CHECKIN:
		/* 98-023 §IV.B.3: deployed officers report to the communications
		 * center; units sent under a provisional authorization that was
		 * then denied still report their return. */
		*rule = checkin;
		if (!is_one_of((int)role, 4, ROLE_OFFICER, ROLE_SUPERVISOR, ROLE_DISPATCHER,
		    ROLE_DISPATCH_SUPERVISOR))
			return DECIDE_FORBIDDEN;
		if (!is_one_of((int)s, 5, STATUS_PROVISIONALLY_AUTHORIZED, STATUS_PENDING_APPROVAL,
		    STATUS_APPROVED, STATUS_DISPATCHED, STATUS_DENIED))
			return DECIDE_CONFLICT;
		return af->open_deployments > 0 ? DECIDE_ALLOW : DECIDE_CONFLICT;
	case ACT_FOLLOWUP:
		/* SOP 230.10 C.3: the teletype and letter of a telephone request
		 * for aid outside the city; a closed request is read-only. */
		if (p == P_MILWAUKEE && f->kind == KIND_AID_INCOMING && f->by_phone)
			*rule = "M-FOLLOWUP";
		if (!is_one_of((int)role, 3, ROLE_DISPATCHER, ROLE_DISPATCH_SUPERVISOR, ROLE_SUPERVISOR))
			return DECIDE_FORBIDDEN;
		return open ? DECIDE_ALLOW : DECIDE_CONFLICT;
	case ACT_CLOSE:
		/* Closed once every deployment has returned (the check-in rule). */
		*rule = checkin;
		if (!is_one_of((int)role, 3, ROLE_SUPERVISOR, ROLE_DISPATCHER, ROLE_DISPATCH_SUPERVISOR))
			return DECIDE_FORBIDDEN;
		if (af->open_deployments > 0)
			return DECIDE_CONFLICT;
		if (s == STATUS_SUBMITTED || s == STATUS_PENDING_APPROVAL) {
			if (!awaiting_approval || af->approved)
				return DECIDE_ALLOW;
			*rule = ap->rule_id;
			return DECIDE_CONFLICT;
		}
		return is_one_of((int)s, 2, STATUS_APPROVED, STATUS_DISPATCHED)
		    ? DECIDE_ALLOW : DECIDE_CONFLICT;
	case ACT_CANCEL:
		/* DESIGN.md: cancelled by the originator before dispatch, under
		 * the rule it was filed under. Someone else is refused without a
		 * rule: none names them. */
		if (!af->is_originator)
			return DECIDE_FORBIDDEN;
		*rule = file_rule(p, f->kind);
		if (af->deployments > 0)
			return DECIDE_CONFLICT;
		return undecided || s == STATUS_APPROVED ? DECIDE_ALLOW : DECIDE_CONFLICT;
	case ACT_EXCEPT:
		/* 98-023 §VI; GO 2025-57: only the Chief of Police. */
		*rule = p == P_OCONOMOWOC ? "O-EXCEPTION" : "M-EXCEPTION";
		if (role != ROLE_CHIEF)
			return DECIDE_FORBIDDEN;
		return open ? DECIDE_ALLOW : DECIDE_CONFLICT;
	case ACT__MAX:
		break;
	}
	return DECIDE_CONFLICT;
}

/* The clause of a hand-built rule, by id. */
static const char *
clause_of(enum preset p, const char *id)
{
	size_t i;

	for (i = 0; i < pols[p].n; i++)
		if (strcmp(rules[p][i].id, id) == 0)
			return rules[p][i].clause;
	fail_msg("no rule %s in the hand-built %s preset", id, preset_names[p]);
	return NULL;
}

/* ---------------------------------------------------------------------------
 * The exhaustive walk.
 */

static const char *const decision_names[] = { "ALLOW", "403", "409" };

static const char *
decision_name(enum decision d)
{
	return (unsigned)d < 3 ? decision_names[d] : "?";
}

static void
print_coordinates(const char *what, enum preset p, enum action act, enum request_status s,
    enum role role, size_t vi, const struct action_facts *af)
{
	print_message("%s: preset=%s action=%s state=%s role=%s facts=[%s] "
	    "action_facts={originator=%d primary_on_duty=%d excepted=%d provisional=%d "
	    "open_deployments=%d deployments=%d}\n", what, preset_names[p], action_choices[act].id,
	    status_choices[s].id, role_choices[role].id, variants[vi].name,
	    af->is_originator, af->primary_approver_on_duty, af->approval_excepted,
	    af->provisional, af->open_deployments, af->deployments);
}

/* Calls fn for every combination; returns how many it counted. */
typedef bool (*visit_fn)(enum preset, enum action, enum request_status, enum role, size_t,
    const struct action_facts *, void *);

static unsigned long
walk(visit_fn fn, void *arg)
{
	unsigned long n = 0;
	int p, a, s, r, bits;
	size_t vi;

	for (p = 0; p < P__MAX; p++)
		for (a = 0; a < ACT__MAX; a++)
			for (s = 0; s < STATUS__MAX; s++)
				for (r = 0; r < ROLE__MAX; r++)
					for (vi = 0; vi < N_VARIANTS; vi++)
						for (bits = 0; bits < 64; bits++) {
							struct action_facts af;

							memset(&af, 0, sizeof(af));
							af.is_originator = (bits & 1) != 0;
							af.primary_approver_on_duty = (bits & 2) != 0;
							af.approval_excepted = (bits & 4) != 0;
							af.open_deployments = (bits & 8) ? 1 : 0;
							af.deployments = (bits & 16) ? 1 : 0;
							af.provisional = (bits & 32) != 0;
							/* Open deployments are deployments. */
							if (af.open_deployments > af.deployments)
								continue;
							n++;
							if (!fn((enum preset)p, (enum action)a, (enum request_status)s,
							    (enum role)r, vi, &af, arg))
								return n;
						}
	return n;
}

struct tally {
	unsigned long checked, mismatches;
};

static bool
compare_one(enum preset p, enum action act, enum request_status s, enum role role, size_t vi,
    const struct action_facts *af, void *arg)
{
	struct tally *t = arg;
	const struct request_facts *f = &variants[vi].f;
	struct verdict v = lifecycle_decide(&pols[p], act, s, role, f, af);
	const char *want_rule;
	enum decision want = expected(p, act, s, role, f, af, &want_rule);
	const char *want_clause = want_rule ? clause_of(p, want_rule) : NULL;
	bool rule_ok = want_rule == NULL ? v.rule == NULL && v.clause == NULL
	    : v.rule != NULL && strcmp(v.rule->id, want_rule) == 0 && v.clause != NULL &&
	      strcmp(v.clause, want_clause) == 0;

	t->checked++;
	if (v.decision != want || !rule_ok) {
		if (t->mismatches < 10) {
			char what[192];

			snprintf(what, sizeof(what), "%s: lifecycle_decide says %s (rule %s), "
			    "the policy says %s (rule %s)",
			    t->mismatches == 0 ? "FIRST MISMATCH" : "mismatch",
			    decision_name(v.decision), v.rule ? v.rule->id : "(none)",
			    decision_name(want), want_rule ? want_rule : "(none)");
			print_coordinates(what, p, act, s, role, vi, af);
			print_message("    message: %s; clause: %s (the policy: %s)\n",
			    v.message ? v.message : "(none)", v.clause ? v.clause : "(none)",
			    want_clause ? want_clause : "(none)");
		}
		t->mismatches++;
	}
	/* A refusal always says why in plain words. */
	if (v.decision != DECIDE_ALLOW && (v.message == NULL || v.message[0] == '\0')) {
		print_coordinates("refusal without a message", p, act, s, role, vi, af);
		t->mismatches++;
	}
	return true;
}

static void
test_exhaustive(void **state)
{
	struct tally t = { 0, 0 };
	unsigned long n;

	(void)state;
	n = walk(compare_one, &t);
	/* 2 presets x 10 actions x 8 states x 12 roles x 9 variants x 48 facts. */
	assert_int_equal(n, 2UL * ACT__MAX * STATUS__MAX * ROLE__MAX * N_VARIANTS * 48);
	if (t.mismatches)
		print_message("%lu of %lu combinations disagree with the written policy\n",
		    t.mismatches, t.checked);
	assert_int_equal(t.mismatches, 0);
}

/* "Who" before "when": a role that may never take the action is told 403 in
 * every state (the same role, facts and preset give 403 everywhere or
 * nowhere). */
static bool
who_before_state(enum preset p, enum action act, enum request_status s, enum role role,
    size_t vi, const struct action_facts *af, void *arg)
{
	unsigned long *bad = arg;
	int other;
	bool forbidden = lifecycle_decide(&pols[p], act, s, role, &variants[vi].f, af).decision ==
	    DECIDE_FORBIDDEN;

	for (other = 0; other < STATUS__MAX; other++) {
		bool f2 = lifecycle_decide(&pols[p], act, (enum request_status)other, role,
		    &variants[vi].f, af).decision == DECIDE_FORBIDDEN;

		if (f2 != forbidden) {
			if (*bad == 0) {
				print_coordinates("403 depends on the state", p, act, s, role, vi, af);
				print_message("    ... and state=%s gives the other answer\n",
				    status_choices[other].id);
			}
			++*bad;
			break;
		}
	}
	return true;
}

static void
test_who_before_state(void **state)
{
	unsigned long bad = 0;

	(void)state;
	walk(who_before_state, &bad);
	assert_int_equal(bad, 0);
}

/* Closed, denied and cancelled requests are read-only: nothing is ever
 * allowed in them but the check-in of a unit still deployed on a denied
 * request (sent under a provisional authorization, then denied). */
static bool
read_only(enum preset p, enum action act, enum request_status s, enum role role, size_t vi,
    const struct action_facts *af, void *arg)
{
	unsigned long *bad = arg;
	struct verdict v;

	if (s != STATUS_CLOSED && s != STATUS_DENIED && s != STATUS_CANCELLED)
		return true;
	v = lifecycle_decide(&pols[p], act, s, role, &variants[vi].f, af);
	if (v.decision == DECIDE_ALLOW &&
	    !(act == ACT_CHECKIN && s == STATUS_DENIED && af->open_deployments > 0)) {
		if (*bad == 0)
			print_coordinates("allowed on a read-only request", p, act, s, role, vi, af);
		++*bad;
	}
	return true;
}

static void
test_read_only_states(void **state)
{
	unsigned long bad = 0;

	(void)state;
	walk(read_only, &bad);
	assert_int_equal(bad, 0);
}

/* Every clause a verdict names belongs to the preset in force: a Milwaukee
 * refusal must not cite Oconomowoc's 98-023, nor the other way round
 * (DESIGN.md: every refusal names the clause that caused it; lifecycle.h:
 * the table holds for both presets without knowing either). A verdict may
 * name no clause when the preset has none for it (a follow-up of a request
 * not made by telephone, a provisional authorization in Oconomowoc). Each
 * distinct (preset, action, decision, clause) that breaks this is printed
 * once. */
struct clause_tally {
	unsigned long bad;
	struct { int p, a, d; const char *clause; } seen[64];
	size_t nseen;
};

static bool
clause_of_preset(enum preset p, enum action act, enum request_status s, enum role role,
    size_t vi, const struct action_facts *af, void *arg)
{
	struct clause_tally *t = arg;
	struct verdict v = lifecycle_decide(&pols[p], act, s, role, &variants[vi].f, af);
	bool ok;
	size_t i;

	/* A department rule cites no clause of either policy, and says so. */
	if (v.clause == NULL || strncmp(v.clause, "Department rule", 15) == 0)
		ok = true;
	else if (p == P_OCONOMOWOC)
		ok = strncmp(v.clause, "98-023", 6) == 0;
	else
		ok = strncmp(v.clause, "SOP 230", 7) == 0 || strncmp(v.clause, "GO 2025-57", 10) == 0;
	if (ok)
		return true;
	t->bad++;
	for (i = 0; i < t->nseen; i++)
		if (t->seen[i].p == (int)p && t->seen[i].a == (int)act &&
		    t->seen[i].d == (int)v.decision && t->seen[i].clause == v.clause)
			return true;
	if (t->nseen < sizeof(t->seen) / sizeof(t->seen[0])) {
		char what[160];

		t->seen[t->nseen].p = (int)p;
		t->seen[t->nseen].a = (int)act;
		t->seen[t->nseen].d = (int)v.decision;
		t->seen[t->nseen].clause = v.clause;
		t->nseen++;
		snprintf(what, sizeof(what), "%s verdict names clause \"%s\"",
		    decision_name(v.decision), v.clause ? v.clause : "(none)");
		print_coordinates(what, p, act, s, role, vi, af);
	}
	return true;
}

static void
test_clauses_belong_to_the_preset(void **state)
{
	struct clause_tally t;

	(void)state;
	memset(&t, 0, sizeof(t));
	walk(clause_of_preset, &t);
	if (t.bad)
		print_message("%lu verdicts (%zu distinct preset/action/decision/clause) name a "
		    "clause of another preset\n", t.bad, t.nseen);
	assert_int_equal(t.bad, 0);
}

/* ---------------------------------------------------------------------------
 * Spot checks of what a verdict names, and of the table itself.
 */

static struct action_facts
afacts(bool originator, bool on_duty, bool excepted, int open, int all)
{
	struct action_facts af;

	memset(&af, 0, sizeof(af));
	af.is_originator = originator;
	af.primary_approver_on_duty = on_duty;
	af.approval_excepted = excepted;
	af.open_deployments = open;
	af.deployments = all;
	return af;
}

static void
test_approval_rule(void **state)
{
	size_t vi;

	(void)state;
	for (vi = 0; vi < N_VARIANTS; vi++) {
		int p;

		for (p = 0; p < P__MAX; p++) {
			const struct approver *want = expected_approver((enum preset)p, &variants[vi].f);
			const struct rule *got = lifecycle_approval_rule(&pols[p], &variants[vi].f);

			if (want == NULL) {
				if (got != NULL)
					print_message("%s [%s]: unexpected approval rule %s\n",
					    preset_names[p], variants[vi].name, got->id);
				assert_null(got);
			} else {
				assert_non_null(got);
				assert_string_equal(got->id, want->rule_id);
				assert_int_equal(got->recipient, want->recipient);
				assert_int_equal(got->fallback, want->fallback);
			}
		}
	}
}

static void
test_verdict_names_the_rule(void **state)
{
	const struct request_facts *emerg = &variants[0].f, *internal3 = &variants[3].f;
	struct action_facts none = afacts(false, false, false, 0, 0);
	struct action_facts on_duty = afacts(false, true, false, 0, 0);
	struct action_facts out = afacts(false, false, false, 1, 1);
	struct action_facts returned = afacts(false, false, false, 0, 1);
	struct action_facts originator = afacts(true, false, false, 0, 0);
	struct action_facts provisional = afacts(false, false, false, 0, 0);
	struct verdict v;

	(void)state;
	provisional.provisional = true;
	/* Provisional authorization names M-CAP, refused or not. */
	v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_AUTHORIZE, STATUS_SUBMITTED,
	    ROLE_DISPATCH_SUPERVISOR, emerg, &none);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_non_null(v.rule);
	assert_string_equal(v.rule->id, "M-CAP");
	assert_string_equal(v.clause, "SOP 230.10 C.3.a");
	v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_AUTHORIZE, STATUS_SUBMITTED, ROLE_DISPATCHER,
	    emerg, &none);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);
	assert_non_null(v.rule);
	assert_string_equal(v.rule->id, "M-CAP");

	/* The fallback approver, refused while the bureau chief is on duty. */
	v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_APPROVE, STATUS_PROVISIONALLY_AUTHORIZED,
	    ROLE_WATCH_COMMANDER, emerg, &on_duty);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);
	assert_non_null(v.rule);
	assert_string_equal(v.rule->id, "M-APPROVE");
	v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_APPROVE, STATUS_PROVISIONALLY_AUTHORIZED,
	    ROLE_WATCH_COMMANDER, emerg, &none);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_string_equal(v.rule->id, "M-APPROVE");

	/* In-city aid beyond one squad: the DEC supervisor, under SOP 230.10 D. */
	v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_DENY, STATUS_SUBMITTED,
	    ROLE_DISPATCH_SUPERVISOR, internal3, &none);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_string_equal(v.rule->id, "M-INTERNAL-APPROVE");
	assert_string_equal(v.clause, "SOP 230.10 D");

	/* Dispatch before approval: the approval rule is named. */
	v = lifecycle_decide(&pols[P_OCONOMOWOC], ACT_DISPATCH, STATUS_SUBMITTED, ROLE_DISPATCHER,
	    emerg, &none);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	assert_non_null(v.rule);
	assert_string_equal(v.rule->id, "O-APPROVE");

	/* Dispatch by the wrong role names the dispatch rule of the preset. */
	v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_DISPATCH, STATUS_APPROVED, ROLE_SUPERVISOR,
	    emerg, &none);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);
	assert_string_equal(v.rule->id, "M-DISPATCH");
	assert_string_equal(v.clause, "SOP 230.10 C.3.d");
	v = lifecycle_decide(&pols[P_OCONOMOWOC], ACT_DISPATCH, STATUS_APPROVED,
	    ROLE_DISPATCH_SUPERVISOR, emerg, &none);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);
	assert_string_equal(v.rule->id, "O-DISPATCH");

	/* Exceptions: the exception rule of the preset. */
	v = lifecycle_decide(&pols[P_OCONOMOWOC], ACT_EXCEPT, STATUS_SUBMITTED, ROLE_SUPERVISOR,
	    emerg, &none);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);
	assert_string_equal(v.rule->id, "O-EXCEPTION");
	assert_string_equal(v.clause, "98-023 §VI");
	v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_EXCEPT, STATUS_DISPATCHED, ROLE_CHIEF,
	    emerg, &none);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_string_equal(v.rule->id, "M-EXCEPTION");

	/* Check-ins and follow-ups cite the preset's own timer rules. */
	v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_CHECKIN, STATUS_DISPATCHED, ROLE_AGENCY,
	    emerg, &none);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);
	assert_non_null(v.rule);
	assert_string_equal(v.rule->id, "M-CHECKIN");
	assert_string_equal(v.clause, "SOP 230.10 C.3.d");
	v = lifecycle_decide(&pols[P_OCONOMOWOC], ACT_CHECKIN, STATUS_DISPATCHED, ROLE_OFFICER,
	    emerg, &none);
	assert_int_equal(v.decision, DECIDE_CONFLICT);   /* nobody deployed */
	assert_non_null(v.rule);
	assert_string_equal(v.rule->id, "O-CHECKIN");
	v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_FOLLOWUP, STATUS_DISPATCHED, ROLE_DISPATCHER,
	    emerg, &none);                                 /* emerg came by phone */
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_non_null(v.rule);
	assert_string_equal(v.rule->id, "M-FOLLOWUP");
	assert_string_equal(v.clause, "SOP 230.10 C.3");
	/* ... but a closed request is read-only, papers or not. */
	v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_FOLLOWUP, STATUS_CLOSED, ROLE_DISPATCHER,
	    emerg, &none);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	assert_string_equal(v.rule->id, "M-FOLLOWUP");
	/* A request not made by telephone has no follow-up rule to cite. */
	v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_FOLLOWUP, STATUS_DISPATCHED, ROLE_DISPATCHER,
	    &variants[1].f, &none);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_null(v.rule);
	assert_null(v.clause);
	v = lifecycle_decide(&pols[P_OCONOMOWOC], ACT_FOLLOWUP, STATUS_DISPATCHED, ROLE_DISPATCHER,
	    emerg, &none);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_null(v.clause);

	/* Check-ins after a denial: while someone is still out, and only then. */
	v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_CHECKIN, STATUS_DENIED, ROLE_DISPATCHER,
	    emerg, &out);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_string_equal(v.rule->id, "M-CHECKIN");
	assert_string_equal(v.clause, "SOP 230.10 C.3.d");
	v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_CHECKIN, STATUS_DENIED, ROLE_DISPATCHER,
	    emerg, &returned);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	assert_non_null(v.message);
	v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_CHECKIN, STATUS_CANCELLED, ROLE_DISPATCHER,
	    emerg, &out);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_CHECKIN, STATUS_CLOSED, ROLE_DISPATCHER,
	    emerg, &out);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_DISPATCH, STATUS_DENIED, ROLE_DISPATCHER,
	    emerg, &out);
	assert_int_equal(v.decision, DECIDE_CONFLICT);

	/* Closing cites the check-in rule: everyone must have returned. */
	v = lifecycle_decide(&pols[P_OCONOMOWOC], ACT_CLOSE, STATUS_DISPATCHED, ROLE_SUPERVISOR,
	    emerg, &out);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	assert_string_equal(v.rule->id, "O-CHECKIN");
	assert_string_equal(v.clause, "98-023 §IV.B.3");
	v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_CLOSE, STATUS_DISPATCHED, ROLE_DISPATCHER,
	    emerg, &returned);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_string_equal(v.clause, "SOP 230.10 C.3.d");

	/* Dispatch while the approval is pending: within a provisional
	 * authorization only. */
	v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_DISPATCH, STATUS_PENDING_APPROVAL,
	    ROLE_DISPATCHER, emerg, &provisional);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_string_equal(v.rule->id, "M-DISPATCH");
	v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_DISPATCH, STATUS_PENDING_APPROVAL,
	    ROLE_DISPATCHER, emerg, &none);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	assert_string_equal(v.rule->id, "M-APPROVE");
	assert_string_equal(v.clause, "SOP 230.10 C.3.a");
	v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_DISPATCH, STATUS_PENDING_APPROVAL,
	    ROLE_SUPERVISOR, emerg, &provisional);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);

	/* The assessment: told to the approver in Milwaukee (C.3.c); the
	 * units rule in Oconomowoc (§III.A.4). */
	v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_ASSESS, STATUS_PROVISIONALLY_AUTHORIZED,
	    ROLE_SUPERVISOR, emerg, &none);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_string_equal(v.rule->id, "M-ASSESS-APPROVER");
	assert_string_equal(v.clause, "SOP 230.10 C.3.c");
	v = lifecycle_decide(&pols[P_OCONOMOWOC], ACT_ASSESS, STATUS_SUBMITTED, ROLE_OFFICER,
	    emerg, &none);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);
	assert_string_equal(v.rule->id, "O-UNITS");
	assert_string_equal(v.clause, "98-023 §III.A.4, §V.C");
	v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_ASSESS, STATUS_SUBMITTED, ROLE_SUPERVISOR,
	    internal3, &none);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_null(v.clause);

	/* A cancellation cites the rule the kind was filed under. */
	v = lifecycle_decide(&pols[P_OCONOMOWOC], ACT_CANCEL, STATUS_SUBMITTED, ROLE_AGENCY,
	    emerg, &originator);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_string_equal(v.rule->id, "O-IN-FILE");
	assert_string_equal(v.clause, "98-023 §V.B");
	v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_CANCEL, STATUS_SUBMITTED, ROLE_DETECTIVE,
	    &variants[6].f, &originator);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_string_equal(v.rule->id, "M-FED-INV-FILE");

	/* No provisional authorization in Oconomowoc, and no clause for one. */
	v = lifecycle_decide(&pols[P_OCONOMOWOC], ACT_AUTHORIZE, STATUS_SUBMITTED,
	    ROLE_DISPATCH_SUPERVISOR, emerg, &none);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);
	assert_null(v.rule);
	assert_null(v.clause);
	assert_non_null(v.message);
}

static void
test_transition_table(void **state)
{
	static const int to[ACT__MAX] = {
		[ACT_AUTHORIZE] = STATUS_PROVISIONALLY_AUTHORIZED, [ACT_APPROVE] = STATUS_APPROVED,
		[ACT_DENY] = STATUS_DENIED, [ACT_ASSESS] = -1, [ACT_DISPATCH] = STATUS_DISPATCHED,
		[ACT_CHECKIN] = -1, [ACT_FOLLOWUP] = -1, [ACT_CLOSE] = STATUS_CLOSED,
		[ACT_CANCEL] = STATUS_CANCELLED, [ACT_EXCEPT] = -1,
	};
	int a;

	(void)state;
	for (a = 0; a < ACT__MAX; a++) {
		const struct transition *t = &transitions[a];

		assert_int_equal(t->action, a);
		assert_int_equal(t->to, to[a]);
		/* Only states that exist, and at least one. */
		assert_int_not_equal(t->from, 0);
		assert_int_equal(t->from & ~((ST(STATUS__MAX)) - 1), 0);
		/* Nothing leaves a closed, denied or cancelled request, nor is
		 * taken in one, but the check-in of a unit still out after a
		 * denial (which changes no state). */
		if (a == ACT_CHECKIN)
			assert_int_equal(t->from & (ST(STATUS_CLOSED) | ST(STATUS_CANCELLED)), 0);
		else
			assert_int_equal(t->from & (ST(STATUS_CLOSED) | ST(STATUS_DENIED) |
			    ST(STATUS_CANCELLED)), 0);
		assert_non_null(t->summary);
		assert_true(t->summary[0] != '\0');
		if (t->who == WHO_ROLES)
			assert_int_not_equal(t->roles, 0);
	}
}

static void
test_action_ids(void **state)
{
	static const char *const ids[ACT__MAX] = {
		"authorize", "approve", "deny", "assess", "dispatch", "checkin", "followup",
		"close", "cancel", "except",
	};
	int a;

	(void)state;
	for (a = 0; a < ACT__MAX; a++) {
		assert_non_null(action_choices[a].id);
		assert_string_equal(action_choices[a].id, ids[a]);
		assert_non_null(action_choices[a].label);
		assert_int_equal(action_from_id(ids[a]), a);
	}
	assert_null(action_choices[ACT__MAX].id);
	assert_int_equal(action_from_id("offer"), -1);   /* 98-023 §V.B: no offer action */
	assert_int_equal(action_from_id("Approve"), -1);
	assert_int_equal(action_from_id("approve "), -1);
	assert_int_equal(action_from_id(""), -1);
	assert_int_equal(action_from_id(NULL), -1);
}

/*
 * SOP 230.10 C.3.a: the approver is the bureau chief "of the bureau
 * requested". A bureau chief of another bureau (approver_mismatch) is
 * refused in every state before the decision, both to approve and to deny;
 * the night watch commander's fallback is not affected by the match.
 */
static void
test_approver_of_another_bureau(void **state)
{
	static const enum request_status before[] = { STATUS_SUBMITTED,
	    STATUS_PROVISIONALLY_AUTHORIZED, STATUS_PENDING_APPROVAL };
	struct action_facts other = afacts(false, false, false, 0, 0);
	struct action_facts mine = afacts(false, false, false, 0, 0);
	struct verdict v;
	size_t i;

	(void)state;
	other.approver_mismatch = true;
	for (i = 0; i < sizeof(before) / sizeof(before[0]); i++) {
		v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_APPROVE, before[i], ROLE_BUREAU_CHIEF,
		    &variants[0].f, &other);
		assert_int_equal(v.decision, DECIDE_FORBIDDEN);
		assert_string_equal(v.rule->id, "M-APPROVE");
		v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_DENY, before[i], ROLE_BUREAU_CHIEF,
		    &variants[0].f, &other);
		assert_int_equal(v.decision, DECIDE_FORBIDDEN);
		v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_APPROVE, before[i], ROLE_BUREAU_CHIEF,
		    &variants[0].f, &mine);
		assert_int_equal(v.decision, DECIDE_ALLOW);
		v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_APPROVE, before[i], ROLE_WATCH_COMMANDER,
		    &variants[0].f, &other);
		assert_int_equal(v.decision, DECIDE_ALLOW);
	}
}

/*
 * No request can be wedged: in every open state, for every kind of request
 * of either preset, someone can still move it on (approve, deny, dispatch,
 * close or cancel) with the facts that state can have. (An assessment once
 * left a request needing no approval in pending_approval, refused by all.)
 */
static void
test_no_state_is_a_dead_end(void **state)
{
	static const enum action moves[] = { ACT_APPROVE, ACT_DENY, ACT_DISPATCH, ACT_CLOSE, ACT_CANCEL };
	static const enum request_status open[] = { STATUS_SUBMITTED, STATUS_PROVISIONALLY_AUTHORIZED,
		STATUS_PENDING_APPROVAL, STATUS_APPROVED, STATUS_DISPATCHED };
	size_t p, s, vi, m;

	(void)state;
	for (p = 0; p < P__MAX; p++)
		for (s = 0; s < sizeof(open) / sizeof(open[0]); s++)
			for (vi = 0; vi < N_VARIANTS; vi++) {
				/* What the state implies: a provisional authorization
				 * before pending approval from provisional; an approval
				 * once approved or dispatched. */
				struct action_facts af = afacts(false, false, false, 0, 0);
				bool moved = false;
				int role;

				af.provisional = open[s] == STATUS_PROVISIONALLY_AUTHORIZED;
				af.approved = open[s] == STATUS_APPROVED || open[s] == STATUS_DISPATCHED;
				if (open[s] == STATUS_DISPATCHED)
					af.deployments = 1;
				for (role = 0; role < ROLE__MAX && !moved; role++)
					for (m = 0; m < sizeof(moves) / sizeof(moves[0]) && !moved; m++) {
						af.is_originator = moves[m] == ACT_CANCEL;
						moved = lifecycle_decide(&pols[p], moves[m], open[s], (enum role)role,
						    &variants[vi].f, &af).decision == DECIDE_ALLOW;
					}
				if (!moved)
					print_error("dead end: %s %s [%s]\n", preset_names[p],
					    status_choices[open[s]].id, variants[vi].name);
				assert_true(moved);
			}
}

static struct resources
res3(int squads, int supervisors, uint32_t units)
{
	struct resources r = { squads, supervisors, units };

	return r;
}

/* SOP 230.10 C.3.a, D: each kind apart, over everything sent so far. */
static void
test_dispatch_counts_each_kind_cumulatively(void **state)
{
	const struct policy *m = &pols[P_MILWAUKEE];
	struct request_facts internal = variants[2].f;   /* aid_internal, 1 squad */
	struct request_facts outside = variants[0].f;    /* aid_incoming, emergency */
	struct action_facts af = afacts(false, false, false, 0, 0);
	struct dispatch_check dc;
	struct verdict v;

	(void)state;
	/* D: one squad needs no approval; a second one (sent later) does. */
	memset(&dc, 0, sizeof(dc));
	dc.adding = res3(1, 0, 0);
	assert_int_equal(lifecycle_dispatch_fits(m, STATUS_SUBMITTED, &internal, &af, &dc).decision,
	    DECIDE_ALLOW);
	dc.sent = res3(1, 0, 0);
	v = lifecycle_dispatch_fits(m, STATUS_DISPATCHED, &internal, &af, &dc);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	assert_string_equal(v.rule->id, "M-INTERNAL-APPROVE");
	/* ... and so does any specialized unit; the chief's exception lifts it. */
	dc.sent = res3(0, 0, 0);
	dc.adding = res3(0, 0, SU_SWAT);
	assert_int_equal(lifecycle_dispatch_fits(m, STATUS_SUBMITTED, &internal, &af, &dc).decision,
	    DECIDE_CONFLICT);
	dc.approval_excepted = true;
	assert_int_equal(lifecycle_dispatch_fits(m, STATUS_SUBMITTED, &internal, &af, &dc).decision,
	    DECIDE_ALLOW);
	/* C.3.a: within the provisional authorization, kind by kind: two
	 * squads and a supervisor do not make three squads. */
	memset(&dc, 0, sizeof(dc));
	af.provisional = true;
	dc.authorized = res3(2, 1, SU_SWAT);
	dc.sent = res3(2, 0, 0);
	dc.adding = res3(1, 0, 0);
	v = lifecycle_dispatch_fits(m, STATUS_PROVISIONALLY_AUTHORIZED, &outside, &af, &dc);
	assert_int_equal(v.decision, DECIDE_INVALID);
	assert_string_equal(v.rule->id, "M-CAP");
	dc.adding = res3(0, 1, SU_SWAT);
	assert_int_equal(lifecycle_dispatch_fits(m, STATUS_PROVISIONALLY_AUTHORIZED, &outside, &af,
	    &dc).decision, DECIDE_ALLOW);
	dc.adding = res3(0, 0, 2u);	/* a unit not authorized */
	assert_int_equal(lifecycle_dispatch_fits(m, STATUS_PENDING_APPROVAL, &outside, &af,
	    &dc).decision, DECIDE_INVALID);
	dc.cap_excepted = true;
	assert_int_equal(lifecycle_dispatch_fits(m, STATUS_PENDING_APPROVAL, &outside, &af,
	    &dc).decision, DECIDE_ALLOW);
	/* After the approval, its numbers hold; without numbers, nothing. */
	memset(&dc, 0, sizeof(dc));
	af.provisional = false;
	af.approved = true;
	dc.has_envelope = true;
	dc.approved = res3(4, 1, 0);
	dc.sent = res3(4, 1, 0);
	dc.adding = res3(1, 0, 0);
	v = lifecycle_dispatch_fits(m, STATUS_DISPATCHED, &outside, &af, &dc);
	assert_int_equal(v.decision, DECIDE_INVALID);
	assert_string_equal(v.rule->id, "M-APPROVE");
	dc.has_envelope = false;
	assert_int_equal(lifecycle_dispatch_fits(m, STATUS_DISPATCHED, &outside, &af, &dc).decision,
	    DECIDE_ALLOW);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_action_ids),
		cmocka_unit_test(test_transition_table),
		cmocka_unit_test(test_approval_rule),
		cmocka_unit_test(test_verdict_names_the_rule),
		cmocka_unit_test(test_exhaustive),
		cmocka_unit_test(test_who_before_state),
		cmocka_unit_test(test_read_only_states),
		cmocka_unit_test(test_clauses_belong_to_the_preset),
		cmocka_unit_test(test_approver_of_another_bureau),
		cmocka_unit_test(test_no_state_is_a_dead_end),
		cmocka_unit_test(test_dispatch_counts_each_kind_cumulatively),
	};

	return cmocka_run_group_tests_name("lifecycle", tests, setup, NULL);
}

/*
 * Unit tests of lifecycle.c: the transition table, checked exhaustively
 * against the policies the portal runs on.
 *
 * The policies are read from their files with policy_parse_file(), as the
 * portal reads them (policies/oconomowoc.policy, policies/milwaukee.policy,
 * and the made-up tests/fixtures/riverton.policy), so that the tests and
 * the product cannot drift. The expected verdict of every (policy, action,
 * state, role, request facts, action facts), and the rule (so the clause)
 * it names, is written a second time below, independently of lifecycle.c
 * and of the files, from DESIGN.md ("Lifecycle"), Policy 98-023, SOP 230
 * and Riverton's General Order 12.4 (the comments of its file), and
 * lifecycle_decide() must agree with it everywhere.
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
#include "policy_file.h"

#define K(k)  ((uint32_t)1 << (k))
#define R(r)  ((uint32_t)1 << (r))
#define ST(s) ((uint32_t)1 << (s))

/* special_unit_choices: swat is bit 0, negotiator bit 1. */
#define SU_SWAT 1u
#define SU_NEGOTIATOR 2u

/* ---------------------------------------------------------------------------
 * The policies, from their files.
 */

enum pol { P_OCONOMOWOC, P_MILWAUKEE, P_RIVERTON, P__MAX };

static const struct {
	const char *name, *path;
	const char *cites;   /* how a clause of this policy is cited */
} policy_files[P__MAX] = {
	[P_OCONOMOWOC] = { "oconomowoc", "policies/oconomowoc.policy", "98-023" },
	[P_MILWAUKEE] = { "milwaukee", "policies/milwaukee.policy", "SOP 230" },
	[P_RIVERTON] = { "riverton", "tests/fixtures/riverton.policy", "GO 12.4" },
};

static struct policy pols[P__MAX];

static int
setup(void **state)
{
	int p;

	(void)state;
	for (p = 0; p < P__MAX; p++) {
		struct policy_errors errs;
		size_t i;

		if (!policy_parse_file(policy_files[p].path, &pols[p], &errs, NULL)) {
			for (i = 0; i < errs.n && i < POLICY_ERRORS_MAX; i++)
				print_error("%s: %s\n", policy_files[p].path, errs.text[i]);
			return -1;
		}
	}
	return 0;
}

static int
teardown(void **state)
{
	int p;

	(void)state;
	for (p = 0; p < P__MAX; p++)
		policy_free(&pols[p]);
	return 0;
}

/* ---------------------------------------------------------------------------
 * Request facts variants: every kind; aid inside the city, outside it and
 * not said (SOP 230.10 C, D); emergencies and routine requests; by
 * telephone or not; one squad, more, a specialized unit; a federal agency
 * asking.
 */

struct facts_variant {
	const char          *name;
	struct request_facts f;
};

#define FACTS(...) { __VA_ARGS__ }

static const struct facts_variant variants[] = {
	{ "aid_incoming, emergency by phone, outside the city, 2 squads 1 supervisor",
	  FACTS(.kind = KIND_AID_INCOMING, .emergency = true, .by_phone = true, .squads = 2,
	      .supervisors = 1, .bureau = "Patrol Bureau", .within_city = 0) },
	{ "aid_incoming, routine by phone, outside the city, 1 squad",
	  FACTS(.kind = KIND_AID_INCOMING, .by_phone = true, .squads = 1,
	      .bureau = "Criminal Investigation Bureau", .within_city = 0) },
	{ "aid_incoming, routine by teletype, outside the city, a special unit",
	  FACTS(.kind = KIND_AID_INCOMING, .squads = 0, .special_units = SU_SWAT,
	      .bureau = "Patrol Bureau", .within_city = 0) },
	{ "aid_incoming, emergency, within the city, 1 squad",
	  FACTS(.kind = KIND_AID_INCOMING, .emergency = true, .by_phone = true, .squads = 1,
	      .district = "District 2", .within_city = 1) },
	{ "aid_incoming, routine, within the city, 3 squads",
	  FACTS(.kind = KIND_AID_INCOMING, .squads = 3, .district = "District 2", .within_city = 1) },
	{ "aid_incoming, within the city, 1 squad and a special unit",
	  FACTS(.kind = KIND_AID_INCOMING, .squads = 1, .special_units = SU_NEGOTIATOR,
	      .district = "District 5", .within_city = 1) },
	{ "aid_incoming, emergency, where not said",
	  FACTS(.kind = KIND_AID_INCOMING, .emergency = true, .squads = 2, .within_city = -1) },
	{ "aid_incoming from a federal agency, emergency, outside the city",
	  FACTS(.kind = KIND_AID_INCOMING, .emergency = true, .squads = 1, .federal_party = true,
	      .bureau = "Patrol Bureau", .within_city = 0) },
	{ "aid_incoming from a federal agency, within the city, 1 squad",
	  FACTS(.kind = KIND_AID_INCOMING, .squads = 1, .federal_party = true,
	      .district = "District 1", .within_city = 1) },
	{ "aid_outgoing, emergency, 4 squads",
	  FACTS(.kind = KIND_AID_OUTGOING, .emergency = true, .squads = 4, .supervisors = 1,
	      .within_city = -1) },
	{ "aid_internal, 1 squad",
	  FACTS(.kind = KIND_AID_INTERNAL, .squads = 1, .district = "District 3", .within_city = 1) },
	{ "aid_internal, emergency, 3 squads",
	  FACTS(.kind = KIND_AID_INTERNAL, .emergency = true, .squads = 3, .supervisors = 1,
	      .district = "District 3", .within_city = 1) },
	{ "aid_internal, 1 squad and a special unit",
	  FACTS(.kind = KIND_AID_INTERNAL, .squads = 1, .special_units = SU_SWAT,
	      .district = "District 3", .within_city = 1) },
	{ "federal_investigative",
	  FACTS(.kind = KIND_FEDERAL_INVESTIGATIVE, .within_city = -1) },
	{ "federal_emergency",
	  FACTS(.kind = KIND_FEDERAL_EMERGENCY, .emergency = true, .within_city = -1) },
	{ "federal_incoming, emergency by phone, outside the city",
	  FACTS(.kind = KIND_FEDERAL_INCOMING, .emergency = true, .by_phone = true, .squads = 2,
	      .federal_party = true, .bureau = "Patrol Bureau", .within_city = 0) },
	{ "federal_incoming, routine, within the city, 2 squads",
	  FACTS(.kind = KIND_FEDERAL_INCOMING, .squads = 2, .federal_party = true,
	      .district = "District 4", .within_city = 1) },
	{ "federal_incoming, where not said",
	  FACTS(.kind = KIND_FEDERAL_INCOMING, .squads = 1, .federal_party = true, .within_city = -1) },
};
#define N_VARIANTS (sizeof(variants) / sizeof(variants[0]))

/* Indexes of variants the focused tests use. */
enum {
	V_OUT_EMERG, V_OUT_ROUTINE_PHONE, V_OUT_ROUTINE_UNIT, V_CITY_EMERG_1, V_CITY_3, V_CITY_UNIT,
	V_UNSAID, V_FED_PARTY_OUT, V_FED_PARTY_CITY, V_OUTGOING, V_INTERNAL_1, V_INTERNAL_3,
	V_INTERNAL_UNIT, V_FED_INV, V_FED_EMER, V_FED_IN_OUT, V_FED_IN_CITY, V_FED_IN_UNSAID
};

/* ---------------------------------------------------------------------------
 * The written policies, read independently of the files and of
 * lifecycle.c: which rule (by id) each question falls under.
 */

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

/* Another agency's request (SOP 230.10 covers federal agencies too). */
static bool
from_another_agency(const struct request_facts *f)
{
	return f->kind == KIND_AID_INCOMING || f->kind == KIND_FEDERAL_INCOMING;
}

/* SOP 230.10 D: "more than one squad or the assistance of a specialized unit". */
static bool
beyond_one_squad(const struct request_facts *f)
{
	return f->squads > 1 || f->special_units != 0;
}

struct approver {
	const char *rule_id;
	int         recipient;
	int         fallback;
};

/* Which approval the written policy requires of a request, or NULL. */
static const struct approver *
expected_approver(enum pol p, const struct request_facts *f)
{
	/* SOP 230.10 C.3.a: the assistant chief or inspector of the bureau
	 * requested, or the night watch commander when not available; the
	 * department applies it to routine aid outside the city too. */
	static const struct approver m_approve = { "M-APPROVE", ROLE_BUREAU_CHIEF, ROLE_WATCH_COMMANDER };
	static const struct approver m_routine = { "M-APPROVE-ROUTINE", ROLE_BUREAU_CHIEF,
		ROLE_WATCH_COMMANDER };
	/* SOP 230.10 D: within the city, more than one squad or any
	 * specialized unit, a DEC supervisor. */
	static const struct approver m_city = { "M-IN-CITY-APPROVE", ROLE_DISPATCH_SUPERVISOR, -1 };
	/* GO 12.4.3(B): the watch commander, or the Chief of Police; 12.4.5(B):
	 * between districts, beyond one squad, the district commander, or the
	 * watch commander. */
	static const struct approver r_approve = { "R-APPROVE", ROLE_WATCH_COMMANDER, ROLE_CHIEF };
	static const struct approver r_internal = { "R-INTERNAL-APPROVE", ROLE_COMMANDER,
		ROLE_WATCH_COMMANDER };

	switch (p) {
	case P_OCONOMOWOC:
		/* 98-023 asks for notification (§V.A) and help choosing units
		 * (§V.C), never an approval (O-APPROVE is switched off). */
		return NULL;
	case P_MILWAUKEE:
		if (from_another_agency(f) && f->within_city == 0)
			return f->emergency ? &m_approve : &m_routine;
		if ((from_another_agency(f) || f->kind == KIND_AID_INTERNAL) && f->within_city == 1 &&
		    beyond_one_squad(f))
			return &m_city;
		return NULL;
	case P_RIVERTON:
		if (from_another_agency(f))
			return &r_approve;
		if (f->kind == KIND_AID_INTERNAL && beyond_one_squad(f))
			return &r_internal;
		return NULL;
	case P__MAX:
		break;
	}
	return NULL;
}

/* The rules that say who may act (authorize, assess, dispatch, check in,
 * record the papers, close, except) for a request: those of the policy
 * that name its kind, in the file's order, each with its actors and
 * whether its conditions hold for the request (none: no rule of the
 * policy names the kind). */
struct actor_rule {
	const char *rule_id;
	uint32_t    actors;
	bool        holds;
};

struct acting {
	size_t            n;
	struct actor_rule r[3];
};

static void
add(struct acting *a, const char *rule_id, uint32_t actors, bool holds)
{
	struct actor_rule r = { rule_id, actors, holds };

	assert_true(a->n < sizeof(a->r) / sizeof(a->r[0]));
	a->r[a->n++] = r;
}

#define SUPERVISORS (R(ROLE_SUPERVISOR) | R(ROLE_DISPATCH_SUPERVISOR))
#define DESK (R(ROLE_SUPERVISOR) | R(ROLE_DISPATCHER) | R(ROLE_DISPATCH_SUPERVISOR))

/* SOP 230.10 C.3.a: a DEC supervisor, in an emergency outside the city;
 * GO 12.4.3(C): a shift supervisor, in an emergency. 98-023: nobody. */
static struct acting
expected_cap(enum pol p, const struct request_facts *f)
{
	struct acting a = { 0 };

	if (p == P_MILWAUKEE && from_another_agency(f))
		add(&a, "M-CAP", R(ROLE_DISPATCH_SUPERVISOR), f->within_city == 0 && f->emergency);
	else if (p == P_RIVERTON && f->kind == KIND_AID_INCOMING)
		add(&a, "R-CAP", R(ROLE_SUPERVISOR), f->emergency);
	return a;
}

/* 98-023 §V.C: WCC with the shift supervisor/OIC. SOP 230.10 C.3.d: the
 * dispatcher or a DEC supervisor, outside the city; the department says
 * the same within it; a request that says neither, or a kind 230.10 does
 * not cover (we ask, or a federal request we make), sends nobody.
 * GO 12.4.6(A): RECC or a shift supervisor. */
static struct acting
expected_dispatch(enum pol p, const struct request_facts *f)
{
	const uint32_t dec = R(ROLE_DISPATCHER) | R(ROLE_DISPATCH_SUPERVISOR);
	struct acting a = { 0 };

	switch (p) {
	case P_OCONOMOWOC:
		add(&a, "O-DISPATCH", R(ROLE_SUPERVISOR) | R(ROLE_DISPATCHER), true);
		break;
	case P_MILWAUKEE:
		if (from_another_agency(f))
			add(&a, "M-DISPATCH", dec, f->within_city == 0);
		if (from_another_agency(f) || f->kind == KIND_AID_INTERNAL)
			add(&a, "M-DISPATCH-CITY", dec, f->within_city == 1);
		break;
	case P_RIVERTON:
		add(&a, "R-DISPATCH", R(ROLE_DISPATCHER) | R(ROLE_SUPERVISOR), true);
		break;
	case P__MAX:
		break;
	}
	return a;
}

/* 98-023 §VI: only the Chief of Police; Milwaukee's and Riverton's too. */
static struct acting
expected_exception(enum pol p)
{
	static const char *const ids[P__MAX] = { "O-EXCEPTION", "M-EXCEPTION", "R-EXCEPTION" };
	struct acting a = { 0 };

	add(&a, ids[p], R(ROLE_CHIEF), true);
	return a;
}

/* Who records the on-scene assessment. 98-023 §V.C: the shift
 * supervisor/OIC aids WCC in determining the units; the department adds a
 * dispatch supervisor who takes it. SOP 230.10 C.3.c: the on-scene
 * supervisor advises a DEC supervisor (aid outside the city); the
 * department takes it the same way on every other request. GO 12.4.3(D):
 * the supervisor at the scene; the department adds a dispatch supervisor. */
static struct acting
expected_assess(enum pol p, const struct request_facts *f)
{
	struct acting a = { 0 };

	switch (p) {
	case P_OCONOMOWOC:
		add(&a, "O-ASSESSMENT", R(ROLE_SUPERVISOR), true);
		add(&a, "O-ASSESSMENT-RELAYED", R(ROLE_DISPATCH_SUPERVISOR), true);
		break;
	case P_MILWAUKEE:
		if (from_another_agency(f))
			add(&a, "M-ASSESSMENT", SUPERVISORS, f->within_city == 0);
		add(&a, "M-ASSESSMENT-ELSEWHERE", SUPERVISORS, true);
		break;
	case P_RIVERTON:
		add(&a, "R-ASSESSMENT", R(ROLE_SUPERVISOR), true);
		add(&a, "R-ASSESSMENT-RELAYED", R(ROLE_DISPATCH_SUPERVISOR), true);
		break;
	case P__MAX:
		break;
	}
	return a;
}

/* Who records a status check-in. 98-023 §IV.B.3: deployed officers report
 * to WCC; the department has the officer, WCC or a supervisor record it
 * (O-CHECKIN, a department rule for its "regularly" too); Milwaukee's
 * department rule, the same people; GO 12.4.6(C): members report to RECC,
 * the department adds the supervisors who take a report. */
static struct acting
expected_checkin(enum pol p)
{
	const uint32_t all = R(ROLE_OFFICER) | DESK;
	struct acting a = { 0 };

	if (p == P_OCONOMOWOC)
		add(&a, "O-CHECKIN", all, true);
	else if (p == P_MILWAUKEE)
		add(&a, "M-CHECKIN", all, true);
	else {
		add(&a, "R-CHECKIN", R(ROLE_OFFICER) | R(ROLE_DISPATCHER), true);
		add(&a, "R-CHECKIN-SUPERVISORS", SUPERVISORS, true);
	}
	return a;
}

/* Who records the teletype and letter that follow a telephone request.
 * SOP 230.10 C.3: for aid outside the city (the department's rule: DEC or
 * a supervisor); GO 12.4.3(E): for any telephone request for our aid, to
 * RECC, the department adds the supervisors. 98-023 has none. */
static struct acting
expected_followup(enum pol p, const struct request_facts *f)
{
	struct acting a = { 0 };

	if (p == P_MILWAUKEE && from_another_agency(f))
		add(&a, "M-FOLLOWUP", DESK, f->within_city == 0 && f->by_phone);
	if (p == P_RIVERTON && f->kind == KIND_AID_INCOMING) {
		add(&a, "R-FOLLOWUP", R(ROLE_DISPATCHER), f->by_phone);
		add(&a, "R-FOLLOWUP-SUPERVISORS", SUPERVISORS, f->by_phone);
	}
	return a;
}

/* Who closes a request: no written policy says; each department's rule
 * names the supervisor, the dispatcher and the dispatch supervisor. */
static struct acting
expected_close(enum pol p)
{
	static const char *const ids[P__MAX] = { "O-CLOSE", "M-CLOSE", "R-CLOSE" };
	struct acting a = { 0 };

	add(&a, ids[p], DESK, true);
	return a;
}

/* The department rule of each policy: whoever filed does not decide. */
static const char *
expected_separation(enum pol p)
{
	static const char *const ids[P__MAX] = { "O-SEPARATION", "M-SEPARATION", "R-SEPARATION" };

	return ids[p];
}

/* The rule a kind is filed under. */
static const char *
file_rule(enum pol p, enum request_kind k)
{
	static const char *const rules[P__MAX][KIND__MAX] = {
		[P_OCONOMOWOC] = {
			[KIND_AID_INCOMING] = "O-IN-FILE", [KIND_AID_OUTGOING] = "O-OUT-FILE",
			[KIND_AID_INTERNAL] = "O-INTERNAL-FILE", [KIND_FEDERAL_INVESTIGATIVE] = "O-FED-INV-FILE",
			[KIND_FEDERAL_EMERGENCY] = "O-FED-EMER-FILE", [KIND_FEDERAL_INCOMING] = "O-FED-IN-FILE",
		},
		[P_MILWAUKEE] = {
			[KIND_AID_INCOMING] = "M-IN-FILE", [KIND_AID_OUTGOING] = "M-OUT-FILE",
			[KIND_AID_INTERNAL] = "M-INTERNAL-FILE", [KIND_FEDERAL_INVESTIGATIVE] = "M-FED-INV-FILE",
			[KIND_FEDERAL_EMERGENCY] = "M-FED-EMER-FILE", [KIND_FEDERAL_INCOMING] = "M-IN-FILE",
		},
		[P_RIVERTON] = {
			[KIND_AID_INCOMING] = "R-IN-FILE", [KIND_AID_OUTGOING] = "R-OUT-FILE",
			[KIND_AID_INTERNAL] = "R-INTERNAL-FILE", [KIND_FEDERAL_INVESTIGATIVE] = "R-FED-INV-FILE",
			[KIND_FEDERAL_EMERGENCY] = "R-FED-EMER-FILE", [KIND_FEDERAL_INCOMING] = "R-FED-IN-FILE",
		},
	};

	return rules[p][k];
}

/* Who may file each kind, as the written policies say. */
static uint32_t
expected_filers(enum pol p, enum request_kind k)
{
	static const uint32_t filers[P__MAX][KIND__MAX] = {
		[P_OCONOMOWOC] = {
			/* §V.B: an outside agency asks; a call is logged by WCC or the OIC. */
			[KIND_AID_INCOMING] = R(ROLE_AGENCY) | R(ROLE_SUPERVISOR) | R(ROLE_DISPATCHER),
			/* §III.A.1: the shift supervisor/OIC or WCC. */
			[KIND_AID_OUTGOING] = R(ROLE_SUPERVISOR) | R(ROLE_DISPATCHER),
			[KIND_AID_INTERNAL] = R(ROLE_SUPERVISOR) | R(ROLE_DISPATCHER),
			/* §III.B.2: "the investigating officer". */
			[KIND_FEDERAL_INVESTIGATIVE] = R(ROLE_DETECTIVE) | R(ROLE_OFFICER),
			/* §III.B.3: during emergencies, the shift supervisor/OIC. */
			[KIND_FEDERAL_EMERGENCY] = R(ROLE_SUPERVISOR),
			/* §III.B.4: federal authorities ask. */
			[KIND_FEDERAL_INCOMING] = R(ROLE_AGENCY) | R(ROLE_SUPERVISOR) | R(ROLE_DISPATCHER),
		},
		[P_MILWAUKEE] = {
			/* 230.10, C.3: another agency, or by telephone to DEC. */
			[KIND_AID_INCOMING] = R(ROLE_AGENCY) | R(ROLE_DISPATCHER) | R(ROLE_DISPATCH_SUPERVISOR),
			[KIND_AID_OUTGOING] = R(ROLE_SUPERVISOR) | R(ROLE_DISPATCH_SUPERVISOR),
			[KIND_AID_INTERNAL] = R(ROLE_SUPERVISOR) | R(ROLE_DISPATCHER) |
			    R(ROLE_DISPATCH_SUPERVISOR) | R(ROLE_COMMANDER),
			[KIND_FEDERAL_INVESTIGATIVE] = R(ROLE_DETECTIVE),
			[KIND_FEDERAL_EMERGENCY] = R(ROLE_SUPERVISOR),
			[KIND_FEDERAL_INCOMING] = R(ROLE_AGENCY) | R(ROLE_DISPATCHER) | R(ROLE_DISPATCH_SUPERVISOR),
		},
		[P_RIVERTON] = {
			[KIND_AID_INCOMING] = R(ROLE_AGENCY) | R(ROLE_DISPATCHER) | R(ROLE_SUPERVISOR),
			[KIND_AID_OUTGOING] = R(ROLE_SUPERVISOR) | R(ROLE_WATCH_COMMANDER),
			[KIND_AID_INTERNAL] = R(ROLE_SUPERVISOR) | R(ROLE_COMMANDER),
			[KIND_FEDERAL_INVESTIGATIVE] = R(ROLE_DETECTIVE),
			[KIND_FEDERAL_EMERGENCY] = R(ROLE_SUPERVISOR) | R(ROLE_WATCH_COMMANDER),
			[KIND_FEDERAL_INCOMING] = R(ROLE_AGENCY) | R(ROLE_DISPATCHER),
		},
	};

	return filers[p][k];
}

/* Who-may for rules of actors: allowed when a rule whose conditions hold
 * names the role (that rule named); else 403 naming the first rule that
 * holds; when none holds, 409 naming the first that names the role (it
 * could act on another request), else 403 naming the first rule of the
 * kind; no rule for the kind: 403, naming nothing. Returns true when the
 * role may. */
static bool
acting_may(const struct acting *a, enum role role, const char **rule, enum decision *d)
{
	size_t i;

	*rule = a->n > 0 ? a->r[0].rule_id : NULL;
	*d = DECIDE_FORBIDDEN;
	for (i = 0; i < a->n; i++)
		if (a->r[i].holds && (a->r[i].actors & R(role))) {
			*rule = a->r[i].rule_id;
			return true;
		}
	for (i = 0; i < a->n; i++)
		if (a->r[i].holds) {
			*rule = a->r[i].rule_id;
			return false;
		}
	for (i = 0; i < a->n; i++)
		if (a->r[i].actors & R(role)) {
			*rule = a->r[i].rule_id;
			*d = DECIDE_CONFLICT;
			return false;
		}
	return false;
}

/*
 * The expected decision; *rule is set to the id of the rule the verdict
 * must name (its clause is the clause cited), or NULL when it must name no
 * rule and no clause.
 */
static enum decision
expected(enum pol p, enum action act, enum request_status s, enum role role,
    const struct request_facts *f, const struct action_facts *af, const char **rule)
{
	const struct approver *ap = expected_approver(p, f);
	bool awaiting_approval = ap != NULL && !af->approval_excepted;
	bool open = is_one_of((int)s, 5, STATUS_SUBMITTED, STATUS_PROVISIONALLY_AUTHORIZED,
	    STATUS_PENDING_APPROVAL, STATUS_APPROVED, STATUS_DISPATCHED);
	bool undecided = is_one_of((int)s, 3, STATUS_SUBMITTED, STATUS_PROVISIONALLY_AUTHORIZED,
	    STATUS_PENDING_APPROVAL);
	struct acting a;
	enum decision d;

	*rule = NULL;
	switch (act) {
	case ACT_AUTHORIZE:
		/* SOP 230.10 C.3.a, GO 12.4.3(C): a provisional authorization,
		 * before anything else. */
		a = expected_cap(p, f);
		if (!acting_may(&a, role, rule, &d))
			return d;
		return s == STATUS_SUBMITTED ? DECIDE_ALLOW : DECIDE_CONFLICT;
	case ACT_APPROVE:
	case ACT_DENY:
		if (ap == NULL)
			return DECIDE_CONFLICT;	/* needs no approval: nothing to decide */
		*rule = ap->rule_id;
		/* Department rule: whoever filed it does not decide it, unless
		 * the chief excepted the rule (98-023 §VI). */
		if (af->is_originator && !af->separation_excepted) {
			*rule = expected_separation(p);
			return DECIDE_FORBIDDEN;
		}
		if ((int)role == ap->recipient) {
			/* SOP 230.10 C.3.a: "of the bureau requested"; GO 12.4.5(B):
			 * "of the district affected". */
			if (af->approver_mismatch)
				return DECIDE_FORBIDDEN;
		} else if (ap->fallback >= 0 && (int)role == ap->fallback) {
			/* "if ... not available": only while no primary is on duty. */
			if (af->primary_approver_on_duty)
				return DECIDE_FORBIDDEN;
		} else
			return DECIDE_FORBIDDEN;
		return undecided ? DECIDE_ALLOW : DECIDE_CONFLICT;
	case ACT_ASSESS:
		a = expected_assess(p, f);
		if (!acting_may(&a, role, rule, &d))
			return d;
		return open ? DECIDE_ALLOW : DECIDE_CONFLICT;
	case ACT_DISPATCH:
		a = expected_dispatch(p, f);
		if (!acting_may(&a, role, rule, &d))
			return d;
		if (!open)
			return DECIDE_CONFLICT;
		/* Nobody is sent before the approval the policy requires, but
		 * under a provisional authorization (C.3.a) or the chief's
		 * exception; nothing waits when none is needed. */
		if (s == STATUS_SUBMITTED && awaiting_approval) {
			*rule = ap->rule_id;
			return DECIDE_CONFLICT;
		}
		if (s == STATUS_PENDING_APPROVAL && !af->provisional && !af->approved && awaiting_approval) {
			*rule = ap->rule_id;
			return DECIDE_CONFLICT;
		}
		return DECIDE_ALLOW;
	case ACT_CHECKIN:
		/* Units sent under a provisional authorization that was then
		 * denied still report their return. */
		a = expected_checkin(p);
		if (!acting_may(&a, role, rule, &d))
			return d;
		if (!is_one_of((int)s, 5, STATUS_PROVISIONALLY_AUTHORIZED, STATUS_PENDING_APPROVAL,
		    STATUS_APPROVED, STATUS_DISPATCHED, STATUS_DENIED))
			return DECIDE_CONFLICT;
		return af->open_deployments > 0 ? DECIDE_ALLOW : DECIDE_CONFLICT;
	case ACT_FOLLOWUP:
		/* SOP 230.10 C.3: the teletype and letter follow "as soon as
		 * practicable": recorded where the policy tracks them, while the
		 * request is open and after it was closed or denied; never on a
		 * request no follow-up rule covers, nor once both are in. */
		a = expected_followup(p, f);
		if (!acting_may(&a, role, rule, &d))
			return d;
		if (!af->papers_outstanding)
			return DECIDE_CONFLICT;
		if (open || s == STATUS_CLOSED || s == STATUS_DENIED)
			return DECIDE_ALLOW;
		return DECIDE_CONFLICT;
	case ACT_CLOSE:
		/* Closed once every deployment has returned, and not while the
		 * approval it needs is awaited. */
		a = expected_close(p);
		if (!acting_may(&a, role, rule, &d))
			return d;
		if (!is_one_of((int)s, 4, STATUS_SUBMITTED, STATUS_PENDING_APPROVAL, STATUS_APPROVED,
		    STATUS_DISPATCHED))
			return DECIDE_CONFLICT;
		if (af->open_deployments > 0)
			return DECIDE_CONFLICT;
		if ((s == STATUS_SUBMITTED || s == STATUS_PENDING_APPROVAL) && awaiting_approval &&
		    !af->approved) {
			*rule = ap->rule_id;
			return DECIDE_CONFLICT;
		}
		return DECIDE_ALLOW;
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
		a = expected_exception(p);
		if (!acting_may(&a, role, rule, &d))
			return d;
		return open ? DECIDE_ALLOW : DECIDE_CONFLICT;
	case ACT__MAX:
		break;
	}
	return DECIDE_CONFLICT;
}

/* ---------------------------------------------------------------------------
 * The exhaustive walk: every policy x action x role x request facts x
 * action facts, each in all eight states, decided once; four properties
 * are checked on the verdicts.
 */

/* Action facts, one bit each; deployments apart (none, returned, out). */
enum {
	AF_ORIGINATOR = 1, AF_ON_DUTY = 2, AF_APPROVAL_EXCEPTED = 4, AF_PROVISIONAL = 8,
	AF_APPROVED = 16, AF_CAP_EXCEPTED = 32, AF_SEPARATION_EXCEPTED = 64, AF_MISMATCH = 128,
	AF__COMBOS = 256
};

static struct action_facts
afacts_of(int bits, int deployments)
{
	struct action_facts af;

	memset(&af, 0, sizeof(af));
	af.is_originator = (bits & AF_ORIGINATOR) != 0;
	af.primary_approver_on_duty = (bits & AF_ON_DUTY) != 0;
	af.approval_excepted = (bits & AF_APPROVAL_EXCEPTED) != 0;
	af.provisional = (bits & AF_PROVISIONAL) != 0;
	af.approved = (bits & AF_APPROVED) != 0;
	af.cap_excepted = (bits & AF_CAP_EXCEPTED) != 0;
	af.separation_excepted = (bits & AF_SEPARATION_EXCEPTED) != 0;
	af.approver_mismatch = (bits & AF_MISMATCH) != 0;
	/* 0: none; 1: one, returned; 2: one, still out. */
	af.deployments = deployments > 0;
	af.open_deployments = deployments > 1;
	/* The teletype or letter still awaited (both recorded: a spot check,
	 * test_followup_refused_once_both_papers_are_recorded). */
	af.papers_outstanding = true;
	return af;
}

static const char *
decision_name(enum decision d)
{
	static const char *const names[] = { "ALLOW", "403", "409", "422" };

	return (unsigned)d < 4 ? names[d] : "?";
}

static void
print_coordinates(const char *what, enum pol p, enum action act, enum request_status s,
    enum role role, size_t vi, const struct action_facts *af)
{
	print_message("%s: policy=%s action=%s state=%s role=%s facts=[%s] "
	    "action_facts={originator=%d primary_on_duty=%d approval_excepted=%d provisional=%d "
	    "approved=%d cap_excepted=%d separation_excepted=%d approver_mismatch=%d "
	    "open_deployments=%d deployments=%d}\n", what, policy_files[p].name,
	    action_choices[act].id, status_choices[s].id, role_choices[role].id, variants[vi].name,
	    af->is_originator, af->primary_approver_on_duty, af->approval_excepted, af->provisional,
	    af->approved, af->cap_excepted, af->separation_excepted, af->approver_mismatch,
	    af->open_deployments, af->deployments);
}

/* The rule of policy p named `id` (the clause a verdict must cite). */
static const struct rule *
rule_named(enum pol p, const char *id)
{
	const struct rule *r = policy_find(&pols[p], id);

	if (r == NULL)
		fail_msg("the written policy names rule %s, which %s does not have", id,
		    policy_files[p].path);
	return r;
}

static bool
rule_of_policy(enum pol p, const struct rule *r)
{
	return r >= pols[p].rules && r < pols[p].rules + pols[p].n;
}

struct walk {
	unsigned long checked;      /* combinations decided */
	unsigned long mismatches;   /* disagreements with the written policy */
	unsigned long silent;       /* refusals without a message */
	unsigned long state_403;    /* 403 in some states only */
	unsigned long read_only;    /* allowed on a closed, denied or cancelled request */
	unsigned long foreign;      /* a clause or rule of another policy */
	bool          done;
};

static struct walk walked;

static void
compare(enum pol p, enum action act, enum request_status s, enum role role, size_t vi,
    const struct action_facts *af, const struct verdict *v)
{
	const struct request_facts *f = &variants[vi].f;
	const char *want_rule;
	enum decision want = expected(p, act, s, role, f, af, &want_rule);
	const struct rule *wr = want_rule ? rule_named(p, want_rule) : NULL;
	bool rule_ok = wr == NULL ? v->rule == NULL && v->clause == NULL
	    : v->rule == wr && v->clause != NULL && strcmp(v->clause, wr->clause) == 0;

	walked.checked++;
	if (v->decision != want || !rule_ok) {
		if (walked.mismatches < 10) {
			char what[192];

			snprintf(what, sizeof(what), "%s: lifecycle_decide says %s (rule %s), "
			    "the policy says %s (rule %s)",
			    walked.mismatches == 0 ? "FIRST MISMATCH" : "mismatch",
			    decision_name(v->decision), v->rule ? v->rule->id : "(none)",
			    decision_name(want), want_rule ? want_rule : "(none)");
			print_coordinates(what, p, act, s, role, vi, af);
			print_message("    message: %s; clause: %s (the policy: %s)\n",
			    v->message ? v->message : "(none)", v->clause ? v->clause : "(none)",
			    wr ? wr->clause : "(none)");
		}
		walked.mismatches++;
	}
	/* A refusal always says why in plain words. */
	if (v->decision != DECIDE_ALLOW && (v->message == NULL || v->message[0] == '\0')) {
		if (walked.silent == 0)
			print_coordinates("refusal without a message", p, act, s, role, vi, af);
		walked.silent++;
	}
}

/* Closed, denied and cancelled requests are read-only: nothing is allowed
 * in them but the check-in of a unit still out on a denied request (sent
 * under a provisional authorization, then denied), and the teletype and
 * letter the policy tracks after a request is closed or denied. */
static void
check_read_only(enum pol p, enum action act, enum request_status s, enum role role, size_t vi,
    const struct action_facts *af, const struct verdict *v)
{
	bool excused;

	if ((s != STATUS_CLOSED && s != STATUS_DENIED && s != STATUS_CANCELLED) ||
	    v->decision != DECIDE_ALLOW)
		return;
	excused = (act == ACT_CHECKIN && s == STATUS_DENIED && af->open_deployments > 0) ||
	    (act == ACT_FOLLOWUP && s != STATUS_CANCELLED && v->rule != NULL &&
	     v->rule->effect == EFFECT_FOLLOWUP);
	if (excused)
		return;
	if (walked.read_only == 0)
		print_coordinates("allowed on a read-only request", p, act, s, role, vi, af);
	walked.read_only++;
}

/* Every clause a verdict names belongs to the policy in force: a Milwaukee
 * refusal must not cite Oconomowoc's 98-023, nor the other way round, and
 * the rule named is one of the policy's own. A department rule's citation
 * ("Department rule: ...") belongs to no clause list and is allowed. */
static void
check_clause(enum pol p, enum action act, enum request_status s, enum role role, size_t vi,
    const struct action_facts *af, const struct verdict *v)
{
	bool ok;

	if (v->clause == NULL || strncmp(v->clause, "Department rule: ", 17) == 0)
		ok = true;
	else
		ok = strncmp(v->clause, policy_files[p].cites, strlen(policy_files[p].cites)) == 0;
	if (v->rule != NULL && (!rule_of_policy(p, v->rule) || v->clause != v->rule->clause))
		ok = false;
	if (ok)
		return;
	if (walked.foreign < 5) {
		char what[200];

		snprintf(what, sizeof(what), "%s verdict names clause \"%.120s\"", decision_name(v->decision),
		    v->clause ? v->clause : "(none)");
		print_coordinates(what, p, act, s, role, vi, af);
	}
	walked.foreign++;
}

/* "Who" before "when": a role that may never take the action is told 403
 * in every state (the same role, facts and policy give 403 everywhere or
 * nowhere). */
static void
check_who_before_state(enum pol p, enum action act, enum role role, size_t vi,
    const struct action_facts *af, const struct verdict v[STATUS__MAX])
{
	int s;

	for (s = 1; s < STATUS__MAX; s++)
		if ((v[s].decision == DECIDE_FORBIDDEN) != (v[0].decision == DECIDE_FORBIDDEN)) {
			if (walked.state_403 == 0) {
				print_coordinates("403 depends on the state", p, act, (enum request_status)s,
				    role, vi, af);
				print_message("    ... and state=%s gives %s\n", status_choices[0].id,
				    decision_name(v[0].decision));
			}
			walked.state_403++;
			return;
		}
}

static void
walk_all(void)
{
	int p, a, r, bits, dep, s;
	size_t vi;

	if (walked.done)
		return;
	for (p = 0; p < P__MAX; p++)
		for (a = 0; a < ACT__MAX; a++)
			for (r = 0; r < ROLE__MAX; r++)
				for (vi = 0; vi < N_VARIANTS; vi++)
					for (bits = 0; bits < AF__COMBOS; bits++)
						for (dep = 0; dep < 3; dep++) {
							struct action_facts af = afacts_of(bits, dep);
							struct verdict v[STATUS__MAX];

							for (s = 0; s < STATUS__MAX; s++) {
								v[s] = lifecycle_decide(&pols[p], (enum action)a,
								    (enum request_status)s, (enum role)r, &variants[vi].f, &af);
								compare((enum pol)p, (enum action)a, (enum request_status)s,
								    (enum role)r, vi, &af, &v[s]);
								check_read_only((enum pol)p, (enum action)a,
								    (enum request_status)s, (enum role)r, vi, &af, &v[s]);
								check_clause((enum pol)p, (enum action)a,
								    (enum request_status)s, (enum role)r, vi, &af, &v[s]);
							}
							check_who_before_state((enum pol)p, (enum action)a, (enum role)r,
							    vi, &af, v);
						}
	walked.done = true;
}

static void
test_exhaustive(void **state)
{
	(void)state;
	walk_all();
	/* 3 policies x 10 actions x 8 states x 12 roles x 18 variants x 768 facts. */
	assert_int_equal(walked.checked,
	    (unsigned long)P__MAX * ACT__MAX * STATUS__MAX * ROLE__MAX * N_VARIANTS * AF__COMBOS * 3);
	if (walked.mismatches)
		print_message("%lu of %lu combinations disagree with the written policy\n",
		    walked.mismatches, walked.checked);
	assert_int_equal(walked.mismatches, 0);
	assert_int_equal(walked.silent, 0);
}

static void
test_who_before_state(void **state)
{
	(void)state;
	walk_all();
	assert_int_equal(walked.state_403, 0);
}

static void
test_read_only_states(void **state)
{
	(void)state;
	walk_all();
	assert_int_equal(walked.read_only, 0);
}

static void
test_clauses_belong_to_the_policy(void **state)
{
	(void)state;
	walk_all();
	assert_int_equal(walked.foreign, 0);
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
	af.papers_outstanding = true;	/* neither teletype nor letter yet */
	return af;
}

static const struct request_facts *
facts_of(size_t vi)
{
	return &variants[vi].f;
}

static void
test_approval_rule(void **state)
{
	size_t vi;
	int p;

	(void)state;
	for (vi = 0; vi < N_VARIANTS; vi++)
		for (p = 0; p < P__MAX; p++) {
			const struct approver *want = expected_approver((enum pol)p, facts_of(vi));
			const struct rule *got = lifecycle_approval_rule(&pols[p], facts_of(vi));

			if (want == NULL) {
				if (got != NULL)
					print_message("%s [%s]: unexpected approval rule %s\n",
					    policy_files[p].name, variants[vi].name, got->id);
				assert_null(got);
			} else {
				assert_non_null(got);
				assert_string_equal(got->id, want->rule_id);
				assert_int_equal(got->recipient, want->recipient);
				assert_int_equal(got->fallback, want->fallback);
			}
		}
}

/* Who may file each kind, every role, every policy (98-023 §III.A.1,
 * §III.B.2-4, §V.B; SOP 230.10; GO 12.4.2, 12.4.4, 12.4.5, 12.4.8). */
static void
test_who_may_file(void **state)
{
	int p, k, r;

	(void)state;
	for (p = 0; p < P__MAX; p++)
		for (k = 0; k < KIND__MAX; k++)
			for (r = 0; r < ROLE__MAX; r++) {
				const struct rule *why = NULL;
				bool may = policy_may_file(&pols[p], (enum role)r, (enum request_kind)k, &why);
				bool want = (expected_filers((enum pol)p, (enum request_kind)k) & R(r)) != 0;

				if (may != want)
					fail_msg("%s: %s %s file %s", policy_files[p].name, role_choices[r].id,
					    want ? "must be allowed to" : "must not", kind_choices[k].id);
				/* The refusal or the permission names the kind's rule. */
				assert_non_null(why);
				assert_string_equal(why->id, file_rule((enum pol)p, (enum request_kind)k));
			}
}

static void
test_verdict_names_the_rule(void **state)
{
	const struct request_facts *emerg = facts_of(V_OUT_EMERG), *internal3 = facts_of(V_INTERNAL_3);
	const struct policy *o = &pols[P_OCONOMOWOC], *m = &pols[P_MILWAUKEE];
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
	v = lifecycle_decide(m, ACT_AUTHORIZE, STATUS_SUBMITTED, ROLE_DISPATCH_SUPERVISOR, emerg, &none);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_string_equal(v.rule->id, "M-CAP");
	assert_string_equal(v.clause, "SOP 230.10 C.3.a");
	v = lifecycle_decide(m, ACT_AUTHORIZE, STATUS_SUBMITTED, ROLE_DISPATCHER, emerg, &none);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);
	assert_string_equal(v.rule->id, "M-CAP");
	/* ... and within the city there is none: 409 to a DEC supervisor. */
	v = lifecycle_decide(m, ACT_AUTHORIZE, STATUS_SUBMITTED, ROLE_DISPATCH_SUPERVISOR,
	    facts_of(V_CITY_EMERG_1), &none);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	assert_string_equal(v.rule->id, "M-CAP");
	assert_non_null(v.message);

	/* The fallback approver, refused while the bureau chief is on duty. */
	v = lifecycle_decide(m, ACT_APPROVE, STATUS_PROVISIONALLY_AUTHORIZED, ROLE_WATCH_COMMANDER,
	    emerg, &on_duty);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);
	assert_string_equal(v.rule->id, "M-APPROVE");
	v = lifecycle_decide(m, ACT_APPROVE, STATUS_PROVISIONALLY_AUTHORIZED, ROLE_WATCH_COMMANDER,
	    emerg, &none);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_string_equal(v.rule->id, "M-APPROVE");

	/* In-city aid beyond one squad: the DEC supervisor, under SOP 230.10 D. */
	v = lifecycle_decide(m, ACT_DENY, STATUS_SUBMITTED, ROLE_DISPATCH_SUPERVISOR, internal3, &none);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_string_equal(v.rule->id, "M-IN-CITY-APPROVE");
	assert_string_equal(v.clause, "SOP 230.10 D");

	/* Oconomowoc needs no approval: approve and deny answer 409, no
	 * rule; units are sent at once. */
	v = lifecycle_decide(o, ACT_APPROVE, STATUS_SUBMITTED, ROLE_SUPERVISOR, emerg, &none);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	assert_null(v.rule);
	assert_null(v.clause);
	assert_string_equal(v.message, "This request needs no approval under the policy in force.");
	v = lifecycle_decide(o, ACT_DENY, STATUS_SUBMITTED, ROLE_CHIEF, emerg, &originator);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	v = lifecycle_decide(o, ACT_DISPATCH, STATUS_SUBMITTED, ROLE_DISPATCHER, emerg, &none);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_string_equal(v.rule->id, "O-DISPATCH");
	assert_string_equal(v.clause, "98-023 \xc2\xa7V.C");

	/* Dispatch before approval: the approval rule is named. */
	v = lifecycle_decide(m, ACT_DISPATCH, STATUS_SUBMITTED, ROLE_DISPATCHER, emerg, &none);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	assert_string_equal(v.rule->id, "M-APPROVE");

	/* Dispatch by the wrong role names the dispatch rule of the policy. */
	v = lifecycle_decide(m, ACT_DISPATCH, STATUS_APPROVED, ROLE_SUPERVISOR, emerg, &none);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);
	assert_string_equal(v.rule->id, "M-DISPATCH");
	assert_string_equal(v.clause, "SOP 230.10 C.3.d");
	v = lifecycle_decide(o, ACT_DISPATCH, STATUS_APPROVED, ROLE_DISPATCH_SUPERVISOR, emerg, &none);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);
	assert_string_equal(v.rule->id, "O-DISPATCH");

	/* Exceptions: the exception rule of the policy. */
	v = lifecycle_decide(o, ACT_EXCEPT, STATUS_SUBMITTED, ROLE_SUPERVISOR, emerg, &none);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);
	assert_string_equal(v.rule->id, "O-EXCEPTION");
	assert_string_equal(v.clause, "98-023 \xc2\xa7VI");
	v = lifecycle_decide(m, ACT_EXCEPT, STATUS_DISPATCHED, ROLE_CHIEF, emerg, &none);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_string_equal(v.rule->id, "M-EXCEPTION");
	assert_true(strncmp(v.clause, "Department rule: ", 17) == 0);

	/* Check-ins and follow-ups cite the policy's own timer rules. */
	v = lifecycle_decide(m, ACT_CHECKIN, STATUS_DISPATCHED, ROLE_AGENCY, emerg, &none);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);
	assert_string_equal(v.rule->id, "M-CHECKIN");
	v = lifecycle_decide(o, ACT_CHECKIN, STATUS_DISPATCHED, ROLE_OFFICER, emerg, &none);
	assert_int_equal(v.decision, DECIDE_CONFLICT);   /* nobody deployed */
	assert_string_equal(v.rule->id, "O-CHECKIN");
	assert_true(strncmp(v.clause, "Department rule: 98-023 \xc2\xa7IV.B.3",
	    strlen("Department rule: 98-023 \xc2\xa7IV.B.3")) == 0);
	v = lifecycle_decide(m, ACT_FOLLOWUP, STATUS_DISPATCHED, ROLE_DISPATCHER, emerg, &none);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_string_equal(v.rule->id, "M-FOLLOWUP");
	v = lifecycle_decide(m, ACT_FOLLOWUP, STATUS_DISPATCHED, ROLE_OFFICER, emerg, &none);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);
	assert_string_equal(v.rule->id, "M-FOLLOWUP");
	assert_string_equal(v.message, "Your role may not record the teletype or letter: the rule named says "
	    "who does.");
	/* A request of its kinds it does not cover (not by telephone): 409 to
	 * those who record them, naming the rule; a kind no follow-up rule
	 * names, or a policy without one: 403, naming none. */
	v = lifecycle_decide(m, ACT_FOLLOWUP, STATUS_DISPATCHED, ROLE_DISPATCHER,
	    facts_of(V_OUT_ROUTINE_UNIT), &none);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	assert_string_equal(v.rule->id, "M-FOLLOWUP");
	assert_string_equal(v.message, "No teletype or letter is awaited on this request: the rule named asks "
	    "for them only under conditions this request does not meet.");
	v = lifecycle_decide(m, ACT_FOLLOWUP, STATUS_DISPATCHED, ROLE_DISPATCHER, facts_of(V_OUTGOING), &none);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);
	assert_null(v.rule);
	assert_null(v.clause);
	assert_string_equal(v.message, "The policy in force asks for no teletype or letter on this kind of "
	    "request.");
	v = lifecycle_decide(o, ACT_FOLLOWUP, STATUS_DISPATCHED, ROLE_DISPATCHER, emerg, &none);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);
	assert_null(v.rule);

	/* Check-ins after a denial: while someone is still out, and only then. */
	v = lifecycle_decide(m, ACT_CHECKIN, STATUS_DENIED, ROLE_DISPATCHER, emerg, &out);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_string_equal(v.rule->id, "M-CHECKIN");
	v = lifecycle_decide(m, ACT_CHECKIN, STATUS_DENIED, ROLE_DISPATCHER, emerg, &returned);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	assert_non_null(v.message);
	v = lifecycle_decide(m, ACT_CHECKIN, STATUS_CANCELLED, ROLE_DISPATCHER, emerg, &out);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	v = lifecycle_decide(m, ACT_CHECKIN, STATUS_CLOSED, ROLE_DISPATCHER, emerg, &out);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	v = lifecycle_decide(m, ACT_DISPATCH, STATUS_DENIED, ROLE_DISPATCHER, emerg, &out);
	assert_int_equal(v.decision, DECIDE_CONFLICT);

	/* Closing cites the close rule, a department rule in each policy:
	 * everyone must have returned; an officer may not. */
	v = lifecycle_decide(o, ACT_CLOSE, STATUS_DISPATCHED, ROLE_SUPERVISOR, emerg, &out);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	assert_string_equal(v.rule->id, "O-CLOSE");
	assert_string_equal(v.message, "Every deployment must have returned before the request is closed.");
	v = lifecycle_decide(m, ACT_CLOSE, STATUS_DISPATCHED, ROLE_DISPATCHER, emerg, &returned);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_string_equal(v.rule->id, "M-CLOSE");
	assert_true(strncmp(v.clause, "Department rule: ", 17) == 0);
	v = lifecycle_decide(&pols[P_RIVERTON], ACT_CLOSE, STATUS_DISPATCHED, ROLE_OFFICER, emerg, &returned);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);
	assert_string_equal(v.rule->id, "R-CLOSE");
	assert_string_equal(v.message, "Your role may not close a request: the rule named says who does.");

	/* Dispatch while the approval is pending: within a provisional
	 * authorization only. */
	v = lifecycle_decide(m, ACT_DISPATCH, STATUS_PENDING_APPROVAL, ROLE_DISPATCHER, emerg, &provisional);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_string_equal(v.rule->id, "M-DISPATCH");
	v = lifecycle_decide(m, ACT_DISPATCH, STATUS_PENDING_APPROVAL, ROLE_DISPATCHER, emerg, &none);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	assert_string_equal(v.rule->id, "M-APPROVE");
	assert_string_equal(v.clause, "SOP 230.10 C.3.a");
	v = lifecycle_decide(m, ACT_DISPATCH, STATUS_PENDING_APPROVAL, ROLE_SUPERVISOR, emerg, &provisional);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);

	/* The assessment, under the assess rules: SOP 230.10 C.3.c outside
	 * the city, the department's rule within it; 98-023 §V.C, and the
	 * department's dispatch supervisor. A refusal names the clause, the
	 * first rule in force. */
	v = lifecycle_decide(m, ACT_ASSESS, STATUS_PROVISIONALLY_AUTHORIZED, ROLE_SUPERVISOR, emerg, &none);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_string_equal(v.rule->id, "M-ASSESSMENT");
	assert_string_equal(v.clause, "SOP 230.10 C.3.c");
	v = lifecycle_decide(m, ACT_ASSESS, STATUS_PROVISIONALLY_AUTHORIZED, ROLE_DISPATCHER, emerg, &none);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);
	assert_string_equal(v.rule->id, "M-ASSESSMENT");
	assert_string_equal(v.message, "Your role may not record the on-scene assessment: the rule named says "
	    "who does.");
	v = lifecycle_decide(o, ACT_ASSESS, STATUS_SUBMITTED, ROLE_OFFICER, emerg, &none);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);
	assert_string_equal(v.rule->id, "O-ASSESSMENT");
	assert_string_equal(v.clause, "98-023 \xc2\xa7V.C");
	v = lifecycle_decide(o, ACT_ASSESS, STATUS_SUBMITTED, ROLE_DISPATCH_SUPERVISOR, emerg, &none);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_string_equal(v.rule->id, "O-ASSESSMENT-RELAYED");
	v = lifecycle_decide(m, ACT_ASSESS, STATUS_SUBMITTED, ROLE_SUPERVISOR, internal3, &none);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_string_equal(v.rule->id, "M-ASSESSMENT-ELSEWHERE");
	assert_true(strncmp(v.clause, "Department rule: ", 17) == 0);
	v = lifecycle_decide(m, ACT_ASSESS, STATUS_CLOSED, ROLE_DISPATCH_SUPERVISOR, emerg, &none);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	assert_string_equal(v.rule->id, "M-ASSESSMENT");

	/* A cancellation cites the rule the kind was filed under. */
	v = lifecycle_decide(o, ACT_CANCEL, STATUS_SUBMITTED, ROLE_AGENCY, emerg, &originator);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_string_equal(v.rule->id, "O-IN-FILE");
	assert_string_equal(v.clause, "98-023 \xc2\xa7V.B");
	v = lifecycle_decide(m, ACT_CANCEL, STATUS_SUBMITTED, ROLE_DETECTIVE, facts_of(V_FED_INV), &originator);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_string_equal(v.rule->id, "M-FED-INV-FILE");

	/* No provisional authorization in Oconomowoc, and no clause for one. */
	v = lifecycle_decide(o, ACT_AUTHORIZE, STATUS_SUBMITTED, ROLE_DISPATCH_SUPERVISOR, emerg, &none);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);
	assert_null(v.rule);
	assert_null(v.clause);
	assert_non_null(v.message);
}

/* Every rule of `effect` in the three files names its actors. */
static void
every_rule_names_actors(enum rule_effect effect)
{
	size_t i;
	int p;

	for (p = 0; p < P__MAX; p++)
		for (i = 0; i < pols[p].n; i++)
			if (pols[p].rules[i].effect == effect && pols[p].rules[i].actors == 0)
				fail_msg("%s: rule %s names no actors", policy_files[p].path, pols[p].rules[i].id);
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
		 * denial and the follow-up papers after closing or denial
		 * (which change no state). */
		assert_int_equal(t->from & ST(STATUS_CANCELLED), 0);
		if (a == ACT_CHECKIN)
			assert_int_equal(t->from & ST(STATUS_CLOSED), 0);
		else if (a == ACT_FOLLOWUP)
			assert_int_equal(t->from & (ST(STATUS_CLOSED) | ST(STATUS_DENIED)),
			    ST(STATUS_CLOSED) | ST(STATUS_DENIED));
		else
			assert_int_equal(t->from & (ST(STATUS_CLOSED) | ST(STATUS_DENIED)), 0);
		/* Who may is a rule's: the actors of the rules of its effect,
		 * which the checker requires (none of the files' rules of it
		 * names nobody), the approver, or whoever filed. */
		assert_true(t->effect < EFFECT__MAX);
		if (t->who == WHO_RULE)
			every_rule_names_actors(t->effect);
		else
			assert_int_equal(t->effect, t->who == WHO_APPROVER ? EFFECT_APPROVE : EFFECT_FILE);
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
 * requested" (GO 12.4.5(B): the commander of the district affected). An
 * approver of another bureau or district (approver_mismatch) is refused in
 * every state before the decision, both to approve and to deny; the
 * fallback is not affected by the match.
 */
static void
test_approver_of_another_bureau(void **state)
{
	static const enum request_status before[] = { STATUS_SUBMITTED,
	    STATUS_PROVISIONALLY_AUTHORIZED, STATUS_PENDING_APPROVAL };
	static const struct { enum pol p; size_t vi; enum role primary, fallback; const char *rule; } cases[] = {
		{ P_MILWAUKEE, V_OUT_EMERG, ROLE_BUREAU_CHIEF, ROLE_WATCH_COMMANDER, "M-APPROVE" },
		{ P_MILWAUKEE, V_OUT_ROUTINE_PHONE, ROLE_BUREAU_CHIEF, ROLE_WATCH_COMMANDER, "M-APPROVE-ROUTINE" },
		{ P_MILWAUKEE, V_FED_IN_OUT, ROLE_BUREAU_CHIEF, ROLE_WATCH_COMMANDER, "M-APPROVE" },
		{ P_RIVERTON, V_INTERNAL_3, ROLE_COMMANDER, ROLE_WATCH_COMMANDER, "R-INTERNAL-APPROVE" },
	};
	struct action_facts other = afacts(false, false, false, 0, 0);
	struct action_facts mine = afacts(false, false, false, 0, 0);
	struct verdict v;
	size_t i, c;

	(void)state;
	other.approver_mismatch = true;
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct policy *pol = &pols[cases[c].p];
		const struct request_facts *f = facts_of(cases[c].vi);

		for (i = 0; i < sizeof(before) / sizeof(before[0]); i++) {
			v = lifecycle_decide(pol, ACT_APPROVE, before[i], cases[c].primary, f, &other);
			assert_int_equal(v.decision, DECIDE_FORBIDDEN);
			assert_string_equal(v.rule->id, cases[c].rule);
			v = lifecycle_decide(pol, ACT_DENY, before[i], cases[c].primary, f, &other);
			assert_int_equal(v.decision, DECIDE_FORBIDDEN);
			v = lifecycle_decide(pol, ACT_APPROVE, before[i], cases[c].primary, f, &mine);
			assert_int_equal(v.decision, DECIDE_ALLOW);
			assert_string_equal(v.rule->id, cases[c].rule);
			v = lifecycle_decide(pol, ACT_APPROVE, before[i], cases[c].fallback, f, &other);
			assert_int_equal(v.decision, DECIDE_ALLOW);
		}
	}
}

/*
 * Separation of duties (a department rule in every policy): whoever filed
 * a request does not approve or deny it, whatever their role, unless the
 * chief excepted the rule for that request. In Oconomowoc nobody approves
 * (O-APPROVE is off), so it bites only once the department switches
 * O-APPROVE on.
 */
static void
test_O_SEPARATION_M_SEPARATION_R_SEPARATION_originator_does_not_decide(void **state)
{
	struct action_facts filer = afacts(true, false, false, 0, 0);
	struct action_facts excepted = filer;
	struct policy *o = &pols[P_OCONOMOWOC];
	struct rule *approve = (struct rule *)policy_find(o, "O-APPROVE");
	struct verdict v;

	(void)state;
	excepted.separation_excepted = true;
	/* A DEC supervisor who logged a call for aid within the city. */
	v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_APPROVE, STATUS_SUBMITTED, ROLE_DISPATCH_SUPERVISOR,
	    facts_of(V_CITY_3), &filer);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);
	assert_string_equal(v.rule->id, "M-SEPARATION");
	assert_string_equal(v.message, "Whoever filed a request does not approve or deny it.");
	v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_DENY, STATUS_SUBMITTED, ROLE_DISPATCH_SUPERVISOR,
	    facts_of(V_CITY_3), &excepted);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_string_equal(v.rule->id, "M-IN-CITY-APPROVE");
	/* Riverton: a watch commander who filed (aid_outgoing needs none;
	 * an agency's request logged by them is the case). */
	v = lifecycle_decide(&pols[P_RIVERTON], ACT_APPROVE, STATUS_PENDING_APPROVAL, ROLE_WATCH_COMMANDER,
	    facts_of(V_OUT_EMERG), &filer);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);
	assert_string_equal(v.rule->id, "R-SEPARATION");

	/* Oconomowoc: 409, needs no approval, before anything else ... */
	v = lifecycle_decide(o, ACT_APPROVE, STATUS_SUBMITTED, ROLE_SUPERVISOR, facts_of(V_OUT_EMERG), &filer);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	assert_null(v.rule);
	/* ... and once O-APPROVE is switched on, the supervisor/OIC approves,
	 * but not the one who filed. */
	assert_non_null(approve);
	approve->enabled = true;
	v = lifecycle_decide(o, ACT_APPROVE, STATUS_SUBMITTED, ROLE_SUPERVISOR, facts_of(V_OUT_EMERG), &filer);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);
	assert_string_equal(v.rule->id, "O-SEPARATION");
	v = lifecycle_decide(o, ACT_APPROVE, STATUS_SUBMITTED, ROLE_SUPERVISOR, facts_of(V_OUT_EMERG),
	    &excepted);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_string_equal(v.rule->id, "O-APPROVE");
	v = lifecycle_decide(o, ACT_DISPATCH, STATUS_SUBMITTED, ROLE_DISPATCHER, facts_of(V_OUT_EMERG),
	    &excepted);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	assert_string_equal(v.rule->id, "O-APPROVE");
	/* Not for federal requests we make: O-APPROVE does not name them. */
	v = lifecycle_decide(o, ACT_APPROVE, STATUS_SUBMITTED, ROLE_SUPERVISOR, facts_of(V_FED_EMER),
	    &excepted);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	approve->enabled = false;
}

/*
 * Milwaukee routes by where the aid is. Within the city (SOP 230.10 D and
 * the department's M-DISPATCH-CITY): one squad is sent at once by a
 * dispatcher; more, or a specialized unit, waits for a DEC supervisor.
 * Where the request does not say, nobody is sent: 409 to those who could,
 * 403 to the others. A kind 230.10 does not cover sends nobody (403).
 */
static void
test_M_DISPATCH_M_DISPATCH_CITY_route_by_where_the_aid_is(void **state)
{
	const struct policy *m = &pols[P_MILWAUKEE];
	struct action_facts none = afacts(false, false, false, 0, 0);
	struct verdict v;

	(void)state;
	v = lifecycle_decide(m, ACT_DISPATCH, STATUS_SUBMITTED, ROLE_DISPATCHER, facts_of(V_CITY_EMERG_1), &none);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_string_equal(v.rule->id, "M-DISPATCH-CITY");
	assert_true(strncmp(v.clause, "Department rule: ", 17) == 0);
	v = lifecycle_decide(m, ACT_DISPATCH, STATUS_SUBMITTED, ROLE_DISPATCHER, facts_of(V_CITY_UNIT), &none);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	assert_string_equal(v.rule->id, "M-IN-CITY-APPROVE");
	v = lifecycle_decide(m, ACT_DISPATCH, STATUS_SUBMITTED, ROLE_SUPERVISOR, facts_of(V_CITY_EMERG_1), &none);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);
	assert_string_equal(v.rule->id, "M-DISPATCH-CITY");
	/* Not said. */
	v = lifecycle_decide(m, ACT_DISPATCH, STATUS_APPROVED, ROLE_DISPATCHER, facts_of(V_UNSAID), &none);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	assert_string_equal(v.rule->id, "M-DISPATCH");
	assert_non_null(v.message);
	v = lifecycle_decide(m, ACT_DISPATCH, STATUS_APPROVED, ROLE_DISPATCH_SUPERVISOR, facts_of(V_FED_IN_UNSAID),
	    &none);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	v = lifecycle_decide(m, ACT_DISPATCH, STATUS_APPROVED, ROLE_SUPERVISOR, facts_of(V_UNSAID), &none);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);
	assert_string_equal(v.rule->id, "M-DISPATCH");
	/* Kinds 230.10 does not cover. */
	v = lifecycle_decide(m, ACT_DISPATCH, STATUS_SUBMITTED, ROLE_DISPATCHER, facts_of(V_OUTGOING), &none);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);
	assert_null(v.rule);
	v = lifecycle_decide(m, ACT_DISPATCH, STATUS_SUBMITTED, ROLE_DISPATCH_SUPERVISOR, facts_of(V_FED_EMER),
	    &none);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);
	/* A federal agency's request is routed like any agency's. */
	v = lifecycle_decide(m, ACT_DISPATCH, STATUS_SUBMITTED, ROLE_DISPATCHER, facts_of(V_FED_IN_CITY), &none);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	assert_string_equal(v.rule->id, "M-IN-CITY-APPROVE");
	v = lifecycle_decide(m, ACT_APPROVE, STATUS_SUBMITTED, ROLE_DISPATCH_SUPERVISOR, facts_of(V_FED_IN_CITY),
	    &none);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	v = lifecycle_decide(m, ACT_APPROVE, STATUS_SUBMITTED, ROLE_BUREAU_CHIEF, facts_of(V_FED_IN_OUT), &none);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_string_equal(v.rule->id, "M-APPROVE");
}

/* Outside the city a routine request is approved as an emergency one is
 * (the department's M-APPROVE-ROUTINE), but a DEC supervisor may not
 * authorize anything before it (C.3.a is for emergencies). */
static void
test_M_APPROVE_ROUTINE_M_CAP_routine_aid_outside_the_city(void **state)
{
	const struct policy *m = &pols[P_MILWAUKEE];
	struct action_facts none = afacts(false, false, false, 0, 0);
	struct action_facts on_duty = afacts(false, true, false, 0, 0);
	struct verdict v;

	(void)state;
	v = lifecycle_decide(m, ACT_APPROVE, STATUS_SUBMITTED, ROLE_BUREAU_CHIEF, facts_of(V_OUT_ROUTINE_PHONE),
	    &on_duty);
	assert_int_equal(v.decision, DECIDE_ALLOW);
	assert_string_equal(v.rule->id, "M-APPROVE-ROUTINE");
	assert_true(strncmp(v.clause, "Department rule: ", 17) == 0);
	v = lifecycle_decide(m, ACT_APPROVE, STATUS_SUBMITTED, ROLE_WATCH_COMMANDER,
	    facts_of(V_OUT_ROUTINE_PHONE), &on_duty);
	assert_int_equal(v.decision, DECIDE_FORBIDDEN);
	v = lifecycle_decide(m, ACT_AUTHORIZE, STATUS_SUBMITTED, ROLE_DISPATCH_SUPERVISOR,
	    facts_of(V_OUT_ROUTINE_PHONE), &none);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	assert_string_equal(v.rule->id, "M-CAP");
	v = lifecycle_decide(m, ACT_DISPATCH, STATUS_SUBMITTED, ROLE_DISPATCHER, facts_of(V_OUT_ROUTINE_PHONE),
	    &none);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	assert_string_equal(v.rule->id, "M-APPROVE-ROUTINE");
}

/* SOP 230.10 C.3: the teletype and letter are recorded after the request
 * was closed or denied, where the policy tracks them; a request without
 * them is read-only once closed. */
static void
test_M_FOLLOWUP_R_FOLLOWUP_R_FOLLOWUP_SUPERVISORS_recorded_after_closing(void **state)
{
	struct action_facts none = afacts(false, false, false, 0, 0);
	static const enum request_status after[] = { STATUS_CLOSED, STATUS_DENIED };
	struct verdict v;
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_FOLLOWUP, after[i], ROLE_DISPATCHER,
		    facts_of(V_OUT_EMERG), &none);
		assert_int_equal(v.decision, DECIDE_ALLOW);
		assert_string_equal(v.rule->id, "M-FOLLOWUP");
		/* GO 12.4.3(E): to RECC; a supervisor under the department's
		 * addition. */
		v = lifecycle_decide(&pols[P_RIVERTON], ACT_FOLLOWUP, after[i], ROLE_DISPATCHER,
		    facts_of(V_OUT_EMERG), &none);
		assert_int_equal(v.decision, DECIDE_ALLOW);
		assert_string_equal(v.rule->id, "R-FOLLOWUP");
		v = lifecycle_decide(&pols[P_RIVERTON], ACT_FOLLOWUP, after[i], ROLE_SUPERVISOR,
		    facts_of(V_OUT_EMERG), &none);
		assert_int_equal(v.decision, DECIDE_ALLOW);
		assert_string_equal(v.rule->id, "R-FOLLOWUP-SUPERVISORS");
		/* No papers to track: nobody records any (403). */
		v = lifecycle_decide(&pols[P_OCONOMOWOC], ACT_FOLLOWUP, after[i], ROLE_DISPATCHER,
		    facts_of(V_OUT_EMERG), &none);
		assert_int_equal(v.decision, DECIDE_FORBIDDEN);
		assert_null(v.rule);
		v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_FOLLOWUP, after[i], ROLE_DISPATCHER,
		    facts_of(V_CITY_EMERG_1), &none);
		assert_int_equal(v.decision, DECIDE_CONFLICT);
	}
	v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_FOLLOWUP, STATUS_CANCELLED, ROLE_DISPATCHER,
	    facts_of(V_OUT_EMERG), &none);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	assert_string_equal(v.rule->id, "M-FOLLOWUP");
}

/* Once the teletype and the letter are both in, nothing is left to record,
 * open or closed. */
static void
test_followup_refused_once_both_papers_are_recorded(void **state)
{
	struct action_facts done = afacts(false, false, false, 0, 0);
	static const enum request_status when[] = { STATUS_DISPATCHED, STATUS_CLOSED };
	struct verdict v;
	size_t i;

	(void)state;
	done.papers_outstanding = false;
	for (i = 0; i < 2; i++) {
		v = lifecycle_decide(&pols[P_MILWAUKEE], ACT_FOLLOWUP, when[i], ROLE_DISPATCHER,
		    facts_of(V_OUT_EMERG), &done);
		assert_int_equal(v.decision, DECIDE_CONFLICT);
		assert_string_equal(v.rule->id, "M-FOLLOWUP");
		assert_string_equal(v.message, "The teletype and the letter were both recorded already.");
	}
}

/* The chief may except (98-023 §VI) only a rule in force for the request
 * whose waiver the lifecycle honours: an approval, a cap, a follow-up
 * deadline, separation of duties; never the chief's own notification. */
static void
test_waivable_rules(void **state)
{
	static const struct { enum pol p; const char *id; size_t vi; bool waivable; } cases[] = {
		{ P_OCONOMOWOC, "O-APPROVE", V_OUT_EMERG, false },	/* switched off */
		{ P_OCONOMOWOC, "O-SEPARATION", V_OUT_EMERG, true },
		{ P_OCONOMOWOC, "O-FED-INV-CHIEF", V_FED_INV, false },
		{ P_OCONOMOWOC, "O-DISPATCH", V_OUT_EMERG, false },
		{ P_OCONOMOWOC, "O-EXCEPTION", V_OUT_EMERG, false },
		{ P_MILWAUKEE, "M-APPROVE", V_OUT_EMERG, true },
		{ P_MILWAUKEE, "M-APPROVE", V_OUT_ROUTINE_PHONE, false },	/* not in force */
		{ P_MILWAUKEE, "M-APPROVE-ROUTINE", V_OUT_ROUTINE_PHONE, true },
		{ P_MILWAUKEE, "M-IN-CITY-APPROVE", V_CITY_3, true },
		{ P_MILWAUKEE, "M-IN-CITY-APPROVE", V_CITY_EMERG_1, false },
		{ P_MILWAUKEE, "M-CAP", V_OUT_EMERG, true },
		{ P_MILWAUKEE, "M-CAP", V_CITY_EMERG_1, false },
		{ P_MILWAUKEE, "M-FOLLOWUP", V_OUT_EMERG, true },
		{ P_MILWAUKEE, "M-FOLLOWUP", V_OUT_ROUTINE_UNIT, false },
		{ P_MILWAUKEE, "M-SEPARATION", V_FED_INV, true },
		{ P_MILWAUKEE, "M-FED-CHIEF", V_FED_INV, false },
		{ P_MILWAUKEE, "M-DISPATCH", V_OUT_EMERG, false },
		{ P_MILWAUKEE, "M-IN-BUREAU", V_OUT_EMERG, false },
		{ P_RIVERTON, "R-CAP", V_OUT_EMERG, true },
		{ P_RIVERTON, "R-APPROVE", V_FED_IN_CITY, true },
		{ P_RIVERTON, "R-FED-CHIEF", V_FED_IN_CITY, false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct rule *r = rule_named(cases[i].p, cases[i].id);

		if (lifecycle_waivable(r, facts_of(cases[i].vi)) != cases[i].waivable)
			fail_msg("%s for [%s] must %sbe waivable", cases[i].id, variants[cases[i].vi].name,
			    cases[i].waivable ? "" : "not ");
	}
}

/*
 * No request can be wedged: in every open state, for every kind of request
 * of every policy, someone can still move it on (approve, deny, dispatch,
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
						    facts_of(vi), &af).decision == DECIDE_ALLOW;
					}
				if (!moved)
					print_error("dead end: %s %s [%s]\n", policy_files[p].name,
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
	const struct request_facts *internal = facts_of(V_INTERNAL_1);   /* aid_internal, 1 squad */
	const struct request_facts *outside = facts_of(V_OUT_EMERG);     /* aid_incoming, emergency */
	struct action_facts af = afacts(false, false, false, 0, 0);
	struct dispatch_check dc;
	struct verdict v;

	(void)state;
	/* D: one squad needs no approval; a second one (sent later) does. */
	memset(&dc, 0, sizeof(dc));
	dc.adding = res3(1, 0, 0);
	assert_int_equal(lifecycle_dispatch_fits(m, STATUS_SUBMITTED, internal, &af, &dc).decision,
	    DECIDE_ALLOW);
	dc.sent = res3(1, 0, 0);
	v = lifecycle_dispatch_fits(m, STATUS_DISPATCHED, internal, &af, &dc);
	assert_int_equal(v.decision, DECIDE_CONFLICT);
	assert_string_equal(v.rule->id, "M-IN-CITY-APPROVE");
	/* ... and so does any specialized unit; the chief's exception lifts it. */
	dc.sent = res3(0, 0, 0);
	dc.adding = res3(0, 0, SU_SWAT);
	assert_int_equal(lifecycle_dispatch_fits(m, STATUS_SUBMITTED, internal, &af, &dc).decision,
	    DECIDE_CONFLICT);
	af.approval_excepted = true;
	assert_int_equal(lifecycle_dispatch_fits(m, STATUS_SUBMITTED, internal, &af, &dc).decision,
	    DECIDE_ALLOW);
	af.approval_excepted = false;
	/* Supervisors do not count toward D. */
	dc.adding = res3(1, 4, 0);
	assert_int_equal(lifecycle_dispatch_fits(m, STATUS_SUBMITTED, internal, &af, &dc).decision,
	    DECIDE_ALLOW);
	/* C.3.a: within the provisional authorization, kind by kind: two
	 * squads and a supervisor do not make three squads. */
	memset(&dc, 0, sizeof(dc));
	af.provisional = true;
	dc.authorized = res3(2, 1, SU_SWAT);
	dc.sent = res3(2, 0, 0);
	dc.adding = res3(1, 0, 0);
	v = lifecycle_dispatch_fits(m, STATUS_PROVISIONALLY_AUTHORIZED, outside, &af, &dc);
	assert_int_equal(v.decision, DECIDE_INVALID);
	assert_string_equal(v.rule->id, "M-CAP");
	dc.adding = res3(0, 1, SU_SWAT);
	assert_int_equal(lifecycle_dispatch_fits(m, STATUS_PROVISIONALLY_AUTHORIZED, outside, &af,
	    &dc).decision, DECIDE_ALLOW);
	dc.adding = res3(0, 0, SU_NEGOTIATOR);	/* a unit not authorized */
	assert_int_equal(lifecycle_dispatch_fits(m, STATUS_PENDING_APPROVAL, outside, &af,
	    &dc).decision, DECIDE_INVALID);
	af.cap_excepted = true;
	assert_int_equal(lifecycle_dispatch_fits(m, STATUS_PENDING_APPROVAL, outside, &af,
	    &dc).decision, DECIDE_ALLOW);
	af.cap_excepted = false;
	/* After the approval, its numbers hold; without numbers, nothing. */
	memset(&dc, 0, sizeof(dc));
	af.provisional = false;
	af.approved = true;
	dc.has_envelope = true;
	dc.approved = res3(4, 1, 0);
	dc.sent = res3(4, 1, 0);
	dc.adding = res3(1, 0, 0);
	v = lifecycle_dispatch_fits(m, STATUS_DISPATCHED, outside, &af, &dc);
	assert_int_equal(v.decision, DECIDE_INVALID);
	assert_string_equal(v.rule->id, "M-APPROVE");
	af.approval_excepted = true;
	assert_int_equal(lifecycle_dispatch_fits(m, STATUS_DISPATCHED, outside, &af, &dc).decision,
	    DECIDE_ALLOW);
	af.approval_excepted = false;
	dc.has_envelope = false;
	assert_int_equal(lifecycle_dispatch_fits(m, STATUS_DISPATCHED, outside, &af, &dc).decision,
	    DECIDE_ALLOW);
	/* Oconomowoc: no approval, no cap: whatever is sent fits. */
	memset(&dc, 0, sizeof(dc));
	af = afacts(false, false, false, 0, 0);
	dc.sent = res3(9, 3, SU_SWAT);
	dc.adding = res3(9, 3, SU_NEGOTIATOR);
	assert_int_equal(lifecycle_dispatch_fits(&pols[P_OCONOMOWOC], STATUS_DISPATCHED, outside, &af,
	    &dc).decision, DECIDE_ALLOW);
	/* Riverton: GO 12.4.3(C) caps a supervisor's provisional one at one
	 * squad and one supervisor, no unit. */
	af.provisional = true;
	dc.sent = res3(0, 0, 0);
	dc.authorized = res3(1, 1, 0);
	dc.adding = res3(1, 1, SU_SWAT);
	v = lifecycle_dispatch_fits(&pols[P_RIVERTON], STATUS_PROVISIONALLY_AUTHORIZED, outside, &af, &dc);
	assert_int_equal(v.decision, DECIDE_INVALID);
	assert_string_equal(v.rule->id, "R-CAP");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_action_ids),
		cmocka_unit_test(test_transition_table),
		cmocka_unit_test(test_approval_rule),
		cmocka_unit_test(test_who_may_file),
		cmocka_unit_test(test_verdict_names_the_rule),
		cmocka_unit_test(test_exhaustive),
		cmocka_unit_test(test_who_before_state),
		cmocka_unit_test(test_read_only_states),
		cmocka_unit_test(test_clauses_belong_to_the_policy),
		cmocka_unit_test(test_approver_of_another_bureau),
		cmocka_unit_test(test_O_SEPARATION_M_SEPARATION_R_SEPARATION_originator_does_not_decide),
		cmocka_unit_test(test_M_DISPATCH_M_DISPATCH_CITY_route_by_where_the_aid_is),
		cmocka_unit_test(test_M_APPROVE_ROUTINE_M_CAP_routine_aid_outside_the_city),
		cmocka_unit_test(test_M_FOLLOWUP_R_FOLLOWUP_R_FOLLOWUP_SUPERVISORS_recorded_after_closing),
		cmocka_unit_test(test_followup_refused_once_both_papers_are_recorded),
		cmocka_unit_test(test_waivable_rules),
		cmocka_unit_test(test_no_state_is_a_dead_end),
		cmocka_unit_test(test_dispatch_counts_each_kind_cumulatively),
	};

	return cmocka_run_group_tests_name("lifecycle", tests, setup, teardown);
}

/*
 * Unit tests of policy.c: the rules engine, with rules built by hand.
 *
 * The mechanics only: a rule holds when ALL of its conditions do; a rule is
 * in force when it is enabled, names the request's kind and its conditions
 * hold; the first rule in force wins; a department rule switched off never
 * applies anywhere. The two presets themselves are loaded from their files
 * in test_policy_file.c and test_lifecycle.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

#include "domain.h"
#include "field.h"
#include "policy.h"
#include "request_form.h"

#define K(k)  ((uint32_t)1 << (k))
#define R(r)  ((uint32_t)1 << (r))
#define C(c)  ((uint32_t)1 << (c))
#define F(f)  ((uint64_t)1 << (f))

/* special_unit_choices: swat 0, negotiator 1, bomb 2, k9 3, ..., investigators 8. */
#define SU_SWAT (1u << 0)
#define SU_K9   (1u << 3)

enum {
	I_FILE_AID_IN, I_FILE_FED, I_FILE_OFF, I_REQ_ALL, I_REQ_FED, I_REQ_RES, I_REQ_CITY,
	I_REQ_OFF, I_NOTIFY_EMERG, I_NOTIFY_UNIT, I_NOTIFY_PHONE, I_NOTIFY_SENDERS,
	I_NOTIFY_OFF, I_CAP, I_APPROVE_BEYOND, I_APPROVE_OFF, I_NOTIFY_ALWAYS,
	I_DISPATCH_OUT, I_DISPATCH_CITY, I_DISPATCH_OUTGOING, I_EXCEPTION, I__N
};

static struct rule rules[I__N];
static struct policy pol;

/* A clause rule in force for `kinds` (0: every kind), with no condition. */
static struct rule
rule(const char *id, enum rule_effect effect, uint32_t kinds, uint32_t actors)
{
	struct rule r;

	memset(&r, 0, sizeof(r));
	snprintf(r.id, sizeof(r.id), "%s", id);
	snprintf(r.clause, sizeof(r.clause), "Clause %s", id);
	r.basis = BASIS_CLAUSE;
	r.enabled = true;
	r.effect = effect;
	r.kinds = kinds;
	r.actors = actors;
	r.recipients = RECIPIENTS_ROLE;
	r.recipient = -1;
	r.fallback = -1;
	r.match = MATCH_NONE;
	r.on_event = EVENT_NONE;
	r.conditions = 0;
	r.cap_squads = r.cap_supervisors = r.cap_special_units = -1;
	r.interval_minutes = -1;
	return r;
}

/* A department rule, switched off (as O-APPROVE is in oconomowoc.policy). */
static struct rule
rule_off(const char *id, enum rule_effect effect, uint32_t kinds, uint32_t actors)
{
	struct rule r = rule(id, effect, kinds, actors);

	snprintf(r.clause, sizeof(r.clause), "Department rule: %s, switched off", id);
	r.basis = BASIS_DEPARTMENT;
	r.enabled = false;
	return r;
}

static int
setup(void **state)
{
	(void)state;
	rules[I_FILE_AID_IN] = rule("file_aid_in", EFFECT_FILE, K(KIND_AID_INCOMING),
	    R(ROLE_AGENCY) | R(ROLE_DISPATCHER));
	rules[I_FILE_FED] = rule("file_fed", EFFECT_FILE,
	    K(KIND_FEDERAL_INVESTIGATIVE) | K(KIND_FEDERAL_EMERGENCY),
	    R(ROLE_DETECTIVE) | R(ROLE_SUPERVISOR));
	/* Would open aid_internal to everyone, were it on. */
	rules[I_FILE_OFF] = rule_off("file_off", EFFECT_FILE, K(KIND_AID_INTERNAL) | K(KIND_AID_INCOMING),
	    0xfff);
	rules[I_REQ_ALL] = rule("req_all", EFFECT_REQUIRE, 0, 0);
	rules[I_REQ_ALL].fields = F(RF_NATURE) | F(RF_LOCATION);
	rules[I_REQ_FED] = rule("req_fed", EFFECT_REQUIRE, K(KIND_FEDERAL_INVESTIGATIVE), 0);
	rules[I_REQ_FED].fields = F(RF_CASE_NUMBER);
	rules[I_REQ_RES] = rule("req_res", EFFECT_REQUIRE, K(KIND_AID_INCOMING), 0);
	rules[I_REQ_RES].any_of = F(RF_SQUADS) | F(RF_SUPERVISORS) | F(RF_PERSONNEL) |
	    F(RF_SPECIAL_UNITS) | F(RF_EQUIPMENT);
	/* SOP 230.10 D's shape: a field required only within the city. */
	rules[I_REQ_CITY] = rule("req_city", EFFECT_REQUIRE, K(KIND_AID_INCOMING), 0);
	rules[I_REQ_CITY].conditions = C(COND_WITHIN_CITY);
	rules[I_REQ_CITY].fields = F(RF_DISTRICT);
	rules[I_REQ_OFF] = rule_off("req_off", EFFECT_REQUIRE, 0, 0);
	rules[I_REQ_OFF].fields = F(RF_RADIO_CHANNEL);
	rules[I_REQ_OFF].any_of = F(RF_DURATION) | F(RF_NEEDED_BY);
	rules[I_NOTIFY_EMERG] = rule("notify_emerg", EFFECT_NOTIFY, 0, 0);
	rules[I_NOTIFY_EMERG].conditions = C(COND_EMERGENCY);
	rules[I_NOTIFY_EMERG].recipient = ROLE_WATCH_COMMANDER;
	rules[I_NOTIFY_EMERG].on_event = EVENT_FILED;
	rules[I_NOTIFY_UNIT] = rule("notify_unit", EFFECT_NOTIFY, 0, 0);
	rules[I_NOTIFY_UNIT].conditions = C(COND_SPECIAL_UNIT);
	rules[I_NOTIFY_UNIT].recipient = ROLE_UNIT_COMMANDER;
	rules[I_NOTIFY_UNIT].match = MATCH_UNIT;
	rules[I_NOTIFY_UNIT].on_event = EVENT_FILED;
	rules[I_NOTIFY_PHONE] = rule("notify_phone", EFFECT_NOTIFY, 0, 0);
	rules[I_NOTIFY_PHONE].conditions = C(COND_PHONE);
	rules[I_NOTIFY_PHONE].recipient = ROLE_DISPATCH_SUPERVISOR;
	rules[I_NOTIFY_PHONE].on_event = EVENT_FILED;
	/* Whoever sent units, on a denial, while units are out. */
	rules[I_NOTIFY_SENDERS] = rule("notify_senders", EFFECT_NOTIFY, 0, 0);
	rules[I_NOTIFY_SENDERS].conditions = C(COND_UNITS_OUT);
	rules[I_NOTIFY_SENDERS].recipients = RECIPIENTS_SENDERS;
	rules[I_NOTIFY_SENDERS].on_event = EVENT_DENIED;
	rules[I_NOTIFY_OFF] = rule_off("notify_off", EFFECT_NOTIFY, 0, 0);
	rules[I_NOTIFY_OFF].recipient = ROLE_ADMIN;
	rules[I_NOTIFY_OFF].on_event = EVENT_DENIED;
	rules[I_CAP] = rule("cap", EFFECT_CAP, K(KIND_AID_INCOMING), R(ROLE_SUPERVISOR));
	rules[I_CAP].cap_squads = 2;
	rules[I_CAP].cap_supervisors = 1;
	rules[I_CAP].cap_special_units = 1;
	rules[I_APPROVE_BEYOND] = rule("approve_beyond", EFFECT_APPROVE, K(KIND_AID_INCOMING), 0);
	rules[I_APPROVE_BEYOND].conditions = C(COND_BEYOND_ONE_SQUAD);
	rules[I_APPROVE_BEYOND].recipient = ROLE_BUREAU_CHIEF;
	rules[I_APPROVE_BEYOND].match = MATCH_BUREAU;
	/* Would require an approval of everything, were it on. */
	rules[I_APPROVE_OFF] = rule_off("approve_off", EFFECT_APPROVE, 0, 0);
	rules[I_APPROVE_OFF].recipient = ROLE_SUPERVISOR;
	rules[I_NOTIFY_ALWAYS] = rule("notify_always", EFFECT_NOTIFY, K(KIND_AID_OUTGOING), 0);
	rules[I_NOTIFY_ALWAYS].recipient = ROLE_SUPERVISOR;
	rules[I_NOTIFY_ALWAYS].on_event = EVENT_FILED;
	rules[I_DISPATCH_OUT] = rule("dispatch_out", EFFECT_DISPATCH, K(KIND_AID_INCOMING),
	    R(ROLE_DISPATCHER) | R(ROLE_DISPATCH_SUPERVISOR));
	rules[I_DISPATCH_OUT].conditions = C(COND_OUTSIDE_CITY);
	rules[I_DISPATCH_CITY] = rule("dispatch_city", EFFECT_DISPATCH,
	    K(KIND_AID_INCOMING) | K(KIND_AID_INTERNAL), R(ROLE_DISPATCHER));
	rules[I_DISPATCH_CITY].conditions = C(COND_WITHIN_CITY);
	rules[I_DISPATCH_OUTGOING] = rule("dispatch_outgoing", EFFECT_DISPATCH, K(KIND_AID_OUTGOING),
	    R(ROLE_SUPERVISOR));
	rules[I_EXCEPTION] = rule("exception", EFFECT_EXCEPTION, K(KIND_AID_INCOMING), R(ROLE_CHIEF));
	memset(&pol, 0, sizeof(pol));
	snprintf(pol.name, sizeof(pol.name), "test");
	pol.rules = rules;
	pol.n = I__N;
	return 0;
}

static struct request_facts
facts(enum request_kind kind)
{
	struct request_facts f;

	memset(&f, 0, sizeof(f));
	f.kind = kind;
	f.within_city = -1;
	return f;
}

/* A rule of one condition, to test the condition alone. */
static struct rule
when(enum rule_condition c)
{
	struct rule r = rule("c", EFFECT_NOTIFY, 0, 0);

	r.conditions = C(c);
	return r;
}

/* ---------------------------------------------------------------------------
 * Who may file, who may act.
 */

static void
test_may_file(void **state)
{
	const struct rule *why = (const struct rule *)&pol;

	(void)state;
	assert_true(policy_may_file(&pol, ROLE_AGENCY, KIND_AID_INCOMING, &why));
	assert_ptr_equal(why, &rules[I_FILE_AID_IN]);
	assert_true(policy_may_file(&pol, ROLE_DISPATCHER, KIND_AID_INCOMING, &why));
	assert_true(policy_may_file(&pol, ROLE_DETECTIVE, KIND_FEDERAL_INVESTIGATIVE, &why));
	assert_ptr_equal(why, &rules[I_FILE_FED]);
	assert_true(policy_may_file(&pol, ROLE_SUPERVISOR, KIND_FEDERAL_EMERGENCY, &why));

	/* A refused role: the refusing rule is named. */
	assert_false(policy_may_file(&pol, ROLE_OFFICER, KIND_AID_INCOMING, &why));
	assert_ptr_equal(why, &rules[I_FILE_AID_IN]);
	assert_string_equal(why->clause, "Clause file_aid_in");
	assert_false(policy_may_file(&pol, ROLE_AGENCY, KIND_FEDERAL_INVESTIGATIVE, &why));
	assert_ptr_equal(why, &rules[I_FILE_FED]);

	/* A kind only a switched-off rule names: closed, no rule to blame. */
	why = &rules[0];
	assert_false(policy_may_file(&pol, ROLE_ADMIN, KIND_AID_INTERNAL, &why));
	assert_null(why);
	why = &rules[0];
	assert_false(policy_may_file(&pol, ROLE_SUPERVISOR, KIND_FEDERAL_INCOMING, &why));
	assert_null(why);
}

/* Two file rules for one kind: either one opens it; a refusal names the
 * last one consulted. */
static void
test_may_file_any_rule_opens(void **state)
{
	struct rule two[2];
	struct policy p;
	const struct rule *why = NULL;

	(void)state;
	two[0] = rule("first", EFFECT_FILE, K(KIND_AID_OUTGOING), R(ROLE_SUPERVISOR));
	two[1] = rule("second", EFFECT_FILE, K(KIND_AID_OUTGOING), R(ROLE_COMMANDER));
	memset(&p, 0, sizeof(p));
	p.rules = two;
	p.n = 2;
	assert_true(policy_may_file(&p, ROLE_SUPERVISOR, KIND_AID_OUTGOING, &why));
	assert_ptr_equal(why, &two[0]);
	assert_true(policy_may_file(&p, ROLE_COMMANDER, KIND_AID_OUTGOING, &why));
	assert_ptr_equal(why, &two[1]);
	assert_false(policy_may_file(&p, ROLE_OFFICER, KIND_AID_OUTGOING, &why));
	assert_ptr_equal(why, &two[1]);
}

static void
test_may_file_empty_policy(void **state)
{
	struct policy empty;
	const struct rule *why = rules;
	struct request_facts f = facts(KIND_AID_INCOMING);

	(void)state;
	memset(&empty, 0, sizeof(empty));
	assert_false(policy_may_file(&empty, ROLE_CHIEF, KIND_AID_INCOMING, &why));
	assert_null(why);
	assert_null(policy_find(&empty, "file_aid_in"));
	why = rules;
	assert_false(policy_actor_may(&empty, EFFECT_DISPATCH, ROLE_DISPATCHER, &f, &why));
	assert_null(why);
	assert_null(policy_rule_for(&empty, EFFECT_APPROVE, &f));
	assert_null(policy_event_rule(&empty, EVENT_FILED, &f));
	assert_false(policy_uses_field(&empty, KIND_AID_INCOMING, RF_NATURE));
}

/*
 * policy_actor_may() with the request's facts: a rule whose conditions hold
 * decides; one whose conditions do not hold is named only when no rule of
 * the effect holds (lifecycle.c then answers 409 to one of its actors).
 */
static void
test_actor_may(void **state)
{
	struct request_facts f = facts(KIND_AID_INCOMING);
	const struct rule *why = NULL;

	(void)state;
	/* Outside the city: dispatch_out decides. */
	f.within_city = 0;
	assert_true(policy_actor_may(&pol, EFFECT_DISPATCH, ROLE_DISPATCHER, &f, &why));
	assert_ptr_equal(why, &rules[I_DISPATCH_OUT]);
	assert_true(policy_actor_may(&pol, EFFECT_DISPATCH, ROLE_DISPATCH_SUPERVISOR, &f, &why));
	assert_false(policy_actor_may(&pol, EFFECT_DISPATCH, ROLE_OFFICER, &f, &why));
	assert_ptr_equal(why, &rules[I_DISPATCH_OUT]);

	/* Within it: dispatch_city decides, and names only the dispatcher;
	 * dispatch_out, whose condition fails, is not the one named. */
	f.within_city = 1;
	assert_true(policy_actor_may(&pol, EFFECT_DISPATCH, ROLE_DISPATCHER, &f, &why));
	assert_ptr_equal(why, &rules[I_DISPATCH_CITY]);
	assert_false(policy_actor_may(&pol, EFFECT_DISPATCH, ROLE_DISPATCH_SUPERVISOR, &f, &why));
	assert_ptr_equal(why, &rules[I_DISPATCH_CITY]);

	/* Not said: no rule holds; the first one that names the kind is named. */
	f.within_city = -1;
	assert_false(policy_actor_may(&pol, EFFECT_DISPATCH, ROLE_DISPATCHER, &f, &why));
	assert_ptr_equal(why, &rules[I_DISPATCH_OUT]);
	assert_false(rule_condition_holds(why, &f));

	/* aid_internal: only dispatch_city names it. */
	f = facts(KIND_AID_INTERNAL);
	f.within_city = 1;
	assert_true(policy_actor_may(&pol, EFFECT_DISPATCH, ROLE_DISPATCHER, &f, &why));
	assert_ptr_equal(why, &rules[I_DISPATCH_CITY]);
	f.within_city = 0;
	assert_false(policy_actor_may(&pol, EFFECT_DISPATCH, ROLE_DISPATCHER, &f, &why));
	assert_ptr_equal(why, &rules[I_DISPATCH_CITY]);

	/* A kind no dispatch rule names: nobody, no rule. */
	f = facts(KIND_FEDERAL_INVESTIGATIVE);
	why = rules;
	assert_false(policy_actor_may(&pol, EFFECT_DISPATCH, ROLE_DISPATCHER, &f, &why));
	assert_null(why);

	f = facts(KIND_AID_INCOMING);
	assert_true(policy_actor_may(&pol, EFFECT_EXCEPTION, ROLE_CHIEF, &f, &why));
	assert_ptr_equal(why, &rules[I_EXCEPTION]);
	assert_false(policy_actor_may(&pol, EFFECT_EXCEPTION, ROLE_ADMIN, &f, &why));
	assert_ptr_equal(why, &rules[I_EXCEPTION]);
	/* The exception rule does not apply to this kind. */
	f = facts(KIND_AID_OUTGOING);
	assert_false(policy_actor_may(&pol, EFFECT_EXCEPTION, ROLE_CHIEF, &f, &why));
	assert_null(why);
	assert_true(policy_actor_may(&pol, EFFECT_DISPATCH, ROLE_SUPERVISOR, &f, &why));
	assert_ptr_equal(why, &rules[I_DISPATCH_OUTGOING]);

	f = facts(KIND_AID_INCOMING);
	assert_true(policy_actor_may(&pol, EFFECT_CAP, ROLE_SUPERVISOR, &f, &why));
	assert_ptr_equal(why, &rules[I_CAP]);
	/* No rule of the effect at all. */
	assert_false(policy_actor_may(&pol, EFFECT_UNITS, ROLE_CHIEF, &f, &why));
	assert_null(why);
}

/* Two rules of one effect whose conditions both hold: either one's actors
 * may; a refusal names the first rule that holds (the one policy_rule_for()
 * finds: in a file, the clause before the department's addition to it). */
static void
test_actor_may_any_rule_in_force(void **state)
{
	struct rule two[3];
	struct policy p;
	struct request_facts f = facts(KIND_AID_INCOMING);
	const struct rule *why = NULL;

	(void)state;
	two[0] = rule("a", EFFECT_DISPATCH, 0, R(ROLE_DISPATCHER));
	two[1] = rule("b", EFFECT_DISPATCH, 0, R(ROLE_SUPERVISOR));
	two[1].conditions = C(COND_EMERGENCY);
	two[2] = rule("c", EFFECT_DISPATCH, 0, R(ROLE_COMMANDER));
	memset(&p, 0, sizeof(p));
	p.rules = two;
	p.n = 3;
	assert_true(policy_actor_may(&p, EFFECT_DISPATCH, ROLE_DISPATCHER, &f, &why));
	assert_ptr_equal(why, &two[0]);
	assert_true(policy_actor_may(&p, EFFECT_DISPATCH, ROLE_COMMANDER, &f, &why));
	assert_ptr_equal(why, &two[2]);
	/* b's condition does not hold: its actor is refused, a is named. */
	assert_false(policy_actor_may(&p, EFFECT_DISPATCH, ROLE_SUPERVISOR, &f, &why));
	assert_ptr_equal(why, &two[0]);
	assert_false(policy_actor_may(&p, EFFECT_DISPATCH, ROLE_OFFICER, &f, &why));
	assert_ptr_equal(why, &two[0]);
	f.emergency = true;
	assert_true(policy_actor_may(&p, EFFECT_DISPATCH, ROLE_SUPERVISOR, &f, &why));
	assert_ptr_equal(why, &two[1]);
}

/*
 * A clause and the department's addition to it, with the same conditions
 * (tests/fixtures/riverton.policy's R-FOLLOWUP and R-FOLLOWUP-SUPERVISORS):
 * where they hold, each one's actors may, and a refusal names the clause;
 * where they do not, the rule that names the role is named (lifecycle.c
 * answers its actor 409), and the first one to anybody else (403).
 */
static void
test_actor_may_clause_and_addition(void **state)
{
	struct rule two[2];
	struct policy p;
	struct request_facts f = facts(KIND_AID_INCOMING);
	const struct rule *why = NULL;

	(void)state;
	two[0] = rule("clause", EFFECT_FOLLOWUP, K(KIND_AID_INCOMING), R(ROLE_DISPATCHER));
	two[1] = rule("addition", EFFECT_FOLLOWUP, K(KIND_AID_INCOMING),
	    R(ROLE_SUPERVISOR) | R(ROLE_DISPATCH_SUPERVISOR));
	two[0].conditions = two[1].conditions = C(COND_PHONE);
	memset(&p, 0, sizeof(p));
	p.rules = two;
	p.n = 2;
	f.by_phone = true;
	assert_true(policy_actor_may(&p, EFFECT_FOLLOWUP, ROLE_DISPATCHER, &f, &why));
	assert_ptr_equal(why, &two[0]);
	assert_true(policy_actor_may(&p, EFFECT_FOLLOWUP, ROLE_DISPATCH_SUPERVISOR, &f, &why));
	assert_ptr_equal(why, &two[1]);
	assert_false(policy_actor_may(&p, EFFECT_FOLLOWUP, ROLE_OFFICER, &f, &why));
	assert_ptr_equal(why, &two[0]);
	f.by_phone = false;
	assert_false(policy_actor_may(&p, EFFECT_FOLLOWUP, ROLE_SUPERVISOR, &f, &why));
	assert_ptr_equal(why, &two[1]);
	assert_false(policy_actor_may(&p, EFFECT_FOLLOWUP, ROLE_DISPATCHER, &f, &why));
	assert_ptr_equal(why, &two[0]);
	assert_false(policy_actor_may(&p, EFFECT_FOLLOWUP, ROLE_OFFICER, &f, &why));
	assert_ptr_equal(why, &two[0]);
	/* Another kind: neither is for it. */
	f = facts(KIND_AID_OUTGOING);
	f.by_phone = true;
	why = two;
	assert_false(policy_actor_may(&p, EFFECT_FOLLOWUP, ROLE_DISPATCHER, &f, &why));
	assert_null(why);
	/* Another effect: neither is of it. */
	f = facts(KIND_AID_INCOMING);
	f.by_phone = true;
	assert_false(policy_actor_may(&p, EFFECT_CLOSE, ROLE_DISPATCHER, &f, &why));
	assert_null(why);
}

static void
test_rule_applies_to(void **state)
{
	int k;

	(void)state;
	for (k = 0; k < KIND__MAX; k++) {
		assert_true(rule_applies_to(&rules[I_REQ_ALL], (enum request_kind)k));
		assert_true(rule_applies_to(&rules[I_NOTIFY_EMERG], (enum request_kind)k));
		assert_int_equal(rule_applies_to(&rules[I_FILE_AID_IN], (enum request_kind)k),
		    k == KIND_AID_INCOMING);
		assert_int_equal(rule_applies_to(&rules[I_FILE_FED], (enum request_kind)k),
		    k == KIND_FEDERAL_INVESTIGATIVE || k == KIND_FEDERAL_EMERGENCY);
		assert_int_equal(rule_applies_to(&rules[I_DISPATCH_CITY], (enum request_kind)k),
		    k == KIND_AID_INCOMING || k == KIND_AID_INTERNAL);
	}
}

/* ---------------------------------------------------------------------------
 * The conditions, one by one (policy.c's condition table).
 */

static void
test_condition_emergency(void **state)
{
	struct rule r = when(COND_EMERGENCY);
	struct request_facts f = facts(KIND_AID_INCOMING);

	(void)state;
	assert_false(rule_condition_holds(&r, &f));
	f.emergency = true;
	assert_true(rule_condition_holds(&r, &f));
	/* Nothing else makes an emergency. */
	f.emergency = false;
	f.by_phone = true;
	f.squads = 9;
	f.special_units = SU_SWAT;
	f.federal_party = true;
	assert_false(rule_condition_holds(&r, &f));
}

static void
test_condition_routine(void **state)
{
	struct rule r = when(COND_ROUTINE);
	struct request_facts f = facts(KIND_AID_INCOMING);

	(void)state;
	assert_true(rule_condition_holds(&r, &f));
	f.emergency = true;
	assert_false(rule_condition_holds(&r, &f));
	/* emergency and routine together hold for no request. */
	r.conditions |= C(COND_EMERGENCY);
	assert_false(rule_condition_holds(&r, &f));
	f.emergency = false;
	assert_false(rule_condition_holds(&r, &f));
}

static void
test_condition_special_unit(void **state)
{
	struct rule r = when(COND_SPECIAL_UNIT);
	struct request_facts f = facts(KIND_AID_INCOMING);

	(void)state;
	assert_false(rule_condition_holds(&r, &f));
	f.squads = 5;
	f.supervisors = 2;
	assert_false(rule_condition_holds(&r, &f));
	f.special_units = SU_K9;
	assert_true(rule_condition_holds(&r, &f));
	f.special_units = 1u << 8;	/* investigators: a unit too */
	assert_true(rule_condition_holds(&r, &f));
}

static void
test_condition_phone(void **state)
{
	struct rule r = when(COND_PHONE);
	struct request_facts f = facts(KIND_AID_INCOMING);

	(void)state;
	assert_false(rule_condition_holds(&r, &f));
	f.by_phone = true;
	assert_true(rule_condition_holds(&r, &f));
}

/* SOP 230.10 D: "more than one squad or the assistance of a specialized unit". */
static void
test_condition_beyond_one_squad(void **state)
{
	struct rule r = when(COND_BEYOND_ONE_SQUAD);
	struct request_facts f = facts(KIND_AID_INCOMING);

	(void)state;
	f.squads = 0;
	assert_false(rule_condition_holds(&r, &f));
	f.squads = 1;
	assert_false(rule_condition_holds(&r, &f));
	f.supervisors = 5;	/* supervisors do not count here */
	assert_false(rule_condition_holds(&r, &f));
	f.squads = 2;
	assert_true(rule_condition_holds(&r, &f));
	f.squads = 1;
	f.special_units = SU_SWAT;	/* any specialized unit */
	assert_true(rule_condition_holds(&r, &f));
	f.squads = 0;
	assert_true(rule_condition_holds(&r, &f));
}

/* SOP 230.10 C.3.a's caps, on the rule's own numbers; -1 is no cap. */
static void
test_condition_beyond_cap(void **state)
{
	struct rule cap = rules[I_CAP];	/* 2 squads, 1 supervisor, 1 unit */
	struct request_facts f = facts(KIND_AID_INCOMING);
	struct rule nocap = when(COND_BEYOND_CAP);

	(void)state;
	cap.conditions = C(COND_BEYOND_CAP);
	assert_false(rule_condition_holds(&cap, &f));
	f.squads = 2;
	f.supervisors = 1;
	f.special_units = 1u << 4;
	assert_false(rule_condition_holds(&cap, &f));	/* exactly at the caps */
	f.squads = 3;
	assert_true(rule_condition_holds(&cap, &f));
	f.squads = 2;
	f.supervisors = 2;
	assert_true(rule_condition_holds(&cap, &f));
	f.supervisors = 1;
	f.special_units = (1u << 4) | SU_SWAT;	/* two units */
	assert_true(rule_condition_holds(&cap, &f));
	f.special_units = 1u << 8;
	assert_false(rule_condition_holds(&cap, &f));

	/* -1: no cap on that count. */
	f.squads = 99;
	f.supervisors = 99;
	f.special_units = 0x1ff;
	assert_false(rule_condition_holds(&nocap, &f));
	nocap.cap_squads = 0;
	assert_true(rule_condition_holds(&nocap, &f));
	nocap.cap_squads = -1;
	nocap.cap_special_units = 9;
	assert_false(rule_condition_holds(&nocap, &f));
	nocap.cap_special_units = 8;
	assert_true(rule_condition_holds(&nocap, &f));
}

/* 98-023 §III.B: a federal kind, or any request a federal agency makes. */
static void
test_condition_federal(void **state)
{
	struct rule r = when(COND_FEDERAL);
	int k;

	(void)state;
	for (k = 0; k < KIND__MAX; k++) {
		struct request_facts f = facts((enum request_kind)k);

		assert_int_equal(rule_condition_holds(&r, &f), kind_is_federal((enum request_kind)k));
		f.federal_party = true;
		assert_true(rule_condition_holds(&r, &f));
	}
}

/* 98-023 §III.B.4: "whenever Federal authorities request our assistance". */
static void
test_condition_federal_party(void **state)
{
	struct rule r = when(COND_FEDERAL_PARTY);
	int k;

	(void)state;
	for (k = 0; k < KIND__MAX; k++) {
		struct request_facts f = facts((enum request_kind)k);

		/* The party; a federal_incoming request is a federal agency
		 * asking by its definition (98-023 §III.B.4). */
		assert_int_equal(rule_condition_holds(&r, &f), k == KIND_FEDERAL_INCOMING);
		f.federal_party = true;
		assert_true(rule_condition_holds(&r, &f));
	}
}

/* SOP 230.10 D: 1 within, 0 outside, -1 not said. */
static void
test_condition_within_city(void **state)
{
	struct rule r = when(COND_WITHIN_CITY);
	struct request_facts f = facts(KIND_AID_INCOMING);

	(void)state;
	f.within_city = 1;
	assert_true(rule_condition_holds(&r, &f));
	f.within_city = 0;
	assert_false(rule_condition_holds(&r, &f));
	f.within_city = -1;
	assert_false(rule_condition_holds(&r, &f));
}

/* SOP 230.10 C: not holding when the request does not say. */
static void
test_condition_outside_city(void **state)
{
	struct rule r = when(COND_OUTSIDE_CITY);
	struct request_facts f = facts(KIND_AID_INCOMING);

	(void)state;
	f.within_city = 0;
	assert_true(rule_condition_holds(&r, &f));
	f.within_city = 1;
	assert_false(rule_condition_holds(&r, &f));
	f.within_city = -1;
	assert_false(rule_condition_holds(&r, &f));
	/* Within and outside together: never. */
	r.conditions |= C(COND_WITHIN_CITY);
	for (f.within_city = -1; f.within_city <= 1; f.within_city++)
		assert_false(rule_condition_holds(&r, &f));
}

static void
test_condition_units_out(void **state)
{
	struct rule r = when(COND_UNITS_OUT);
	struct request_facts f = facts(KIND_AID_INCOMING);

	(void)state;
	assert_false(rule_condition_holds(&r, &f));
	f.squads = 3;
	f.special_units = SU_SWAT;
	assert_false(rule_condition_holds(&r, &f));
	f.units_out = true;
	assert_true(rule_condition_holds(&r, &f));
}

/* Every condition of the table has a name a policy file can use, and one
 * test above; the names are those the files use. */
static void
test_condition_names(void **state)
{
	static const char *const names[COND__MAX] = {
		[COND_EMERGENCY] = "emergency", [COND_ROUTINE] = "routine",
		[COND_SPECIAL_UNIT] = "special_unit", [COND_PHONE] = "phone",
		[COND_BEYOND_ONE_SQUAD] = "beyond_one_squad", [COND_BEYOND_CAP] = "beyond_cap",
		[COND_FEDERAL] = "federal", [COND_FEDERAL_PARTY] = "federal_party",
		[COND_WITHIN_CITY] = "within_city", [COND_OUTSIDE_CITY] = "outside_city",
		[COND_UNITS_OUT] = "units_out",
	};
	int c;

	(void)state;
	assert_int_equal(COND__MAX, 11);
	for (c = 0; c < COND__MAX; c++) {
		assert_non_null(condition_choices[c].id);
		assert_string_equal(condition_choices[c].id, names[c]);
		assert_non_null(condition_choices[c].label);
		assert_true(condition_choices[c].label[0] != '\0');
		assert_int_equal(choice_find_n(condition_choices, COND__MAX, names[c]), c);
	}
	assert_int_equal(choice_find_n(condition_choices, COND__MAX, "always"), -1);
}

/* A rule holds when ALL of its conditions do; none at all: always. */
static void
test_conditions_all_must_hold(void **state)
{
	struct rule r = rule("all", EFFECT_NOTIFY, 0, 0);
	struct request_facts f = facts(KIND_AID_INCOMING);

	(void)state;
	assert_true(rule_condition_holds(&r, &f));
	/* M-FOLLOWUP's shape: outside the city AND by telephone. */
	r.conditions = C(COND_OUTSIDE_CITY) | C(COND_PHONE);
	assert_false(rule_condition_holds(&r, &f));
	f.within_city = 0;
	assert_false(rule_condition_holds(&r, &f));
	f.by_phone = true;
	assert_true(rule_condition_holds(&r, &f));
	f.within_city = 1;
	assert_false(rule_condition_holds(&r, &f));
	/* M-IN-CITY-APPROVE's shape: within the city AND beyond one squad. */
	r.conditions = C(COND_WITHIN_CITY) | C(COND_BEYOND_ONE_SQUAD);
	f.squads = 1;
	assert_false(rule_condition_holds(&r, &f));
	f.special_units = SU_K9;
	assert_true(rule_condition_holds(&r, &f));
	/* Three at once. */
	r.conditions |= C(COND_EMERGENCY);
	assert_false(rule_condition_holds(&r, &f));
	f.emergency = true;
	assert_true(rule_condition_holds(&r, &f));
}

/* In force = enabled + its kind + its conditions. */
static void
test_rule_in_force(void **state)
{
	struct rule r = rule("r", EFFECT_NOTIFY, K(KIND_AID_INCOMING), 0);
	struct request_facts f = facts(KIND_AID_INCOMING);

	(void)state;
	r.conditions = C(COND_EMERGENCY);
	f.emergency = true;
	assert_true(rule_in_force(&r, &f));
	f.kind = KIND_AID_OUTGOING;	/* not its kind */
	assert_false(rule_in_force(&r, &f));
	f.kind = KIND_AID_INCOMING;
	f.emergency = false;		/* its condition fails */
	assert_false(rule_in_force(&r, &f));
	f.emergency = true;
	r.enabled = false;		/* switched off */
	assert_false(rule_in_force(&r, &f));
	/* The other checks do not look at `enabled`: they answer for the rule
	 * as written. */
	assert_true(rule_applies_to(&r, KIND_AID_INCOMING));
	assert_true(rule_condition_holds(&r, &f));
}

/* A department rule switched off (O-APPROVE) applies nowhere: not to
 * filing, acting, requiring, notifying, approving, nor to the form. */
static void
test_disabled_rule_never_applies(void **state)
{
	char *values[RF__MAX] = { 0 };
	const char *errors[RF__MAX] = { 0 };
	const struct rule *why[RF__MAX] = { 0 };
	const struct rule *w = NULL;
	size_t i;
	int k, e, ev;

	(void)state;
	for (k = 0; k < KIND__MAX; k++) {
		struct request_facts f = facts((enum request_kind)k);
		int role;

		f.emergency = true;
		f.units_out = true;
		f.special_units = SU_SWAT;
		for (i = 0; i < pol.n; i++)
			if (!rules[i].enabled)
				assert_false(rule_in_force(&rules[i], &f));
		for (e = 0; e < EFFECT__MAX; e++) {
			const struct rule *r = policy_rule_for(&pol, (enum rule_effect)e, &f);

			assert_true(r == NULL || r->enabled);
		}
		for (ev = 0; ev < EVENT__MAX; ev++) {
			const struct rule *r = policy_event_rule(&pol, (enum policy_event)ev, &f);

			assert_true(r == NULL || r->enabled);
		}
		for (role = 0; role < ROLE__MAX; role++) {
			if (policy_may_file(&pol, (enum role)role, (enum request_kind)k, &w) || w != NULL)
				assert_true(w->enabled);
			(void)policy_actor_may(&pol, EFFECT_DISPATCH, (enum role)role, &f, &w);
			assert_true(w == NULL || w->enabled);
		}
		/* Its fields are neither required nor asked. */
		memset(errors, 0, sizeof(errors));
		memset(why, 0, sizeof(why));
		(void)policy_check_required(&pol, &f, values, errors, why);
		assert_null(errors[RF_RADIO_CHANNEL]);
		assert_null(errors[RF_DURATION]);
		assert_null(errors[RF_NEEDED_BY]);
		for (i = 0; i < RF__MAX; i++)
			assert_true(why[i] == NULL || why[i]->enabled);
		assert_false(policy_uses_field(&pol, (enum request_kind)k, RF_RADIO_CHANNEL));
		assert_false(policy_uses_field(&pol, (enum request_kind)k, RF_DURATION));
	}
	/* Switched on, the same rules apply. */
	rules[I_APPROVE_OFF].enabled = true;
	rules[I_REQ_OFF].enabled = true;
	memset(errors, 0, sizeof(errors));
	memset(why, 0, sizeof(why));
	{
		struct request_facts f = facts(KIND_AID_OUTGOING);

		assert_ptr_equal(policy_rule_for(&pol, EFFECT_APPROVE, &f), &rules[I_APPROVE_OFF]);
		assert_true(policy_uses_field(&pol, KIND_AID_OUTGOING, RF_RADIO_CHANNEL));
		assert_int_equal(policy_check_required(&pol, &f, values, errors, why), 5);
		assert_ptr_equal(why[RF_RADIO_CHANNEL], &rules[I_REQ_OFF]);
	}
	rules[I_APPROVE_OFF].enabled = false;
	rules[I_REQ_OFF].enabled = false;
}

/* ---------------------------------------------------------------------------
 * Required fields, fields used.
 */

static void
test_check_required(void **state)
{
	char *values[RF__MAX] = { 0 };
	const char *errors[RF__MAX] = { 0 };
	const struct rule *why[RF__MAX] = { 0 };
	struct request_facts f = facts(KIND_AID_INCOMING);
	size_t missing;
	int i;

	(void)state;
	/* Nothing given, aid_incoming: nature and location (req_all) and the
	 * five fields of the any_of group (req_res). */
	missing = policy_check_required(&pol, &f, values, errors, why);
	assert_int_equal(missing, 7);
	assert_ptr_equal(errors[RF_NATURE], field_required_message);
	assert_ptr_equal(why[RF_NATURE], &rules[I_REQ_ALL]);
	assert_non_null(errors[RF_LOCATION]);
	assert_ptr_equal(why[RF_LOCATION], &rules[I_REQ_ALL]);
	assert_non_null(errors[RF_SQUADS]);
	assert_ptr_equal(why[RF_SQUADS], &rules[I_REQ_RES]);
	assert_non_null(errors[RF_SUPERVISORS]);
	assert_non_null(errors[RF_PERSONNEL]);
	assert_non_null(errors[RF_SPECIAL_UNITS]);
	assert_non_null(errors[RF_EQUIPMENT]);
	assert_ptr_equal(why[RF_EQUIPMENT], &rules[I_REQ_RES]);
	assert_null(errors[RF_CASE_NUMBER]);	/* not for this kind */
	assert_null(why[RF_CASE_NUMBER]);
	assert_null(errors[RF_DISTRICT]);	/* within the city only */

	/* All given but the group satisfied by squads = "2". */
	memset(errors, 0, sizeof(errors));
	memset(why, 0, sizeof(why));
	values[RF_NATURE] = (char *)"Riot";
	values[RF_LOCATION] = (char *)"Main St";
	values[RF_SQUADS] = (char *)"2";
	assert_int_equal(policy_check_required(&pol, &f, values, errors, why), 0);
	for (i = 0; i < RF__MAX; i++) {
		assert_null(errors[i]);
		assert_null(why[i]);
	}

	/* "0" squads does not state a need. */
	values[RF_SQUADS] = (char *)"0";
	values[RF_PERSONNEL] = (char *)"0";
	assert_int_equal(policy_check_required(&pol, &f, values, errors, why), 5);
	assert_non_null(errors[RF_SQUADS]);
	assert_non_null(errors[RF_PERSONNEL]);
	assert_ptr_equal(why[RF_SQUADS], &rules[I_REQ_RES]);
	assert_null(errors[RF_NATURE]);

	/* Equipment alone satisfies the group; so does a unit; "" is nothing. */
	memset(errors, 0, sizeof(errors));
	memset(why, 0, sizeof(why));
	values[RF_EQUIPMENT] = (char *)"Barricades";
	assert_int_equal(policy_check_required(&pol, &f, values, errors, why), 0);
	values[RF_EQUIPMENT] = NULL;
	values[RF_SPECIAL_UNITS] = (char *)"{k9}";
	assert_int_equal(policy_check_required(&pol, &f, values, errors, why), 0);
	values[RF_SPECIAL_UNITS] = (char *)"";
	assert_int_equal(policy_check_required(&pol, &f, values, errors, why), 5);
}

/* A require rule with a condition requires only when it holds: the
 * facts of the request being filed decide (SOP 230.10 D: the district,
 * within the city). */
static void
test_check_required_under_conditions(void **state)
{
	char *values[RF__MAX] = { 0 };
	const char *errors[RF__MAX] = { 0 };
	const struct rule *why[RF__MAX] = { 0 };
	struct request_facts f = facts(KIND_AID_INCOMING);

	(void)state;
	values[RF_NATURE] = (char *)"Flood";
	values[RF_LOCATION] = (char *)"River Rd";
	values[RF_SQUADS] = (char *)"1";
	f.within_city = 0;
	assert_int_equal(policy_check_required(&pol, &f, values, errors, why), 0);
	f.within_city = -1;
	assert_int_equal(policy_check_required(&pol, &f, values, errors, why), 0);
	f.within_city = 1;
	assert_int_equal(policy_check_required(&pol, &f, values, errors, why), 1);
	assert_ptr_equal(errors[RF_DISTRICT], field_required_message);
	assert_ptr_equal(why[RF_DISTRICT], &rules[I_REQ_CITY]);
	memset(errors, 0, sizeof(errors));
	memset(why, 0, sizeof(why));
	values[RF_DISTRICT] = (char *)"District 2";
	assert_int_equal(policy_check_required(&pol, &f, values, errors, why), 0);
	/* Another kind: the rule does not name it. */
	values[RF_DISTRICT] = NULL;
	f.kind = KIND_AID_OUTGOING;
	assert_int_equal(policy_check_required(&pol, &f, values, errors, why), 0);
}

static void
test_check_required_kinds_and_existing_errors(void **state)
{
	char *values[RF__MAX] = { 0 };
	const char *errors[RF__MAX] = { 0 };
	const struct rule *why[RF__MAX] = { 0 };
	struct request_facts f = facts(KIND_FEDERAL_INVESTIGATIVE);

	(void)state;
	/* federal_investigative: nature, location, case number; no group. */
	assert_int_equal(policy_check_required(&pol, &f, values, errors, why), 3);
	assert_non_null(errors[RF_CASE_NUMBER]);
	assert_ptr_equal(why[RF_CASE_NUMBER], &rules[I_REQ_FED]);
	assert_null(errors[RF_SQUADS]);

	/* A field already in error (from validation) is not counted again,
	 * and names no rule: the rule is not why it is wrong. */
	memset(errors, 0, sizeof(errors));
	memset(why, 0, sizeof(why));
	errors[RF_NATURE] = "is too long.";
	f.kind = KIND_FEDERAL_EMERGENCY;
	assert_int_equal(policy_check_required(&pol, &f, values, errors, why), 1);
	assert_string_equal(errors[RF_NATURE], "is too long.");
	assert_null(why[RF_NATURE]);
	assert_non_null(errors[RF_LOCATION]);

	/* A field the form found empty (field_required_message) still names
	 * the rule, and is not counted twice. */
	memset(errors, 0, sizeof(errors));
	memset(why, 0, sizeof(why));
	errors[RF_NATURE] = field_required_message;
	assert_int_equal(policy_check_required(&pol, &f, values, errors, why), 1);
	assert_ptr_equal(why[RF_NATURE], &rules[I_REQ_ALL]);
}

static void
test_uses_field(void **state)
{
	(void)state;
	/* Fields a rule requires, for its kinds only. */
	assert_true(policy_uses_field(&pol, KIND_AID_OUTGOING, RF_NATURE));
	assert_true(policy_uses_field(&pol, KIND_FEDERAL_INVESTIGATIVE, RF_CASE_NUMBER));
	assert_false(policy_uses_field(&pol, KIND_FEDERAL_EMERGENCY, RF_CASE_NUMBER));
	/* any_of fields. */
	assert_true(policy_uses_field(&pol, KIND_AID_INCOMING, RF_EQUIPMENT));
	assert_false(policy_uses_field(&pol, KIND_AID_OUTGOING, RF_EQUIPMENT));
	/* A field a rule matches on: the bureau of approve_beyond. */
	assert_true(policy_uses_field(&pol, KIND_AID_INCOMING, RF_BUREAU));
	assert_false(policy_uses_field(&pol, KIND_AID_INTERNAL, RF_BUREAU));
	/* A field a condition reads: within_city (dispatch_out and
	 * dispatch_city); the district, required within the city. */
	assert_true(policy_uses_field(&pol, KIND_AID_INCOMING, RF_WITHIN_CITY));
	assert_true(policy_uses_field(&pol, KIND_AID_INTERNAL, RF_WITHIN_CITY));
	assert_false(policy_uses_field(&pol, KIND_AID_OUTGOING, RF_WITHIN_CITY));
	assert_true(policy_uses_field(&pol, KIND_AID_INCOMING, RF_DISTRICT));
	assert_false(policy_uses_field(&pol, KIND_AID_OUTGOING, RF_DISTRICT));
	/* Conditions of rules of every kind (notify_emerg, notify_phone). */
	assert_true(policy_uses_field(&pol, KIND_FEDERAL_INCOMING, RF_EMERGENCY));
	assert_true(policy_uses_field(&pol, KIND_FEDERAL_INCOMING, RF_CHANNEL));
	assert_true(policy_uses_field(&pol, KIND_FEDERAL_INCOMING, RF_SPECIAL_UNITS));
	/* No rule reads it. */
	assert_false(policy_uses_field(&pol, KIND_AID_INCOMING, RF_INSTRUCTIONS));
	assert_false(policy_uses_field(&pol, KIND_AID_INCOMING, RF_REQUESTING_AGENCY_TYPE));
}

/* Each condition names the field it reads (a form asks it only where a
 * rule needs it); units_out reads none. */
static void
test_uses_field_of_each_condition(void **state)
{
	static const int field_of[COND__MAX] = {
		[COND_EMERGENCY] = RF_EMERGENCY, [COND_ROUTINE] = RF_EMERGENCY,
		[COND_SPECIAL_UNIT] = RF_SPECIAL_UNITS, [COND_PHONE] = RF_CHANNEL,
		[COND_BEYOND_ONE_SQUAD] = RF_SQUADS, [COND_BEYOND_CAP] = RF_SQUADS,
		[COND_FEDERAL] = RF_REQUESTING_AGENCY_TYPE, [COND_FEDERAL_PARTY] = RF_REQUESTING_AGENCY_TYPE,
		[COND_WITHIN_CITY] = RF_WITHIN_CITY, [COND_OUTSIDE_CITY] = RF_WITHIN_CITY,
		[COND_UNITS_OUT] = -1,
	};
	int c, f;

	(void)state;
	for (c = 0; c < COND__MAX; c++) {
		struct rule one = when((enum rule_condition)c);
		struct policy p;

		memset(&p, 0, sizeof(p));
		p.rules = &one;
		p.n = 1;
		for (f = 0; f < RF__MAX; f++)
			assert_int_equal(policy_uses_field(&p, KIND_AID_INCOMING, (enum request_field)f),
			    f == field_of[c]);
		one.enabled = false;
		if (field_of[c] >= 0)
			assert_false(policy_uses_field(&p, KIND_AID_INCOMING, (enum request_field)field_of[c]));
	}
}

/* ---------------------------------------------------------------------------
 * The first rule in force wins; events; recipients.
 */

static void
test_rule_for_first_rule_wins(void **state)
{
	struct request_facts f = facts(KIND_AID_INCOMING);

	(void)state;
	/* No notify rule holds for a quiet aid_incoming request. */
	assert_null(policy_rule_for(&pol, EFFECT_NOTIFY, &f));
	f.by_phone = true;
	assert_ptr_equal(policy_rule_for(&pol, EFFECT_NOTIFY, &f), &rules[I_NOTIFY_PHONE]);
	f.emergency = true;	/* the first rule that holds, in order */
	assert_ptr_equal(policy_rule_for(&pol, EFFECT_NOTIFY, &f), &rules[I_NOTIFY_EMERG]);
	f.emergency = false;
	f.special_units = SU_SWAT;
	assert_ptr_equal(policy_rule_for(&pol, EFFECT_NOTIFY, &f), &rules[I_NOTIFY_UNIT]);

	/* aid_outgoing has an unconditional notify rule. */
	f = facts(KIND_AID_OUTGOING);
	assert_ptr_equal(policy_rule_for(&pol, EFFECT_NOTIFY, &f), &rules[I_NOTIFY_ALWAYS]);

	/* Approval beyond one squad, only for aid_incoming; the switched-off
	 * approval of everything never answers. */
	f = facts(KIND_AID_INCOMING);
	f.squads = 1;
	assert_null(policy_rule_for(&pol, EFFECT_APPROVE, &f));
	f.squads = 3;
	assert_ptr_equal(policy_rule_for(&pol, EFFECT_APPROVE, &f), &rules[I_APPROVE_BEYOND]);
	assert_ptr_equal(policy_rule_for(&pol, EFFECT_CAP, &f), &rules[I_CAP]);
	f.kind = KIND_AID_INTERNAL;
	assert_null(policy_rule_for(&pol, EFFECT_APPROVE, &f));
	assert_null(policy_rule_for(&pol, EFFECT_CHECKIN, &f));
}

static void
test_event_rule(void **state)
{
	struct request_facts f = facts(KIND_AID_INCOMING);

	(void)state;
	/* Only notify rules of that event. */
	assert_null(policy_event_rule(&pol, EVENT_FILED, &f));
	f.emergency = true;
	assert_ptr_equal(policy_event_rule(&pol, EVENT_FILED, &f), &rules[I_NOTIFY_EMERG]);
	assert_null(policy_event_rule(&pol, EVENT_DISPATCHED, &f));
	assert_null(policy_event_rule(&pol, EVENT_NONE, &f));
	f.emergency = false;
	f.by_phone = true;
	assert_ptr_equal(policy_event_rule(&pol, EVENT_FILED, &f), &rules[I_NOTIFY_PHONE]);

	/* Whoever sent units hears of a denial while units are out; the
	 * switched-off rule of the same event never answers. */
	f = facts(KIND_FEDERAL_INCOMING);
	assert_null(policy_event_rule(&pol, EVENT_DENIED, &f));
	f.units_out = true;
	assert_ptr_equal(policy_event_rule(&pol, EVENT_DENIED, &f), &rules[I_NOTIFY_SENDERS]);
	assert_int_equal(policy_event_rule(&pol, EVENT_DENIED, &f)->recipients, RECIPIENTS_SENDERS);
	assert_int_equal(policy_event_rule(&pol, EVENT_DENIED, &f)->recipient, -1);
}

static void
test_recipient_sets(void **state)
{
	(void)state;
	assert_string_equal(recipient_set_choices[RECIPIENTS_ROLE].id, "");
	assert_string_equal(recipient_set_choices[RECIPIENTS_SENDERS].id, "senders");
	assert_string_equal(recipient_set_choices[RECIPIENTS_FILER].id, "filer");
	assert_int_equal(choice_find_n(recipient_set_choices, RECIPIENTS__MAX, "filer"), RECIPIENTS_FILER);
	assert_int_equal(choice_find_n(recipient_set_choices, RECIPIENTS__MAX, "senders"),
	    RECIPIENTS_SENDERS);
	assert_int_equal(choice_find_n(recipient_set_choices, RECIPIENTS__MAX, "chief"), -1);
	assert_true(recipient_set_choices[RECIPIENTS_SENDERS].label[0] != '\0');
	assert_true(recipient_set_choices[RECIPIENTS_FILER].label[0] != '\0');
}

static void
test_find(void **state)
{
	(void)state;
	assert_ptr_equal(policy_find(&pol, "cap"), &rules[I_CAP]);
	assert_ptr_equal(policy_find(&pol, "file_aid_in"), &rules[I_FILE_AID_IN]);
	/* A switched-off rule is still found: it can be shown as off. */
	assert_ptr_equal(policy_find(&pol, "approve_off"), &rules[I_APPROVE_OFF]);
	assert_null(policy_find(&pol, "nope"));
	assert_null(policy_find(&pol, ""));
	assert_null(policy_find(&pol, "CAP"));
}

static void
test_bureaus_and_districts(void **state)
{
	struct policy p;
	char b1[] = "Patrol Bureau", d1[] = "District 1", d2[] = "District 7";

	(void)state;
	memset(&p, 0, sizeof(p));
	assert_false(policy_has_bureau(&p, "Patrol Bureau"));
	assert_false(policy_has_district(&p, NULL));
	p.bureaus[0] = b1;
	p.nbureaus = 1;
	p.districts[0] = d1;
	p.districts[1] = d2;
	p.ndistricts = 2;
	assert_true(policy_has_bureau(&p, "Patrol Bureau"));
	assert_false(policy_has_bureau(&p, "patrol bureau"));	/* exactly as listed */
	assert_false(policy_has_bureau(&p, "Patrol"));
	assert_false(policy_has_bureau(&p, "District 1"));
	assert_false(policy_has_bureau(&p, NULL));
	assert_true(policy_has_district(&p, "District 7"));
	assert_false(policy_has_district(&p, "District 2"));
	assert_false(policy_has_district(&p, "Patrol Bureau"));
}

/* ---------------------------------------------------------------------------
 * The facts of a request.
 */

static void
test_facts_from_values(void **state)
{
	char *v[RF__MAX] = { 0 };
	struct request_facts f;

	(void)state;
	request_facts_from_values(KIND_AID_INCOMING, v, &f);
	assert_int_equal(f.kind, KIND_AID_INCOMING);
	assert_false(f.emergency);
	assert_false(f.by_phone);
	assert_false(f.federal_party);
	assert_int_equal(f.within_city, -1);	/* not said */
	assert_int_equal(f.squads, 0);
	assert_int_equal(f.special_units, 0);
	assert_null(f.bureau);
	assert_false(f.units_out);

	v[RF_EMERGENCY] = (char *)"yes";
	v[RF_CHANNEL] = (char *)"phone";
	v[RF_REQUESTING_AGENCY_TYPE] = (char *)"federal";
	v[RF_WITHIN_CITY] = (char *)"no";
	v[RF_SQUADS] = (char *)"3";
	v[RF_SUPERVISORS] = (char *)"1";
	v[RF_SPECIAL_UNITS] = (char *)"{swat,k9}";
	v[RF_BUREAU] = (char *)"Patrol Bureau";
	v[RF_DISTRICT] = (char *)"District 4";
	request_facts_from_values(KIND_AID_INCOMING, v, &f);
	assert_true(f.emergency);
	assert_true(f.by_phone);
	assert_true(f.federal_party);
	assert_int_equal(f.within_city, 0);
	assert_int_equal(f.squads, 3);
	assert_int_equal(f.supervisors, 1);
	assert_int_equal(f.special_units, SU_SWAT | SU_K9);
	assert_string_equal(f.bureau, "Patrol Bureau");
	assert_string_equal(f.district, "District 4");

	v[RF_WITHIN_CITY] = (char *)"yes";
	v[RF_EMERGENCY] = (char *)"no";
	v[RF_CHANNEL] = (char *)"teletype";
	v[RF_REQUESTING_AGENCY_TYPE] = (char *)"county";
	request_facts_from_values(KIND_FEDERAL_INCOMING, v, &f);
	assert_int_equal(f.within_city, 1);
	assert_false(f.emergency);
	assert_false(f.by_phone);
	assert_false(f.federal_party);

	/* Aid between districts is within the city by its nature, whatever
	 * was typed. */
	v[RF_WITHIN_CITY] = (char *)"no";
	request_facts_from_values(KIND_AID_INTERNAL, v, &f);
	assert_int_equal(f.within_city, 1);
	v[RF_WITHIN_CITY] = NULL;
	request_facts_from_values(KIND_AID_INTERNAL, v, &f);
	assert_int_equal(f.within_city, 1);
	request_facts_from_values(KIND_AID_OUTGOING, v, &f);
	assert_int_equal(f.within_city, -1);
}

/* A result with the request columns policy.c reads, built without a
 * database (libpq makes results by hand). NULL values are SQL NULLs. */
static PGresult *
request_row(const char *const cols[], const char *const vals[], int n)
{
	PGresAttDesc attrs[20];
	PGresult *res = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
	int i;

	assert_non_null(res);
	assert_true(n <= 20);
	memset(attrs, 0, sizeof(attrs));
	for (i = 0; i < n; i++) {
		attrs[i].name = (char *)cols[i];
		attrs[i].typid = 25;	/* text */
		attrs[i].typlen = -1;
		attrs[i].atttypmod = -1;
	}
	assert_true(PQsetResultAttrs(res, n, attrs));
	for (i = 0; i < n; i++)
		assert_true(PQsetvalue(res, 0, i, (char *)vals[i], vals[i] ? (int)strlen(vals[i]) : -1));
	return res;
}

enum { C_KIND, C_EMERG, C_CHANNEL, C_SQUADS, C_SUPS, C_UNITS, C_BUREAU, C_DISTRICT, C_PARTY,
	C_WITHIN, C_A_SQUADS, C_A_SUPS, C_A_UNITS, C__N };

static const char *const columns[C__N] = {
	"kind", "emergency", "channel", "squads", "supervisors", "special_units", "bureau", "district",
	"requesting_agency_type", "within_city", "assessed_squads", "assessed_supervisors",
	"assessed_special_units",
};

static void
test_facts_from_row(void **state)
{
	const char *vals[C__N] = {
		"aid_incoming", "t", "phone", "2", "1", "{swat}", "Patrol Bureau", NULL,
		"federal", "f", NULL, NULL, NULL,
	};
	struct request_facts f;
	PGresult *res;

	(void)state;
	res = request_row(columns, vals, C__N);
	request_facts_from_row(res, 0, &f);
	assert_int_equal(f.kind, KIND_AID_INCOMING);
	assert_true(f.emergency);
	assert_true(f.by_phone);
	assert_true(f.federal_party);
	assert_int_equal(f.within_city, 0);
	assert_int_equal(f.squads, 2);
	assert_int_equal(f.supervisors, 1);
	assert_int_equal(f.special_units, SU_SWAT);
	assert_string_equal(f.bureau, "Patrol Bureau");
	assert_null(f.district);
	assert_false(f.units_out);
	PQclear(res);

	/* SOP 230.10 C.3.c: once there is an assessment, it is what is asked. */
	vals[C_WITHIN] = "t";
	vals[C_A_SQUADS] = "5";
	vals[C_A_SUPS] = "2";
	vals[C_A_UNITS] = "{k9}";
	vals[C_EMERG] = "f";
	vals[C_CHANNEL] = "portal";
	vals[C_PARTY] = "county";
	res = request_row(columns, vals, C__N);
	request_facts_from_row(res, 0, &f);
	assert_int_equal(f.within_city, 1);
	assert_int_equal(f.squads, 5);
	assert_int_equal(f.supervisors, 2);
	assert_int_equal(f.special_units, SU_K9);
	assert_false(f.emergency);
	assert_false(f.by_phone);
	assert_false(f.federal_party);
	PQclear(res);

	/* Where it is not said: -1; aid between districts: within. */
	vals[C_WITHIN] = NULL;
	res = request_row(columns, vals, C__N);
	request_facts_from_row(res, 0, &f);
	assert_int_equal(f.within_city, -1);
	PQclear(res);
	vals[C_KIND] = "aid_internal";
	vals[C_WITHIN] = "f";
	res = request_row(columns, vals, C__N);
	request_facts_from_row(res, 0, &f);
	assert_int_equal(f.kind, KIND_AID_INTERNAL);
	assert_int_equal(f.within_city, 1);
	PQclear(res);
}

/* ---------------------------------------------------------------------------
 * Lists.
 */

static void
test_parse_id_array(void **state)
{
	uint32_t mask = 0xdead;

	(void)state;
	assert_int_equal(parse_id_array("{swat,k9}", special_unit_choices, 0, &mask), 2);
	assert_int_equal(mask, SU_SWAT | SU_K9);
	assert_int_equal(parse_id_array("{investigators}", special_unit_choices, 0, &mask), 1);
	assert_int_equal(mask, 1u << 8);
	assert_int_equal(parse_id_array("{}", special_unit_choices, 0, &mask), 0);
	assert_int_equal(mask, 0);
	mask = 0xdead;
	assert_int_equal(parse_id_array(NULL, special_unit_choices, 0, &mask), 0);
	assert_int_equal(mask, 0);
	assert_int_equal(parse_id_array("{swat,tanks}", special_unit_choices, 0, &mask), -1);
	assert_int_equal(parse_id_array("{SWAT}", special_unit_choices, 0, &mask), -1);
	assert_int_equal(parse_id_array("swat", special_unit_choices, 0, &mask), -1);
	assert_int_equal(parse_id_array("", special_unit_choices, 0, &mask), -1);
	assert_int_equal(parse_id_array("{swat,,k9}", special_unit_choices, 0, &mask), -1);
	assert_int_equal(parse_id_array("{,}", special_unit_choices, 0, &mask), -1);

	/* Lists of n entries (the enum-indexed ones). */
	assert_int_equal(parse_id_array("{agency,chief}", role_choices, ROLE__MAX, &mask), 2);
	assert_int_equal(mask, R(ROLE_AGENCY) | R(ROLE_CHIEF));
	assert_int_equal(parse_id_array("{aid_incoming,federal_incoming}", kind_choices,
	    KIND__MAX, &mask), 2);
	assert_int_equal(mask, K(KIND_AID_INCOMING) | K(KIND_FEDERAL_INCOMING));
	assert_int_equal(parse_id_array("{sheriff}", role_choices, ROLE__MAX, &mask), -1);
	/* Duplicates count twice but set one bit. */
	assert_int_equal(parse_id_array("{chief,chief}", role_choices, ROLE__MAX, &mask), 2);
	assert_int_equal(mask, R(ROLE_CHIEF));
}

static void
test_special_units_mask(void **state)
{
	(void)state;
	assert_int_equal(special_units_mask("{swat}"), SU_SWAT);
	assert_int_equal(special_units_mask("{negotiator,bomb,dive}"),
	    (1u << 1) | (1u << 2) | (1u << 5));
	assert_int_equal(special_units_mask("{}"), 0);
	assert_int_equal(special_units_mask(NULL), 0);
	assert_int_equal(special_units_mask("{swat,unknown}"), 0);
	assert_int_equal(special_units_mask("garbage"), 0);
}

static void
test_choice_tables(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < EFFECT__MAX; i++)
		assert_non_null(effect_choices[i].id);
	for (i = 0; i < EVENT__MAX; i++)
		assert_non_null(event_choices[i].id);
	for (i = 0; i < RECIPIENTS__MAX; i++)
		assert_non_null(recipient_set_choices[i].id);
	assert_int_equal(choice_find_n(effect_choices, EFFECT__MAX, "require"), EFFECT_REQUIRE);
	assert_int_equal(choice_find_n(effect_choices, EFFECT__MAX, "separate"), EFFECT_SEPARATE);
	assert_int_equal(choice_find_n(effect_choices, EFFECT__MAX, "assess"), EFFECT_ASSESS);
	assert_int_equal(choice_find_n(effect_choices, EFFECT__MAX, "close"), EFFECT_CLOSE);
	assert_int_equal(choice_find_n(event_choices, EVENT__MAX, "followup_overdue"),
	    EVENT_FOLLOWUP_OVERDUE);
	/* EVENT_NONE is no event a file can name. */
	assert_string_equal(event_choices[EVENT_NONE].id, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_may_file),
		cmocka_unit_test(test_may_file_any_rule_opens),
		cmocka_unit_test(test_may_file_empty_policy),
		cmocka_unit_test(test_actor_may),
		cmocka_unit_test(test_actor_may_any_rule_in_force),
		cmocka_unit_test(test_actor_may_clause_and_addition),
		cmocka_unit_test(test_rule_applies_to),
		cmocka_unit_test(test_condition_emergency),
		cmocka_unit_test(test_condition_routine),
		cmocka_unit_test(test_condition_special_unit),
		cmocka_unit_test(test_condition_phone),
		cmocka_unit_test(test_condition_beyond_one_squad),
		cmocka_unit_test(test_condition_beyond_cap),
		cmocka_unit_test(test_condition_federal),
		cmocka_unit_test(test_condition_federal_party),
		cmocka_unit_test(test_condition_within_city),
		cmocka_unit_test(test_condition_outside_city),
		cmocka_unit_test(test_condition_units_out),
		cmocka_unit_test(test_condition_names),
		cmocka_unit_test(test_conditions_all_must_hold),
		cmocka_unit_test(test_rule_in_force),
		cmocka_unit_test(test_disabled_rule_never_applies),
		cmocka_unit_test(test_check_required),
		cmocka_unit_test(test_check_required_under_conditions),
		cmocka_unit_test(test_check_required_kinds_and_existing_errors),
		cmocka_unit_test(test_uses_field),
		cmocka_unit_test(test_uses_field_of_each_condition),
		cmocka_unit_test(test_rule_for_first_rule_wins),
		cmocka_unit_test(test_event_rule),
		cmocka_unit_test(test_recipient_sets),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_bureaus_and_districts),
		cmocka_unit_test(test_facts_from_values),
		cmocka_unit_test(test_facts_from_row),
		cmocka_unit_test(test_parse_id_array),
		cmocka_unit_test(test_special_units_mask),
		cmocka_unit_test(test_choice_tables),
	};

	return cmocka_run_group_tests_name("policy", tests, setup, NULL);
}

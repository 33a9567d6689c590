/* Unit tests of policy.c: the rules engine, with rules built by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "domain.h"
#include "policy.h"
#include "request_form.h"

#define K(k)  ((uint32_t)1 << (k))
#define R(r)  ((uint32_t)1 << (r))
#define F(f)  ((uint64_t)1 << (f))

enum {
	I_FILE_AID_IN, I_FILE_FED, I_REQ_ALL, I_REQ_FED, I_REQ_RES,
	I_NOTIFY_EMERG, I_NOTIFY_UNIT, I_NOTIFY_PHONE, I_CAP, I_APPROVE_BEYOND,
	I_NOTIFY_ALWAYS, I_DISPATCH, I_EXCEPTION, I__N
};

static struct rule rules[I__N];
static struct policy pol;

static struct rule
rule(const char *id, enum rule_effect effect, uint32_t kinds, uint32_t actors)
{
	struct rule r;

	memset(&r, 0, sizeof(r));
	snprintf(r.id, sizeof(r.id), "%s", id);
	snprintf(r.clause, sizeof(r.clause), "Clause %s", id);
	r.effect = effect;
	r.kinds = kinds;
	r.actors = actors;
	r.recipient = -1;
	r.fallback = -1;
	r.condition = COND_ALWAYS;
	r.cap_squads = r.cap_supervisors = r.cap_special_units = -1;
	r.interval_minutes = -1;
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
	rules[I_REQ_ALL] = rule("req_all", EFFECT_REQUIRE, 0, 0);
	rules[I_REQ_ALL].fields = F(RF_NATURE) | F(RF_LOCATION);
	rules[I_REQ_FED] = rule("req_fed", EFFECT_REQUIRE, K(KIND_FEDERAL_INVESTIGATIVE), 0);
	rules[I_REQ_FED].fields = F(RF_CASE_NUMBER);
	rules[I_REQ_RES] = rule("req_res", EFFECT_REQUIRE, K(KIND_AID_INCOMING), 0);
	rules[I_REQ_RES].any_of = F(RF_SQUADS) | F(RF_SUPERVISORS) | F(RF_PERSONNEL) |
	    F(RF_SPECIAL_UNITS) | F(RF_EQUIPMENT);
	rules[I_NOTIFY_EMERG] = rule("notify_emerg", EFFECT_NOTIFY, 0, 0);
	rules[I_NOTIFY_EMERG].condition = COND_EMERGENCY;
	rules[I_NOTIFY_EMERG].recipient = ROLE_WATCH_COMMANDER;
	rules[I_NOTIFY_UNIT] = rule("notify_unit", EFFECT_NOTIFY, 0, 0);
	rules[I_NOTIFY_UNIT].condition = COND_SPECIAL_UNIT;
	rules[I_NOTIFY_PHONE] = rule("notify_phone", EFFECT_NOTIFY, 0, 0);
	rules[I_NOTIFY_PHONE].condition = COND_PHONE;
	rules[I_CAP] = rule("cap", EFFECT_CAP, K(KIND_AID_INCOMING), R(ROLE_SUPERVISOR));
	rules[I_CAP].condition = COND_BEYOND_CAP;
	rules[I_CAP].cap_squads = 2;
	rules[I_CAP].cap_supervisors = 1;
	rules[I_CAP].cap_special_units = 1;
	rules[I_APPROVE_BEYOND] = rule("approve_beyond", EFFECT_APPROVE, K(KIND_AID_INCOMING),
	    R(ROLE_BUREAU_CHIEF));
	rules[I_APPROVE_BEYOND].condition = COND_BEYOND_ONE_SQUAD;
	rules[I_NOTIFY_ALWAYS] = rule("notify_always", EFFECT_NOTIFY, K(KIND_AID_OUTGOING), 0);
	rules[I_DISPATCH] = rule("dispatch", EFFECT_DISPATCH, 0,
	    R(ROLE_DISPATCHER) | R(ROLE_DISPATCH_SUPERVISOR));
	rules[I_EXCEPTION] = rule("exception", EFFECT_EXCEPTION, K(KIND_AID_INCOMING), R(ROLE_CHIEF));
	memset(&pol, 0, sizeof(pol));
	snprintf(pol.preset, sizeof(pol.preset), "test");
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
	return f;
}

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

	/* A kind no file rule names: closed, no rule to blame. */
	why = &rules[0];
	assert_false(policy_may_file(&pol, ROLE_ADMIN, KIND_AID_INTERNAL, &why));
	assert_null(why);
	why = &rules[0];
	assert_false(policy_may_file(&pol, ROLE_SUPERVISOR, KIND_FEDERAL_INCOMING, &why));
	assert_null(why);
}

static void
test_may_file_empty_policy(void **state)
{
	struct policy empty;
	const struct rule *why = rules;

	(void)state;
	memset(&empty, 0, sizeof(empty));
	assert_false(policy_may_file(&empty, ROLE_CHIEF, KIND_AID_INCOMING, &why));
	assert_null(why);
	assert_null(policy_find(&empty, "file_aid_in"));
}

static void
test_actor_may(void **state)
{
	const struct rule *why = NULL;

	(void)state;
	/* kinds == 0: every kind. */
	assert_true(policy_actor_may(&pol, EFFECT_DISPATCH, ROLE_DISPATCHER, KIND_AID_INTERNAL, &why));
	assert_ptr_equal(why, &rules[I_DISPATCH]);
	assert_true(policy_actor_may(&pol, EFFECT_DISPATCH, ROLE_DISPATCH_SUPERVISOR,
	    KIND_FEDERAL_INCOMING, &why));
	assert_false(policy_actor_may(&pol, EFFECT_DISPATCH, ROLE_OFFICER, KIND_AID_INCOMING, &why));
	assert_ptr_equal(why, &rules[I_DISPATCH]);

	assert_true(policy_actor_may(&pol, EFFECT_EXCEPTION, ROLE_CHIEF, KIND_AID_INCOMING, &why));
	assert_ptr_equal(why, &rules[I_EXCEPTION]);
	assert_false(policy_actor_may(&pol, EFFECT_EXCEPTION, ROLE_ADMIN, KIND_AID_INCOMING, &why));
	assert_ptr_equal(why, &rules[I_EXCEPTION]);
	/* The exception rule does not apply to this kind. */
	assert_false(policy_actor_may(&pol, EFFECT_EXCEPTION, ROLE_CHIEF, KIND_AID_OUTGOING, &why));
	assert_null(why);

	assert_true(policy_actor_may(&pol, EFFECT_CAP, ROLE_SUPERVISOR, KIND_AID_INCOMING, &why));
	assert_ptr_equal(why, &rules[I_CAP]);
	/* No rule of the effect at all. */
	assert_false(policy_actor_may(&pol, EFFECT_UNITS, ROLE_CHIEF, KIND_AID_INCOMING, &why));
	assert_null(why);
}

static void
test_rule_applies_to(void **state)
{
	int k;

	(void)state;
	for (k = 0; k < KIND__MAX; k++) {
		assert_true(rule_applies_to(&rules[I_REQ_ALL], (enum request_kind)k));
		assert_true(rule_applies_to(&rules[I_DISPATCH], (enum request_kind)k));
		assert_int_equal(rule_applies_to(&rules[I_FILE_AID_IN], (enum request_kind)k),
		    k == KIND_AID_INCOMING);
		assert_int_equal(rule_applies_to(&rules[I_FILE_FED], (enum request_kind)k),
		    k == KIND_FEDERAL_INVESTIGATIVE || k == KIND_FEDERAL_EMERGENCY);
	}
}

static void
test_conditions(void **state)
{
	struct request_facts f = facts(KIND_AID_INCOMING);
	struct rule r = rule("c", EFFECT_NOTIFY, 0, 0);

	(void)state;
	r.condition = COND_ALWAYS;
	assert_true(rule_condition_holds(&r, &f));

	r.condition = COND_EMERGENCY;
	assert_false(rule_condition_holds(&r, &f));
	f.emergency = true;
	assert_true(rule_condition_holds(&r, &f));
	f.emergency = false;

	r.condition = COND_SPECIAL_UNIT;
	assert_false(rule_condition_holds(&r, &f));
	f.special_units = 1u << 3;
	assert_true(rule_condition_holds(&r, &f));
	f.special_units = 0;

	r.condition = COND_PHONE;
	assert_false(rule_condition_holds(&r, &f));
	f.by_phone = true;
	assert_true(rule_condition_holds(&r, &f));
	f.by_phone = false;

	r.condition = COND_BEYOND_ONE_SQUAD;
	f.squads = 0;
	assert_false(rule_condition_holds(&r, &f));
	f.squads = 1;
	assert_false(rule_condition_holds(&r, &f));
	f.supervisors = 5;	/* supervisors do not count here */
	assert_false(rule_condition_holds(&r, &f));
	f.squads = 2;
	assert_true(rule_condition_holds(&r, &f));
	f.squads = 1;
	f.special_units = 1u << 0;	/* any specialized unit */
	assert_true(rule_condition_holds(&r, &f));
	f.squads = 0;
	assert_true(rule_condition_holds(&r, &f));

	r.condition = (enum rule_condition)COND__MAX;
	assert_false(rule_condition_holds(&r, &f));
}

static void
test_beyond_cap(void **state)
{
	const struct rule *cap = &rules[I_CAP];	/* 2 squads, 1 supervisor, 1 unit */
	struct request_facts f = facts(KIND_AID_INCOMING);
	struct rule nocap = rule("nocap", EFFECT_CAP, 0, 0);

	(void)state;
	assert_false(rule_condition_holds(cap, &f));
	f.squads = 2;
	f.supervisors = 1;
	f.special_units = 1u << 4;
	assert_false(rule_condition_holds(cap, &f));	/* exactly at the caps */
	f.squads = 3;
	assert_true(rule_condition_holds(cap, &f));
	f.squads = 2;
	f.supervisors = 2;
	assert_true(rule_condition_holds(cap, &f));
	f.supervisors = 1;
	f.special_units = (1u << 4) | (1u << 0);	/* two units */
	assert_true(rule_condition_holds(cap, &f));
	f.special_units = 1u << 8;
	assert_false(rule_condition_holds(cap, &f));

	/* -1: no cap on that count. */
	nocap.condition = COND_BEYOND_CAP;
	f.squads = 99;
	f.supervisors = 99;
	f.special_units = 0x1ff;
	assert_false(rule_condition_holds(&nocap, &f));
	nocap.cap_squads = 0;
	assert_true(rule_condition_holds(&nocap, &f));
}

static void
test_check_required(void **state)
{
	char *values[RF__MAX] = { 0 };
	const char *errors[RF__MAX] = { 0 };
	const struct rule *why[RF__MAX] = { 0 };
	size_t missing;
	int f;

	(void)state;
	/* Nothing given, aid_incoming: nature and location (req_all) and the
	 * five fields of the any_of group (req_res). */
	missing = policy_check_required(&pol, KIND_AID_INCOMING, values, errors, why);
	assert_int_equal(missing, 7);
	assert_string_equal(errors[RF_NATURE], "is required.");
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
	assert_null(errors[RF_BUREAU]);

	/* All given but the group satisfied by squads = "2". */
	memset(errors, 0, sizeof(errors));
	memset(why, 0, sizeof(why));
	values[RF_NATURE] = (char *)"Riot";
	values[RF_LOCATION] = (char *)"Main St";
	values[RF_SQUADS] = (char *)"2";
	assert_int_equal(policy_check_required(&pol, KIND_AID_INCOMING, values, errors, why), 0);
	for (f = 0; f < RF__MAX; f++) {
		assert_null(errors[f]);
		assert_null(why[f]);
	}

	/* "0" squads does not state a need. */
	values[RF_SQUADS] = (char *)"0";
	values[RF_PERSONNEL] = (char *)"0";
	assert_int_equal(policy_check_required(&pol, KIND_AID_INCOMING, values, errors, why), 5);
	assert_non_null(errors[RF_SQUADS]);
	assert_non_null(errors[RF_PERSONNEL]);
	assert_ptr_equal(why[RF_SQUADS], &rules[I_REQ_RES]);
	assert_null(errors[RF_NATURE]);

	/* Equipment alone satisfies the group. */
	memset(errors, 0, sizeof(errors));
	memset(why, 0, sizeof(why));
	values[RF_EQUIPMENT] = (char *)"Barricades";
	assert_int_equal(policy_check_required(&pol, KIND_AID_INCOMING, values, errors, why), 0);
	values[RF_EQUIPMENT] = NULL;
	values[RF_SPECIAL_UNITS] = (char *)"{k9}";
	assert_int_equal(policy_check_required(&pol, KIND_AID_INCOMING, values, errors, why), 0);
	values[RF_SPECIAL_UNITS] = (char *)"";
	assert_int_equal(policy_check_required(&pol, KIND_AID_INCOMING, values, errors, why), 5);
}

static void
test_check_required_kinds_and_existing_errors(void **state)
{
	char *values[RF__MAX] = { 0 };
	const char *errors[RF__MAX] = { 0 };
	const struct rule *why[RF__MAX] = { 0 };

	(void)state;
	/* federal_investigative: nature, location, case number; no group. */
	assert_int_equal(policy_check_required(&pol, KIND_FEDERAL_INVESTIGATIVE, values,
	    errors, why), 3);
	assert_non_null(errors[RF_CASE_NUMBER]);
	assert_ptr_equal(why[RF_CASE_NUMBER], &rules[I_REQ_FED]);
	assert_null(errors[RF_SQUADS]);

	/* A field already in error (from validation) is not counted again. */
	memset(errors, 0, sizeof(errors));
	memset(why, 0, sizeof(why));
	errors[RF_NATURE] = "is too long.";
	assert_int_equal(policy_check_required(&pol, KIND_FEDERAL_EMERGENCY, values, errors, why), 1);
	assert_string_equal(errors[RF_NATURE], "is too long.");
	assert_null(why[RF_NATURE]);
	assert_non_null(errors[RF_LOCATION]);
}

static void
test_rule_for(void **state)
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
	f.special_units = 1;
	assert_ptr_equal(policy_rule_for(&pol, EFFECT_NOTIFY, &f), &rules[I_NOTIFY_UNIT]);

	/* aid_outgoing has an unconditional notify rule. */
	f = facts(KIND_AID_OUTGOING);
	assert_ptr_equal(policy_rule_for(&pol, EFFECT_NOTIFY, &f), &rules[I_NOTIFY_ALWAYS]);

	/* Approval beyond one squad, only for aid_incoming. */
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
test_find(void **state)
{
	(void)state;
	assert_ptr_equal(policy_find(&pol, "cap"), &rules[I_CAP]);
	assert_ptr_equal(policy_find(&pol, "file_aid_in"), &rules[I_FILE_AID_IN]);
	assert_null(policy_find(&pol, "nope"));
	assert_null(policy_find(&pol, ""));
}

static void
test_parse_id_array(void **state)
{
	uint32_t mask = 0xdead;

	(void)state;
	assert_int_equal(parse_id_array("{swat,k9}", special_unit_choices, 0, &mask), 2);
	assert_int_equal(mask, (1u << 0) | (1u << 3));
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
	assert_int_equal(special_units_mask("{swat}"), 1u << 0);
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
	for (i = 0; i < COND__MAX; i++)
		assert_non_null(condition_choices[i].id);
	assert_int_equal(choice_find_n(condition_choices, COND__MAX, "beyond_cap"), COND_BEYOND_CAP);
	assert_int_equal(choice_find_n(effect_choices, EFFECT__MAX, "require"), EFFECT_REQUIRE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_may_file),
		cmocka_unit_test(test_may_file_empty_policy),
		cmocka_unit_test(test_actor_may),
		cmocka_unit_test(test_rule_applies_to),
		cmocka_unit_test(test_conditions),
		cmocka_unit_test(test_beyond_cap),
		cmocka_unit_test(test_check_required),
		cmocka_unit_test(test_check_required_kinds_and_existing_errors),
		cmocka_unit_test(test_rule_for),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_parse_id_array),
		cmocka_unit_test(test_special_units_mask),
		cmocka_unit_test(test_choice_tables),
	};

	return cmocka_run_group_tests_name("policy", tests, setup, NULL);
}

/*
 * Unit tests of policy_file.c: the parser and checker of a department's
 * policy file.
 *
 * First the real files (policies/oconomowoc.policy, policies/milwaukee.policy
 * and the made-up tests/fixtures/riverton.policy, read from the repository
 * root, where scripts/unit.sh runs the tests): they parse with no problem,
 * and say what the written policies say (who is told of what, what is
 * required where, department rules labelled as such). Then many small
 * broken files, each refused with the exact message and line the records
 * officer will read.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain.h"
#include "field.h"
#include "policy.h"
#include "policy_file.h"
#include "request_form.h"

#define OCONOMOWOC "policies/oconomowoc.policy"
#define MILWAUKEE  "policies/milwaukee.policy"
#define RIVERTON   "tests/fixtures/riverton.policy"

#define SU_SWAT (1u << 0)

/* ---------------------------------------------------------------------------
 * Helpers.
 */

static void
load(const char *path, struct policy *pol)
{
	struct policy_errors errs;
	size_t i;

	if (!policy_parse_file(path, pol, &errs, NULL)) {
		for (i = 0; i < errs.n && i < POLICY_ERRORS_MAX; i++)
			print_error("%s: %s\n", path, errs.text[i]);
		fail_msg("%s does not parse (%zu problems)", path, errs.n);
	}
	assert_int_equal(errs.n, 0);
}

static struct request_facts
facts(enum request_kind kind, int within_city)
{
	struct request_facts f;

	memset(&f, 0, sizeof(f));
	f.kind = kind;
	f.within_city = kind == KIND_AID_INTERNAL ? 1 : within_city;
	return f;
}

/* The ids of the notify rules of `event` in force for the request, in the
 * file's order, separated by spaces ("" when nobody is told). */
static const char *
told(const struct policy *pol, enum policy_event event, const struct request_facts *f)
{
	static char out[512];
	size_t i, used = 0;

	out[0] = '\0';
	for (i = 0; i < pol->n; i++) {
		const struct rule *r = &pol->rules[i];

		if (r->effect == EFFECT_NOTIFY && r->on_event == event && rule_in_force(r, f))
			used += (size_t)snprintf(out + used, sizeof(out) - used, "%s%s", used ? " " : "", r->id);
	}
	assert_true(used < sizeof(out));
	return out;
}

/* Whether an enabled rule tells the Chief of Police, by role, when the
 * request is filed. */
static bool
chief_told_on_filing(const struct policy *pol, const struct request_facts *f)
{
	size_t i;

	for (i = 0; i < pol->n; i++) {
		const struct rule *r = &pol->rules[i];

		if (r->effect == EFFECT_NOTIFY && r->on_event == EVENT_FILED &&
		    r->recipients == RECIPIENTS_ROLE && r->recipient == ROLE_CHIEF && rule_in_force(r, f))
			return true;
	}
	return false;
}

/* The fields policy_check_required() finds missing, with their rules:
 * "field:RULE field:RULE" in field order. */
static const char *
missing(const struct policy *pol, const struct request_facts *f, char *values[RF__MAX])
{
	static char out[512];
	const char *errors[RF__MAX] = { 0 };
	const struct rule *why[RF__MAX] = { 0 };
	size_t used = 0;
	int i;

	(void)policy_check_required(pol, f, values, errors, why);
	out[0] = '\0';
	for (i = 0; i < RF__MAX; i++)
		if (errors[i] != NULL)
			used += (size_t)snprintf(out + used, sizeof(out) - used, "%s%s:%s", used ? " " : "",
			    request_fields[i].name, why[i] ? why[i]->id : "-");
	assert_true(used < sizeof(out));
	return out;
}

/* ---------------------------------------------------------------------------
 * The real files.
 */

static void
test_oconomowoc_file_parses(void **state)
{
	struct policy_errors errs;
	struct policy pol;
	char *text = NULL;
	size_t i;
	FILE *f;
	long size;

	(void)state;
	assert_true(policy_parse_file(OCONOMOWOC, &pol, &errs, &text));
	assert_int_equal(errs.n, 0);
	assert_string_equal(pol.name, "oconomowoc");
	assert_string_equal(pol.department, "City of Oconomowoc Police Department");
	assert_string_equal(pol.title, "Policy 98-023, Mutual Aid (July 27, 2022)");
	assert_string_equal(pol.city, "Oconomowoc");
	assert_true(strstr(pol.desk, "Waukesha County Communications") != NULL);
	/* The desk's telephone and the acknowledgment time (department settings). */
	assert_string_equal(pol.desk_phone, "262-555-0100");
	assert_int_equal(pol.ack_minutes, 30);
	assert_int_equal(pol.n, 39);
	/* The agency that asked, and those working on a request, hear back. */
	assert_int_equal(policy_find(&pol, "O-ASKER-RECEIVED")->recipients, RECIPIENTS_ASKER);
	assert_int_equal(policy_find(&pol, "O-CANCEL-TOLD")->recipients, RECIPIENTS_WORKERS);
	assert_int_equal(pol.nbureaus, 0);
	assert_int_equal(pol.ndistricts, 0);
	for (i = 0; i < pol.n; i++) {
		assert_true(strncmp(pol.rules[i].id, "O-", 2) == 0);
		assert_non_null(pol.rules[i].summary);
		assert_true(i == 0 || pol.rules[i].line > pol.rules[i - 1].line);
	}
	/* The text handed back is the file, byte for byte (it is stored). */
	assert_non_null(text);
	f = fopen(OCONOMOWOC, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(strlen(text), (size_t)size);
	assert_true(strncmp(text, "# City of Oconomowoc", 20) == 0);
	free(text);
	policy_free(&pol);
	assert_int_equal(pol.n, 0);
	assert_null(pol.rules);
}

static void
test_milwaukee_file_parses(void **state)
{
	static const char *const districts[] = { "District 1", "District 2", "District 3",
		"District 4", "District 5", "District 6", "District 7" };
	struct policy pol;
	size_t i;

	(void)state;
	load(MILWAUKEE, &pol);
	assert_string_equal(pol.name, "milwaukee");
	assert_string_equal(pol.department, "Milwaukee Police Department");
	assert_string_equal(pol.city, "Milwaukee");
	assert_int_equal(pol.n, 51);
	assert_int_equal(pol.nbureaus, 3);
	assert_string_equal(pol.bureaus[0], "Patrol Bureau");
	assert_string_equal(pol.bureaus[1], "Criminal Investigation Bureau");
	assert_string_equal(pol.bureaus[2], "Administration Bureau");
	assert_int_equal(pol.ndistricts, 7);
	for (i = 0; i < 7; i++)
		assert_string_equal(pol.districts[i], districts[i]);
	for (i = 0; i < pol.n; i++) {
		assert_true(strncmp(pol.rules[i].id, "M-", 2) == 0);
		/* Nothing is switched off in Milwaukee. */
		assert_true(pol.rules[i].enabled);
	}
	policy_free(&pol);
}

static void
test_riverton_fixture_parses(void **state)
{
	struct policy pol;
	size_t i, department = 0;

	(void)state;
	load(RIVERTON, &pol);
	assert_string_equal(pol.name, "riverton");
	assert_string_equal(pol.department, "Riverton Police Department");
	assert_string_equal(pol.city, "Riverton");
	assert_int_equal(pol.n, 34);
	assert_int_equal(pol.nbureaus, 3);
	assert_int_equal(pol.ndistricts, 4);
	assert_true(policy_has_district(&pol, "Harbor District"));
	assert_true(policy_has_bureau(&pol, "Field Services Bureau"));
	assert_false(policy_has_district(&pol, "District 1"));
	for (i = 0; i < pol.n; i++) {
		assert_true(strncmp(pol.rules[i].id, "R-", 2) == 0);
		department += pol.rules[i].basis == BASIS_DEPARTMENT;
	}
	assert_int_equal(department, 9);
	/* A different approver from both presets: the watch commander, the
	 * Chief of Police when none is on duty. */
	assert_int_equal(policy_find(&pol, "R-APPROVE")->recipient, ROLE_WATCH_COMMANDER);
	assert_int_equal(policy_find(&pol, "R-APPROVE")->fallback, ROLE_CHIEF);
	assert_int_equal(policy_find(&pol, "R-INTERNAL-APPROVE")->match, MATCH_DISTRICT);
	assert_int_equal(policy_find(&pol, "R-CAP")->actors, 1u << ROLE_SUPERVISOR);
	assert_int_equal(policy_find(&pol, "R-CAP")->cap_special_units, 0);
	assert_int_equal(policy_find(&pol, "R-CHECKIN")->interval_minutes, 30);
	assert_string_equal(policy_find(&pol, "R-CHECKIN")->clause, "GO 12.4.6(C)");
	policy_free(&pol);
}

/* 98-023 asks for notification (§V.A) and help choosing units (§V.C), not
 * an approval: O-APPROVE is in the file, a department rule switched off,
 * and no request of any kind needs an approval. */
static void
test_O_APPROVE_present_but_switched_off(void **state)
{
	struct policy pol;
	const struct rule *r;
	int k, w;

	(void)state;
	load(OCONOMOWOC, &pol);
	r = policy_find(&pol, "O-APPROVE");
	assert_non_null(r);
	assert_false(r->enabled);
	assert_int_equal(r->basis, BASIS_DEPARTMENT);
	assert_int_equal(r->effect, EFFECT_APPROVE);
	assert_int_equal(r->recipient, ROLE_SUPERVISOR);
	assert_true(strncmp(r->clause, "Department rule: ", 17) == 0);
	for (k = 0; k < KIND__MAX; k++)
		for (w = -1; w <= 1; w++) {
			struct request_facts f = facts((enum request_kind)k, w);

			f.squads = 9;
			f.special_units = SU_SWAT;
			assert_null(policy_rule_for(&pol, EFFECT_APPROVE, &f));
			f.emergency = true;
			assert_null(policy_rule_for(&pol, EFFECT_APPROVE, &f));
		}
	/* The only rule switched off. */
	for (k = 0; k < (int)pol.n; k++)
		assert_true(pol.rules[k].enabled || &pol.rules[k] == r);
	policy_free(&pol);
}

/* The headline rule, under every policy: the chief is told, when it is
 * filed, of every federal request (a federal kind, or any request a
 * federal agency makes), and a request that is not federal is not sent
 * to the chief on filing. */
static void
test_every_federal_request_tells_the_chief_on_filing(void **state)
{
	static const char *const files[] = { OCONOMOWOC, MILWAUKEE, RIVERTON };
	size_t i;
	int k, w, party, emergency;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct policy pol;

		load(files[i], &pol);
		for (k = 0; k < KIND__MAX; k++)
			for (w = -1; w <= 1; w++)
				for (party = 0; party <= 1; party++)
					for (emergency = 0; emergency <= 1; emergency++) {
						struct request_facts f = facts((enum request_kind)k, w);
						bool federal = kind_is_federal((enum request_kind)k) || party;

						/* Only a federal agency files federal_incoming. */
						if (k == KIND_FEDERAL_INCOMING && !party)
							continue;
						f.federal_party = party;
						f.emergency = emergency;
						f.by_phone = emergency;
						if (chief_told_on_filing(&pol, &f) != federal)
							fail_msg("%s: %s (party %s, within_city %d, emergency %d): the chief "
							    "is %s told", files[i], kind_choices[k].id,
							    party ? "federal" : "not federal", w, emergency,
							    federal ? "not" : "");
					}
		policy_free(&pol);
	}
}

/* DESIGN.md: a department rule is labelled as such wherever a clause would
 * be; a clause rule cites its own policy's document, never another's. */
static void
test_department_rules_are_labelled(void **state)
{
	static const struct { const char *path, *cites; size_t department; } files[] = {
		{ OCONOMOWOC, "98-023 \xc2\xa7", 19 },
		{ MILWAUKEE, "SOP 230.10", 33 },
		{ RIVERTON, "GO 12.4", 9 },
	};
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct policy pol;
		size_t department = 0;

		load(files[i].path, &pol);
		for (j = 0; j < pol.n; j++) {
			const struct rule *r = &pol.rules[j];
			bool labelled = strncmp(r->clause, "Department rule: ", 17) == 0;

			if (r->basis == BASIS_DEPARTMENT) {
				department++;
				if (!labelled || strlen(r->clause) < 17 + 10)
					fail_msg("%s: %s is a department rule without its reason: \"%s\"",
					    files[i].path, r->id, r->clause);
			} else if (labelled || strncmp(r->clause, files[i].cites, strlen(files[i].cites)) != 0)
				fail_msg("%s: %s cites \"%s\", not a clause of its policy", files[i].path, r->id,
				    r->clause);
			/* Only a department rule may be switched off. */
			assert_true(r->enabled || r->basis == BASIS_DEPARTMENT);
		}
		assert_int_equal(department, files[i].department);
		policy_free(&pol);
	}
}

/*
 * What a policy requires, or matches an approver or recipient on, is a
 * field the form of that kind has: otherwise the request can never be
 * filed (the field is required, and neither shown nor read). SOP 230.10 D
 * requires the district of another agency's request for aid within the
 * city (M-IN-DISTRICT) and C.3.a the bureau of a federal agency's request
 * for aid outside it (M-IN-BUREAU).
 */
static void
test_M_IN_DISTRICT_M_IN_BUREAU_fields_a_policy_needs_are_on_the_form(void **state)
{
	static const char *const files[] = { OCONOMOWOC, MILWAUKEE, RIVERTON };
	size_t i, j;
	unsigned long bad = 0;
	int k, f;

	(void)state;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct policy pol;

		load(files[i], &pol);
		for (j = 0; j < pol.n; j++) {
			const struct rule *r = &pol.rules[j];
			uint64_t needs = r->fields | r->any_of;

			if (!r->enabled)
				continue;
			if (r->match == MATCH_BUREAU)
				needs |= (uint64_t)1 << RF_BUREAU;
			if (r->match == MATCH_DISTRICT)
				needs |= (uint64_t)1 << RF_DISTRICT;
			for (k = 0; k < KIND__MAX; k++)
				for (f = 0; f < RF__MAX; f++) {
					if (!rule_applies_to(r, (enum request_kind)k) || !(needs & ((uint64_t)1 << f)) ||
					    request_field_applies((enum request_field)f, (enum request_kind)k))
						continue;
					/* Aid between districts is within the city by its
					 * nature: it never asks where. */
					if (f == RF_WITHIN_CITY && k == KIND_AID_INTERNAL)
						continue;
					print_error("%s: rule %s needs \"%s\", which the %s form does not have\n",
					    files[i], r->id, request_fields[f].name, kind_choices[k].id);
					bad++;
				}
		}
		policy_free(&pol);
	}
	assert_int_equal(bad, 0);
}

/* SOP 230.10 C, D: where the aid is decides what else is asked; 98-023's
 * department rules ask a call-back number and the case. */
static void
test_M_IN_WHERE_M_IN_BUREAU_M_IN_DISTRICT_O_FED_INV_CASE_O_IN_CONTACT_required_fields(void **state)
{
	char *v[RF__MAX] = { 0 };
	struct policy m, o;
	struct request_facts f;

	(void)state;
	load(MILWAUKEE, &m);
	load(OCONOMOWOC, &o);
	f = facts(KIND_AID_INCOMING, -1);
	assert_string_equal(missing(&m, &f, v),
	    "requesting_agency:M-IN-NEEDS requester_name:M-IN-NEEDS contact_phone:M-IN-NEEDS "
	    "incident_type:M-IN-NEEDS priority:M-IN-NEEDS location:M-IN-NEEDS within_city:M-IN-WHERE");
	v[RF_REQUESTING_AGENCY] = (char *)"Waukesha County Sheriff";
	v[RF_REQUESTER_NAME] = (char *)"Sgt. Ames";
	v[RF_CONTACT_PHONE] = (char *)"262-555-0100";
	v[RF_INCIDENT_TYPE] = (char *)"weather";
	v[RF_PRIORITY] = (char *)"urgent";
	v[RF_LOCATION] = (char *)"Main St";
	v[RF_WITHIN_CITY] = (char *)"no";
	f = facts(KIND_AID_INCOMING, 0);
	assert_string_equal(missing(&m, &f, v), "bureau:M-IN-BUREAU");
	f = facts(KIND_AID_INCOMING, 1);
	assert_string_equal(missing(&m, &f, v), "district:M-IN-DISTRICT");
	f = facts(KIND_FEDERAL_INCOMING, 0);
	assert_string_equal(missing(&m, &f, v), "federal_agency:M-FED-IN-NEEDS bureau:M-IN-BUREAU");
	f = facts(KIND_AID_INTERNAL, 1);
	assert_string_equal(missing(&m, &f, v),
	    "district:M-IN-DISTRICT squads:M-INTERNAL-NEEDS supervisors:M-INTERNAL-NEEDS "
	    "personnel:M-INTERNAL-NEEDS special_units:M-INTERNAL-NEEDS");

	memset(v, 0, sizeof(v));
	f = facts(KIND_FEDERAL_INVESTIGATIVE, -1);
	assert_string_equal(missing(&o, &f, v),
	    "federal_agency:O-FED-INV-NEEDS case_number:O-FED-INV-CASE investigation_category:O-FED-INV-CASE");
	f = facts(KIND_AID_INCOMING, -1);
	assert_string_equal(missing(&o, &f, v),
	    "requesting_agency:O-IN-NEEDS requester_name:O-IN-NEEDS contact_phone:O-IN-CONTACT "
	    "incident_type:O-IN-CONTACT priority:O-IN-CONTACT location:O-IN-CONTACT");
	/* 98-023 never asks where the aid is: the form does not either. */
	assert_false(policy_uses_field(&o, KIND_AID_INCOMING, RF_WITHIN_CITY));
	assert_false(policy_uses_field(&o, KIND_AID_INCOMING, RF_BUREAU));
	assert_true(policy_uses_field(&m, KIND_AID_INCOMING, RF_WITHIN_CITY));
	assert_true(policy_uses_field(&m, KIND_FEDERAL_INCOMING, RF_BUREAU));
	assert_true(policy_uses_field(&m, KIND_AID_INCOMING, RF_DISTRICT));
	assert_false(policy_uses_field(&m, KIND_AID_OUTGOING, RF_WITHIN_CITY));
	policy_free(&m);
	policy_free(&o);
}

/* ---------------------------------------------------------------------------
 * Who is told of what, as the written policies say (the notify rules in
 * force for each event; notify.c delivers them).
 */

static void
test_O_SUPERVISOR_O_SPECIAL_UNIT_O_FED_IN_CHIEF_told_on_filing(void **state)
{
	struct policy o;
	struct request_facts f;

	(void)state;
	load(OCONOMOWOC, &o);
	/* §V.A: every request, of every kind, tells the supervisor/OIC. */
	f = facts(KIND_AID_OUTGOING, -1);
	assert_string_equal(told(&o, EVENT_FILED, &f), "O-SUPERVISOR");
	f = facts(KIND_AID_INTERNAL, 1);
	assert_string_equal(told(&o, EVENT_FILED, &f), "O-SUPERVISOR");
	/* §III.B.2, §III.B.3: the chief, of each federal kind. */
	f = facts(KIND_FEDERAL_INVESTIGATIVE, -1);
	assert_string_equal(told(&o, EVENT_FILED, &f), "O-FED-INV-CHIEF O-SUPERVISOR");
	f = facts(KIND_FEDERAL_EMERGENCY, -1);
	assert_string_equal(told(&o, EVENT_FILED, &f), "O-FED-EMER-CHIEF O-SUPERVISOR");
	/* §III.B.4: whenever federal authorities ask, whatever the kind. */
	f = facts(KIND_FEDERAL_INCOMING, -1);
	f.federal_party = true;
	assert_string_equal(told(&o, EVENT_FILED, &f), "O-FED-IN-CHIEF O-SUPERVISOR O-ASKER-RECEIVED");
	f = facts(KIND_AID_INCOMING, -1);
	f.federal_party = true;
	assert_string_equal(told(&o, EVENT_FILED, &f), "O-FED-IN-CHIEF O-SUPERVISOR O-ASKER-RECEIVED");
	/* §IV.B.1: a specialized unit's commander, when filed and when sent. */
	f.federal_party = false;
	f.special_units = SU_SWAT;
	assert_string_equal(told(&o, EVENT_FILED, &f), "O-SPECIAL-UNIT O-SUPERVISOR O-ASKER-RECEIVED");
	assert_string_equal(told(&o, EVENT_DISPATCHED, &f), "O-SPECIAL-UNIT-SENT O-ASKER-DISPATCHED");
	f.special_units = 0;
	assert_string_equal(told(&o, EVENT_DISPATCHED, &f), "O-ASKER-DISPATCHED");
	policy_free(&o);
}

static void
test_O_DENIED_SENDERS_O_EXCEPTION_TOLD_O_CHECKIN_DISPATCH_O_CHECKIN_SUPERVISOR(void **state)
{
	struct policy o;
	struct request_facts f = facts(KIND_AID_INCOMING, -1);
	const struct rule *r;

	(void)state;
	load(OCONOMOWOC, &o);
	/* Nobody approves in Oconomowoc (O-APPROVE is off): approval and denial
	 * notices only to the agency that asked (should the department turn
	 * approvals on), and to whoever has units out on a request denied by
	 * exception. */
	assert_string_equal(told(&o, EVENT_APPROVED, &f), "O-ASKER-APPROVED");
	assert_string_equal(told(&o, EVENT_DENIED, &f), "O-ASKER-DENIED");
	f.units_out = true;
	assert_string_equal(told(&o, EVENT_DENIED, &f), "O-DENIED-SENDERS O-ASKER-DENIED");
	r = policy_find(&o, "O-DENIED-SENDERS");
	assert_int_equal(r->recipients, RECIPIENTS_SENDERS);
	assert_string_equal(told(&o, EVENT_EXCEPTION, &f), "O-EXCEPTION-TOLD");
	/* §IV.B.3: WCC and the supervisor/OIC, of a missing check-in. */
	assert_string_equal(told(&o, EVENT_CHECKIN_OVERDUE, &f), "O-CHECKIN-DISPATCH O-CHECKIN-SUPERVISOR");
	assert_int_equal(policy_rule_for(&o, EFFECT_CHECKIN, &f)->interval_minutes, 60);
	/* No follow-up papers in 98-023. */
	f.by_phone = true;
	assert_null(policy_rule_for(&o, EFFECT_FOLLOWUP, &f));
	assert_string_equal(told(&o, EVENT_FOLLOWUP_OVERDUE, &f), "");
	policy_free(&o);
}

/* SOP 230.10 C.3, C.3.a: aid outside the city is told to DEC and to the
 * approver when filed; within the city, nobody beyond the department's own
 * rules; the chief of any federal request. */
static void
test_M_IN_DEC_M_APPROVER_FILED_M_FED_CHIEF_told_on_filing(void **state)
{
	struct policy m;
	struct request_facts f;

	(void)state;
	load(MILWAUKEE, &m);
	f = facts(KIND_AID_INCOMING, 0);
	assert_string_equal(told(&m, EVENT_FILED, &f), "M-IN-DEC M-APPROVER-FILED M-ASKER-RECEIVED");
	f.federal_party = true;
	assert_string_equal(told(&m, EVENT_FILED, &f), "M-IN-DEC M-APPROVER-FILED M-FED-CHIEF M-ASKER-RECEIVED");
	f = facts(KIND_AID_INCOMING, 1);
	assert_string_equal(told(&m, EVENT_FILED, &f), "M-ASKER-RECEIVED");
	f = facts(KIND_AID_INCOMING, -1);
	assert_string_equal(told(&m, EVENT_FILED, &f), "M-ASKER-RECEIVED");
	/* 230.10 covers federal agencies: federal_incoming is routed alike. */
	f = facts(KIND_FEDERAL_INCOMING, 0);
	f.federal_party = true;
	assert_string_equal(told(&m, EVENT_FILED, &f), "M-IN-DEC M-APPROVER-FILED M-FED-CHIEF M-ASKER-RECEIVED");
	f = facts(KIND_FEDERAL_INCOMING, 1);
	f.federal_party = true;
	assert_string_equal(told(&m, EVENT_FILED, &f), "M-FED-CHIEF M-ASKER-RECEIVED");
	f = facts(KIND_FEDERAL_INVESTIGATIVE, -1);
	assert_string_equal(told(&m, EVENT_FILED, &f), "M-FED-CHIEF");
	f = facts(KIND_AID_OUTGOING, -1);
	assert_string_equal(told(&m, EVENT_FILED, &f), "");
	policy_free(&m);
}

/* SOP 230.10 C.3.a: the approver learns of a provisional authorization;
 * the chief of the approval and of a denial; DEC of a denial; whoever
 * sent units, while they are out. */
static void
test_M_APPROVER_TOLD_M_APPROVED_CHIEF_M_DENIED_CHIEF_M_DENIED_DEC_M_DENIED_SENDERS(void **state)
{
	struct policy m;
	struct request_facts f;

	(void)state;
	load(MILWAUKEE, &m);
	f = facts(KIND_AID_INCOMING, 0);
	f.emergency = true;
	assert_string_equal(told(&m, EVENT_AUTHORIZED, &f), "M-APPROVER-TOLD");
	assert_string_equal(told(&m, EVENT_APPROVED, &f), "M-APPROVED-CHIEF M-ASKER-APPROVED");
	assert_string_equal(told(&m, EVENT_DENIED, &f), "M-DENIED-CHIEF M-DENIED-DEC M-ASKER-DENIED");
	f.units_out = true;
	assert_string_equal(told(&m, EVENT_DENIED, &f), "M-DENIED-CHIEF M-DENIED-DEC M-DENIED-SENDERS M-ASKER-DENIED");
	/* Within the city, C.3.a does not apply. */
	f = facts(KIND_AID_INCOMING, 1);
	f.units_out = true;
	assert_string_equal(told(&m, EVENT_DENIED, &f), "M-DENIED-SENDERS M-ASKER-DENIED");
	assert_string_equal(told(&m, EVENT_AUTHORIZED, &f), "");
	policy_free(&m);
}

/* SOP 230.10 C.3.c: the assessment goes to DEC, to the approver, then to
 * the chief; C.3.a: a specialized unit's commander when it is sent. */
static void
test_M_ASSESS_DEC_M_ASSESS_APPROVER_M_ASSESS_CHIEF_M_UNIT_SENT(void **state)
{
	struct policy m;
	struct request_facts f;

	(void)state;
	load(MILWAUKEE, &m);
	f = facts(KIND_FEDERAL_INCOMING, 0);
	f.federal_party = true;
	assert_string_equal(told(&m, EVENT_ASSESSED, &f), "M-ASSESS-DEC M-ASSESS-APPROVER M-ASSESS-CHIEF");
	assert_string_equal(told(&m, EVENT_DISPATCHED, &f), "M-ASKER-DISPATCHED");
	f.special_units = SU_SWAT;
	assert_string_equal(told(&m, EVENT_DISPATCHED, &f), "M-UNIT-SENT M-ASKER-DISPATCHED");
	f = facts(KIND_AID_INCOMING, 1);
	assert_string_equal(told(&m, EVENT_ASSESSED, &f), "");
	policy_free(&m);
}

/* SOP 230.10 D: more than one squad or any specialized unit within the
 * city: the DEC supervisor's approval, then the district commander (or
 * the watch commander). */
static void
test_M_IN_CITY_APPROVE_M_IN_CITY_COMMANDER_M_UNIT_SENT_CITY(void **state)
{
	struct policy m;
	struct request_facts f;
	const struct rule *r;

	(void)state;
	load(MILWAUKEE, &m);
	f = facts(KIND_AID_INTERNAL, 1);
	f.squads = 1;
	assert_null(policy_rule_for(&m, EFFECT_APPROVE, &f));
	assert_string_equal(told(&m, EVENT_APPROVED, &f), "");
	f.squads = 2;
	r = policy_rule_for(&m, EFFECT_APPROVE, &f);
	assert_non_null(r);
	assert_string_equal(r->id, "M-IN-CITY-APPROVE");
	assert_int_equal(r->recipient, ROLE_DISPATCH_SUPERVISOR);
	assert_int_equal(r->fallback, -1);
	assert_string_equal(told(&m, EVENT_APPROVED, &f), "M-IN-CITY-COMMANDER");
	r = policy_find(&m, "M-IN-CITY-COMMANDER");
	assert_int_equal(r->recipient, ROLE_COMMANDER);
	assert_int_equal(r->fallback, ROLE_WATCH_COMMANDER);
	assert_int_equal(r->match, MATCH_DISTRICT);
	f.squads = 1;
	f.special_units = SU_SWAT;
	assert_string_equal(policy_rule_for(&m, EFFECT_APPROVE, &f)->id, "M-IN-CITY-APPROVE");
	assert_string_equal(told(&m, EVENT_DISPATCHED, &f), "M-UNIT-SENT-CITY");
	f = facts(KIND_AID_INCOMING, 1);
	f.squads = 3;
	assert_string_equal(policy_rule_for(&m, EFFECT_APPROVE, &f)->id, "M-IN-CITY-APPROVE");
	policy_free(&m);
}

static void
test_M_FOLLOWUP_LATE_M_CHECKIN_DISPATCH_M_CHECKIN_SUPERVISOR_M_EXCEPTION_TOLD(void **state)
{
	struct policy m;
	struct request_facts f;

	(void)state;
	load(MILWAUKEE, &m);
	f = facts(KIND_AID_INCOMING, 0);
	assert_null(policy_rule_for(&m, EFFECT_FOLLOWUP, &f));
	f.by_phone = true;
	assert_string_equal(policy_rule_for(&m, EFFECT_FOLLOWUP, &f)->id, "M-FOLLOWUP");
	assert_int_equal(policy_rule_for(&m, EFFECT_FOLLOWUP, &f)->interval_minutes, 1440);
	assert_string_equal(told(&m, EVENT_FOLLOWUP_OVERDUE, &f), "M-FOLLOWUP-LATE");
	/* Within the city no teletype or letter is asked (230.10 C.3 only). */
	f.within_city = 1;
	assert_null(policy_rule_for(&m, EFFECT_FOLLOWUP, &f));
	assert_string_equal(told(&m, EVENT_CHECKIN_OVERDUE, &f), "M-CHECKIN-DISPATCH M-CHECKIN-SUPERVISOR");
	assert_string_equal(told(&m, EVENT_EXCEPTION, &f), "M-EXCEPTION-TOLD");
	policy_free(&m);
}

static void
test_riverton_notifications(void **state)
{
	struct policy r;
	struct request_facts f;

	(void)state;
	load(RIVERTON, &r);
	f = facts(KIND_AID_INCOMING, -1);
	assert_string_equal(told(&r, EVENT_FILED, &f), "R-SUPERVISOR R-APPROVER-FILED");
	f.federal_party = true;
	assert_string_equal(told(&r, EVENT_FILED, &f), "R-SUPERVISOR R-APPROVER-FILED R-FED-CHIEF");
	assert_string_equal(told(&r, EVENT_DENIED, &f), "R-DENIED-FILER");
	assert_int_equal(policy_find(&r, "R-DENIED-FILER")->recipients, RECIPIENTS_FILER);
	assert_string_equal(told(&r, EVENT_AUTHORIZED, &f), "R-CAP-TOLD");
	assert_string_equal(told(&r, EVENT_ASSESSED, &f), "R-ASSESS");
	assert_string_equal(told(&r, EVENT_CHECKIN_OVERDUE, &f), "R-CHECKIN-LATE");
	f = facts(KIND_FEDERAL_INVESTIGATIVE, -1);
	assert_string_equal(told(&r, EVENT_FILED, &f), "R-FED-CHIEF");
	f = facts(KIND_AID_OUTGOING, -1);
	assert_string_equal(told(&r, EVENT_FILED, &f), "");
	f.special_units = SU_SWAT;
	assert_string_equal(told(&r, EVENT_DISPATCHED, &f), "R-UNIT-SENT");
	policy_free(&r);
}

/* ---------------------------------------------------------------------------
 * Who may act, as the written policies say: who records the on-scene
 * assessment, a status check-in, the teletype and letter, and who closes a
 * request (policy_actor_may(); lifecycle.c asks nothing else).
 */

/* "role:RULE ..." for each role a rule of `effect` in force for the
 * request lets act, in role order ("" when nobody may). */
static const char *
actors_of(const struct policy *pol, enum rule_effect effect, const struct request_facts *f)
{
	static char out[512];
	size_t used = 0;
	int role;

	out[0] = '\0';
	for (role = 0; role < ROLE__MAX; role++) {
		const struct rule *why = NULL;

		if (policy_actor_may(pol, effect, (enum role)role, f, &why))
			used += (size_t)snprintf(out + used, sizeof(out) - used, "%s%s:%s", used ? " " : "",
			    role_choices[role].id, why->id);
	}
	assert_true(used < sizeof(out));
	return out;
}

/* 98-023 §IV.B.3 (the department's rule: who records the reports WCC
 * receives), §V.C (the supervisor/OIC, with the department's dispatch
 * supervisor), and the department's rule on closing; no follow-up papers. */
static void
test_O_CHECKIN_O_ASSESSMENT_O_ASSESSMENT_RELAYED_O_CLOSE_who_records_and_closes(void **state)
{
	struct policy o;
	int k;

	(void)state;
	load(OCONOMOWOC, &o);
	for (k = 0; k < KIND__MAX; k++) {
		struct request_facts f = facts((enum request_kind)k, -1);

		f.by_phone = true;
		assert_string_equal(actors_of(&o, EFFECT_CHECKIN, &f), "officer:O-CHECKIN supervisor:O-CHECKIN "
		    "dispatcher:O-CHECKIN dispatch_supervisor:O-CHECKIN");
		assert_string_equal(actors_of(&o, EFFECT_ASSESS, &f),
		    "supervisor:O-ASSESSMENT dispatch_supervisor:O-ASSESSMENT-RELAYED");
		assert_string_equal(actors_of(&o, EFFECT_CLOSE, &f),
		    "supervisor:O-CLOSE dispatcher:O-CLOSE dispatch_supervisor:O-CLOSE");
		assert_string_equal(actors_of(&o, EFFECT_FOLLOWUP, &f), "");
	}
	assert_string_equal(policy_find(&o, "O-ASSESSMENT")->clause, "98-023 \xc2\xa7V.C");
	assert_int_equal(policy_find(&o, "O-CLOSE")->basis, BASIS_DEPARTMENT);
	policy_free(&o);
}

/* SOP 230.10 C.3.c: the on-scene supervisor and a DEC supervisor, outside
 * the city; the department's rule elsewhere; the department's rules on
 * check-ins, the papers of a telephone request for aid outside the city,
 * and closing. */
static void
test_M_CHECKIN_M_FOLLOWUP_M_ASSESSMENT_M_ASSESSMENT_ELSEWHERE_M_CLOSE_who_records_and_closes(void **state)
{
	struct policy m;
	struct request_facts f;

	(void)state;
	load(MILWAUKEE, &m);
	f = facts(KIND_AID_INCOMING, 0);
	f.by_phone = true;
	assert_string_equal(actors_of(&m, EFFECT_ASSESS, &f),
	    "supervisor:M-ASSESSMENT dispatch_supervisor:M-ASSESSMENT");
	assert_string_equal(actors_of(&m, EFFECT_FOLLOWUP, &f),
	    "supervisor:M-FOLLOWUP dispatcher:M-FOLLOWUP dispatch_supervisor:M-FOLLOWUP");
	assert_string_equal(actors_of(&m, EFFECT_CHECKIN, &f), "officer:M-CHECKIN supervisor:M-CHECKIN "
	    "dispatcher:M-CHECKIN dispatch_supervisor:M-CHECKIN");
	assert_string_equal(actors_of(&m, EFFECT_CLOSE, &f),
	    "supervisor:M-CLOSE dispatcher:M-CLOSE dispatch_supervisor:M-CLOSE");
	/* Within the city, and where it is not said: the department's rule;
	 * no papers. */
	f = facts(KIND_FEDERAL_INCOMING, 1);
	f.by_phone = true;
	assert_string_equal(actors_of(&m, EFFECT_ASSESS, &f),
	    "supervisor:M-ASSESSMENT-ELSEWHERE dispatch_supervisor:M-ASSESSMENT-ELSEWHERE");
	assert_string_equal(actors_of(&m, EFFECT_FOLLOWUP, &f), "");
	f.within_city = -1;
	assert_string_equal(actors_of(&m, EFFECT_ASSESS, &f),
	    "supervisor:M-ASSESSMENT-ELSEWHERE dispatch_supervisor:M-ASSESSMENT-ELSEWHERE");
	f = facts(KIND_AID_OUTGOING, -1);
	assert_string_equal(actors_of(&m, EFFECT_ASSESS, &f),
	    "supervisor:M-ASSESSMENT-ELSEWHERE dispatch_supervisor:M-ASSESSMENT-ELSEWHERE");
	assert_string_equal(actors_of(&m, EFFECT_CLOSE, &f),
	    "supervisor:M-CLOSE dispatcher:M-CLOSE dispatch_supervisor:M-CLOSE");
	assert_string_equal(policy_find(&m, "M-ASSESSMENT")->clause, "SOP 230.10 C.3.c");
	policy_free(&m);
}

/* GO 12.4.3(D), 12.4.3(E), 12.4.6(C): the supervisor at the scene, RECC,
 * the members and RECC; each with the department's addition of the
 * supervisors who take the report; the department's rule on closing. */
static void
test_R_CHECKIN_R_CHECKIN_SUPERVISORS_R_FOLLOWUP_R_FOLLOWUP_SUPERVISORS_R_ASSESSMENT_R_CLOSE_who_acts(void **state)
{
	struct policy r;
	struct request_facts f;

	(void)state;
	load(RIVERTON, &r);
	f = facts(KIND_AID_INCOMING, -1);
	f.by_phone = true;
	assert_string_equal(actors_of(&r, EFFECT_CHECKIN, &f), "officer:R-CHECKIN "
	    "supervisor:R-CHECKIN-SUPERVISORS dispatcher:R-CHECKIN dispatch_supervisor:R-CHECKIN-SUPERVISORS");
	assert_string_equal(actors_of(&r, EFFECT_FOLLOWUP, &f), "supervisor:R-FOLLOWUP-SUPERVISORS "
	    "dispatcher:R-FOLLOWUP dispatch_supervisor:R-FOLLOWUP-SUPERVISORS");
	assert_string_equal(actors_of(&r, EFFECT_ASSESS, &f),
	    "supervisor:R-ASSESSMENT dispatch_supervisor:R-ASSESSMENT-RELAYED");
	assert_string_equal(actors_of(&r, EFFECT_CLOSE, &f),
	    "supervisor:R-CLOSE dispatcher:R-CLOSE dispatch_supervisor:R-CLOSE");
	/* The timer is the clause's: the first check-in rule. */
	assert_string_equal(policy_rule_for(&r, EFFECT_CHECKIN, &f)->id, "R-CHECKIN");
	assert_string_equal(policy_rule_for(&r, EFFECT_FOLLOWUP, &f)->id, "R-FOLLOWUP");
	f.by_phone = false;
	assert_string_equal(actors_of(&r, EFFECT_FOLLOWUP, &f), "");
	assert_string_equal(policy_find(&r, "R-ASSESSMENT")->clause, "GO 12.4.3(D)");
	assert_int_equal(policy_find(&r, "R-ASSESSMENT-RELAYED")->basis, BASIS_DEPARTMENT);
	policy_free(&r);
}

/* ---------------------------------------------------------------------------
 * Broken files: each is refused, with every problem named at its line.
 *
 * BASE is a small valid policy of 18 lines; a case's text is appended to
 * it (its first line is line 19), or is the whole file. An expected
 * message "line +N: ..." means line 18 + N.
 */

#define BASE_HEAD \
	"policy: test\n" \
	"department: Test Police Department\n" \
	"title: Test order\n" \
	"\n"
#define FILE_RULE(kinds) \
	"rule T-FILE\n" \
	"    clause: TO 1\n" \
	"    effect: file\n" \
	"    kinds: " kinds "\n" \
	"    actors: supervisor dispatcher agency detective\n" \
	"    says: Who files.\n"
#define CHIEF_RULE(lines) \
	"rule T-CHIEF\n" \
	"    clause: TO 2\n" \
	"    effect: notify\n" \
	lines \
	"    says: The chief is told of every federal request.\n"
#define CHIEF_LINES "    when: federal\n    notify: chief\n    on: filed\n"
#define BASE BASE_HEAD FILE_RULE("all") "\n" CHIEF_RULE(CHIEF_LINES)
#define BASE_LINES 18

#define FED_INV "no rule notifies the Chief of Police of every \"federal_investigative\" request " \
	"when it is filed: the chief is notified of every federal request"
#define FED_EMER "no rule notifies the Chief of Police of every \"federal_emergency\" request " \
	"when it is filed: the chief is notified of every federal request"
#define FED_IN "no rule notifies the Chief of Police of every \"federal_incoming\" request " \
	"when it is filed: the chief is notified of every federal request"
#define FED_PARTY "no rule notifies the Chief of Police when a federal agency asks for aid " \
	"(\"when: federal_party\" on aid_incoming): the chief is notified of every federal request"

struct bad_file {
	const char *name;
	const char *text;
	size_t      len;        /* 0: strlen(text) */
	bool        whole;      /* the text is the whole file, not BASE + text */
	const char *want[16];   /* every problem, in order */
};

/* A literal holding NUL bytes: its length given. */
#define BYTES(s) s, sizeof(s) - 1

static const struct bad_file bad_files[] = {
	/* Unknown words. */
	{ "unknown_role", "rule T-X\n    clause: TO 3\n    effect: dispatch\n"
	  "    actors: dispatcher sheriff\n    says: x\n", 0, false,
	  { "line +4: unknown role \"sheriff\"" } },
	{ "unknown_role_in_else", "rule T-X\n    clause: TO 3\n    effect: notify\n"
	  "    notify: supervisor\n    else: deputy\n    on: filed\n    says: x\n", 0, false,
	  { "line +5: rule T-X: unknown role \"deputy\"" } },
	{ "unknown_role_to_notify", "rule T-X\n    clause: TO 3\n    effect: notify\n"
	  "    notify: everyone\n    on: filed\n    says: x\n", 0, false,
	  { "line +4: rule T-X: notify names a role or \"senders\", \"filer\", \"asker\" or \"workers\", not \"everyone\"" } },
	{ "unknown_kind", "rule T-X\n    clause: TO 3\n    effect: file\n    kinds: aid_incoming mutual_aid\n"
	  "    actors: officer\n    says: x\n", 0, false,
	  { "line +4: unknown kind of request \"mutual_aid\"" } },
	{ "unknown_effect", "rule T-X\n    clause: TO 3\n    effect: offer\n    actors: officer\n    says: x\n",
	  0, false, { "line +3: rule T-X: unknown effect \"offer\"" } },
	{ "unknown_effect_reopen", "rule T-X\n    department rule: a closed request is opened again\n"
	  "    effect: reopen\n    actors: supervisor\n    says: x\n",
	  0, false, { "line +3: rule T-X: unknown effect \"reopen\"" } },
	{ "unknown_effect_assessment", "rule T-X\n    clause: TO 3\n    effect: assessment\n"
	  "    actors: supervisor\n    says: x\n",
	  0, false, { "line +3: rule T-X: unknown effect \"assessment\"" } },
	{ "unknown_event", "rule T-X\n    clause: TO 3\n    effect: notify\n    notify: chief\n"
	  "    on: arrival\n    says: x\n", 0, false,
	  { "line +5: rule T-X: unknown event \"arrival\"",
	    "line +1: rule T-X: a notify rule without an event (on: ...)" } },
	{ "unknown_condition", "rule T-X\n    clause: TO 3\n    effect: notify\n    notify: chief\n"
	  "    when: emergency at_night\n    on: filed\n    says: x\n", 0, false,
	  { "line +5: unknown condition \"at_night\"" } },
	{ "unknown_field", "rule T-X\n    clause: TO 3\n    effect: require\n    fields: nature blood_type\n"
	  "    says: x\n", 0, false, { "line +4: unknown field \"blood_type\"" } },
	{ "unknown_field_in_any_of", "rule T-X\n    clause: TO 3\n    effect: require\n"
	  "    any of: squads tanks\n    says: x\n", 0, false, { "line +4: unknown field \"tanks\"" } },
	{ "unknown_key_in_rule", "rule T-X\n    clause: TO 3\n    effect: approve\n    notify: supervisor\n"
	  "    approver: chief\n    says: x\n", 0, false, { "line +5: rule T-X: unknown key \"approver\"" } },
	{ "unknown_key_at_top", "chief: Jane Doe\n", 0, false,
	  { "line +1: unknown key \"chief\" (a rule starts with \"rule ID\")" } },
	{ "unknown_match", "rule T-X\n    clause: TO 3\n    effect: notify\n    notify: commander\n"
	  "    matched on: precinct\n    on: filed\n    says: x\n", 0, false,
	  { "line +5: rule T-X: matched on is bureau, district or unit" } },
	{ "word_too_long", "rule T-X\n    clause: TO 3\n    effect: file\n    kinds: "
	  "aid_incoming_aid_incoming_aid_incoming_aid_incoming_aid_incoming_x\n    actors: officer\n"
	  "    says: x\n", 0, false,
	  { "line +4: \"aid_incoming_aid_incoming_aid_incoming_a...\" is not a word this file knows" } },

	/* Rules and keys said twice, ids. */
	{ "duplicate_rule_id", FILE_RULE("aid_incoming"), 0, false,
	  { "line +1: rule T-FILE is named twice (first at line 5)" } },
	{ "key_said_twice", "rule T-X\n    clause: TO 3\n    effect: dispatch\n    effect: file\n"
	  "    actors: officer\n    says: x\n", 0, false, { "line +4: rule T-X: \"effect\" is said twice" } },
	{ "header_said_twice", "policy: again\n", 0, false, { "line +1: \"policy\" is said twice" } },
	{ "rule_id_lower_case", "rule t-x\n    clause: TO 3\n    effect: dispatch\n    actors: officer\n"
	  "    says: x\n", 0, false,
	  { "line +1: a rule's id is 1 to 31 capital letters, digits and dashes: \"t-x\"" } },
	{ "rule_id_too_long", "rule ABCDEFGHIJKLMNOPQRSTUVWXYZ-01234\n    clause: TO 3\n    effect: dispatch\n"
	  "    actors: officer\n    says: x\n", 0, false,
	  { "line +1: a rule's id is 1 to 31 capital letters, digits and dashes: "
	    "\"ABCDEFGHIJKLMNOPQRSTUVWXYZ-01234\"" } },
	{ "rule_id_empty", "rule \n", 0, false,
	  { "line +1: expected \"key: value\" or \"rule ID\"" } },
	{ "not_key_value", "hello\n", 0, false, { "line +1: expected \"key: value\" or \"rule ID\"" } },
	{ "indented_before_first_rule", BASE_HEAD "    effect: file\n" FILE_RULE("all") CHIEF_RULE(CHIEF_LINES),
	  0, true, { "line 5: an indented line before the first \"rule ID\"" } },

	/* What each effect needs. */
	{ "notify_without_recipient", "rule T-X\n    clause: TO 3\n    effect: notify\n    on: filed\n"
	  "    says: x\n", 0, false, { "line +1: rule T-X: a notify rule without a recipient" } },
	{ "notify_without_event", "rule T-X\n    clause: TO 3\n    effect: notify\n    notify: chief\n"
	  "    says: x\n", 0, false, { "line +1: rule T-X: a notify rule without an event (on: ...)" } },
	{ "approve_without_approver", "rule T-X\n    clause: TO 3\n    effect: approve\n    says: x\n", 0, false,
	  { "line +1: rule T-X: an approve rule names the approver's role (notify: ...)" } },
	{ "else_without_first", "rule T-X\n    clause: TO 3\n    effect: notify\n    notify: senders\n"
	  "    else: watch_commander\n    on: denied\n    says: x\n", 0, false,
	  { "line +1: rule T-X: \"else\" without a role to notify first" } },
	{ "dispatch_without_actors", "rule T-X\n    clause: TO 3\n    effect: dispatch\n    says: x\n", 0, false,
	  { "line +1: rule T-X: dispatch names no actors" } },
	{ "require_without_fields", "rule T-X\n    clause: TO 3\n    effect: require\n    says: x\n", 0, false,
	  { "line +1: rule T-X: require names no fields" } },
	{ "checkin_without_minutes", "rule T-X\n    clause: TO 3\n    effect: checkin\n    says: x\n", 0, false,
	  { "line +1: rule T-X: checkin names no actors", "line +1: rule T-X: checkin needs minutes" } },
	{ "followup_without_minutes", "rule T-X\n    clause: TO 3\n    effect: followup\n    says: x\n", 0, false,
	  { "line +1: rule T-X: followup names no actors", "line +1: rule T-X: followup needs minutes" } },
	{ "checkin_without_actors", "rule T-X\n    clause: TO 3\n    effect: checkin\n    minutes: 30\n"
	  "    says: x\n", 0, false, { "line +1: rule T-X: checkin names no actors" } },
	{ "followup_without_actors", "rule T-X\n    clause: TO 3\n    effect: followup\n    when: phone\n"
	  "    minutes: 1440\n    says: x\n", 0, false, { "line +1: rule T-X: followup names no actors" } },
	{ "assess_without_actors", "rule T-X\n    clause: TO 3\n    effect: assess\n    kinds: aid_incoming\n"
	  "    says: x\n", 0, false, { "line +1: rule T-X: assess names no actors" } },
	{ "close_without_actors", "rule T-X\n    department rule: someone closes\n    effect: close\n"
	  "    says: x\n", 0, false, { "line +1: rule T-X: close names no actors" } },
	{ "close_with_empty_actors", "rule T-X\n    department rule: someone closes\n    effect: close\n"
	  "    actors:\n    says: x\n", 0, false, { "line +1: rule T-X: close names no actors" } },
	{ "assess_with_unknown_role", "rule T-X\n    clause: TO 3\n    effect: assess\n"
	  "    actors: supervisor incident_commander\n    says: x\n", 0, false,
	  { "line +4: unknown role \"incident_commander\"" } },
	{ "cap_without_numbers", "rule T-X\n    clause: TO 3\n    effect: cap\n    actors: dispatch_supervisor\n"
	  "    says: x\n", 0, false, { "line +1: rule T-X: a cap names squads, supervisors or units" } },
	{ "no_effect", "rule T-X\n    clause: TO 3\n    actors: officer\n    says: x\n", 0, false,
	  { "line +1: rule T-X: no effect" } },
	{ "no_says", "rule T-X\n    clause: TO 3\n    effect: dispatch\n    actors: officer\n", 0, false,
	  { "line +1: rule T-X: no \"says\" (the rule in plain words)" } },

	/* Clause or department rule; switched off. */
	{ "neither_clause_nor_department", "rule T-X\n    effect: dispatch\n    actors: officer\n    says: x\n",
	  0, false, { "line +1: rule T-X: say either its clause or \"department rule: why\"" } },
	{ "both_clause_and_department", "rule T-X\n    clause: TO 3\n    department rule: we like it\n"
	  "    effect: dispatch\n    actors: officer\n    says: x\n", 0, false,
	  { "line +1: rule T-X: say either its clause or \"department rule: why\"" } },
	{ "clause_switched_off", "rule T-X\n    clause: TO 3\n    enabled: no\n    effect: dispatch\n"
	  "    actors: officer\n    says: x\n", 0, false,
	  { "line +1: rule T-X: only a department rule may be switched off; a clause holds" } },
	{ "enabled_neither_yes_nor_no", "rule T-X\n    department rule: we like it\n    enabled: off\n"
	  "    effect: dispatch\n    actors: officer\n    says: x\n", 0, false,
	  { "line +3: rule T-X: enabled is yes or no" } },
	{ "department_rule_without_reason", "rule T-X\n    department rule:\n    effect: dispatch\n"
	  "    actors: officer\n    says: x\n", 0, false, { "line +2: the department rule's reason is empty" } },

	/* Numbers. */
	{ "squads_not_a_number", "rule T-X\n    clause: TO 3\n    effect: cap\n    actors: supervisor\n"
	  "    squads: two\n    supervisors: 1\n    says: x\n", 0, false,
	  { "line +5: squads must be a whole number from 0 to 99" } },
	{ "squads_too_many", "rule T-X\n    clause: TO 3\n    effect: cap\n    actors: supervisor\n"
	  "    squads: 100\n    supervisors: 1\n    says: x\n", 0, false,
	  { "line +5: squads must be a whole number from 0 to 99" } },
	{ "squads_negative", "rule T-X\n    clause: TO 3\n    effect: cap\n    actors: supervisor\n"
	  "    squads: -1\n    supervisors: 1\n    says: x\n", 0, false,
	  { "line +5: squads must be a whole number from 0 to 99" } },
	{ "squads_overflow", "rule T-X\n    clause: TO 3\n    effect: cap\n    actors: supervisor\n"
	  "    squads: 99999999999999999999999\n    supervisors: 1\n    says: x\n", 0, false,
	  { "line +5: squads must be a whole number from 0 to 99" } },
	{ "supervisors_trailing_junk", "rule T-X\n    clause: TO 3\n    effect: cap\n    actors: supervisor\n"
	  "    squads: 2\n    supervisors: 1x\n    says: x\n", 0, false,
	  { "line +6: supervisors must be a whole number from 0 to 99" } },
	{ "units_empty", "rule T-X\n    clause: TO 3\n    effect: cap\n    actors: supervisor\n"
	  "    squads: 2\n    units:\n    says: x\n", 0, false,
	  { "line +6: units must be a whole number from 0 to 20" } },
	{ "units_too_many", "rule T-X\n    clause: TO 3\n    effect: cap\n    actors: supervisor\n"
	  "    units: 21\n    squads: 2\n    says: x\n", 0, false,
	  { "line +5: units must be a whole number from 0 to 20" } },
	{ "minutes_zero", "rule T-X\n    department rule: often\n    effect: checkin\n    minutes: 0\n"
	  "    says: x\n", 0, false,
	  { "line +4: rule T-X: minutes must be more than 0", "line +1: rule T-X: checkin names no actors",
	    "line +1: rule T-X: checkin needs minutes" } },
	{ "minutes_beyond_30_days", "rule T-X\n    department rule: often\n    effect: checkin\n"
	  "    minutes: 43201\n    says: x\n", 0, false,
	  { "line +4: minutes must be a whole number from 0 to 43200", "line +1: rule T-X: checkin names no actors",
	    "line +1: rule T-X: checkin needs minutes" } },

	/* Bytes. */
	{ "line_too_long", "rule T-X\n    clause: TO 3\n    effect: dispatch\n    actors: officer\n"
	  "    says: "
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "\n", 0, false,
	  { "line +5: a line longer than 2046 bytes", "line +1: rule T-X: no \"says\" (the rule in plain words)" } },
	{ "says_too_long", "rule T-X\n    clause: TO 3\n    effect: dispatch\n    actors: officer\n"
	  "    says: "
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "x\n", 0, false, { "line +5: says is not text of at most 600 characters" } },
	{ "nul_byte", BYTES("rule T-X\n    clause: TO 3\n    effect: dispatch\n    actors: officer\n"
	  "    says: a\0b\n"), false,
	  { "line +5: a NUL byte", "line +1: rule T-X: no \"says\" (the rule in plain words)" } },
	{ "invalid_utf8_in_says", "rule T-X\n    clause: TO 3\n    effect: dispatch\n    actors: officer\n"
	  "    says: caf\xc3\n", 0, false,
	  { "line +5: not valid UTF-8", "line +1: rule T-X: no \"says\" (the rule in plain words)" } },
	{ "overlong_utf8_in_department", "policy: test\ndepartment: Test \xc0\xaf Police\n"
	  FILE_RULE("all") CHIEF_RULE(CHIEF_LINES), 0, true,
	  { "line 2: not valid UTF-8", "no \"department:\" (the department's name)" } },
	{ "surrogate_in_title", "desk: the \xed\xa0\x80 desk\n", 0, false,
	  { "line +1: not valid UTF-8" } },
	{ "control_character", "rule T-X\n    clause: TO 3\n    effect: dispatch\n    actors: officer\n"
	  "    says: a\x01 b\n", 0, false, { "line +5: says holds a control character" } },
	{ "empty_header_value", "city:\n", 0, false, { "line +1: city is empty" } },
	{ "header_too_long", "city: Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch-on-the-Sea\n",
	  0, false, { "line +1: city is not text of at most 63 characters" } },
	{ "bureau_name_too_long", "bureaus: Patrol; "
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", 0, false,
	  { "line +1: bureaus: at most 32 names of at most 127 bytes" } },

	/* The policy as a whole. */
	{ "empty_file", "", 0, true,
	  { "no \"policy:\" (the policy's id)", "no \"department:\" (the department's name)",
	    "nobody may file \"aid_incoming\": give it a file rule",
	    "nobody may file \"aid_outgoing\": give it a file rule",
	    "nobody may file \"aid_internal\": give it a file rule",
	    "nobody may file \"federal_investigative\": give it a file rule", FED_INV,
	    "nobody may file \"federal_emergency\": give it a file rule", FED_EMER,
	    "nobody may file \"federal_incoming\": give it a file rule", FED_IN, FED_PARTY } },
	{ "kind_nobody_may_file", BASE_HEAD FILE_RULE("aid_incoming aid_outgoing federal_investigative "
	  "federal_emergency federal_incoming") CHIEF_RULE(CHIEF_LINES), 0, true,
	  { "nobody may file \"aid_internal\": give it a file rule" } },
	{ "kind_only_a_rule_switched_off_files", BASE_HEAD FILE_RULE("aid_incoming aid_outgoing "
	  "federal_investigative federal_emergency federal_incoming") CHIEF_RULE(CHIEF_LINES)
	  "rule T-INTERNAL\n    department rule: not yet\n    enabled: no\n    effect: file\n"
	  "    kinds: aid_internal\n    actors: supervisor\n    says: x\n", 0, true,
	  { "nobody may file \"aid_internal\": give it a file rule" } },
	{ "federal_kind_without_chief", BASE_HEAD FILE_RULE("all") CHIEF_RULE("    kinds: aid_incoming "
	  "federal_investigative federal_incoming\n" CHIEF_LINES), 0, true, { FED_EMER } },
	{ "federal_party_without_chief", BASE_HEAD FILE_RULE("all") CHIEF_RULE("    kinds: "
	  "federal_investigative federal_emergency federal_incoming\n" CHIEF_LINES), 0, true, { FED_PARTY } },
	{ "chief_only_in_an_emergency", BASE_HEAD FILE_RULE("all")
	  CHIEF_RULE("    when: federal emergency\n    notify: chief\n    on: filed\n"), 0, true,
	  { FED_INV, FED_EMER, FED_IN, FED_PARTY } },
	{ "chief_told_on_approval_only", BASE_HEAD FILE_RULE("all")
	  CHIEF_RULE("    when: federal\n    notify: chief\n    on: approved\n"), 0, true,
	  { FED_INV, FED_EMER, FED_IN, FED_PARTY } },
	{ "chief_rule_switched_off", BASE_HEAD FILE_RULE("all")
	  "rule T-CHIEF\n    department rule: the chief is busy\n    enabled: no\n    effect: notify\n"
	  CHIEF_LINES "    says: x\n", 0, true, { FED_INV, FED_EMER, FED_IN, FED_PARTY } },
	{ "chief_as_fallback_only", BASE_HEAD FILE_RULE("all")
	  CHIEF_RULE("    when: federal\n    notify: watch_commander\n    else: chief\n    on: filed\n"), 0, true,
	  { FED_INV, FED_EMER, FED_IN, FED_PARTY } },
	{ "chief_of_federal_party_only", BASE_HEAD FILE_RULE("all")
	  CHIEF_RULE("    when: federal_party\n    notify: chief\n    on: filed\n"), 0, true,
	  { FED_INV, FED_EMER } },
	{ "no_policy_id", "department: Test Police Department\n" FILE_RULE("all") CHIEF_RULE(CHIEF_LINES),
	  0, true, { "no \"policy:\" (the policy's id)" } },
};

#define N_BAD (sizeof(bad_files) / sizeof(bad_files[0]))

/* "line +N: ..." is line BASE_LINES + N of an appended case. */
static void
resolve(const char *want, char *out, size_t len)
{
	int n;
	char *end;

	if (strncmp(want, "line +", 6) != 0) {
		snprintf(out, len, "%s", want);
		return;
	}
	n = (int)strtol(want + 6, &end, 10);
	snprintf(out, len, "line %d%s", BASE_LINES + n, end);
}

static void
test_bad_file(void **state)
{
	const struct bad_file *c = *state;
	size_t len = c->len ? c->len : strlen(c->text);
	size_t base = c->whole ? 0 : strlen(BASE), i, nwant = 0;
	char *text = malloc(base + len + 1);
	struct policy_errors errs;
	struct policy pol;
	bool ok;

	assert_non_null(text);
	memcpy(text, BASE, base);
	memcpy(text + base, c->text, len);
	text[base + len] = '\0';
	memset(&pol, 0xa5, sizeof(pol));
	ok = policy_parse(text, base + len, &pol, &errs);
	free(text);
	while (nwant < 16 && c->want[nwant] != NULL)
		nwant++;
	for (i = 0; i < errs.n && i < POLICY_ERRORS_MAX; i++) {
		char want[240];

		if (i < nwant)
			resolve(c->want[i], want, sizeof(want));
		if (i >= nwant || strcmp(errs.text[i], want) != 0)
			print_error("%s: problem %zu is \"%s\"%s%s%s\n", c->name, i + 1, errs.text[i],
			    i < nwant ? ", not \"" : "", i < nwant ? want : "", i < nwant ? "\"" : "");
	}
	if (errs.n < nwant)
		print_error("%s: %zu problems, %zu expected\n", c->name, errs.n, nwant);
	assert_false(ok);
	assert_int_equal(errs.n, nwant);
	for (i = 0; i < nwant; i++) {
		char want[240];

		resolve(c->want[i], want, sizeof(want));
		assert_string_equal(errs.text[i], want);
	}
	/* Refused: `out` holds nothing to free or to use. */
	assert_int_equal(pol.n, 0);
	assert_null(pol.rules);
	assert_int_equal(pol.nbureaus, 0);
}

/* The base of the cases is valid, and 18 lines: the cases say the truth
 * about their lines. */
static void
test_base_of_the_broken_files_is_valid(void **state)
{
	struct policy_errors errs;
	struct policy pol;
	size_t i, lines = 0;

	(void)state;
	for (i = 0; i < strlen(BASE); i++)
		lines += BASE[i] == '\n';
	assert_int_equal(lines, BASE_LINES);
	assert_true(policy_parse(BASE, strlen(BASE), &pol, &errs));
	assert_int_equal(pol.n, 2);
	assert_int_equal(pol.rules[0].line, 5);
	assert_int_equal(pol.rules[1].line, 12);
	policy_free(&pol);
}

/* Comments, blank lines, tabs, CRLF line ends, trailing blanks, a missing
 * last newline, commas in lists, "always": all read alike. */
static void
test_layout_is_forgiving(void **state)
{
	static const char text[] =
	    "# a comment\r\n"
	    "policy: test  \r\n"
	    "department:\tTest Police Department\r\n"
	    "\r\n"
	    "   # an indented comment\r\n"
	    "rule T-FILE\r\n"
	    "\tclause: TO 1\r\n"
	    "\teffect: file\r\n"
	    "\tkinds: all\r\n"
	    "\tactors: supervisor, dispatcher,agency\tdetective\r\n"
	    "\twhen: always\r\n"
	    "\tsays: Who files: everybody.\r\n"
	    "rule T-CHIEF\r\n"
	    "    clause: TO 2\r\n"
	    "    effect: notify\r\n"
	    "    when: federal\r\n"
	    "    notify: chief\r\n"
	    "    on: filed\r\n"
	    "    says: The chief.";
	struct policy_errors errs;
	struct policy pol;

	(void)state;
	assert_true(policy_parse(text, strlen(text), &pol, &errs));
	assert_string_equal(pol.name, "test");
	assert_string_equal(pol.department, "Test Police Department");
	assert_int_equal(pol.n, 2);
	assert_int_equal(pol.rules[0].line, 6);
	assert_int_equal(pol.rules[0].actors, (1u << ROLE_SUPERVISOR) | (1u << ROLE_DISPATCHER) |
	    (1u << ROLE_AGENCY) | (1u << ROLE_DETECTIVE));
	assert_int_equal(pol.rules[0].conditions, 0);
	assert_string_equal(pol.rules[0].summary, "Who files: everybody.");
	assert_string_equal(pol.rules[1].summary, "The chief.");
	policy_free(&pol);
}

/* What a rule says, read into the struct. */
static void
test_rule_read_whole(void **state)
{
	static const char text[] = BASE
	    "rule M-X\n"
	    "    department rule: DEC must know\n"
	    "    effect: notify\n"
	    "    kinds: aid_incoming federal_incoming\n"
	    "    when: outside_city special_unit\n"
	    "    notify: bureau_chief\n"
	    "    else: watch_commander\n"
	    "    matched on: bureau\n"
	    "    on: dispatched\n"
	    "    says: Told.\n"
	    "rule M-Y\n"
	    "    clause: SOP 230.10 D\n"
	    "    effect: require\n"
	    "    fields: district location\n"
	    "    any of: squads special_units\n"
	    "    says: Where.\n"
	    "rule M-Z\n"
	    "    department rule: off for now\n"
	    "    enabled: no\n"
	    "    effect: cap\n"
	    "    actors: dispatch_supervisor\n"
	    "    units: 0\n"
	    "    says: None.\n";
	struct policy_errors errs;
	struct policy pol;
	const struct rule *r;

	(void)state;
	assert_true(policy_parse(text, strlen(text), &pol, &errs));
	r = policy_find(&pol, "M-X");
	assert_non_null(r);
	assert_string_equal(r->clause, "Department rule: DEC must know");
	assert_int_equal(r->basis, BASIS_DEPARTMENT);
	assert_true(r->enabled);
	assert_int_equal(r->kinds, (1u << KIND_AID_INCOMING) | (1u << KIND_FEDERAL_INCOMING));
	assert_int_equal(r->conditions, (1u << COND_OUTSIDE_CITY) | (1u << COND_SPECIAL_UNIT));
	assert_int_equal(r->recipients, RECIPIENTS_ROLE);
	assert_int_equal(r->recipient, ROLE_BUREAU_CHIEF);
	assert_int_equal(r->fallback, ROLE_WATCH_COMMANDER);
	assert_int_equal(r->match, MATCH_BUREAU);
	assert_int_equal(r->on_event, EVENT_DISPATCHED);
	assert_int_equal(r->line, 19);
	r = policy_find(&pol, "M-Y");
	assert_string_equal(r->clause, "SOP 230.10 D");
	assert_int_equal(r->basis, BASIS_CLAUSE);
	assert_int_equal(r->kinds, 0);
	assert_true(r->fields == (((uint64_t)1 << RF_DISTRICT) | ((uint64_t)1 << RF_LOCATION)));
	assert_true(r->any_of == (((uint64_t)1 << RF_SQUADS) | ((uint64_t)1 << RF_SPECIAL_UNITS)));
	r = policy_find(&pol, "M-Z");
	assert_false(r->enabled);
	assert_int_equal(r->cap_special_units, 0);
	assert_int_equal(r->cap_squads, -1);
	assert_int_equal(r->cap_supervisors, -1);
	assert_int_equal(r->interval_minutes, -1);
	policy_free(&pol);
}

/* Lines of 2046 bytes are read; 2047 are not. */
static void
test_longest_line(void **state)
{
	char *text = malloc(strlen(BASE) + 2048 + 1);
	struct policy_errors errs;
	struct policy pol;
	size_t base = strlen(BASE);

	(void)state;
	assert_non_null(text);
	memcpy(text, BASE, base);
	text[base] = '#';
	memset(text + base + 1, 'x', 2045);
	text[base + 2046] = '\n';
	assert_true(policy_parse(text, base + 2047, &pol, &errs));
	policy_free(&pol);
	text[base + 2046] = 'x';
	text[base + 2047] = '\n';
	assert_false(policy_parse(text, base + 2048, &pol, &errs));
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.text[0], "line 19: a line longer than 2046 bytes");
	free(text);
}

/* Invalid UTF-8 is refused wherever it is, with its line: the file is
 * stored as text by PostgreSQL, which would refuse it after the check. */
static void
test_invalid_utf8_anywhere(void **state)
{
	static const char *const tails[] = {
		"# caf\xe9 (Latin-1)\n",
		"# \xc0\xaf overlong\n",
		"rule T-X\n    clause: TO \xff\n    effect: dispatch\n    actors: officer\n    says: x\n",
	};
	static const int line[] = { 19, 19, 20 };
	static const size_t count[] = { 1, 1, 2 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		char text[512];
		struct policy_errors errs;
		struct policy pol;
		char want[80];

		snprintf(text, sizeof(text), "%s%s", BASE, tails[i]);
		assert_false(policy_parse(text, strlen(text), &pol, &errs));
		assert_int_equal(errs.n, count[i]);
		snprintf(want, sizeof(want), "line %d: not valid UTF-8", line[i]);
		assert_string_equal(errs.text[0], want);
	}
}

/* A file of exactly POLICY_FILE_MAX bytes is read; one byte more is not,
 * whether given as text or read from a file. */
static void
test_size_limit(void **state)
{
	size_t base = strlen(BASE), off;
	char *text = malloc(POLICY_FILE_MAX + 2);
	char path[] = "/tmp/test_policy_file.XXXXXX";
	struct policy_errors errs;
	struct policy pol;
	FILE *f;
	int fd;

	(void)state;
	assert_non_null(text);
	memcpy(text, BASE, base);
	/* Comment lines of 1000 bytes, then one to make up the rest. */
	for (off = base; POLICY_FILE_MAX - off > 1000; off += 1000) {
		memset(text + off, '#', 999);
		text[off + 999] = '\n';
	}
	memset(text + off, '#', POLICY_FILE_MAX - off - 1);
	text[POLICY_FILE_MAX - 1] = '\n';
	assert_true(policy_parse(text, POLICY_FILE_MAX, &pol, &errs));
	policy_free(&pol);
	text[POLICY_FILE_MAX] = '\n';
	assert_false(policy_parse(text, POLICY_FILE_MAX + 1, &pol, &errs));
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.text[0], "the file is larger than 262144 bytes");
	assert_null(pol.rules);

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, POLICY_FILE_MAX + 1, f), POLICY_FILE_MAX + 1);
	assert_int_equal(fclose(f), 0);
	assert_false(policy_parse_file(path, &pol, &errs, NULL));
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.text[0], "the file is larger than 262144 bytes");
	/* ... and at the limit, read and parsed. */
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, POLICY_FILE_MAX, f), POLICY_FILE_MAX);
	assert_int_equal(fclose(f), 0);
	assert_true(policy_parse_file(path, &pol, &errs, NULL));
	policy_free(&pol);
	assert_int_equal(unlink(path), 0);
	free(text);
}

static void
test_missing_file(void **state)
{
	struct policy_errors errs;
	struct policy pol;
	char *text = (char *)"sentinel";

	(void)state;
	assert_false(policy_parse_file("policies/nowhere.policy", &pol, &errs, &text));
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.text[0], "policies/nowhere.policy: No such file or directory");
	assert_null(text);
	assert_false(policy_parse_file("policies", &pol, &errs, NULL));
	assert_int_equal(errs.n, 1);
}

/* More than POLICY_RULES_MAX rules: refused at the first one too many. */
static void
test_too_many_rules(void **state)
{
	size_t cap = strlen(BASE) + (POLICY_RULES_MAX - 2) * 120 + 64, used;
	char *text = malloc(cap);
	struct policy_errors errs;
	struct policy pol;
	int i, line = BASE_LINES;
	char want[64];

	(void)state;
	assert_non_null(text);
	used = (size_t)snprintf(text, cap, "%s", BASE);
	for (i = 0; i < POLICY_RULES_MAX - 2; i++) {
		used += (size_t)snprintf(text + used, cap - used, "rule T-%d\n    clause: TO 9\n"
		    "    effect: dispatch\n    actors: dispatcher\n    says: x\n", i);
		line += 5;
	}
	assert_true(used < cap);
	assert_true(policy_parse(text, used, &pol, &errs));
	assert_int_equal(pol.n, POLICY_RULES_MAX);
	policy_free(&pol);
	used += (size_t)snprintf(text + used, cap - used, "rule T-LAST\n");
	assert_true(used < cap);
	assert_false(policy_parse(text, used, &pol, &errs));
	assert_int_equal(errs.n, 1);
	snprintf(want, sizeof(want), "line %d: more than %d rules", line + 1, POLICY_RULES_MAX);
	assert_string_equal(errs.text[0], want);
	free(text);
}

/* Every problem is counted; the first POLICY_ERRORS_MAX are kept. */
static void
test_many_problems(void **state)
{
	char text[4096];
	size_t used;
	struct policy_errors errs;
	struct policy pol;
	int i;

	(void)state;
	used = (size_t)snprintf(text, sizeof(text), "%s", BASE);
	for (i = 0; i < POLICY_ERRORS_MAX + 10; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used, "nonsense\n");
	assert_true(used < sizeof(text));
	assert_false(policy_parse(text, used, &pol, &errs));
	assert_int_equal(errs.n, POLICY_ERRORS_MAX + 10);
	assert_string_equal(errs.text[0], "line 19: expected \"key: value\" or \"rule ID\"");
	assert_string_equal(errs.text[POLICY_ERRORS_MAX - 1],
	    "line 68: expected \"key: value\" or \"rule ID\"");
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_oconomowoc_file_parses),
		cmocka_unit_test(test_milwaukee_file_parses),
		cmocka_unit_test(test_riverton_fixture_parses),
		cmocka_unit_test(test_O_APPROVE_present_but_switched_off),
		cmocka_unit_test(test_every_federal_request_tells_the_chief_on_filing),
		cmocka_unit_test(test_department_rules_are_labelled),
		cmocka_unit_test(test_M_IN_DISTRICT_M_IN_BUREAU_fields_a_policy_needs_are_on_the_form),
		cmocka_unit_test(test_M_IN_WHERE_M_IN_BUREAU_M_IN_DISTRICT_O_FED_INV_CASE_O_IN_CONTACT_required_fields),
		cmocka_unit_test(test_O_SUPERVISOR_O_SPECIAL_UNIT_O_FED_IN_CHIEF_told_on_filing),
		cmocka_unit_test(test_O_DENIED_SENDERS_O_EXCEPTION_TOLD_O_CHECKIN_DISPATCH_O_CHECKIN_SUPERVISOR),
		cmocka_unit_test(test_M_IN_DEC_M_APPROVER_FILED_M_FED_CHIEF_told_on_filing),
		cmocka_unit_test(test_M_APPROVER_TOLD_M_APPROVED_CHIEF_M_DENIED_CHIEF_M_DENIED_DEC_M_DENIED_SENDERS),
		cmocka_unit_test(test_M_ASSESS_DEC_M_ASSESS_APPROVER_M_ASSESS_CHIEF_M_UNIT_SENT),
		cmocka_unit_test(test_M_IN_CITY_APPROVE_M_IN_CITY_COMMANDER_M_UNIT_SENT_CITY),
		cmocka_unit_test(test_M_FOLLOWUP_LATE_M_CHECKIN_DISPATCH_M_CHECKIN_SUPERVISOR_M_EXCEPTION_TOLD),
		cmocka_unit_test(test_riverton_notifications),
		cmocka_unit_test(test_O_CHECKIN_O_ASSESSMENT_O_ASSESSMENT_RELAYED_O_CLOSE_who_records_and_closes),
		cmocka_unit_test(test_M_CHECKIN_M_FOLLOWUP_M_ASSESSMENT_M_ASSESSMENT_ELSEWHERE_M_CLOSE_who_records_and_closes),
		cmocka_unit_test(test_R_CHECKIN_R_CHECKIN_SUPERVISORS_R_FOLLOWUP_R_FOLLOWUP_SUPERVISORS_R_ASSESSMENT_R_CLOSE_who_acts),
		cmocka_unit_test(test_base_of_the_broken_files_is_valid),
		cmocka_unit_test(test_layout_is_forgiving),
		cmocka_unit_test(test_rule_read_whole),
		cmocka_unit_test(test_longest_line),
		cmocka_unit_test(test_invalid_utf8_anywhere),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_too_many_rules),
		cmocka_unit_test(test_many_problems),
	};
	enum { N_FIXED = sizeof(fixed) / sizeof(fixed[0]) };
	struct CMUnitTest tests[N_FIXED + N_BAD];
	char names[N_BAD][64];
	size_t i;

	memcpy(tests, fixed, sizeof(fixed));
	/* One test per broken file, named after it. */
	for (i = 0; i < N_BAD; i++) {
		snprintf(names[i], sizeof(names[i]), "refused: %s", bad_files[i].name);
		memset(&tests[N_FIXED + i], 0, sizeof(tests[0]));
		tests[N_FIXED + i].name = names[i];
		tests[N_FIXED + i].test_func = test_bad_file;
		tests[N_FIXED + i].initial_state = (void *)&bad_files[i];
	}
	return _cmocka_run_group_tests("policy_file", tests, N_FIXED + N_BAD, NULL, NULL);
}

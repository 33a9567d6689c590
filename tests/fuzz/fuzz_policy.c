/*
 * policy_parse() (policy_file.c, policy_rule.c, policy_check.c): the
 * policy file is written by a records officer and loaded by an
 * administrator, but it is still bytes from outside the program. Whatever
 * they are, the parser ends, stays within its buffers, and:
 *  - refuses with at least one message, each a non-empty line that says
 *    which line ("line N: ...") or is about the whole file, or
 *  - accepts a policy that holds the promises the engine relies on: a
 *    department and a name, at most POLICY_RULES_MAX rules each with a
 *    clause (or "Department rule: ...") and words, and the Chief of Police
 *    told of every federal request when it is filed (the chief rule is not
 *    optional).
 * The seeds are the real policy files (tests/fuzz/corpus/policy/).
 */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "policy_file.h"

/*
 * Whether the engine, for one concrete request, finds a rule in force that
 * tells the chief when it is filed. The checker (policy_check.c) reasons
 * over the rules' conditions symbolically; this evaluates requests one by
 * one through rule_in_force(), as the portal does when one is filed: two
 * ways to the same promise.
 */
static bool
chief_told(const struct policy *pol, const struct request_facts *f)
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

/* Every federal request, over the facts that conditions read: each federal
 * kind, and an outside agency's request for aid from a federal agency. */
static void
check_every_federal_request(const struct policy *pol)
{
	static const char *const places[] = { "Bureau A", "District 1" };
	struct request_facts f;
	unsigned bits;
	int k;

	for (k = 0; k < KIND__MAX; k++)
		for (bits = 0; bits < 64; bits++) {
			memset(&f, 0, sizeof(f));
			f.kind = (enum request_kind)k;
			f.emergency = bits & 1;
			f.by_phone = (bits >> 1) & 1;
			/* Who asks is a party only of a request that comes to us. */
			f.federal_party = k == KIND_FEDERAL_INCOMING ||
			    (k == KIND_AID_INCOMING && ((bits >> 2) & 1));
			f.within_city = (int)((bits >> 3) % 3) - 1;
			f.units_out = (bits >> 5) & 1;
			f.squads = (int)(bits % 5);
			f.bureau = places[0];
			f.district = places[1];
			if (kind_is_federal(f.kind) || f.federal_party)
				FUZZ_CHECK(chief_told(pol, &f));
		}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy pol;
	struct policy_errors errs;
	size_t i;

	if (!policy_parse((const char *)data, size, &pol, &errs)) {
		FUZZ_CHECK(errs.n > 0);
		for (i = 0; i < errs.n && i < POLICY_ERRORS_MAX; i++) {
			FUZZ_CHECK(errs.text[i][0] != '\0');
			FUZZ_CHECK(strchr(errs.text[i], '\n') == NULL);
		}
		return 0;
	}
	FUZZ_CHECK(errs.n == 0);
	FUZZ_CHECK(pol.department[0] != '\0' && pol.name[0] != '\0');
	FUZZ_CHECK(pol.n <= POLICY_RULES_MAX);
	for (i = 0; i < pol.n; i++) {
		FUZZ_CHECK(pol.rules[i].clause[0] != '\0');
		FUZZ_CHECK(pol.rules[i].summary != NULL && pol.rules[i].summary[0] != '\0');
	}
	check_every_federal_request(&pol);
	policy_free(&pol);
	return 0;
}

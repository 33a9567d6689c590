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

/* Whether an enabled rule tells the chief when `kind` is filed, whatever
 * the request's facts beyond `given`. */
static bool
chief_told(const struct policy *pol, enum request_kind kind, uint32_t given)
{
	size_t i;

	for (i = 0; i < pol->n; i++) {
		const struct rule *r = &pol->rules[i];

		if (r->enabled && r->effect == EFFECT_NOTIFY && r->on_event == EVENT_FILED &&
		    r->recipients == RECIPIENTS_ROLE && r->recipient == ROLE_CHIEF &&
		    rule_applies_to(r, kind) && (r->conditions & ~given) == 0)
			return true;
	}
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy pol;
	struct policy_errors errs;
	const uint32_t federal = (uint32_t)1 << COND_FEDERAL;
	const uint32_t party = federal | ((uint32_t)1 << COND_FEDERAL_PARTY);
	size_t i;
	int k;

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
	for (k = 0; k < KIND__MAX; k++)
		if (kind_is_federal((enum request_kind)k))
			FUZZ_CHECK(chief_told(&pol, (enum request_kind)k,
			    k == KIND_FEDERAL_INCOMING ? party : federal));
	FUZZ_CHECK(chief_told(&pol, KIND_AID_INCOMING, party));
	policy_free(&pol);
	return 0;
}

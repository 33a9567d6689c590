/*
 * A department's written policy as a text file a records officer can edit
 * (policies/oconomowoc.policy is the worked example; the format is in
 * docs/policy-authoring.md):
 *
 *     policy: oconomowoc
 *     department: City of Oconomowoc Police Department
 *     title: Policy 98-023, Mutual Aid (July 27, 2022)
 *
 *     rule O-OUT-FILE
 *         clause: 98-023 §III.A.1
 *         effect: file
 *         kinds: aid_outgoing
 *         actors: supervisor dispatcher
 *         says: Only the shift supervisor/OIC or the communications center may ask other agencies for aid.
 *
 * policy_parse() reads one into a struct policy and checks it whole: every
 * problem is reported with its line (an unknown role, kind, effect, event,
 * condition or field; a notify rule without a recipient; a kind nobody may
 * file; a federal kind, or a federal agency's request, without a
 * notification to the Chief of Police, which is refused outright).
 */
#ifndef PORTAL_POLICY_FILE_H
#define PORTAL_POLICY_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "policy.h"

#define POLICY_FILE_MAX   ((size_t)256 * 1024)
#define POLICY_RULES_MAX  256
#define POLICY_ERRORS_MAX 50

struct policy_errors {
	size_t n;          /* how many problems (only the first ones are kept) */
	char   text[POLICY_ERRORS_MAX][240];
};

/* Parses and checks a policy file. On success fills `out` (policy_free()
 * releases it) and returns true; otherwise `errs` says every problem found
 * and `out` holds nothing. */
bool policy_parse(const char *text, size_t len, struct policy *out, struct policy_errors *errs);

/* Reads a file and parses it (errors of reading go into errs too). */
bool policy_parse_file(const char *path, struct policy *out, struct policy_errors *errs,
         char **text_out);

#endif

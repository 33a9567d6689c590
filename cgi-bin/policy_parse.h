/*
 * The policy file's parser, inside (policy_file.c reads lines and the
 * header, policy_rule.c the keys of a rule, policy_check.c checks the
 * whole). Not for other files: policy_file.h is the interface.
 */
#ifndef PORTAL_POLICY_PARSE_H
#define PORTAL_POLICY_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "policy_file.h"

/* The keys a rule may say, each at most once. */
enum rule_key {
	K_CLAUSE, K_DEPARTMENT, K_ENABLED, K_EFFECT, K_KINDS, K_ACTORS, K_NOTIFY, K_ELSE,
	K_MATCH, K_ON, K_WHEN, K_FIELDS, K_ANY_OF, K_SQUADS, K_SUPERVISORS, K_UNITS,
	K_MINUTES, K_SAYS, K__MAX
};

/* What a rule said, beside the rule itself, for the checks of the end. */
struct seen {
	unsigned keys;     /* bit per enum rule_key */
	bool     has_recipient_word;
};

struct parser {
	struct policy        *pol;
	struct policy_errors *errs;
	struct seen           seen[POLICY_RULES_MAX];
	int                   line;
	bool                  header_seen[10]; /* one per header key */
};

/* A problem at `line` (0: of the whole file), kept up to POLICY_ERRORS_MAX. */
void policy_problem(struct parser *, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Text a person will read on pages and in e-mail: one line of valid UTF-8
 * without control characters, of at most `max` characters. */
bool policy_text_ok(struct parser *, const char *what, const char *v, size_t max);

/* "rule ID": starts the next rule. */
void policy_rule_start(struct parser *, const char *id);
/* One "key: value" of the rule being read. */
void policy_rule_attribute(struct parser *, const char *key, const char *v);

/* Every check of the policy read whole (policy_check.c). */
void policy_check(struct parser *);

#endif

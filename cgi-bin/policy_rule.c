/*
 * The rules of a policy file: "rule ID" and its indented "key: value"
 * lines, one function per key, found through one table (rule_keys).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_parse.h"
#include "request_form.h"

/* Calls one(word) for each word of a space- or comma-separated list. */
static bool
each_word(struct parser *p, const char *list, bool (*one)(struct parser *, struct rule *, const char *),
    struct rule *r)
{
	char word[64];
	bool ok = true;

	while (*list != '\0') {
		size_t n;

		while (*list == ' ' || *list == ',' || *list == '\t')
			list++;
		n = strcspn(list, " ,\t");
		if (n == 0)
			break;
		if (n >= sizeof(word)) {
			policy_problem(p, p->line, "\"%.40s...\" is not a word this file knows", list);
			return false;
		}
		memcpy(word, list, n);
		word[n] = '\0';
		ok &= one(p, r, word);
		list += n;
	}
	return ok;
}

static bool
add_kind(struct parser *p, struct rule *r, const char *w)
{
	int k;

	if (strcmp(w, "all") == 0) {
		r->kinds = 0;
		return true;
	}
	if ((k = kind_from_id(w)) < 0) {
		policy_problem(p, p->line, "unknown kind of request \"%s\"", w);
		return false;
	}
	r->kinds |= (uint32_t)1 << k;
	return true;
}

static bool
add_actor(struct parser *p, struct rule *r, const char *w)
{
	int k;

	if ((k = role_from_id(w)) < 0) {
		policy_problem(p, p->line, "unknown role \"%s\"", w);
		return false;
	}
	r->actors |= (uint32_t)1 << k;
	return true;
}

static bool
add_condition(struct parser *p, struct rule *r, const char *w)
{
	int k;

	if (strcmp(w, "always") == 0)
		return true;
	if ((k = choice_find_n(condition_choices, COND__MAX, w)) < 0) {
		policy_problem(p, p->line, "unknown condition \"%s\"", w);
		return false;
	}
	r->conditions |= (uint32_t)1 << k;
	return true;
}

static bool
add_field(struct parser *p, uint64_t *mask, const char *w)
{
	int f;

	if ((f = request_field_find(w)) < 0) {
		policy_problem(p, p->line, "unknown field \"%s\"", w);
		return false;
	}
	*mask |= (uint64_t)1 << f;
	return true;
}

static bool
add_required(struct parser *p, struct rule *r, const char *w)
{
	return add_field(p, &r->fields, w);
}

static bool
add_any_of(struct parser *p, struct rule *r, const char *w)
{
	return add_field(p, &r->any_of, w);
}

static bool
number(struct parser *p, const char *what, const char *v, int max, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || errno != 0 || n < 0 || n > max) {
		policy_problem(p, p->line, "%s must be a whole number from 0 to %d", what, max);
		return false;
	}
	*out = (int)n;
	return true;
}

static void
rule_init(struct rule *r)
{
	memset(r, 0, sizeof(*r));
	r->enabled = true;
	r->recipient = r->fallback = -1;
	r->cap_squads = r->cap_supervisors = r->cap_special_units = -1;
	r->interval_minutes = -1;
}

static bool
rule_id_ok(const char *id)
{
	size_t n = strlen(id);
	const char *s;

	if (n == 0 || n >= sizeof(((struct rule *)0)->id))
		return false;
	for (s = id; *s != '\0'; s++)
		if (!(isupper((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-'))
			return false;
	return true;
}

void
policy_rule_start(struct parser *p, const char *id)
{
	struct policy *pol = p->pol;
	struct rule *r;
	size_t i;

	if (pol->n >= POLICY_RULES_MAX) {
		policy_problem(p, p->line, "more than %d rules", POLICY_RULES_MAX);
		return;
	}
	r = &pol->rules[pol->n];
	rule_init(r);
	r->line = p->line;
	if (!rule_id_ok(id))
		policy_problem(p, p->line, "a rule's id is 1 to 31 capital letters, digits and dashes: \"%.40s\"", id);
	/* Kept even when wrong, to name the rule in the other messages. */
	snprintf(r->id, sizeof(r->id), "%s", id);
	for (i = 0; i < pol->n && r->id[0]; i++)
		if (strcmp(pol->rules[i].id, r->id) == 0)
			policy_problem(p, p->line, "rule %s is named twice (first at line %d)", r->id, pol->rules[i].line);
	memset(&p->seen[pol->n], 0, sizeof(p->seen[0]));
	pol->n++;
}


/* One function per key of a rule, each called with the key's value. */
typedef void rule_setter(struct parser *, struct rule *, struct seen *, const char *);

static void
set_clause(struct parser *p, struct rule *r, struct seen *s, const char *v)
{
	if (policy_text_ok(p, "the clause", v, 200))
		snprintf(r->clause, sizeof(r->clause), "%s", v);
	r->basis = BASIS_CLAUSE;
}

/* A rule of the department's own is labelled so wherever a clause would be
 * shown: a clause is cited only for what it says. */
static void
set_department(struct parser *p, struct rule *r, struct seen *s, const char *v)
{
	if (policy_text_ok(p, "the department rule's reason", v, 280))
		snprintf(r->clause, sizeof(r->clause), POLICY_DEPARTMENT_LABEL ": %s", v);
	r->basis = BASIS_DEPARTMENT;
}

static void
set_enabled(struct parser *p, struct rule *r, struct seen *s, const char *v)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "no") == 0)
		r->enabled = strcmp(v, "yes") == 0;
	else
		policy_problem(p, p->line, "rule %s: enabled is yes or no", r->id);
}

static void
set_effect(struct parser *p, struct rule *r, struct seen *s, const char *v)
{
	int x = choice_find_n(effect_choices, EFFECT__MAX, v);

	if (x < 0)
		policy_problem(p, p->line, "rule %s: unknown effect \"%.40s\"", r->id, v);
	else
		r->effect = (enum rule_effect)x;
}

static void
set_kinds(struct parser *p, struct rule *r, struct seen *s, const char *v)
{
	(void)each_word(p, v, add_kind, r);
}

static void
set_actors(struct parser *p, struct rule *r, struct seen *s, const char *v)
{
	(void)each_word(p, v, add_actor, r);
}

static void
set_notify(struct parser *p, struct rule *r, struct seen *s, const char *v)
{
	int x;

	s->has_recipient_word = true;
	if ((x = choice_find_n(recipient_set_choices, RECIPIENTS__MAX, v)) > 0)
		r->recipients = (enum recipient_set)x;
	else if ((x = role_from_id(v)) >= 0)
		r->recipient = x;
	else
		policy_problem(p, p->line, "rule %s: notify names a role or \"senders\", \"filer\", \"asker\" or \"workers\", "
		    "not \"%.40s\"", r->id, v);
}

static void
set_else(struct parser *p, struct rule *r, struct seen *s, const char *v)
{
	int x = role_from_id(v);

	if (x < 0)
		policy_problem(p, p->line, "rule %s: unknown role \"%.40s\"", r->id, v);
	else
		r->fallback = x;
}

static void
set_match(struct parser *p, struct rule *r, struct seen *s, const char *v)
{
	r->match = strcmp(v, "bureau") == 0 ? MATCH_BUREAU : strcmp(v, "district") == 0 ? MATCH_DISTRICT :
	    strcmp(v, "unit") == 0 ? MATCH_UNIT : MATCH_NONE;
	if (r->match == MATCH_NONE)
		policy_problem(p, p->line, "rule %s: matched on is bureau, district or unit", r->id);
}

static void
set_on(struct parser *p, struct rule *r, struct seen *s, const char *v)
{
	int x = choice_find_n(event_choices, EVENT__MAX, v);

	if (x <= 0)
		policy_problem(p, p->line, "rule %s: unknown event \"%.40s\"", r->id, v);
	else
		r->on_event = (enum policy_event)x;
}

static void
set_when(struct parser *p, struct rule *r, struct seen *s, const char *v)
{
	(void)each_word(p, v, add_condition, r);
}

static void
set_fields(struct parser *p, struct rule *r, struct seen *s, const char *v)
{
	(void)each_word(p, v, add_required, r);
}

static void
set_any_of(struct parser *p, struct rule *r, struct seen *s, const char *v)
{
	(void)each_word(p, v, add_any_of, r);
}

static void
set_squads(struct parser *p, struct rule *r, struct seen *s, const char *v)
{
	(void)number(p, "squads", v, 99, &r->cap_squads);
}

static void
set_supervisors(struct parser *p, struct rule *r, struct seen *s, const char *v)
{
	(void)number(p, "supervisors", v, 99, &r->cap_supervisors);
}

static void
set_units(struct parser *p, struct rule *r, struct seen *s, const char *v)
{
	(void)number(p, "units", v, 20, &r->cap_special_units);
}

static void
set_minutes(struct parser *p, struct rule *r, struct seen *s, const char *v)
{
	if (number(p, "minutes", v, 60 * 24 * 30, &r->interval_minutes) && r->interval_minutes == 0)
		policy_problem(p, p->line, "rule %s: minutes must be more than 0", r->id);
}

static void
set_says(struct parser *p, struct rule *r, struct seen *s, const char *v)
{
	if (policy_text_ok(p, "says", v, 600) && (r->summary = strdup(v)) == NULL)
		policy_problem(p, p->line, "out of memory");
}

/* The keys of a rule, as the file says them. */
static const struct {
	const char  *key;
	rule_setter *set;
} rule_keys[K__MAX] = {
	[K_CLAUSE]      = { "clause", set_clause },
	[K_DEPARTMENT]  = { "department rule", set_department },
	[K_ENABLED]     = { "enabled", set_enabled },
	[K_EFFECT]      = { "effect", set_effect },
	[K_KINDS]       = { "kinds", set_kinds },
	[K_ACTORS]      = { "actors", set_actors },
	[K_NOTIFY]      = { "notify", set_notify },
	[K_ELSE]        = { "else", set_else },
	[K_MATCH]       = { "matched on", set_match },
	[K_ON]          = { "on", set_on },
	[K_WHEN]        = { "when", set_when },
	[K_FIELDS]      = { "fields", set_fields },
	[K_ANY_OF]      = { "any of", set_any_of },
	[K_SQUADS]      = { "squads", set_squads },
	[K_SUPERVISORS] = { "supervisors", set_supervisors },
	[K_UNITS]       = { "units", set_units },
	[K_MINUTES]     = { "minutes", set_minutes },
	[K_SAYS]        = { "says", set_says },
};

void
policy_rule_attribute(struct parser *p, const char *key, const char *v)
{
	struct rule *r = &p->pol->rules[p->pol->n - 1];
	struct seen *s = &p->seen[p->pol->n - 1];
	int k;

	for (k = 0; k < K__MAX; k++)
		if (strcmp(key, rule_keys[k].key) == 0)
			break;
	if (k == K__MAX) {
		policy_problem(p, p->line, "rule %s: unknown key \"%.40s\"", r->id, key);
		return;
	}
	if (s->keys & (1u << k)) {
		policy_problem(p, p->line, "rule %s: \"%s\" is said twice", r->id, key);
		return;
	}
	s->keys |= 1u << k;
	rule_keys[k].set(p, r, s, v);
}

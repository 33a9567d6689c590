#include "policy_file.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "field.h"
#include "form.h"

/* What a rule said, beside the rule itself, for the checks of the end. */
struct seen {
	unsigned keys;     /* bit per enum rule_key */
	bool     has_recipient_word;
};

enum rule_key {
	K_CLAUSE, K_DEPARTMENT, K_ENABLED, K_EFFECT, K_KINDS, K_ACTORS, K_NOTIFY, K_ELSE,
	K_MATCH, K_ON, K_WHEN, K_FIELDS, K_ANY_OF, K_SQUADS, K_SUPERVISORS, K_UNITS,
	K_MINUTES, K_SAYS, K__MAX
};

static const char *const rule_keys[K__MAX] = {
	[K_CLAUSE] = "clause", [K_DEPARTMENT] = "department rule", [K_ENABLED] = "enabled",
	[K_EFFECT] = "effect", [K_KINDS] = "kinds", [K_ACTORS] = "actors", [K_NOTIFY] = "notify",
	[K_ELSE] = "else", [K_MATCH] = "matched on", [K_ON] = "on", [K_WHEN] = "when",
	[K_FIELDS] = "fields", [K_ANY_OF] = "any of", [K_SQUADS] = "squads",
	[K_SUPERVISORS] = "supervisors", [K_UNITS] = "units", [K_MINUTES] = "minutes",
	[K_SAYS] = "says",
};

struct parser {
	struct policy        *pol;
	struct policy_errors *errs;
	struct seen           seen[POLICY_RULES_MAX];
	int                   line;
	bool                  header_seen[8];  /* one per header key */
};

static void
problem(struct parser *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
problem(struct parser *p, int line, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->errs->n < POLICY_ERRORS_MAX) {
		if (line > 0)
			snprintf(p->errs->text[p->errs->n], sizeof(p->errs->text[0]), "line %d: %s", line, msg);
		else
			snprintf(p->errs->text[p->errs->n], sizeof(p->errs->text[0]), "%s", msg);
	}
	p->errs->n++;
}

/* Text a person will read on pages and in e-mail: one line of valid UTF-8
 * without control characters, of a bounded length. */
static bool
text_ok(struct parser *p, const char *what, const char *v, size_t max)
{
	const unsigned char *s;

	if (*v == '\0') {
		problem(p, p->line, "%s is empty", what);
		return false;
	}
	if (!utf8_valid(v, strlen(v)) || utf8_length(v) > max) {
		problem(p, p->line, "%s is not text of at most %zu characters", what, max);
		return false;
	}
	for (s = (const unsigned char *)v; *s; s++)
		if (*s < 0x20 || *s == 0x7f) {
			problem(p, p->line, "%s holds a control character", what);
			return false;
		}
	return true;
}

static void
copy_text(char *dst, size_t len, const char *v)
{
	snprintf(dst, len, "%s", v);
}

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
			problem(p, p->line, "\"%.40s...\" is not a word this file knows", list);
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
		problem(p, p->line, "unknown kind of request \"%s\"", w);
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
		problem(p, p->line, "unknown role \"%s\"", w);
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
		problem(p, p->line, "unknown condition \"%s\"", w);
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
		problem(p, p->line, "unknown field \"%s\"", w);
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
		problem(p, p->line, "%s must be a whole number from 0 to %d", what, max);
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

static void
start_rule(struct parser *p, const char *id)
{
	struct policy *pol = p->pol;
	struct rule *r;
	size_t i;

	if (pol->n >= POLICY_RULES_MAX) {
		problem(p, p->line, "more than %d rules", POLICY_RULES_MAX);
		return;
	}
	r = &pol->rules[pol->n];
	rule_init(r);
	r->line = p->line;
	if (!rule_id_ok(id))
		problem(p, p->line, "a rule's id is 1 to 31 capital letters, digits and dashes: \"%.40s\"", id);
	/* Kept even when wrong, to name the rule in the other messages. */
	copy_text(r->id, sizeof(r->id), id);
	for (i = 0; i < pol->n && r->id[0]; i++)
		if (strcmp(pol->rules[i].id, r->id) == 0)
			problem(p, p->line, "rule %s is named twice (first at line %d)", r->id, pol->rules[i].line);
	memset(&p->seen[pol->n], 0, sizeof(p->seen[0]));
	pol->n++;
}

/* One "key: value" of the rule being read. */
static void
rule_attribute(struct parser *p, const char *key, const char *v)
{
	struct rule *r = &p->pol->rules[p->pol->n - 1];
	struct seen *s = &p->seen[p->pol->n - 1];
	int k, x;

	for (k = 0; k < K__MAX; k++)
		if (strcmp(key, rule_keys[k]) == 0)
			break;
	if (k == K__MAX) {
		problem(p, p->line, "rule %s: unknown key \"%.40s\"", r->id, key);
		return;
	}
	if (s->keys & (1u << k)) {
		problem(p, p->line, "rule %s: \"%s\" is said twice", r->id, key);
		return;
	}
	s->keys |= 1u << k;
	switch ((enum rule_key)k) {
	case K_CLAUSE:
		if (text_ok(p, "the clause", v, 200))
			copy_text(r->clause, sizeof(r->clause), v);
		r->basis = BASIS_CLAUSE;
		break;
	case K_DEPARTMENT:
		/* Labelled wherever a clause would be shown (issue: "cite only
		 * what the clause says"). */
		if (text_ok(p, "the department rule's reason", v, 280))
			snprintf(r->clause, sizeof(r->clause), "Department rule: %s", v);
		r->basis = BASIS_DEPARTMENT;
		break;
	case K_ENABLED:
		if (strcmp(v, "yes") == 0 || strcmp(v, "no") == 0)
			r->enabled = strcmp(v, "yes") == 0;
		else
			problem(p, p->line, "rule %s: enabled is yes or no", r->id);
		break;
	case K_EFFECT:
		if ((x = choice_find_n(effect_choices, EFFECT__MAX, v)) < 0)
			problem(p, p->line, "rule %s: unknown effect \"%.40s\"", r->id, v);
		else
			r->effect = (enum rule_effect)x;
		break;
	case K_KINDS:
		(void)each_word(p, v, add_kind, r);
		break;
	case K_ACTORS:
		(void)each_word(p, v, add_actor, r);
		break;
	case K_NOTIFY:
		s->has_recipient_word = true;
		if ((x = choice_find_n(recipient_set_choices, RECIPIENTS__MAX, v)) > 0)
			r->recipients = (enum recipient_set)x;
		else if ((x = role_from_id(v)) >= 0)
			r->recipient = x;
		else
			problem(p, p->line, "rule %s: notify names a role or \"senders\" or \"filer\", not \"%.40s\"",
			    r->id, v);
		break;
	case K_ELSE:
		if ((x = role_from_id(v)) < 0)
			problem(p, p->line, "rule %s: unknown role \"%.40s\"", r->id, v);
		else
			r->fallback = x;
		break;
	case K_MATCH:
		r->match = strcmp(v, "bureau") == 0 ? MATCH_BUREAU : strcmp(v, "district") == 0 ? MATCH_DISTRICT :
		    strcmp(v, "unit") == 0 ? MATCH_UNIT : MATCH_NONE;
		if (r->match == MATCH_NONE)
			problem(p, p->line, "rule %s: matched on is bureau, district or unit", r->id);
		break;
	case K_ON:
		if ((x = choice_find_n(event_choices, EVENT__MAX, v)) <= 0)
			problem(p, p->line, "rule %s: unknown event \"%.40s\"", r->id, v);
		else
			r->on_event = (enum policy_event)x;
		break;
	case K_WHEN:
		(void)each_word(p, v, add_condition, r);
		break;
	case K_FIELDS:
		(void)each_word(p, v, add_required, r);
		break;
	case K_ANY_OF:
		(void)each_word(p, v, add_any_of, r);
		break;
	case K_SQUADS:
		(void)number(p, "squads", v, 99, &r->cap_squads);
		break;
	case K_SUPERVISORS:
		(void)number(p, "supervisors", v, 99, &r->cap_supervisors);
		break;
	case K_UNITS:
		(void)number(p, "units", v, 20, &r->cap_special_units);
		break;
	case K_MINUTES:
		if (number(p, "minutes", v, 60 * 24 * 30, &r->interval_minutes) && r->interval_minutes == 0)
			problem(p, p->line, "rule %s: minutes must be more than 0", r->id);
		break;
	case K_SAYS:
		if (text_ok(p, "says", v, 600) && (r->summary = strdup(v)) == NULL)
			problem(p, p->line, "out of memory");
		break;
	case K__MAX:
		break;
	}
}

/* A list of names separated by ';' (names hold spaces). */
static void
name_list(struct parser *p, const char *what, const char *v, char **items, size_t *n)
{
	while (*v != '\0') {
		char name[128];
		size_t len = strcspn(v, ";");
		size_t i = 0, j;

		while (i < len && v[i] == ' ')
			i++;
		j = len;
		while (j > i && v[j - 1] == ' ')
			j--;
		if (j > i) {
			if (j - i >= sizeof(name) || *n >= POLICY_LIST_MAX) {
				problem(p, p->line, "%s: at most %d names of at most %zu bytes", what,
				    POLICY_LIST_MAX, sizeof(name) - 1);
				return;
			}
			memcpy(name, v + i, j - i);
			name[j - i] = '\0';
			if (text_ok(p, what, name, 100) && (items[*n] = strdup(name)) != NULL)
				(*n)++;
		}
		v += len;
		if (*v == ';')
			v++;
	}
}

static void
header(struct parser *p, const char *key, const char *v)
{
	static const char *const keys[] = { "policy", "department", "title", "desk", "city",
		"bureaus", "districts", "authority" };
	struct policy *pol = p->pol;
	size_t k;

	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		if (strcmp(key, keys[k]) == 0)
			break;
	if (k == sizeof(keys) / sizeof(keys[0])) {
		problem(p, p->line, "unknown key \"%.40s\" (a rule starts with \"rule ID\")", key);
		return;
	}
	if (p->header_seen[k]) {
		problem(p, p->line, "\"%s\" is said twice", key);
		return;
	}
	p->header_seen[k] = true;
	switch (k) {
	case 0:
		if (text_ok(p, "policy", v, 31))
			copy_text(pol->name, sizeof(pol->name), v);
		break;
	case 1:
		if (text_ok(p, "department", v, 127))
			copy_text(pol->department, sizeof(pol->department), v);
		break;
	case 2:
		if (text_ok(p, "title", v, 199))
			copy_text(pol->title, sizeof(pol->title), v);
		break;
	case 3:
		if (text_ok(p, "desk", v, 199))
			copy_text(pol->desk, sizeof(pol->desk), v);
		break;
	case 4:
		if (text_ok(p, "city", v, 63))
			copy_text(pol->city, sizeof(pol->city), v);
		break;
	case 5:
		name_list(p, "bureaus", v, pol->bureaus, &pol->nbureaus);
		break;
	case 7:
		if (text_ok(p, "authority", v, 599))
			copy_text(pol->authority, sizeof(pol->authority), v);
		break;
	default:
		name_list(p, "districts", v, pol->districts, &pol->ndistricts);
		break;
	}
}

/* The checks of one rule, once it is read whole. */
static void
check_rule(struct parser *p, size_t i)
{
	const struct rule *r = &p->pol->rules[i];
	unsigned keys = p->seen[i].keys;
	int line = r->line;

#define HAS(k) ((keys & (1u << (k))) != 0)
	if (HAS(K_CLAUSE) == HAS(K_DEPARTMENT))
		problem(p, line, "rule %s: say either its clause or \"department rule: why\"", r->id);
	if (!HAS(K_SAYS))
		problem(p, line, "rule %s: no \"says\" (the rule in plain words)", r->id);
	if (HAS(K_ENABLED) && r->basis != BASIS_DEPARTMENT)
		problem(p, line, "rule %s: only a department rule may be switched off; a clause holds", r->id);
	if (!HAS(K_EFFECT)) {
		problem(p, line, "rule %s: no effect", r->id);
		return;
	}
	switch (r->effect) {
	case EFFECT_FILE: case EFFECT_DISPATCH: case EFFECT_EXCEPTION: case EFFECT_UNITS: case EFFECT_CAP:
		if (r->actors == 0)
			problem(p, line, "rule %s: %s names no actors", r->id, effect_choices[r->effect].id);
		break;
	case EFFECT_REQUIRE:
		if (r->fields == 0 && r->any_of == 0)
			problem(p, line, "rule %s: require names no fields", r->id);
		break;
	case EFFECT_NOTIFY:
		if (!p->seen[i].has_recipient_word)
			problem(p, line, "rule %s: a notify rule without a recipient", r->id);
		if (r->on_event == EVENT_NONE)
			problem(p, line, "rule %s: a notify rule without an event (on: ...)", r->id);
		break;
	case EFFECT_APPROVE:
		if (r->recipient < 0)
			problem(p, line, "rule %s: an approve rule names the approver's role (notify: ...)", r->id);
		break;
	case EFFECT_CHECKIN: case EFFECT_FOLLOWUP:
		if (r->interval_minutes <= 0)
			problem(p, line, "rule %s: %s needs minutes", r->id, effect_choices[r->effect].id);
		break;
	case EFFECT_SEPARATE: case EFFECT__MAX:
		break;
	}
	if (r->effect == EFFECT_CAP && r->cap_squads < 0 && r->cap_supervisors < 0 && r->cap_special_units < 0)
		problem(p, line, "rule %s: a cap names squads, supervisors or units", r->id);
	if (r->fallback >= 0 && r->recipient < 0)
		problem(p, line, "rule %s: \"else\" without a role to notify first", r->id);
#undef HAS
}

/* Whether an enabled rule tells the chief, when `kind` is filed, of every
 * request that has the facts `given` (conditions beyond them would leave
 * some request out). */
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

static void
check_policy(struct parser *p)
{
	const struct policy *pol = p->pol;
	const uint32_t federal = (uint32_t)1 << COND_FEDERAL;
	const uint32_t party = federal | ((uint32_t)1 << COND_FEDERAL_PARTY);
	int k;
	size_t i;

	if (pol->name[0] == '\0')
		problem(p, 0, "no \"policy:\" (the policy's id)");
	if (pol->department[0] == '\0')
		problem(p, 0, "no \"department:\" (the department's name)");
	for (i = 0; i < pol->n; i++)
		check_rule(p, i);
	for (k = 0; k < KIND__MAX; k++) {
		bool open = false;

		for (i = 0; i < pol->n; i++)
			if (pol->rules[i].enabled && pol->rules[i].effect == EFFECT_FILE &&
			    rule_applies_to(&pol->rules[i], (enum request_kind)k) && pol->rules[i].actors != 0)
				open = true;
		if (!open)
			problem(p, 0, "nobody may file \"%s\": give it a file rule", kind_choices[k].id);
		/* The chief rule is not optional: every federal kind, and any
		 * request a federal agency makes (98-023 §III.B.4). */
		if (kind_is_federal((enum request_kind)k) && !chief_told(pol, (enum request_kind)k,
		    k == KIND_FEDERAL_INCOMING ? party : federal))
			problem(p, 0, "no rule notifies the Chief of Police of every \"%s\" request when it is "
			    "filed: the chief is notified of every federal request", kind_choices[k].id);
	}
	if (!chief_told(pol, KIND_AID_INCOMING, party))
		problem(p, 0, "no rule notifies the Chief of Police when a federal agency asks for aid "
		    "(\"when: federal_party\" on aid_incoming): the chief is notified of every federal request");
}

static void
split_key(char *line, char **key, char **value)
{
	char *colon = strchr(line, ':'), *end;

	*key = line;
	*value = NULL;
	if (colon == NULL)
		return;
	*colon = '\0';
	*value = colon + 1;
	while (**value == ' ' || **value == '\t')
		(*value)++;
	for (end = colon; end > line && (end[-1] == ' ' || end[-1] == '\t'); end--)
		end[-1] = '\0';
}

bool
policy_parse(const char *text, size_t len, struct policy *out, struct policy_errors *errs)
{
	struct parser *p;
	size_t off = 0;
	bool ok;

	memset(errs, 0, sizeof(*errs));
	memset(out, 0, sizeof(*out));
	if (len > POLICY_FILE_MAX) {
		snprintf(errs->text[0], sizeof(errs->text[0]), "the file is larger than %zu bytes", POLICY_FILE_MAX);
		errs->n = 1;
		return false;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (out->rules = calloc(POLICY_RULES_MAX, sizeof(*out->rules))) == NULL) {
		free(p);
		snprintf(errs->text[0], sizeof(errs->text[0]), "out of memory");
		errs->n = 1;
		return false;
	}
	p->pol = out;
	p->errs = errs;
	while (off < len) {
		char line[2048] = "", *key, *value, *s;
		size_t n = 0;
		bool indented;

		p->line++;
		while (off < len && text[off] != '\n') {
			if (n + 1 < sizeof(line))
				line[n] = text[off];
			n++;
			off++;
		}
		off++;
		if (n + 1 >= sizeof(line)) {
			problem(p, p->line, "a line longer than %zu bytes", sizeof(line) - 2);
			continue;
		}
		line[n] = '\0';
		if (memchr(line, '\0', n) != NULL) {
			problem(p, p->line, "a NUL byte");
			continue;
		}
		/* The whole file, comments included, is stored as text, which
		 * PostgreSQL refuses unless it is UTF-8: say so here, with the
		 * line, rather than at `policy load`. */
		if (!utf8_valid(line, n)) {
			problem(p, p->line, "not valid UTF-8");
			continue;
		}
		while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
			line[--n] = '\0';
		indented = line[0] == ' ' || line[0] == '\t';
		for (s = line; *s == ' ' || *s == '\t'; s++)
			;
		if (*s == '\0' || *s == '#')
			continue;
		if (!indented && strncmp(s, "rule ", 5) == 0) {
			start_rule(p, s + 5);
			continue;
		}
		split_key(s, &key, &value);
		if (value == NULL) {
			problem(p, p->line, "expected \"key: value\" or \"rule ID\"");
			continue;
		}
		if (!indented)
			header(p, key, value);
		else if (p->pol->n == 0)
			problem(p, p->line, "an indented line before the first \"rule ID\"");
		else
			rule_attribute(p, key, value);
	}
	check_policy(p);
	ok = errs->n == 0;
	free(p);
	if (!ok)
		policy_free(out);	/* n counts every rule started: all summaries go */
	return ok;
}

bool
policy_parse_file(const char *path, struct policy *out, struct policy_errors *errs, char **text_out)
{
	struct buf b;
	bool ok;

	memset(errs, 0, sizeof(*errs));
	if (text_out != NULL)
		*text_out = NULL;
	buf_init(&b);
	errno = 0;
	if (!buf_read_file(&b, path, POLICY_FILE_MAX)) {
		buf_free(&b);
		snprintf(errs->text[0], sizeof(errs->text[0]), "%.150s: %s", path,
		    errno ? strerror(errno) : "cannot be read");
		errs->n = 1;
		return false;
	}
	ok = policy_parse(b.data ? b.data : "", b.len, out, errs);
	if (ok && text_out != NULL)
		*text_out = buf_take(&b);
	buf_free(&b);
	return ok;
}

/*
 * Reading a policy file (policy_file.h): lines, the header keys, and the
 * driver; the keys of a rule are policy_rule.c's, the checks of the whole
 * policy_check.c's.
 */
#include "policy_file.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "field.h"
#include "form.h"
#include "policy_parse.h"

void
policy_problem(struct parser *p, int line, const char *fmt, ...)
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

/* Text a person will read (policy_parse.h). */
bool
policy_text_ok(struct parser *p, const char *what, const char *v, size_t max)
{
	const unsigned char *s;

	if (*v == '\0') {
		policy_problem(p, p->line, "%s is empty", what);
		return false;
	}
	if (!utf8_valid(v, strlen(v)) || utf8_length(v) > max) {
		policy_problem(p, p->line, "%s is not text of at most %zu characters", what, max);
		return false;
	}
	for (s = (const unsigned char *)v; *s; s++)
		if (*s < 0x20 || *s == 0x7f) {
			policy_problem(p, p->line, "%s holds a control character", what);
			return false;
		}
	return true;
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
				policy_problem(p, p->line, "%s: at most %d names of at most %zu bytes", what,
				    POLICY_LIST_MAX, sizeof(name) - 1);
				return;
			}
			memcpy(name, v + i, j - i);
			name[j - i] = '\0';
			if (policy_text_ok(p, what, name, 100) && (items[*n] = strdup(name)) != NULL)
				(*n)++;
		}
		v += len;
		if (*v == ';')
			v++;
	}
}

/* "acknowledge within: 30 minutes": after that an unacknowledged
 * notification is marked in the inbox (a department setting). */
static void
ack_minutes(struct parser *p, const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);

	while (*end == ' ')
		end++;
	if (end == v || n < 1 || n > 100000 || (*end != '\0' && strcmp(end, "minutes") != 0))
		policy_problem(p, p->line, "acknowledge within: a number of minutes (1 to 100000)");
	else
		p->pol->ack_minutes = (int)n;
}

static void
header(struct parser *p, const char *key, const char *v)
{
	static const char *const keys[] = { "policy", "department", "title", "desk", "city",
		"bureaus", "districts", "authority", "desk phone", "acknowledge within" };
	struct policy *pol = p->pol;
	size_t k;

	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		if (strcmp(key, keys[k]) == 0)
			break;
	if (k == sizeof(keys) / sizeof(keys[0])) {
		policy_problem(p, p->line, "unknown key \"%.40s\" (a rule starts with \"rule ID\")", key);
		return;
	}
	if (p->header_seen[k]) {
		policy_problem(p, p->line, "\"%s\" is said twice", key);
		return;
	}
	p->header_seen[k] = true;
	switch (k) {
	case 0:
		if (policy_text_ok(p, "policy", v, 31))
			snprintf(pol->name, sizeof(pol->name), "%s", v);
		break;
	case 1:
		if (policy_text_ok(p, "department", v, 127))
			snprintf(pol->department, sizeof(pol->department), "%s", v);
		break;
	case 2:
		if (policy_text_ok(p, "title", v, 199))
			snprintf(pol->title, sizeof(pol->title), "%s", v);
		break;
	case 3:
		if (policy_text_ok(p, "desk", v, 199))
			snprintf(pol->desk, sizeof(pol->desk), "%s", v);
		break;
	case 4:
		if (policy_text_ok(p, "city", v, 63))
			snprintf(pol->city, sizeof(pol->city), "%s", v);
		break;
	case 5:
		name_list(p, "bureaus", v, pol->bureaus, &pol->nbureaus);
		break;
	case 7:
		if (policy_text_ok(p, "authority", v, 599))
			snprintf(pol->authority, sizeof(pol->authority), "%s", v);
		break;
	case 8:
		if (policy_text_ok(p, "desk phone", v, 39))
			snprintf(pol->desk_phone, sizeof(pol->desk_phone), "%s", v);
		break;
	case 9:
		ack_minutes(p, v);
		break;
	default:
		name_list(p, "districts", v, pol->districts, &pol->ndistricts);
		break;
	}
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

/*
 * The next line of `text` from *off into `line` (NUL-terminated, trailing
 * white space and CR cut). False, with the problem said, for a line that is
 * too long, holds a NUL byte or is not UTF-8.
 */
static bool
next_line(struct parser *p, const char *text, size_t len, size_t *off, char *line, size_t size)
{
	size_t n = 0;

	p->line++;
	while (*off < len && text[*off] != '\n') {
		if (n + 1 < size)
			line[n] = text[*off];
		n++;
		(*off)++;
	}
	(*off)++;
	if (n + 1 >= size) {
		policy_problem(p, p->line, "a line longer than %zu bytes", size - 2);
		return false;
	}
	line[n] = '\0';
	if (memchr(line, '\0', n) != NULL) {
		policy_problem(p, p->line, "a NUL byte");
		return false;
	}
	/* The whole file, comments included, is stored as text, which
	 * PostgreSQL refuses unless it is UTF-8: say so here, with the line,
	 * rather than at `policy load`. */
	if (!utf8_valid(line, n)) {
		policy_problem(p, p->line, "not valid UTF-8");
		return false;
	}
	while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
		line[--n] = '\0';
	return true;
}

/* One line: a header key, "rule ID", or a key of the rule being read. */
static void
one_line(struct parser *p, char *line)
{
	bool indented = line[0] == ' ' || line[0] == '\t';
	char *key, *value, *s;

	for (s = line; *s == ' ' || *s == '\t'; s++)
		;
	if (*s == '\0' || *s == '#')
		return;
	if (!indented && strncmp(s, "rule ", 5) == 0) {
		policy_rule_start(p, s + 5);
		return;
	}
	split_key(s, &key, &value);
	if (value == NULL)
		policy_problem(p, p->line, "expected \"key: value\" or \"rule ID\"");
	else if (!indented)
		header(p, key, value);
	else if (p->pol->n == 0)
		policy_problem(p, p->line, "an indented line before the first \"rule ID\"");
	else
		policy_rule_attribute(p, key, value);
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
		char line[2048] = "";

		if (next_line(p, text, len, &off, line, sizeof(line)))
			one_line(p, line);
	}
	policy_check(p);
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

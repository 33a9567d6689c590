/*
 * field_check() (field.c), the validator of every form field, for every
 * type of field.h, over a form built with form_add().
 *
 * Input: byte 0 chooses the type, byte 1 the spec (required or not, its
 * length and range limits, and whether the values must be what form_parse()
 * lets through: valid UTF-8 without NUL or control characters, as from a
 * browser; or any bytes, as from portalctl's command line); the rest is the
 * field's values, separated by NUL bytes (a repeated field).
 *
 * Invariants: a refusal has a message and no value; an accepted value is
 * trimmed, within its length, on one line (but a textarea, with LF only),
 * valid UTF-8 when what was sent was, and of its type's shape; dates and
 * times are checked against the C library's calendar (timegm).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "domain.h"
#include "field.h"
#include "form.h"
#include "fuzz.h"

#define NTYPES (FIELD_SECRET + 1)

static bool
form_value_ok(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if ((*p < 0x20 && *p != '\t' && *p != '\r' && *p != '\n') || *p == 0x7f)
			return false;
	return utf8_valid(s, strlen(s));
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Whether s is empty once trimmed. */
static bool
blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (!is_space(*s))
			return false;
	return true;
}

/* Reference for dates: d digits at s, or -1. */
static int
digits(const char *s, size_t d)
{
	int v = 0;
	size_t i;

	for (i = 0; i < d; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* YYYY-MM-DD[THH:MM] naming a real Gregorian date (year 1 to 9999): the
 * C library's timegm() normalizes an impossible date to another one. */
static bool
reference_date(const char *s, bool with_time)
{
	struct tm tm, back;
	time_t t;
	int y, mo, d, h = 0, mi = 0;

	if (strlen(s) != (with_time ? 16u : 10u) || s[4] != '-' || s[7] != '-')
		return false;
	if ((y = digits(s, 4)) < 1 || (mo = digits(s + 5, 2)) < 0 || (d = digits(s + 8, 2)) < 0)
		return false;
	if (with_time && (s[10] != 'T' || s[13] != ':' || (h = digits(s + 11, 2)) < 0 ||
	    (mi = digits(s + 14, 2)) < 0 || h > 23 || mi > 59))
		return false;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	if (mo < 1 || mo > 12 || d < 1 || (t = timegm(&tm)) == (time_t)-1 ||
	    gmtime_r(&t, &back) == NULL)
		return false;
	return back.tm_year == y - 1900 && back.tm_mon == mo - 1 && back.tm_mday == d;
}

/* RFC 5321 §4.1.2: Dot-string "@" Domain, as a mail header carries it
 * between angle brackets: atoms of atext (RFC 5322 §3.2.3) joined by single
 * dots; a domain of at least two labels of letters, digits and inner
 * hyphens. */
static bool
reference_email(const char *s)
{
	const char *at = strchr(s, '@'), *p;
	bool start = true;

	if (at == NULL || at == s || strlen(s) > 254 || at - s > 64)
		return false;
	for (p = s; p < at; p++) {
		if (*p == '.') {
			if (start)
				return false;
			start = true;
		} else if (isalnum((unsigned char)*p) || strchr("!#$%&'*+/=?^_`{|}~-", *p) != NULL)
			start = false;
		else
			return false;
	}
	if (start)
		return false;   /* empty, or a dot at the end of the local part */
	{
		size_t labels = 0, len = 0;

		for (p = at + 1;; p++) {
			if (*p == '.' || *p == '\0') {
				if (len == 0 || p[-1] == '-')
					return false;
				labels++;
				len = 0;
				if (*p == '\0')
					break;
			} else if (isalnum((unsigned char)*p) || (*p == '-' && len > 0))
				len++;
			else
				return false;
		}
		return labels >= 2;
	}
}

static bool
reference_phone(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9')
			n++;
		else if (strchr("+()-. ", *s) == NULL)
			return false;
	}
	return n >= 7 && n <= 20;
}

static bool
reference_login(const char *s)
{
	size_t i, n = strlen(s);

	if (n < 2 || n > 32 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9')))
		return false;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

/* "{a,b}": distinct ids of `choices`, each sent as one of the values. */
static void
check_multi_value(const char *v, const struct choice *choices, const struct form *f,
    const char *name)
{
	char *copy = strdup(v), *id, *save = NULL;
	size_t len = strlen(v), k = 0, n;
	const char *seen[64];

	FUZZ_CHECK(copy != NULL);
	FUZZ_CHECK(len >= 3 && v[0] == '{' && v[len - 1] == '}');
	copy[len - 1] = '\0';
	for (id = strtok_r(copy + 1, ",", &save); id != NULL; id = strtok_r(NULL, ",", &save)) {
		size_t j, i;
		bool sent = false;

		FUZZ_CHECK(choice_find(choices, id) >= 0);
		for (j = 0; j < k; j++)
			FUZZ_CHECK(strcmp(seen[j], id) != 0);
		for (i = 0, n = form_count(f, name); i < n; i++)
			if (strcmp(form_get_nth(f, name, i), id) == 0)
				sent = true;
		FUZZ_CHECK(sent);
		FUZZ_CHECK(k < 64);
		seen[k++] = id;
	}
	FUZZ_CHECK(k > 0);
	free(copy);
}

static void
check_value(const struct field_spec *spec, const struct form *f, const char *raw,
    const char *v, bool raw_utf8)
{
	size_t len = strlen(v);

	FUZZ_CHECK(len > 0);
	if (spec->type == FIELD_SECRET) {
		FUZZ_CHECK(strcmp(v, raw) == 0);   /* as typed */
		FUZZ_CHECK(spec->max_len == 0 || utf8_length(v) <= spec->max_len);
		return;
	}
	if (spec->type == FIELD_MULTI) {
		check_multi_value(v, spec->choices, f, spec->name);
		return;
	}
	FUZZ_CHECK(!is_space(v[0]) && !is_space(v[len - 1]));
	FUZZ_CHECK(spec->max_len == 0 || utf8_length(v) <= spec->max_len);
	if (raw_utf8)
		FUZZ_CHECK(utf8_valid(v, len));
	if (spec->type == FIELD_TEXTAREA)
		FUZZ_CHECK(strchr(v, '\r') == NULL);
	else
		FUZZ_CHECK(strpbrk(v, "\r\n") == NULL);
	switch (spec->type) {
	case FIELD_INT: {
		char *end;
		long n;

		errno = 0;
		n = strtol(v, &end, 10);
		FUZZ_CHECK(errno == 0 && *end == '\0' && n >= spec->min && n <= spec->max);
		FUZZ_CHECK((v[0] >= '0' && v[0] <= '9') || (v[0] == '-' && v[1] >= '0' && v[1] <= '9'));
		break;
	}
	case FIELD_CHOICE:
		FUZZ_CHECK(choice_find(spec->choices, v) >= 0);
		break;
	case FIELD_EMAIL:
		FUZZ_CHECK(reference_email(v));
		break;
	case FIELD_PHONE:
		FUZZ_CHECK(reference_phone(v));
		break;
	case FIELD_DATETIME:
		FUZZ_CHECK(reference_date(v, true));
		break;
	case FIELD_DATE:
		FUZZ_CHECK(reference_date(v, false));
		break;
	case FIELD_LOGIN:
		FUZZ_CHECK(reference_login(v));
		break;
	case FIELD_TEXT:
	case FIELD_TEXTAREA:
	case FIELD_MULTI:
	case FIELD_SECRET:
		break;
	}
}

/* Whether the only value, trimmed, is refused by the reference of its type
 * (for the types whose shape alone decides). */
static bool
reference_refuses(const struct field_spec *spec, const char *raw)
{
	char *t;
	const char *s = raw, *e;
	bool ok;

	while (is_space(*s))
		s++;
	e = s + strlen(s);
	while (e > s && is_space(e[-1]))
		e--;
	t = strndup(s, (size_t)(e - s));
	FUZZ_CHECK(t != NULL);
	switch (spec->type) {
	case FIELD_EMAIL:    ok = reference_email(t); break;
	case FIELD_PHONE:    ok = reference_phone(t); break;
	case FIELD_DATETIME: ok = reference_date(t, true); break;
	case FIELD_DATE:     ok = reference_date(t, false); break;
	case FIELD_LOGIN:    ok = reference_login(t); break;
	default:             ok = true; break;
	}
	if (spec->max_len != 0 && utf8_length(t) > spec->max_len)
		ok = false;
	free(t);
	return !ok;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct choice *const lists[] = {
		special_unit_choices, priority_choices, yesno_choices, federal_agency_choices,
	};
	static const size_t max_lens[] = { 0, 1, 5, 16, 254, 4000 };
	static const long ranges[][2] = { { 0, 99 }, { -50, 50 }, { 1, 1 }, { LONG_MIN, LONG_MAX } };
	struct field_spec spec;
	struct form f;
	const char *err, *raw;
	char *out = (char *)"unset";
	bool browser, raw_utf8 = true;
	size_t i, start, values = 0;

	if (size < 2)
		return 0;
	memset(&spec, 0, sizeof(spec));
	spec.name = "f";
	spec.label = "Field";
	spec.type = (enum field_type)(data[0] % NTYPES);
	spec.required = data[1] & 1;
	browser = (data[1] & 2) == 0;
	spec.max_len = max_lens[(data[1] >> 2) % 6];
	spec.min = ranges[(data[1] >> 5) % 4][0];
	spec.max = ranges[(data[1] >> 5) % 4][1];
	spec.choices = lists[(data[0] / NTYPES) % 4];

	form_init(&f);
	FUZZ_CHECK(form_add(&f, "other", "x"));
	for (start = i = 2; i <= size; i++) {
		char *v;

		if (i < size && data[i] != 0)
			continue;
		v = strndup((const char *)data + start, i - start);
		FUZZ_CHECK(v != NULL);
		if (!form_value_ok(v)) {
			if (browser) {   /* form_parse() never lets it through */
				free(v);
				form_free(&f);
				return 0;
			}
			raw_utf8 = false;
		}
		FUZZ_CHECK(form_add(&f, spec.name, v));
		free(v);
		values++;
		start = i + 1;
	}
	FUZZ_CHECK(form_count(&f, spec.name) == values);
	raw = form_get(&f, spec.name);

	err = field_check(&spec, &f, &out);
	if (err != NULL) {
		FUZZ_CHECK(out == NULL && *err != '\0');
		FUZZ_CHECK(err != field_required_message || spec.required);
		/* A single valid value of a type whose shape decides is never
		 * refused (but for its length). */
		if (values == 1 && spec.type != FIELD_SECRET && spec.type != FIELD_MULTI &&
		    spec.type != FIELD_INT && spec.type != FIELD_CHOICE && !blank(raw) &&
		    err != field_required_message && strpbrk(raw, "\r\n") == NULL)
			FUZZ_CHECK(reference_refuses(&spec, raw));
	} else if (out == NULL) {
		FUZZ_CHECK(!spec.required);
		FUZZ_CHECK(spec.type == FIELD_MULTI || raw == NULL ||
		    (spec.type == FIELD_SECRET ? *raw == '\0' : blank(raw)));
	} else {
		FUZZ_CHECK(spec.type == FIELD_MULTI || values == 1);
		check_value(&spec, &f, raw, out, raw_utf8);
		free(out);
	}
	form_free(&f);
	return 0;
}

#include "field.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

const char field_required_message[] = "is required.";

size_t
utf8_length(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

bool
secret_equal(const char *a, const char *b)
{
	size_t la, lb, i;
	unsigned char diff;

	if (a == NULL || b == NULL)
		return false;
	la = strlen(a);
	lb = strlen(b);
	/* The length of a token is not secret; its bytes are. */
	diff = (unsigned char)(la != lb);
	for (i = 0; i < la && i < lb; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0 && la > 0;
}

static char *
trimmed_copy(const char *s)
{
	const char *end;
	char *out;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r' || end[-1] == '\n'))
		end--;
	if ((out = malloc((size_t)(end - s) + 1)) == NULL)
		return NULL;
	memcpy(out, s, (size_t)(end - s));
	out[end - s] = '\0';
	return out;
}

/* CR LF and lone CR become LF: browsers send CR LF from a textarea. */
static void
fold_newlines(char *s)
{
	char *w = s;

	for (; *s != '\0'; s++) {
		if (*s == '\r') {
			*w++ = '\n';
			if (s[1] == '\n')
				s++;
		} else
			*w++ = *s;
	}
	*w = '\0';
}

/* RFC 5321 §4.1.2: Local-part is a Dot-string (atoms joined by single
 * dots), Domain is sub-domains of letters, digits and inner hyphens joined
 * by dots. SMTP servers refuse other forms (and a quoted local part is not
 * accepted here at all), so an address that passed would never be mailed. */
static bool
valid_email(const char *s)
{
	const char *at = strchr(s, '@'), *p;

	if (at == NULL || at == s || strchr(at + 1, '@') != NULL)
		return false;
	if (strlen(s) > 254 || (size_t)(at - s) > 64)
		return false;
	for (p = s; p < at; p++) {
		if (!isalnum((unsigned char)*p) && strchr("!#$%&'*+/=?^_`{|}~.-", *p) == NULL)
			return false;
		if (*p == '.' && (p == s || p + 1 == at || p[1] == '.'))
			return false;
	}
	if (strchr(at + 1, '.') == NULL)
		return false;
	for (p = at + 1; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-')
			return false;
		/* Each label starts and ends with a letter or digit. */
		if (*p != '.' && *p != '-')
			continue;
		if (p[-1] == '@' || p[-1] == '.' || p[1] == '\0' || p[1] == '.')
			return false;
	}
	return true;
}

static bool
valid_phone(const char *s)
{
	size_t digits = 0;

	for (; *s != '\0'; s++) {
		if (isdigit((unsigned char)*s))
			digits++;
		else if (strchr("+()-. ", *s) == NULL)
			return false;
	}
	return digits >= 7 && digits <= 20;
}

static bool
valid_login(const char *s)
{
	size_t n = strlen(s), i;

	if (n < 2 || n > 32 || !(islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
		return false;
	for (i = 1; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) &&
		    strchr("._-", s[i]) == NULL)
			return false;
	return true;
}

/* YYYY-MM-DD[THH:MM] with a plausible calendar date; PostgreSQL does the rest. */
static bool
valid_datetime(const char *s, bool with_time)
{
	static const char shape[] = "dddd-dd-ddTdd:dd";
	size_t i, n = with_time ? sizeof(shape) - 1 : 10;
	int year, mon, day;

	if (strlen(s) != n)
		return false;
	for (i = 0; i < n; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			return false;
	static const int days[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	year = ((s[0] - '0') * 10 + (s[1] - '0')) * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	mon = (s[5] - '0') * 10 + (s[6] - '0');
	day = (s[8] - '0') * 10 + (s[9] - '0');
	/* A date that exists (Gregorian leap years), so PostgreSQL never refuses it. */
	if (year < 1 || mon < 1 || mon > 12 || day < 1 || day > days[mon - 1] ||
	    (mon == 2 && day == 29 && !(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))))
		return false;
	return !with_time || ((s[11] - '0') * 10 + (s[12] - '0') <= 23 &&
	    (s[14] - '0') * 10 + (s[15] - '0') <= 59);
}

static const char *
check_multi(const struct field_spec *spec, const struct form *form, char **out)
{
	size_t n = form_count(form, spec->name), i, j, kept = 0;
	const char *seen[32];
	struct buf b;

	*out = NULL;
	if (n > 32)
		return "has too many choices.";
	for (i = 0; i < n; i++) {
		const char *v = form_get_nth(form, spec->name, i);

		if (*v == '\0')
			continue;
		if (choice_find(spec->choices, v) < 0)
			return "has a choice that is not on the list.";
		for (j = 0; j < kept; j++)
			if (strcmp(seen[j], v) == 0)
				break;
		if (j == kept)
			seen[kept++] = v;
	}
	if (kept == 0)
		return spec->required ? field_required_message : NULL;
	/* Ids are plain [a-z_] words, so "{a,b}" is a valid PostgreSQL array. */
	buf_init(&b);
	buf_putc(&b, '{');
	for (i = 0; i < kept; i++) {
		if (i > 0)
			buf_putc(&b, ',');
		buf_puts(&b, seen[i]);
	}
	buf_putc(&b, '}');
	if (buf_failed(&b)) {
		buf_free(&b);
		return "could not be read (out of memory).";
	}
	*out = buf_take(&b);
	return NULL;
}

static bool
valid_datetime_minutes(const char *s)
{
	return valid_datetime(s, true);
}

static bool
valid_date(const char *s)
{
	return valid_datetime(s, false);
}

/* The shape each kind of field must have, and what is said when it has
 * not (text of any shape has no entry). */
static const struct {
	bool      (*valid)(const char *);
	const char *message;
} field_shapes[] = {
	[FIELD_EMAIL]    = { valid_email, "must be an e-mail address like name@agency.gov." },
	[FIELD_PHONE]    = { valid_phone, "must be a telephone number (digits, spaces, + ( ) - .)." },
	[FIELD_DATETIME] = { valid_datetime_minutes, "must be a date and time like 2026-11-22T09:00." },
	[FIELD_DATE]     = { valid_date, "must be a date like 2026-11-22." },
	[FIELD_LOGIN]    = { valid_login, "must be 2 to 32 lower-case letters, digits, '.', '_' or '-'." },
};

/* What is wrong with the trimmed, non-empty value `v` of the field, or NULL. */
static const char *
value_problem(const struct field_spec *spec, const char *v)
{
	if (spec->type != FIELD_TEXTAREA && strpbrk(v, "\r\n") != NULL)
		return "must be a single line.";
	if (spec->max_len && utf8_length(v) > spec->max_len)
		return "is too long.";
	if (spec->type == FIELD_INT) {
		char *end;
		long n;

		errno = 0;
		n = strtol(v, &end, 10);
		if (errno != 0 || *end != '\0' || !(isdigit((unsigned char)*v) || *v == '-'))
			return "must be a whole number.";
		return n < spec->min || n > spec->max ? "is out of range." : NULL;
	}
	if (spec->type == FIELD_CHOICE)
		return choice_find(spec->choices, v) < 0 ? "must be one of the choices offered." : NULL;
	if ((size_t)spec->type < sizeof(field_shapes) / sizeof(field_shapes[0]) &&
	    field_shapes[spec->type].valid != NULL && !field_shapes[spec->type].valid(v))
		return field_shapes[spec->type].message;
	return NULL;
}

const char *
field_check(const struct field_spec *spec, const struct form *form, char **out)
{
	const char *raw, *problem;
	char *v;

	*out = NULL;
	if (spec->type == FIELD_MULTI)
		return check_multi(spec, form, out);
	if (form_count(form, spec->name) > 1)
		return "was sent more than once.";
	raw = form_get(form, spec->name);
	if (raw == NULL)
		raw = "";
	if (spec->type == FIELD_SECRET) {
		if (*raw == '\0')
			return spec->required ? field_required_message : NULL;
		if (spec->max_len && utf8_length(raw) > spec->max_len)
			return "is too long.";
		return (*out = strdup(raw)) == NULL ? "could not be read." : NULL;
	}
	if ((v = trimmed_copy(raw)) == NULL)
		return "could not be read (out of memory).";
	if (*v == '\0') {
		free(v);
		return spec->required ? field_required_message : NULL;
	}
	if (spec->type == FIELD_TEXTAREA)
		fold_newlines(v);
	if ((problem = value_problem(spec, v)) != NULL) {
		free(v);
		return problem;
	}
	*out = v;
	return NULL;
}

size_t
fields_check(const struct field_spec *specs, size_t n, const struct form *form,
    char **values, const char **errors)
{
	size_t i, bad = 0;

	for (i = 0; i < n; i++) {
		values[i] = NULL;
		errors[i] = NULL;
		if (specs[i].name == NULL)
			continue;
		if ((errors[i] = field_check(&specs[i], form, &values[i])) != NULL)
			bad++;
	}
	return bad;
}

void
fields_free(char **values, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(values[i]);
		values[i] = NULL;
	}
}

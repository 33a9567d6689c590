/* Unit tests of field.c (table-driven validation), the request field table
 * (request_form.c) and the account fields (account.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "domain.h"
#include "field.h"
#include "form.h"
#include "request_form.h"

static const struct choice colour_choices[] = {
	{ "red", "Red" }, { "green", "Green" }, { "blue", "Blue" },
	{ NULL, NULL }
};

static const struct field_spec spec_text = { "t", "Text", FIELD_TEXT, 5, 0, 0, NULL, false };
static const struct field_spec spec_text_req = { "t", "Text", FIELD_TEXT, 5, 0, 0, NULL, true };
static const struct field_spec spec_area = { "a", "Area", FIELD_TEXTAREA, 20, 0, 0, NULL, false };
static const struct field_spec spec_int = { "n", "Number", FIELD_INT, 4, 0, 99, NULL, false };
static const struct field_spec spec_int_wide = { "n", "Number", FIELD_INT, 20, 0, 99, NULL, false };
static const struct field_spec spec_int_neg = { "n", "Number", FIELD_INT, 6, -50, 50, NULL, false };
static const struct field_spec spec_choice = { "c", "Colour", FIELD_CHOICE, 40, 0, 0, colour_choices, false };
static const struct field_spec spec_multi = { "m", "Colours", FIELD_MULTI, 0, 0, 0, colour_choices, false };
static const struct field_spec spec_multi_req = { "m", "Colours", FIELD_MULTI, 0, 0, 0, colour_choices, true };
static const struct field_spec spec_email = { "e", "E-mail", FIELD_EMAIL, 254, 0, 0, NULL, false };
static const struct field_spec spec_phone = { "p", "Phone", FIELD_PHONE, 40, 0, 0, NULL, false };
static const struct field_spec spec_dt = { "d", "When", FIELD_DATETIME, 16, 0, 0, NULL, false };
static const struct field_spec spec_login = { "l", "Login", FIELD_LOGIN, 32, 0, 0, NULL, true };
static const struct field_spec spec_secret = { "s", "Password", FIELD_SECRET, 8, 0, 0, NULL, true };

/* A form of one field `name` with the (unencoded) value `value`. */
static void
one(struct form *f, const char *name, const char *value)
{
	form_init(f);
	assert_true(form_add(f, name, value));
}

/* Checks `value` against `spec`; expects success and the normalized `want`
 * (NULL: an empty, absent value). */
static void
good(const struct field_spec *spec, const char *value, const char *want)
{
	struct form f;
	char *out = (char *)"unset";
	const char *err;

	one(&f, spec->name, value);
	err = field_check(spec, &f, &out);
	if (err != NULL)
		print_error("field %s value \"%s\": %s\n", spec->name, value, err);
	assert_null(err);
	if (want == NULL)
		assert_null(out);
	else {
		assert_non_null(out);
		assert_string_equal(out, want);
	}
	free(out);
	form_free(&f);
}

/* Checks `value` against `spec`; expects an error (returned) and no value. */
static const char *
bad(const struct field_spec *spec, const char *value)
{
	struct form f;
	char *out = (char *)"unset";
	const char *err;

	one(&f, spec->name, value);
	err = field_check(spec, &f, &out);
	if (err == NULL)
		print_error("field %s value \"%s\" accepted as \"%s\"\n", spec->name,
		    value, out ? out : "(null)");
	assert_non_null(err);
	assert_null(out);
	form_free(&f);
	return err;
}

static void
test_text(void **state)
{
	(void)state;
	good(&spec_text, "abc", "abc");
	good(&spec_text, "  abc \t", "abc");
	good(&spec_text, "a b", "a b");
	good(&spec_text, "a\tb", "a\tb");
	good(&spec_text, "abcde", "abcde");
	good(&spec_text, "   ", NULL);	/* white space only is empty */
	good(&spec_text, "", NULL);
	good(&spec_text, "\r\nabc\r\n", "abc");	/* trimmed before the newline check */
	/* 5 characters of 2 bytes each: 10 bytes, still 5 characters. */
	good(&spec_text, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
	good(&spec_text, "\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac");
	assert_string_equal(bad(&spec_text, "abcdef"), "is too long.");
	assert_string_equal(bad(&spec_text, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9x"),
	    "is too long.");
	assert_string_equal(bad(&spec_text, "a\nb"), "must be a single line.");
	assert_string_equal(bad(&spec_text, "a\rb"), "must be a single line.");
	assert_string_equal(bad(&spec_text, "a\r\nb"), "must be a single line.");
}

static void
test_required_and_optional(void **state)
{
	struct form f;
	char *out = (char *)"unset";

	(void)state;
	assert_string_equal(bad(&spec_text_req, ""), "is required.");
	assert_string_equal(bad(&spec_text_req, "  "), "is required.");
	good(&spec_text_req, "x", "x");
	/* An absent field: required refuses, optional gives NULL. */
	form_init(&f);
	assert_string_equal(field_check(&spec_text_req, &f, &out), "is required.");
	assert_null(out);
	out = (char *)"unset";
	assert_null(field_check(&spec_text, &f, &out));
	assert_null(out);
	out = (char *)"unset";
	assert_null(field_check(&spec_int, &f, &out));
	assert_null(out);
	out = (char *)"unset";
	assert_string_equal(field_check(&spec_secret, &f, &out), "is required.");
	assert_null(out);
	form_free(&f);
}

static void
test_sent_twice(void **state)
{
	struct form f;
	char *out = (char *)"unset";

	(void)state;
	form_init(&f);
	assert_true(form_add(&f, "t", "one"));
	assert_true(form_add(&f, "t", "two"));
	assert_string_equal(field_check(&spec_text, &f, &out), "was sent more than once.");
	assert_null(out);
	form_free(&f);
	/* Even twice the same value, even empty. */
	form_init(&f);
	assert_true(form_add(&f, "n", "1"));
	assert_true(form_add(&f, "n", "1"));
	out = (char *)"unset";
	assert_string_equal(field_check(&spec_int, &f, &out), "was sent more than once.");
	assert_null(out);
	form_free(&f);
	form_init(&f);
	assert_true(form_add(&f, "s", "secretsx"));
	assert_true(form_add(&f, "s", ""));
	out = (char *)"unset";
	assert_string_equal(field_check(&spec_secret, &f, &out), "was sent more than once.");
	assert_null(out);
	form_free(&f);
}

static void
test_textarea(void **state)
{
	(void)state;
	good(&spec_area, "line1\r\nline2", "line1\nline2");
	good(&spec_area, "a\r\n\r\nb", "a\n\nb");
	good(&spec_area, "a\rb", "a\nb");		/* lone CR */
	good(&spec_area, "a\nb", "a\nb");
	good(&spec_area, "\r\n  text  \r\n", "text");
	good(&spec_area, "\r\n", NULL);
	/* Counted after folding: 10 + LF + 9 = 20 characters. */
	good(&spec_area, "0123456789\r\n012345678", "0123456789\n012345678");
	assert_string_equal(bad(&spec_area, "0123456789\r\n0123456789"), "is too long.");
}

static void
test_int(void **state)
{
	(void)state;
	good(&spec_int, "0", "0");
	good(&spec_int, "42", "42");
	good(&spec_int, "99", "99");
	good(&spec_int, " 7 ", "7");
	good(&spec_int, "", NULL);
	good(&spec_int_neg, "-50", "-50");
	good(&spec_int_neg, "-1", "-1");
	good(&spec_int_neg, "50", "50");
	assert_string_equal(bad(&spec_int_wide, "abc"), "must be a whole number.");
	assert_string_equal(bad(&spec_int_wide, "12abc"), "must be a whole number.");
	assert_string_equal(bad(&spec_int_wide, "1.5"), "must be a whole number.");
	assert_string_equal(bad(&spec_int_wide, "1 2"), "must be a whole number.");
	assert_string_equal(bad(&spec_int_wide, "0x1"), "must be a whole number.");
	assert_string_equal(bad(&spec_int_wide, "-"), "must be a whole number.");
	assert_string_equal(bad(&spec_int_wide, "+5"), "must be a whole number.");
	assert_string_equal(bad(&spec_int_wide, "\xd9\xa3"), "must be a whole number.");
	assert_string_equal(bad(&spec_int, "100"), "is out of range.");
	assert_string_equal(bad(&spec_int_wide, "12345"), "is out of range.");
	assert_string_equal(bad(&spec_int_wide, "+ 5"), "must be a whole number.");
	assert_string_equal(bad(&spec_int_wide, " -5"), "is out of range.");
	good(&spec_int_wide, "007", "007");
	assert_string_equal(bad(&spec_int, "-1"), "is out of range.");
	assert_string_equal(bad(&spec_int_neg, "-51"), "is out of range.");
	assert_string_equal(bad(&spec_int_neg, "51"), "is out of range.");
	assert_string_equal(bad(&spec_int_neg, "-- 1"), "must be a whole number.");
	/* Longer than max_len characters. */
	assert_string_equal(bad(&spec_int, "12345"), "is too long.");
}

static void
test_int_overflow(void **state)
{
	static const struct field_spec wide = { "n", "N", FIELD_INT, 0, 0, 1000, NULL, false };

	(void)state;
	assert_string_equal(bad(&wide, "99999999999999999999999"), "must be a whole number.");
	assert_string_equal(bad(&wide, "-99999999999999999999999"), "must be a whole number.");
	good(&wide, "1000", "1000");
}

static void
test_choice(void **state)
{
	(void)state;
	good(&spec_choice, "red", "red");
	good(&spec_choice, " blue ", "blue");
	good(&spec_choice, "", NULL);
	assert_string_equal(bad(&spec_choice, "purple"), "must be one of the choices offered.");
	assert_string_equal(bad(&spec_choice, "Red"), "must be one of the choices offered.");
	assert_string_equal(bad(&spec_choice, "re"), "must be one of the choices offered.");
	assert_string_equal(bad(&spec_choice, "red,blue"), "must be one of the choices offered.");
}

static void
multi(const struct field_spec *spec, const char *const *vals, size_t n,
    const char *want_err, const char *want)
{
	struct form f;
	char *out = (char *)"unset";
	const char *err;
	size_t i;

	form_init(&f);
	for (i = 0; i < n; i++)
		assert_true(form_add(&f, spec->name, vals[i]));
	err = field_check(spec, &f, &out);
	if (want_err == NULL)
		assert_null(err);
	else {
		assert_non_null(err);
		assert_string_equal(err, want_err);
	}
	if (want == NULL)
		assert_null(out);
	else {
		assert_non_null(out);
		assert_string_equal(out, want);
	}
	free(out);
	form_free(&f);
}

static void
test_multi(void **state)
{
	const char *one_v[] = { "red" };
	const char *two[] = { "red", "blue" };
	const char *dup[] = { "blue", "red", "blue", "red" };
	const char *unknown[] = { "red", "purple" };
	const char *empties[] = { "", "" };
	const char *mixed[] = { "", "green", "" };
	const char *many[33];
	size_t i;

	(void)state;
	multi(&spec_multi, one_v, 1, NULL, "{red}");
	multi(&spec_multi, two, 2, NULL, "{red,blue}");
	multi(&spec_multi, dup, 4, NULL, "{blue,red}");
	multi(&spec_multi, unknown, 2, "has a choice that is not on the list.", NULL);
	multi(&spec_multi, empties, 2, NULL, NULL);
	multi(&spec_multi, NULL, 0, NULL, NULL);
	multi(&spec_multi, mixed, 3, NULL, "{green}");
	multi(&spec_multi_req, NULL, 0, "is required.", NULL);
	multi(&spec_multi_req, empties, 2, "is required.", NULL);
	multi(&spec_multi_req, two, 2, NULL, "{red,blue}");
	for (i = 0; i < 33; i++)
		many[i] = "red";
	multi(&spec_multi, many, 32, NULL, "{red}");
	multi(&spec_multi, many, 33, "has too many choices.", NULL);
}

static void
test_email(void **state)
{
	(void)state;
	good(&spec_email, "name@agency.gov", "name@agency.gov");
	good(&spec_email, " a.b+tag@sub.example-x.org ", "a.b+tag@sub.example-x.org");
	good(&spec_email, "o'brien@pd.city.us", "o'brien@pd.city.us");
	bad(&spec_email, "no-at-sign");
	bad(&spec_email, "@agency.gov");
	bad(&spec_email, "a@b@c.gov");
	bad(&spec_email, "a@nodot");
	bad(&spec_email, "a@.gov");
	bad(&spec_email, "a@agency.gov.");
	bad(&spec_email, "a b@agency.gov");
	bad(&spec_email, "a@agen cy.gov");
	bad(&spec_email, "a@agency_x.gov");
	bad(&spec_email, "a<script>@x.gov");
	bad(&spec_email, "\"a\"@x.gov");
	/* RFC 5321 §4.1.2 (found by tests/fuzz/fuzz_field.c): dots only between
	 * atoms, labels that start and end with a letter or digit. */
	bad(&spec_email, "a..b@x.gov");
	bad(&spec_email, ".a@x.gov");
	bad(&spec_email, "a.@x.gov");
	bad(&spec_email, "a@x..gov");
	bad(&spec_email, "a@-x.gov");
	bad(&spec_email, "a@x-.gov");
	bad(&spec_email, "a@x.gov-");
	good(&spec_email, "a.b.c@x-y.z-1.gov", "a.b.c@x-y.z-1.gov");
	/* Local part of 65 characters. */
	bad(&spec_email, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@x.gov");
	good(&spec_email, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@x.gov",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@x.gov");
	assert_string_equal(bad(&spec_email, "x"), "must be an e-mail address like name@agency.gov.");
}

static void
test_phone(void **state)
{
	(void)state;
	good(&spec_phone, "555-0100 1", "555-0100 1");
	good(&spec_phone, "+1 (555) 010-0199", "+1 (555) 010-0199");
	good(&spec_phone, "555.010.0199", "555.010.0199");
	good(&spec_phone, "1234567", "1234567");
	bad(&spec_phone, "123456");		/* 6 digits */
	bad(&spec_phone, "555-CALL-NOW");
	bad(&spec_phone, "555 0100 ext 2");
	bad(&spec_phone, "555/0100/99");
	bad(&spec_phone, "123456789012345678901");	/* 21 digits */
	bad(&spec_phone, "+()-. ");
}

static void
test_datetime(void **state)
{
	(void)state;
	good(&spec_dt, "2026-11-22T09:00", "2026-11-22T09:00");
	good(&spec_dt, "2026-01-01T00:00", "2026-01-01T00:00");
	good(&spec_dt, "2026-12-31T23:59", "2026-12-31T23:59");
	good(&spec_dt, " 2026-11-22T09:00 ", "2026-11-22T09:00");
	assert_string_equal(bad(&spec_dt, "2026-13-22T09:00"),
	    "must be a date and time like 2026-11-22T09:00.");
	bad(&spec_dt, "2026-00-22T09:00");
	bad(&spec_dt, "2026-11-00T09:00");
	bad(&spec_dt, "2026-11-32T09:00");
	bad(&spec_dt, "2026-11-22T24:00");
	bad(&spec_dt, "2026-11-22T09:60");
	bad(&spec_dt, "2026-11-22 09:00");
	bad(&spec_dt, "2026-11-22T9:00");
	bad(&spec_dt, "2026/11/22T09:00");
	bad(&spec_dt, "2026-11-22");
	bad(&spec_dt, "2026-11-22T09:00:00");	/* too long (and wrong shape) */
	bad(&spec_dt, "22-11-2026T09:00");
	bad(&spec_dt, "2026-1a-22T09:00");
	bad(&spec_dt, "tomorrow");
}

static void
test_login(void **state)
{
	(void)state;
	good(&spec_login, "alice", "alice");
	good(&spec_login, "a1", "a1");
	good(&spec_login, "9lives", "9lives");
	good(&spec_login, "j.doe_2-x", "j.doe_2-x");
	good(&spec_login, "abcdefghijklmnopqrstuvwxyz012345", "abcdefghijklmnopqrstuvwxyz012345");
	bad(&spec_login, "a");
	bad(&spec_login, "Alice");
	bad(&spec_login, ".alice");
	bad(&spec_login, "_alice");
	bad(&spec_login, "-alice");
	bad(&spec_login, "al ice");
	bad(&spec_login, "al@ice");
	bad(&spec_login, "al\xc3\xa9");
	bad(&spec_login, "abcdefghijklmnopqrstuvwxyz0123456");	/* 33 */
	assert_string_equal(bad(&spec_login, ""), "is required.");
}

static void
test_secret(void **state)
{
	(void)state;
	good(&spec_secret, "  pass  ", "  pass  ");	/* never trimmed */
	good(&spec_secret, "a\tb", "a\tb");
	good(&spec_secret, "12345678", "12345678");
	good(&spec_secret, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
	assert_string_equal(bad(&spec_secret, "123456789"), "is too long.");
	assert_string_equal(bad(&spec_secret, ""), "is required.");
	/* White space only is a (weak) secret, not an empty one. */
	good(&spec_secret, "   ", "   ");
}

enum { T_TEXT, T_INT, T_CHOICE, T_MULTI, T_HOLE, T__MAX };

static void
test_fields_check(void **state)
{
	static const struct field_spec table[T__MAX] = {
		[T_TEXT] = { "t", "Text", FIELD_TEXT, 5, 0, 0, NULL, true },
		[T_INT] = { "n", "Number", FIELD_INT, 4, 0, 99, NULL, false },
		[T_CHOICE] = { "c", "Colour", FIELD_CHOICE, 40, 0, 0, colour_choices, false },
		[T_MULTI] = { "m", "Colours", FIELD_MULTI, 0, 0, 0, colour_choices, false },
		[T_HOLE] = { NULL, NULL, FIELD_TEXT, 0, 0, 0, NULL, false },
	};
	char *values[T__MAX];
	const char *errors[T__MAX];
	struct form f;

	(void)state;
	assert_int_equal(form_parse(&f, "t=+hi+&n=7&c=green&m=red&m=blue", 31, NULL), FORM_OK);
	assert_int_equal(fields_check(table, T__MAX, &f, values, errors), 0);
	assert_string_equal(values[T_TEXT], "hi");
	assert_string_equal(values[T_INT], "7");
	assert_string_equal(values[T_CHOICE], "green");
	assert_string_equal(values[T_MULTI], "{red,blue}");
	assert_null(values[T_HOLE]);
	assert_null(errors[T_TEXT]);
	assert_null(errors[T_HOLE]);
	fields_free(values, T__MAX);
	assert_null(values[T_TEXT]);
	assert_null(values[T_MULTI]);
	form_free(&f);

	assert_int_equal(form_parse(&f, "n=abc&c=pink&m=red", 18, NULL), FORM_OK);
	assert_int_equal(fields_check(table, T__MAX, &f, values, errors), 3);
	assert_string_equal(errors[T_TEXT], "is required.");
	assert_string_equal(errors[T_INT], "must be a whole number.");
	assert_string_equal(errors[T_CHOICE], "must be one of the choices offered.");
	assert_null(errors[T_MULTI]);
	assert_null(values[T_TEXT]);
	assert_null(values[T_INT]);
	assert_string_equal(values[T_MULTI], "{red}");
	fields_free(values, T__MAX);
	form_free(&f);
}

static void
test_utf8_length(void **state)
{
	(void)state;
	assert_int_equal(utf8_length(""), 0);
	assert_int_equal(utf8_length("abc"), 3);
	assert_int_equal(utf8_length("caf\xc3\xa9"), 4);
	assert_int_equal(utf8_length("\xe6\x97\xa5\xe6\x9c\xac"), 2);
	assert_int_equal(utf8_length("\xf0\x9f\x9a\x93!"), 2);
}

static void
test_secret_equal(void **state)
{
	(void)state;
	assert_true(secret_equal("token123", "token123"));
	assert_true(secret_equal("x", "x"));
	assert_false(secret_equal("token123", "token124"));
	assert_false(secret_equal("token123", "Token123"));
	assert_false(secret_equal("token123", "token1234"));
	assert_false(secret_equal("token1234", "token123"));
	assert_false(secret_equal("token", ""));
	assert_false(secret_equal("", "token"));
	assert_false(secret_equal("", ""));	/* an empty token never matches */
	assert_false(secret_equal(NULL, "token"));
	assert_false(secret_equal("token", NULL));
	assert_false(secret_equal(NULL, NULL));
}

/* ---- the request field table ---- */

static void
test_request_fields_table(void **state)
{
	int i, j;

	(void)state;
	for (i = 0; i < RF__MAX; i++) {
		const struct field_spec *s = &request_fields[i];

		if (s->name == NULL || s->label == NULL)
			print_error("request_fields[%d] has no name or label\n", i);
		assert_non_null(s->name);
		assert_non_null(s->label);
		assert_true(strlen(s->name) > 0);
		assert_true(strlen(s->label) > 0);
		for (j = 0; s->name[j] != '\0'; j++)
			assert_true((s->name[j] >= 'a' && s->name[j] <= 'z') || s->name[j] == '_');
		for (j = i + 1; j < RF__MAX; j++)
			if (strcmp(s->name, request_fields[j].name) == 0) {
				print_error("request field name %s twice\n", s->name);
				fail();
			}
		assert_int_equal(request_field_find(s->name), i);
		if (s->type == FIELD_CHOICE || s->type == FIELD_MULTI)
			assert_non_null(s->choices);
		if (s->type == FIELD_INT)
			assert_true(s->min <= s->max);
		assert_true((int)request_field_section((enum request_field)i) >= 0);
		assert_true((int)request_field_section((enum request_field)i) < RS__MAX);
	}
	assert_int_equal(request_field_find("no_such_field"), -1);
	assert_int_equal(request_field_find(""), -1);
	assert_int_equal(request_field_find("Squads"), -1);
	assert_int_equal(request_field_find("squads"), RF_SQUADS);
	assert_int_equal(request_fields[RF_SPECIAL_UNITS].type, FIELD_MULTI);
	assert_true(request_fields[RF_NATURE].required);
	for (i = 0; i < RS__MAX; i++)
		assert_non_null(request_section_titles[i]);
}

static void
test_request_field_applies(void **state)
{
	int k;

	(void)state;
	for (k = 0; k < KIND__MAX; k++) {
		enum request_kind kind = (enum request_kind)k;
		bool federal = kind == KIND_FEDERAL_INVESTIGATIVE ||
		    kind == KIND_FEDERAL_EMERGENCY || kind == KIND_FEDERAL_INCOMING;

		assert_int_equal(request_field_applies(RF_FEDERAL_AGENCY, kind), federal);
		assert_int_equal(request_field_applies(RF_CASE_NUMBER, kind), federal);
		assert_int_equal(request_field_applies(RF_INVESTIGATION_CATEGORY, kind), federal);
		/* Another agency's request for aid names the district (SOP 230.10
		 * D) or the bureau (C.3.a), federal agencies' too. */
		assert_int_equal(request_field_applies(RF_DISTRICT, kind), kind == KIND_AID_INTERNAL ||
		    kind == KIND_AID_INCOMING || kind == KIND_FEDERAL_INCOMING);
		assert_int_equal(request_field_applies(RF_BUREAU, kind), kind == KIND_AID_INCOMING ||
		    kind == KIND_FEDERAL_INCOMING);
		/* Every kind asks the nature and the priority; the resources
		 * sent to a scene, all but a federal agency's help with a case. */
		assert_true(request_field_applies(RF_NATURE, kind));
		assert_true(request_field_applies(RF_PRIORITY, kind));
		assert_int_equal(request_field_applies(RF_SQUADS, kind), kind != KIND_FEDERAL_INVESTIGATIVE);
		assert_int_equal(request_field_applies(RF_SPECIAL_UNITS, kind), kind != KIND_FEDERAL_INVESTIGATIVE);
		/* Asked wherever the kind does not answer it (98-023 §III.B.2-3). */
		assert_int_equal(request_field_applies(RF_EMERGENCY, kind), kind != KIND_FEDERAL_INVESTIGATIVE &&
		    kind != KIND_FEDERAL_EMERGENCY);
	}
	assert_int_equal(request_kind_emergency(KIND_FEDERAL_INVESTIGATIVE), 0);
	assert_int_equal(request_kind_emergency(KIND_FEDERAL_EMERGENCY), 1);
	assert_int_equal(request_kind_emergency(KIND_AID_INCOMING), -1);
	/* The detective's form asks what defines the request first (issue 13). */
	assert_int_equal(request_field_rank(RF_FEDERAL_AGENCY, KIND_FEDERAL_INVESTIGATIVE), 0);
	assert_int_equal(request_field_rank(RF_CASE_NUMBER, KIND_FEDERAL_INVESTIGATIVE), 1);
	assert_int_equal(request_field_rank(RF_INVESTIGATION_CATEGORY, KIND_FEDERAL_INVESTIGATIVE), 2);
	assert_int_equal(request_field_rank(RF_RADIO_CHANNEL, KIND_AID_INCOMING), -1);
}

static void
test_request_fields_validate(void **state)
{
	char *values[RF__MAX];
	const char *errors[RF__MAX];
	struct form f;
	const char *src = "nature=Riot+downtown&squads=3&special_units=swat&special_units=k9"
	    "&needed_by=2026-11-22T09%3A00&contact_email=desk%40county.gov&emergency=yes"
	    "&requesting_agency_type=county&priority=routine";

	(void)state;
	assert_int_equal(form_parse(&f, src, strlen(src), NULL), FORM_OK);
	assert_int_equal(fields_check(request_fields, RF__MAX, &f, values, errors), 0);
	assert_string_equal(values[RF_REQUESTING_AGENCY_TYPE], "county");
	assert_string_equal(values[RF_NATURE], "Riot downtown");
	assert_string_equal(values[RF_SQUADS], "3");
	assert_string_equal(values[RF_SPECIAL_UNITS], "{swat,k9}");
	assert_string_equal(values[RF_NEEDED_BY], "2026-11-22T09:00");
	assert_string_equal(values[RF_CONTACT_EMAIL], "desk@county.gov");
	assert_string_equal(values[RF_EMERGENCY], "yes");
	assert_null(values[RF_BUREAU]);
	fields_free(values, RF__MAX);
	form_free(&f);

	src = "squads=100&special_units=tanks&emergency=maybe";
	assert_int_equal(form_parse(&f, src, strlen(src), NULL), FORM_OK);
	/* Nature, the requesting agency's type and the priority are required
	 * by the table (an explicit priority, issue 13). */
	assert_int_equal(fields_check(request_fields, RF__MAX, &f, values, errors), 6);
	assert_ptr_equal(errors[RF_PRIORITY], field_required_message);
	assert_non_null(errors[RF_REQUESTING_AGENCY_TYPE]);
	assert_non_null(errors[RF_NATURE]);
	assert_non_null(errors[RF_SQUADS]);
	assert_non_null(errors[RF_SPECIAL_UNITS]);
	assert_non_null(errors[RF_EMERGENCY]);
	fields_free(values, RF__MAX);
	form_free(&f);
}

/* ---- accounts ---- */

static void
test_account_fields(void **state)
{
	int i, j;
	char *values[AF__MAX];
	const char *errors[AF__MAX];
	struct form f;
	const char *src = "login=jdoe&role=officer&name=+Jane+Doe+&email=jdoe%40pd.gov";

	(void)state;
	for (i = 0; i < AF__MAX; i++) {
		assert_non_null(account_fields[i].name);
		assert_non_null(account_fields[i].label);
		for (j = i + 1; j < AF__MAX; j++)
			assert_string_not_equal(account_fields[i].name, account_fields[j].name);
	}
	assert_int_equal(form_parse(&f, src, strlen(src), NULL), FORM_OK);
	assert_int_equal(fields_check(account_fields, AF__MAX, &f, values, errors), 0);
	assert_string_equal(values[AF_LOGIN], "jdoe");
	assert_string_equal(values[AF_ROLE], "officer");
	assert_string_equal(values[AF_NAME], "Jane Doe");
	assert_null(account_check(values, errors));
	fields_free(values, AF__MAX);
	form_free(&f);

	src = "login=X&role=sheriff";
	assert_int_equal(form_parse(&f, src, strlen(src), NULL), FORM_OK);
	assert_int_equal(fields_check(account_fields, AF__MAX, &f, values, errors), 3);
	assert_non_null(errors[AF_LOGIN]);
	assert_non_null(errors[AF_ROLE]);
	assert_string_equal(errors[AF_NAME], "is required.");
	fields_free(values, AF__MAX);
	form_free(&f);
}

static void
test_account_check(void **state)
{
	char *values[AF__MAX] = { 0 };
	const char *errors[AF__MAX] = { 0 };
	const char *msg;

	(void)state;
	/* No role (already refused by the field check): nothing more to say. */
	assert_null(account_check(values, errors));

	values[AF_ROLE] = (char *)"agency";
	msg = account_check(values, errors);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "agency"));
	assert_non_null(errors[AF_AGENCY]);
	errors[AF_AGENCY] = NULL;
	values[AF_AGENCY] = (char *)"County Sheriff";
	assert_null(account_check(values, errors));
	assert_null(errors[AF_AGENCY]);

	values[AF_ROLE] = (char *)"unit_commander";
	values[AF_AGENCY] = NULL;
	msg = account_check(values, errors);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "unit"));
	assert_non_null(errors[AF_UNIT]);
	errors[AF_UNIT] = NULL;
	values[AF_UNIT] = (char *)"swat";
	assert_null(account_check(values, errors));
	assert_null(errors[AF_UNIT]);

	values[AF_ROLE] = (char *)"officer";
	values[AF_UNIT] = NULL;
	assert_null(account_check(values, errors));
	assert_null(errors[AF_AGENCY]);
	assert_null(errors[AF_UNIT]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_required_and_optional),
		cmocka_unit_test(test_sent_twice),
		cmocka_unit_test(test_textarea),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_int_overflow),
		cmocka_unit_test(test_choice),
		cmocka_unit_test(test_multi),
		cmocka_unit_test(test_email),
		cmocka_unit_test(test_phone),
		cmocka_unit_test(test_datetime),
		cmocka_unit_test(test_login),
		cmocka_unit_test(test_secret),
		cmocka_unit_test(test_fields_check),
		cmocka_unit_test(test_utf8_length),
		cmocka_unit_test(test_secret_equal),
		cmocka_unit_test(test_request_fields_table),
		cmocka_unit_test(test_request_field_applies),
		cmocka_unit_test(test_request_fields_validate),
		cmocka_unit_test(test_account_fields),
		cmocka_unit_test(test_account_check),
	};

	return cmocka_run_group_tests_name("field", tests, NULL, NULL);
}

/* Unit tests of form.c: the strict application/x-www-form-urlencoded parser. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"

/* Parses a NUL-terminated string with the default limits. */
static enum form_error
parse(struct form *f, const char *s)
{
	return form_parse(f, s, strlen(s), NULL);
}

/* Expects `s` to be refused with `want`, leaving an empty form. */
static void
refused_with(const char *s, enum form_error want)
{
	struct form f;
	enum form_error e = parse(&f, s);

	if (e != want)
		print_error("input \"%s\": got %d, want %d\n", s, (int)e, (int)want);
	assert_int_equal(e, want);
	assert_int_equal(f.n, 0);
	assert_null(f.pairs);
	form_free(&f);
}

/* Expects `s` to parse, with name "v" holding `want`. */
static void
parses_to(const char *s, const char *want)
{
	struct form f;

	assert_int_equal(parse(&f, s), FORM_OK);
	assert_non_null(form_get(&f, "v"));
	assert_string_equal(form_get(&f, "v"), want);
	form_free(&f);
}

static void
test_simple_pairs(void **state)
{
	struct form f;

	(void)state;
	assert_int_equal(parse(&f, "a=1&b=two&c="), FORM_OK);
	assert_int_equal(f.n, 3);
	assert_string_equal(f.pairs[0].name, "a");
	assert_string_equal(f.pairs[0].value, "1");
	assert_string_equal(form_get(&f, "b"), "two");
	assert_string_equal(form_get(&f, "c"), "");
	assert_null(form_get(&f, "d"));
	assert_int_equal(form_count(&f, "d"), 0);
	form_free(&f);
	assert_int_equal(f.n, 0);
	assert_null(f.pairs);
}

static void
test_plus_is_space(void **state)
{
	(void)state;
	parses_to("v=hello+world+", "hello world ");
	parses_to("v=a%2Bb", "a+b");	/* an escaped '+' stays a '+' */
}

static void
test_percent_decoding(void **state)
{
	struct form f;

	(void)state;
	parses_to("v=%41%42%43", "ABC");
	parses_to("v=%3c%3E", "<>");
	parses_to("v=%2f%2F", "//");
	parses_to("v=a%26b%3Dc", "a&b=c");
	parses_to("v=100%25", "100%");
	/* Names are decoded too. */
	assert_int_equal(parse(&f, "first+name=x&%76=y"), FORM_OK);
	assert_string_equal(form_get(&f, "first name"), "x");
	assert_string_equal(form_get(&f, "v"), "y");
	form_free(&f);
}

static void
test_repeated_names(void **state)
{
	struct form f;

	(void)state;
	assert_int_equal(parse(&f, "u=swat&x=1&u=k9&u=dive"), FORM_OK);
	assert_int_equal(form_count(&f, "u"), 3);
	assert_int_equal(form_count(&f, "x"), 1);
	assert_string_equal(form_get(&f, "u"), "swat");
	assert_string_equal(form_get_nth(&f, "u", 0), "swat");
	assert_string_equal(form_get_nth(&f, "u", 1), "k9");
	assert_string_equal(form_get_nth(&f, "u", 2), "dive");
	assert_null(form_get_nth(&f, "u", 3));
	assert_null(form_get_nth(&f, "x", 1));
	form_free(&f);
}

static void
test_empty_segments_skipped(void **state)
{
	struct form f;

	(void)state;
	assert_int_equal(parse(&f, "a=1&&b=2"), FORM_OK);
	assert_int_equal(f.n, 2);
	assert_string_equal(form_get(&f, "a"), "1");
	assert_string_equal(form_get(&f, "b"), "2");
	form_free(&f);

	assert_int_equal(parse(&f, "&&&a=1&&&"), FORM_OK);
	assert_int_equal(f.n, 1);
	form_free(&f);

	assert_int_equal(parse(&f, "&"), FORM_OK);
	assert_int_equal(f.n, 0);
	form_free(&f);
}

static void
test_name_without_equals(void **state)
{
	struct form f;

	(void)state;
	assert_int_equal(parse(&f, "flag&b=2"), FORM_OK);
	assert_int_equal(f.n, 2);
	assert_string_equal(f.pairs[0].name, "flag");
	assert_string_equal(form_get(&f, "flag"), "");
	assert_string_equal(form_get(&f, "b"), "2");
	form_free(&f);

	/* "=x": an empty name; "a==b": the value keeps the second '='. */
	assert_int_equal(parse(&f, "=x&a==b"), FORM_OK);
	assert_int_equal(f.n, 2);
	assert_string_equal(f.pairs[0].name, "");
	assert_string_equal(f.pairs[0].value, "x");
	assert_string_equal(form_get(&f, "a"), "=b");
	form_free(&f);
}

static void
test_empty_input(void **state)
{
	struct form f;

	(void)state;
	assert_int_equal(form_parse(&f, "", 0, NULL), FORM_OK);
	assert_int_equal(f.n, 0);
	assert_null(form_get(&f, "a"));
	assert_int_equal(form_count(&f, "a"), 0);
	form_free(&f);
}

static void
test_len_bounds_input(void **state)
{
	struct form f;
	const char src[] = "a=1&b=2";

	(void)state;
	/* Only len bytes are read: "a=1" (the rest is not part of the input). */
	assert_int_equal(form_parse(&f, src, 3, NULL), FORM_OK);
	assert_int_equal(f.n, 1);
	assert_string_equal(form_get(&f, "a"), "1");
	assert_null(form_get(&f, "b"));
	form_free(&f);

	/* An escape cut by len is malformed. */
	assert_int_equal(form_parse(&f, "a=%41", 4, NULL), FORM_BAD_ESCAPE);
	form_free(&f);
}

static void
test_malformed_escapes(void **state)
{
	(void)state;
	refused_with("v=%", FORM_BAD_ESCAPE);
	refused_with("v=%4", FORM_BAD_ESCAPE);
	refused_with("v=%zz", FORM_BAD_ESCAPE);
	refused_with("v=%4g", FORM_BAD_ESCAPE);
	refused_with("v=%g4", FORM_BAD_ESCAPE);
	refused_with("v=%%41", FORM_BAD_ESCAPE);
	refused_with("%=1", FORM_BAD_ESCAPE);
	refused_with("a=1&v=%4&b=2", FORM_BAD_ESCAPE);
	refused_with("v=%-1", FORM_BAD_ESCAPE);
	refused_with("v=% 1", FORM_BAD_ESCAPE);
}

static void
test_decoded_nul(void **state)
{
	(void)state;
	refused_with("v=%00", FORM_NUL);
	refused_with("v=abc%00def", FORM_NUL);
	refused_with("%00=1", FORM_NUL);
	refused_with("a=ok&v=%00", FORM_NUL);
}

static void
test_raw_nul(void **state)
{
	struct form f;
	const char src[] = "a=1\0&b=2";	/* 8 bytes with a NUL inside */

	(void)state;
	assert_int_equal(form_parse(&f, src, sizeof(src) - 1, NULL), FORM_NUL);
	assert_int_equal(f.n, 0);
	form_free(&f);

	assert_int_equal(form_parse(&f, "\0", 1, NULL), FORM_NUL);
	assert_int_equal(f.n, 0);
	form_free(&f);
}

static void
test_control_characters(void **state)
{
	(void)state;
	refused_with("v=%01", FORM_CONTROL);
	refused_with("v=%1F", FORM_CONTROL);
	refused_with("v=%1b[31m", FORM_CONTROL);
	refused_with("v=%7F", FORM_CONTROL);
	refused_with("v=%7f", FORM_CONTROL);
	refused_with("v=%08", FORM_CONTROL);
	refused_with("v=%0B", FORM_CONTROL);
	refused_with("v=%0C", FORM_CONTROL);
	refused_with("%01=x", FORM_CONTROL);
	refused_with("v=a\x01", FORM_CONTROL);	/* raw, not escaped */
	refused_with("v=a\x7f", FORM_CONTROL);
	/* The C1 controls, U+0080..U+009F, escaped or raw. */
	refused_with("v=%C2%80", FORM_CONTROL);
	refused_with("v=a%C2%85b", FORM_CONTROL);	/* NEL, a line break to some */
	refused_with("v=%C2%9B31m", FORM_CONTROL);	/* CSI */
	refused_with("v=%c2%9f", FORM_CONTROL);
	refused_with("%C2%85=x", FORM_CONTROL);
	refused_with("v=a\xc2\x85", FORM_CONTROL);
	/* Their neighbours are characters: NBSP, '\u00a9', and 0x85 as a
	 * continuation byte of another character (U+2026, the ellipsis). */
	parses_to("v=%C2%A0", "\xc2\xa0");
	parses_to("v=%C2%A9", "\xc2\xa9");
	parses_to("v=%E2%80%A6", "\xe2\x80\xa6");
	parses_to("v=%C3%82%C2%A9", "\xc3\x82\xc2\xa9");
	/* TAB, CR and LF are text. */
	parses_to("v=a%09b", "a\tb");
	parses_to("v=line1%0D%0Aline2%0a", "line1\r\nline2\n");
	parses_to("v=a\tb", "a\tb");
}

static void
test_bad_utf8(void **state)
{
	(void)state;
	refused_with("v=%C3%28", FORM_BAD_UTF8);		/* bad continuation */
	refused_with("v=%C0%AF", FORM_BAD_UTF8);		/* overlong '/' */
	refused_with("v=%C1%81", FORM_BAD_UTF8);		/* overlong 'A' */
	refused_with("v=%E0%80%AF", FORM_BAD_UTF8);	/* overlong, 3 bytes */
	refused_with("v=%F0%80%80%AF", FORM_BAD_UTF8);	/* overlong, 4 bytes */
	refused_with("v=%ED%A0%80", FORM_BAD_UTF8);	/* U+D800 surrogate */
	refused_with("v=%ED%BF%BF", FORM_BAD_UTF8);	/* U+DFFF surrogate */
	refused_with("v=%F4%90%80%80", FORM_BAD_UTF8);	/* U+110000 */
	refused_with("v=%F5%80%80%80", FORM_BAD_UTF8);
	refused_with("v=%FF", FORM_BAD_UTF8);
	refused_with("v=%FE", FORM_BAD_UTF8);
	refused_with("v=%E2%82", FORM_BAD_UTF8);		/* truncated */
	refused_with("v=%E2%82x", FORM_BAD_UTF8);
	refused_with("v=%80", FORM_BAD_UTF8);		/* lone continuation */
	refused_with("v=%C3", FORM_BAD_UTF8);
	refused_with("%C3=1", FORM_BAD_UTF8);		/* in a name */
	refused_with("v=\xC3\x28", FORM_BAD_UTF8);	/* raw bytes */
}

static void
test_valid_multibyte(void **state)
{
	(void)state;
	parses_to("v=caf%C3%A9", "caf\xc3\xa9");				/* é */
	parses_to("v=%E6%97%A5%E6%9C%AC", "\xe6\x97\xa5\xe6\x9c\xac");	/* 日本 */
	parses_to("v=%F0%9F%9A%93", "\xf0\x9f\x9a\x93");			/* 🚓 */
	parses_to("v=%F4%8F%BF%BF", "\xf4\x8f\xbf\xbf");			/* U+10FFFF */
	parses_to("v=%EE%80%80", "\xee\x80\x80");				/* U+E000 */
	parses_to("v=%ED%9F%BF", "\xed\x9f\xbf");				/* U+D7FF */
	parses_to("v=%C2%A0", "\xc2\xa0");					/* U+00A0 (U+0080..U+009F: controls) */
	parses_to("v=\xc3\xa9t\xc3\xa9", "\xc3\xa9t\xc3\xa9");		/* raw UTF-8 */
}

static void
test_too_large(void **state)
{
	struct form f;
	struct form_limits lim = { .max_bytes = 8, .max_pairs = 10 };
	char *big;
	size_t n = form_default_limits.max_bytes + 1;

	(void)state;
	assert_int_equal(form_parse(&f, "a=123456", 8, &lim), FORM_OK);
	form_free(&f);
	assert_int_equal(form_parse(&f, "a=1234567", 9, &lim), FORM_TOO_LARGE);
	assert_int_equal(f.n, 0);
	form_free(&f);

	/* The default limit. */
	big = malloc(n + 1);
	assert_non_null(big);
	memset(big, 'a', n);
	big[0] = 'v';
	big[1] = '=';
	big[n] = '\0';
	assert_int_equal(form_parse(&f, big, n, NULL), FORM_TOO_LARGE);
	form_free(&f);
	assert_int_equal(form_parse(&f, big, n - 1, NULL), FORM_OK);
	assert_int_equal(strlen(form_get(&f, "v")), n - 3);
	form_free(&f);
	free(big);
}

static void
test_too_many(void **state)
{
	struct form f;
	struct form_limits lim = { .max_bytes = 1024, .max_pairs = 3 };
	char src[8192];
	size_t i, len = 0;

	(void)state;
	assert_int_equal(parse(&f, ""), FORM_OK);
	form_free(&f);
	assert_int_equal(form_parse(&f, "a=1&b=2&c=3", 11, &lim), FORM_OK);
	assert_int_equal(f.n, 3);
	form_free(&f);
	assert_int_equal(form_parse(&f, "a=1&b=2&c=3&d=4", 15, &lim), FORM_TOO_MANY);
	assert_int_equal(f.n, 0);
	assert_null(f.pairs);
	form_free(&f);
	/* Empty segments do not count. */
	assert_int_equal(form_parse(&f, "a=1&&&b=2&&c=3&", 15, &lim), FORM_OK);
	assert_int_equal(f.n, 3);
	form_free(&f);

	/* The default limit (256), beyond the first reallocations. */
	for (i = 0; i <= form_default_limits.max_pairs; i++)
		len += (size_t)snprintf(src + len, sizeof(src) - len, "%sp=%zu",
		    i ? "&" : "", i);
	assert_true(len < sizeof(src));
	assert_int_equal(form_parse(&f, src, len, NULL), FORM_TOO_MANY);
	form_free(&f);
	len = (size_t)(strrchr(src, '&') - src);
	assert_int_equal(form_parse(&f, src, len, NULL), FORM_OK);
	assert_int_equal(f.n, form_default_limits.max_pairs);
	assert_int_equal(form_count(&f, "p"), form_default_limits.max_pairs);
	assert_string_equal(form_get_nth(&f, "p", 255), "255");
	form_free(&f);
}

static void
test_error_later_in_input_frees(void **state)
{
	/* Pairs parsed before the error are released (the leak check sees it). */
	(void)state;
	refused_with("a=1&b=2&c=3&d=%ZZ", FORM_BAD_ESCAPE);
	refused_with("a=1&b=2&c=3&%ZZ=d", FORM_BAD_ESCAPE);
	refused_with("a=1&b=2&c=%C3", FORM_BAD_UTF8);
}

static void
test_utf8_valid(void **state)
{
	(void)state;
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid("plain ascii", 11));
	assert_true(utf8_valid("\xc3\xa9", 2));
	assert_true(utf8_valid("\xc2\x80", 2));		/* valid UTF-8; form_parse refuses it as a control */
	assert_true(utf8_valid("\xe6\x97\xa5\xe6\x9c\xac", 6));
	assert_true(utf8_valid("\xf0\x9f\x98\x80", 4));
	assert_true(utf8_valid("\xf4\x8f\xbf\xbf", 4));
	assert_true(utf8_valid("\xef\xbb\xbf", 3));	/* BOM is a character */
	assert_true(utf8_valid("a\0b", 3));		/* NUL is ASCII to utf8_valid */
	assert_false(utf8_valid("\xc3\x28", 2));
	assert_false(utf8_valid("\xc0\xaf", 2));
	assert_false(utf8_valid("\xc1\xbf", 2));
	assert_false(utf8_valid("\xe0\x9f\xbf", 3));	/* overlong U+07FF */
	assert_false(utf8_valid("\xf0\x8f\xbf\xbf", 4));	/* overlong U+FFFF */
	assert_false(utf8_valid("\xed\xa0\x80", 3));
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4));
	assert_false(utf8_valid("\xf8\x88\x80\x80\x80", 5));
	assert_false(utf8_valid("\xe2\x82", 2));
	assert_false(utf8_valid("\xe2\x82\xac", 2));	/* cut by the length */
	assert_false(utf8_valid("\xf0\x9f\x98", 3));
	assert_false(utf8_valid("\x80", 1));
	assert_false(utf8_valid("\xbf", 1));
	assert_false(utf8_valid("ok\xff", 3));
	assert_true(utf8_valid("ok\xff", 2));	/* only len bytes are read */
}

static void
test_form_add(void **state)
{
	struct form f;

	(void)state;
	form_init(&f);
	assert_int_equal(f.n, 0);
	assert_true(form_add(&f, "login", "alice"));
	assert_true(form_add(&f, "role", "officer"));
	assert_true(form_add(&f, "role", ""));
	assert_int_equal(f.n, 3);
	assert_string_equal(form_get(&f, "login"), "alice");
	assert_int_equal(form_count(&f, "role"), 2);
	assert_string_equal(form_get_nth(&f, "role", 1), "");
	form_free(&f);

	/* form_add after form_parse appends to the parsed pairs. */
	assert_int_equal(parse(&f, "a=1"), FORM_OK);
	assert_true(form_add(&f, "b", "two words"));
	assert_int_equal(f.n, 2);
	assert_string_equal(form_get(&f, "a"), "1");
	assert_string_equal(form_get(&f, "b"), "two words");
	form_free(&f);
}

static void
test_form_add_copies(void **state)
{
	struct form f;
	char name[8] = "n", value[8] = "v";

	(void)state;
	form_init(&f);
	assert_true(form_add(&f, name, value));
	name[0] = 'x';
	value[0] = 'y';
	assert_string_equal(form_get(&f, "n"), "v");
	form_free(&f);
}

static void
test_error_text(void **state)
{
	enum form_error e;

	(void)state;
	for (e = FORM_OK; e <= FORM_NOMEM; e++) {
		assert_non_null(form_error_text(e));
		assert_true(strlen(form_error_text(e)) > 0);
	}
	assert_non_null(strstr(form_error_text(FORM_BAD_UTF8), "UTF-8"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_pairs),
		cmocka_unit_test(test_plus_is_space),
		cmocka_unit_test(test_percent_decoding),
		cmocka_unit_test(test_repeated_names),
		cmocka_unit_test(test_empty_segments_skipped),
		cmocka_unit_test(test_name_without_equals),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_len_bounds_input),
		cmocka_unit_test(test_malformed_escapes),
		cmocka_unit_test(test_decoded_nul),
		cmocka_unit_test(test_raw_nul),
		cmocka_unit_test(test_control_characters),
		cmocka_unit_test(test_bad_utf8),
		cmocka_unit_test(test_valid_multibyte),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_error_later_in_input_frees),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_form_add),
		cmocka_unit_test(test_form_add_copies),
		cmocka_unit_test(test_error_text),
	};

	return cmocka_run_group_tests_name("form", tests, NULL, NULL);
}

/* Unit tests of http.c: the Cookie header lookup (RFC 6265 §5.4). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "http.h"

static void
test_cookie_found(void **state)
{
	static const struct { const char *header, *name, *want; } cases[] = {
		{ "portal_session=abc", "portal_session", "abc" },
		{ "a=1; portal_session=abc; b=2", "portal_session", "abc" },
		{ "a=1;portal_session=abc", "portal_session", "abc" },
		{ "portal_session=", "portal_session", "" },
		/* The first of two pairs of one name (RFC 6265 §5.4 orders them). */
		{ "x=1; x=2", "x", "1" },
		/* A value may hold '=' and spaces; only ';' ends it. */
		{ "t=a=b c", "t", "a=b c" },
		{ " ;; x=1 ;", "x", "1 " },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[64];

		memset(out, 'z', sizeof(out));
		if (!http_cookie_find(cases[i].header, cases[i].name, out, sizeof(out)))
			print_error("case %zu: \"%s\" not found in \"%s\"\n", i, cases[i].name,
			    cases[i].header);
		assert_true(http_cookie_find(cases[i].header, cases[i].name, out, sizeof(out)));
		assert_string_equal(out, cases[i].want);
	}
}

static void
test_cookie_absent(void **state)
{
	static const struct { const char *header, *name; } cases[] = {
		{ NULL, "x" },
		{ "", "x" },
		{ "x", "x" },                       /* no '=' */
		{ "xy=1", "x" },                    /* a longer name */
		{ "yx=1", "x" },
		{ "a=x=1", "x" },                   /* inside another's value */
		{ ";;; ", "x" },
		{ "X=1", "x" },                     /* names are case-sensitive */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[16];

		assert_false(http_cookie_find(cases[i].header, cases[i].name, out, sizeof(out)));
	}
}

/* A value that does not fit (with its NUL) is refused, never cut short. */
static void
test_cookie_too_long(void **state)
{
	char out[4];

	(void)state;
	assert_true(http_cookie_find("x=abc", "x", out, sizeof(out)));
	assert_string_equal(out, "abc");
	assert_false(http_cookie_find("x=abcd", "x", out, sizeof(out)));
	assert_false(http_cookie_find("x=", "x", out, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cookie_found),
		cmocka_unit_test(test_cookie_absent),
		cmocka_unit_test(test_cookie_too_long),
	};

	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}

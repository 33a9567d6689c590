/* Unit tests of http.c: the Origin check of forms (http_same_origin), the
 * form's Content-Type (http_form_type_ok) and the Cookie header lookup
 * (RFC 6265 §5.4). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "http.h"

static void
test_no_origin_header_is_left_to_the_token(void **state)
{
	(void)state;
	assert_true(http_same_origin(NULL, "127.0.0.1:8080", false));
	assert_true(http_same_origin(NULL, NULL, true));
}

static void
test_own_origin(void **state)
{
	(void)state;
	assert_true(http_same_origin("http://127.0.0.1:8080", "127.0.0.1:8080", false));
	assert_true(http_same_origin("https://portal.example.gov", "portal.example.gov", true));
	/* Scheme and host are case-insensitive (RFC 3986 §3.1, §3.2.2). */
	assert_true(http_same_origin("HTTPS://Portal.Example.GOV", "portal.example.gov", true));
}

static void
test_other_origins(void **state)
{
	(void)state;
	assert_false(http_same_origin("http://evil.example", "127.0.0.1:8080", false));
	assert_false(http_same_origin("null", "127.0.0.1:8080", false));
	assert_false(http_same_origin("", "127.0.0.1:8080", false));
	/* Another port, another scheme, a longer or shorter host. */
	assert_false(http_same_origin("http://127.0.0.1:8081", "127.0.0.1:8080", false));
	assert_false(http_same_origin("http://127.0.0.1", "127.0.0.1:8080", false));
	assert_false(http_same_origin("http://127.0.0.1:80800", "127.0.0.1:8080", false));
	assert_false(http_same_origin("https://127.0.0.1:8080", "127.0.0.1:8080", false));
	assert_false(http_same_origin("http://portal.example.gov", "portal.example.gov", true));
	assert_false(http_same_origin("http://portal.example.gov.evil.example", "portal.example.gov", false));
	assert_false(http_same_origin("http://portal.example.gov/", "portal.example.gov", false));
	assert_false(http_same_origin("portal.example.gov", "portal.example.gov", false));
}

static void
test_no_host_cannot_be_verified(void **state)
{
	(void)state;
	assert_false(http_same_origin("http://127.0.0.1:8080", NULL, false));
	assert_false(http_same_origin("http://", "", false));
}

static void
test_form_type(void **state)
{
	(void)state;
	assert_true(http_form_type_ok("application/x-www-form-urlencoded"));
	assert_true(http_form_type_ok("application/x-www-form-urlencoded;charset=UTF-8"));
	assert_true(http_form_type_ok("Application/X-WWW-Form-URLEncoded; charset=utf-8"));
	/* White space before the ';' (RFC 9110 §8.3.1, OWS). */
	assert_true(http_form_type_ok("application/x-www-form-urlencoded ; charset=UTF-8"));
	assert_true(http_form_type_ok("application/x-www-form-urlencoded\t;charset=UTF-8"));
	assert_true(http_form_type_ok("application/x-www-form-urlencoded "));
	assert_false(http_form_type_ok(NULL));
	assert_false(http_form_type_ok(""));
	assert_false(http_form_type_ok("application/x-www-form-urlencodedX"));
	assert_false(http_form_type_ok("application/x-www-form-urlencoded-extra"));
	assert_false(http_form_type_ok("application/x-www-form-urlencoded x"));
	assert_false(http_form_type_ok("application/x-www-form"));
	assert_false(http_form_type_ok("multipart/form-data; boundary=x"));
	assert_false(http_form_type_ok("application/json"));
	assert_false(http_form_type_ok("text/plain"));
}

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
		cmocka_unit_test(test_no_origin_header_is_left_to_the_token),
		cmocka_unit_test(test_own_origin),
		cmocka_unit_test(test_other_origins),
		cmocka_unit_test(test_no_host_cannot_be_verified),
		cmocka_unit_test(test_form_type),
		cmocka_unit_test(test_cookie_found),
		cmocka_unit_test(test_cookie_absent),
		cmocka_unit_test(test_cookie_too_long),
	};

	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}

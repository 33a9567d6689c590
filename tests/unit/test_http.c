/* Unit tests of http.c: the Origin check of forms (http_same_origin) and
 * the form's Content-Type (http_form_type_ok). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_origin_header_is_left_to_the_token),
		cmocka_unit_test(test_own_origin),
		cmocka_unit_test(test_other_origins),
		cmocka_unit_test(test_no_host_cannot_be_verified),
		cmocka_unit_test(test_form_type),
	};

	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}

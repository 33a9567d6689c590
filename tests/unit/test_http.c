/* Unit tests of http.c: the Origin check of forms (http_same_origin). */
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_origin_header_is_left_to_the_token),
		cmocka_unit_test(test_own_origin),
		cmocka_unit_test(test_other_origins),
		cmocka_unit_test(test_no_host_cannot_be_verified),
	};

	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}

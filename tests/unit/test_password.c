/* Unit tests of password.c: the rules of NIST SP 800-63B §5.1.1.2 with
 * the default minimum (no database: the setting's default, 12). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "account.h"
#include "password.h"

static void
test_nist_800_63b_length_at_least_12_characters_at_most_256_bytes(void **state)
{
	char longpw[PASSWORD_MAX + 2];

	(void)state;
	assert_null(password_rules(NULL, "correct horse battery staple", NULL, NULL, NULL));
	assert_non_null(strstr(password_rules(NULL, "tangerine42", NULL, NULL, NULL), "at least 12 characters"));
	/* Twelve characters in twenty-four bytes are twelve. */
	assert_null(password_rules(NULL, "\xc3\xa9t\xc3\xa9 brun\xc3\xa9 orag\xc3\xa9", NULL, NULL, NULL));
	assert_non_null(password_rules(NULL, "", NULL, NULL, NULL));
	assert_non_null(password_rules(NULL, NULL, NULL, NULL, NULL));
	memset(longpw, 'x', PASSWORD_MAX + 1);
	longpw[PASSWORD_MAX + 1] = '\0';
	assert_string_equal(password_rules(NULL, longpw, NULL, NULL, NULL),
	    "The password must have at most 256 bytes.");
	assert_non_null(password_rules(NULL, "correct horse battery\xff", NULL, NULL, NULL));
}

static void
test_nist_800_63b_no_composition_rules(void **state)
{
	(void)state;
	/* Lower case letters and spaces only: fine. */
	assert_null(password_rules(NULL, "purple monkey dishwasher lamp", NULL, NULL, NULL));
}

static void
test_nist_800_63b_common_passwords_refused(void **state)
{
	const char *why;

	(void)state;
	why = password_rules(NULL, "password1234", NULL, NULL, NULL);
	assert_non_null(why);
	assert_non_null(strstr(why, "too easy to guess"));
	assert_non_null(password_rules(NULL, "aaaaaaaaaaaaaa", NULL, NULL, NULL));
	assert_non_null(password_rules(NULL, "qwertyuiop!!", NULL, NULL, NULL));
}

static void
test_nist_800_63b_context_words_refused(void **state)
{
	const char *why;

	(void)state;
	why = password_rules(NULL, "jsmith-2024!x", "jsmith", "Jordan Smith", NULL);
	assert_non_null(why);
	assert_non_null(strstr(why, "too close to your login"));
	assert_non_null(password_rules(NULL, "Jordan.Smith.77", "js1", "Jordan Smith", NULL));
	assert_non_null(password_rules(NULL, "Oconomowoc Police 1", "js1", "J S",
	    "City of Oconomowoc Police Department"));
	/* A name inside a long passphrase leaves plenty: fine. */
	assert_null(password_rules(NULL, "jordan likes purple monkey lamps", "js1", "Jordan Smith", NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nist_800_63b_length_at_least_12_characters_at_most_256_bytes),
		cmocka_unit_test(test_nist_800_63b_no_composition_rules),
		cmocka_unit_test(test_nist_800_63b_common_passwords_refused),
		cmocka_unit_test(test_nist_800_63b_context_words_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests of totp.c: RFC 6238 codes, the window of accepted steps and
 * the replay rule, and recovery codes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "crypto.h"
#include "totp.h"

/* RFC 6238 Appendix B: the SHA-1 key "12345678901234567890" in base32. */
static const char rfc_key[] = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

static int
setup(void **state)
{
	(void)state;
	return crypto_init() ? 0 : -1;
}

static void
test_rfc_6238_appendix_b_vectors(void **state)
{
	/* The test vectors' 8-digit values, last 6 digits (RFC 4226 §5.3). */
	static const struct { time_t t; const char *code; } v[] = {
		{ 59, "287082" }, { 1111111109, "081804" }, { 1111111111, "050471" },
		{ 1234567890, "005924" }, { 2000000000, "279037" },
	};
	char code[TOTP_DIGITS + 1];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_true(totp_code(rfc_key, v[i].t, code));
		assert_string_equal(code, v[i].code);
	}
}

static void
test_rfc_6238_5_2_window_is_one_step_each_way(void **state)
{
	char code[TOTP_DIGITS + 1];
	long long step = -1;
	const time_t now = 1234567890;  /* step 41152263 */

	(void)state;
	assert_true(totp_code(rfc_key, now - 30, code));
	assert_int_equal(totp_check(rfc_key, now, code, -1, &step), TOTP_ACCEPTED);
	assert_int_equal(step, now / 30 - 1);
	assert_true(totp_code(rfc_key, now + 30, code));
	assert_int_equal(totp_check(rfc_key, now, code, -1, &step), TOTP_ACCEPTED);
	assert_int_equal(step, now / 30 + 1);
	assert_true(totp_code(rfc_key, now - 60, code));
	assert_int_equal(totp_check(rfc_key, now, code, -1, &step), TOTP_WRONG);
	assert_true(totp_code(rfc_key, now + 60, code));
	assert_int_equal(totp_check(rfc_key, now, code, -1, &step), TOTP_WRONG);
}

static void
test_rfc_6238_5_2_code_accepted_once(void **state)
{
	char code[TOTP_DIGITS + 1];
	long long step = -1, again = -1;
	const time_t now = 1234567890;

	(void)state;
	assert_true(totp_code(rfc_key, now, code));
	assert_int_equal(totp_check(rfc_key, now, code, -1, &step), TOTP_ACCEPTED);
	/* The same code again, within its window: refused. */
	assert_int_equal(totp_check(rfc_key, now + 20, code, step, &again), TOTP_REPLAYED);
	assert_int_equal(again, -1);
	/* An older step's code after a newer one was used: refused too. */
	assert_true(totp_code(rfc_key, now - 30, code));
	assert_int_equal(totp_check(rfc_key, now, code, step, &again), TOTP_REPLAYED);
	/* The next step's code is new. */
	assert_true(totp_code(rfc_key, now + 30, code));
	assert_int_equal(totp_check(rfc_key, now + 30, code, step, &again), TOTP_ACCEPTED);
	assert_int_equal(again, step + 1);
}

static void
test_malformed_codes_and_secrets(void **state)
{
	long long step = -1;

	(void)state;
	assert_int_equal(totp_check(rfc_key, 59, "28708", -1, &step), TOTP_WRONG);
	assert_int_equal(totp_check(rfc_key, 59, "2870820", -1, &step), TOTP_WRONG);
	assert_int_equal(totp_check(rfc_key, 59, "28708a", -1, &step), TOTP_WRONG);
	assert_int_equal(totp_check(rfc_key, 59, NULL, -1, &step), TOTP_WRONG);
	assert_int_equal(totp_check("short", 59, "287082", -1, &step), TOTP_ERROR);
	assert_false(totp_secret_ok("GEZDGNBVGY3TQOJ1"));  /* 1 is no base32 letter */
	assert_false(totp_secret_ok("gezdgnbvgy3tqojq"));
	assert_true(totp_secret_ok(rfc_key));
}

static void
test_new_secrets_are_base32_and_differ(void **state)
{
	char a[TOTP_SECRET_CHARS + 1], b[TOTP_SECRET_CHARS + 1];

	(void)state;
	assert_true(totp_secret_new(a));
	assert_true(totp_secret_new(b));
	assert_int_equal(strlen(a), TOTP_SECRET_CHARS);
	assert_true(totp_secret_ok(a));
	assert_string_not_equal(a, b);
}

static void
test_recovery_codes_hash_as_typed_per_account(void **state)
{
	char code[RECOVERY_CODE_CHARS + 1], typed[32], h1[RECOVERY_HASH_HEX + 1];
	char h2[RECOVERY_HASH_HEX + 1], h3[RECOVERY_HASH_HEX + 1];
	size_t i;

	(void)state;
	assert_true(recovery_code_new(code));
	assert_int_equal(strlen(code), 14);
	assert_true(recovery_code_hash(7, code, h1));
	/* Upper case and spaces instead of dashes: the same code. */
	for (i = 0; code[i] != '\0'; i++)
		typed[i] = code[i] == '-' ? ' ' : (char)(code[i] >= 'a' ? code[i] - 32 : code[i]);
	typed[i] = '\0';
	assert_true(recovery_code_hash(7, typed, h2));
	assert_string_equal(h1, h2);
	/* Another account's hash of the same code differs. */
	assert_true(recovery_code_hash(8, code, h3));
	assert_string_not_equal(h1, h3);
	assert_false(recovery_code_hash(7, "123456", h3));
	assert_false(recovery_code_hash(7, "abcd-efgh-ijkl-m", h3));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc_6238_appendix_b_vectors),
		cmocka_unit_test(test_rfc_6238_5_2_window_is_one_step_each_way),
		cmocka_unit_test(test_rfc_6238_5_2_code_accepted_once),
		cmocka_unit_test(test_malformed_codes_and_secrets),
		cmocka_unit_test(test_new_secrets_are_base32_and_differ),
		cmocka_unit_test(test_recovery_codes_hash_as_typed_per_account),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}

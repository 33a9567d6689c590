/* Unit tests of crypto.c (tokens, the sign-in form's token) and hashgate.c
 * (at most N password hashes at once across processes). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crypto.h"
#include "hashgate.h"

static const unsigned char key[FORM_KEY_BYTES] = "0123456789abcdef0123456789abcde";

static void
test_tokens(void **state)
{
	char a[TOKEN_CHARS + 1], b[TOKEN_CHARS + 1], hex[TOKEN_HASH_HEX + 1];

	(void)state;
	assert_true(crypto_init());
	assert_true(token_new(a));
	assert_true(token_new(b));
	assert_true(token_shape_ok(a));
	assert_string_not_equal(a, b);
	assert_false(token_shape_ok("short"));
	assert_false(token_shape_ok(NULL));
	a[5] = '/';
	assert_false(token_shape_ok(a));
	token_hash_hex(b, hex);
	assert_int_equal(strlen(hex), TOKEN_HASH_HEX);
}

static void
test_form_token(void **state)
{
	unsigned char other[FORM_KEY_BYTES];
	char t[FORM_TOKEN_CHARS + 1], forged[FORM_TOKEN_CHARS + 1];
	time_t now = 1800000000;

	(void)state;
	assert_true(form_token_issue(key, now, 3600, t));
	assert_true(form_token_valid(key, now, t));
	assert_true(form_token_valid(key, now + 3600, t));
	/* Expired, another key, altered, invented, empty. */
	assert_false(form_token_valid(key, now + 3601, t));
	memcpy(other, key, sizeof(other));
	other[0] ^= 1;
	assert_false(form_token_valid(other, now, t));
	memcpy(forged, t, sizeof(forged));
	forged[30] = forged[30] == 'A' ? 'B' : 'A';
	assert_false(form_token_valid(key, now, forged));
	memset(forged, 'A', FORM_TOKEN_CHARS);
	forged[FORM_TOKEN_CHARS] = '\0';
	assert_false(form_token_valid(key, now, forged));
	assert_false(form_token_valid(key, now, ""));
	assert_false(form_token_valid(key, now, NULL));
}

/* A page's CSRF token is the session's, masked afresh each time (BREACH):
 * two maskings differ, each unmasks to the token, a changed byte does not. */
static void
test_csrf_mask(void **state)
{
	char token[TOKEN_CHARS + 1], a[CSRF_MASKED_CHARS + 1], b[CSRF_MASKED_CHARS + 1];
	char back[TOKEN_CHARS + 1];

	(void)state;
	assert_true(token_new(token));
	assert_true(csrf_mask(token, a));
	assert_true(csrf_mask(token, b));
	assert_int_equal(strlen(a), CSRF_MASKED_CHARS);
	assert_string_not_equal(a, b);
	assert_null(strstr(a, token));
	assert_true(csrf_unmask(a, back));
	assert_string_equal(back, token);
	assert_true(csrf_unmask(b, back));
	assert_string_equal(back, token);
	a[50] = a[50] == 'A' ? 'B' : 'A';
	assert_true(csrf_unmask(a, back));
	assert_string_not_equal(back, token);
	assert_false(csrf_unmask(token, back));           /* not masked */
	assert_false(csrf_unmask("", back));
	assert_false(csrf_unmask(NULL, back));
	a[10] = '+';                                        /* not base64url */
	assert_false(csrf_unmask(a, back));
	assert_false(csrf_mask("short", a));
}

static void
test_hex_decode(void **state)
{
	unsigned char out[2];

	(void)state;
	assert_true(hex_decode("0aff", out, 2));
	assert_int_equal(out[0], 0x0a);
	assert_int_equal(out[1], 0xff);
	assert_false(hex_decode("0af", out, 2));
	assert_false(hex_decode("0afg", out, 2));
	assert_false(hex_decode(NULL, out, 2));
}

static void
test_password_verify(void **state)
{
	char hash[256];

	(void)state;
	assert_true(password_hash("a long enough password", hash, sizeof(hash)));
	assert_true(password_verify(hash, "a long enough password"));
	assert_false(password_verify(hash, "another password"));
	/* An unknown login: checked against a dummy, never accepted. */
	assert_false(password_verify(NULL, "a long enough password"));
	assert_false(password_verify(NULL, "no account has this password"));
}

/*
 * The gate across processes: one place; a child takes it and sleeps; the
 * parent finds it full; the child is killed (SIGKILL, as a crashed worker)
 * and the place is free again: the kernel dropped the child's lock.
 */
static void
test_hashgate_across_processes_and_after_a_kill(void **state)
{
	int ready[2];
	pid_t child;
	char c;

	(void)state;
	assert_true(hashgate_init(1));
	assert_int_equal(pipe(ready), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		if (!hashgate_enter(0))
			_exit(3);
		(void)write(ready[1], "x", 1);
		pause();
		_exit(0);
	}
	assert_int_equal(read(ready[0], &c, 1), 1);
	assert_false(hashgate_enter(50));
	assert_int_equal(kill(child, SIGKILL), 0);
	assert_int_equal(waitpid(child, NULL, 0), child);
	assert_true(hashgate_enter(50));
	/* Entering twice in one process holds one place; leaving frees it. */
	assert_true(hashgate_enter(0));
	hashgate_leave();
	child = fork();
	if (child == 0)
		_exit(hashgate_enter(0) ? 0 : 4);
	{
		int status;

		assert_int_equal(waitpid(child, &status, 0), child);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	close(ready[0]);
	close(ready[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_form_token),
		cmocka_unit_test(test_hex_decode),
		cmocka_unit_test(test_csrf_mask),
		cmocka_unit_test(test_password_verify),
		cmocka_unit_test(test_hashgate_across_processes_and_after_a_kill),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests of mail_tls.c: which SMTP connections must use TLS. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "mail_tls.h"

static void
test_url_host(void **state)
{
	static const struct { const char *url, *host; } cases[] = {
		{ "smtp://127.0.0.1:2525", "127.0.0.1" },
		{ "smtp://127.0.0.1", "127.0.0.1" },
		{ "smtps://mail.example.gov:465/", "mail.example.gov" },
		{ "smtp://user:p%40ss@mail.example.gov:587", "mail.example.gov" },
		{ "smtp://user@x@relay.example.gov", "relay.example.gov" },
		{ "smtp://[::1]:2525", "::1" },
		{ "smtp://[2001:db8::25]/portal.example.gov", "2001:db8::25" },
		{ "SMTP://LocalHost:25?x=1", "LocalHost" },
		{ "mail.example.gov:25", "mail.example.gov" },   /* no scheme */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char host[64];

		if (!mail_url_host(cases[i].url, host, sizeof(host)))
			print_error("no host in %s\n", cases[i].url);
		assert_true(mail_url_host(cases[i].url, host, sizeof(host)));
		assert_string_equal(host, cases[i].host);
	}
}

static void
test_url_without_host(void **state)
{
	static const char *const urls[] = {
		"", "smtp://", "smtp://:25", "smtp://user@", "smtp://[::1", "smtp:///x",
	};
	char host[64], tiny[4];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(urls) / sizeof(urls[0]); i++)
		assert_false(mail_url_host(urls[i], host, sizeof(host)));
	assert_false(mail_url_host(NULL, host, sizeof(host)));
	/* A host that does not fit is no host (never cut short). */
	assert_false(mail_url_host("smtp://mail.example.gov", tiny, sizeof(tiny)));
}

static void
test_loopback(void **state)
{
	static const char *const yes[] = {
		"127.0.0.1", "127.255.255.254", "127.0.0.2", "localhost", "LOCALHOST",
		"::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1",
	};
	static const char *const no[] = {
		"128.0.0.1", "10.0.0.1", "0.0.0.0", "mail.example.gov", "localhost.example.gov",
		"127.1", "2130706433", "127.0.0.1.example.gov", "::", "::2", "::ffff:10.0.0.1",
		"fe80::1", "", "localhost.", "[::1]",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!mail_host_is_loopback(yes[i]))
			print_error("%s should be loopback\n", yes[i]);
		assert_true(mail_host_is_loopback(yes[i]));
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		if (mail_host_is_loopback(no[i]))
			print_error("%s should not be loopback\n", no[i]);
		assert_false(mail_host_is_loopback(no[i]));
	}
}

/* The decision table: setting x URL -> mode. */
static void
test_decision_table(void **state)
{
	static const struct { const char *setting, *url; enum mail_tls want; } cases[] = {
		/* Unset: required, but try on loopback. */
		{ NULL, "smtp://mail.example.gov:587", MAIL_TLS_REQUIRED },
		{ "",   "smtp://mail.example.gov:587", MAIL_TLS_REQUIRED },
		{ NULL, "smtp://10.1.2.3:25", MAIL_TLS_REQUIRED },
		{ NULL, "smtp://127.0.0.1:2525", MAIL_TLS_TRY },
		{ NULL, "smtp://[::1]:2525", MAIL_TLS_TRY },
		{ NULL, "smtp://localhost", MAIL_TLS_TRY },
		{ NULL, "smtp://127.1:25", MAIL_TLS_REQUIRED },       /* not surely loopback */
		{ NULL, "smtp://", MAIL_TLS_REQUIRED },               /* no host */
		{ NULL, NULL, MAIL_TLS_REQUIRED },
		/* Set: as said, whatever the host. */
		{ "required", "smtp://127.0.0.1:2525", MAIL_TLS_REQUIRED },
		{ "try", "smtp://mail.example.gov", MAIL_TLS_TRY },
		{ "off", "smtp://mail.example.gov", MAIL_TLS_OFF },
		{ "off", "smtp://127.0.0.1:2525", MAIL_TLS_OFF },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum mail_tls mode = (enum mail_tls)99;

		assert_true(mail_tls_mode(cases[i].setting, cases[i].url, &mode));
		if (mode != cases[i].want)
			print_error("case %zu (%s, %s): %s, want %s\n", i,
			    cases[i].setting ? cases[i].setting : "unset",
			    cases[i].url ? cases[i].url : "no url",
			    mail_tls_name(mode), mail_tls_name(cases[i].want));
		assert_int_equal(mode, cases[i].want);
	}
}

static void
test_bad_setting(void **state)
{
	static const char *const bad[] = { "yes", "REQUIRED", "required ", "none", "0" };
	size_t i;
	enum mail_tls mode;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(mail_tls_mode(bad[i], "smtp://127.0.0.1", &mode));
	/* The zero value is the safe one. */
	assert_int_equal(MAIL_TLS_REQUIRED, 0);
	assert_string_equal(mail_tls_name(MAIL_TLS_REQUIRED), "required");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_host),
		cmocka_unit_test(test_url_without_host),
		cmocka_unit_test(test_loopback),
		cmocka_unit_test(test_decision_table),
		cmocka_unit_test(test_bad_setting),
	};

	return cmocka_run_group_tests_name("mail_tls", tests, NULL, NULL);
}

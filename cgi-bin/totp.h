/*
 * Time-based one-time passwords (RFC 6238, on HOTP, RFC 4226) with
 * liboath: 6 digits, 30-second steps, HMAC-SHA-1, as every authenticator
 * app reads them from an otpauth:// QR code. Secrets are kept and shown in
 * base32 (RFC 4648 §6, no padding). And the recovery codes of a lost phone.
 *
 * Pure functions of their inputs (the time is a parameter), so the windows
 * and the replay rule are unit-tested (tests/unit/test_totp.c); storing the
 * last step accepted is the caller's (sql/016: account.totp_last_step).
 */
#ifndef PORTAL_TOTP_H
#define PORTAL_TOTP_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define TOTP_STEP_SECONDS 30
#define TOTP_DIGITS       6
/* RFC 6238 §5.2: at most one step of clock drift either way. */
#define TOTP_WINDOW       1
/* 20 random bytes (160 bits, RFC 4226 §4 R6) are 32 base32 characters. */
#define TOTP_SECRET_BYTES 20
#define TOTP_SECRET_CHARS 32

enum totp_verdict {
	TOTP_ACCEPTED,   /* *step is the step it matched: store it */
	TOTP_WRONG,      /* no step of the window has this code */
	TOTP_REPLAYED,   /* the code of a step at or before the last one used */
	TOTP_ERROR       /* the secret could not be read */
};

/* Initialises liboath; once per process. */
bool totp_init(void);
/* A new random secret, base32 (TOTP_SECRET_CHARS + NUL). */
bool totp_secret_new(char out[TOTP_SECRET_CHARS + 1]);
/* Whether `s` is a base32 secret the portal accepts (16 to 128 of A-Z2-7). */
bool totp_secret_ok(const char *s);
/* The code of time `now` (TOTP_DIGITS + NUL); false on a bad secret. */
bool totp_code(const char *secret_b32, time_t now, char out[TOTP_DIGITS + 1]);
/*
 * Checks `code` against the steps of `now` - TOTP_WINDOW .. + TOTP_WINDOW.
 * `last_step` is the step of the last code accepted for the account (-1
 * when none): a code of that step or an earlier one is refused (RFC 6238
 * §5.2: "the verifier MUST NOT accept the second attempt of the OTP after
 * the successful validation has been issued for the first OTP").
 */
enum totp_verdict totp_check(const char *secret_b32, time_t now, const char *code,
                      long long last_step, long long *step);

/* Recovery codes: 12 characters of base32 (60 bits) shown as xxxx-xxxx-xxxx. */
#define RECOVERY_CODES       10
#define RECOVERY_CODE_CHARS  14
#define RECOVERY_HASH_HEX    64
bool recovery_code_new(char out[RECOVERY_CODE_CHARS + 1]);
/* Hex of BLAKE2b-256 keyed with the account id of the code as typed
 * (case, spaces and dashes ignored); false when it has not the shape of
 * a recovery code. */
bool recovery_code_hash(long long account_id, const char *typed, char hex[RECOVERY_HASH_HEX + 1]);

#endif

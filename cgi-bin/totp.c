#include "totp.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <oath.h>
#include <sodium.h>

static const char b32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

bool
totp_init(void)
{
	return oath_init() == OATH_OK;
}

bool
totp_secret_ok(const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n < 16 || n > 128)
		return false;
	return strspn(s, b32_alphabet) == n;
}

/* Base32 of n random bytes, without padding (n*8 divisible by 5 here). */
static void
random_b32(char *out, size_t chars)
{
	size_t i;

	for (i = 0; i < chars; i++)
		out[i] = b32_alphabet[randombytes_uniform(32)];
	out[chars] = '\0';
}

bool
totp_secret_new(char out[TOTP_SECRET_CHARS + 1])
{
	/* 32 uniformly random base32 characters are 160 random bits. */
	random_b32(out, TOTP_SECRET_CHARS);
	return true;
}

/* The raw secret of a base32 one; the caller frees it. NULL on error. */
static char *
secret_raw(const char *secret_b32, size_t *len)
{
	char *raw = NULL;

	if (!totp_secret_ok(secret_b32) ||
	    oath_base32_decode(secret_b32, strlen(secret_b32), &raw, len) != OATH_OK)
		return NULL;
	return raw;
}

bool
totp_code(const char *secret_b32, time_t now, char out[TOTP_DIGITS + 1])
{
	size_t len;
	char *raw = secret_raw(secret_b32, &len);
	int rc;

	if (raw == NULL)
		return false;
	rc = oath_totp_generate(raw, len, now, TOTP_STEP_SECONDS, OATH_TOTP_DEFAULT_START_TIME,
	    TOTP_DIGITS, out);
	sodium_memzero(raw, len);
	free(raw);
	return rc == OATH_OK;
}

enum totp_verdict
totp_check(const char *secret_b32, time_t now, const char *code, long long last_step,
    long long *step)
{
	size_t len;
	char *raw;
	int pos, rc;
	uint64_t counter = 0;

	if (code == NULL || strlen(code) != TOTP_DIGITS || strspn(code, "0123456789") != TOTP_DIGITS)
		return TOTP_WRONG;
	if ((raw = secret_raw(secret_b32, &len)) == NULL)
		return TOTP_ERROR;
	/* liboath looks TOTP_WINDOW steps back and ahead of now's step. */
	rc = oath_totp_validate3(raw, len, now, TOTP_STEP_SECONDS, OATH_TOTP_DEFAULT_START_TIME,
	    TOTP_WINDOW, &pos, &counter, code);
	sodium_memzero(raw, len);
	free(raw);
	if (rc < 0)
		return rc == OATH_INVALID_OTP ? TOTP_WRONG : TOTP_ERROR;
	if ((long long)counter <= last_step)
		return TOTP_REPLAYED;
	*step = (long long)counter;
	return TOTP_ACCEPTED;
}

bool
recovery_code_new(char out[RECOVERY_CODE_CHARS + 1])
{
	char raw[13];

	random_b32(raw, 12);
	snprintf(out, RECOVERY_CODE_CHARS + 1, "%.4s-%.4s-%.4s", raw, raw + 4, raw + 8);
	for (size_t i = 0; out[i] != '\0'; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
	return true;
}

bool
recovery_code_hash(long long account_id, const char *typed, char hex[RECOVERY_HASH_HEX + 1])
{
	unsigned char key[crypto_generichash_KEYBYTES_MIN], hash[32];
	char norm[13];
	size_t i, n = 0;

	for (i = 0; typed != NULL && typed[i] != '\0'; i++) {
		unsigned char ch = (unsigned char)toupper((unsigned char)typed[i]);

		if (ch == '-' || ch == ' ')
			continue;
		if (n == 12 || strchr(b32_alphabet, ch) == NULL || ch == '\0')
			return false;
		norm[n++] = (char)ch;
	}
	if (n != 12)
		return false;
	/* The account's id as key: the same code of two accounts hashes apart. */
	memset(key, 0, sizeof(key));
	snprintf((char *)key, sizeof(key), "%lld", account_id);
	if (crypto_generichash(hash, sizeof(hash), (const unsigned char *)norm, n, key, sizeof(key)) != 0)
		return false;
	sodium_bin2hex(hex, RECOVERY_HASH_HEX + 1, hash, sizeof(hash));
	return true;
}

#include "crypto.h"

#include <string.h>

#include <sodium.h>

#include "totp.h"

bool
crypto_init(void)
{
	/* libsodium, and liboath for the second factor (totp.h). */
	return sodium_init() >= 0 && totp_init();
}

static void
base64url(char *out, size_t outlen, const unsigned char *bin, size_t n)
{
	sodium_bin2base64(out, outlen, bin, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool
token_new(char out[TOKEN_CHARS + 1])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	base64url(out, TOKEN_CHARS + 1, raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
	return strlen(out) == TOKEN_CHARS;
}

static bool
base64url_chars(const char *t, size_t n)
{
	size_t i;

	if (strlen(t) != n)
		return false;
	for (i = 0; i < n; i++)
		if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z') ||
		    (t[i] >= '0' && t[i] <= '9') || t[i] == '-' || t[i] == '_'))
			return false;
	return true;
}

bool
token_shape_ok(const char *t)
{
	return t != NULL && base64url_chars(t, TOKEN_CHARS);
}

void
token_hash_hex(const char *token, char hex[TOKEN_HASH_HEX + 1])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(hex, TOKEN_HASH_HEX + 1, h, sizeof(h));
}

bool
password_hash(const char *password, char *out, size_t outlen)
{
	if (outlen < crypto_pwhash_STRBYTES)
		return false;
	return crypto_pwhash_str(out, password, strlen(password),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0;
}

/* A hash with the same parameters as every real one: verifying an unknown
 * login against it costs what a real verification costs. Made once, by the
 * master before the workers fork (password_prepare), so that no worker's
 * first unknown login pays for making it as well: that would let a timing
 * tell unknown logins from known ones. */
static char dummy_hash[crypto_pwhash_STRBYTES];

bool
password_prepare(void)
{
	return dummy_hash[0] != '\0' ||
	    password_hash("no account has this password", dummy_hash, sizeof(dummy_hash));
}

bool
password_verify(const char *hash, const char *password)
{
	if (hash == NULL) {
		if (!password_prepare())
			return false;
		/* Whatever it answers, no account has this password. */
		if (crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0)
			return false;
		return false;
	}
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

/* nonce (16) | expiry, seconds since the epoch, big-endian (8) | MAC (16) */
#define NONCE_BYTES 16
#define MAC_BYTES   16
#define FORM_TOKEN_BYTES (NONCE_BYTES + 8 + MAC_BYTES)

static void
form_token_mac(const unsigned char key[FORM_KEY_BYTES], const unsigned char *msg,
    unsigned char mac[MAC_BYTES])
{
	crypto_generichash(mac, MAC_BYTES, msg, NONCE_BYTES + 8, key, FORM_KEY_BYTES);
}

bool
form_token_issue(const unsigned char key[FORM_KEY_BYTES], time_t now, long lifetime,
    char out[FORM_TOKEN_CHARS + 1])
{
	unsigned char raw[FORM_TOKEN_BYTES];
	unsigned long long expiry = (unsigned long long)now + (unsigned long long)lifetime;
	int i;

	randombytes_buf(raw, NONCE_BYTES);
	for (i = 0; i < 8; i++)
		raw[NONCE_BYTES + i] = (unsigned char)(expiry >> (8 * (7 - i)));
	form_token_mac(key, raw, raw + NONCE_BYTES + 8);
	base64url(out, FORM_TOKEN_CHARS + 1, raw, sizeof(raw));
	return strlen(out) == FORM_TOKEN_CHARS;
}

bool
form_token_valid(const unsigned char key[FORM_KEY_BYTES], time_t now, const char *token)
{
	unsigned char raw[FORM_TOKEN_BYTES], mac[MAC_BYTES];
	unsigned long long expiry = 0;
	size_t len = 0;
	int i;

	if (token == NULL || !base64url_chars(token, FORM_TOKEN_CHARS) ||
	    sodium_base642bin(raw, sizeof(raw), token, FORM_TOKEN_CHARS, NULL, &len, NULL,
	        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || len != sizeof(raw))
		return false;
	form_token_mac(key, raw, mac);
	if (sodium_memcmp(mac, raw + NONCE_BYTES + 8, MAC_BYTES) != 0)
		return false;
	for (i = 0; i < 8; i++)
		expiry = (expiry << 8) | raw[NONCE_BYTES + i];
	return (unsigned long long)now <= expiry;
}

void
form_key_derive(const unsigned char key[FORM_KEY_BYTES], const char *context,
    unsigned char out[FORM_KEY_BYTES])
{
	crypto_generichash(out, FORM_KEY_BYTES, (const unsigned char *)context, strlen(context), key,
	    FORM_KEY_BYTES);
}

bool
hex_decode(const char *hex, unsigned char *out, size_t n)
{
	size_t len = 0;

	if (hex == NULL || strlen(hex) != 2 * n)
		return false;
	return sodium_hex2bin(out, n, hex, 2 * n, NULL, &len, NULL) == 0 && len == n;
}

bool
csrf_mask(const char *token, char out[CSRF_MASKED_CHARS + 1])
{
	unsigned char raw[64];
	size_t len, i;

	if (!token_shape_ok(token) || sodium_base642bin(raw + 32, 32, token, TOKEN_CHARS, NULL, &len, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || len != 32)
		return false;
	randombytes_buf(raw, 32);
	for (i = 0; i < 32; i++)
		raw[32 + i] ^= raw[i];
	base64url(out, CSRF_MASKED_CHARS + 1, raw, sizeof(raw));
	return true;
}

bool
csrf_unmask(const char *sent, char out[TOKEN_CHARS + 1])
{
	unsigned char raw[64];
	size_t len, i;

	if (sent == NULL || !base64url_chars(sent, CSRF_MASKED_CHARS) ||
	    sodium_base642bin(raw, sizeof(raw), sent, CSRF_MASKED_CHARS, NULL, &len, NULL,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || len != sizeof(raw))
		return false;
	for (i = 0; i < 32; i++)
		raw[32 + i] ^= raw[i];
	base64url(out, TOKEN_CHARS + 1, raw + 32, 32);
	return true;
}

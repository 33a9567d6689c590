/*
 * The portal's cryptography, all from libsodium:
 *
 *  - random tokens (256 bits, base64url) for sessions, CSRF and passwords
 *    printed once; only a BLAKE2b-256 hash of a session token is stored;
 *  - password hashes: crypto_pwhash_str (Argon2id, interactive limits: 64
 *    MiB and about 0.1 s each). Every hash runs through the hash gate
 *    (hashgate.h), which bounds how many run at once across all workers;
 *  - the sign-in form's token: a random nonce and an expiry time, MACed
 *    with a key only the portal knows (keyed BLAKE2b), so that a token the
 *    portal did not issue is refused before any password is hashed.
 */
#ifndef PORTAL_CRYPTO_H
#define PORTAL_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define TOKEN_CHARS       43   /* 32 bytes, base64url without padding */
#define TOKEN_HASH_HEX    64
#define FORM_KEY_BYTES    32
#define FORM_TOKEN_CHARS  54   /* 16 nonce + 8 expiry + 16 MAC = 40 bytes */

bool crypto_init(void);

/* A new random token (TOKEN_CHARS + NUL). */
bool token_new(char out[TOKEN_CHARS + 1]);
/* Whether `t` has the shape of a token (before any database lookup). */
bool token_shape_ok(const char *t);
/* Hex of BLAKE2b-256(token): what the session table stores. */
void token_hash_hex(const char *token, char hex[TOKEN_HASH_HEX + 1]);

/* Argon2id hash of a password into out (crypto_pwhash_STRBYTES at least);
 * false when it could not be made (out of memory). Not gated: the callers
 * that run in the portal gate it themselves (hashgate_enter). */
bool password_hash(const char *password, char *out, size_t outlen);
/* Whether `password` matches `hash`. A NULL hash is checked against a
 * dummy, so that an unknown login costs the same as a known one. */
bool password_verify(const char *hash, const char *password);
/* Makes that dummy now (64 MiB, tens of milliseconds); false when it could
 * not be made. The portal's master calls it before the workers fork. */
bool password_prepare(void);

/* The sign-in form's token, valid until now + lifetime seconds. */
bool form_token_issue(const unsigned char key[FORM_KEY_BYTES], time_t now, long lifetime,
         char out[FORM_TOKEN_CHARS + 1]);
/* Whether `token` was issued with `key` and has not expired. */
bool form_token_valid(const unsigned char key[FORM_KEY_BYTES], time_t now, const char *token);
/* A key of its own for one purpose and one holder (keyed BLAKE2b of
 * `context` under `key`): tokens issued with it are valid for that holder
 * only. */
void form_key_derive(const unsigned char key[FORM_KEY_BYTES], const char *context,
         unsigned char out[FORM_KEY_BYTES]);

/*
 * The session's CSRF token as a page carries it: a fresh random mask and
 * the token XORed with it (base64url of both), different in every
 * response. A compressed page (gzip) then shows nothing of the token to
 * someone who can watch its sizes and reflect text into it (BREACH).
 */
#define CSRF_MASKED_CHARS 86   /* 64 bytes, base64url without padding */
bool csrf_mask(const char *token, char out[CSRF_MASKED_CHARS + 1]);
/* The token a masked one carries, into out; false when `sent` is no
 * masked token. */
bool csrf_unmask(const char *sent, char out[TOKEN_CHARS + 1]);

/* Decodes 2*n hex digits into n bytes; false on anything else. */
bool hex_decode(const char *hex, unsigned char *out, size_t n);

#endif

/*
 * Sign-in, sessions and CSRF.
 *
 *  - Passwords: libsodium crypto_pwhash_str (Argon2id, interactive limits:
 *    64 MiB per hash). A worker hashes one password at a time, so at most
 *    `--workers` hashes run at once: the memory is bounded.
 *  - Sessions: 256-bit random tokens from libsodium; only their BLAKE2b
 *    hash is stored. Cookie "portal_session": HttpOnly; SameSite=Lax;
 *    Path=/ (+ Secure over TLS). A new token at every sign-in; a session
 *    idle for 30 minutes is gone.
 *  - 5 failed sign-ins in a row lock the account for 15 minutes; every
 *    sign-in and failure is written to login_event.
 *  - CSRF: a per-session token in every form, compared in constant time on
 *    every POST; the sign-in form uses a double-submit cookie instead.
 *    A browser's Sec-Fetch-Site: cross-site is refused outright.
 */
#ifndef PORTAL_AUTH_H
#define PORTAL_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "app.h"

#define SESSION_COOKIE  "portal_session"
#define PRECSRF_COOKIE  "portal_csrf"
#define TOKEN_CHARS     43          /* 32 bytes, base64url without padding */
#define SESSION_IDLE_MINUTES 30
#define LOCK_AFTER_FAILURES  5
#define LOCK_MINUTES         15

bool auth_init(void);
/* A new random token (TOKEN_CHARS + NUL). */
bool auth_new_token(char out[TOKEN_CHARS + 1]);
/* Argon2id hash of a password; false on failure (out of memory). */
bool auth_hash_password(const char *password, char *out, size_t outlen);

/* Reads the session cookie; sets c->signed_in and c->me. False when the
 * database failed (a missing or expired session is not a failure). */
bool auth_load_session(struct ctx *);
/* Checks the CSRF token of a POST and Sec-Fetch-Site. */
bool auth_csrf_ok(struct ctx *);

void h_login_form(struct ctx *);
void h_login(struct ctx *);
void h_logout(struct ctx *);

#endif

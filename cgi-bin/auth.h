/*
 * Sign-in, sessions and CSRF.
 *
 *  - Sign-in (POST /login) in this order, each step refusing before the
 *    costly next one: the request must come from this portal's own page
 *    (Fetch metadata and Origin), carry a sign-in token the portal issued
 *    (crypto.h form tokens, double-submitted in a cookie), pass the
 *    per-address rate and the per-login pause (login_attempt_begin, sql/008,
 *    decided in one database step so that parallel attempts cannot slip
 *    through), and find a place at the hash gate (hashgate.h, else 429).
 *    Then one Argon2id verification, the same for unknown logins, wrong
 *    passwords and disabled accounts, which all get the same message.
 *  - Sessions: 256-bit random tokens; only their BLAKE2b hash is stored.
 *    Cookie "__Host-portal_session" over TLS ("portal_session" on plain
 *    HTTP during development): HttpOnly; SameSite=Lax; Path=/. A new token
 *    at every sign-in; a session ends after session_idle_minutes without
 *    use (CJIS 5.5.5) and session_max_hours after it began, whatever its use.
 *  - CSRF: a per-session token in every form, compared in constant time on
 *    every POST, and Sec-Fetch-Site / Origin checked.
 */
#ifndef PORTAL_AUTH_H
#define PORTAL_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "app.h"
#include "crypto.h"

/* The cookies' names; over TLS each is sent with the "__Host-" prefix. */
#define SESSION_COOKIE "portal_session"
#define PRECSRF_COOKIE "portal_csrf"

/* Reads the session cookie; sets c->signed_in and c->me. False when the
 * database failed (a missing or expired session is not a failure). */
bool auth_load_session(struct ctx *);
/* Checks the CSRF token of a POST (exactly one, the session's). */
bool auth_csrf_ok(struct ctx *);
/* Whether the request comes from this portal's own pages: Sec-Fetch-Site
 * (W3C Fetch Metadata) is same-origin or none when sent, and Origin, when
 * sent, is this very origin (RFC 6454). */
bool auth_same_origin(const struct ctx *);

void h_login_form(struct ctx *);
void h_login(struct ctx *);
void h_logout(struct ctx *);
/* The second step of sign-in (auth_code.c). */
void h_login_code_form(struct ctx *);
void h_login_code(struct ctx *);

#endif

/*
 * The pieces of sign-in shared by its two steps: auth.c (the password) and
 * auth_code.c (the second factor, CJIS 5.6.2.2).
 */
#ifndef PORTAL_AUTH_INTERNAL_H
#define PORTAL_AUTH_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "app.h"

const char *cookie_name(const struct ctx *, const char *bare);
void cookie_header(struct ctx *, const char *bare, const char *value, bool expire);
bool cookie_token(const struct ctx *, const char *bare, char *out, size_t outlen);
/* The sign-in form (status, the login typed, a message or NULL). */
void login_page(struct ctx *, int status, const char *login, const char *message);
/* A login_event row (CJIS 5.4.1.1): success or failure and why. */
void record_login(struct ctx *, const char *login, const char *account_id, bool ok,
         const char *reason);
/* A new session of `stage` ('full', 'code', 'enrol'; sql/016), replacing
 * the one of the cookie; anything but 'code' clears the failures counted.
 * False when the database failed. */
bool start_session(struct ctx *, const char *login, const char *id, const char *stage);
/* One attempt of `login` from this address, charged before any check
 * (sql/008 login_attempt_begin): 1 admitted, 0 refused (answered), -1 the
 * database failed (answered). */
int  admit(struct ctx *, const char *login);
/* Whether `code` (of the authenticator, or a recovery code) is accepted for
 * the account of `res` (columns id, totp_secret, last_step), marking it
 * used; *how says why in the words of the sign-in record. */
bool code_accepted(struct ctx *, const PGresult *res, const char *code, const char **how);

#endif

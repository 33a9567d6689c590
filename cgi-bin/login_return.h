/*
 * Where a person goes after signing in (issue 13, no lost work): the page
 * they were on when the portal sent them to sign in (a page opened after
 * the session ended, or the form whose sending found the session ended),
 * kept in a short-lived cookie of its own and taken once. Only a path of
 * this portal is ever kept or followed (no open redirect).
 */
#ifndef PORTAL_LOGIN_RETURN_H
#define PORTAL_LOGIN_RETURN_H

#include <stdbool.h>
#include <stddef.h>

#include "app.h"

#define RETURN_COOKIE   "portal_return"
#define RETURN_PATH_MAX 256

/* A path of this portal: "/" then no "/" or "\" (not another host), only
 * the characters of a path and query (no space, quote, control, ";" or ","). */
bool        login_return_path_ok(const char *);
/* Signed out and sent to sign in: remembers where this request was going
 * (a GET's own path and query; a POST's same-origin Referer). */
void        login_return_remember(struct ctx *);
/* Signed in: where to go ("/" when nothing valid was kept); the cookie is
 * cleared. `out` holds RETURN_PATH_MAX bytes. */
const char *login_return_take(struct ctx *, char *out);

#endif

#include "login_return.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "auth_internal.h"
#include "http.h"

/* Long enough to sign in with a second factor; a stale one is harmless. */
#define RETURN_MAX_AGE 900

bool
login_return_path_ok(const char *p)
{
	size_t i, n;

	if (p == NULL || p[0] != '/' || p[1] == '/' || p[1] == '\\' ||
	    (n = strlen(p)) >= RETURN_PATH_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
		    (p[i] >= '0' && p[i] <= '9') || strchr("/?=&%-._~+", p[i]) != NULL))
			return false;
	/* The sign-in pages themselves are never where one returns. */
	return strncmp(p, "/login", 6) != 0 && strncmp(p, "/logout", 7) != 0;
}

/* The path of a same-origin Referer (RFC 9110 §10.1.3; the portal's
 * Referrer-Policy is same-origin, so browsers send it to the portal only),
 * or NULL. */
static const char *
referer_path(const struct ctx *c, char *out, size_t outlen)
{
	const char *ref = c->http->referer, *host = c->http->host, *rest;
	const char *scheme = c->http->https ? "https://" : "http://";
	size_t hl;

	if (ref == NULL || host == NULL || strncasecmp(ref, scheme, strlen(scheme)) != 0)
		return NULL;
	rest = ref + strlen(scheme);
	hl = strlen(host);
	if (strncasecmp(rest, host, hl) != 0 || rest[hl] != '/')
		return NULL;
	if ((size_t)snprintf(out, outlen, "%s", rest + hl) >= outlen)
		return NULL;
	return out;
}

void
login_return_remember(struct ctx *c)
{
	char path[RETURN_PATH_MAX], cookie[RETURN_PATH_MAX + 128];
	const char *p = NULL;

	if (c->http->method == METHOD_GET) {
		if ((size_t)snprintf(path, sizeof(path), "%s%s%s", c->http->path,
		    c->http->query[0] != '\0' ? "?" : "", c->http->query) < sizeof(path))
			p = path;
	} else if (c->http->method == METHOD_POST)
		p = referer_path(c, path, sizeof(path));
	if (p == NULL || !login_return_path_ok(p) || strcmp(p, "/") == 0)
		return;
	snprintf(cookie, sizeof(cookie), "%s=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s",
	    cookie_name(c, RETURN_COOKIE), p, RETURN_MAX_AGE, c->http->https ? "; Secure" : "");
	http_add_header(c->http, "Set-Cookie", cookie);
}

const char *
login_return_take(struct ctx *c, char *out)
{
	if (!cookie_token(c, RETURN_COOKIE, out, RETURN_PATH_MAX))
		return "/";
	cookie_header(c, RETURN_COOKIE, "", true);
	return login_return_path_ok(out) ? out : "/";
}

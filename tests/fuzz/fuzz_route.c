/*
 * route_find() (route.c) over the portal's real route table (routes.c) with
 * fuzzed paths, methods and Allow buffer sizes, against a reference matcher
 * that reads each segment from both ends (literal suffix first, then the
 * placeholder's characters): a differential test.
 *
 * Input: byte 0 the method, byte 1 the size of the Allow buffer (0 to 64,
 * the portal's being 64), then the path (DOCUMENT_URI, up to a NUL).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "route.h"
#include "routes.h"

/* One pattern segment against one path segment (lengths given). */
static bool
ref_segment(const char *p, size_t plen, const char *s, size_t slen, struct route_params *out)
{
	const char *close;
	size_t suffix, mid, i;
	bool id;

	if (plen == 0 || p[0] != '{')
		return plen == slen && memcmp(p, s, plen) == 0;
	close = memchr(p, '}', plen);
	FUZZ_CHECK(close != NULL);
	id = close - p == 3 && memcmp(p, "{id", 3) == 0;
	suffix = plen - (size_t)(close + 1 - p);
	if (slen < suffix || memcmp(s + slen - suffix, close + 1, suffix) != 0)
		return false;
	mid = slen - suffix;
	if (mid < 1 || mid > (id ? 18u : 31u))
		return false;
	for (i = 0; i < mid; i++)
		if (id ? !(s[i] >= '0' && s[i] <= '9') : !((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
			return false;
	if (id) {
		long long v = 0;

		for (i = 0; i < mid; i++)
			v = v * 10 + (s[i] - '0');
		out->id = v;
	} else {
		memcpy(out->word, s, mid);
		out->word[mid] = '\0';
	}
	return true;
}

static bool
ref_match(const char *pattern, const char *path, struct route_params *out)
{
	size_t np = 1, ns = 1;
	const char *c;

	for (c = pattern; *c; c++)
		np += *c == '/';
	for (c = path; *c; c++)
		ns += *c == '/';
	if (np != ns || path[0] != '/')
		return false;
	out->id = 0;
	out->word[0] = '\0';
	while (*pattern != '\0' || *path != '\0') {
		size_t pl, sl;

		pattern++;   /* the '/' before each segment */
		path++;
		pl = strcspn(pattern, "/");
		sl = strcspn(path, "/");
		if (!ref_segment(pattern, pl, path, sl, out))
			return false;
		pattern += pl;
		path += sl;
	}
	return true;
}

static bool
method_fits(enum http_method route, enum http_method asked)
{
	return route == asked || (route == METHOD_GET && asked == METHOD_HEAD);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum http_method methods[] = { METHOD_GET, METHOD_HEAD, METHOD_POST, METHOD_OTHER };
	const struct route *found = (const struct route *)&found;
	struct route_params params = { -1, "unset" }, want = { 0, "" };
	enum route_result r;
	enum http_method method;
	size_t allowlen, i, first = portal_nroutes;
	bool any = false, get = false, post = false;
	char *path, *allow;

	if (size < 2)
		return 0;
	method = methods[data[0] % 4];
	allowlen = data[1] % 65;
	path = fuzz_cstr(data + 2, size - 2);
	/* Exactly allowlen bytes (none at all for 0): ASan sees any overrun. */
	allow = malloc(allowlen);
	FUZZ_CHECK(allow != NULL || allowlen == 0);

	for (i = 0; i < portal_nroutes; i++) {
		struct route_params p;

		if (!ref_match(portal_routes[i].pattern, path, &p))
			continue;
		any = true;
		if (portal_routes[i].method == METHOD_POST)
			post = true;
		else
			get = true;
		if (first == portal_nroutes && method_fits(portal_routes[i].method, method)) {
			first = i;
			want = p;
		}
	}

	r = route_find(portal_routes, portal_nroutes, method, path, &found, &params, allow, allowlen);
	if (allowlen > 0)
		FUZZ_CHECK(memchr(allow, '\0', allowlen) != NULL);
	switch (r) {
	case ROUTE_FOUND:
		FUZZ_CHECK(first < portal_nroutes && found == &portal_routes[first]);
		FUZZ_CHECK(params.id == want.id && strcmp(params.word, want.word) == 0);
		FUZZ_CHECK(params.id >= 0 && params.id <= 999999999999999999LL);
		break;
	case ROUTE_BAD_METHOD:
		FUZZ_CHECK(found == NULL && any && first == portal_nroutes);
		/* The Allow header lists the methods the path answers (RFC 9110
		 * §10.2.1), when the buffer holds them. */
		if (allowlen >= sizeof("GET, HEAD, POST")) {
			FUZZ_CHECK((strstr(allow, "GET, HEAD") != NULL) == get);
			FUZZ_CHECK((strstr(allow, "POST") != NULL) == post);
		}
		break;
	case ROUTE_NOT_FOUND:
		FUZZ_CHECK(found == NULL && !any);
		if (allowlen > 0)
			FUZZ_CHECK(allow[0] == '\0');
		break;
	default:
		FUZZ_CHECK(!"route_find returned no route_result");
	}
	free(allow);
	free(path);
	return 0;
}

#include "route.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* Matches one path segment [s, s+slen) against one pattern segment. */
static bool
segment_match(const char *p, size_t plen, const char *s, size_t slen,
    struct route_params *params)
{
	const char *close;
	size_t taken = 0, suffix;
	bool digits;

	if (plen == 0 || p[0] != '{')
		return plen == slen && memcmp(p, s, slen) == 0;
	if ((close = memchr(p, '}', plen)) == NULL)
		return false;
	digits = (size_t)(close - p) == 3 && memcmp(p, "{id", 3) == 0;
	while (taken < slen && (digits ? (s[taken] >= '0' && s[taken] <= '9')
	    : ((s[taken] >= 'a' && s[taken] <= 'z') || s[taken] == '_')))
		taken++;
	if (taken == 0 || taken > (digits ? 18u : 31u))
		return false;
	suffix = plen - (size_t)(close + 1 - p);
	if (slen - taken != suffix || memcmp(s + taken, close + 1, suffix) != 0)
		return false;
	if (digits) {
		char num[19];

		memcpy(num, s, taken);
		num[taken] = '\0';
		params->id = strtoll(num, NULL, 10);
	} else {
		memcpy(params->word, s, taken);
		params->word[taken] = '\0';
	}
	return true;
}

static bool
path_match(const char *pattern, const char *path, struct route_params *params)
{
	for (;;) {
		const char *pe = strchr(pattern, '/'), *se = strchr(path, '/');
		size_t plen = pe ? (size_t)(pe - pattern) : strlen(pattern);
		size_t slen = se ? (size_t)(se - path) : strlen(path);

		if (!segment_match(pattern, plen, path, slen, params))
			return false;
		if (pe == NULL || se == NULL)
			return pe == NULL && se == NULL;
		pattern = pe + 1;
		path = se + 1;
	}
}

static const char *
method_name(enum http_method m)
{
	return m == METHOD_POST ? "POST" : "GET, HEAD";
}

enum route_result
route_find(const struct route *table, size_t n, enum http_method method,
    const char *path, const struct route **found, struct route_params *params,
    char *allow, size_t allowlen)
{
	enum route_result result = ROUTE_NOT_FOUND;
	size_t i;

	if (allowlen > 0)
		allow[0] = '\0';
	*found = NULL;
	if (path[0] != '/')
		return ROUTE_NOT_FOUND;
	for (i = 0; i < n; i++) {
		struct route_params p = { 0, "" };

		if (!path_match(table[i].pattern + 1, path + 1, &p))
			continue;
		if (table[i].method == method ||
		    (table[i].method == METHOD_GET && method == METHOD_HEAD)) {
			*found = &table[i];
			*params = p;
			return ROUTE_FOUND;
		}
		result = ROUTE_BAD_METHOD;
		/* No buffer (allowlen 0) is not read either. */
		if (allowlen > 0 && strstr(allow, method_name(table[i].method)) == NULL) {
			size_t used = strlen(allow);
			const char *name = method_name(table[i].method);

			/* "GET, POST": appended only whole, never cut. */
			if (used + 2 + strlen(name) < allowlen)
				snprintf(allow + used, allowlen - used, "%s%s", used > 0 ? ", " : "", name);
		}
	}
	return result;
}

/*
 * The route table: method and path pattern to handler. A pattern is a path
 * whose segments are literals or placeholders: "{id}" (1 to 18 digits) and
 * "{word}" ([a-z_], 1 to 31 letters), optionally followed by a literal
 * suffix in the same segment ("{id}.json").
 */
#ifndef PORTAL_ROUTE_H
#define PORTAL_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http.h"

struct ctx;
typedef void (*route_handler)(struct ctx *);

enum route_flag {
	ROUTE_PUBLIC = 1 << 0,  /* no sign-in needed */
	ROUTE_JSON   = 1 << 1,  /* answers JSON, errors too */
	ROUTE_NOCSRF = 1 << 2,  /* POST checked otherwise (sign-in form) */
	/* Filing: of the roles admitted, the navigation offers it only to those
	 * the policy lets file some kind (the handler refuses each kind the
	 * policy does not give the role, naming the rule). */
	ROUTE_FILING = 1 << 3,
	ROUTE_SETUP  = 1 << 4   /* open to a session that must enrol a second factor */
};

struct route {
	enum http_method method;    /* METHOD_GET also serves HEAD */
	const char      *pattern;
	route_handler    handler;
	unsigned         flags;
	uint32_t         roles;     /* bit per enum role admitted (signed in) */
};

struct route_params {
	long long id;
	char      word[32];
};

enum route_result { ROUTE_FOUND, ROUTE_NOT_FOUND, ROUTE_BAD_METHOD };

/* Finds the route of (method, path). On ROUTE_BAD_METHOD, `allow` lists
 * the methods the path does answer (for the Allow header, RFC 9110 §10.2.1). */
enum route_result route_find(const struct route *, size_t n, enum http_method,
                      const char *path, const struct route **found,
                      struct route_params *, char *allow, size_t allowlen);

#endif

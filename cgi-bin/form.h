/*
 * A strict parser for application/x-www-form-urlencoded bodies and query
 * strings (WHATWG URL Standard, "application/x-www-form-urlencoded
 * parsing"), stricter than browsers need: it refuses rather than repairs.
 *
 *  - the input is bounded (never trust CONTENT_LENGTH beyond a limit);
 *  - "%XX" must be two hex digits, '+' is a space;
 *  - a decoded NUL byte, a control character other than TAB, CR and LF
 *    (C0, DEL and the C1 controls U+0080..U+009F), or invalid UTF-8
 *    (RFC 3629: overlongs, surrogates, > U+10FFFF) refuses the whole input,
 *    so no handler ever sees such a value.
 *
 * Ownership: a struct form owns its pairs; form_free() releases them.
 */
#ifndef PORTAL_FORM_H
#define PORTAL_FORM_H

#include <stdbool.h>
#include <stddef.h>

enum form_error {
	FORM_OK = 0,
	FORM_TOO_LARGE,   /* input longer than max_bytes */
	FORM_TOO_MANY,    /* more than max_pairs pairs */
	FORM_BAD_ESCAPE,  /* '%' not followed by two hex digits */
	FORM_NUL,         /* a decoded NUL byte */
	FORM_CONTROL,     /* a control character other than TAB, CR, LF */
	FORM_BAD_UTF8,    /* not valid UTF-8 */
	FORM_NOMEM
};

struct form_pair {
	char *name;
	char *value;
};

struct form {
	struct form_pair *pairs;
	size_t            n;
};

struct form_limits {
	size_t max_bytes;
	size_t max_pairs;
};

extern const struct form_limits form_default_limits;

void            form_init(struct form *);
void            form_free(struct form *);
enum form_error form_parse(struct form *, const char *src, size_t len,
                    const struct form_limits *);
const char     *form_error_text(enum form_error);

/* Appends a copy of (name, value): for forms built by code (portalctl). */
bool            form_add(struct form *, const char *name, const char *value);

/* The first value of `name`, or NULL. */
const char     *form_get(const struct form *, const char *name);
/* The i-th (0-based) value of a repeated field, or NULL. */
const char     *form_get_nth(const struct form *, const char *name, size_t i);
size_t          form_count(const struct form *, const char *name);

/* RFC 3629 well-formed UTF-8. */
bool            utf8_valid(const char *, size_t);

#endif

/*
 * Table-driven validation of form fields. Every form of the portal (sign-in,
 * requests, actions, accounts) describes its fields in a table of struct
 * field_spec indexed by an enum of its own, and fields_check() validates a
 * parsed form against the table in one pass.
 *
 * Ownership: fields_check() fills values[i] with a malloc'ed, normalized
 * copy of each non-empty field (NULL when empty); fields_free() releases
 * them. Error messages are static strings.
 */
#ifndef PORTAL_FIELD_H
#define PORTAL_FIELD_H

#include <stdbool.h>
#include <stddef.h>

#include "domain.h"
#include "form.h"

enum field_type {
	FIELD_TEXT,      /* one line; surrounding white space trimmed */
	FIELD_TEXTAREA,  /* several lines; CR LF folded to LF */
	FIELD_INT,       /* decimal integer within [min, max] */
	FIELD_CHOICE,    /* one id of `choices` */
	FIELD_MULTI,     /* repeated field, ids of `choices`; value "{a,b}" */
	FIELD_EMAIL,     /* RFC 5321-ish mailbox: local@domain */
	FIELD_PHONE,     /* digits and + ( ) - . space, at least 7 digits */
	FIELD_DATETIME,  /* YYYY-MM-DDTHH:MM, as input type=datetime-local sends */
	FIELD_DATE,      /* YYYY-MM-DD, as input type=date sends */
	FIELD_LOGIN,     /* [a-z0-9][a-z0-9._-]{1,31} */
	FIELD_SECRET     /* kept as typed, never trimmed or echoed back */
};

struct field_spec {
	const char          *name;     /* form field name (CONTRACT.md) */
	const char          *label;    /* the words of its <label> */
	enum field_type      type;
	size_t               max_len;  /* characters, for text types */
	long                 min, max; /* FIELD_INT */
	const struct choice *choices;  /* FIELD_CHOICE, FIELD_MULTI */
	bool                 required; /* always required, whatever the policy */
};

/* The message of an empty required field (compared by address). */
extern const char field_required_message[];

/* Validates one field of `form`. Returns NULL when valid (then *out holds
 * the normalized value or NULL when empty) or a message saying what is wrong. */
const char *field_check(const struct field_spec *, const struct form *, char **out);

/* Validates every field of a table; returns the number of invalid fields. */
size_t      fields_check(const struct field_spec *, size_t n, const struct form *,
                char **values, const char **errors);
void        fields_free(char **values, size_t n);

/* Number of Unicode characters in a valid UTF-8 string. */
size_t      utf8_length(const char *);

/* Constant-time comparison of two NUL-terminated secrets (CSRF tokens). */
bool        secret_equal(const char *, const char *);

#endif

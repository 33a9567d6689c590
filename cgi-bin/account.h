/*
 * Accounts: the field table shared by `portalctl user add` and the
 * administration pages, and the statements that create and change them.
 */
#ifndef PORTAL_ACCOUNT_H
#define PORTAL_ACCOUNT_H

#include <stdbool.h>

#include "db.h"
#include "field.h"

enum account_field {
	AF_LOGIN, AF_ROLE, AF_NAME, AF_EMAIL, AF_AGENCY, AF_AGENCY_TYPE,
	AF_BUREAU, AF_DISTRICT, AF_UNIT, AF__MAX
};

extern const struct field_spec account_fields[AF__MAX];

/* The password rules: password.h. */
#define PASSWORD_MAX 256

/* Checks the fields together (an agency names its agency, a unit
 * commander a unit...). Returns NULL or the problem, naming the field. */
const char *account_check(char *const values[AF__MAX], const char *errors[AF__MAX]);

struct policy;
/* A bureau or district must be one of the department's own (the policy's
 * lists, when it has them): an approval is routed by them. NULL or the
 * problem, naming the field. */
const char *account_check_structure(const struct policy *, char *const values[AF__MAX],
                const char *errors[AF__MAX]);

/* Creates an account with `password`, or with `given_hash` (an Argon2id
 * hash already made of it) when not NULL; NULL on success, else what went
 * wrong, in words. */
const char *account_create(struct db *, char *const values[AF__MAX], const char *password,
                const char *given_hash);

#endif

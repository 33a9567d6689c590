/*
 * The department's settings (table `setting`, sql/008): limits and times an
 * administrator may change without a new build. Read once per process,
 * with the policy; a missing or unreadable value keeps its default.
 */
#ifndef PORTAL_SETTINGS_H
#define PORTAL_SETTINGS_H

#include <stdbool.h>

#include "crypto.h"

struct db;

/* The settings the C code reads; the others (sign-in limits, filings per
 * hour, retention) are read by the SQL that applies them (setting_int()),
 * so a change takes effect at once. */
struct settings {
	int  session_idle_minutes;        /* CJIS 5.5.5: 30 */
	int  session_max_hours;           /* absolute session lifetime: 12 */
	bool has_form_key;
	unsigned char form_key[FORM_KEY_BYTES];
};

void settings_defaults(struct settings *);
/* Reads the table; false when the database failed. */
bool settings_load(struct settings *, struct db *);

#endif

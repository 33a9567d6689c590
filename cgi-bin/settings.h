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

struct settings {
	int  session_idle_minutes;        /* CJIS 5.5.5: 30 */
	int  session_max_hours;           /* absolute session lifetime: 12 */
	int  login_failures_per_address;  /* CJIS 5.5.3: 5 */
	int  login_block_minutes;         /* CJIS 5.5.3: 10, doubling */
	int  login_failures_per_login;    /* across addresses: 20 */
	int  login_attempts_per_minute;   /* per source address: 30 */
	int  filings_per_hour;            /* per account: 60 */
	int  login_event_retention_days;  /* CJIS 5.4.7: 365 */
	bool has_form_key;
	unsigned char form_key[FORM_KEY_BYTES];
};

void settings_defaults(struct settings *);
/* Reads the table; false when the database failed. */
bool settings_load(struct settings *, struct db *);

#endif

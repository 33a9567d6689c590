/*
 * The policy's timers, run by the notifier: deployments with no check-in
 * within the check-in rule's interval and telephone requests whose
 * teletype or letter has not arrived within the follow-up rule's. Each
 * overdue period notifies once: the notification's dedupe key names the
 * period, so a restart or a second notifier never notifies twice.
 */
#ifndef PORTAL_TIMERS_H
#define PORTAL_TIMERS_H

#include <stdbool.h>

#include "db.h"
#include "policy.h"

/* Returns the number of notifications added, or -1 on a database error. */
int timers_run(struct db *, const struct policy *);

/* How many deployments are overdue for a check-in and how many requests
 * for their follow-up documents now, exactly as the timers judge them (the
 * oldest 500 of each are looked at). False when the database failed. */
bool timers_overdue(struct db *, const struct policy *, int *checkins, int *followups);

/* Retention: deletes expired sessions (idle or past their lifetime), sign-in
 * records older than login_event_retention_days (CJIS 5.4.7 keeps them a
 * year) and stale sign-in counters. Returns rows deleted, or -1. */
long retention_run(struct db *);

#endif

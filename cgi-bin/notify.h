/*
 * Notifications: for an event on a request, every notify rule of the
 * policy whose event, kind and condition match adds notification rows, in
 * the caller's transaction (the outbox of DESIGN.md).
 *
 * Recipients: the enabled holders of the rule's role (matched on bureau,
 * district or unit when the rule says so) who are on duty; when none is,
 * the on-duty holders of the fallback role (a rule's "else": "if not
 * available"); when nobody is on duty, every holder of the role;
 * when nobody holds it at all, one notification kept for the role, shown
 * to whoever holds it later. Never dropped.
 */
#ifndef PORTAL_NOTIFY_H
#define PORTAL_NOTIFY_H

#include <stdbool.h>

#include "db.h"
#include "policy.h"

/* Adds the notifications of `event` for request `request_id`. `extra` is
 * appended to each reason (may be NULL); `dedupe` makes the rows unique per
 * period (timers; may be NULL). Returns the number added, or -1 on error. */
int notify_event(struct db *, const struct policy *, const char *request_id,
        enum policy_event, const struct request_facts *, const char *extra,
        const char *dedupe);

/* Notifies the recipients rule `r` names (its role, else its fallback;
 * or its set of people of the request), with `reason`, whatever its event:
 * the notify rules of an event, and those a waived rule would have told. */
int notify_rule(struct db *, const struct rule *r, const char *request_id,
        const struct request_facts *, const char *reason, const char *dedupe);

/* Tells one person of an event on a request (a member who was dispatched),
 * citing rule `r`. Returns 1, or -1 on error. */
int notify_account(struct db *, const char *request_id, const char *account_id,
        const struct rule *r, const char *reason);

#endif

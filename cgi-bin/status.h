/*
 * How the portal stands, for /healthz.json, the administrators' dashboard
 * and `portalctl status`: the outbox (how many notifications wait for
 * e-mail, and how long the oldest has waited) and when the notifier was
 * last seen. Mail is "behind" when the oldest unsent notification is more
 * than STATUS_BEHIND_SECONDS old, and the notifier "down" when it has not
 * been seen for as long: then the portal is degraded (it still works;
 * notifications are kept and will go out).
 */
#ifndef PORTAL_STATUS_H
#define PORTAL_STATUS_H

#include <stdbool.h>
#include <stdio.h>

struct db;

#define STATUS_BEHIND_SECONDS 120
#define AUDIT_SEAL_LATE 60

struct portal_status {
	long long backlog;          /* notifications waiting for e-mail */
	long long oldest_unsent;    /* seconds, -1: none waits */
	long long notifier_seen;    /* seconds since, -1: never seen */
	long long unsealed;         /* audit events not yet in the chain */
	long long oldest_unsealed;  /* seconds, -1: none */
	bool      mail_behind;
	bool      notifier_down;
	bool      audit_behind;     /* an event unsealed for over AUDIT_SEAL_LATE s */
	bool      degraded;
};

/* False when the database failed. */
bool status_read(struct db *, struct portal_status *);

/* `portalctl status`: each process (pid, uptime, restarts: from the
 * portal's status file), the database, the outbox, the notifier, the audit
 * chain. 0 when all is well, 3 when something is down or degraded. A
 * NULL database: it could not be reached (reported so). */
int  status_report(struct db *, FILE *, const char *status_file);

#endif

/*
 * The staff's request page, loaded in one round trip: the request, the
 * lifecycle's facts, the approvers on duty, the roster of members who may
 * be sent, the deployments, the exceptions, the notifications and the
 * timeline, sent together (db_run_batch) since none depends on another.
 * With the session check, the page costs two round trips.
 */
#ifndef PORTAL_REQUEST_PAGE_H
#define PORTAL_REQUEST_PAGE_H

#include <stdbool.h>

#include "app.h"

enum request_part {
	RP_REQUEST, RP_FACTS, RP_APPROVERS, RP_ROSTER, RP_DEPLOYMENTS, RP_EXCEPTIONS,
	RP_NOTIFICATIONS, RP_TIMELINE, RP__MAX
};

struct request_page {
	PGresult *res[RP__MAX];	/* owned */
};

/* Loads request c->params.id as a staff member sees it. False when the
 * database failed; a request that does not exist has no row in
 * res[RP_REQUEST]. request_page_free() in every case. */
bool request_page_load(struct ctx *, struct request_page *);
void request_page_free(struct request_page *);

#endif

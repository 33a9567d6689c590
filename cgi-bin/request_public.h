/*
 * What an outside agency sees of its own request (HTML and JSON): its
 * status in plain words, what it filed, the units sent (how many of each
 * kind and where they are, never who), the milestones with their times
 * and the department's desk to call. Nothing internal: no staff names or
 * logins, no internal notes, no notification list.
 */
#ifndef PORTAL_REQUEST_PUBLIC_H
#define PORTAL_REQUEST_PUBLIC_H

#include <stdbool.h>

#include "app.h"
#include "buf.h"
#include "view.h"

/* The status in words an outsider understands. */
const char *request_status_public(enum request_status);

/* Fills the agency's page of request row 0 of `req` (request_agency.tpl). */
bool request_public_view(struct ctx *, struct view_dict *, const PGresult *req);
/* The agency's JSON of request row 0 of `req`. */
bool request_public_json(struct ctx *, const PGresult *req, struct buf *);

/* The state in the asking agency's words ("Help sent"), what happens next,
 * and a kind's label as an outside agency would say it. */
const char *request_state_public(enum request_status);
const char *request_next_public(enum request_status);
const char *request_kind_public(const char *kind);

#endif

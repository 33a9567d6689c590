/*
 * The actions on a request (POST /requests/ID/ACTION) and what the request
 * page offers each person: the lifecycle table (lifecycle.h) decides, this
 * file gathers the facts it needs from the database and applies the change
 * with its audit event and notifications in one transaction.
 */
#ifndef PORTAL_ACTION_H
#define PORTAL_ACTION_H

#include "app.h"
#include "lifecycle.h"
#include "view.h"

/* Facts about request `id` (a fetched row) for lifecycle_decide(). */
bool action_facts_load(struct ctx *, const PGresult *request, struct action_facts *);

/* Adds to `d` a form for every action `c->me` may take now, and the
 * deployments with their check-in forms. */
bool action_offer(struct ctx *, struct view_dict *d, const PGresult *request);

void h_request_action(struct ctx *);

/* The assessment awaited, follow-ups, exceptions granted (request_view.c). */
bool request_view_policy_state(struct ctx *, struct view_dict *, const PGresult *request);

#endif

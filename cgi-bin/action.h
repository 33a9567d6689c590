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
/* The same in parts, for a page that loads them in its own batch: the two
 * statements (into items, params; `roles` holds the approver roles until
 * the batch ran), then the facts from their results. */
void action_facts_batch(struct ctx *, const char *id, struct buf *roles,
         struct db_batch items[2], const char *params[2]);
void action_facts_from(struct ctx *, const PGresult *request, const PGresult *facts,
         const PGresult *on_duty, struct action_facts *);

struct request_page;

/* Adds to `d` a form for every action `c->me` may take now, and the
 * deployments with their check-in forms (request_view.c). */
bool action_offer(struct ctx *, struct view_dict *d, const struct request_page *);

void h_request_action(struct ctx *);

/* The assessment awaited, follow-ups, exceptions granted (request_view.c). */
void request_view_policy_state(struct ctx *, struct view_dict *, const struct request_page *);

#endif

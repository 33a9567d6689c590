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

/* An action refused for its fields or numbers (422): the request page is
 * shown again with the message, the field marked and what was typed kept
 * (CONTRACT.md: 422 when the numbers or fields are wrong). */
struct action_error {
	int         act;         /* enum action */
	const char *field;       /* the form name of the field at fault, or NULL */
	const char *message;
	const char *clause;      /* or NULL */
};

/* Adds to `d` a form for every action `c->me` may take now, and the
 * deployments with their check-in forms (request_view.c); the form of
 * err->act (err may be NULL) carries the values sent and the error. */
bool action_offer(struct ctx *, struct view_dict *d, const struct request_page *,
         const struct action_error *err, bool *has_primary);
/* The values sent to the form of an action, and the mark of the field at
 * fault (V_NAME, BAD_NAME with ERR_TEXT), into the form's dictionary. */
void action_form_again(struct ctx *, struct view_dict *form, const struct action_error *);
/* GET /requests/ID again, answering 422 with the refusal (h_request.c). */
void request_show_refused(struct ctx *, const struct action_error *);

void h_request_action(struct ctx *);

/* The assessment awaited, follow-ups, exceptions granted (request_view.c). */
void request_view_policy_state(struct ctx *, struct view_dict *, const struct request_page *);

#endif

/*
 * One-time submission keys (CONTRACT.md: the hidden field `submission`).
 * Every form that changes something carries one, made new each time the
 * page is shown; the handler claims it inside the transaction of its
 * change. The same form sent again finds its key taken, stores nothing and
 * is answered as the first time (303 to the same place, marked "again").
 */
#ifndef PORTAL_SUBMISSION_H
#define PORTAL_SUBMISSION_H

#include "app.h"

enum submission_claim {
	SUBMISSION_NEW,      /* go on: the key is now this change's */
	SUBMISSION_SEEN,     /* handled before: roll back, submission_replay() */
	SUBMISSION_BAD,      /* answered 422: not a key this portal makes */
	SUBMISSION_DB_ERROR  /* the database failed */
};

/* A new key for the forms of a page, valid for the signed-in account only
 * (FORM_TOKEN_CHARS + NUL). */
bool submission_new_key(struct ctx *, char out[64]);
/* In the caller's transaction: claims the form's key (no key: always NEW). */
enum submission_claim submission_claim(struct ctx *);

/*
 * The same claim as one statement of the caller's batch (db_run_batch), to
 * save a round trip: submission_claim_add() fills `item` (item.st is NULL
 * when the form carries no key) or answers 422 and returns SUBMISSION_BAD;
 * after the batch ran, submission_claim_result() reads its answer.
 */
struct submission_batch {
	struct db_batch item;
	const char     *params[3];
	char            me[24];
};
enum submission_claim submission_claim_add(struct ctx *, struct submission_batch *);
enum submission_claim submission_claim_result(const struct submission_batch *);
/* In the same transaction: where the first answer sent the person. */
bool submission_done(struct ctx *, const char *location);
/* After the caller rolled back: 303 to where the first answer went. */
void submission_replay(struct ctx *);

#endif

/*
 * What the action files share (action.c, action_do.c, dispatch.c): the
 * request an action works on, the fields of the action forms, and the
 * outcome an action returns. Each action applies its change inside the
 * transaction h_request_action() opened and returns an outcome; only
 * h_request_action() turns an outcome into an HTTP status and a page.
 */
#ifndef PORTAL_ACTION_INTERNAL_H
#define PORTAL_ACTION_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>

#include "app.h"
#include "lifecycle.h"

/* The fields of the action forms (CONTRACT.md "Action fields"). */
enum action_field {
	AX_SQUADS, AX_SUPERVISORS, AX_SPECIAL_UNITS, AX_NOTE, AX_REASON,
	AX_DEPLOYMENT, AX_STATUS, AX_TYPE, AX_RULE, AX_CONFIRM, AX_ETA, AX__MAX
};

/* A request row locked for the action, and what the rules see in it. */
struct target {
	PGresult            *row;
	const char          *id;
	enum request_status  status;
	struct request_facts facts;
	struct action_facts  af;
};

enum outcome {
	OUTCOME_DONE,
	OUTCOME_INVALID,     /* 422: a field or a number is wrong */
	OUTCOME_FORBIDDEN,   /* 403: not for this person */
	OUTCOME_CONFLICT,    /* 409: not in this state */
	OUTCOME_NOT_FOUND,   /* 404: no such deployment... */
	OUTCOME_DB           /* the database failed: nothing was changed */
};

struct result {
	enum outcome outcome;
	const char  *clause;        /* the clause to name, or NULL */
	int          field;         /* the action_field at fault, or -1 */
	char         message[600];
};

/* Sets the result; returns its outcome, so that `return refuse(...)` reads. */
enum outcome refuse(struct result *, enum outcome, const char *clause, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

typedef enum outcome (*action_apply)(struct ctx *, struct target *, const struct verdict *,
    char *vals[AX__MAX], struct result *);

/* The request's status moves to `to` (-1: unchanged), with its times. */
bool set_status(struct ctx *, const struct target *, int to);
/* The action's audit event. */
bool audit(struct ctx *, const struct target *, const char *action, const char *clause,
         const char *note);
/* "2 squad(s), 1 supervisor(s), SWAT": for notes and messages. */
void describe_resources(struct buf *, const struct resources *);
/* Resources from the squads / supervisors / special_units values (NULL: 0). */
struct resources resources_from(const char *squads, const char *supervisors, const char *units);

enum outcome do_authorize(struct ctx *, struct target *, const struct verdict *, char *[AX__MAX], struct result *);
enum outcome do_assess(struct ctx *, struct target *, const struct verdict *, char *[AX__MAX], struct result *);
enum outcome do_approve(struct ctx *, struct target *, const struct verdict *, char *[AX__MAX], struct result *);
enum outcome do_deny(struct ctx *, struct target *, const struct verdict *, char *[AX__MAX], struct result *);
enum outcome do_dispatch(struct ctx *, struct target *, const struct verdict *, char *[AX__MAX], struct result *);
enum outcome do_checkin(struct ctx *, struct target *, const struct verdict *, char *[AX__MAX], struct result *);
enum outcome do_followup(struct ctx *, struct target *, const struct verdict *, char *[AX__MAX], struct result *);
enum outcome do_except(struct ctx *, struct target *, const struct verdict *, char *[AX__MAX], struct result *);
enum outcome do_close(struct ctx *, struct target *, const struct verdict *, char *[AX__MAX], struct result *);
enum outcome do_cancel(struct ctx *, struct target *, const struct verdict *, char *[AX__MAX], struct result *);

#endif

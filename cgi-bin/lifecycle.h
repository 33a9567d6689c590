/*
 * The lifecycle of a request (DESIGN.md "Lifecycle") as one explicit
 * transition table: for each action, the states it may be taken in, the
 * state it leads to, and who may take it. "Who" is the actors a rule of the
 * policy in force names (cap, assess, dispatch, checkin, followup, close,
 * exception), the approver an approve rule names, or whoever filed the
 * request, so the table holds for every policy without knowing any.
 *
 * lifecycle_decide() answers one (action, state, role) question; what needs
 * the database (who is on duty, open deployments, the originator) is
 * gathered by the caller into struct action_facts.
 */
#ifndef PORTAL_LIFECYCLE_H
#define PORTAL_LIFECYCLE_H

#include <stdbool.h>
#include <stdint.h>

#include "domain.h"
#include "policy.h"

enum action {
	ACT_AUTHORIZE, ACT_APPROVE, ACT_DENY, ACT_ASSESS, ACT_DISPATCH,
	ACT_CHECKIN, ACT_FOLLOWUP, ACT_CLOSE, ACT_CANCEL, ACT_EXCEPT, ACT__MAX
};

enum who {
	WHO_RULE,        /* the actors of a rule of `effect` in force for the
	                    request (policy_actor_may()) */
	WHO_APPROVER,    /* recipient of the approve rule, or its fallback when
	                    no primary is on duty */
	WHO_ORIGINATOR   /* whoever filed it (or their agency), under the
	                    kind's `effect` (file) rule */
};

struct transition {
	enum action       action;
	uint32_t          from;    /* bit per enum request_status */
	int               to;      /* enum request_status, or -1: unchanged */
	enum who          who;
	enum rule_effect  effect;  /* the rules that say who may, and are cited */
};

extern const struct choice action_choices[ACT__MAX + 1];
extern const struct transition transitions[ACT__MAX];

/* What the caller knows from the database. */
struct action_facts {
	bool is_originator;          /* the actor filed it (or is of its agency) */
	bool approved;               /* an approval was given (approved_at) */
	bool primary_approver_on_duty; /* a holder of the approve rule's role (matched) is on duty */
	bool approval_excepted;      /* the chief excepted its approve rule */
	bool cap_excepted;           /* ... its cap rule */
	bool separation_excepted;    /* ... its separation of duties rule */
	bool provisional;            /* a provisional authorization was given (C.3.a) */
	bool approver_mismatch;      /* the actor holds the approver's role but not the
	                                bureau / district the rule matches on */
	bool papers_outstanding;     /* the teletype or the letter not yet received */
	int  open_deployments;       /* deployments not yet returned */
	int  deployments;            /* all deployments */
};

enum decision {
	DECIDE_ALLOW,
	DECIDE_FORBIDDEN,  /* 403: this role may never do it */
	DECIDE_CONFLICT,   /* 409: not in the request's present state */
	DECIDE_INVALID     /* 422: the numbers are beyond what may be done */
};

struct verdict {
	enum decision      decision;
	const struct rule *rule;     /* the rule consulted, if any */
	const char        *clause;   /* the clause to name */
	const char        *message;  /* plain words */
};

/* The approve rule that applies to the request (its condition holds), or
 * NULL when it needs no approval. An exception granted by the chief is the
 * caller's to consult (struct action_facts.approval_excepted). */
const struct rule *lifecycle_approval_rule(const struct policy *, const struct request_facts *);

struct verdict lifecycle_decide(const struct policy *, enum action, enum request_status,
                   enum role, const struct request_facts *, const struct action_facts *);

int  action_from_id(const char *);

/* Whether the chief may except rule `r` on this request: only
 * a rule in force for it whose waiver the lifecycle honours: an approval,
 * a cap, the follow-up timer, separation of duties. */
bool lifecycle_waivable(const struct rule *r, const struct request_facts *);

/* Squads, supervisors and specialized units (bit per special_unit_choices). */
struct resources {
	int      squads, supervisors;
	uint32_t units;
};

/* Whether `want` stays within `envelope` (each kind counted apart). */
bool resources_fit(const struct resources *want, const struct resources *envelope);

/* What a dispatch is checked against: every
 * deployment of the request so far and this one, against the approval
 * given, else the provisional authorization, else the approval rule's
 * condition on what would then have been sent. */
struct dispatch_check {
	struct resources sent;        /* every deployment so far, returned or not */
	struct resources adding;      /* this dispatch */
	bool             has_envelope;/* the approval named numbers */
	struct resources approved;
	struct resources authorized;  /* the provisional authorization */
};

struct verdict lifecycle_dispatch_fits(const struct policy *, enum request_status,
                   const struct request_facts *requested, const struct action_facts *,
                   const struct dispatch_check *);

#endif

#include "lifecycle.h"

#include <string.h>

#define S(x) ((uint32_t)1 << (x))
#define R(x) ((uint32_t)1 << (x))
/* States in which a request is still open for work. */
#define OPEN (S(STATUS_SUBMITTED) | S(STATUS_PROVISIONALLY_AUTHORIZED) | \
    S(STATUS_PENDING_APPROVAL) | S(STATUS_APPROVED) | S(STATUS_DISPATCHED))
#define BEFORE_DECISION (S(STATUS_SUBMITTED) | S(STATUS_PROVISIONALLY_AUTHORIZED) | \
    S(STATUS_PENDING_APPROVAL))

const struct choice action_choices[ACT__MAX + 1] = {
	[ACT_AUTHORIZE] = { "authorize", "Provisionally authorize" },
	[ACT_APPROVE]   = { "approve", "Approve" },
	[ACT_DENY]      = { "deny", "Deny" },
	[ACT_ASSESS]    = { "assess", "Record the on-scene assessment" },
	[ACT_DISPATCH]  = { "dispatch", "Dispatch" },
	[ACT_CHECKIN]   = { "checkin", "Record a status check-in" },
	[ACT_FOLLOWUP]  = { "followup", "Record the teletype or letter" },
	[ACT_CLOSE]     = { "close", "Close" },
	[ACT_CANCEL]    = { "cancel", "Cancel" },
	[ACT_EXCEPT]    = { "except", "Grant an exception" },
};

/*
 * The transition table. Dispatch from `submitted` is allowed only when no
 * approval is needed, and from `provisionally_authorized` (or from
 * `pending_approval` after one) only within the authorization:
 * lifecycle_decide() and the dispatch handler check those. Closed, denied
 * and cancelled requests are read-only, with two exceptions: units sent under
 * a provisional authorization that was then denied still report their
 * return (check-in), so nobody stays recorded as deployed; and the papers a
 * follow-up rule tracks are recorded after closing or denial. Who may take
 * an action is the policy's to say, never this table's: the actors of its
 * rules of the effect, its approver, or whoever filed.
 */
const struct transition transitions[ACT__MAX] = {
	[ACT_AUTHORIZE] = { ACT_AUTHORIZE, S(STATUS_SUBMITTED), STATUS_PROVISIONALLY_AUTHORIZED,
	    WHO_RULE, EFFECT_CAP },
	[ACT_APPROVE] = { ACT_APPROVE, BEFORE_DECISION, STATUS_APPROVED, WHO_APPROVER, EFFECT_APPROVE },
	[ACT_DENY] = { ACT_DENY, BEFORE_DECISION, STATUS_DENIED, WHO_APPROVER, EFFECT_APPROVE },
	/* It sends a request not yet decided to its approver (pending_approval);
	 * after approval it is recorded and relayed without a change of state. */
	[ACT_ASSESS] = { ACT_ASSESS, OPEN, -1, WHO_RULE, EFFECT_ASSESS },
	[ACT_DISPATCH] = { ACT_DISPATCH, S(STATUS_SUBMITTED) | S(STATUS_PROVISIONALLY_AUTHORIZED) |
	    S(STATUS_PENDING_APPROVAL) | S(STATUS_APPROVED) | S(STATUS_DISPATCHED), STATUS_DISPATCHED,
	    WHO_RULE, EFFECT_DISPATCH },
	[ACT_CHECKIN] = { ACT_CHECKIN, S(STATUS_PROVISIONALLY_AUTHORIZED) | S(STATUS_PENDING_APPROVAL) |
	    S(STATUS_APPROVED) | S(STATUS_DISPATCHED) | S(STATUS_DENIED), -1, WHO_RULE, EFFECT_CHECKIN },
	/* The teletype and letter that follow a telephone request, where a
	 * follow-up rule asks for them: after it closed, too. */
	[ACT_FOLLOWUP] = { ACT_FOLLOWUP, OPEN | S(STATUS_CLOSED) | S(STATUS_DENIED), -1,
	    WHO_RULE, EFFECT_FOLLOWUP },
	[ACT_CLOSE] = { ACT_CLOSE, S(STATUS_SUBMITTED) | S(STATUS_PENDING_APPROVAL) |
	    S(STATUS_APPROVED) | S(STATUS_DISPATCHED), STATUS_CLOSED, WHO_RULE, EFFECT_CLOSE },
	[ACT_CANCEL] = { ACT_CANCEL, BEFORE_DECISION | S(STATUS_APPROVED), STATUS_CANCELLED,
	    WHO_ORIGINATOR, EFFECT_FILE },
	[ACT_EXCEPT] = { ACT_EXCEPT, OPEN, -1, WHO_RULE, EFFECT_EXCEPTION },
};

/*
 * The plain words of a refusal of a WHO_RULE action: to a role no rule in
 * force names; when no rule of the effect is for the request's kind (NULL:
 * the same words); to an actor of a rule whose conditions this request does
 * not meet. The rule named says the rest, in the policy's own words.
 */
static const struct refusal {
	const char *forbidden, *no_rule, *not_here;
} refusals[ACT__MAX] = {
	[ACT_AUTHORIZE] = { "Your role may not provisionally authorize aid.",
	    "The policy in force has no provisional authorization for this kind of request.",
	    "A provisional authorization is not for this request: the rule named allows it only "
	    "under conditions this request does not meet." },
	[ACT_ASSESS] = { "Your role may not record the on-scene assessment: the rule named says who does.",
	    "The policy in force names nobody who records an on-scene assessment of this kind of request.",
	    "No on-scene assessment is recorded on this request: the rule named takes one only under "
	    "conditions this request does not meet." },
	[ACT_DISPATCH] = { "Your role may not send responders: members respond only when the person the "
	    "policy names authorized it.", NULL,
	    "Nobody is sent on this request now: the rule named sends members only under "
	    "conditions this request does not meet." },
	[ACT_CHECKIN] = { "Your role may not record a status check-in: the rule named says who does.",
	    "The policy in force names nobody who records check-ins on this kind of request.",
	    "No check-in is recorded on this request: the rule named takes them only under "
	    "conditions this request does not meet." },
	[ACT_FOLLOWUP] = { "Your role may not record the teletype or letter: the rule named says who does.",
	    "The policy in force asks for no teletype or letter on this kind of request.",
	    "No teletype or letter is awaited on this request: the rule named asks for them only "
	    "under conditions this request does not meet." },
	[ACT_CLOSE] = { "Your role may not close a request: the rule named says who does.",
	    "The policy in force names nobody who closes this kind of request.",
	    "This request cannot be closed: the rule named allows it only under conditions this "
	    "request does not meet." },
	[ACT_EXCEPT] = { "Your role may not grant an exception to the policy.", NULL,
	    "No exception can be granted on this request: the rule named allows one only under "
	    "conditions this request does not meet." },
};

int
action_from_id(const char *id)
{
	return choice_find_n(action_choices, ACT__MAX, id);
}

const struct rule *
lifecycle_approval_rule(const struct policy *pol, const struct request_facts *facts)
{
	return policy_rule_for(pol, EFFECT_APPROVE, facts);
}

static struct verdict
verdict(enum decision d, const struct rule *r, const char *clause, const char *message)
{
	struct verdict v = { d, r, r ? r->clause : clause, message };

	return v;
}

static bool
has_role(uint32_t mask, enum role role)
{
	return (mask & R(role)) != 0;
}

/*
 * Whether `role` may act as a rule of `effect` says for this request. When
 * not, *v is 403 when the role may never (no rule in force names it, or no
 * rule of the effect is for this kind at all), or 409 when a rule names
 * it but its conditions do not hold for this request (the rule named says
 * which they are).
 */
static bool
actor_may(const struct policy *pol, enum rule_effect effect, enum role role,
    const struct request_facts *facts, const struct rule **r, struct verdict *v,
    const struct refusal *words)
{
	if (policy_actor_may(pol, effect, role, facts, r))
		return true;
	if (*r == NULL)
		*v = verdict(DECIDE_FORBIDDEN, NULL, NULL, words->no_rule ? words->no_rule : words->forbidden);
	else if (!has_role((*r)->actors, role) || rule_condition_holds(*r, facts))
		*v = verdict(DECIDE_FORBIDDEN, *r, NULL, words->forbidden);
	else
		*v = verdict(DECIDE_CONFLICT, *r, NULL, words->not_here);
	return false;
}

/* Whether `role` may decide (approve or deny) under the approval rule `r`;
 * if not, *v says why. */
static bool
approver_may(const struct policy *pol, const struct rule *r, enum role role,
    const struct request_facts *facts, const struct action_facts *af, struct verdict *v)
{
	if (r == NULL) {
		*v = verdict(DECIDE_CONFLICT, NULL, NULL,
		    "This request needs no approval under the policy in force.");
		return false;
	}
	/* Separation of duties: whoever filed a request does not decide it,
	 * where the policy in force says so. */
	if (af->is_originator) {
		const struct rule *sep = policy_rule_for(pol, EFFECT_SEPARATE, facts);

		if (sep != NULL && !af->separation_excepted) {
			*v = verdict(DECIDE_FORBIDDEN, sep, NULL,
			    "Whoever filed a request does not approve or deny it.");
			return false;
		}
	}
	if (role == (enum role)r->recipient) {
		/* An approver matched on bureau or district decides only the
		 * requests of their own. */
		if (!af->approver_mismatch)
			return true;
		*v = verdict(DECIDE_FORBIDDEN, r, NULL, "Only the approver of the bureau, district or "
		    "division the request names may approve or deny it.");
		return false;
	}
	/* "If not available": the fallback approves only while no primary
	 * approver is on duty. */
	if (r->fallback >= 0 && role == (enum role)r->fallback) {
		if (!af->primary_approver_on_duty)
			return true;
		*v = verdict(DECIDE_FORBIDDEN, r, NULL, "The approver the policy names is on duty: the "
		    "fallback approver may act only when they are not available.");
		return false;
	}
	*v = verdict(DECIDE_FORBIDDEN, r, NULL, "Your role may not approve or deny this request.");
	return false;
}

/* Who first: someone who may never take the action is told so (403)
 * whatever the state. True when `role` may; *r becomes the rule cited. */
static bool
who_may(const struct policy *pol, const struct transition *t, enum role role,
    const struct request_facts *facts, const struct action_facts *af,
    const struct rule *approval, const struct rule **r, struct verdict *v)
{
	switch (t->who) {
	case WHO_RULE:
		return actor_may(pol, t->effect, role, facts, r, v, &refusals[t->action]);
	case WHO_ORIGINATOR:
		/* A cancellation cites the rule the kind was filed under. */
		*r = policy_rule_for(pol, t->effect, facts);
		if (af->is_originator)
			return true;
		*v = verdict(DECIDE_FORBIDDEN, NULL, NULL, "Only whoever filed the request may cancel it.");
		return false;
	case WHO_APPROVER:
		*r = approval;
		return approver_may(pol, approval, role, facts, af, v);
	}
	return true;
}

/* Then what the request's state and its numbers allow (409 when not). */
static bool
state_allows(const struct transition *t, enum action action, enum request_status state,
    const struct action_facts *af, const struct rule *r, const struct rule *approval,
    struct verdict *v)
{
	bool waits = approval != NULL && !af->approval_excepted;

	/* After closing or denial, only what is still tracked: a unit still
	 * out reports its return. The teletype and letter are recorded where
	 * a follow-up rule tracks them (who_may() found it), while one of them
	 * is awaited. */
	if (action == ACT_FOLLOWUP && !af->papers_outstanding) {
		*v = verdict(DECIDE_CONFLICT, r, NULL, "The teletype and the letter were both recorded already.");
		return false;
	}
	if (!(t->from & S(state)) || (action == ACT_CHECKIN && state == STATUS_DENIED &&
	    af->open_deployments == 0)) {
		*v = verdict(DECIDE_CONFLICT, r, NULL,
		    state == STATUS_CLOSED || state == STATUS_DENIED || state == STATUS_CANCELLED
		    ? "The request is closed, denied or cancelled: it can no longer change."
		    : "This action is not possible in the request's present state.");
		return false;
	}
	if (action == ACT_DISPATCH && state == STATUS_PENDING_APPROVAL && !af->provisional &&
	    !af->approved && waits)
		*v = verdict(DECIDE_CONFLICT, approval, NULL, "The request waits for its approval: only "
		    "what a provisional authorization covered may be sent before it.");
	else if (action == ACT_DISPATCH && state == STATUS_SUBMITTED && waits)
		*v = verdict(DECIDE_CONFLICT, approval, NULL, "The request must be approved (or "
		    "provisionally authorized) before anyone is sent.");
	else if (action == ACT_CLOSE && af->open_deployments > 0)
		*v = verdict(DECIDE_CONFLICT, r, NULL,
		    "Every deployment must have returned before the request is closed.");
	else if (action == ACT_CLOSE && (state == STATUS_SUBMITTED || state == STATUS_PENDING_APPROVAL) &&
	    waits && !af->approved)
		*v = verdict(DECIDE_CONFLICT, approval, NULL,
		    "The request waits for its approval or denial; it cannot be closed before.");
	else if (action == ACT_CANCEL && af->deployments > 0)
		*v = verdict(DECIDE_CONFLICT, r, NULL,
		    "Responders were dispatched already: the request can no longer be cancelled.");
	else if (action == ACT_CHECKIN && af->open_deployments == 0)
		*v = verdict(DECIDE_CONFLICT, r, NULL, "Nobody is deployed on this request.");
	else
		return true;
	return false;
}

struct verdict
lifecycle_decide(const struct policy *pol, enum action action, enum request_status state,
    enum role role, const struct request_facts *facts, const struct action_facts *af)
{
	const struct transition *t = &transitions[action];
	const struct rule *r = NULL;
	const struct rule *approval = lifecycle_approval_rule(pol, facts);
	struct verdict v;

	if (!who_may(pol, t, role, facts, af, approval, &r, &v) ||
	    !state_allows(t, action, state, af, r, approval, &v))
		return v;
	return verdict(DECIDE_ALLOW, r, NULL, NULL);
}

bool
lifecycle_waivable(const struct rule *r, const struct request_facts *facts)
{
	return (r->effect == EFFECT_APPROVE || r->effect == EFFECT_CAP ||
	    r->effect == EFFECT_FOLLOWUP || r->effect == EFFECT_SEPARATE) && rule_in_force(r, facts);
}

bool
resources_fit(const struct resources *want, const struct resources *envelope)
{
	return want->squads <= envelope->squads && want->supervisors <= envelope->supervisors &&
	    (want->units & ~envelope->units) == 0;
}

static int
count_units(uint32_t v)
{
	int n = 0;

	for (; v != 0; v &= v - 1)
		n++;
	return n;
}

/*
 * A dispatch, counted on what would then have been sent in all (a rule's
 * condition "beyond_one_squad" counts what is actually dispatched, not
 * what was typed at filing):
 *  - after an approval that named numbers, within them, unless
 *    the chief excepted the approval rule;
 *  - under a provisional authorization, within it (C.3.a), unless the chief
 *    excepted the cap;
 *  - otherwise only while the approval rule's condition does not hold for
 *    what would have been sent (or the chief excepted it).
 */
struct verdict
lifecycle_dispatch_fits(const struct policy *pol, enum request_status state,
    const struct request_facts *requested, const struct action_facts *af,
    const struct dispatch_check *dc)
{
	struct resources total = dc->sent;
	struct request_facts then = *requested;
	const struct rule *r;

	total.squads += dc->adding.squads;
	total.supervisors += dc->adding.supervisors;
	total.units |= dc->adding.units;
	if (af->approved) {
		if (dc->has_envelope && !resources_fit(&total, &dc->approved) && !af->approval_excepted)
			return verdict(DECIDE_INVALID, lifecycle_approval_rule(pol, requested), NULL,
			    "This would send more than was approved (counting everyone sent so far). "
			    "Record the on-scene assessment, so that the approver can approve more.");
		return verdict(DECIDE_ALLOW, NULL, NULL, NULL);
	}
	if (af->provisional && (state == STATUS_PROVISIONALLY_AUTHORIZED ||
	    state == STATUS_PENDING_APPROVAL)) {
		r = policy_rule_for(pol, EFFECT_CAP, requested);
		if (!resources_fit(&total, &dc->authorized) && !af->cap_excepted)
			return verdict(DECIDE_INVALID, r, NULL,
			    "This would send more than the provisional authorization covers (counting "
			    "everyone sent so far); sending more waits for the approval.");
		return verdict(DECIDE_ALLOW, NULL, NULL, NULL);
	}
	if (total.squads > then.squads)
		then.squads = total.squads;
	if (total.supervisors > then.supervisors)
		then.supervisors = total.supervisors;
	then.special_units |= total.units;
	r = lifecycle_approval_rule(pol, &then);
	if (r != NULL && !af->approval_excepted)
		return verdict(DECIDE_CONFLICT, r, NULL, count_units(total.units) > 0 || total.squads > 1
		    ? "Sending this many (counting everyone sent so far) needs an approval first: "
		      "record the assessment of what is needed, so that the approver can approve it."
		    : "This request must be approved (or provisionally authorized) before anyone is sent.");
	return verdict(DECIDE_ALLOW, NULL, NULL, NULL);
}

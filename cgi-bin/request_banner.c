#include "request_banner.h"

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "lifecycle.h"
#include "policy.h"

#define MINUTES_PER_HOUR 60LL
#define MINUTES_PER_DAY  (24LL * MINUTES_PER_HOUR)

void
minutes_words(long long m, char *out, size_t len)
{
	if (m < 0)
		m = 0;
	if (m < MINUTES_PER_HOUR)
		snprintf(out, len, "%lld min", m);
	else if (m < 2 * MINUTES_PER_DAY)
		snprintf(out, len, m % MINUTES_PER_HOUR ? "%lld h %lld min" : "%lld h", m / MINUTES_PER_HOUR,
		    m % MINUTES_PER_HOUR);
	else
		snprintf(out, len, "%lld days", m / MINUTES_PER_DAY);
}

/* A role's label in mid-sentence: "Night watch commander" -> "night watch
 * commander"; acronyms ("DEC ...") keep their capitals. */
static void
role_words(struct buf *b, int role)
{
	const char *l = role_choices[role].label;

	if (l[0] >= 'A' && l[0] <= 'Z' && l[1] >= 'a' && l[1] <= 'z' && strncmp(l, "Chief", 5) != 0)
		buf_printf(b, "%c%s", l[0] - 'A' + 'a', l + 1);
	else
		buf_puts(b, l);
}

/* "the dispatcher or the dispatch supervisor": the actors of the first rule
 * of `effect` in force for the request. False when no rule names anyone. */
static bool
actors_words(struct buf *b, const struct policy *pol, enum rule_effect effect,
    const struct request_facts *facts)
{
	const struct rule *r = policy_rule_for(pol, effect, facts);
	int role, n = 0;

	if (r == NULL || r->actors == 0)
		return false;
	for (role = 0; role < ROLE__MAX; role++)
		if (r->actors & ((uint32_t)1 << role)) {
			buf_puts(b, n++ ? " or the " : "the ");
			role_words(b, role);
		}
	return true;
}

/* Whom a request in `status` waits for, in words (nothing once it ended). */
static void
waiting_for(struct buf *b, const struct policy *pol, enum request_status status,
    const struct request_facts *facts, bool approved)
{
	const struct rule *approval = lifecycle_approval_rule(pol, facts);

	switch (status) {
	case STATUS_SUBMITTED: case STATUS_PROVISIONALLY_AUTHORIZED: case STATUS_PENDING_APPROVAL:
		if (approval != NULL && approval->recipient >= 0 && !approved) {
			buf_puts(b, "Waiting for the ");
			role_words(b, approval->recipient);
			buf_puts(b, "'s approval");
			if (approval->fallback >= 0) {
				buf_puts(b, " (the ");
				role_words(b, approval->fallback);
				buf_puts(b, "'s when none is available)");
			}
			return;
		}
		/* FALLTHROUGH */
	case STATUS_APPROVED: {
		struct buf who;

		/* The dispatch rule's actors, when the policy names them. */
		buf_init(&who);
		buf_puts(b, "Waiting for units to be sent");
		if (actors_words(&who, pol, EFFECT_DISPATCH, facts))
			buf_printf(b, " by %s", buf_cstr(&who));
		buf_free(&who);
		return;
	}
	case STATUS_DISPATCHED:
		buf_puts(b, "Units are out: waiting for their check-ins, then for ");
		if (!actors_words(b, pol, EFFECT_CLOSE, facts))
			buf_puts(b, "the department");
		buf_puts(b, " to close it");
		return;
	case STATUS_DENIED: case STATUS_CLOSED: case STATUS_CANCELLED: case STATUS__MAX:
		return;
	}
}

void
request_banner(struct ctx *c, struct view_dict *d, const PGresult *req)
{
	const struct policy *pol = app_policy(c);
	int status = status_from_id(db_value(req, 0, "status"));
	struct request_facts facts;
	struct buf wait;
	char since[40];

	if (status < 0)
		return;
	request_facts_from_row(req, 0, &facts);
	view_set_str(d, "BANNER_STATE", status_choices[status].label);
	buf_init(&wait);
	waiting_for(&wait, pol, (enum request_status)status, &facts,
	    db_value(req, 0, "approved_at") != NULL);
	if (wait.len > 0 && !buf_failed(&wait))
		view_set_str(view_add(d, "BANNER_WAIT"), "WAIT_TEXT", buf_cstr(&wait));
	buf_free(&wait);
	minutes_words(db_int(req, 0, "minutes_in_state"), since, sizeof(since));
	view_set_str(d, "BANNER_SINCE", since);
}

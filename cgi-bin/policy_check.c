/*
 * The checks of a policy file read whole: each rule says what its effect
 * needs, every kind can be filed by someone, and the Chief of Police is
 * told of every federal request (refused outright otherwise: the chief
 * rule is not optional).
 */
#include "policy_parse.h"

#define EFFECT_BIT(e) (1u << (e))

/* The effects whose rules say who may act on a request (policy_may_file(),
 * policy_actor_may()): a rule of one of them names its actors, or nobody
 * could take the action it governs. */
static const unsigned actor_effects = EFFECT_BIT(EFFECT_FILE) | EFFECT_BIT(EFFECT_CAP) |
    EFFECT_BIT(EFFECT_ASSESS) | EFFECT_BIT(EFFECT_DISPATCH) | EFFECT_BIT(EFFECT_CHECKIN) |
    EFFECT_BIT(EFFECT_FOLLOWUP) | EFFECT_BIT(EFFECT_CLOSE) | EFFECT_BIT(EFFECT_EXCEPTION) |
    EFFECT_BIT(EFFECT_UNITS);

/* The checks of one rule, once it is read whole. */
static void
check_rule(struct parser *p, size_t i)
{
	const struct rule *r = &p->pol->rules[i];
	unsigned keys = p->seen[i].keys;
	int line = r->line;

#define HAS(k) ((keys & (1u << (k))) != 0)
	if (HAS(K_CLAUSE) == HAS(K_DEPARTMENT))
		policy_problem(p, line, "rule %s: say either its clause or \"department rule: why\"", r->id);
	if (!HAS(K_SAYS))
		policy_problem(p, line, "rule %s: no \"says\" (the rule in plain words)", r->id);
	if (HAS(K_ENABLED) && r->basis != BASIS_DEPARTMENT)
		policy_problem(p, line, "rule %s: only a department rule may be switched off; a clause holds", r->id);
	if (!HAS(K_EFFECT)) {
		policy_problem(p, line, "rule %s: no effect", r->id);
		return;
	}
	if ((actor_effects & EFFECT_BIT(r->effect)) != 0 && r->actors == 0)
		policy_problem(p, line, "rule %s: %s names no actors", r->id, effect_choices[r->effect].id);
	switch (r->effect) {
	case EFFECT_REQUIRE:
		if (r->fields == 0 && r->any_of == 0)
			policy_problem(p, line, "rule %s: require names no fields", r->id);
		break;
	case EFFECT_NOTIFY:
		if (!p->seen[i].has_recipient_word)
			policy_problem(p, line, "rule %s: a notify rule without a recipient", r->id);
		if (r->on_event == EVENT_NONE)
			policy_problem(p, line, "rule %s: a notify rule without an event (on: ...)", r->id);
		break;
	case EFFECT_APPROVE:
		if (r->recipient < 0)
			policy_problem(p, line, "rule %s: an approve rule names the approver's role (notify: ...)", r->id);
		break;
	case EFFECT_CHECKIN: case EFFECT_FOLLOWUP:
		if (r->interval_minutes <= 0)
			policy_problem(p, line, "rule %s: %s needs minutes", r->id, effect_choices[r->effect].id);
		break;
	case EFFECT_FILE: case EFFECT_CAP: case EFFECT_ASSESS: case EFFECT_DISPATCH: case EFFECT_CLOSE:
	case EFFECT_EXCEPTION: case EFFECT_UNITS: case EFFECT_SEPARATE: case EFFECT__MAX:
		break;
	}
	if (r->effect == EFFECT_CAP && r->cap_squads < 0 && r->cap_supervisors < 0 && r->cap_special_units < 0)
		policy_problem(p, line, "rule %s: a cap names squads, supervisors or units", r->id);
	if (r->fallback >= 0 && r->recipient < 0)
		policy_problem(p, line, "rule %s: \"else\" without a role to notify first", r->id);
#undef HAS
}

/* Whether an enabled rule tells the chief, when `kind` is filed, of every
 * request that has the facts `given` (conditions beyond them would leave
 * some request out). */
static bool
chief_told(const struct policy *pol, enum request_kind kind, uint32_t given)
{
	size_t i;

	for (i = 0; i < pol->n; i++) {
		const struct rule *r = &pol->rules[i];

		if (r->enabled && r->effect == EFFECT_NOTIFY && r->on_event == EVENT_FILED &&
		    r->recipients == RECIPIENTS_ROLE && r->recipient == ROLE_CHIEF &&
		    rule_applies_to(r, kind) && (r->conditions & ~given) == 0)
			return true;
	}
	return false;
}

void
policy_check(struct parser *p)
{
	const struct policy *pol = p->pol;
	const uint32_t federal = (uint32_t)1 << COND_FEDERAL;
	const uint32_t party = federal | ((uint32_t)1 << COND_FEDERAL_PARTY);
	int k;
	size_t i;

	if (pol->name[0] == '\0')
		policy_problem(p, 0, "no \"policy:\" (the policy's id)");
	if (pol->department[0] == '\0')
		policy_problem(p, 0, "no \"department:\" (the department's name)");
	for (i = 0; i < pol->n; i++)
		check_rule(p, i);
	for (k = 0; k < KIND__MAX; k++) {
		bool open = false;

		for (i = 0; i < pol->n; i++)
			if (pol->rules[i].enabled && pol->rules[i].effect == EFFECT_FILE &&
			    rule_applies_to(&pol->rules[i], (enum request_kind)k) && pol->rules[i].actors != 0)
				open = true;
		if (!open)
			policy_problem(p, 0, "nobody may file \"%s\": give it a file rule", kind_choices[k].id);
		/* The chief rule is not optional: every federal kind, and any
		 * request a federal agency makes, which is a federal request. */
		if (kind_is_federal((enum request_kind)k) && !chief_told(pol, (enum request_kind)k,
		    k == KIND_FEDERAL_INCOMING ? party : federal))
			policy_problem(p, 0, "no rule notifies the Chief of Police of every \"%s\" request when it is "
			    "filed: the chief is notified of every federal request", kind_choices[k].id);
	}
	if (!chief_told(pol, KIND_AID_INCOMING, party))
		policy_problem(p, 0, "no rule notifies the Chief of Police when a federal agency asks for aid "
		    "(\"when: federal_party\" on aid_incoming): the chief is notified of every federal request");
}


/*
 * The rules engine. The active preset's rows of policy_rule (sql/003) are
 * loaded once per process; these functions answer, for a request and an
 * actor, what the written policy says: who may file, which fields it needs,
 * whom an event notifies, the caps of a provisional authorization, the
 * timers. Nothing here knows a city: it only reads rules.
 */
#ifndef PORTAL_POLICY_H
#define PORTAL_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "domain.h"
#include "request_form.h"

struct db;

enum rule_effect {
	EFFECT_FILE, EFFECT_REQUIRE, EFFECT_NOTIFY, EFFECT_CAP, EFFECT_APPROVE,
	EFFECT_DISPATCH, EFFECT_CHECKIN, EFFECT_FOLLOWUP, EFFECT_EXCEPTION,
	EFFECT_UNITS, EFFECT_SEPARATE, EFFECT__MAX
};

enum policy_event {
	EVENT_NONE, EVENT_FILED, EVENT_AUTHORIZED, EVENT_APPROVED, EVENT_ASSESSED,
	EVENT_DISPATCHED, EVENT_DENIED, EVENT_CHECKIN_OVERDUE,
	EVENT_FOLLOWUP_OVERDUE, EVENT_EXCEPTION, EVENT__MAX
};

enum rule_condition {
	COND_ALWAYS, COND_EMERGENCY, COND_SPECIAL_UNIT, COND_PHONE,
	COND_BEYOND_ONE_SQUAD, COND_BEYOND_CAP, COND_FEDERAL, COND_FEDERAL_PARTY,
	COND__MAX
};

enum match_attr { MATCH_NONE, MATCH_BUREAU, MATCH_DISTRICT, MATCH_UNIT };

struct rule {
	char                id[32];
	char                clause[96];
	enum rule_effect    effect;
	uint32_t            kinds;      /* bit per enum request_kind; 0 = all */
	uint32_t            actors;     /* bit per enum role */
	int                 recipient;  /* enum role or -1 */
	int                 fallback;   /* enum role or -1 */
	enum match_attr     match;
	enum policy_event   on_event;
	enum rule_condition condition;
	uint64_t            fields;     /* bit per enum request_field */
	uint64_t            any_of;
	int                 cap_squads, cap_supervisors, cap_special_units;
	int                 interval_minutes;
	char               *summary;    /* owned */
};

struct policy {
	char         preset[16];
	char         department[128];
	struct rule *rules;   /* owned, in ordinal order */
	size_t       n;
};

/* What the rules look at in a request. */
struct request_facts {
	enum request_kind kind;
	bool              emergency;
	bool              by_phone;
	int               squads, supervisors;
	uint32_t          special_units;  /* bit per special_unit_choices index */
	const char       *bureau, *district;
	bool              federal_party;  /* the requesting agency is federal */
};

extern const struct choice effect_choices[EFFECT__MAX];
extern const struct choice event_choices[EVENT__MAX];
extern const struct choice condition_choices[COND__MAX];

bool  policy_load(struct policy *, struct db *);
void  policy_free(struct policy *);

bool  rule_applies_to(const struct rule *, enum request_kind);
bool  rule_condition_holds(const struct rule *, const struct request_facts *);
const struct rule *policy_find(const struct policy *, const char *id);

/* Whether `role` may file `kind`. When not, *why is the refusing rule (or
 * NULL when the preset names no one for that kind). */
bool  policy_may_file(const struct policy *, enum role, enum request_kind,
          const struct rule **why);
/* Whether `role` may act as the rule of `effect` says (dispatch, exception,
 * units, cap) for `kind`; *why is the rule consulted. */
bool  policy_actor_may(const struct policy *, enum rule_effect, enum role,
          enum request_kind, const struct rule **why);

/* Marks the fields the preset requires of `kind` that are empty: errors[f]
 * and rules[f] are set for each. Returns how many were missing. `values`
 * are the validated values (NULL when empty; "0" counts as empty for the
 * resource counts of an any_of group). */
size_t policy_check_required(const struct policy *, enum request_kind,
           char *const values[RF__MAX], const char *errors[RF__MAX],
           const struct rule *rules[RF__MAX]);

/* The first notify rule of `event` applying to the request, or NULL. */
const struct rule *policy_event_rule(const struct policy *, enum policy_event,
           const struct request_facts *);

/* The first rule of `effect` applying to the request (NULL when none). */
const struct rule *policy_rule_for(const struct policy *, enum rule_effect,
           const struct request_facts *);

/* The facts of row `row` of a result holding request columns (kind,
 * emergency, channel, squads, supervisors, special_units, bureau, district).
 * Strings point into the result. */
void     request_facts_from_row(const PGresult *, int row, struct request_facts *);

uint32_t special_units_mask(const char *pg_array);
int      parse_id_array(const char *pg_array, const struct choice *, size_t n, uint32_t *mask);

#endif

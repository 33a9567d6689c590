/*
 * The rules engine. A department's written policy is a text file
 * (policies/NAME.policy, read by policy_file.c; docs/policy-authoring.md
 * says how to write one); `portalctl policy load` stores it in the database
 * and every process reads the stored file once. These functions answer,
 * for a request and an actor, what the policy says: who may file, which
 * fields it needs, whom an event notifies, the caps of a provisional
 * authorization, the timers. Nothing here knows a city: it only reads rules.
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

/* What a rule does. Those that say who may act on a request (file, cap,
 * assess, dispatch, checkin, followup, close, exception, units) name their
 * actors; policy_actor_may() reads them. */
enum rule_effect {
	EFFECT_FILE, EFFECT_REQUIRE, EFFECT_NOTIFY, EFFECT_CAP, EFFECT_APPROVE,
	EFFECT_ASSESS, EFFECT_DISPATCH, EFFECT_CHECKIN, EFFECT_FOLLOWUP, EFFECT_CLOSE,
	EFFECT_EXCEPTION, EFFECT_UNITS, EFFECT_SEPARATE, EFFECT__MAX
};

enum policy_event {
	EVENT_NONE, EVENT_FILED, EVENT_AUTHORIZED, EVENT_APPROVED, EVENT_ASSESSED,
	EVENT_DISPATCHED, EVENT_DENIED, EVENT_CHECKIN_OVERDUE,
	EVENT_FOLLOWUP_OVERDUE, EVENT_EXCEPTION, EVENT_CLOSED, EVENT_CANCELLED,
	EVENT__MAX
};

/* Conditions a rule may name; a rule holds when all of its conditions do.
 * Each is one function in policy.c's condition table. */
enum rule_condition {
	COND_EMERGENCY, COND_ROUTINE, COND_SPECIAL_UNIT, COND_PHONE,
	COND_BEYOND_ONE_SQUAD, COND_BEYOND_CAP, COND_FEDERAL, COND_FEDERAL_PARTY,
	COND_WITHIN_CITY, COND_OUTSIDE_CITY, COND_UNITS_OUT,
	COND__MAX
};

enum match_attr { MATCH_NONE, MATCH_BUREAU, MATCH_DISTRICT, MATCH_UNIT };

/* Whose word a rule is: a clause of the written policy, or the
 * department's own addition (labelled so wherever a clause would be). */
enum rule_basis { BASIS_CLAUSE, BASIS_DEPARTMENT };

/* How a rule of the department's own is cited: this label, a colon and the
 * department's reason (never a clause it does not have). */
#define POLICY_DEPARTMENT_LABEL "Department rule"

/* Recipients that are not a role: people of the request itself. */
enum recipient_set {
	RECIPIENTS_ROLE,      /* `recipient` (and `fallback`) */
	RECIPIENTS_SENDERS,   /* whoever authorized its deployments */
	RECIPIENTS_FILER,     /* whoever filed it (an agency hears back) */
	RECIPIENTS_ASKER,     /* whoever filed it, when an outside agency did */
	RECIPIENTS_WORKERS,   /* the department's people who acted on it or were told of it */
	RECIPIENTS__MAX
};

#define CITATION_MAX 320

struct rule {
	char                id[32];
	/* What is shown wherever the rule is named: the clause ("98-023
	 * §V.A"), or "Department rule: " and the department's reason. */
	char                clause[CITATION_MAX];
	enum rule_basis     basis;
	bool                enabled;    /* a department rule may be switched off */
	enum rule_effect    effect;
	uint32_t            kinds;      /* bit per enum request_kind; 0 = all */
	uint32_t            actors;     /* bit per enum role */
	enum recipient_set  recipients;
	int                 recipient;  /* enum role or -1 */
	int                 fallback;   /* enum role or -1 */
	enum match_attr     match;
	enum policy_event   on_event;
	uint32_t            conditions; /* bit per enum rule_condition, all must hold */
	uint64_t            fields;     /* bit per enum request_field */
	uint64_t            any_of;
	int                 cap_squads, cap_supervisors, cap_special_units;
	int                 interval_minutes;
	char               *summary;    /* owned: the rule in plain words */
	int                 line;       /* where the policy file says it */
};

#define POLICY_LIST_MAX 32

struct policy {
	char         name[32];        /* the policy's id ("oconomowoc") */
	char         department[128]; /* "City of Oconomowoc Police Department" */
	char         title[200];      /* "Policy 98-023, Mutual Aid (July 27, 2022)" */
	char         desk[200];       /* whom outside agencies call */
	char         desk_phone[40];  /* the desk's number, or "" */
	int          ack_minutes;     /* an unacknowledged notice older is marked; 0: never */
	char         city[64];        /* the city whose limits "within the city" means */
	char         authority[600];  /* the law the request sheet cites, or "" */
	/* The department's structure: bureaus and districts (owned strings). */
	char        *bureaus[POLICY_LIST_MAX];
	size_t       nbureaus;
	char        *districts[POLICY_LIST_MAX];
	size_t       ndistricts;
	struct rule *rules;           /* owned, in the file's order */
	size_t       n;
	long long    document_id;     /* policy_document row it was read from */
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
	int               within_city;    /* 1 within, 0 outside, -1 not said */
	bool              units_out;      /* deployments not yet returned */
};

extern const struct choice effect_choices[EFFECT__MAX];
extern const struct choice event_choices[EVENT__MAX];
extern const struct choice condition_choices[COND__MAX];
extern const struct choice recipient_set_choices[RECIPIENTS__MAX];

/* The active policy from the database (the latest policy_document). */
bool  policy_load(struct policy *, struct db *);
/* Reads the policy again when a newer one was loaded since (portalctl
 * policy load): 1 replaced, 0 unchanged, -1 the database failed or the new
 * one cannot be read (the old one stays). */
int   policy_refresh(struct policy *, struct db *);
void  policy_free(struct policy *);

bool  rule_applies_to(const struct rule *, enum request_kind);
bool  rule_condition_holds(const struct rule *, const struct request_facts *);
/* Whether the rule is in force for the request: enabled, its kind, its
 * conditions. */
bool  rule_in_force(const struct rule *, const struct request_facts *);
const struct rule *policy_find(const struct policy *, const char *id);

/* Whether `role` may file `kind`. When not, *why is the refusing rule (or
 * NULL when the policy names no one for that kind). */
bool  policy_may_file(const struct policy *, enum role, enum request_kind,
          const struct rule **why);
/* Whether `role` may act as a rule of `effect` in force for the request
 * says (cap, assess, dispatch, checkin, followup, close, exception, units):
 * some rule of the effect whose conditions hold names it. *why is the rule
 * that allowed it; on a refusal, the first rule of the effect in force (as
 * policy_rule_for() finds it), else, when none is, the first whose
 * conditions do not hold that names the role, else the first for the
 * kind, else NULL (no rule of the effect names the kind). */
bool  policy_actor_may(const struct policy *, enum rule_effect, enum role,
          const struct request_facts *, const struct rule **why);

/* Marks the fields the policy requires of the request that are empty:
 * errors[f] and rules[f] are set for each. Returns how many were missing.
 * `values` are the validated values (NULL when empty; "0" counts as empty
 * for the resource counts of an any_of group). */
size_t policy_check_required(const struct policy *, const struct request_facts *,
           char *const values[RF__MAX], const char *errors[RF__MAX],
           const struct rule *rules[RF__MAX]);
/* Whether some rule of the policy, for `kind`, reads the field (requires
 * it, matches on it, or names a condition that reads it). */
bool  policy_uses_field(const struct policy *, enum request_kind, enum request_field);

/* The first notify rule of `event` in force for the request, or NULL. */
const struct rule *policy_event_rule(const struct policy *, enum policy_event,
           const struct request_facts *);

/* The first rule of `effect` in force for the request (NULL when none). */
const struct rule *policy_rule_for(const struct policy *, enum rule_effect,
           const struct request_facts *);

/* Whether `name` is one of the department's bureaus / districts. */
bool  policy_has_bureau(const struct policy *, const char *);
bool  policy_has_district(const struct policy *, const char *);

/* The facts of row `row` of a result holding request columns (kind,
 * emergency, channel, squads, supervisors, special_units, bureau, district,
 * requesting_agency_type, within_city, the assessment). Strings point into
 * the result. */
void     request_facts_from_row(const PGresult *, int row, struct request_facts *);

/* The facts of a request being filed, from its validated values. */
void     request_facts_from_values(enum request_kind, char *const values[RF__MAX],
             struct request_facts *);

uint32_t special_units_mask(const char *pg_array);
int      parse_id_array(const char *pg_array, const struct choice *, size_t n, uint32_t *mask);

#endif

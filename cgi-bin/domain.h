/*
 * The portal's vocabulary (DESIGN.md): roles, request kinds, statuses and the
 * fixed choice lists of a request, each with the words shown to people.
 * Ids are those of DESIGN.md and CONTRACT.md and of the CHECK constraints in
 * sql/002_requests.sql.
 */
#ifndef PORTAL_DOMAIN_H
#define PORTAL_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>

/* One choice of a fixed list: its id and the words shown for it. */
struct choice {
	const char *id;
	const char *label;
};

enum role {
	ROLE_AGENCY, ROLE_OFFICER, ROLE_DETECTIVE, ROLE_SUPERVISOR, ROLE_DISPATCHER,
	ROLE_DISPATCH_SUPERVISOR, ROLE_COMMANDER, ROLE_BUREAU_CHIEF,
	ROLE_WATCH_COMMANDER, ROLE_UNIT_COMMANDER, ROLE_CHIEF, ROLE_ADMIN,
	ROLE__MAX
};

enum request_kind {
	KIND_AID_INCOMING, KIND_AID_OUTGOING, KIND_AID_INTERNAL,
	KIND_FEDERAL_INVESTIGATIVE, KIND_FEDERAL_EMERGENCY, KIND_FEDERAL_INCOMING,
	KIND__MAX
};

enum request_status {
	STATUS_SUBMITTED, STATUS_PROVISIONALLY_AUTHORIZED, STATUS_PENDING_APPROVAL,
	STATUS_APPROVED, STATUS_DENIED, STATUS_DISPATCHED, STATUS_CLOSED,
	STATUS_CANCELLED, STATUS__MAX
};

/* Indexed by their enum, and NULL-terminated like the lists below. */
extern const struct choice role_choices[ROLE__MAX + 1];
extern const struct choice kind_choices[KIND__MAX + 1];
extern const struct choice status_choices[STATUS__MAX + 1];
/* A kind's one-line description, for the "new request" menu. */
extern const char *const kind_descriptions[KIND__MAX];

/* Lists terminated by an entry with a NULL id. */
extern const struct choice channel_choices[];
extern const struct choice incident_type_choices[];
extern const struct choice priority_choices[];
extern const struct choice yesno_choices[];
extern const struct choice special_unit_choices[];
extern const struct choice federal_agency_choices[];
extern const struct choice investigation_category_choices[];
extern const struct choice agency_type_choices[];
extern const struct choice checkin_status_choices[];
/* A deployment's status: dispatched, then the check-in statuses. */
extern const struct choice deployment_status_choices[];

/* Index of `id` in a NULL-terminated list (or one of `n` entries), or -1. */
int          choice_find(const struct choice *, const char *id);
int          choice_find_n(const struct choice *, size_t n, const char *id);
/* The label of `id`, or `id` itself when it is not in the list. */
const char  *choice_label(const struct choice *, const char *id);

int          role_from_id(const char *);           /* -1 when unknown */
int          kind_from_id(const char *);           /* -1 when unknown */
int          status_from_id(const char *);         /* -1 when unknown */
bool         kind_is_federal(enum request_kind);
/* Staff are the department's own people: everyone but outside agencies. */
bool         role_is_staff(enum role);

#endif

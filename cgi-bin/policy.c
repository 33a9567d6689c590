#include "policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "field.h"
#include "log.h"
#include "policy_file.h"

const struct choice effect_choices[EFFECT__MAX] = {
	[EFFECT_FILE] = { "file", "Who may file" },
	[EFFECT_REQUIRE] = { "require", "Required information" },
	[EFFECT_NOTIFY] = { "notify", "Notification" },
	[EFFECT_CAP] = { "cap", "Provisional authorization" },
	[EFFECT_APPROVE] = { "approve", "Approval" },
	[EFFECT_ASSESS] = { "assess", "On-scene assessment" },
	[EFFECT_DISPATCH] = { "dispatch", "Who may send responders" },
	[EFFECT_CHECKIN] = { "checkin", "Status check-ins" },
	[EFFECT_FOLLOWUP] = { "followup", "Follow-up documents" },
	[EFFECT_CLOSE] = { "close", "Closing a request" },
	[EFFECT_EXCEPTION] = { "exception", "Exceptions" },
	[EFFECT_UNITS] = { "units", "Choice of units" },
	[EFFECT_SEPARATE] = { "separate", "Separation of duties" },
};

const struct choice event_choices[EVENT__MAX] = {
	[EVENT_NONE] = { "", "" },
	[EVENT_FILED] = { "filed", "when the request is filed" },
	[EVENT_AUTHORIZED] = { "authorized", "when it is provisionally authorized" },
	[EVENT_APPROVED] = { "approved", "when it is approved" },
	[EVENT_ASSESSED] = { "assessed", "when the on-scene assessment is recorded" },
	[EVENT_DISPATCHED] = { "dispatched", "when units are dispatched" },
	[EVENT_DENIED] = { "denied", "when it is denied" },
	[EVENT_CHECKIN_OVERDUE] = { "checkin_overdue", "when a check-in is overdue" },
	[EVENT_FOLLOWUP_OVERDUE] = { "followup_overdue", "when a follow-up is overdue" },
	[EVENT_EXCEPTION] = { "exception", "when an exception is granted" },
	[EVENT_CLOSED] = { "closed", "when it is closed" },
	[EVENT_CANCELLED] = { "cancelled", "when it is cancelled" },
};

const struct choice recipient_set_choices[RECIPIENTS__MAX] = {
	[RECIPIENTS_ROLE] = { "", "" },
	[RECIPIENTS_SENDERS] = { "senders", "whoever sent units on it" },
	[RECIPIENTS_FILER] = { "filer", "whoever filed it" },
	[RECIPIENTS_ASKER] = { "asker", "the outside agency that filed it" },
	[RECIPIENTS_WORKERS] = { "workers", "the department's people working on it" },
};

static int
popcount32(uint32_t v)
{
	int n = 0;

	for (; v != 0; v &= v - 1)
		n++;
	return n;
}

static bool c_emergency(const struct rule *r, const struct request_facts *f) { (void)r; return f->emergency; }
static bool c_routine(const struct rule *r, const struct request_facts *f) { (void)r; return !f->emergency; }
static bool c_special_unit(const struct rule *r, const struct request_facts *f) { (void)r; return f->special_units != 0; }
static bool c_phone(const struct rule *r, const struct request_facts *f) { (void)r; return f->by_phone; }
/* federal_incoming is, by its definition, a federal agency asking. */
static bool c_federal_party(const struct rule *r, const struct request_facts *f)
{
	(void)r;
	return f->federal_party || f->kind == KIND_FEDERAL_INCOMING;
}
static bool c_within_city(const struct rule *r, const struct request_facts *f) { (void)r; return f->within_city == 1; }
static bool c_outside_city(const struct rule *r, const struct request_facts *f) { (void)r; return f->within_city == 0; }
static bool c_units_out(const struct rule *r, const struct request_facts *f) { (void)r; return f->units_out; }

/* beyond_one_squad: "more than one squad or the assistance of a specialized unit". */
static bool c_beyond_one_squad(const struct rule *r, const struct request_facts *f)
{ (void)r; return f->squads > 1 || f->special_units != 0; }

static bool
c_beyond_cap(const struct rule *r, const struct request_facts *f)
{
	return (r->cap_squads >= 0 && f->squads > r->cap_squads) ||
	    (r->cap_supervisors >= 0 && f->supervisors > r->cap_supervisors) ||
	    (r->cap_special_units >= 0 && popcount32(f->special_units) > r->cap_special_units);
}

/* A request is federal when its kind is, or when a federal agency asks,
 * whatever kind it was filed as. */
static bool
c_federal(const struct rule *r, const struct request_facts *f)
{
	(void)r;
	return kind_is_federal(f->kind) || f->federal_party;
}

/*
 * The conditions: the id a policy file names, the words shown, the test,
 * and the request field the condition reads (a form asks it only where a
 * rule needs it). A new condition is one line here and one function.
 */
static const struct condition {
	bool (*holds)(const struct rule *, const struct request_facts *);
	int   field;   /* enum request_field read, or -1 */
} conditions[COND__MAX] = {
	[COND_EMERGENCY] = { c_emergency, RF_EMERGENCY },
	[COND_ROUTINE] = { c_routine, RF_EMERGENCY },
	[COND_SPECIAL_UNIT] = { c_special_unit, RF_SPECIAL_UNITS },
	[COND_PHONE] = { c_phone, RF_CHANNEL },
	[COND_BEYOND_ONE_SQUAD] = { c_beyond_one_squad, RF_SQUADS },
	[COND_BEYOND_CAP] = { c_beyond_cap, RF_SQUADS },
	[COND_FEDERAL] = { c_federal, RF_REQUESTING_AGENCY_TYPE },
	[COND_FEDERAL_PARTY] = { c_federal_party, RF_REQUESTING_AGENCY_TYPE },
	[COND_WITHIN_CITY] = { c_within_city, RF_WITHIN_CITY },
	[COND_OUTSIDE_CITY] = { c_outside_city, RF_WITHIN_CITY },
	[COND_UNITS_OUT] = { c_units_out, -1 },
};

const struct choice condition_choices[COND__MAX] = {
	[COND_EMERGENCY] = { "emergency", "in an emergency" },
	[COND_ROUTINE] = { "routine", "when it is not an emergency" },
	[COND_SPECIAL_UNIT] = { "special_unit", "when a specialized unit is involved" },
	[COND_PHONE] = { "phone", "when the request came by telephone" },
	[COND_BEYOND_ONE_SQUAD] = { "beyond_one_squad", "when more than one squad or any specialized unit is needed" },
	[COND_BEYOND_CAP] = { "beyond_cap", "when more is needed than may be provisionally authorized" },
	[COND_FEDERAL] = { "federal", "when the request is federal (to or from a federal agency)" },
	[COND_FEDERAL_PARTY] = { "federal_party", "when federal authorities ask for our assistance" },
	[COND_WITHIN_CITY] = { "within_city", "when the aid is within the city" },
	[COND_OUTSIDE_CITY] = { "outside_city", "when the aid is outside the city" },
	[COND_UNITS_OUT] = { "units_out", "when units are out on it" },
};

/*
 * Parses a PostgreSQL text[] of plain ids ("{a,b}") into a bit mask over
 * `list`. Returns the number of ids, or -1 when one is not in the list.
 */
int
parse_id_array(const char *arr, const struct choice *list, size_t n, uint32_t *mask)
{
	const char *p;
	int count = 0;

	*mask = 0;
	if (arr == NULL || arr[0] != '{')
		return arr == NULL ? 0 : -1;
	p = arr + 1;
	while (*p != '\0' && *p != '}') {
		char id[64];
		size_t len = strcspn(p, ",}");
		int idx;

		if (len == 0 || len >= sizeof(id))
			return -1;
		memcpy(id, p, len);
		id[len] = '\0';
		idx = n ? choice_find_n(list, n, id) : choice_find(list, id);
		if (idx < 0 || idx >= 32)
			return -1;
		*mask |= (uint32_t)1 << idx;
		count++;
		p += len;
		if (*p == ',')
			p++;
	}
	return count;
}

uint32_t
special_units_mask(const char *arr)
{
	uint32_t mask;

	return parse_id_array(arr, special_unit_choices, 0, &mask) < 0 ? 0 : mask;
}

bool
policy_load(struct policy *pol, struct db *db)
{
	DB_STATEMENT(sql, "policy.policy_load", 0,
	    "SELECT id, body FROM policy_document ORDER BY id DESC LIMIT 1");
	struct policy_errors errs;
	PGresult *res;
	bool ok;

	memset(pol, 0, sizeof(*pol));
	if ((res = db_run(db, &sql, NULL)) == NULL)
		return false;
	if (PQntuples(res) != 1) {
		log_warn("no policy: was `portalctl init --policy` run?");
		PQclear(res);
		return false;
	}
	ok = policy_parse(db_value(res, 0, "body"), strlen(db_value(res, 0, "body")), pol, &errs);
	if (!ok)
		log_warn("the stored policy cannot be read: %s", errs.text[0]);
	else
		pol->document_id = db_int(res, 0, "id");
	PQclear(res);
	return ok;
}

int
policy_refresh(struct policy *pol, struct db *db)
{
	PGresult *res = db_query(db, "SELECT max(id) AS id FROM policy_document", 0, NULL);
	struct policy fresh;
	long long latest;

	if (res == NULL)
		return -1;
	latest = db_int(res, 0, "id");
	PQclear(res);
	if (latest == pol->document_id)
		return 0;
	if (!policy_load(&fresh, db))
		return -1;
	policy_free(pol);
	*pol = fresh;
	log_info("policy %s (document %lld) in force", pol->name, pol->document_id);
	return 1;
}

void
policy_free(struct policy *pol)
{
	size_t i;

	for (i = 0; pol->rules != NULL && i < pol->n; i++)
		free(pol->rules[i].summary);
	for (i = 0; i < pol->nbureaus; i++)
		free(pol->bureaus[i]);
	for (i = 0; i < pol->ndistricts; i++)
		free(pol->districts[i]);
	free(pol->rules);
	memset(pol, 0, sizeof(*pol));
}

bool
rule_applies_to(const struct rule *r, enum request_kind k)
{
	return r->kinds == 0 || (r->kinds & ((uint32_t)1 << k)) != 0;
}

const struct rule *
policy_find(const struct policy *pol, const char *id)
{
	size_t i;

	for (i = 0; i < pol->n; i++)
		if (strcmp(pol->rules[i].id, id) == 0)
			return &pol->rules[i];
	return NULL;
}

bool
rule_condition_holds(const struct rule *r, const struct request_facts *f)
{
	int c;

	for (c = 0; c < COND__MAX; c++)
		if ((r->conditions & ((uint32_t)1 << c)) && !conditions[c].holds(r, f))
			return false;
	return true;
}

bool
rule_in_force(const struct rule *r, const struct request_facts *f)
{
	return r->enabled && rule_applies_to(r, f->kind) && rule_condition_holds(r, f);
}

bool
policy_may_file(const struct policy *pol, enum role role, enum request_kind kind,
    const struct rule **why)
{
	size_t i;

	*why = NULL;
	for (i = 0; i < pol->n; i++) {
		const struct rule *r = &pol->rules[i];

		if (r->effect != EFFECT_FILE || !r->enabled || !rule_applies_to(r, kind))
			continue;
		*why = r;
		if (r->actors & ((uint32_t)1 << role))
			return true;
	}
	/* A kind no rule opens to anyone is closed: the policy decides. */
	return false;
}

bool
policy_actor_may(const struct policy *pol, enum rule_effect effect, enum role role,
    const struct request_facts *facts, const struct rule **why)
{
	/* What a refusal names, best first (policy.h): in force; naming the
	 * role elsewhere; for the kind. */
	const struct rule *first[3] = { NULL, NULL, NULL };
	size_t i;

	for (i = 0; i < pol->n; i++) {
		const struct rule *r = &pol->rules[i];
		bool named = (r->actors & ((uint32_t)1 << role)) != 0;
		int rank;

		if (r->effect != effect || !r->enabled || !rule_applies_to(r, facts->kind))
			continue;
		rank = rule_condition_holds(r, facts) ? (named ? -1 : 0) : named ? 1 : 2;
		if (rank < 0) {
			*why = r;
			return true;
		}
		if (first[rank] == NULL)
			first[rank] = r;
	}
	*why = first[0] != NULL ? first[0] : first[1] != NULL ? first[1] : first[2];
	return false;
}

static bool
value_present(enum request_field f, const char *v)
{
	if (v == NULL || *v == '\0')
		return false;
	/* A resource count of zero does not state a need. */
	if (f == RF_SQUADS || f == RF_SUPERVISORS || f == RF_PERSONNEL)
		return strtol(v, NULL, 10) > 0;
	return true;
}

size_t
policy_check_required(const struct policy *pol, const struct request_facts *facts,
    char *const values[RF__MAX], const char *errors[RF__MAX],
    const struct rule *rules[RF__MAX])
{
	size_t i, missing = 0;
	int f;

	for (i = 0; i < pol->n; i++) {
		const struct rule *r = &pol->rules[i];
		bool any = false;

		if (r->effect != EFFECT_REQUIRE || !rule_in_force(r, facts))
			continue;
		for (f = 0; f < RF__MAX; f++) {
			if (!(r->fields & ((uint64_t)1 << f)) || value_present(f, values[f]))
				continue;
			/* A field the form itself requires (and found empty) still
			 * names the clause; another error (too long...) does not. */
			if (errors[f] == NULL) {
				errors[f] = field_required_message;
				missing++;
			} else if (errors[f] != field_required_message)
				continue;
			if (rules[f] == NULL)
				rules[f] = r;
		}
		if (r->any_of == 0)
			continue;
		for (f = 0; f < RF__MAX; f++)
			if ((r->any_of & ((uint64_t)1 << f)) && value_present(f, values[f]))
				any = true;
		if (any)
			continue;
		/* Name every field of the group: any one of them will do. */
		for (f = 0; f < RF__MAX; f++) {
			if (!(r->any_of & ((uint64_t)1 << f)) || errors[f] != NULL)
				continue;
			errors[f] = "or another resource must be given: state the personnel, equipment or special units needed.";
			rules[f] = r;
			missing++;
		}
	}
	return missing;
}

bool
policy_uses_field(const struct policy *pol, enum request_kind kind, enum request_field f)
{
	size_t i;
	int c;

	for (i = 0; i < pol->n; i++) {
		const struct rule *r = &pol->rules[i];

		if (!r->enabled || !rule_applies_to(r, kind))
			continue;
		if ((r->fields | r->any_of) & ((uint64_t)1 << f))
			return true;
		if ((f == RF_BUREAU && r->match == MATCH_BUREAU) ||
		    (f == RF_DISTRICT && r->match == MATCH_DISTRICT))
			return true;
		for (c = 0; c < COND__MAX; c++)
			if ((r->conditions & ((uint32_t)1 << c)) && conditions[c].field == (int)f)
				return true;
	}
	return false;
}

const struct rule *
policy_rule_for(const struct policy *pol, enum rule_effect effect,
    const struct request_facts *facts)
{
	size_t i;

	for (i = 0; i < pol->n; i++) {
		const struct rule *r = &pol->rules[i];

		if (r->effect == effect && rule_in_force(r, facts))
			return r;
	}
	return NULL;
}

const struct rule *
policy_event_rule(const struct policy *pol, enum policy_event event,
    const struct request_facts *facts)
{
	size_t i;

	for (i = 0; i < pol->n; i++) {
		const struct rule *r = &pol->rules[i];

		if (r->effect == EFFECT_NOTIFY && r->on_event == event && rule_in_force(r, facts))
			return r;
	}
	return NULL;
}

static bool
in_list(char *const *items, size_t n, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < n; i++)
		if (strcmp(items[i], name) == 0)
			return true;
	return false;
}

bool
policy_has_bureau(const struct policy *pol, const char *name)
{
	return in_list(pol->bureaus, pol->nbureaus, name);
}

bool
policy_has_district(const struct policy *pol, const char *name)
{
	return in_list(pol->districts, pol->ndistricts, name);
}

void
request_facts_from_row(const PGresult *res, int row, struct request_facts *f)
{
	const char *channel = db_value(res, row, "channel");
	const char *party = db_value(res, row, "requesting_agency_type");
	const char *within = db_value(res, row, "within_city");
	int kind = kind_from_id(db_value(res, row, "kind"));

	memset(f, 0, sizeof(*f));
	f->kind = kind < 0 ? KIND_AID_INCOMING : (enum request_kind)kind;
	f->emergency = db_bool(res, row, "emergency");
	f->federal_party = party != NULL && strcmp(party, "federal") == 0;
	f->by_phone = channel != NULL && strcmp(channel, "phone") == 0;
	/* Aid between districts is within the city by its nature. */
	f->within_city = f->kind == KIND_AID_INTERNAL ? 1 : within == NULL ? -1 : within[0] == 't';
	/* What is asked: the on-scene assessment once there
	 * is one, else what was filed. */
	f->squads = (int)db_int(res, row, db_value(res, row, "assessed_squads") ? "assessed_squads" : "squads");
	f->supervisors = (int)db_int(res, row,
	    db_value(res, row, "assessed_supervisors") ? "assessed_supervisors" : "supervisors");
	f->special_units = special_units_mask(db_value(res, row,
	    db_value(res, row, "assessed_special_units") ? "assessed_special_units" : "special_units"));
	f->bureau = db_value(res, row, "bureau");
	f->district = db_value(res, row, "district");
}

static bool
is_yes(const char *v)
{
	return v != NULL && strcmp(v, "yes") == 0;
}

void
request_facts_from_values(enum request_kind kind, char *const v[RF__MAX], struct request_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->emergency = is_yes(v[RF_EMERGENCY]);
	f->federal_party = v[RF_REQUESTING_AGENCY_TYPE] != NULL &&
	    strcmp(v[RF_REQUESTING_AGENCY_TYPE], "federal") == 0;
	f->by_phone = v[RF_CHANNEL] != NULL && strcmp(v[RF_CHANNEL], "phone") == 0;
	f->within_city = kind == KIND_AID_INTERNAL ? 1 : v[RF_WITHIN_CITY] == NULL ? -1 :
	    is_yes(v[RF_WITHIN_CITY]);
	f->squads = v[RF_SQUADS] ? atoi(v[RF_SQUADS]) : 0;
	f->supervisors = v[RF_SUPERVISORS] ? atoi(v[RF_SUPERVISORS]) : 0;
	f->special_units = special_units_mask(v[RF_SPECIAL_UNITS]);
	f->bureau = v[RF_BUREAU];
	f->district = v[RF_DISTRICT];
}

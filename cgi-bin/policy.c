#include "policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"

const struct choice effect_choices[EFFECT__MAX] = {
	[EFFECT_FILE] = { "file", "Who may file" },
	[EFFECT_REQUIRE] = { "require", "Required information" },
	[EFFECT_NOTIFY] = { "notify", "Notification" },
	[EFFECT_CAP] = { "cap", "Provisional authorization" },
	[EFFECT_APPROVE] = { "approve", "Approval" },
	[EFFECT_DISPATCH] = { "dispatch", "Who may send responders" },
	[EFFECT_CHECKIN] = { "checkin", "Status check-ins" },
	[EFFECT_FOLLOWUP] = { "followup", "Follow-up documents" },
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
};

const struct choice condition_choices[COND__MAX] = {
	[COND_ALWAYS] = { "always", "" },
	[COND_EMERGENCY] = { "emergency", "in an emergency" },
	[COND_SPECIAL_UNIT] = { "special_unit", "when a specialized unit is involved" },
	[COND_PHONE] = { "phone", "when the request came by telephone" },
	[COND_BEYOND_ONE_SQUAD] = { "beyond_one_squad", "when more than one squad or any specialized unit is needed" },
	[COND_BEYOND_CAP] = { "beyond_cap", "when more is needed than may be provisionally authorized" },
	[COND_FEDERAL] = { "federal", "when the request is federal (to or from a federal agency)" },
	[COND_FEDERAL_PARTY] = { "federal_party", "when federal authorities ask for our assistance" },
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

static bool
parse_fields(const char *arr, uint64_t *mask)
{
	const char *p;

	*mask = 0;
	if (arr == NULL || arr[0] != '{')
		return false;
	for (p = arr + 1; *p != '\0' && *p != '}';) {
		char name[64];
		size_t len = strcspn(p, ",}");
		int f;

		if (len == 0 || len >= sizeof(name))
			return false;
		memcpy(name, p, len);
		name[len] = '\0';
		if ((f = request_field_find(name)) < 0)
			return false;
		*mask |= (uint64_t)1 << f;
		p += len;
		if (*p == ',')
			p++;
	}
	return true;
}

static int
optional_int(const PGresult *res, int row, const char *col)
{
	return db_value(res, row, col) ? (int)db_int(res, row, col) : -1;
}

static int
optional_role(const PGresult *res, int row, const char *col)
{
	const char *v = db_value(res, row, col);

	return v ? role_from_id(v) : -1;
}

bool
policy_load(struct policy *pol, struct db *db)
{
	static const char sql[] =
	    "SELECT r.id, r.clause, r.effect, r.kinds, r.actors, r.recipient, r.fallback,"
	    " r.match_attr, r.on_event, r.condition, r.fields, r.any_of, r.cap_squads,"
	    " r.cap_supervisors, r.cap_special_units, r.interval_minutes, r.summary,"
	    " s.value AS preset,"
	    " (SELECT value FROM setting WHERE name = 'department') AS department"
	    " FROM setting s JOIN policy_rule r ON r.preset = s.value"
	    " WHERE s.name = 'policy' ORDER BY r.ordinal";
	PGresult *res;
	int i, n;

	memset(pol, 0, sizeof(*pol));
	if ((res = db_query(db, sql, 0, NULL)) == NULL)
		return false;
	n = PQntuples(res);
	if (n == 0) {
		log_warn("no policy rules: was `portalctl init --policy` run?");
		PQclear(res);
		return false;
	}
	if ((pol->rules = calloc((size_t)n, sizeof(*pol->rules))) == NULL) {
		PQclear(res);
		return false;
	}
	snprintf(pol->preset, sizeof(pol->preset), "%s", db_value(res, 0, "preset"));
	snprintf(pol->department, sizeof(pol->department), "%s",
	    db_value(res, 0, "department") ? db_value(res, 0, "department") : "Police Department");
	for (i = 0; i < n; i++) {
		struct rule *r = &pol->rules[i];
		const char *v;
		int e;
		bool ok = true;

		snprintf(r->id, sizeof(r->id), "%s", db_value(res, i, "id"));
		snprintf(r->clause, sizeof(r->clause), "%s", db_value(res, i, "clause"));
		e = choice_find_n(effect_choices, EFFECT__MAX, db_value(res, i, "effect"));
		ok &= e >= 0;
		r->effect = (enum rule_effect)(e < 0 ? 0 : e);
		ok &= parse_id_array(db_value(res, i, "kinds"), kind_choices, KIND__MAX, &r->kinds) >= 0;
		ok &= parse_id_array(db_value(res, i, "actors"), role_choices, ROLE__MAX, &r->actors) >= 0;
		r->recipient = optional_role(res, i, "recipient");
		r->fallback = optional_role(res, i, "fallback");
		v = db_value(res, i, "match_attr");
		r->match = v == NULL ? MATCH_NONE : strcmp(v, "bureau") == 0 ? MATCH_BUREAU :
		    strcmp(v, "district") == 0 ? MATCH_DISTRICT : MATCH_UNIT;
		v = db_value(res, i, "on_event");
		e = v ? choice_find_n(event_choices, EVENT__MAX, v) : 0;
		ok &= e >= 0;
		r->on_event = (enum policy_event)(e < 0 ? 0 : e);
		e = choice_find_n(condition_choices, COND__MAX, db_value(res, i, "condition"));
		ok &= e >= 0;
		r->condition = (enum rule_condition)(e < 0 ? 0 : e);
		ok &= parse_fields(db_value(res, i, "fields"), &r->fields);
		ok &= parse_fields(db_value(res, i, "any_of"), &r->any_of);
		r->cap_squads = optional_int(res, i, "cap_squads");
		r->cap_supervisors = optional_int(res, i, "cap_supervisors");
		r->cap_special_units = optional_int(res, i, "cap_special_units");
		r->interval_minutes = optional_int(res, i, "interval_minutes");
		r->summary = strdup(db_value(res, i, "summary"));
		ok &= r->summary != NULL;
		pol->n = (size_t)i + 1;
		if (!ok) {
			log_warn("policy rule %s cannot be read", r->id);
			PQclear(res);
			policy_free(pol);
			return false;
		}
	}
	PQclear(res);
	return true;
}

void
policy_free(struct policy *pol)
{
	size_t i;

	for (i = 0; i < pol->n; i++)
		free(pol->rules[i].summary);
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

static int
popcount32(uint32_t v)
{
	int n = 0;

	for (; v != 0; v &= v - 1)
		n++;
	return n;
}

bool
rule_condition_holds(const struct rule *r, const struct request_facts *f)
{
	switch (r->condition) {
	case COND_ALWAYS:
		return true;
	case COND_EMERGENCY:
		return f->emergency;
	case COND_SPECIAL_UNIT:
		return f->special_units != 0;
	case COND_PHONE:
		return f->by_phone;
	case COND_BEYOND_ONE_SQUAD:
		/* SOP 230.10 D: more than one squad or any specialized unit. */
		return f->squads > 1 || f->special_units != 0;
	case COND_FEDERAL:
		/* A request is federal when its kind is, or when a federal
		 * agency asks (98-023 §III.B.4), whatever kind it was filed as. */
		return kind_is_federal(f->kind) || f->federal_party;
	case COND_FEDERAL_PARTY:
		return f->federal_party;
	case COND_BEYOND_CAP:
		return (r->cap_squads >= 0 && f->squads > r->cap_squads) ||
		    (r->cap_supervisors >= 0 && f->supervisors > r->cap_supervisors) ||
		    (r->cap_special_units >= 0 && popcount32(f->special_units) > r->cap_special_units);
	case COND__MAX:
		break;
	}
	return false;
}

bool
policy_may_file(const struct policy *pol, enum role role, enum request_kind kind,
    const struct rule **why)
{
	size_t i;

	*why = NULL;
	for (i = 0; i < pol->n; i++) {
		const struct rule *r = &pol->rules[i];

		if (r->effect != EFFECT_FILE || !rule_applies_to(r, kind))
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
    enum request_kind kind, const struct rule **why)
{
	size_t i;

	*why = NULL;
	for (i = 0; i < pol->n; i++) {
		const struct rule *r = &pol->rules[i];

		if (r->effect != effect || !rule_applies_to(r, kind))
			continue;
		*why = r;
		if (r->actors & ((uint32_t)1 << role))
			return true;
	}
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
policy_check_required(const struct policy *pol, enum request_kind kind,
    char *const values[RF__MAX], const char *errors[RF__MAX],
    const struct rule *rules[RF__MAX])
{
	size_t i, missing = 0;
	int f;

	for (i = 0; i < pol->n; i++) {
		const struct rule *r = &pol->rules[i];
		bool any = false;

		if (r->effect != EFFECT_REQUIRE || !rule_applies_to(r, kind))
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

const struct rule *
policy_rule_for(const struct policy *pol, enum rule_effect effect,
    const struct request_facts *facts)
{
	size_t i;

	for (i = 0; i < pol->n; i++) {
		const struct rule *r = &pol->rules[i];

		if (r->effect == effect && rule_applies_to(r, facts->kind) &&
		    rule_condition_holds(r, facts))
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

		if (r->effect == EFFECT_NOTIFY && r->on_event == event &&
		    rule_applies_to(r, facts->kind) && rule_condition_holds(r, facts))
			return r;
	}
	return NULL;
}

void
request_facts_from_row(const PGresult *res, int row, struct request_facts *f)
{
	const char *channel = db_value(res, row, "channel");
	int kind = kind_from_id(db_value(res, row, "kind"));

	memset(f, 0, sizeof(*f));
	f->kind = kind < 0 ? KIND_AID_INCOMING : (enum request_kind)kind;
	f->emergency = db_bool(res, row, "emergency");
	f->federal_party = db_value(res, row, "requesting_agency_type") != NULL &&
	    strcmp(db_value(res, row, "requesting_agency_type"), "federal") == 0;
	f->by_phone = channel != NULL && strcmp(channel, "phone") == 0;
	/* What is asked: the on-scene assessment (SOP 230.10 C.3.c) once there
	 * is one, else what was filed. */
	f->squads = (int)db_int(res, row, db_value(res, row, "assessed_squads") ? "assessed_squads" : "squads");
	f->supervisors = (int)db_int(res, row,
	    db_value(res, row, "assessed_supervisors") ? "assessed_supervisors" : "supervisors");
	f->special_units = special_units_mask(db_value(res, row,
	    db_value(res, row, "assessed_special_units") ? "assessed_special_units" : "special_units"));
	f->bureau = db_value(res, row, "bureau");
	f->district = db_value(res, row, "district");
}

/*
 * Filing a request (GET /requests/new, POST /requests) and reading one
 * (GET /requests/ID, /requests/ID.json).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "log.h"
#include "page.h"
#include "action.h"
#include "request_public.h"
#include "request_store.h"
#include "submission.h"

static const char *
input_type(enum field_type t)
{
	switch (t) {
	case FIELD_EMAIL:    return "email";
	case FIELD_PHONE:    return "tel";
	case FIELD_INT:      return "number";
	case FIELD_DATETIME: return "datetime-local";
	default:             return "text";
	}
}

/* Whether the form shows (and the portal reads) the field for this person.
 * An outside agency files for itself, through the portal: its agency and
 * the channel are not theirs to choose. */
static bool
field_shown(struct ctx *c, enum request_kind kind, enum request_field f)
{
	if (!request_field_applies(f, kind))
		return false;
	if (c->me.role == ROLE_AGENCY && (f == RF_CHANNEL || f == RF_REQUESTING_AGENCY ||
	    f == RF_REQUESTING_AGENCY_TYPE))
		return false;
	/* Bureau, district and where the aid is: only where a rule of the
	 * policy reads them (SOP 230.10 C.3.a, D). */
	if (f == RF_BUREAU || f == RF_DISTRICT || f == RF_WITHIN_CITY)
		return policy_uses_field(app_policy(c), kind, f);
	return true;
}

/* Whether the field table or the policy requires the field for the kind
 * (1), requires it only under conditions (the rule is in *when), or not (0). */
static int
field_required(const struct policy *pol, enum request_kind kind, enum request_field f,
    const struct rule **when)
{
	size_t i;

	*when = NULL;
	if (request_fields[f].required)
		return 1;
	for (i = 0; i < pol->n; i++) {
		const struct rule *r = &pol->rules[i];

		if (r->effect != EFFECT_REQUIRE || !r->enabled || !rule_applies_to(r, kind) ||
		    !(r->fields & ((uint64_t)1 << f)))
			continue;
		if (r->conditions == 0)
			return 1;
		*when = r;
	}
	return 0;
}

/* "when the aid is outside the city": the words of a rule's conditions. */
static void
conditions_words(const struct rule *r, char *out, size_t len)
{
	size_t used = 0;
	int k;

	out[0] = '\0';
	for (k = 0; k < COND__MAX && used < len; k++)
		if (r->conditions & ((uint32_t)1 << k))
			used += (size_t)snprintf(out + used, len - used, "%s%s", used ? " and " : "",
			    condition_choices[k].label);
}

/* The department's structure: a bureau or district must be one of its own
 * (a spelling that matches no approver would route nowhere). */
static size_t
check_structure(const struct policy *pol, char *const values[RF__MAX], const char *errors[RF__MAX])
{
	size_t bad = 0;

	if (values[RF_BUREAU] != NULL && errors[RF_BUREAU] == NULL && pol->nbureaus > 0 &&
	    !policy_has_bureau(pol, values[RF_BUREAU])) {
		errors[RF_BUREAU] = "must be one of the department's bureaus.";
		bad++;
	}
	if (values[RF_DISTRICT] != NULL && errors[RF_DISTRICT] == NULL && pol->ndistricts > 0 &&
	    !policy_has_district(pol, values[RF_DISTRICT])) {
		errors[RF_DISTRICT] = "must be one of the department's districts.";
		bad++;
	}
	return bad;
}

/* A select of the department's own bureaus or districts. */
static void
structure_choices(struct view_dict *fd, char *const *names, size_t n, const char *value)
{
	struct view_dict *sub = view_add(fd, "SELECT");
	size_t i;

	for (i = 0; i < n; i++) {
		struct view_dict *o = view_add(sub, "OPTION");

		view_set_str(o, "VALUE", names[i]);
		view_set_str(o, "LABEL", names[i]);
		if (value != NULL && strcmp(value, names[i]) == 0)
			view_show(o, "CHOSEN");
	}
}

static void
field_choices(struct view_dict *fd, const struct field_spec *spec, const char *value,
    bool multi)
{
	int i;

	for (i = 0; spec->choices[i].id != NULL; i++) {
		struct view_dict *o = view_add(fd, "OPTION");
		bool chosen;

		view_set_str(o, "VALUE", spec->choices[i].id);
		view_set_str(o, "LABEL", spec->choices[i].label);
		if (multi) {
			uint32_t mask = special_units_mask(value);

			chosen = (mask & ((uint32_t)1 << i)) != 0;
		} else
			chosen = value != NULL && strcmp(value, spec->choices[i].id) == 0;
		if (chosen)
			view_show(o, "CHOSEN");
	}
}

/*
 * The form of one kind. `values` are what to show in the inputs (typed
 * values after an error, defaults otherwise); `errors` may be NULL.
 */
static void
form_page(struct ctx *c, int status, enum request_kind kind, char *const values[RF__MAX],
    const char *const errors[RF__MAX], const struct rule *const rules[RF__MAX])
{
	const struct policy *pol = app_policy(c);
	struct view_dict *d = page_dict(c), *sections[RS__MAX] = { NULL };
	size_t i, nerrors = 0;
	int f, s;

	view_set_str(d, "KIND", kind_choices[kind].id);
	view_set_str(d, "KIND_LABEL", kind_choices[kind].label);
	view_set_str(d, "KIND_DESCRIPTION", kind_descriptions[kind]);
	if (c->me.role == ROLE_AGENCY)
		view_set_str(view_add(d, "FILING_FOR"), "AGENCY", c->me.agency);
	if (kind_is_federal(kind))
		view_show(d, "FEDERAL_NOTE");
	/* Show the rules that shape this form, with their clauses. */
	for (i = 0; i < pol->n; i++) {
		const struct rule *r = &pol->rules[i];

		if ((r->effect == EFFECT_REQUIRE || r->effect == EFFECT_NOTIFY || r->effect == EFFECT_FILE) &&
		    (r->kinds != 0 || r->effect == EFFECT_NOTIFY) && rule_applies_to(r, kind) &&
		    (r->effect != EFFECT_NOTIFY || r->on_event == EVENT_FILED)) {
			struct view_dict *rd = view_add(d, "RULE");

			view_set_str(rd, "CLAUSE", r->clause);
			view_set_str(rd, "SUMMARY", r->summary);
		}
	}
	for (s = 0; s < RS__MAX; s++) {
		for (f = 0; f < RF__MAX; f++) {
			const struct field_spec *spec = &request_fields[f];
			struct view_dict *fd, *sub;
			const struct rule *when;

			if ((int)request_field_section(f) != s || !field_shown(c, kind, f))
				continue;
			if (sections[s] == NULL) {
				sections[s] = view_add(d, "SECTION");
				view_set_str(sections[s], "TITLE", request_section_titles[s]);
			}
			fd = view_add(sections[s], "FIELD");
			view_set_str(fd, "NAME", spec->name);
			if (f == RF_WITHIN_CITY && pol->city[0] != '\0') {
				char label[160];

				snprintf(label, sizeof(label), "Is the help needed inside the City of %s?", pol->city);
				view_set_str(fd, "LABEL", label);
			} else
				view_set_str(fd, "LABEL", spec->label);
			if (field_required(pol, kind, f, &when) == 1)
				view_show(fd, "REQUIRED");
			else if (when != NULL) {
				char words[300];

				conditions_words(when, words, sizeof(words));
				view_set_str(view_add(fd, "REQUIRED_WHEN"), "WHEN", words);
			}
			if (errors != NULL && errors[f] != NULL) {
				struct view_dict *e = view_add(fd, "INVALID"), *top;

				view_set_str(e, "MESSAGE", errors[f]);
				if (rules != NULL && rules[f] != NULL)
					view_set_str(view_add(e, "ERROR_CLAUSE"), "ERROR_CLAUSE", rules[f]->clause);
				top = view_add(d, "ERROR");
				view_set_str(top, "NAME", spec->name);
				view_set_str(top, "LABEL", spec->label);
				view_set_str(top, "MESSAGE", errors[f]);
				nerrors++;
			}
			if (spec->type != FIELD_MULTI)
				view_show(fd, "LABELLED");
			if (f == RF_BUREAU && pol->nbureaus > 0) {
				structure_choices(fd, pol->bureaus, pol->nbureaus, values[f]);
				continue;
			}
			if (f == RF_DISTRICT && pol->ndistricts > 0) {
				structure_choices(fd, pol->districts, pol->ndistricts, values[f]);
				continue;
			}
			switch (spec->type) {
			case FIELD_TEXTAREA:
				sub = view_add(fd, "TEXTAREA");
				view_set_str(sub, "VALUE", values[f]);
				view_set_int(sub, "MAXLEN", (long long)spec->max_len);
				break;
			case FIELD_CHOICE:
				sub = view_add(fd, "SELECT");
				field_choices(sub, spec, values[f], false);
				break;
			case FIELD_MULTI:
				sub = view_add(fd, "CHECKBOXES");
				field_choices(sub, spec, values[f], true);
				break;
			default:
				sub = view_add(fd, "INPUT");
				view_set_str(sub, "TYPE", input_type(spec->type));
				view_set_str(sub, "VALUE", values[f]);
				if (spec->type == FIELD_INT) {
					view_set_int(sub, "MIN", spec->min);
					view_set_int(sub, "MAX", spec->max);
					view_show(sub, "NUMBER");
				} else {
					view_set_int(sub, "MAXLEN", (long long)spec->max_len);
					view_show(sub, "TEXTLEN");
				}
				break;
			}
		}
	}
	if (nerrors > 0) {
		struct view_dict *sum = view_add(d, "ERRORS");

		view_set_int(sum, "ERROR_COUNT", (long long)nerrors);
		if (nerrors > 1)
			view_show(sum, "PLURAL");
	}
	page_send(c, status, kind_choices[kind].label, "request_new.tpl", d);
}

/*
 * Whether this person may file `kind`: the preset's file rule, and
 * (98-023 §III.B.4) a request "from a federal agency" comes from an
 * account of a federal agency. *why is the rule consulted.
 */
/* Whether this person's account is an outside agency of the federal kind. */
static bool
federal_agency(const struct ctx *c)
{
	return c->me.role == ROLE_AGENCY && c->me.agency_type != NULL &&
	    strcmp(c->me.agency_type, "federal") == 0;
}

bool
may_file(struct ctx *c, enum request_kind kind, const struct rule **why)
{
	if (!policy_may_file(app_policy(c), c->me.role, kind, why))
		return false;
	/* An outside agency's request is federal exactly when the agency is:
	 * a federal agency files only federal requests for our assistance
	 * (98-023 §III.B.4), any other agency never does. */
	if (c->me.role == ROLE_AGENCY)
		return (kind == KIND_FEDERAL_INCOMING) == federal_agency(c);
	return true;
}

void
fileable_kinds(struct ctx *c, struct view_dict *d)
{
	int k;

	for (k = 0; k < KIND__MAX; k++) {
		const struct rule *why;
		struct view_dict *kd;

		if (!may_file(c, (enum request_kind)k, &why))
			continue;
		kd = view_add(d, "KIND");
		view_set_str(kd, "ID", kind_choices[k].id);
		view_set_str(kd, "LABEL", kind_choices[k].label);
		view_set_str(kd, "DESCRIPTION", kind_descriptions[k]);
		if (why != NULL)
			view_set_str(kd, "CLAUSE", why->clause);
	}
}

/* The menu of kinds this person may file. */
static void
menu_page(struct ctx *c)
{
	struct view_dict *d = page_dict(c);

	fileable_kinds(c, d);
	page_send(c, 200, "New request", "request_menu.tpl", d);
}

/* 403 naming the rule that refuses this role the kind. */
static bool
refuse_filing(struct ctx *c, enum request_kind kind)
{
	const struct rule *why;
	char msg[512];

	if (may_file(c, kind, &why))
		return false;
	if (c->me.role == ROLE_AGENCY && why != NULL && (why->actors & ((uint32_t)1 << ROLE_AGENCY))) {
		const struct rule *fed = NULL;

		(void)policy_may_file(app_policy(c), ROLE_AGENCY, KIND_FEDERAL_INCOMING, &fed);
		if (federal_agency(c))
			page_error(c, 403, "A federal agency's request for our assistance is a federal "
			    "request: file it as a \"Request from a federal agency\".",
			    fed ? fed->clause : why->clause);
		else
			page_error(c, 403, "Only a federal agency's account may file a request "
			    "from a federal agency.", why->clause);
		return true;
	}
	snprintf(msg, sizeof(msg), "Your role (%s) may not file a \"%s\". %s",
	    role_choices[c->me.role].label, kind_choices[kind].label,
	    why ? why->summary : "The policy in force names no one who may file it.");
	page_error(c, 403, msg, why ? why->clause : NULL);
	return true;
}

void
h_request_new(struct ctx *c)
{
	const char *kindid = form_get(&c->http->query_form, "kind");
	char *values[RF__MAX] = { NULL };
	int kind;

	if (kindid == NULL || *kindid == '\0') {
		menu_page(c);
		return;
	}
	if ((kind = kind_from_id(kindid)) < 0) {
		page_error(c, 404, "There is no such kind of request.", NULL);
		return;
	}
	if (refuse_filing(c, (enum request_kind)kind))
		return;
	/* Defaults: an agency files for itself, through this portal. */
	if (c->me.role == ROLE_AGENCY)
		values[RF_REQUESTER_NAME] = (char *)c->me.full_name;
	else if (kind == KIND_AID_INCOMING || kind == KIND_FEDERAL_INCOMING)
		values[RF_CHANNEL] = (char *)"phone";
	else
		values[RF_CHANNEL] = (char *)"portal";
	values[RF_PRIORITY] = (char *)"routine";
	values[RF_EMERGENCY] = (char *)(kind == KIND_FEDERAL_EMERGENCY || kind == KIND_AID_OUTGOING
	    ? "yes" : "no");
	form_page(c, 200, (enum request_kind)kind, values, NULL, NULL);
}

void
h_request_create(struct ctx *c)
{
	const struct form *form = &c->http->body_form;
	const char *kindid = form_get(form, "kind");
	char *values[RF__MAX];
	const char *errors[RF__MAX];
	const struct rule *rules[RF__MAX] = { NULL };
	struct request_facts facts;
	char location[48];
	size_t bad;
	long long id;
	int kind, f;

	if (form_count(form, "kind") != 1 || (kind = kind_from_id(kindid)) < 0) {
		page_error(c, 422, "The kind of request is missing or unknown: choose one of the "
		    "kinds on the \"New request\" page.", NULL);
		return;
	}
	if (refuse_filing(c, (enum request_kind)kind))
		return;
	bad = fields_check(request_fields, RF__MAX, form, values, errors);
	/* Fields the form does not show are neither read nor stored. */
	for (f = 0; f < RF__MAX; f++) {
		if (field_shown(c, (enum request_kind)kind, f))
			continue;
		if (errors[f] != NULL)
			bad--;
		errors[f] = NULL;
		free(values[f]);
		values[f] = NULL;
	}
	/* Who asks is known, not typed, where the portal knows it: an agency's
	 * own account, and federal_incoming, which only a federal agency asks. */
	if (c->me.role == ROLE_AGENCY || kind == KIND_FEDERAL_INCOMING) {
		free(values[RF_REQUESTING_AGENCY_TYPE]);
		values[RF_REQUESTING_AGENCY_TYPE] = strdup(c->me.role == ROLE_AGENCY && c->me.agency_type
		    ? c->me.agency_type : "federal");
		if (values[RF_REQUESTING_AGENCY_TYPE] == NULL) {
			fields_free(values, RF__MAX);
			page_error(c, 500, "Out of memory.", NULL);
			return;
		}
	}
	if (c->me.role == ROLE_AGENCY) {
		values[RF_CHANNEL] = strdup("portal");
		values[RF_REQUESTING_AGENCY] = strdup(c->me.agency ? c->me.agency : "");
		if (values[RF_CHANNEL] == NULL || values[RF_REQUESTING_AGENCY] == NULL) {
			fields_free(values, RF__MAX);
			page_error(c, 500, "Out of memory.", NULL);
			return;
		}
	}
	request_facts_from_values((enum request_kind)kind, values, &facts);
	bad += policy_check_required(app_policy(c), &facts, values, errors, rules);
	bad += check_structure(app_policy(c), values, errors);
	if (bad > 0) {
		/* Show each refused field as it was typed, so it can be corrected. */
		for (f = 0; f < RF__MAX; f++) {
			const char *raw = form_get(form, request_fields[f].name);

			if (errors[f] != NULL && values[f] == NULL && raw != NULL &&
			    request_fields[f].type != FIELD_MULTI && (values[f] = strdup(raw)) == NULL) {
				fields_free(values, RF__MAX);
				page_error(c, 500, "Out of memory.", NULL);
				return;
			}
		}
		form_page(c, 422, (enum request_kind)kind, values, errors, rules);
		fields_free(values, RF__MAX);
		return;
	}
	id = request_insert(c, (enum request_kind)kind, values);
	fields_free(values, RF__MAX);
	if (id == REQUEST_REPEATED) {
		submission_replay(c);
		return;
	}
	if (id == REQUEST_ANSWERED)
		return;
	if (id == REQUEST_RATE_LIMITED) {
		char limit[200];

		http_add_header(c->http, "Retry-After", "600");
		snprintf(limit, sizeof(limit), "This account has filed as many requests in the last hour "
		    "as the portal takes from one account (a department setting). Nothing was stored. "
		    "For more, call the communications center.");
		page_error(c, 429, limit, NULL);
		return;
	}
	if (id <= 0) {
		page_error(c, 503, "The request could not be stored: the database did not accept it. "
		    "Nothing was saved; please try again.", NULL);
		return;
	}
	snprintf(location, sizeof(location), "/requests/%lld", id);
	http_redirect(c->http, 303, location);
}

static PGresult *
fetch_or_fail(struct ctx *c)
{
	bool failed;
	PGresult *res = request_fetch(c, c->params.id, &failed);

	if (res == NULL)
		page_error(c, failed ? 503 : 404, failed
		    ? "The database is not answering. Please try again in a moment."
		    : "There is no such request, or it is not yours to see.", NULL);
	return res;
}

void
h_request_json(struct ctx *c)
{
	PGresult *res = fetch_or_fail(c);
	struct buf b;

	if (res == NULL)
		return;
	buf_init(&b);
	if (!(role_is_staff(c->me.role) ? request_json(c, res, &b) : request_public_json(c, res, &b)))
		page_error(c, 503, "The database is not answering.", NULL);
	else
		json_send(c, 200, &b);
	buf_free(&b);
	PQclear(res);
}

static void
show_details(struct view_dict *d, const PGresult *res)
{
	int f;

	for (f = 0; f < RF__MAX; f++) {
		const struct field_spec *spec = &request_fields[f];
		const char *v = db_value(res, 0, spec->name);
		struct view_dict *row;
		uint32_t mask;
		int u;

		if (f == RF_NEEDED_BY)
			v = db_value(res, 0, "needed_by_local");
		if (v == NULL || *v == '\0' || strcmp(v, "{}") == 0 ||
		    ((f == RF_SQUADS || f == RF_SUPERVISORS || f == RF_PERSONNEL) && strcmp(v, "0") == 0))
			continue;
		row = view_add(d, f == RF_NATURE || spec->type == FIELD_TEXTAREA ? "LONG" : "DETAIL");
		view_set_str(row, "LABEL", spec->label);
		if (f == RF_EMERGENCY)
			v = v[0] == 't' ? "Yes" : "No";
		if (spec->type == FIELD_CHOICE)
			view_set_str(row, "VALUE", choice_label(spec->choices, v));
		else if (spec->type == FIELD_MULTI) {
			mask = special_units_mask(v);
			for (u = 0; special_unit_choices[u].id != NULL; u++)
				if (mask & ((uint32_t)1 << u)) {
					struct view_dict *item = view_add(row, "ITEM");

					view_set_str(item, "ITEM_LABEL", special_unit_choices[u].label);
				}
		} else
			view_set_str(row, "VALUE", v);
	}
}

static bool
show_notifications(struct ctx *c, struct view_dict *d, const char *id)
{
	static const char sql[] =
	    "SELECT n.id, coalesce(a.full_name, '(anyone who holds the role)') AS recipient,"
	    " n.recipient_role, n.clause, n.reason, n.email_status,"
	    " to_char(n.created_at, 'YYYY-MM-DD HH24:MI') AS created,"
	    " to_char(n.acknowledged_at, 'YYYY-MM-DD HH24:MI') AS acknowledged"
	    " FROM notification n LEFT JOIN account a ON a.id = n.recipient_id"
	    " WHERE n.request_id = $1 ORDER BY n.id";
	PGresult *res = db_query(&c->app->db, sql, 1, &id);
	int i;

	if (res == NULL)
		return false;
	for (i = 0; i < PQntuples(res); i++) {
		struct view_dict *n = view_add(d, "NOTIFICATION");
		int role = role_from_id(db_value(res, i, "recipient_role"));

		/* An outside agency sees who was told by role, not staff names. */
		view_set_str(n, "RECIPIENT", role_is_staff(c->me.role) ? db_value(res, i, "recipient")
		    : "the department");
		if (role_is_staff(c->me.role))
			view_show(n, "STAFF");
		view_set_str(n, "ROLE", role >= 0 ? role_choices[role].label : "");
		view_set_str(n, "CLAUSE", db_value(res, i, "clause"));
		view_set_str(n, "REASON", db_value(res, i, "reason"));
		view_set_str(n, "CREATED", db_value(res, i, "created"));
		view_set_str(n, "EMAIL", db_value(res, i, "email_status"));
		if (db_value(res, i, "acknowledged") != NULL)
			view_set_str(view_add(n, "ACKED"), "ACKNOWLEDGED", db_value(res, i, "acknowledged"));
		else
			view_show(n, "NOT_ACKED");
	}
	if (PQntuples(res) > 0)
		view_show(d, "HAS_NOTIFICATIONS");
	if (role_is_staff(c->me.role))
		view_show(d, "STAFF_VIEW");
	PQclear(res);
	return true;
}

/*
 * The timeline: every audit event, notification (with its acknowledgment
 * and e-mail delivery) and check-in of the request, in order, in the
 * department's time zone. Outside agencies see roles, not staff names.
 */
static bool
show_timeline(struct ctx *c, struct view_dict *d, const char *id)
{
	static const char sql[] =
	    "SELECT to_char(t.at, 'YYYY-MM-DD HH24:MI:SS') AS at, t.entry, t.who, t.what, t.clause, t.note"
	    " FROM ("
	    "  SELECT e.at, 'event' AS entry, coalesce(a.full_name, e.actor_login, 'the portal') AS who,"
	    "   replace(e.action, '_', ' ') AS what, e.clause, e.note, e.seq AS ord"
	    "  FROM audit_event e LEFT JOIN account a ON a.id = e.actor_id WHERE e.request_id = $1"
	    "  UNION ALL"
	    "  SELECT n.created_at, 'notified', CASE WHEN $2 THEN coalesce(a.full_name, 'whoever holds the role')"
	    "   ELSE 'the department' END, 'notified: ' || r.title, n.clause, n.reason, 0"
	    "  FROM notification n JOIN role r ON r.id = n.recipient_role"
	    "  LEFT JOIN account a ON a.id = n.recipient_id WHERE n.request_id = $1"
	    "  UNION ALL"
	    "  SELECT n.acknowledged_at, 'acknowledged', CASE WHEN $2 THEN coalesce(a.full_name, r.title)"
	    "   ELSE r.title END, 'acknowledged the notification', n.clause, '', 0"
	    "  FROM notification n JOIN role r ON r.id = n.recipient_role"
	    "  LEFT JOIN account a ON a.id = n.acknowledged_by"
	    "  WHERE n.request_id = $1 AND n.acknowledged_at IS NOT NULL"
	    "  UNION ALL"
	    "  SELECT n.email_sent_at, 'emailed', 'the portal', 'e-mail delivered to ' ||"
	    "   CASE WHEN $2 THEN coalesce(a.full_name, r.title) ELSE r.title END, n.clause, '', 0"
	    "  FROM notification n JOIN role r ON r.id = n.recipient_role"
	    "  LEFT JOIN account a ON a.id = n.recipient_id"
	    "  WHERE n.request_id = $1 AND n.email_sent_at IS NOT NULL AND $2"
	    " ) t ORDER BY t.at, t.ord";
	const char *params[2] = { id, role_is_staff(c->me.role) ? "true" : "false" };
	PGresult *res = db_query(&c->app->db, sql, 2, params);
	int i;

	if (res == NULL)
		return false;
	for (i = 0; i < PQntuples(res); i++) {
		struct view_dict *e = view_add(d, "EVENT");

		view_set_str(e, "AT", db_value(res, i, "at"));
		view_set_str(e, "ENTRY", db_value(res, i, "entry"));
		view_set_str(e, "ACTOR", db_value(res, i, "who"));
		view_set_str(e, "ACTION", db_value(res, i, "what"));
		if (db_value(res, i, "clause") != NULL)
			view_set_str(view_add(e, "EVENT_CLAUSE"), "CLAUSE", db_value(res, i, "clause"));
		if (db_value(res, i, "note") != NULL && *db_value(res, i, "note") != '\0')
			view_set_str(view_add(e, "EVENT_NOTE"), "NOTE", db_value(res, i, "note"));
	}
	PQclear(res);
	return true;
}

/* An outside agency's page of its own request (request_public.c): nothing
 * internal, and the one action it may take, cancelling. */
static void
agency_page(struct ctx *c, struct view_dict *d, PGresult *res)
{
	struct request_facts facts;
	struct action_facts af;
	int status = status_from_id(db_value(res, 0, "status"));
	char title[64];

	request_facts_from_row(res, 0, &facts);
	if (!request_public_view(c, d, res) || status < 0 || !action_facts_load(c, res, &af)) {
		view_dict_free(d);
		PQclear(res);
		page_error(c, 503, "The database is not answering.", NULL);
		return;
	}
	if (lifecycle_decide(app_policy(c), ACT_CANCEL, (enum request_status)status, c->me.role,
	    &facts, &af).decision == DECIDE_ALLOW)
		view_show(d, "CANCEL");
	snprintf(title, sizeof(title), "Your request %s", db_value(res, 0, "id"));
	PQclear(res);
	page_send(c, 200, title, "request_agency.tpl", d);
}

void
h_request_show(struct ctx *c)
{
	PGresult *res = fetch_or_fail(c);
	struct view_dict *d;
	const char *id;
	int kind, status;
	char title[64];

	if (res == NULL)
		return;
	id = db_value(res, 0, "id");
	kind = kind_from_id(db_value(res, 0, "kind"));
	status = status_from_id(db_value(res, 0, "status"));
	d = page_dict(c);
	view_set_str(d, "ID", id);
	view_set_str(d, "KIND", db_value(res, 0, "kind"));
	view_set_str(d, "KIND_LABEL", kind >= 0 ? kind_choices[kind].label : "");
	view_set_str(d, "STATUS", db_value(res, 0, "status"));
	view_set_str(d, "STATUS_LABEL", status >= 0 ? status_choices[status].label : "");
	view_set_str(d, "FILED_BY", db_value(res, 0, "filed_by_name"));
	view_set_str(d, "CREATED", db_value(res, 0, "created_at_shown"));
	if (db_bool(res, 0, "emergency"))
		view_show(d, "EMERGENCY");
	if (db_int(res, 0, "authorized_squads") + db_int(res, 0, "authorized_supervisors") > 0 ||
	    strcmp(db_value(res, 0, "authorized_special_units"), "{}") != 0) {
		struct view_dict *pa = view_add(d, "PROVISIONAL");
		uint32_t mask = special_units_mask(db_value(res, 0, "authorized_special_units"));
		int u;

		view_set_str(pa, "AUTH_SQUADS", db_value(res, 0, "authorized_squads"));
		view_set_str(pa, "AUTH_SUPERVISORS", db_value(res, 0, "authorized_supervisors"));
		for (u = 0; special_unit_choices[u].id != NULL; u++)
			if (mask & ((uint32_t)1 << u))
				view_set_str(view_add(pa, "AUTH_UNIT"), "LABEL", special_unit_choices[u].label);
	}
	if (db_value(res, 0, "denial_reason") != NULL)
		view_set_str(view_add(d, "DENIED"), "DENIAL_REASON", db_value(res, 0, "denial_reason"));
	show_details(d, res);
	if (!role_is_staff(c->me.role)) {
		agency_page(c, d, res);
		return;
	}
	if (!action_offer(c, d, res) || !request_view_policy_state(c, d, res) ||
	    !show_notifications(c, d, id) || !show_timeline(c, d, id)) {
		view_dict_free(d);
		PQclear(res);
		page_error(c, 503, "The database is not answering.", NULL);
		return;
	}
	snprintf(title, sizeof(title), "Request %s", id);
	PQclear(res);
	page_send(c, 200, title, "request.tpl", d);
}

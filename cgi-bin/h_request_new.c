/*
 * Filing a request: GET /requests/new (the menu of kinds this person may
 * file, or the form of one) and POST /requests. Who may file what is the
 * policy's (policy_may_file); the form is request_form_view.c's; storing
 * it with its notifications is request_store.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "page.h"
#include "request_form_view.h"
#include "request_store.h"
#include "submission.h"

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
	 * federal_incoming is by definition a federal agency's request for
	 * assistance, and a federal agency's request is a federal request. */
	if (c->me.role == ROLE_AGENCY)
		return (kind == KIND_FEDERAL_INCOMING) == federal_agency(c);
	return true;
}

void
fileable_kinds(struct ctx *c, struct view_dict *d)
{
	char title[256], desc[512];
	int k;

	for (k = 0; k < KIND__MAX; k++) {
		const struct rule *why;
		struct view_dict *kd;

		if (!may_file(c, (enum request_kind)k, &why))
			continue;
		kd = view_add(d, "KIND");
		request_form_title(c, (enum request_kind)k, title, sizeof(title), desc, sizeof(desc));
		view_set_str(kd, "ID", kind_choices[k].id);
		view_set_str(kd, "LABEL", title);
		view_set_str(kd, "DESCRIPTION", desc);
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
	/* Defaults: an agency files for itself, through this portal; staff
	 * asking for help themselves are the person asking. Emergency and
	 * priority have none: they are chosen each time (issue 13). */
	if (c->me.role == ROLE_AGENCY)
		values[RF_REQUESTER_NAME] = (char *)c->me.full_name;
	else if (kind == KIND_AID_INCOMING || kind == KIND_FEDERAL_INCOMING)
		values[RF_CHANNEL] = (char *)"phone";
	else {
		values[RF_CHANNEL] = (char *)"portal";
		values[RF_REQUESTER_NAME] = (char *)c->me.full_name;
	}
	request_form_show(c, 200, (enum request_kind)kind, values, NULL, NULL);
}

/*
 * What the person does not type: fields the form does not show are
 * neither read nor stored; an agency's own account says who asks and
 * through which channel, and federal_incoming is a federal agency's by
 * definition. Returns how many errors were dropped with hidden fields, or
 * -1 when memory ran out.
 */
static long
known_values(struct ctx *c, enum request_kind kind, char *values[RF__MAX],
    const char *errors[RF__MAX])
{
	long dropped = 0;
	int f;

	for (f = 0; f < RF__MAX; f++) {
		if (request_field_shown(c, kind, f))
			continue;
		if (errors[f] != NULL)
			dropped++;
		errors[f] = NULL;
		free(values[f]);
		values[f] = NULL;
	}
	if (request_kind_emergency(kind) >= 0 &&
	    (values[RF_EMERGENCY] = strdup(request_kind_emergency(kind) ? "yes" : "no")) == NULL)
		return -1;
	if (c->me.role == ROLE_AGENCY || kind == KIND_FEDERAL_INCOMING) {
		free(values[RF_REQUESTING_AGENCY_TYPE]);
		values[RF_REQUESTING_AGENCY_TYPE] = strdup(c->me.role == ROLE_AGENCY && c->me.agency_type
		    ? c->me.agency_type : "federal");
		if (values[RF_REQUESTING_AGENCY_TYPE] == NULL)
			return -1;
	}
	if (c->me.role == ROLE_AGENCY) {
		/* Hidden from an agency's form, so freed above already. */
		values[RF_CHANNEL] = strdup("portal");
		values[RF_REQUESTING_AGENCY] = strdup(c->me.agency ? c->me.agency : "");
		if (values[RF_CHANNEL] == NULL || values[RF_REQUESTING_AGENCY] == NULL)
			return -1;
	}
	return dropped;
}

/* The form again, 422, each refused field as it was typed. */
static void
refuse_fields(struct ctx *c, enum request_kind kind, char *values[RF__MAX],
    const char *const errors[RF__MAX], const struct rule *const rules[RF__MAX])
{
	const struct form *form = &c->http->body_form;
	int f;

	for (f = 0; f < RF__MAX; f++) {
		const char *raw = form_get(form, request_fields[f].name);

		if (errors[f] != NULL && values[f] == NULL && raw != NULL &&
		    request_fields[f].type != FIELD_MULTI && (values[f] = strdup(raw)) == NULL) {
			page_error(c, 500, "Out of memory.", NULL);
			return;
		}
	}
	request_form_show(c, 422, kind, values, errors, rules);
}

/* The answer once the request was stored (or not). */
static void
filing_answer(struct ctx *c, long long id)
{
	char location[48];

	if (id == REQUEST_REPEATED) {
		submission_replay(c);
		return;
	}
	if (id == REQUEST_ANSWERED)
		return;
	if (id == REQUEST_RATE_LIMITED) {
		http_add_header(c->http, "Retry-After", "600");
		page_error(c, 429, "This account has filed as many requests in the last hour "
		    "as the portal takes from one account (a department setting). Nothing was stored. "
		    "For more, call the communications center.", NULL);
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

void
h_request_create(struct ctx *c)
{
	const struct form *form = &c->http->body_form;
	const char *kindid = form_get(form, "kind");
	char *values[RF__MAX];
	const char *errors[RF__MAX];
	const struct rule *rules[RF__MAX] = { NULL };
	struct request_facts facts;
	long dropped;
	size_t bad;
	int kind;

	if (form_count(form, "kind") != 1 || (kind = kind_from_id(kindid)) < 0) {
		page_error(c, 422, "The kind of request is missing or unknown: choose one of the "
		    "kinds on the \"New request\" page.", NULL);
		return;
	}
	if (refuse_filing(c, (enum request_kind)kind))
		return;
	bad = fields_check(request_fields, RF__MAX, form, values, errors);
	if ((dropped = known_values(c, (enum request_kind)kind, values, errors)) < 0) {
		fields_free(values, RF__MAX);
		page_error(c, 500, "Out of memory.", NULL);
		return;
	}
	bad -= (size_t)dropped;
	request_facts_from_values((enum request_kind)kind, values, &facts);
	bad += policy_check_required(app_policy(c), &facts, values, errors, rules);
	bad += request_form_check_structure(app_policy(c), values, errors);
	if (bad > 0)
		refuse_fields(c, (enum request_kind)kind, values, errors, rules);
	else
		filing_answer(c, request_insert(c, (enum request_kind)kind, values));
	fields_free(values, RF__MAX);
}

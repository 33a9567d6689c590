/*
 * The new-request form of one kind, as the person filing sees it: the
 * fields the kind and the policy in force call for, grouped in sections,
 * each marked required (always, or under the conditions of a rule), with
 * the rules that shape the form and their clauses.
 */
#include <stdio.h>
#include <string.h>

#include "page.h"
#include "request_form_view.h"

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

bool
request_field_shown(struct ctx *c, enum request_kind kind, enum request_field f)
{
	if (!request_field_applies(f, kind))
		return false;
	/* An outside agency files for itself, through the portal: its agency
	 * and the channel are not theirs to choose. */
	if (c->me.role == ROLE_AGENCY && (f == RF_CHANNEL || f == RF_REQUESTING_AGENCY ||
	    f == RF_REQUESTING_AGENCY_TYPE))
		return false;
	/* Bureau, district and where the aid is: only where a rule of the
	 * policy in force reads them (a routing or approval condition). */
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

size_t
request_form_check_structure(const struct policy *pol, char *const values[RF__MAX], const char *errors[RF__MAX])
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

/* The rules that shape this kind's form, with their clauses. */
static void
form_rules(struct view_dict *d, const struct policy *pol, enum request_kind kind)
{
	size_t i;

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
}

/* Yes/no, the priority and the kind of investigation: every answer in
 * sight, none chosen beforehand, one click (issue 13). A fieldset and its
 * legend label them. */
static bool
as_radios(enum request_field f)
{
	return f == RF_EMERGENCY || f == RF_PRIORITY || f == RF_INVESTIGATION_CATEGORY;
}

/* The input of one field: its kind of control and its value. */
static void
field_input(struct view_dict *fd, const struct policy *pol, enum request_field f,
    const char *value)
{
	const struct field_spec *spec = &request_fields[f];
	struct view_dict *sub;

	if (f == RF_BUREAU && pol->nbureaus > 0) {
		structure_choices(fd, pol->bureaus, pol->nbureaus, value);
		return;
	}
	if (f == RF_DISTRICT && pol->ndistricts > 0) {
		structure_choices(fd, pol->districts, pol->ndistricts, value);
		return;
	}
	switch (spec->type) {
	case FIELD_TEXTAREA:
		sub = view_add(fd, "TEXTAREA");
		view_set_str(sub, "VALUE", value);
		view_set_int(sub, "MAXLEN", (long long)spec->max_len);
		break;
	case FIELD_CHOICE:
		if (as_radios(f))
			field_choices(view_add(fd, "RADIOS"), spec, value, false);
		else
			field_choices(view_add(fd, "SELECT"), spec, value, false);
		break;
	case FIELD_MULTI:
		field_choices(view_add(fd, "CHECKBOXES"), spec, value, true);
		break;
	default:
		sub = view_add(fd, "INPUT");
		view_set_str(sub, "TYPE", input_type(spec->type));
		view_set_str(sub, "VALUE", value);
		if (spec->type == FIELD_INT) {
			view_set_int(sub, "MIN", spec->min);
			view_set_int(sub, "MAX", spec->max);
			view_show(sub, "NUMBER");
		} else if (spec->type != FIELD_DATETIME) {
			/* HTML: maxlength applies to text, email and tel inputs,
			 * not to datetime-local (the Nu HTML Checker says so). */
			view_set_int(sub, "MAXLEN", (long long)spec->max_len);
			view_show(sub, "TEXTLEN");
		}
		break;
	}
}

/* One field of the form into its section: label, whether required, its
 * error (also listed at the top, in `d`), its input. 1 if it has an error. */
static size_t
form_field(struct view_dict *d, struct view_dict *section, const struct policy *pol,
    enum request_kind kind, enum request_field f, const char *value, const char *error,
    const struct rule *error_rule)
{
	const struct field_spec *spec = &request_fields[f];
	struct view_dict *fd = view_add(section, "FIELD");
	const struct rule *when;

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
	if (spec->type != FIELD_MULTI && !as_radios(f))
		view_show(fd, "LABELLED");
	field_input(fd, pol, f, value);
	if (error == NULL)
		return 0;
	{
		struct view_dict *e = view_add(fd, "INVALID"), *top = view_add(d, "ERROR");

		view_set_str(e, "MESSAGE", error);
		if (error_rule != NULL)
			view_set_str(view_add(e, "ERROR_CLAUSE"), "ERROR_CLAUSE", error_rule->clause);
		view_set_str(top, "NAME", spec->name);
		view_set_str(top, "LABEL", spec->label);
		view_set_str(top, "MESSAGE", error);
	}
	return 1;
}

/* Whether the field is asked among the first (the kind's defining fields,
 * and any the policy requires, always or under conditions), or folded. */
static bool
field_first(const struct policy *pol, enum request_kind kind, enum request_field f)
{
	const struct rule *when;
	size_t i;

	if (request_field_rank(f, kind) >= 0 || field_required(pol, kind, f, &when) != 0 || when != NULL)
		return true;
	for (i = 0; i < pol->n; i++)
		if (pol->rules[i].enabled && pol->rules[i].effect == EFFECT_REQUIRE &&
		    rule_applies_to(&pol->rules[i], kind) && (pol->rules[i].any_of & ((uint64_t)1 << f)))
			return true;
	return false;
}

/* The fields asked first, in the kind's order, then those the policy
 * requires, in the order of the sections. */
static size_t
first_section(struct ctx *c, struct view_dict *d, enum request_kind kind, char *const values[RF__MAX],
    const char *const errors[RF__MAX], const struct rule *const rules[RF__MAX])
{
	const struct policy *pol = app_policy(c);
	struct view_dict *sec = view_add(d, "SECTION");
	size_t nerrors = 0;
	int r, f, s;

	view_set_str(sec, "TITLE", kind_is_federal(kind) && kind != KIND_FEDERAL_INCOMING
	    ? "The request to the federal agency" : "The request");
	for (r = 0; r < RF__MAX; r++)
		for (f = 0; f < RF__MAX; f++)
			if (request_field_rank(f, kind) == r && request_field_shown(c, kind, f))
				nerrors += form_field(d, sec, pol, kind, f, values[f],
				    errors ? errors[f] : NULL, rules ? rules[f] : NULL);
	for (s = 0; s < RS__MAX; s++)
		for (f = 0; f < RF__MAX; f++)
			if ((int)request_field_section(f) == s && request_field_rank(f, kind) < 0 &&
			    request_field_shown(c, kind, f) && field_first(pol, kind, f))
				nerrors += form_field(d, sec, pol, kind, f, values[f],
				    errors ? errors[f] : NULL, rules ? rules[f] : NULL);
	return nerrors;
}

/* The optional detail, by section, folded in one <details> (HTML, so it
 * opens without JavaScript); open when one of its fields is refused. */
static size_t
folded_sections(struct ctx *c, struct view_dict *d, enum request_kind kind, char *const values[RF__MAX],
    const char *const errors[RF__MAX], const struct rule *const rules[RF__MAX])
{
	const struct policy *pol = app_policy(c);
	struct view_dict *sections[RS__MAX] = { NULL }, *first = NULL, *last = NULL;
	size_t nerrors = 0;
	int f, s;

	for (s = 0; s < RS__MAX; s++)
		for (f = 0; f < RF__MAX; f++) {
			if ((int)request_field_section(f) != s || request_field_rank(f, kind) >= 0 ||
			    !request_field_shown(c, kind, f) || field_first(pol, kind, f))
				continue;
			if (sections[s] == NULL) {
				last = sections[s] = view_add(d, "SECTION");
				view_set_str(sections[s], "TITLE", request_section_titles[s]);
				if (first == NULL)
					first = sections[s];
			}
			nerrors += form_field(d, sections[s], pol, kind, f, values[f],
			    errors ? errors[f] : NULL, rules ? rules[f] : NULL);
		}
	if (first == NULL)
		return 0;
	first = view_add(first, "DETAILS_START");
	if (nerrors > 0)
		view_show(first, "OPEN");
	view_show(last, "DETAILS_END");
	return nerrors;
}

void
request_form_title(struct ctx *c, enum request_kind kind, char *title, size_t tlen,
    char *desc, size_t dlen)
{
	const struct policy *pol = app_policy(c);

	/* An outside agency reads the department's name, not its jargon
	 * ("Request for our aid" is what the department calls it). */
	if (c->me.role == ROLE_AGENCY && (kind == KIND_AID_INCOMING || kind == KIND_FEDERAL_INCOMING) &&
	    pol->department[0] != '\0') {
		snprintf(title, tlen, "Ask for help from %s", pol->department);
		snprintf(desc, dlen, "Tell the %s what happened, where, and what help your agency "
		    "needs. You can follow the request on this portal.", pol->department);
		return;
	}
	snprintf(title, tlen, "%s", kind_choices[kind].label);
	snprintf(desc, dlen, "%s", kind_descriptions[kind]);
}

void
request_form_show(struct ctx *c, int status, enum request_kind kind, char *const values[RF__MAX],
    const char *const errors[RF__MAX], const struct rule *const rules[RF__MAX])
{
	const struct policy *pol = app_policy(c);
	struct view_dict *d = page_dict(c);
	char title[256], desc[512];
	size_t nerrors;

	request_form_title(c, kind, title, sizeof(title), desc, sizeof(desc));
	view_set_str(d, "KIND", kind_choices[kind].id);
	view_set_str(d, "KIND_LABEL", title);
	view_set_str(d, "KIND_DESCRIPTION", desc);
	if (c->me.role == ROLE_AGENCY)
		view_set_str(view_add(d, "FILING_FOR"), "AGENCY", c->me.agency);
	if (kind_is_federal(kind))
		view_show(d, "FEDERAL_NOTE");
	form_rules(d, pol, kind);
	nerrors = first_section(c, d, kind, values, errors, rules);
	nerrors += folded_sections(c, d, kind, values, errors, rules);
	if (nerrors > 0) {
		struct view_dict *sum = view_add(d, "ERRORS");

		view_set_int(sum, "ERROR_COUNT", (long long)nerrors);
		if (nerrors > 1)
			view_show(sum, "PLURAL");
	}
	page_send(c, status, title, "request_new.tpl", d);
}

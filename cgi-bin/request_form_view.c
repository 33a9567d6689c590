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
		} else {
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
	if (spec->type != FIELD_MULTI)
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

void
request_form_show(struct ctx *c, int status, enum request_kind kind, char *const values[RF__MAX],
    const char *const errors[RF__MAX], const struct rule *const rules[RF__MAX])
{
	const struct policy *pol = app_policy(c);
	struct view_dict *d = page_dict(c), *sections[RS__MAX] = { NULL };
	size_t nerrors = 0;
	int f, s;

	view_set_str(d, "KIND", kind_choices[kind].id);
	view_set_str(d, "KIND_LABEL", kind_choices[kind].label);
	view_set_str(d, "KIND_DESCRIPTION", kind_descriptions[kind]);
	if (c->me.role == ROLE_AGENCY)
		view_set_str(view_add(d, "FILING_FOR"), "AGENCY", c->me.agency);
	if (kind_is_federal(kind))
		view_show(d, "FEDERAL_NOTE");
	form_rules(d, pol, kind);
	for (s = 0; s < RS__MAX; s++)
		for (f = 0; f < RF__MAX; f++) {
			if ((int)request_field_section(f) != s || !request_field_shown(c, kind, f))
				continue;
			if (sections[s] == NULL) {
				sections[s] = view_add(d, "SECTION");
				view_set_str(sections[s], "TITLE", request_section_titles[s]);
			}
			nerrors += form_field(d, sections[s], pol, kind, f, values[f],
			    errors ? errors[f] : NULL, rules ? rules[f] : NULL);
		}
	if (nerrors > 0) {
		struct view_dict *sum = view_add(d, "ERRORS");

		view_set_int(sum, "ERROR_COUNT", (long long)nerrors);
		if (nerrors > 1)
			view_show(sum, "PLURAL");
	}
	page_send(c, status, kind_choices[kind].label, "request_new.tpl", d);
}

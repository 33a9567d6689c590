/*
 * The fields of a request (DESIGN.md "What a request holds"; names from
 * CONTRACT.md), as one validation table indexed by enum request_field, and
 * which of them each kind's form shows.
 */
#ifndef PORTAL_REQUEST_FORM_H
#define PORTAL_REQUEST_FORM_H

#include <stdbool.h>

#include "domain.h"
#include "field.h"

enum request_field {
	RF_REQUESTING_AGENCY, RF_REQUESTER_NAME, RF_REQUESTER_POSITION,
	RF_AUTHORIZED_BY, RF_CONTACT_PHONE, RF_CONTACT_EMAIL, RF_CHANNEL,
	RF_INCIDENT_TYPE, RF_NATURE, RF_EMERGENCY, RF_PRIORITY, RF_LOCATION,
	RF_MUNICIPALITY, RF_COUNTY, RF_DISTRICT, RF_STAGING_AREA,
	RF_RADIO_CHANNEL, RF_COMMANDER_NAME, RF_AGENCIES_ON_SCENE, RF_SQUADS,
	RF_SUPERVISORS, RF_PERSONNEL, RF_SPECIAL_UNITS, RF_EQUIPMENT,
	RF_NEEDED_BY, RF_DURATION, RF_INSTRUCTIONS, RF_FEDERAL_AGENCY,
	RF_CASE_NUMBER, RF_INVESTIGATION_CATEGORY, RF_BUREAU,
	RF_REQUESTING_AGENCY_TYPE, RF_WITHIN_CITY,
	RF__MAX
};

/* Sections of the form, in the order they are shown. */
enum request_section {
	RS_WHO, RS_INCIDENT, RS_PLACE, RS_RESOURCES, RS_FEDERAL, RS__MAX
};

extern const struct field_spec request_fields[RF__MAX];
extern const char *const request_section_titles[RS__MAX];

enum request_section request_field_section(enum request_field);
/* Whether the form of `kind` shows (and accepts) the field. */
bool   request_field_applies(enum request_field, enum request_kind);
/* Where the field stands among those the kind's form asks first, or -1
 * (then it is optional detail, unless the policy requires it). */
int    request_field_rank(enum request_field, enum request_kind);
/* 1 or 0 when the kind itself says whether it is an emergency, else -1. */
int    request_kind_emergency(enum request_kind);
/* The field named `name`, or -1. */
int    request_field_find(const char *name);
/*
 * A stored value of field f as pages and the request sheet show it (a
 * choice's label, Yes or No for a yes/no question, which is stored as a
 * boolean), or NULL when the request leaves it unanswered. A repeated
 * field's value is returned as stored: its caller lists the items.
 */
const char *request_value_shown(enum request_field, const char *);

#endif

#include "request_form.h"

#include <string.h>

#define TEXT(n, l, len)      { n, l, FIELD_TEXT, len, 0, 0, NULL, false }
#define AREA(n, l, len)      { n, l, FIELD_TEXTAREA, len, 0, 0, NULL, false }
#define INT(n, l, lo, hi)    { n, l, FIELD_INT, 4, lo, hi, NULL, false }
#define CHOICE(n, l, c)      { n, l, FIELD_CHOICE, 40, 0, 0, c, false }

const struct field_spec request_fields[RF__MAX] = {
	[RF_REQUESTING_AGENCY]   = TEXT("requesting_agency", "Requesting agency", 200),
	[RF_REQUESTER_NAME]      = TEXT("requester_name", "Name of the person asking", 200),
	[RF_REQUESTER_POSITION]  = TEXT("requester_position", "Their rank or position", 200),
	[RF_AUTHORIZED_BY]       = TEXT("authorized_by", "Authorized by (at the requesting agency)", 200),
	[RF_CONTACT_PHONE]       = { "contact_phone", "Call-back telephone", FIELD_PHONE, 40, 0, 0, NULL, false },
	[RF_CONTACT_EMAIL]       = { "contact_email", "Call-back e-mail", FIELD_EMAIL, 254, 0, 0, NULL, false },
	[RF_CHANNEL]             = CHOICE("channel", "How the request arrived", channel_choices),
	[RF_INCIDENT_TYPE]       = CHOICE("incident_type", "Type of incident", incident_type_choices),
	/* The nature of the emergency or request is asked of every request. */
	[RF_NATURE]              = { "nature", "Nature of the emergency or request", FIELD_TEXTAREA, 4000, 0, 0, NULL, true },
	/* Emergency and priority: an explicit answer, never a preselected one
	 * (issue 13: a hurried person filed an emergency as routine, or the
	 * reverse); where the kind itself says it, request_field_applies(). */
	[RF_EMERGENCY]           = { "emergency", "Is this an emergency?", FIELD_CHOICE, 40, 0, 0, yesno_choices, true },
	[RF_PRIORITY]            = { "priority", "Priority", FIELD_CHOICE, 40, 0, 0, priority_choices, true },
	[RF_LOCATION]            = TEXT("location", "Incident address or location", 200),
	[RF_MUNICIPALITY]        = TEXT("municipality", "Municipality", 200),
	[RF_COUNTY]              = TEXT("county", "County", 200),
	[RF_DISTRICT]            = TEXT("district", "District or division affected", 100),
	[RF_STAGING_AREA]        = TEXT("staging_area", "Staging / reporting area and routing", 200),
	[RF_RADIO_CHANNEL]       = TEXT("radio_channel", "Radio channel", 100),
	[RF_COMMANDER_NAME]      = TEXT("commander_name", "Commanding officer at the scene", 200),
	[RF_AGENCIES_ON_SCENE]   = TEXT("agencies_on_scene", "Agencies already on scene", 500),
	[RF_SQUADS]              = INT("squads", "Squads", 0, 99),
	[RF_SUPERVISORS]         = INT("supervisors", "Supervisors", 0, 99),
	[RF_PERSONNEL]           = INT("personnel", "Other personnel", 0, 999),
	[RF_SPECIAL_UNITS]       = { "special_units", "Specialized units", FIELD_MULTI, 0, 0, 0, special_unit_choices, false },
	[RF_EQUIPMENT]           = AREA("equipment", "Equipment needed", 1000),
	[RF_NEEDED_BY]           = { "needed_by", "Needed by", FIELD_DATETIME, 16, 0, 0, NULL, false },
	[RF_DURATION]            = TEXT("duration", "Expected duration", 100),
	[RF_INSTRUCTIONS]        = AREA("instructions", "Special instructions", 2000),
	[RF_FEDERAL_AGENCY]      = CHOICE("federal_agency", "Federal agency", federal_agency_choices),
	[RF_CASE_NUMBER]         = TEXT("case_number", "Case number", 60),
	[RF_INVESTIGATION_CATEGORY] = CHOICE("investigation_category", "Kind of investigation",
	                               investigation_category_choices),
	[RF_BUREAU]              = TEXT("bureau", "Bureau requested", 100),
	/* Who asks decides whether the request is federal: always asked when
	 * staff log another agency's request. */
	[RF_REQUESTING_AGENCY_TYPE] = { "requesting_agency_type", "Type of the requesting agency",
	                               FIELD_CHOICE, 40, 0, 0, agency_type_choices, true },
	/* Where the aid is (conditions within_city / outside_city): asked,
	 * never guessed from the address, wherever a rule of the policy reads it. */
	[RF_WITHIN_CITY]         = CHOICE("within_city", "Is the help needed inside the city?", yesno_choices),
};

const char *const request_section_titles[RS__MAX] = {
	[RS_WHO]       = "Who is asking",
	[RS_INCIDENT]  = "The incident",
	[RS_PLACE]     = "Where and to whom responders report",
	[RS_RESOURCES] = "Resources needed",
	[RS_FEDERAL]   = "Federal agency",
};

enum request_section
request_field_section(enum request_field f)
{
	switch (f) {
	case RF_REQUESTING_AGENCY: case RF_REQUESTING_AGENCY_TYPE:
	case RF_REQUESTER_NAME: case RF_REQUESTER_POSITION:
	case RF_AUTHORIZED_BY: case RF_CONTACT_PHONE: case RF_CONTACT_EMAIL:
	case RF_CHANNEL:
		return RS_WHO;
	case RF_INCIDENT_TYPE: case RF_NATURE: case RF_EMERGENCY: case RF_PRIORITY:
	case RF_NEEDED_BY: case RF_DURATION:
		return RS_INCIDENT;
	case RF_WITHIN_CITY: case RF_LOCATION: case RF_MUNICIPALITY: case RF_COUNTY: case RF_DISTRICT:
	case RF_STAGING_AREA: case RF_RADIO_CHANNEL: case RF_COMMANDER_NAME:
	case RF_AGENCIES_ON_SCENE: case RF_BUREAU:
		return RS_PLACE;
	case RF_SQUADS: case RF_SUPERVISORS: case RF_PERSONNEL: case RF_SPECIAL_UNITS:
	case RF_EQUIPMENT: case RF_INSTRUCTIONS:
		return RS_RESOURCES;
	case RF_FEDERAL_AGENCY: case RF_CASE_NUMBER: case RF_INVESTIGATION_CATEGORY:
	case RF__MAX:
		break;
	}
	return RS_FEDERAL;
}

/*
 * The fields each kind's form asks first, in the order the person filing
 * thinks of them: what defines the request (the federal agency, the case
 * and the kind of investigation of an investigative request, 98-023
 * §III.B.2 and §IV.C), then what, where and how much. The other fields
 * that apply are folded under "More detail" (request_form_view.c), unless
 * a rule of the policy requires them. RF__MAX ends each list.
 */
static const enum request_field first_fields[KIND__MAX][20] = {
	[KIND_AID_INCOMING] = { RF_REQUESTING_AGENCY, RF_REQUESTING_AGENCY_TYPE, RF_CHANNEL,
	    RF_REQUESTER_NAME, RF_CONTACT_PHONE, RF_EMERGENCY, RF_PRIORITY, RF_INCIDENT_TYPE,
	    RF_NATURE, RF_LOCATION, RF_WITHIN_CITY, RF_BUREAU, RF_DISTRICT, RF_SQUADS,
	    RF_SPECIAL_UNITS, RF__MAX },
	[KIND_FEDERAL_INCOMING] = { RF_FEDERAL_AGENCY, RF_REQUESTING_AGENCY, RF_CHANNEL,
	    RF_REQUESTER_NAME, RF_CONTACT_PHONE, RF_EMERGENCY, RF_PRIORITY, RF_INCIDENT_TYPE,
	    RF_NATURE, RF_LOCATION, RF_WITHIN_CITY, RF_BUREAU, RF_DISTRICT, RF_SQUADS,
	    RF_SPECIAL_UNITS, RF__MAX },
	[KIND_AID_OUTGOING] = { RF_EMERGENCY, RF_PRIORITY, RF_INCIDENT_TYPE, RF_NATURE,
	    RF_LOCATION, RF_STAGING_AREA, RF_COMMANDER_NAME, RF_SQUADS, RF_SUPERVISORS,
	    RF_PERSONNEL, RF_SPECIAL_UNITS, RF_EQUIPMENT, RF__MAX },
	[KIND_AID_INTERNAL] = { RF_DISTRICT, RF_EMERGENCY, RF_PRIORITY, RF_INCIDENT_TYPE,
	    RF_NATURE, RF_LOCATION, RF_SQUADS, RF_SUPERVISORS, RF_PERSONNEL, RF_SPECIAL_UNITS,
	    RF__MAX },
	[KIND_FEDERAL_INVESTIGATIVE] = { RF_FEDERAL_AGENCY, RF_CASE_NUMBER,
	    RF_INVESTIGATION_CATEGORY, RF_NATURE, RF_PRIORITY, RF__MAX },
	[KIND_FEDERAL_EMERGENCY] = { RF_FEDERAL_AGENCY, RF_INCIDENT_TYPE, RF_NATURE,
	    RF_PRIORITY, RF_LOCATION, RF__MAX },
};

int
request_field_rank(enum request_field f, enum request_kind k)
{
	int i;

	for (i = 0; first_fields[k][i] != RF__MAX; i++)
		if (first_fields[k][i] == f)
			return i;
	return -1;
}

/* The kinds whose definition answers "Is this an emergency?": an
 * investigative request is of a case, not an emergency (98-023 §III.B.2,
 * §IV.C), an emergency one is made "during emergencies" (§III.B.3). */
int
request_kind_emergency(enum request_kind k)
{
	if (k == KIND_FEDERAL_INVESTIGATIVE)
		return 0;
	if (k == KIND_FEDERAL_EMERGENCY)
		return 1;
	return -1;
}

/* Our own request to a federal agency: made here, through this portal. */
static bool
federal_outgoing(enum request_kind k)
{
	return k == KIND_FEDERAL_INVESTIGATIVE || k == KIND_FEDERAL_EMERGENCY;
}

bool
request_field_applies(enum request_field f, enum request_kind k)
{
	bool federal = kind_is_federal(k);

	switch (f) {
	case RF_EMERGENCY:
		return request_kind_emergency(k) < 0;
	case RF_CHANNEL:
		return !federal_outgoing(k);
	/* A federal agency's help with a case sends no squads to a scene. */
	case RF_SQUADS: case RF_SUPERVISORS: case RF_PERSONNEL: case RF_SPECIAL_UNITS:
	case RF_STAGING_AREA: case RF_RADIO_CHANNEL: case RF_COMMANDER_NAME:
	case RF_AGENCIES_ON_SCENE: case RF_MUNICIPALITY: case RF_COUNTY:
		return k != KIND_FEDERAL_INVESTIGATIVE;
	case RF_FEDERAL_AGENCY:
	case RF_CASE_NUMBER:
	case RF_INVESTIGATION_CATEGORY:
		return federal;
	/* Where a rule of the policy reads them (request_form_view.c asks the
	 * policy): the district of aid within the city, another agency's
	 * included; the bureau requested, of any agency's request for aid
	 * outside the city (federal agencies are agencies). */
	case RF_DISTRICT:
		return k == KIND_AID_INTERNAL || k == KIND_AID_INCOMING || k == KIND_FEDERAL_INCOMING;
	case RF_BUREAU:
		return k == KIND_AID_INCOMING || k == KIND_FEDERAL_INCOMING;
	case RF_REQUESTING_AGENCY:
	case RF_AUTHORIZED_BY:
		return k != KIND_AID_INTERNAL;
	case RF_REQUESTING_AGENCY_TYPE:
		/* A federal_incoming request's party is federal by definition. */
		return k == KIND_AID_INCOMING;
	case RF_WITHIN_CITY:
		/* Another agency's request; aid between districts is within. */
		return k == KIND_AID_INCOMING || k == KIND_FEDERAL_INCOMING;
	default:
		return true;
	}
}

int
request_field_find(const char *name)
{
	int i;

	for (i = 0; i < RF__MAX; i++)
		if (strcmp(request_fields[i].name, name) == 0)
			return i;
	return -1;
}

const char *
request_value_shown(enum request_field f, const char *v)
{
	const struct field_spec *spec = &request_fields[f];

	if (v == NULL || *v == '\0' || strcmp(v, "{}") == 0 ||
	    ((f == RF_SQUADS || f == RF_SUPERVISORS || f == RF_PERSONNEL) && strcmp(v, "0") == 0))
		return NULL;
	if (spec->choices == yesno_choices && (strcmp(v, "t") == 0 || strcmp(v, "f") == 0))
		return v[0] == 't' ? "Yes" : "No";
	return spec->type == FIELD_CHOICE ? choice_label(spec->choices, v) : v;
}

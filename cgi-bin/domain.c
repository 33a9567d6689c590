#include "domain.h"

#include <string.h>

const struct choice role_choices[ROLE__MAX + 1] = {
	[ROLE_AGENCY]              = { "agency", "Outside agency" },
	[ROLE_OFFICER]             = { "officer", "Officer" },
	[ROLE_DETECTIVE]           = { "detective", "Detective" },
	[ROLE_SUPERVISOR]          = { "supervisor", "Shift supervisor / OIC" },
	[ROLE_DISPATCHER]          = { "dispatcher", "Dispatcher" },
	[ROLE_DISPATCH_SUPERVISOR] = { "dispatch_supervisor", "Dispatch supervisor" },
	[ROLE_COMMANDER]           = { "commander", "District / division commander" },
	[ROLE_BUREAU_CHIEF]        = { "bureau_chief", "Bureau chief" },
	[ROLE_WATCH_COMMANDER]     = { "watch_commander", "Night watch commander" },
	[ROLE_UNIT_COMMANDER]      = { "unit_commander", "Specialized unit commander" },
	[ROLE_CHIEF]               = { "chief", "Chief of Police" },
	[ROLE_ADMIN]               = { "admin", "Administrator" },
};

const struct choice kind_choices[KIND__MAX + 1] = {
	[KIND_AID_INCOMING]          = { "aid_incoming", "Request for our aid" },
	[KIND_AID_OUTGOING]          = { "aid_outgoing", "Request for aid from other agencies" },
	[KIND_AID_INTERNAL]          = { "aid_internal", "Aid within the city" },
	[KIND_FEDERAL_INVESTIGATIVE] = { "federal_investigative", "Investigative request to a federal agency" },
	[KIND_FEDERAL_EMERGENCY]     = { "federal_emergency", "Emergency request to a federal agency" },
	[KIND_FEDERAL_INCOMING]      = { "federal_incoming", "Request from a federal agency" },
};

const char *const kind_descriptions[KIND__MAX] = {
	[KIND_AID_INCOMING] = "An outside agency asks this department for help.",
	[KIND_AID_OUTGOING] = "This department asks other agencies for help in an emergency.",
	[KIND_AID_INTERNAL] = "One district or division asks another for units.",
	[KIND_FEDERAL_INVESTIGATIVE] = "An investigating officer asks a federal agency for help with a case.",
	[KIND_FEDERAL_EMERGENCY] = "A supervisor asks a federal agency for help in an emergency.",
	[KIND_FEDERAL_INCOMING] = "A federal agency asks for this department's assistance.",
};

const struct choice status_choices[STATUS__MAX + 1] = {
	[STATUS_SUBMITTED]                = { "submitted", "Submitted" },
	[STATUS_PROVISIONALLY_AUTHORIZED] = { "provisionally_authorized", "Provisionally authorized" },
	[STATUS_PENDING_APPROVAL]         = { "pending_approval", "Pending approval" },
	[STATUS_APPROVED]                 = { "approved", "Approved" },
	[STATUS_DENIED]                   = { "denied", "Denied" },
	[STATUS_DISPATCHED]               = { "dispatched", "Dispatched" },
	[STATUS_CLOSED]                   = { "closed", "Closed" },
	[STATUS_CANCELLED]                = { "cancelled", "Cancelled" },
};

const struct choice channel_choices[] = {
	{ "portal", "This portal" }, { "phone", "Telephone" },
	{ "teletype", "Teletype" }, { "letter", "Letter" }, { "radio", "Radio" },
	{ NULL, NULL }
};

const struct choice incident_type_choices[] = {
	{ "civil_disorder", "Civil disorder" }, { "fire", "Major fire" },
	{ "weather", "Weather-related disaster" }, { "hazmat", "Hazardous materials" },
	{ "major_crime", "Major crime" }, { "active_shooter", "Active shooter" },
	{ "terrorism", "Terrorism" }, { "investigation", "Investigation" },
	{ "other", "Other" },
	{ NULL, NULL }
};

const struct choice priority_choices[] = {
	{ "urgent", "Urgent" }, { "routine", "Routine" }, { "low", "Low" },
	{ NULL, NULL }
};

const struct choice yesno_choices[] = {
	{ "yes", "Yes" }, { "no", "No" },
	{ NULL, NULL }
};

const struct choice special_unit_choices[] = {
	{ "swat", "SWAT / tactical" }, { "negotiator", "Hostage negotiators" },
	{ "bomb", "Bomb disposal" }, { "k9", "Canine" },
	{ "mobile_field_force", "Mobile field force" }, { "dive", "Dive team" },
	{ "aviation", "Aviation" }, { "crime_scene", "Crime scene unit" },
	{ "investigators", "Investigators" },
	{ NULL, NULL }
};

const struct choice federal_agency_choices[] = {
	{ "fbi", "FBI" }, { "atf", "ATF" }, { "dea", "DEA" },
	{ "usms", "U.S. Marshals Service" }, { "hsi", "Homeland Security Investigations" },
	{ "usss", "U.S. Secret Service" }, { "uspis", "U.S. Postal Inspection Service" },
	{ "irs_ci", "IRS Criminal Investigation" }, { "other", "Other federal agency" },
	{ NULL, NULL }
};

/* The categories of non-emergency investigative aid a federal request names. */
const struct choice investigation_category_choices[] = {
	{ "narcotics", "Narcotics" }, { "stolen_property", "Recovery of stolen property" },
	{ "intelligence", "Intelligence information" },
	{ "arrest", "Arrest outside our jurisdiction" }, { "other", "Other" },
	{ NULL, NULL }
};

const struct choice agency_type_choices[] = {
	{ "local", "Local" }, { "county", "County" }, { "state", "State" },
	{ "tribal", "Tribal" }, { "federal", "Federal" },
	{ NULL, NULL }
};

const struct choice checkin_status_choices[] = {
	{ "en_route", "En route" }, { "on_scene", "On scene" },
	{ "clear", "Clear" }, { "returned", "Returned" },
	{ NULL, NULL }
};

const struct choice deployment_status_choices[] = {
	{ "dispatched", "Dispatched" }, { "en_route", "En route" }, { "on_scene", "On scene" },
	{ "clear", "Clear" }, { "returned", "Returned" },
	{ NULL, NULL }
};

int
choice_find(const struct choice *list, const char *id)
{
	int i;

	if (id == NULL)
		return -1;
	for (i = 0; list[i].id != NULL; i++)
		if (strcmp(list[i].id, id) == 0)
			return i;
	return -1;
}

int
choice_find_n(const struct choice *list, size_t n, const char *id)
{
	size_t i;

	if (id == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (strcmp(list[i].id, id) == 0)
			return (int)i;
	return -1;
}

const char *
choice_label(const struct choice *list, const char *id)
{
	int i = choice_find(list, id);

	return i < 0 ? id : list[i].label;
}

int
role_from_id(const char *id)
{
	return choice_find_n(role_choices, ROLE__MAX, id);
}

int
kind_from_id(const char *id)
{
	return choice_find_n(kind_choices, KIND__MAX, id);
}

int
status_from_id(const char *id)
{
	return choice_find_n(status_choices, STATUS__MAX, id);
}

bool
kind_is_federal(enum request_kind k)
{
	return k == KIND_FEDERAL_INVESTIGATIVE || k == KIND_FEDERAL_EMERGENCY ||
	    k == KIND_FEDERAL_INCOMING;
}

bool
role_is_staff(enum role r)
{
	return r != ROLE_AGENCY;
}

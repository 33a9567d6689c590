#include "account.h"

#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "policy.h"

const struct field_spec account_fields[AF__MAX] = {
	[AF_LOGIN]       = { "login", "Login", FIELD_LOGIN, 32, 0, 0, NULL, true },
	[AF_ROLE]        = { "role", "Role", FIELD_CHOICE, 40, 0, 0, role_choices, true },
	[AF_NAME]        = { "name", "Full name", FIELD_TEXT, 200, 0, 0, NULL, true },
	[AF_EMAIL]       = { "email", "E-mail", FIELD_EMAIL, 254, 0, 0, NULL, false },
	[AF_AGENCY]      = { "agency", "Agency", FIELD_TEXT, 200, 0, 0, NULL, false },
	[AF_AGENCY_TYPE] = { "agency_type", "Agency type", FIELD_CHOICE, 20, 0, 0, agency_type_choices, false },
	[AF_BUREAU]      = { "bureau", "Bureau", FIELD_TEXT, 100, 0, 0, NULL, false },
	[AF_DISTRICT]    = { "district", "District or division", FIELD_TEXT, 100, 0, 0, NULL, false },
	[AF_UNIT]        = { "unit", "Specialized unit", FIELD_CHOICE, 40, 0, 0, special_unit_choices, false },
};

const char *
account_check(char *const v[AF__MAX], const char *errors[AF__MAX])
{
	const char *role = v[AF_ROLE];

	if (role == NULL)
		return NULL;
	if (strcmp(role, "agency") == 0 && v[AF_AGENCY] == NULL) {
		errors[AF_AGENCY] = "is required for an outside agency's account.";
		return "agency: is required for an outside agency's account";
	}
	if (strcmp(role, "unit_commander") == 0 && v[AF_UNIT] == NULL) {
		errors[AF_UNIT] = "is required for a unit commander.";
		return "unit: is required for a unit commander";
	}
	return NULL;
}

const char *
account_check_structure(const struct policy *pol, char *const v[AF__MAX], const char *errors[AF__MAX])
{
	if (pol == NULL)
		return NULL;
	if (v[AF_BUREAU] != NULL && pol->nbureaus > 0 && !policy_has_bureau(pol, v[AF_BUREAU])) {
		errors[AF_BUREAU] = "must be one of the department's bureaus.";
		return "bureau: must be one of the department's bureaus";
	}
	if (v[AF_DISTRICT] != NULL && pol->ndistricts > 0 && !policy_has_district(pol, v[AF_DISTRICT])) {
		errors[AF_DISTRICT] = "must be one of the department's districts.";
		return "district: must be one of the department's districts";
	}
	return NULL;
}

const char *
account_create(struct db *db, char *const v[AF__MAX], const char *password, const char *given_hash)
{
	DB_STATEMENT(sql, "account.account_create", 10,
	    "INSERT INTO account (login, role, full_name, email, agency, agency_type, bureau,"
	    " district, unit, password_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
	char hash[256];
	const char *params[10];
	int i;

	if (given_hash == NULL && !password_hash(password, hash, sizeof(hash)))
		return "the password could not be hashed (out of memory?)";
	for (i = 0; i < AF__MAX; i++)
		params[i] = v[i];
	params[9] = given_hash != NULL ? given_hash : hash;
	if (!db_run_ok(db, &sql, params))
		return strcmp(db_sqlstate(db), "23505") == 0
		    ? "login: an account with this login exists already"
		    : "the database refused the account";
	return NULL;
}

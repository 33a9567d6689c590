#include "settings.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"

/* Each integer setting: its name, where it goes, its default and bounds. */
static const struct int_setting {
	const char *name;
	size_t      offset;
	int         fallback, min, max;
} int_settings[] = {
	{ "session_idle_minutes", offsetof(struct settings, session_idle_minutes), 30, 1, 24 * 60 },
	{ "session_max_hours", offsetof(struct settings, session_max_hours), 12, 1, 24 * 7 },
};

#define NSETTINGS (sizeof(int_settings) / sizeof(int_settings[0]))

void
settings_defaults(struct settings *s)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < NSETTINGS; i++)
		*(int *)(void *)((char *)s + int_settings[i].offset) = int_settings[i].fallback;
}

bool
settings_load(struct settings *s, struct db *db)
{
	PGresult *res;
	int row;
	size_t i;

	settings_defaults(s);
	if ((res = db_query(db, "SELECT name, value FROM setting", 0, NULL)) == NULL)
		return false;
	for (row = 0; row < PQntuples(res); row++) {
		const char *name = db_value(res, row, "name"), *value = db_value(res, row, "value");

		if (strcmp(name, "login_token_key") == 0) {
			s->has_form_key = hex_decode(value, s->form_key, FORM_KEY_BYTES);
			if (!s->has_form_key)
				log_warn("setting login_token_key is not %d hex bytes", FORM_KEY_BYTES);
			continue;
		}
		for (i = 0; i < NSETTINGS; i++) {
			char *end;
			long v;

			if (strcmp(name, int_settings[i].name) != 0)
				continue;
			v = strtol(value, &end, 10);
			if (*value == '\0' || *end != '\0' || v < int_settings[i].min || v > int_settings[i].max) {
				log_warn("setting %s = '%s' is out of range; using %d", name, value,
				    int_settings[i].fallback);
				break;
			}
			*(int *)(void *)((char *)s + int_settings[i].offset) = (int)v;
		}
	}
	PQclear(res);
	return true;
}

/*
 * portalctl user add|duty|list and portalctl demo: accounts from the
 * command line, each change audited like one made on the web.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "account.h"
#include "audit.h"
#include "buf.h"
#include "crypto.h"
#include "ctl.h"
#include "db.h"
#include "form.h"
#include "password.h"
#include "policy.h"
#include "totp.h"

/* Reads the password: the first line of standard input. */
static char *
read_password(void)
{
	struct buf b;
	int ch;

	buf_init(&b);
	while ((ch = getchar()) != EOF && ch != '\n') {
		if (b.len > PASSWORD_MAX) {
			buf_free(&b);
			return NULL;
		}
		buf_putc(&b, (char)ch);
	}
	if (b.len > 0 && b.data[b.len - 1] == '\r')
		b.data[--b.len] = '\0';
	return buf_take(&b);
}

/* Creates the account of `form`, with its second factor (ctl_totp_for_new:
 * `totp` given, none, or one made into `made`); `hash`, when not NULL, is
 * the password's hash made already (the demo accounts share one). */
static int
add_user(struct db *db, struct form *form, const char *password, const char *hash,
    const char *totp, bool none, char made[TOTP_SECRET_CHARS + 1])
{
	char *values[AF__MAX];
	const char *errors[AF__MAX], *problem;
	struct policy pol;
	bool have_policy;
	int i, rc = 0;

	/* The department's bureaus and districts, once a policy is loaded. */
	have_policy = policy_load(&pol, db);

	if (fields_check(account_fields, AF__MAX, form, values, errors) > 0) {
		for (i = 0; i < AF__MAX; i++)
			if (errors[i] != NULL) {
				rc = ctl_bad_input("%s: %s", account_fields[i].name, errors[i]);
				break;
			}
	} else if ((problem = account_check(values, errors)) != NULL ||
	    (problem = account_check_structure(have_policy ? &pol : NULL, values, errors)) != NULL ||
	    (problem = password_rules(db, password, values[AF_LOGIN], values[AF_NAME],
	        have_policy ? pol.department : NULL)) != NULL)
		rc = ctl_bad_input("%s", problem);
	else if (!db_begin(db))
		rc = ctl_failed(db, "user add");
	else if ((problem = account_create(db, values, password, hash)) != NULL) {
		db_rollback(db);
		rc = strstr(problem, "exists") ? ctl_bad_input("%s", problem) : ctl_failed(db, problem);
	} else if (!ctl_totp_for_new(db, values[AF_LOGIN], totp, none, made)) {
		db_rollback(db);
		rc = ctl_failed(db, "user add --totp-secret");
	} else {
		/* Account changes are audited, whoever makes them. */
		char note[300];

		snprintf(note, sizeof(note), "Created account %s (%s) with portalctl%s", values[AF_LOGIN],
		    values[AF_ROLE], totp != NULL || made[0] != '\0' ? ", with a second factor" : "");
		if (!audit_record(db, NULL, 0, "portalctl", "account_created", NULL, note) || !db_commit(db)) {
			db_rollback(db);
			rc = ctl_failed(db, "user add");
		}
	}
	fields_free(values, AF__MAX);
	if (have_policy)
		policy_free(&pol);
	return rc;
}

int
ctl_user_add(struct db *db, int argc, char **argv)
{
	static const struct { const char *flag, *field; } flags[] = {
		{ "--role", "role" }, { "--name", "name" }, { "--email", "email" },
		{ "--agency", "agency" }, { "--agency-type", "agency_type" },
		{ "--bureau", "bureau" }, { "--district", "district" }, { "--unit", "unit" },
	};
	struct form form;
	char *password, made[TOTP_SECRET_CHARS + 1] = "";
	const char *totp_given = NULL, *totp = NULL;
	bool none = false;
	int i, rc;
	size_t f;

	if (argc < 1 || argv[0][0] == '-')
		return ctl_bad_input("usage: portalctl user add LOGIN --role ROLE --name \"Full Name\" [...]");
	form_init(&form);
	if (!form_add(&form, "login", argv[0]))
		return 1;
	for (i = 1; i < argc; i += 2) {
		/* The second factor is no field of the account form. */
		if (strcmp(argv[i], "--totp-secret") == 0 && i + 1 < argc && totp_given == NULL) {
			totp_given = argv[i + 1];
			continue;
		}
		if (strcmp(argv[i], "--no-totp") == 0) {
			none = true;
			i--;	/* a flag without a value */
			continue;
		}
		for (f = 0; f < sizeof(flags) / sizeof(flags[0]); f++)
			if (strcmp(argv[i], flags[f].flag) == 0)
				break;
		if (f == sizeof(flags) / sizeof(flags[0])) {
			form_free(&form);
			return ctl_bad_input("unknown option '%s'", argv[i]);
		}
		if (i + 1 >= argc) {
			form_free(&form);
			return ctl_bad_input("%s needs a value", argv[i]);
		}
		if (form_count(&form, flags[f].field) > 0) {
			form_free(&form);
			return ctl_bad_input("%s given twice", argv[i]);
		}
		if (!utf8_valid(argv[i + 1], strlen(argv[i + 1]))) {
			form_free(&form);
			return ctl_bad_input("%s: not valid UTF-8 text", argv[i]);
		}
		if (!form_add(&form, flags[f].field, argv[i + 1])) {
			form_free(&form);
			return 1;
		}
	}
	if (totp_given != NULL && (totp = ctl_totp_choose(totp_given, made)) == NULL) {
		form_free(&form);
		return ctl_bad_input("--totp-secret: not a base32 secret of 16 to 128 of A-Z and 2-7 (or 'new')");
	}
	if ((password = read_password()) == NULL) {
		form_free(&form);
		return ctl_bad_input("the password must have at most %d bytes", PASSWORD_MAX);
	}
	rc = add_user(db, &form, password, NULL, totp, none, made);
	if (rc == 0)
		printf("added %s\n", argv[0]);
	if (rc == 0 && made[0] != '\0')
		printf("totp-secret %s\n", made);
	free(password);
	form_free(&form);
	return rc;
}

int
ctl_user_duty(struct db *db, int argc, char **argv)
{
	DB_STATEMENT(sql, "ctl_user.ctl_user_duty", 2,
	    "UPDATE account SET on_duty = $2::boolean WHERE login = $1 RETURNING id");
	const char *params[2];
	char note[200];
	PGresult *res;

	if (argc != 2 || (strcmp(argv[1], "on") != 0 && strcmp(argv[1], "off") != 0))
		return ctl_bad_input("usage: portalctl user duty LOGIN on|off");
	params[0] = argv[0];
	params[1] = strcmp(argv[1], "on") == 0 ? "true" : "false";
	if (!db_begin(db) || (res = db_run(db, &sql, params)) == NULL) {
		db_rollback(db);
		return ctl_failed(db, "user duty");
	}
	if (PQntuples(res) != 1) {
		PQclear(res);
		db_rollback(db);
		return ctl_bad_input("login: no account '%s'", argv[0]);
	}
	PQclear(res);
	snprintf(note, sizeof(note), "Account %s: %s duty (portalctl)", argv[0], argv[1]);
	if (!audit_record(db, NULL, 0, "portalctl", "account_changed", NULL, note) || !db_commit(db)) {
		db_rollback(db);
		return ctl_failed(db, "user duty");
	}
	printf("%s is %s duty\n", argv[0], strcmp(argv[1], "on") == 0 ? "on" : "off");
	return 0;
}

int
ctl_user_list(struct db *db)
{
	DB_STATEMENT(sql, "ctl_user.ctl_user_list", 0,
	    "SELECT login, role, CASE WHEN on_duty THEN 'on' ELSE 'off' END AS duty,"
	    " CASE WHEN disabled THEN 'disabled' ELSE 'active' END AS state, full_name,"
	    " coalesce(email, '') AS email, coalesce(agency, bureau, district, unit, '') AS attr"
	    " FROM account ORDER BY login");
	PGresult *res = db_run(db, &sql, NULL);
	int i;

	if (res == NULL)
		return ctl_failed(db, "user list");
	for (i = 0; i < PQntuples(res); i++)
		printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", db_value(res, i, "login"),
		    db_value(res, i, "role"), db_value(res, i, "duty"), db_value(res, i, "state"),
		    db_value(res, i, "full_name"), db_value(res, i, "email"), db_value(res, i, "attr"));
	PQclear(res);
	return 0;
}

/* Demo accounts, one per role of DESIGN.md, made on first start only. */
static const struct demo_account {
	const char *login, *role, *name, *attr_flag, *attr, *agency_type;
} demo[] = {
	{ "agency1", "agency", "Deputy Dana Reyes", "agency", "Waukesha County Sheriff's Office", "county" },
	{ "fbi1", "agency", "Special Agent Sam Ortiz", "agency", "FBI Field Office", "federal" },
	{ "officer1", "officer", "Officer Pat Lee", NULL, NULL, NULL },
	{ "det1", "detective", "Detective Jordan Kim", NULL, NULL, NULL },
	{ "sup1", "supervisor", "Sergeant Alex Morgan", NULL, NULL, NULL },
	{ "disp1", "dispatcher", "Dispatcher Casey Brooks", NULL, NULL, NULL },
	{ "dsup1", "dispatch_supervisor", "Dispatch Supervisor Robin Hale", NULL, NULL, NULL },
	/* The first of the department's own districts and bureaus (none,
	 * when its policy names none). */
	{ "cmdr1", "commander", "Captain Morgan Price", "district", NULL, NULL },
	{ "bchief1", "bureau_chief", "Inspector Taylor Grant", "bureau", NULL, NULL },
	{ "watch1", "watch_commander", "Captain Jamie Fox", NULL, NULL, NULL },
	{ "swat1", "unit_commander", "Lieutenant Drew Carter", "unit", "swat", NULL },
	{ "chief1", "chief", "Chief Chris Avery", NULL, NULL, NULL },
	{ "admin1", "admin", "Administrator Lee Quinn", NULL, NULL, NULL },
};

/* One demo account, with the demo password (`password`, hashed as `hash`),
 * listed in `listing`. */
static int
demo_account(struct db *db, const struct demo_account *a, const struct policy *pol,
    const char *password, const char *hash, struct buf *listing)
{
	const char *attr = a->attr;
	char email[64], secret[TOTP_SECRET_CHARS + 1];
	struct form form;
	int rc;

	if (attr == NULL && a->attr_flag != NULL && pol != NULL)
		attr = strcmp(a->attr_flag, "district") == 0
		    ? (pol->ndistricts > 0 ? pol->districts[0] : NULL)
		    : (pol->nbureaus > 0 ? pol->bureaus[0] : NULL);
	if (!totp_secret_new(secret))
		return 1;
	snprintf(email, sizeof(email), "%s@portal.invalid", a->login);
	form_init(&form);
	(void)(form_add(&form, "login", a->login) && form_add(&form, "role", a->role) &&
	    form_add(&form, "name", a->name) && form_add(&form, "email", email));
	if (a->attr_flag != NULL && attr != NULL)
		(void)form_add(&form, a->attr_flag, attr);
	if (a->agency_type != NULL)
		(void)form_add(&form, "agency_type", a->agency_type);
	/* Every demo account has a second factor (CJIS 5.6.2.2): its secret
	 * is listed, for an authenticator app or `portalctl user totp`. */
	rc = add_user(db, &form, password, hash, secret, false, secret);
	form_free(&form);
	if (rc == 0)
		buf_printf(listing, "  %-9s %-20s %s  %s  (%s)\n", a->login, a->role, password, secret,
		    a->name);
	return rc;
}

/* The demo password: 96 random bits, plenty to type, that the password
 * rules accept for every demo account (a draw whose letters alone look
 * systematic to libcrack2 is drawn again, so that `make run` always
 * starts). One password for all of them, hashed once: thirteen Argon2id
 * hashes made every first start take four seconds, and each account has a
 * second-factor secret of its own. */
static bool
demo_password(struct db *db, const struct policy *pol, char password[TOKEN_CHARS + 1])
{
	int tries;
	size_t i;

	for (tries = 0; tries < 20; tries++) {
		if (!token_new(password))
			return false;
		password[16] = '\0';
		for (i = 0; i < sizeof(demo) / sizeof(demo[0]); i++)
			if (password_rules(db, password, demo[i].login, demo[i].name,
			    pol != NULL ? pol->department : NULL) != NULL)
				break;
		if (i == sizeof(demo) / sizeof(demo[0]))
			return true;
	}
	return false;
}

/* The listing, also kept in $PORTAL_VAR/demo-accounts.txt (mode 0600). */
static void
demo_save(const struct buf *listing)
{
	const char *var = getenv("PORTAL_VAR");
	char path[PATH_MAX];
	FILE *f;

	if (var == NULL || *var == '\0')
		return;
	snprintf(path, sizeof(path), "%s/demo-accounts.txt", var);
	umask(077);
	if ((f = fopen(path, "w")) != NULL) {
		fputs(listing->data, f);
		if (fclose(f) == 0)
			printf("(saved in %s)\n", path);
	}
}

int
ctl_demo(struct db *db)
{
	char password[TOKEN_CHARS + 1], hash[256];
	struct buf listing;
	struct policy pol;
	bool have_policy;
	PGresult *res;
	size_t i;
	int rc = 0;

	if ((res = db_query(db, "SELECT count(*) AS n FROM account", 0, NULL)) == NULL)
		return ctl_failed(db, "demo");
	if (db_int(res, 0, "n") > 0) {
		PQclear(res);
		return 0;
	}
	PQclear(res);
	have_policy = policy_load(&pol, db);
	buf_init(&listing);
	buf_puts(&listing, "Demo accounts (one per role; never in production: delete them before real use).\n"
	    "  login     role                 password          second-factor secret (base32)\n");
	if (!demo_password(db, have_policy ? &pol : NULL, password) ||
	    !password_hash(password, hash, sizeof(hash)))
		rc = ctl_failed(db, "demo (the password)");
	for (i = 0; i < sizeof(demo) / sizeof(demo[0]) && rc == 0; i++)
		rc = demo_account(db, &demo[i], have_policy ? &pol : NULL, password, hash, &listing);
	if (rc == 0 && !buf_failed(&listing)) {
		fputs(buf_cstr(&listing), stdout);
		demo_save(&listing);
	}
	buf_free(&listing);
	if (have_policy)
		policy_free(&pol);
	return rc;
}


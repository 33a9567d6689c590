/*
 * portalctl: administration from the command line (CONTRACT.md).
 *
 *   portalctl migrate                  apply sql/NNN_*.sql once each, then sql/grants.sql
 *   portalctl init --policy P          load policy P (a preset or a file) on first start only
 *   portalctl demo                     create and print demo accounts on first start
 *   portalctl user add LOGIN --role ROLE --name "Full Name" [--email E] [--agency A]
 *                  [--agency-type T] [--bureau B] [--district D] [--unit U]   (password on stdin)
 *   portalctl user duty LOGIN on|off
 *   portalctl user list
 *   portalctl policy check FILE        check a policy file (no database needed)
 *   portalctl policy rules FILE        its rules, one a line (tab-separated)
 *   portalctl policy load FILE         make it the policy in force (audited)
 *   portalctl policy show              the policy in force, by clause
 *   portalctl audit verify
 *   portalctl backup FILE              a verified backup (backup.c)
 *   portalctl restore [--replace] FILE bring one back, in one transaction
 *   portalctl status [--status-file F] each process, the database, mail, the notifier, the
 *                                      audit chain; exit 3 when down or degraded
 *   portalctl routes                   the route table: method, pattern, flags, roles admitted
 *
 * Exit 0 on success; bad input: one line on stderr naming the problem, exit 2,
 * nothing changed; the database unreachable or failing: exit 1.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "account.h"
#include "audit.h"
#include "backup.h"
#include "crypto.h"
#include "buf.h"
#include "db.h"
#include "log.h"
#include "notify.h"
#include "policy.h"
#include "policy_admin.h"
#include "routes.h"
#include "status.h"

#define EXIT_BAD_INPUT 2

static int bad_input(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
bad_input(const char *fmt, ...)
{
	va_list ap;

	fputs("portalctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_BAD_INPUT;
}

static int
failed(struct db *db, const char *what)
{
	fprintf(stderr, "portalctl: %s: %s\n", what, db->error[0] ? db->error : "database error");
	return 1;
}

/* The owner's connection string: PORTAL_OWNER_DSN, PORTAL_DSN, or the
 * local cluster of PORTAL_VAR (default ./var). */
static bool
owner_dsn(struct buf *out)
{
	const char *v = getenv("PORTAL_OWNER_DSN");
	char path[PATH_MAX];

	if (v == NULL || *v == '\0')
		v = getenv("PORTAL_DSN");
	if (v != NULL && *v != '\0') {
		buf_puts(out, v);
		return !buf_failed(out);
	}
	v = getenv("PORTAL_VAR");
	if (v == NULL || *v == '\0')
		v = "var";
	if (realpath(v, path) == NULL) {
		fprintf(stderr, "portalctl: PORTAL_VAR %s: %s (is the portal set up? try `make start`)\n",
		    v, strerror(errno));
		return false;
	}
	/* The path is ours (an environment variable of the operator), quoted
	 * as libpq's connection-string syntax asks. */
	buf_puts(out, "host='");
	for (v = path; *v; v++) {
		if (*v == '\'' || *v == '\\')
			buf_putc(out, '\\');
		buf_putc(out, *v);
	}
	buf_puts(out, "/run' dbname=portal user=portal_owner");
	return !buf_failed(out);
}

/* Connect as the owner; `dsn` (initialised by the caller) keeps the
 * connection string for the PostgreSQL programs backup and restore run. */
static bool
connect_owner(struct db *db, struct buf *dsn)
{
	bool ok;

	ok = owner_dsn(dsn) && db_init(db, buf_cstr(dsn), "portalctl");
	if (!ok)
		return false;
	db->quiet = true;
	if (!db_ready(db)) {
		fprintf(stderr, "portalctl: cannot connect to the database: %s", db->error);
		db_close(db);
		return false;
	}
	return true;
}

/* A migration file, whole (at most 4 MiB). */
static char *
read_file(const char *path)
{
	struct buf b;

	buf_init(&b);
	if (!buf_read_file(&b, path, (size_t)4 << 20) || b.len > (size_t)4 << 20) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b);
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs a trusted SQL file of this repository (several statements). */
static bool
run_script(struct db *db, const char *path)
{
	char *sql = read_file(path);
	PGresult *res;
	bool ok;

	if (sql == NULL) {
		fprintf(stderr, "portalctl: cannot read %s: %s\n", path, strerror(errno));
		return false;
	}
	res = PQexec(db->conn, sql);
	ok = res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "portalctl: %s: %s", path, res ? PQresultErrorMessage(res)
		    : PQerrorMessage(db->conn));
	PQclear(res);
	free(sql);
	return ok;
}

static int
cmd_migrate(struct db *db)
{
	static const char init_sql[] =
	    "CREATE TABLE IF NOT EXISTS schema_migration ("
	    " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())";
	const char *root = getenv("PORTAL_ROOT");
	char dir[PATH_MAX], path[PATH_MAX + 300];
	char *names[256];
	size_t n = 0, i, applied = 0;
	struct dirent *ent;
	DIR *d;
	int rc = 0;

	snprintf(dir, sizeof(dir), "%s/sql", root && *root ? root : ".");
	if ((d = opendir(dir)) == NULL)
		return bad_input("cannot open %s: %s (set PORTAL_ROOT to the repository)", dir, strerror(errno));
	while ((ent = readdir(d)) != NULL && n < 256) {
		size_t len = strlen(ent->d_name);

		if (len > 8 && ent->d_name[0] >= '0' && ent->d_name[0] <= '9' &&
		    strcmp(ent->d_name + len - 4, ".sql") == 0 && (names[n] = strdup(ent->d_name)) != NULL)
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), compare_names);
	/* One migrator at a time: an advisory lock for the whole run. */
	if (!db_exec(db, init_sql, 0, NULL) ||
	    !db_exec(db, "SELECT pg_advisory_lock(230230)", 0, NULL)) {
		rc = failed(db, "migrate");
		goto out;
	}
	for (i = 0; i < n; i++) {
		const char *params[1] = { names[i] };
		PGresult *res = db_query(db, "SELECT 1 FROM schema_migration WHERE version = $1", 1, params);

		if (res == NULL) {
			rc = failed(db, "migrate");
			goto out;
		}
		if (PQntuples(res) == 1) {
			PQclear(res);
			continue;
		}
		PQclear(res);
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		/* Each migration and its record commit together, or neither. */
		if (!db_begin(db) || !run_script(db, path) ||
		    !db_exec(db, "INSERT INTO schema_migration (version) VALUES ($1)", 1, params) ||
		    !db_commit(db)) {
			db_rollback(db);
			fprintf(stderr, "portalctl: migration %s failed; nothing of it was applied\n", names[i]);
			rc = 1;
			goto out;
		}
		printf("applied %s\n", names[i]);
		applied++;
	}
	snprintf(path, sizeof(path), "%s/grants.sql", dir);
	if (!run_script(db, path))
		rc = 1;
out:
	(void)db_exec(db, "SELECT pg_advisory_unlock(230230)", 0, NULL);
	for (i = 0; i < n; i++)
		free(names[i]);
	(void)applied;
	return rc;
}

/* The name shown as who loaded a policy: the operator's login, else "portalctl". */
static const char *
operator_name(void)
{
	const char *who = getlogin();

	if (who == NULL || *who == '\0')
		who = getenv("USER");
	return who != NULL && *who != '\0' ? who : "portalctl";
}

static int
cmd_init(struct db *db, int argc, char **argv)
{
	if (argc != 2 || strcmp(argv[0], "--policy") != 0)
		return bad_input("usage: portalctl init --policy PRESET|FILE");
	return policy_cmd_init(db, argv[1], operator_name());
}

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

static int
add_user(struct db *db, struct form *form, const char *password)
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
				rc = bad_input("%s: %s", account_fields[i].name, errors[i]);
				break;
			}
	} else if ((problem = account_check(values, errors)) != NULL ||
	    (problem = account_check_structure(have_policy ? &pol : NULL, values, errors)) != NULL ||
	    (problem = password_check(password)) != NULL)
		rc = bad_input("%s", problem);
	else if (!db_begin(db))
		rc = failed(db, "user add");
	else if ((problem = account_create(db, values, password)) != NULL) {
		db_rollback(db);
		rc = strstr(problem, "exists") ? bad_input("%s", problem) : failed(db, problem);
	} else {
		/* Account changes are audited, whoever makes them. */
		char note[300];

		snprintf(note, sizeof(note), "Created account %s (%s) with portalctl", values[AF_LOGIN],
		    values[AF_ROLE]);
		if (!audit_record(db, NULL, 0, "portalctl", "account_created", NULL, note) || !db_commit(db)) {
			db_rollback(db);
			rc = failed(db, "user add");
		}
	}
	fields_free(values, AF__MAX);
	if (have_policy)
		policy_free(&pol);
	return rc;
}

static int
cmd_user_add(struct db *db, int argc, char **argv)
{
	static const struct { const char *flag, *field; } flags[] = {
		{ "--role", "role" }, { "--name", "name" }, { "--email", "email" },
		{ "--agency", "agency" }, { "--agency-type", "agency_type" },
		{ "--bureau", "bureau" }, { "--district", "district" }, { "--unit", "unit" },
	};
	struct form form;
	char *password;
	int i, rc;
	size_t f;

	if (argc < 1 || argv[0][0] == '-')
		return bad_input("usage: portalctl user add LOGIN --role ROLE --name \"Full Name\" [...]");
	form_init(&form);
	if (!form_add(&form, "login", argv[0]))
		return 1;
	for (i = 1; i < argc; i += 2) {
		for (f = 0; f < sizeof(flags) / sizeof(flags[0]); f++)
			if (strcmp(argv[i], flags[f].flag) == 0)
				break;
		if (f == sizeof(flags) / sizeof(flags[0])) {
			form_free(&form);
			return bad_input("unknown option '%s'", argv[i]);
		}
		if (i + 1 >= argc) {
			form_free(&form);
			return bad_input("%s needs a value", argv[i]);
		}
		if (form_count(&form, flags[f].field) > 0) {
			form_free(&form);
			return bad_input("%s given twice", argv[i]);
		}
		if (!utf8_valid(argv[i + 1], strlen(argv[i + 1]))) {
			form_free(&form);
			return bad_input("%s: not valid UTF-8 text", argv[i]);
		}
		if (!form_add(&form, flags[f].field, argv[i + 1])) {
			form_free(&form);
			return 1;
		}
	}
	if ((password = read_password()) == NULL) {
		form_free(&form);
		return bad_input("the password must have at most %d bytes", PASSWORD_MAX);
	}
	rc = add_user(db, &form, password);
	if (rc == 0)
		printf("added %s\n", argv[0]);
	free(password);
	form_free(&form);
	return rc;
}

static int
cmd_user_duty(struct db *db, int argc, char **argv)
{
	static const char sql[] =
	    "UPDATE account SET on_duty = $2::boolean WHERE login = $1 RETURNING id";
	const char *params[2];
	char note[200];
	PGresult *res;

	if (argc != 2 || (strcmp(argv[1], "on") != 0 && strcmp(argv[1], "off") != 0))
		return bad_input("usage: portalctl user duty LOGIN on|off");
	params[0] = argv[0];
	params[1] = strcmp(argv[1], "on") == 0 ? "true" : "false";
	if (!db_begin(db) || (res = db_query(db, sql, 2, params)) == NULL) {
		db_rollback(db);
		return failed(db, "user duty");
	}
	if (PQntuples(res) != 1) {
		PQclear(res);
		db_rollback(db);
		return bad_input("login: no account '%s'", argv[0]);
	}
	PQclear(res);
	snprintf(note, sizeof(note), "Account %s: %s duty (portalctl)", argv[0], argv[1]);
	if (!audit_record(db, NULL, 0, "portalctl", "account_changed", NULL, note) || !db_commit(db)) {
		db_rollback(db);
		return failed(db, "user duty");
	}
	printf("%s is %s duty\n", argv[0], strcmp(argv[1], "on") == 0 ? "on" : "off");
	return 0;
}

static int
cmd_user_list(struct db *db)
{
	static const char sql[] =
	    "SELECT login, role, CASE WHEN on_duty THEN 'on' ELSE 'off' END AS duty,"
	    " CASE WHEN disabled THEN 'disabled' ELSE 'active' END AS state, full_name,"
	    " coalesce(email, '') AS email, coalesce(agency, bureau, district, unit, '') AS attr"
	    " FROM account ORDER BY login";
	PGresult *res = db_query(db, sql, 0, NULL);
	int i;

	if (res == NULL)
		return failed(db, "user list");
	for (i = 0; i < PQntuples(res); i++)
		printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", db_value(res, i, "login"),
		    db_value(res, i, "role"), db_value(res, i, "duty"), db_value(res, i, "state"),
		    db_value(res, i, "full_name"), db_value(res, i, "email"), db_value(res, i, "attr"));
	PQclear(res);
	return 0;
}

/* Demo accounts, one per role of DESIGN.md, made on first start only. */
static int
cmd_demo(struct db *db)
{
	static const struct {
		const char *login, *role, *name, *attr_flag, *attr, *agency_type;
	} demo[] = {
		{ "agency1", "agency", "Deputy Dana Reyes", "agency", "Waukesha County Sheriff's Office", "county" },
		{ "fbi1", "agency", "Special Agent Sam Ortiz", "agency", "FBI Milwaukee Field Office", "federal" },
		{ "officer1", "officer", "Officer Pat Lee", NULL, NULL, NULL },
		{ "det1", "detective", "Detective Jordan Kim", NULL, NULL, NULL },
		{ "sup1", "supervisor", "Sergeant Alex Morgan", NULL, NULL, NULL },
		{ "disp1", "dispatcher", "Dispatcher Casey Brooks", NULL, NULL, NULL },
		{ "dsup1", "dispatch_supervisor", "Dispatch Supervisor Robin Hale", NULL, NULL, NULL },
		{ "cmdr1", "commander", "Captain Morgan Price", "district", "District 1", NULL },
		{ "bchief1", "bureau_chief", "Inspector Taylor Grant", "bureau", "Patrol Bureau", NULL },
		{ "watch1", "watch_commander", "Captain Jamie Fox", NULL, NULL, NULL },
		{ "swat1", "unit_commander", "Lieutenant Drew Carter", "unit", "swat", NULL },
		{ "chief1", "chief", "Chief Chris Avery", NULL, NULL, NULL },
		{ "admin1", "admin", "Administrator Lee Quinn", NULL, NULL, NULL },
	};
	const char *var = getenv("PORTAL_VAR");
	char path[PATH_MAX], password[TOKEN_CHARS + 1];
	struct buf listing;
	PGresult *res;
	size_t i;
	FILE *f;

	if ((res = db_query(db, "SELECT count(*) AS n FROM account", 0, NULL)) == NULL)
		return failed(db, "demo");
	if (db_int(res, 0, "n") > 0) {
		PQclear(res);
		return 0;
	}
	PQclear(res);
	buf_init(&listing);
	buf_puts(&listing, "Demo accounts (one per role; change or disable them before real use):\n");
	for (i = 0; i < sizeof(demo) / sizeof(demo[0]); i++) {
		struct form form;
		char email[64];
		int rc;

		if (!token_new(password))
			return 1;
		password[16] = '\0';	/* 96 random bits are plenty to type */
		snprintf(email, sizeof(email), "%s@portal.invalid", demo[i].login);
		form_init(&form);
		(void)(form_add(&form, "login", demo[i].login) && form_add(&form, "role", demo[i].role) &&
		    form_add(&form, "name", demo[i].name) && form_add(&form, "email", email));
		if (demo[i].attr_flag != NULL)
			(void)form_add(&form, demo[i].attr_flag, demo[i].attr);
		if (demo[i].agency_type != NULL)
			(void)form_add(&form, "agency_type", demo[i].agency_type);
		rc = add_user(db, &form, password);
		form_free(&form);
		if (rc != 0) {
			buf_free(&listing);
			return rc;
		}
		buf_printf(&listing, "  %-9s %-20s %s  (%s)\n", demo[i].login, demo[i].role, password, demo[i].name);
	}
	fputs(buf_cstr(&listing), stdout);
	if (var != NULL && *var != '\0') {
		snprintf(path, sizeof(path), "%s/demo-accounts.txt", var);
		umask(077);
		if ((f = fopen(path, "w")) != NULL) {
			fputs(buf_cstr(&listing), f);
			if (fclose(f) == 0)
				printf("(saved in %s)\n", path);
		}
	}
	buf_free(&listing);
	return 0;
}

/* The route table of routes.c as the portal dispatches it, one route a
 * line: method, pattern, flags (public, json, nocsrf; "-" for none) and the
 * role ids it admits, tab-separated; the lists comma-separated. Needs no
 * database: the tests read it so that they cannot drift from the code. */
static int
cmd_routes(void)
{
	static const struct { unsigned flag; const char *name; } flags[] = {
		{ ROUTE_PUBLIC, "public" }, { ROUTE_JSON, "json" }, { ROUTE_NOCSRF, "nocsrf" },
	};
	size_t i, f;
	int role;

	for (i = 0; i < portal_nroutes; i++) {
		const struct route *r = &portal_routes[i];
		const char *sep = "";

		printf("%s\t%s\t", r->method == METHOD_POST ? "POST" : "GET", r->pattern);
		for (f = 0; f < sizeof(flags) / sizeof(flags[0]); f++)
			if (r->flags & flags[f].flag) {
				printf("%s%s", sep, flags[f].name);
				sep = ",";
			}
		printf("%s\t", *sep ? "" : "-");
		sep = "";
		for (role = 0; role < ROLE__MAX; role++)
			if (route_admits(r, (enum role)role)) {
				printf("%s%s", sep, role_choices[role].id);
				sep = ",";
			}
		putchar('\n');
	}
	return fflush(stdout) == 0 ? 0 : 1;
}

static int
usage(void)
{
	return bad_input("usage: portalctl migrate | init --policy P | demo | user add|list|duty ... | "
	    "policy check|rules|load FILE | policy show | audit verify | status | "
	    "backup FILE | restore [--replace] FILE | routes");
}

/* The portal master's status file: --status-file F, else
 * $PORTAL_VAR/run/status.json (supervise.c writes it). */
static int
cmd_status(struct db *db, int argc, char *argv[])
{
	char path[PATH_MAX];
	const char *var = getenv("PORTAL_VAR");

	if (argc == 2 && strcmp(argv[0], "--status-file") == 0)
		snprintf(path, sizeof(path), "%s", argv[1]);
	else if (argc == 0)
		snprintf(path, sizeof(path), "%s/run/status.json", var && *var ? var : "var");
	else
		return usage();
	return status_report(db, stdout, path);
}

int
main(int argc, char *argv[])
{
	struct db db;
	struct buf dsn;
	int rc;

	if (argc < 2)
		return usage();
	if (strcmp(argv[1], "routes") == 0)
		return argc == 2 ? cmd_routes() : usage();
	/* Checking a policy file needs no database. */
	if (strcmp(argv[1], "policy") == 0 && argc == 4 && strcmp(argv[2], "check") == 0)
		return policy_cmd_check(argv[3]);
	if (strcmp(argv[1], "policy") == 0 && argc == 4 && strcmp(argv[2], "rules") == 0)
		return policy_cmd_rules(argv[3]);
	if (!crypto_init())
		return 1;
	/* Check the words before touching the database. */
	if (!(strcmp(argv[1], "migrate") == 0 || strcmp(argv[1], "init") == 0 ||
	    strcmp(argv[1], "demo") == 0 ||
	    (strcmp(argv[1], "user") == 0 && argc >= 3 &&
	     (strcmp(argv[2], "add") == 0 || strcmp(argv[2], "list") == 0 || strcmp(argv[2], "duty") == 0)) ||
	    (strcmp(argv[1], "policy") == 0 && argc == 3 && strcmp(argv[2], "show") == 0) ||
	    (strcmp(argv[1], "policy") == 0 && argc == 4 && strcmp(argv[2], "load") == 0) ||
	    (strcmp(argv[1], "audit") == 0 && argc == 3 && strcmp(argv[2], "verify") == 0) ||
	    strcmp(argv[1], "status") == 0 || strcmp(argv[1], "backup") == 0 ||
	    strcmp(argv[1], "restore") == 0))
		return usage();
	buf_init(&dsn);
	if (!connect_owner(&db, &dsn)) {
		buf_free(&dsn);
		/* status still tells the processes apart from the database. */
		return strcmp(argv[1], "status") == 0 ? cmd_status(NULL, argc - 2, argv + 2) : 1;
	}
	if (strcmp(argv[1], "migrate") == 0)
		rc = cmd_migrate(&db);
	else if (strcmp(argv[1], "init") == 0)
		rc = cmd_init(&db, argc - 2, argv + 2);
	else if (strcmp(argv[1], "demo") == 0)
		rc = cmd_demo(&db);
	else if (strcmp(argv[1], "policy") == 0)
		rc = argc == 4 ? policy_cmd_load(&db, argv[3], operator_name()) : policy_cmd_show(&db);
	else if (strcmp(argv[1], "audit") == 0)
		rc = audit_verify(&db, stdout) ? 0 : 1;
	else if (strcmp(argv[1], "status") == 0)
		rc = cmd_status(&db, argc - 2, argv + 2);
	else if (strcmp(argv[1], "backup") == 0)
		rc = backup_cmd(&db, buf_cstr(&dsn), argc - 2, argv + 2);
	else if (strcmp(argv[1], "restore") == 0)
		rc = restore_cmd(&db, buf_cstr(&dsn), argc - 2, argv + 2);
	else if (strcmp(argv[2], "add") == 0)
		rc = cmd_user_add(&db, argc - 3, argv + 3);
	else if (strcmp(argv[2], "list") == 0)
		rc = argc == 3 ? cmd_user_list(&db) : usage();
	else
		rc = cmd_user_duty(&db, argc - 3, argv + 3);
	db_close(&db);
	buf_free(&dsn);
	return rc;
}

/*
 * portalctl: administration from the command line (CONTRACT.md).
 *
 *   portalctl migrate                  apply sql/NNN_*.sql once each, then sql/grants.sql
 *   portalctl init --policy P          load policy P (a preset or a file) on first start only
 *   portalctl demo                     create and print demo accounts on first start
 *   portalctl user add LOGIN --role ROLE --name "Full Name" [--email E] [--agency A]
 *                  [--agency-type T] [--bureau B] [--district D] [--unit U]   (password on stdin)
 *                  [--totp-secret BASE32|new]   a second factor ("new": made and printed)
 *   portalctl user duty LOGIN on|off
 *   portalctl user list
 *   portalctl user totp LOGIN           the current code of LOGIN's second factor
 *   portalctl setting NAME VALUE        change a setting (audited)
 *   portalctl policy check FILE        check a policy file (no database needed)
 *   portalctl policy rules FILE        its rules, one a line (tab-separated)
 *   portalctl policy load FILE         make it the policy in force (audited)
 *   portalctl policy show              the policy in force, by clause
 *   portalctl audit verify
 *   portalctl audit [--since DATE] [--login LOGIN] [--action ACTION]   the events, tab-separated
 *   portalctl backup FILE              a verified backup (backup.c)
 *   portalctl restore [--replace] FILE bring one back, in one transaction
 *   portalctl status [--status-file F] each process, the database, mail, the notifier, the
 *                                      audit chain; exit 3 when down or degraded
 *   portalctl routes                   the route table: method, pattern, flags, roles admitted
 *
 * Exit 0 on success; bad input: one line on stderr naming the problem, exit 2,
 * nothing changed; the database unreachable or failing: exit 1.
 *
 * The commands are one table (commands[] below): their words, how many
 * arguments, whether they need the database; each is a function of ctl_*.c,
 * policy_admin.c, backup.c or status.c.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "backup.h"
#include "buf.h"
#include "crypto.h"
#include "ctl.h"
#include "db.h"
#include "policy_admin.h"
#include "routes.h"
#include "status.h"

/* Every command has this shape: the owner's connection (NULL for a command
 * that needs none, or when status could not reach the database), its
 * connection string, and the arguments after the command's words. */
typedef int command_fn(struct db *, const char *dsn, int argc, char **argv);

static int
run_migrate(struct db *db, const char *dsn, int argc, char **argv)
{
	return ctl_migrate(db);
}

static int
run_init(struct db *db, const char *dsn, int argc, char **argv)
{
	return ctl_init(db, argc, argv);
}

static int
run_demo(struct db *db, const char *dsn, int argc, char **argv)
{
	return ctl_demo(db);
}

static int
run_user_add(struct db *db, const char *dsn, int argc, char **argv)
{
	return ctl_user_add(db, argc, argv);
}

static int
run_user_duty(struct db *db, const char *dsn, int argc, char **argv)
{
	return ctl_user_duty(db, argc, argv);
}

static int
run_user_list(struct db *db, const char *dsn, int argc, char **argv)
{
	return ctl_user_list(db);
}

static int
run_user_totp(struct db *db, const char *dsn, int argc, char **argv)
{
	return ctl_user_totp(db, argc, argv);
}

static int
run_audit_list(struct db *db, const char *dsn, int argc, char **argv)
{
	return ctl_audit_list(db, argc, argv);
}

static int
run_setting(struct db *db, const char *dsn, int argc, char **argv)
{
	return ctl_setting(db, argc, argv);
}

static int
run_policy_check(struct db *db, const char *dsn, int argc, char **argv)
{
	return policy_cmd_check(argv[0]);
}

static int
run_policy_rules(struct db *db, const char *dsn, int argc, char **argv)
{
	return policy_cmd_rules(argv[0]);
}

static int
run_policy_load(struct db *db, const char *dsn, int argc, char **argv)
{
	return policy_cmd_load(db, argv[0], ctl_operator());
}

static int
run_policy_show(struct db *db, const char *dsn, int argc, char **argv)
{
	return policy_cmd_show(db);
}

static int
run_audit_verify(struct db *db, const char *dsn, int argc, char **argv)
{
	return audit_verify(db, stdout) ? 0 : CTL_FAILED;
}

static int
run_backup(struct db *db, const char *dsn, int argc, char **argv)
{
	return backup_cmd(db, dsn, argc, argv);
}

static int
run_restore(struct db *db, const char *dsn, int argc, char **argv)
{
	return restore_cmd(db, dsn, argc, argv);
}

/* The route table of routes.c as the portal dispatches it, one route a
 * line: method, pattern, flags (public, json, nocsrf, filing, setup; "-" for none) and the
 * role ids it admits, tab-separated; the lists comma-separated. Needs no
 * database: the tests read it so that they cannot drift from the code. */
static int
run_routes(struct db *db, const char *dsn, int argc, char **argv)
{
	static const struct { unsigned flag; const char *name; } flags[] = {
		{ ROUTE_PUBLIC, "public" }, { ROUTE_JSON, "json" }, { ROUTE_NOCSRF, "nocsrf" },
		{ ROUTE_FILING, "filing" }, { ROUTE_SETUP, "setup" },
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

/* The portal master's status file: --status-file F, else
 * $PORTAL_VAR/run/status.json (supervise.c writes it). */
static int
run_status(struct db *db, const char *dsn, int argc, char **argv)
{
	char path[PATH_MAX];
	const char *var = getenv("PORTAL_VAR");

	if (argc == 2 && strcmp(argv[0], "--status-file") == 0)
		snprintf(path, sizeof(path), "%s", argv[1]);
	else if (argc == 0)
		snprintf(path, sizeof(path), "%s/run/status.json", var && *var ? var : "var");
	else
		return ctl_bad_input("usage: portalctl status [--status-file FILE]");
	return status_report(db, stdout, path);
}

enum needs { NO_DB, DB, DB_OR_NOT };

static const struct command {
	const char *word, *sub;   /* sub NULL: one word */
	int         min, max;     /* arguments after the words (-1: any) */
	enum needs  needs;        /* DB_OR_NOT: reports the database unreachable itself */
	command_fn *run;
} commands[] = {
	{ "migrate", NULL,      0, 0,  DB,        run_migrate },
	{ "init",    NULL,      0, -1, DB,        run_init },
	{ "demo",    NULL,      0, 0,  DB,        run_demo },
	{ "user",    "add",     0, -1, DB,        run_user_add },
	{ "user",    "duty",    0, -1, DB,        run_user_duty },
	{ "user",    "list",    0, 0,  DB,        run_user_list },
	{ "user",    "totp",    1, 1,  DB,        run_user_totp },
	{ "setting", NULL,      2, 2,  DB,        run_setting },
	{ "policy",  "check",   1, 1,  NO_DB,     run_policy_check },
	{ "policy",  "rules",   1, 1,  NO_DB,     run_policy_rules },
	{ "policy",  "load",    1, 1,  DB,        run_policy_load },
	{ "policy",  "show",    0, 0,  DB,        run_policy_show },
	{ "audit",   "verify",  0, 0,  DB,        run_audit_verify },
	{ "audit",   NULL,      0, 6,  DB,        run_audit_list },
	{ "backup",  NULL,      0, -1, DB,        run_backup },
	{ "restore", NULL,      0, -1, DB,        run_restore },
	{ "status",  NULL,      0, -1, DB_OR_NOT, run_status },
	{ "routes",  NULL,      0, 0,  NO_DB,     run_routes },
};

static int
usage(void)
{
	return ctl_bad_input("usage: portalctl migrate | init --policy P | demo | user add|list|duty|totp ... | setting NAME VALUE | "
	    "policy check|rules|load FILE | policy show | audit verify | audit [--since D] [--login L] [--action A] | status | "
	    "backup FILE | restore [--replace] FILE | routes");
}

/* The command named by argv, checked before anything is touched. */
static const struct command *
find_command(int argc, char **argv, int *words)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const struct command *c = &commands[i];
		int n = c->sub ? 2 : 1, args = argc - 1 - n;

		if (argc <= n || strcmp(argv[1], c->word) != 0 || (c->sub && strcmp(argv[2], c->sub) != 0))
			continue;
		if (args < c->min || (c->max >= 0 && args > c->max))
			return NULL;
		*words = n;
		return c;
	}
	return NULL;
}

int
main(int argc, char *argv[])
{
	const struct command *cmd;
	struct db db;
	struct buf dsn;
	int words, rc;

	if ((cmd = find_command(argc, argv, &words)) == NULL)
		return usage();
	argc -= 1 + words;
	argv += 1 + words;
	if (cmd->needs == NO_DB)
		return cmd->run(NULL, NULL, argc, argv);
	if (!crypto_init())
		return CTL_FAILED;
	buf_init(&dsn);
	if (!ctl_connect_owner(&db, &dsn)) {
		buf_free(&dsn);
		/* status still tells the processes apart from the database. */
		return cmd->needs == DB_OR_NOT ? cmd->run(NULL, NULL, argc, argv) : CTL_FAILED;
	}
	rc = cmd->run(&db, buf_cstr(&dsn), argc, argv);
	db_close(&db);
	buf_free(&dsn);
	return rc;
}

/*
 * portalctl migrate (sql/NNN_*.sql once each, in order, then sql/grants.sql)
 * and portalctl init --policy P (the first policy, on first start only).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ctl.h"
#include "db.h"
#include "policy_admin.h"

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

int
ctl_migrate(struct db *db)
{
	DB_STATEMENT(init_sql, "ctl_migrate.ctl_migrate.init_sql", 0,
	    "CREATE TABLE IF NOT EXISTS schema_migration ("
	    " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
	const char *root = getenv("PORTAL_ROOT");
	char dir[PATH_MAX], path[PATH_MAX + 300];
	char *names[256];
	size_t n = 0, i, applied = 0;
	struct dirent *ent;
	DIR *d;
	int rc = 0;

	snprintf(dir, sizeof(dir), "%s/sql", root && *root ? root : ".");
	if ((d = opendir(dir)) == NULL)
		return ctl_bad_input("cannot open %s: %s (set PORTAL_ROOT to the repository)", dir, strerror(errno));
	while ((ent = readdir(d)) != NULL && n < 256) {
		size_t len = strlen(ent->d_name);

		if (len > 8 && ent->d_name[0] >= '0' && ent->d_name[0] <= '9' &&
		    strcmp(ent->d_name + len - 4, ".sql") == 0 && (names[n] = strdup(ent->d_name)) != NULL)
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), compare_names);
	/* One migrator at a time: an advisory lock for the whole run. */
	if (!db_run_ok(db, &init_sql, NULL) ||
	    !db_exec(db, "SELECT pg_advisory_lock(230230)", 0, NULL)) {
		rc = ctl_failed(db, "migrate");
		goto out;
	}
	for (i = 0; i < n; i++) {
		const char *params[1] = { names[i] };
		PGresult *res = db_query(db, "SELECT 1 FROM schema_migration WHERE version = $1", 1, params);

		if (res == NULL) {
			rc = ctl_failed(db, "migrate");
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

int
ctl_init(struct db *db, int argc, char **argv)
{
	if (argc != 2 || strcmp(argv[0], "--policy") != 0)
		return ctl_bad_input("usage: portalctl init --policy PRESET|FILE");
	return policy_cmd_init(db, argv[1], ctl_operator());
}

/*
 * `portalctl backup FILE` and `portalctl restore [--replace] FILE`.
 *
 * A backup is PostgreSQL's own custom-format dump (pg_dump -Fc) of the
 * portal's database, taken in a snapshot this program exported, so that
 * the row count of every table in that snapshot is known exactly. It is
 * a backup only once it has been restored: a scratch cluster is made in a
 * private temporary directory (initdb, a socket in that directory, no TCP),
 * the dump is restored into it, and every table's row count and the audit
 * chain are checked there. Only then is FILE written (renamed from
 * FILE.partial, mode 0600: it holds password hashes), and synced.
 *
 * A restore goes into an empty database (the fresh cluster of a new host),
 * or with --replace over the current contents; either way in one
 * transaction (pg_restore --single-transaction --exit-on-error), so a
 * truncated or corrupted file changes nothing.
 *
 * The PostgreSQL programs come from PORTAL_PG_BIN, or the newest
 * /usr/lib/postgresql/N/bin (Debian's layout).
 */
#include "backup.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit.h"
#include "buf.h"
#include "db.h"

#define EXIT_BAD_INPUT 2

/* Every table of the portal with its row count, in one statement (the
 * table names come from the catalog, quoted by format's %I). */
DB_STATEMENT(count_sql, "backup.count_sql", 0,
    "SELECT c.relname AS name, (xpath('/row/n/text()', query_to_xml("
    "   format('SELECT count(*) AS n FROM public.%I', c.relname), false, true, '')))[1]::text AS n"
    " FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')"
    " ORDER BY c.relname");

/* The directory of the PostgreSQL programs, in `out` (PATH_MAX). */
static bool
pg_bindir(char *out, size_t len)
{
	const char *env = getenv("PORTAL_PG_BIN");
	glob_t g;
	size_t i, best = 0;
	long best_version = -1;

	if (env != NULL && *env != '\0') {
		snprintf(out, len, "%s", env);
		return true;
	}
	if (glob("/usr/lib/postgresql/*/bin", 0, NULL, &g) != 0) {
		fprintf(stderr, "portalctl: PostgreSQL's programs not found under "
		    "/usr/lib/postgresql/*/bin (set PORTAL_PG_BIN)\n");
		return false;
	}
	for (i = 0; i < g.gl_pathc; i++) {
		long v = strtol(g.gl_pathv[i] + strlen("/usr/lib/postgresql/"), NULL, 10);

		if (v > best_version) {
			best_version = v;
			best = i;
		}
	}
	snprintf(out, len, "%s", g.gl_pathv[best]);
	globfree(&g);
	return true;
}

/*
 * Run BINDIR/argv[0] with argv, and wait. Its standard output goes to
 * `capture` (bounded to 4 MiB) when given, else to /dev/null when `quiet`;
 * its errors go to ours. True when it exited 0.
 */
static bool
run(const char *bindir, char *const argv[], bool quiet, struct buf *capture)
{
	char path[PATH_MAX];
	int fds[2] = { -1, -1 }, status;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/%s", bindir, argv[0]);
	if (capture != NULL && pipe(fds) < 0)
		return false;
	if ((pid = fork()) < 0) {
		if (capture != NULL) {
			close(fds[0]);
			close(fds[1]);
		}
		return false;
	}
	if (pid == 0) {
		int out = capture != NULL ? fds[1] : quiet ? open("/dev/null", O_WRONLY) : 1;

		if (out < 0 || dup2(out, 1) < 0)
			_exit(127);
		if (capture != NULL)
			close(fds[0]);
		execv(path, argv);
		fprintf(stderr, "portalctl: cannot run %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	if (capture != NULL) {
		char chunk[4096];
		ssize_t n;

		close(fds[1]);
		while ((n = read(fds[0], chunk, sizeof(chunk))) > 0 || (n < 0 && errno == EINTR))
			if (n > 0 && capture->len < (size_t)4 * 1024 * 1024)
				buf_append(capture, chunk, (size_t)n);
		close(fds[0]);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Every table's row count as "name=n\n" lines. */
static bool
table_counts(struct db *db, struct buf *out, long long *tables, long long *rows)
{
	PGresult *res = db_run(db, &count_sql, NULL);
	int i;

	if (res == NULL)
		return false;
	*tables = PQntuples(res);
	*rows = 0;
	for (i = 0; i < PQntuples(res); i++) {
		buf_printf(out, "%s=%s\n", db_value(res, i, "name"), db_value(res, i, "n"));
		*rows += db_int(res, i, "n");
	}
	PQclear(res);
	return !buf_failed(out);
}

/* The scratch cluster of a verification. */
struct scratch {
	char dir[PATH_MAX / 2];
	char pgdata[PATH_MAX];
	bool started;
};

static bool
scratch_start(const char *bindir, struct scratch *s)
{
	const char *tmp = getenv("TMPDIR");
	char opts[PATH_MAX + 128], log[PATH_MAX];
	char *initdb[] = { "initdb", "-D", s->pgdata, "-U", "postgres", "-A", "trust",
	    "-E", "UTF8", "--no-locale", "--no-sync", NULL };
	char *start[] = { "pg_ctl", "-D", s->pgdata, "-l", log, "-w", "-t", "60", "-o", opts,
	    "start", NULL };

	if (snprintf(s->dir, sizeof(s->dir), "%s/portal-verify-XXXXXX", tmp && *tmp ? tmp : "/tmp") >=
	    (int)sizeof(s->dir) || mkdtemp(s->dir) == NULL) {
		s->dir[0] = '\0';
		fprintf(stderr, "portalctl: cannot make a scratch directory: %s\n", strerror(errno));
		return false;
	}
	/* The socket path is quoted for the server's option parser below. */
	if (strpbrk(s->dir, "' \\") != NULL) {
		fprintf(stderr, "portalctl: TMPDIR must not contain spaces, quotes or backslashes\n");
		return false;
	}
	snprintf(s->pgdata, sizeof(s->pgdata), "%s/pgdata", s->dir);
	snprintf(log, sizeof(log), "%s/postgres.log", s->dir);
	/* No TCP; the socket in a 0700 directory of ours (trust is safe there);
	 * a scratch copy needs no durability. */
	snprintf(opts, sizeof(opts), "-c listen_addresses='' -c unix_socket_directories='%s'"
	    " -c fsync=off -c full_page_writes=off", s->dir);
	if (!run(bindir, initdb, true, NULL)) {
		fprintf(stderr, "portalctl: initdb of the scratch cluster failed\n");
		return false;
	}
	if (!run(bindir, start, true, NULL)) {
		fprintf(stderr, "portalctl: the scratch cluster did not start (see %s)\n", log);
		return false;
	}
	s->started = true;
	return true;
}

static void
scratch_remove(const char *bindir, struct scratch *s)
{
	char *stop[] = { "pg_ctl", "-D", s->pgdata, "-m", "immediate", "-w", "stop", NULL };
	char *rm[] = { "rm", "-rf", "--", s->dir, NULL };

	if (s->started)
		(void)run(bindir, stop, true, NULL);
	if (s->dir[0] != '\0' && strstr(s->dir, "/portal-verify-") != NULL)
		(void)run("/bin", rm, true, NULL);
}

/*
 * Restore `file` into a scratch cluster and compare its tables' row counts
 * with `expected`, then verify the audit chain there.
 */
static bool
verify(const char *bindir, const char *file, const char *expected)
{
	struct scratch s;
	struct db db;
	struct buf got;
	char dsn[PATH_MAX + 64];
	char *restore[] = { "pg_restore", "--no-owner", "--no-acl", "--exit-on-error",
	    "--single-transaction", "-d", dsn, (char *)file, NULL };
	long long tables, rows;
	bool ok = false;

	memset(&s, 0, sizeof(s));
	buf_init(&got);
	if (!scratch_start(bindir, &s))
		goto out;
	snprintf(dsn, sizeof(dsn), "host=%s dbname=postgres user=postgres", s.dir);
	if (!db_init(&db, dsn, "portalctl-verify"))
		goto out;
	db.quiet = true;
	ok = db_ready(&db) && db_exec(&db, "CREATE DATABASE portal", 0, NULL);
	db_close(&db);
	if (!ok) {
		fprintf(stderr, "portalctl: cannot create the scratch database\n");
		goto out;
	}
	snprintf(dsn, sizeof(dsn), "host=%s dbname=portal user=postgres", s.dir);
	if (!(ok = run(bindir, restore, false, NULL))) {
		fprintf(stderr, "portalctl: the backup did not restore into a scratch cluster\n");
		goto out;
	}
	if (!db_init(&db, dsn, "portalctl-verify"))
		goto out;
	db.quiet = true;
	ok = db_ready(&db) && table_counts(&db, &got, &tables, &rows);
	if (ok && strcmp(buf_cstr(&got), expected) != 0) {
		fprintf(stderr, "portalctl: the restored copy differs from the database:\n"
		    "expected:\n%s" "restored:\n%s", expected, buf_cstr(&got));
		ok = false;
	}
	if (ok)
		ok = audit_verify_chain(&db, stdout);
	db_close(&db);
out:
	scratch_remove(bindir, &s);
	buf_free(&got);
	return ok;
}

/* Make the file and its directory entry durable. */
static bool
sync_file(const char *path)
{
	char dir[PATH_MAX], *slash;
	int fd = open(path, O_RDONLY);
	bool ok = fd >= 0 && fsync(fd) == 0;

	if (fd >= 0)
		close(fd);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (ok && (fd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0) {
		ok = fsync(fd) == 0;
		close(fd);
	}
	return ok;
}

int
backup_cmd(struct db *db, const char *dsn, int argc, char *argv[])
{
	char bindir[PATH_MAX], partial[PATH_MAX], snapshot[64];
	char *dump[] = { "pg_dump", "-Fc", "--snapshot", snapshot, "-f", partial, "-d",
	    (char *)dsn, NULL };
	struct buf counts;
	struct stat st;
	long long tables = 0, rows = 0;
	PGresult *res;
	int rc = 1;

	if (argc != 1 || argv[0][0] == '\0' || argv[0][0] == '-') {
		fprintf(stderr, "portalctl: usage: portalctl backup FILE\n");
		return EXIT_BAD_INPUT;
	}
	if (geteuid() == 0) {
		fprintf(stderr, "portalctl: backup verifies on a scratch PostgreSQL cluster, which "
		    "refuses to run as root: run it as the instance's user\n");
		return EXIT_BAD_INPUT;
	}
	if (stat(argv[0], &st) == 0) {
		fprintf(stderr, "portalctl: %s exists; a backup never overwrites a file\n", argv[0]);
		return EXIT_BAD_INPUT;
	}
	if (snprintf(partial, sizeof(partial), "%s.partial", argv[0]) >= (int)sizeof(partial) ||
	    !pg_bindir(bindir, sizeof(bindir)))
		return EXIT_BAD_INPUT;
	/* The dump holds password hashes and every request: the owner only. */
	umask(077);
	buf_init(&counts);
	/* Count in the snapshot pg_dump will dump: kept open until it is done. */
	if (!db_exec(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL) ||
	    (res = db_query(db, "SELECT pg_export_snapshot() AS s", 0, NULL)) == NULL) {
		fprintf(stderr, "portalctl: cannot take a snapshot: %s", db->error);
		goto out;
	}
	snprintf(snapshot, sizeof(snapshot), "%s", db_value(res, 0, "s"));
	PQclear(res);
	if (!table_counts(db, &counts, &tables, &rows)) {
		fprintf(stderr, "portalctl: cannot count the tables: %s", db->error);
		goto out;
	}
	unlink(partial);
	if (!run(bindir, dump, false, NULL)) {
		fprintf(stderr, "portalctl: pg_dump failed; no backup written\n");
		goto out;
	}
	if (!verify(bindir, partial, buf_cstr(&counts))) {
		fprintf(stderr, "portalctl: the backup could not be verified; %s kept for inspection, "
		    "%s not written\n", partial, argv[0]);
		goto out;
	}
	if (!sync_file(partial) || rename(partial, argv[0]) < 0 || !sync_file(argv[0])) {
		fprintf(stderr, "portalctl: cannot write %s: %s\n", argv[0], strerror(errno));
		goto out;
	}
	if (stat(argv[0], &st) < 0)
		goto out;
	printf("backup %s: %lld bytes, %lld tables, %lld rows; verified by restoring it into a "
	    "scratch cluster (every table's row count and the audit chain)\n", argv[0],
	    (long long)st.st_size, tables, rows);
	rc = 0;
out:
	db_rollback(db);
	buf_free(&counts);
	return rc;
}

int
restore_cmd(struct db *db, const char *dsn, int argc, char *argv[])
{
	char bindir[PATH_MAX];
	bool replace = argc == 2 && strcmp(argv[0], "--replace") == 0;
	char *file = argc >= 1 ? argv[argc - 1] : NULL;
	char *list[] = { "pg_restore", "--list", file, NULL };
	char *restore[10];
	int n = 0;
	struct buf toc, counts;
	long long tables, rows;
	PGresult *res;
	int rc = 1;

	if (!(argc == 1 || replace) || file[0] == '-') {
		fprintf(stderr, "portalctl: usage: portalctl restore [--replace] FILE\n");
		return EXIT_BAD_INPUT;
	}
	if (!pg_bindir(bindir, sizeof(bindir)))
		return EXIT_BAD_INPUT;
	buf_init(&toc);
	buf_init(&counts);
	/* A file that is no portal backup changes nothing. */
	if (!run(bindir, list, false, &toc) || strstr(buf_cstr(&toc), " TABLE public request ") == NULL ||
	    strstr(buf_cstr(&toc), " TABLE public audit_event ") == NULL) {
		fprintf(stderr, "portalctl: %s is not a backup of the portal (pg_restore cannot read it, "
		    "or it has no request and audit tables); nothing changed\n", file);
		rc = EXIT_BAD_INPUT;
		goto out;
	}
	if (!replace) {
		if ((res = db_query(db, "SELECT count(*) AS n FROM pg_class"
		    " WHERE relnamespace = 'public'::regnamespace", 0, NULL)) == NULL)
			goto out;
		rows = db_int(res, 0, "n");
		PQclear(res);
		if (rows != 0) {
			fprintf(stderr, "portalctl: the database is not empty; restore --replace FILE "
			    "replaces its contents (stop the portal first); nothing changed\n");
			rc = EXIT_BAD_INPUT;
			goto out;
		}
	}
	restore[n++] = "pg_restore";
	restore[n++] = "--single-transaction";
	restore[n++] = "--exit-on-error";
	if (replace) {
		restore[n++] = "--clean";
		restore[n++] = "--if-exists";
	}
	restore[n++] = "-d";
	restore[n++] = (char *)dsn;
	restore[n++] = file;
	restore[n] = NULL;
	if (!run(bindir, restore, false, NULL)) {
		fprintf(stderr, "portalctl: the restore failed and was rolled back; nothing changed\n");
		goto out;
	}
	if (!table_counts(db, &counts, &tables, &rows) || !audit_verify_chain(db, stdout))
		goto out;
	printf("restored %s: %lld tables, %lld rows; run `portalctl migrate` if this build is newer "
	    "than the backup\n", file, tables, rows);
	rc = 0;
out:
	buf_free(&toc);
	buf_free(&counts);
	return rc;
}

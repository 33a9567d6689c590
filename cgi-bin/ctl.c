/*
 * portalctl: how errors are said, who the operator is, and the owner's
 * connection (ctl.h).
 */
#include "ctl.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "db.h"

int
ctl_bad_input(const char *fmt, ...)
{
	va_list ap;

	fputs("portalctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CTL_BAD_INPUT;
}

int
ctl_failed(struct db *db, const char *what)
{
	fprintf(stderr, "portalctl: %s: %s\n", what, db->error[0] ? db->error : "database error");
	return CTL_FAILED;
}

/* The name shown as who loaded a policy: the operator's login, else "portalctl". */
const char *
ctl_operator(void)
{
	const char *who = getlogin();

	if (who == NULL || *who == '\0')
		who = getenv("USER");
	return who != NULL && *who != '\0' ? who : "portalctl";
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

bool
ctl_connect_owner(struct db *db, struct buf *dsn)
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

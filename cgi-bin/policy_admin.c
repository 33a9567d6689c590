/*
 * portalctl's policy commands (cgi-bin/policy_admin.h):
 *
 *   portalctl policy check FILE   the file checked whole, without the database
 *   portalctl policy load FILE    stored in one transaction, with its audit event
 *   portalctl policy show         the policy in force, in plain words, by clause
 *   portalctl init --policy P     the first policy, on first start only
 *
 * P names a policy file, or a preset: policies/P.policy of PORTAL_ROOT.
 */
#include "policy_admin.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "audit.h"
#include "notify.h"
#include "policy_file.h"

bool
policy_path(const char *name, char *out, size_t len)
{
	const char *root = getenv("PORTAL_ROOT");
	size_t n = strlen(name);
	size_t i;

	if (strchr(name, '/') != NULL || (n > 7 && strcmp(name + n - 7, ".policy") == 0))
		return (size_t)snprintf(out, len, "%s", name) < len;
	/* A preset's name: letters, digits, dashes and underscores only. */
	for (i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		    name[i] == '-' || name[i] == '_'))
			return false;
	return n > 0 && (size_t)snprintf(out, len, "%s/policies/%s.policy",
	    root != NULL && *root != '\0' ? root : ".", name) < len;
}

static void
print_errors(const char *path, const struct policy_errors *errs)
{
	size_t i;

	for (i = 0; i < errs->n && i < POLICY_ERRORS_MAX; i++)
		fprintf(stderr, "portalctl: %s: %s\n", path, errs->text[i]);
	if (errs->n > POLICY_ERRORS_MAX)
		fprintf(stderr, "portalctl: %s: and %zu more problems\n", path, errs->n - POLICY_ERRORS_MAX);
}

int
policy_cmd_rules(const char *arg)
{
	char path[PATH_MAX];
	struct policy_errors errs;
	struct policy pol;
	size_t i;

	if (!policy_path(arg, path, sizeof(path))) {
		fprintf(stderr, "portalctl: policy: \"%s\" is neither a preset nor a file\n", arg);
		return POLICY_EXIT_BAD;
	}
	if (!policy_parse_file(path, &pol, &errs, NULL)) {
		print_errors(path, &errs);
		return POLICY_EXIT_BAD;
	}
	/* One rule a line: id, clause or department, on or off, effect,
	 * citation, plain words (for scripts: docs/policy-trace.md). */
	for (i = 0; i < pol.n; i++) {
		const struct rule *r = &pol.rules[i];

		printf("%s\t%s\t%s\t%s\t%s\t%s\n", r->id, r->basis == BASIS_CLAUSE ? "clause" : "department",
		    r->enabled ? "on" : "off", effect_choices[r->effect].id, r->clause, r->summary);
	}
	policy_free(&pol);
	return fflush(stdout) == 0 ? 0 : POLICY_EXIT_DB;
}

int
policy_cmd_check(const char *arg)
{
	char path[PATH_MAX];
	struct policy_errors errs;
	struct policy pol;
	size_t i, department = 0, off = 0;

	if (!policy_path(arg, path, sizeof(path))) {
		fprintf(stderr, "portalctl: policy: \"%s\" is neither a preset nor a file\n", arg);
		return POLICY_EXIT_BAD;
	}
	if (!policy_parse_file(path, &pol, &errs, NULL)) {
		print_errors(path, &errs);
		return POLICY_EXIT_BAD;
	}
	for (i = 0; i < pol.n; i++) {
		department += pol.rules[i].basis == BASIS_DEPARTMENT;
		off += !pol.rules[i].enabled;
	}
	printf("%s: policy %s of %s: %zu rules (%zu department rules, %zu switched off): no problem found\n",
	    path, pol.name, pol.department, pol.n, department, off);
	policy_free(&pol);
	return 0;
}

/* Stores the file as the policy in force, with its audit event. */
static int
store(struct db *db, const char *path, const char *text, const struct policy *pol, const char *who)
{
	DB_STATEMENT(sql, "policy_admin.store", 3,
	    "INSERT INTO policy_document (name, body, sha256, loaded_by)"
	    " VALUES ($1, $2, sha256(convert_to($2, 'UTF8')), $3)"
	    " RETURNING id, encode(sha256, 'hex') AS sha256");
	const char *params[3] = { pol->name, text, who };
	char note[PATH_MAX + 600];
	PGresult *res;

	if (!db_begin(db) || (res = db_run(db, &sql, params)) == NULL) {
		db_rollback(db);
		fprintf(stderr, "portalctl: policy load: %s", db->error);
		return POLICY_EXIT_DB;
	}
	snprintf(note, sizeof(note), "Policy %s (%s) loaded from %s: %zu rules, SHA-256 %.16s..., document %s",
	    pol->name, pol->department, path, pol->n, db_value(res, 0, "sha256"), db_value(res, 0, "id"));
	if (!audit_record(db, NULL, 0, who, "policy_loaded", NULL, note) || !db_commit(db)) {
		PQclear(res);
		db_rollback(db);
		fprintf(stderr, "portalctl: policy load: %s", db->error);
		return POLICY_EXIT_DB;
	}
	printf("%s\n", note);
	PQclear(res);
	return 0;
}

int
policy_cmd_load(struct db *db, const char *arg, const char *who)
{
	char path[PATH_MAX], *text = NULL;
	struct policy_errors errs;
	struct policy pol;
	int rc;

	if (!policy_path(arg, path, sizeof(path))) {
		fprintf(stderr, "portalctl: policy: \"%s\" is neither a preset nor a file\n", arg);
		return POLICY_EXIT_BAD;
	}
	if (!policy_parse_file(path, &pol, &errs, &text)) {
		print_errors(path, &errs);
		return POLICY_EXIT_BAD;
	}
	rc = store(db, path, text, &pol, who);
	policy_free(&pol);
	free(text);
	return rc;
}

/*
 * After an upgrade that reads policy files more strictly, the stored
 * policy may no longer be readable: every page would answer 503. When the
 * file given is the same policy (its "policy:" id) and reads, it is loaded
 * again (audited like any load); otherwise the operator is told what to do.
 */
static int
reload_unreadable(struct db *db, const char *arg, const char *who)
{
	PGresult *res = db_query(db, "SELECT substring(body from '(?n)^policy:[ \t]*([^ \t\r\n]+)') AS name"
	    " FROM policy_document ORDER BY id DESC LIMIT 1", 0, NULL);
	char path[PATH_MAX], stored[64] = "";
	struct policy_errors errs;
	struct policy pol;
	bool same;

	if (res == NULL)
		return POLICY_EXIT_DB;
	snprintf(stored, sizeof(stored), "%s", db_value(res, 0, "name") ? db_value(res, 0, "name") : "");
	PQclear(res);
	same = policy_path(arg, path, sizeof(path)) && policy_parse_file(path, &pol, &errs, NULL);
	if (same) {
		same = strcmp(pol.name, stored) == 0;
		policy_free(&pol);
	}
	if (!same) {
		fprintf(stderr, "portalctl: init: the policy in force (%s) cannot be read by this version "
		    "of the portal; check its file (portalctl policy check FILE) and load it again "
		    "(portalctl policy load FILE)\n", stored[0] ? stored : "unnamed");
		return POLICY_EXIT_BAD;
	}
	printf("the policy in force (%s) could not be read by this version of the portal: "
	    "loading %s again\n", stored, path);
	return policy_cmd_load(db, arg, who);
}

int
policy_cmd_init(struct db *db, const char *arg, const char *who)
{
	PGresult *res = db_query(db, "SELECT count(*) AS n FROM policy_document", 0, NULL);
	struct policy pol;
	long long n;

	if (res == NULL) {
		fprintf(stderr, "portalctl: init: %s", db->error);
		return POLICY_EXIT_DB;
	}
	n = db_int(res, 0, "n");
	PQclear(res);
	/* On first start only: a policy loaded since is never replaced. */
	if (n == 0)
		return policy_cmd_load(db, arg, who);
	db->failed = false;
	if (policy_load(&pol, db)) {
		policy_free(&pol);
		return 0;
	}
	return db->failed ? POLICY_EXIT_DB : reload_unreadable(db, arg, who);
}

static void
show_rule(const struct rule *r)
{
	printf("%s\t%s\t%s\n", r->id, r->clause, r->summary);
}

int
policy_cmd_show(struct db *db)
{
	struct policy pol;
	size_t i, j;

	if (!policy_load(&pol, db)) {
		fprintf(stderr, "portalctl: policy show: no policy can be read (was `portalctl init --policy` run?)\n");
		return POLICY_EXIT_DB;
	}
	printf("# %s: %s (policy %s, document %lld), %zu rules\n", pol.department, pol.title, pol.name,
	    pol.document_id, pol.n);
	/* Grouped by clause, in the order the file first names each. */
	for (i = 0; i < pol.n; i++) {
		const struct rule *r = &pol.rules[i];
		bool first = true;

		if (r->basis != BASIS_CLAUSE)
			continue;
		for (j = 0; j < i && first; j++)
			first = pol.rules[j].basis != BASIS_CLAUSE || strcmp(pol.rules[j].clause, r->clause) != 0;
		if (!first)
			continue;
		printf("\n# %s\n", r->clause);
		for (j = i; j < pol.n; j++)
			if (pol.rules[j].basis == BASIS_CLAUSE && strcmp(pol.rules[j].clause, r->clause) == 0)
				show_rule(&pol.rules[j]);
	}
	printf("\n# Department rules (the department's own, not clauses of the policy)\n");
	for (i = 0; i < pol.n; i++)
		if (pol.rules[i].basis == BASIS_DEPARTMENT && pol.rules[i].enabled)
			show_rule(&pol.rules[i]);
	printf("\n# Department rules switched off\n");
	for (i = 0; i < pol.n; i++)
		if (!pol.rules[i].enabled)
			show_rule(&pol.rules[i]);
	policy_free(&pol);
	return fflush(stdout) == 0 ? 0 : POLICY_EXIT_DB;
}

/*
 * Administration of accounts (admin only): list with the duty roster,
 * create, change name, e-mail, role and attributes, put on or off duty,
 * disable or enable, reset the password, delete one nothing refers to.
 * Every change is an audit event. An account that requests, deployments,
 * notifications or audit events refer to is never deleted (the foreign
 * keys refuse it too): it is disabled instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "crypto.h"
#include "hashgate.h"
#include "handlers.h"
#include "h_admin_security.h"
#include "audit.h"
#include "notify.h"
#include "page.h"
#include "submission.h"

/* The department's bureaus and districts as choices (a select), or a text
 * box when the policy names none. */
static void
structure_into(struct ctx *c, struct view_dict *d, const char *bureau, const char *district)
{
	const struct policy *pol = app_policy(c);
	struct { const char *section, *chosen; char *const *names; size_t n; } lists[2] = {
		{ "BUREAU", bureau, pol->bureaus, pol->nbureaus },
		{ "DISTRICT", district, pol->districts, pol->ndistricts },
	};
	size_t l, i;

	for (l = 0; l < 2; l++) {
		struct view_dict *s;

		if (lists[l].n == 0) {
			view_show(d, l == 0 ? "BUREAU_TEXT" : "DISTRICT_TEXT");
			continue;
		}
		s = view_add(d, l == 0 ? "BUREAU_SELECT" : "DISTRICT_SELECT");
		for (i = 0; i < lists[l].n; i++) {
			struct view_dict *o = view_add(s, "OPTION");

			view_set_str(o, "VALUE", lists[l].names[i]);
			view_set_str(o, "LABEL", lists[l].names[i]);
			if (lists[l].chosen != NULL && strcmp(lists[l].chosen, lists[l].names[i]) == 0)
				view_show(o, "CHOSEN");
		}
	}
}

static void
choices_into(struct view_dict *d, const char *section, const struct choice *list,
    size_t n, const char *chosen)
{
	size_t i;

	for (i = 0; (n == 0 || i < n) && list[i].id != NULL; i++) {
		struct view_dict *o = view_add(d, section);

		view_set_str(o, "VALUE", list[i].id);
		view_set_str(o, "LABEL", list[i].label);
		if (chosen != NULL && strcmp(chosen, list[i].id) == 0)
			view_show(o, "CHOSEN");
	}
}

static void
list_page(struct ctx *c, int status, const char *message, char *const typed[AF__MAX])
{
	DB_STATEMENT(sql, "h_admin.list_page", 0,
	    "SELECT id, login, full_name, role, email, coalesce(agency, bureau, district, unit, '') AS attr,"
	    " on_duty, disabled, EXISTS (SELECT 1 FROM login_throttle t WHERE t.login = account.login"
	    "   AND t.blocked_until > now()) AS locked FROM account ORDER BY role, login");
	PGresult *res = db_run(&c->app->db, &sql, NULL);
	struct view_dict *d;
	int i, f;

	if (res == NULL) {
		page_error(c, 503, "The database is not answering.", NULL);
		return;
	}
	d = page_dict(c);
	for (i = 0; i < PQntuples(res); i++) {
		struct view_dict *a = view_add(d, "ACCOUNT");

		view_set_str(a, "ID", db_value(res, i, "id"));
		view_set_str(a, "LOGIN", db_value(res, i, "login"));
		view_set_str(a, "NAME", db_value(res, i, "full_name"));
		view_set_str(a, "ROLE", choice_label(role_choices, db_value(res, i, "role")));
		view_set_str(a, "ATTR", db_value(res, i, "attr"));
		view_set_str(a, "EMAIL", db_value(res, i, "email"));
		view_show(a, db_bool(res, i, "on_duty") ? "ON_DUTY" : "OFF_DUTY");
		if (db_bool(res, i, "disabled"))
			view_show(a, "DISABLED");
		if (db_bool(res, i, "locked"))
			view_show(a, "LOCKED");
	}
	PQclear(res);
	if (message != NULL)
		view_set_str(view_add(d, "MESSAGE_BOX"), "MESSAGE", message);
	for (f = 0; f < AF__MAX; f++)
		if (typed != NULL && typed[f] != NULL && f != AF_ROLE)
			view_set_str(d, account_fields[f].name, typed[f]);
	choices_into(d, "ROLE_OPTION", role_choices, ROLE__MAX, typed ? typed[AF_ROLE] : NULL);
	choices_into(d, "TYPE_OPTION", agency_type_choices, 0, typed ? typed[AF_AGENCY_TYPE] : NULL);
	choices_into(d, "UNIT_OPTION", special_unit_choices, 0, typed ? typed[AF_UNIT] : NULL);
	structure_into(c, d, typed ? typed[AF_BUREAU] : NULL, typed ? typed[AF_DISTRICT] : NULL);
	page_send(c, status, "Accounts", "admin_accounts.tpl", d);
}

void
h_admin_accounts(struct ctx *c)
{
	list_page(c, 200, NULL, NULL);
}

/* An administrative audit event (no request). */
static bool
admin_audit(struct ctx *c, const char *action, const char *note)
{
	return audit_record(&c->app->db, NULL, c->me.id, c->me.login, action, NULL, note);
}

/* A field read by hand (not through the field table) may be sent once:
 * two `op` or two `password` fields are not a form of ours. */
static bool
sent_twice(struct ctx *c)
{
	const struct form *form = &c->http->body_form;

	return form_count(form, "op") > 1 || form_count(form, "password") > 1;
}

/* Opens the change's transaction and claims the form's submission key:
 * false when answered already (sent before: the first answer again). */
static bool
claim_form(struct ctx *c)
{
	enum submission_claim claim;

	if (!db_begin(&c->app->db)) {
		page_error(c, 503, "The database is not answering. Nothing was changed.", NULL);
		return false;
	}
	if ((claim = submission_claim(c)) == SUBMISSION_NEW)
		return true;
	db_rollback(&c->app->db);
	if (claim == SUBMISSION_SEEN)
		submission_replay(c);
	else if (claim == SUBMISSION_DB_ERROR)
		page_error(c, 503, "The database is not answering. Nothing was changed.", NULL);
	return false;
}

void
h_admin_account_create(struct ctx *c)
{
	char *values[AF__MAX];
	const char *errors[AF__MAX], *problem = NULL;
	const char *password = form_get(&c->http->body_form, "password");
	char msg[300];
	int f;

	if (sent_twice(c)) {
		page_error(c, 422, "A field was sent twice. Nothing was changed.", NULL);
		return;
	}
	if (fields_check(account_fields, AF__MAX, &c->http->body_form, values, errors) > 0) {
		for (f = 0; f < AF__MAX && problem == NULL; f++)
			if (errors[f] != NULL) {
				snprintf(msg, sizeof(msg), "%s %s", account_fields[f].label, errors[f]);
				problem = msg;
			}
	} else if ((problem = account_check(values, errors)) == NULL &&
	    (problem = account_check_structure(app_policy(c), values, errors)) == NULL &&
	    (problem = password_rules(&c->app->db, password, values[AF_LOGIN], values[AF_NAME], app_policy(c)->department)) == NULL) {
		/* The same form sent again creates nothing (submission.h). */
		if (!claim_form(c)) {
			fields_free(values, AF__MAX);
			return;
		}
		/* A password hash takes a place at the hash gate, as a sign-in does. */
		if (!hashgate_enter(1000))
			problem = "the portal is busy checking sign-ins; please try again in a moment";
		else {
			problem = account_create(&c->app->db, values, password, NULL);
			hashgate_leave();
		}
		if (problem == NULL) {
			snprintf(msg, sizeof(msg), "Created account %s (%s)", values[AF_LOGIN], values[AF_ROLE]);
			if (!admin_audit(c, "account_created", msg) ||
			    !submission_done(c, "/admin/accounts") || !db_commit(&c->app->db)) {
				db_rollback(&c->app->db);
				problem = "the database refused the account";
			}
		} else
			db_rollback(&c->app->db);
	}
	if (problem != NULL) {
		list_page(c, 422, problem, values);
		fields_free(values, AF__MAX);
		return;
	}
	fields_free(values, AF__MAX);
	http_redirect(c->http, 303, "/admin/accounts");
}

static PGresult *
fetch_account(struct ctx *c, const char *id)
{
	DB_STATEMENT(sql, "h_admin.fetch_account", 1,
	    "SELECT a.*, (SELECT count(*) FROM request WHERE filed_by = a.id) AS requests"
	    " FROM account a WHERE a.id = $1");
	PGresult *res = db_run(&c->app->db, &sql, &id);

	if (res == NULL)
		page_error(c, 503, "The database is not answering.", NULL);
	else if (PQntuples(res) != 1) {
		PQclear(res);
		res = NULL;
		page_error(c, 404, "There is no such account.", NULL);
	}
	return res;
}

/* The sign-in pauses of the login (per source address, and '*' for all
 * addresses), so that an administrator sees them and can clear them. */
static void
throttle_rows(struct ctx *c, struct view_dict *d, const char *login)
{
	DB_STATEMENT(sql, "h_admin.throttle_rows", 1,
	    "SELECT CASE addr WHEN '*' THEN 'every address' ELSE addr END AS addr, failures,"
	    " to_char(blocked_until, 'YYYY-MM-DD HH24:MI:SS') AS until,"
	    " to_char(last_failure_at, 'YYYY-MM-DD HH24:MI:SS') AS last_failure"
	    " FROM login_throttle WHERE login = $1 AND failures > 0 ORDER BY last_failure_at DESC LIMIT 50");
	PGresult *res = db_run(&c->app->db, &sql, &login);
	int i;

	if (res == NULL)
		return;
	for (i = 0; i < PQntuples(res); i++) {
		struct view_dict *t = view_add(d, "THROTTLE");

		view_set_str(t, "ADDR", db_value(res, i, "addr"));
		view_set_str(t, "FAILURES", db_value(res, i, "failures"));
		view_set_str(t, "LAST_FAILURE", db_value(res, i, "last_failure"));
		view_set_str(t, "UNTIL", db_value(res, i, "until") ? db_value(res, i, "until") : "not paused");
	}
	if (PQntuples(res) > 0)
		view_show(d, "HAS_THROTTLE");
	PQclear(res);
}

static void
edit_page(struct ctx *c, int status, const PGresult *acc, const char *message)
{
	struct view_dict *d = page_dict(c);
	int f;

	view_set_str(d, "ID", db_value(acc, 0, "id"));
	view_set_str(d, "LOGIN", db_value(acc, 0, "login"));
	view_set_str(d, "name", db_value(acc, 0, "full_name"));
	for (f = AF_EMAIL; f < AF__MAX; f++)
		if (f != AF_AGENCY_TYPE && f != AF_UNIT)
			view_set_str(d, account_fields[f].name, db_value(acc, 0, account_fields[f].name));
	choices_into(d, "ROLE_OPTION", role_choices, ROLE__MAX, db_value(acc, 0, "role"));
	choices_into(d, "TYPE_OPTION", agency_type_choices, 0, db_value(acc, 0, "agency_type"));
	choices_into(d, "UNIT_OPTION", special_unit_choices, 0, db_value(acc, 0, "unit"));
	structure_into(c, d, db_value(acc, 0, "bureau"), db_value(acc, 0, "district"));
	view_show(d, db_bool(acc, 0, "on_duty") ? "ON_DUTY" : "OFF_DUTY");
	view_show(d, db_bool(acc, 0, "disabled") ? "DISABLED" : "ENABLED");
	view_show(d, db_value(acc, 0, "totp_secret") != NULL ? "HAS_TOTP" : "NO_TOTP");
	view_set_str(d, "REQUESTS", db_value(acc, 0, "requests"));
	throttle_rows(c, d, db_value(acc, 0, "login"));
	if (message != NULL)
		view_set_str(view_add(d, "MESSAGE_BOX"), "MESSAGE", message);
	page_send(c, status, "Account", "admin_account.tpl", d);
}

void
h_admin_account(struct ctx *c)
{
	char id[24];
	PGresult *acc;

	snprintf(id, sizeof(id), "%lld", c->params.id);
	if ((acc = fetch_account(c, id)) == NULL)
		return;
	edit_page(c, 200, acc, NULL);
	PQclear(acc);
}

static const char refused[] = "the database refused the change";
/* Clearing the sign-in pauses of a login, from every address. */
DB_STATEMENT(unlock_sql, "h_admin.unlock_sql", 1,
    "DELETE FROM login_throttle WHERE login = (SELECT login FROM account WHERE id = $1)");
DB_STATEMENT(sessions_sql, "h_admin.sessions_sql", 1, "DELETE FROM session WHERE account_id = $1");

/*
 * One operation on an account: `id` and `login` name it; `note` receives
 * the words recorded in the audit trail (or the problem). NULL on success,
 * or the problem in words.
 */
typedef const char *account_op(struct ctx *, const char *op, const char *id, const char *login,
    char *note, size_t notelen);

static const char *
op_save(struct ctx *c, const char *op, const char *id, const char *login, char *note, size_t notelen)
{
	DB_STATEMENT(sql, "h_admin.op_save", 9,
	    "UPDATE account SET full_name = $2, email = $3, role = $4, agency = $5, agency_type = $6,"
	    " bureau = $7, district = $8, unit = $9 WHERE id = $1");
	char *values[AF__MAX];
	const char *errors[AF__MAX], *problem = NULL, *params[9];
	int f;

	if (fields_check(account_fields + AF_ROLE, AF__MAX - AF_ROLE, &c->http->body_form,
	    values + AF_ROLE, errors + AF_ROLE) > 0) {
		for (f = AF_ROLE; f < AF__MAX && problem == NULL; f++)
			if (errors[f] != NULL) {
				snprintf(note, notelen, "%s %s", account_fields[f].label, errors[f]);
				problem = note;
			}
		fields_free(values + AF_ROLE, AF__MAX - AF_ROLE);
		return problem;
	}
	values[AF_LOGIN] = NULL;
	if ((problem = account_check(values, errors)) != NULL ||
	    (problem = account_check_structure(app_policy(c), values, errors)) != NULL) {
		snprintf(note, notelen, "%s", problem);
		fields_free(values + AF_ROLE, AF__MAX - AF_ROLE);
		return note;
	}
	params[0] = id;
	params[1] = values[AF_NAME];
	params[2] = values[AF_EMAIL];
	params[3] = values[AF_ROLE];
	params[4] = values[AF_AGENCY];
	params[5] = values[AF_AGENCY_TYPE];
	params[6] = values[AF_BUREAU];
	params[7] = values[AF_DISTRICT];
	params[8] = values[AF_UNIT];
	snprintf(note, notelen, "Account %s: role %s, name, e-mail and attributes saved", login, values[AF_ROLE]);
	problem = db_run_ok(&c->app->db, &sql, params) ? NULL : refused;
	fields_free(values + AF_ROLE, AF__MAX - AF_ROLE);
	return problem;
}

/* duty_on, duty_off, disable, enable. */
static const char *
op_flag(struct ctx *c, const char *op, const char *id, const char *login, char *note, size_t notelen)
{
	DB_STATEMENT(sql, "h_admin.op_flag", 2,
	    "UPDATE account SET on_duty = CASE $2 WHEN 'duty_on' THEN true WHEN 'duty_off' THEN false ELSE on_duty END,"
	    " disabled = CASE $2 WHEN 'disable' THEN true WHEN 'enable' THEN false ELSE disabled END"
	    " WHERE id = $1");
	struct db *db = &c->app->db;
	const char *params[2] = { id, op };

	snprintf(note, notelen, "Account %s: %s", login,
	    strcmp(op, "duty_on") == 0 ? "on duty" : strcmp(op, "duty_off") == 0 ? "off duty" :
	    strcmp(op, "disable") == 0 ? "disabled (sessions ended)" : "enabled (lock cleared)");
	if (!db_run_ok(db, &sql, params) || (strcmp(op, "enable") == 0 && !db_run_ok(db, &unlock_sql, params)))
		return refused;
	/* A disabled account is signed out everywhere at once. */
	if (strcmp(op, "disable") == 0 && !db_run_ok(db, &sessions_sql, params))
		return refused;
	return NULL;
}

static const char *
op_password(struct ctx *c, const char *op, const char *id, const char *login, char *note, size_t notelen)
{
	DB_STATEMENT(sql, "h_admin.op_password", 2, "UPDATE account SET password_hash = $2, password_must_change = true WHERE id = $1");
	const char *password = form_get(&c->http->body_form, "password");
	const char *problem = password_rules(&c->app->db, password, login, NULL, app_policy(c)->department), *params[2];
	struct db *db = &c->app->db;
	char hash[256];
	bool ok;

	if (problem != NULL) {
		snprintf(note, notelen, "Password: %s", problem);
		return note;
	}
	if (!hashgate_enter(1000))
		return "the portal is busy checking sign-ins; please try again in a moment";
	ok = password_hash(password, hash, sizeof(hash));
	hashgate_leave();
	if (!ok)
		return "the password could not be hashed";
	params[0] = id;
	params[1] = hash;
	snprintf(note, notelen, "Account %s: password reset by an administrator (sessions ended)", login);
	return db_run_ok(db, &sql, params) && db_run_ok(db, &sessions_sql, params) &&
	    db_run_ok(db, &unlock_sql, params) ? NULL : refused;
}

static const char *
op_unlock(struct ctx *c, const char *op, const char *id, const char *login, char *note, size_t notelen)
{
	const char *params[1] = { id };

	snprintf(note, notelen, "Account %s: sign-in pauses cleared", login);
	return db_run_ok(&c->app->db, &unlock_sql, params) ? NULL : refused;
}

static const char *
op_delete(struct ctx *c, const char *op, const char *id, const char *login, char *note, size_t notelen)
{
	DB_STATEMENT(sql, "h_admin.op_delete", 1, "DELETE FROM account WHERE id = $1");
	struct db *db = &c->app->db;
	const char *params[1] = { id };

	snprintf(note, notelen, "Account %s deleted", login);
	if (db_run_ok(db, &sessions_sql, params) && db_run_ok(db, &unlock_sql, params) &&
	    db_run_ok(db, &sql, params))
		return NULL;
	/* 23503: foreign_key_violation. */
	return strcmp(db_sqlstate(db), "23503") == 0
	    ? "Requests, deployments, notifications or audit events refer to this account: "
	      "it cannot be deleted. Disable it instead."
	    : refused;
}

static const struct {
	const char *op;
	account_op *apply;
} account_ops[] = {
	{ "save", op_save },
	{ "duty_on", op_flag }, { "duty_off", op_flag },
	{ "disable", op_flag }, { "enable", op_flag },
	{ "password", op_password },
	{ "unlock", op_unlock },
	{ "delete", op_delete },
	{ "totp_reset", admin_op_totp_reset },
	{ "end_sessions", admin_op_end_sessions },
};

/* The change of one operation; NULL on success or the problem in words. */
static const char *
apply_op(struct ctx *c, const char *op, const char *id, const char *login, char *note, size_t notelen)
{
	size_t i;

	for (i = 0; i < sizeof(account_ops) / sizeof(account_ops[0]); i++)
		if (strcmp(op, account_ops[i].op) == 0)
			return account_ops[i].apply(c, op, id, login, note, notelen);
	return "unknown operation";
}

void
h_admin_account_update(struct ctx *c)
{
	const char *op = form_get(&c->http->body_form, "op");
	char id[24], note[400];
	const char *problem;
	PGresult *acc;

	if (sent_twice(c)) {
		page_error(c, 422, "A field was sent twice. Nothing was changed.", NULL);
		return;
	}
	/* The same form sent again (even a deletion) is answered as before. */
	if (!claim_form(c))
		return;
	snprintf(id, sizeof(id), "%lld", c->params.id);
	if ((acc = fetch_account(c, id)) == NULL) {
		db_rollback(&c->app->db);
		return;
	}
	if (op == NULL) {
		PQclear(acc);
		db_rollback(&c->app->db);
		page_error(c, 422, "Say what to change (op).", NULL);
		return;
	}
	if (c->params.id == c->me.id && (strcmp(op, "disable") == 0 || strcmp(op, "delete") == 0)) {
		db_rollback(&c->app->db);
		edit_page(c, 409, acc, "You cannot disable or delete your own account.");
		PQclear(acc);
		return;
	}
	problem = apply_op(c, op, id, db_value(acc, 0, "login"), note, sizeof(note));
	if (problem == NULL && (!admin_audit(c, strcmp(op, "delete") == 0 ? "account_deleted"
	    : "account_changed", note) || !submission_done(c, "/admin/accounts") ||
	    !db_commit(&c->app->db)))
		problem = "the database refused the change";
	if (problem != NULL) {
		db_rollback(&c->app->db);
		edit_page(c, strstr(problem, "refer to this account") ? 409 : 422, acc, problem);
		PQclear(acc);
		return;
	}
	PQclear(acc);
	http_redirect(c->http, 303, "/admin/accounts");
}

#include "submission.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "page.h"

/* A form may stay open this long (a filing typed over a long shift). */
#define SUBMISSION_LIFETIME (2L * 24 * 3600)

/* The key that makes and checks one account's submission keys: a key
 * issued to one account is no key at all for another (its MAC does not
 * match), so nobody can claim, or block, another account's filing. */
static bool
account_key(struct ctx *c, unsigned char out[FORM_KEY_BYTES])
{
	char context[48];

	if (!c->app->settings.has_form_key)
		return false;
	snprintf(context, sizeof(context), "submission:%lld", c->me.id);
	form_key_derive(c->app->settings.form_key, context, out);
	return true;
}

bool
submission_new_key(struct ctx *c, char out[64])
{
	unsigned char k[FORM_KEY_BYTES];

	return account_key(c, k) && form_token_issue(k, time(NULL), SUBMISSION_LIFETIME, out);
}

static const char *
form_key(struct ctx *c)
{
	const struct form *f = &c->http->body_form;

	return form_count(f, "submission") == 1 ? form_get(f, "submission") : NULL;
}

static bool
key_shape_ok(const char *k)
{
	size_t i, n = strlen(k);

	if (n < 16 || n > 80)
		return false;
	for (i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= 'A' && k[i] <= 'Z') ||
		    (k[i] >= '0' && k[i] <= '9') || k[i] == '-' || k[i] == '_' || k[i] == '.'))
			return false;
	return true;
}

/* A key already taken by a transaction still open makes this insert wait
 * for it: two copies sent at once, the second is the replay. */
DB_STATEMENT(claim_sql, "submission.submission_claim", 3,
    "INSERT INTO submission (account_id, key, path) VALUES ($1, $2, $3)"
    " ON CONFLICT (account_id, key, path) DO NOTHING RETURNING 1");

enum submission_claim
submission_claim_add(struct ctx *c, struct submission_batch *b)
{
	const char *key = form_key(c);
	unsigned char k[FORM_KEY_BYTES];

	memset(&b->item, 0, sizeof(b->item));
	if (form_count(&c->http->body_form, "submission") == 0)
		return SUBMISSION_NEW;
	if (key == NULL || !key_shape_ok(key)) {
		page_error(c, 422, "The form's submission key is not one this portal made. Nothing was "
		    "changed: reload the page and send the form again.", NULL);
		return SUBMISSION_BAD;
	}
	if (!account_key(c, k) || !form_token_valid(k, time(NULL), key)) {
		page_error(c, 422, "The form's submission key was not made for this account, or the "
		    "form is too old. Nothing was changed: reload the page and send the form again.", NULL);
		return SUBMISSION_BAD;
	}
	snprintf(b->me, sizeof(b->me), "%lld", c->me.id);
	b->params[0] = b->me;
	b->params[1] = key;
	b->params[2] = c->http->path;
	b->item.st = &claim_sql;
	b->item.values = b->params;
	return SUBMISSION_NEW;
}

enum submission_claim
submission_claim_result(const struct submission_batch *b)
{
	if (b->item.st == NULL)
		return SUBMISSION_NEW;
	if (b->item.res == NULL)
		return SUBMISSION_DB_ERROR;
	return PQntuples(b->item.res) == 1 ? SUBMISSION_NEW : SUBMISSION_SEEN;
}

enum submission_claim
submission_claim(struct ctx *c)
{
	struct submission_batch b;
	enum submission_claim claim;

	if ((claim = submission_claim_add(c, &b)) != SUBMISSION_NEW || b.item.st == NULL)
		return claim;
	b.item.res = db_run(&c->app->db, b.item.st, b.item.values);
	claim = submission_claim_result(&b);
	PQclear(b.item.res);
	return claim;
}

bool
submission_done(struct ctx *c, const char *location)
{
	DB_STATEMENT(sql, "submission.submission_done", 4,
	    "UPDATE submission SET location = $4 WHERE account_id = $1 AND key = $2 AND path = $3");
	const char *key = form_key(c);
	char me[24];
	const char *params[4];

	if (key == NULL)
		return true;
	snprintf(me, sizeof(me), "%lld", c->me.id);
	params[0] = me;
	params[1] = key;
	params[2] = c->http->path;
	params[3] = location;
	return db_run_ok(&c->app->db, &sql, params);
}

void
submission_replay(struct ctx *c)
{
	DB_STATEMENT(sql, "submission.submission_replay", 3,
	    "SELECT location FROM submission WHERE account_id = $1 AND key = $2 AND path = $3");
	const char *key = form_key(c), *loc;
	char me[24], to[400];
	const char *params[3];
	PGresult *res;
	size_t cut;

	snprintf(me, sizeof(me), "%lld", c->me.id);
	params[0] = me;
	params[1] = key;
	params[2] = c->http->path;
	if ((res = db_run(&c->app->db, &sql, params)) == NULL || PQntuples(res) != 1 ||
	    (loc = db_value(res, 0, "location")) == NULL || loc[0] != '/') {
		PQclear(res);
		page_error(c, 409, "This form was sent before and is being handled. Nothing new was "
		    "stored.", NULL);
		return;
	}
	/* The same place as the first time, marked as a repeat ("?again=1"
	 * before any "#..."), so the page can say nothing new was stored. */
	cut = strcspn(loc, "#?");
	snprintf(to, sizeof(to), "%.*s?again=1%s", (int)cut, loc, loc[cut] == '#' ? loc + cut : "");
	PQclear(res);
	http_redirect(c->http, 303, to);
}

#include "page.h"

#include "crypto.h"

#include <stdio.h>
#include <string.h>

#include "handlers.h"
#include "log.h"
#include "routes.h"
#include "submission.h"

/* The navigation: each link is shown to the roles its GET route admits
 * (routes.c), so a link never leads to a refusal; a filing route only to
 * those who may file some kind (no "New request" leading to an empty menu). */
static const struct nav_item {
	const char *href;
	const char *label;
} nav_items[] = {
	{ "/", "Home" },
	{ "/requests/new", "New request" },
	{ "/inbox", "Inbox" },
	{ "/deployments", "Deployments" },
	{ "/history", "History" },
	{ "/dashboard", "Dashboard" },
	{ "/policy", "Policy" },
	{ "/admin/accounts", "Accounts" },
};

struct view_dict *
page_dict(struct ctx *c)
{
	struct view_dict *d = view_dict_new();

	if (d == NULL)
		return NULL;
	/* A session's token masked afresh in each page (crypto.h); the sign-in
	 * form's token is new in each page already. */
	if (c->csrf != NULL) {
		char masked[CSRF_MASKED_CHARS + 1];

		view_set_str(d, "CSRF", c->signed_in && csrf_mask(c->csrf, masked) ? masked : c->csrf);
	}
	/* A new one-time key for the page's forms (submission.h): the same
	 * form sent twice is stored once. */
	if (c->signed_in) {
		char key[64];
		const char *again = form_get(&c->http->query_form, "again");

		if (submission_new_key(c, key))
			view_set_str(d, "SUBMISSION", key);
		/* Where a repeated form was sent back to (submission_replay). */
		if (again != NULL && strcmp(again, "1") == 0)
			view_show(d, "AGAIN");
	}
	if (!c->signed_in)
		view_show(d, "SIGNED_OUT");
	else {
		view_show(d, "SIGNED_IN");
		view_set_str(d, "ME_LOGIN", c->me.login);
		view_set_str(d, "ME_NAME", c->me.full_name);
		view_set_str(d, "ME_ROLE", role_choices[c->me.role].label);
		if (c->me.agency != NULL)
			view_set_str(d, "ME_AGENCY", c->me.agency);
	}
	return d;
}

static bool
may_file_some(struct ctx *c)
{
	const struct rule *why;
	int k;

	for (k = 0; k < KIND__MAX; k++)
		if (may_file(c, (enum request_kind)k, &why))
			return true;
	return false;
}

static void
layout_nav(struct ctx *c, struct view_dict *layout)
{
	size_t i;
	const char *path = c->http->path;

	if (!c->signed_in)
		return;
	for (i = 0; i < sizeof(nav_items) / sizeof(nav_items[0]); i++) {
		const struct route *r = route_for_get(nav_items[i].href);
		struct view_dict *item;

		if (r == NULL || !route_admits(r, c->me.role) ||
		    ((r->flags & ROUTE_FILING) != 0 && !may_file_some(c)))
			continue;
		if ((item = view_add(layout, "NAV")) == NULL)
			continue;
		view_set_str(item, "HREF", nav_items[i].href);
		view_set_str(item, "LABEL", nav_items[i].label);
		if (strcmp(path, nav_items[i].href) == 0)
			view_show(item, "CURRENT");
		if (strcmp(nav_items[i].href, "/inbox") == 0 && c->unread > 0) {
			struct view_dict *count = view_add(item, "COUNT");

			view_set_int(count, "UNREAD", c->unread);
		}
	}
}

void
page_send(struct ctx *c, int status, const char *title, const char *tpl, struct view_dict *d)
{
	struct view_dict *layout = NULL;
	struct buf body, page;
	const struct policy *pol;

	buf_init(&body);
	buf_init(&page);
	if (d == NULL || !view_expand(c->app->views, tpl, d, &body) ||
	    (layout = page_dict(c)) == NULL) {
		log_warn("template %s did not expand", tpl);
		view_dict_free(d);
		buf_free(&body);
		http_send(c->http, 500, "text/plain; charset=utf-8",
		    "The page could not be shown.\n", 29);
		return;
	}
	view_dict_free(d);
	pol = c->app->policy_loaded ? &c->app->policy : NULL;
	view_set_str(layout, "DEPARTMENT", pol ? pol->department : "Mutual Aid Portal");
	if (pol != NULL && pol->title[0] != '\0')
		view_set_str(view_add(layout, "POLICY_TITLE"), "POLICY_TITLE_TEXT", pol->title);
	view_set_str(layout, "TITLE", title);
	view_set_str(layout, "BODY", buf_cstr(&body));
	layout_nav(c, layout);
	if (!view_expand(c->app->views, "layout.tpl", layout, &page) || buf_failed(&page)) {
		view_dict_free(layout);
		buf_free(&body);
		buf_free(&page);
		http_send(c->http, 500, "text/plain; charset=utf-8",
		    "The page could not be shown.\n", 29);
		return;
	}
	view_dict_free(layout);
	http_send(c->http, status, "text/html; charset=utf-8", page.data, page.len);
	buf_free(&body);
	buf_free(&page);
}

static const char *
error_title(int status)
{
	switch (status) {
	case 400: return "The request could not be read";
	case 401: return "Please sign in";
	case 403: return "Not allowed";
	case 404: return "Not found";
	case 405: return "Method not allowed";
	case 409: return "Not possible now";
	case 413: return "Too large";
	case 415: return "Unsupported form encoding";
	case 422: return "Please correct the form";
	case 503: return "Temporarily unavailable";
	default:  return "Something went wrong";
	}
}

void
json_send(struct ctx *c, int status, struct buf *b)
{
	if (buf_failed(b)) {
		static const char oom[] = "{\"error\": \"out of memory\"}\n";

		http_send(c->http, 500, "application/json", oom, sizeof(oom) - 1);
		return;
	}
	buf_putc(b, '\n');
	http_send(c->http, status, "application/json", b->data, b->len);
}

/*
 * When a COMMIT was sent and its answer lost, nobody knows whether the
 * change was stored: the page says so, whatever the handler meant to say,
 * and that sending the same form again is safe (its submission key makes
 * a second one store nothing new).
 */
static const char *
honest_message(struct ctx *c, int status, const char *message, char *buf, size_t len)
{
	const char *key = c->http->method == METHOD_POST ?
	    form_get(&c->http->body_form, "submission") : NULL;

	if (status < 500 || !db_outcome_unknown(&c->app->db))
		return message;
	if (key != NULL && *key != '\0' && strlen(key) <= 80)
		snprintf(buf, len, "The connection to the database broke just as your change was being "
		    "saved, so whether it was stored is not known. Sending the same form again is safe: "
		    "its submission key (%s) makes sure it is stored only once. Or check first, on the "
		    "request's page or the start page.", key);
	else
		snprintf(buf, len, "The connection to the database broke just as your change was being "
		    "saved, so whether it was stored is not known. Check on the request's page or the "
		    "start page before sending it again.");
	return buf;
}

void
page_error(struct ctx *c, int status, const char *message, const char *clause)
{
	struct view_dict *d;
	char honest[600];

	message = honest_message(c, status, message, honest, sizeof(honest));
	if (c->json) {
		struct buf b;

		buf_init(&b);
		buf_puts(&b, "{\"error\": ");
		buf_json_str(&b, message);
		buf_puts(&b, ", \"status\": ");
		buf_printf(&b, "%d", status);
		if (clause != NULL) {
			buf_puts(&b, ", \"clause\": ");
			buf_json_str(&b, clause);
		}
		buf_putc(&b, '}');
		json_send(c, status, &b);
		buf_free(&b);
		return;
	}
	d = page_dict(c);
	view_set_int(d, "STATUS", status);
	view_set_str(d, "HEADING", error_title(status));
	view_set_str(d, "MESSAGE", message);
	if (clause != NULL) {
		struct view_dict *cl = view_add(d, "CLAUSE");

		view_set_str(cl, "CLAUSE_TEXT", clause);
	}
	page_send(c, status, error_title(status), "error.tpl", d);
}

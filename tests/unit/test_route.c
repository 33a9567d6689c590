/* Unit tests of route.c: the route table. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "route.h"
#include "routes.h"

static void h_home(struct ctx *c) { (void)c; }
static void h_login(struct ctx *c) { (void)c; }
static void h_login_post(struct ctx *c) { (void)c; }
static void h_request(struct ctx *c) { (void)c; }
static void h_request_json(struct ctx *c) { (void)c; }
static void h_action(struct ctx *c) { (void)c; }
static void h_new(struct ctx *c) { (void)c; }
static void h_file(struct ctx *c) { (void)c; }
static void h_logout(struct ctx *c) { (void)c; }

static const struct route table[] = {
	{ METHOD_GET,  "/", h_home, 0, ROLES_ALL },
	{ METHOD_GET,  "/login", h_login, ROUTE_PUBLIC, ROLES_ALL },
	{ METHOD_POST, "/login", h_login_post, ROUTE_PUBLIC | ROUTE_NOCSRF, ROLES_ALL },
	{ METHOD_GET,  "/requests/new", h_new, 0, ROLES_ALL },
	{ METHOD_POST, "/requests", h_file, 0, ROLES_ALL },
	{ METHOD_GET,  "/requests/{id}", h_request, 0, ROLES_ALL },
	{ METHOD_GET,  "/api/requests/{id}.json", h_request_json, ROUTE_JSON, ROLES_ALL },
	{ METHOD_POST, "/requests/{id}/{word}", h_action, 0, ROLES_ALL },
	{ METHOD_POST, "/logout", h_logout, 0, ROLES_ALL },
};
#define NROUTES (sizeof(table) / sizeof(table[0]))

struct result {
	enum route_result r;
	const struct route *found;
	struct route_params params;
	char allow[64];
};

static struct result
find(enum http_method m, const char *path)
{
	struct result res;

	memset(&res, 0, sizeof(res));
	res.params.id = -7;
	strcpy(res.params.word, "unset");
	strcpy(res.allow, "garbage");
	res.found = (const struct route *)&res;	/* must be overwritten */
	res.r = route_find(table, NROUTES, m, path, &res.found, &res.params,
	    res.allow, sizeof(res.allow));
	return res;
}

static void
expect_found(enum http_method m, const char *path, route_handler h)
{
	struct result res = find(m, path);

	if (res.r != ROUTE_FOUND)
		print_error("%s: result %d\n", path, (int)res.r);
	assert_int_equal(res.r, ROUTE_FOUND);
	assert_non_null(res.found);
	assert_true(res.found->handler == h);
}

static void
expect_not_found(enum http_method m, const char *path)
{
	struct result res = find(m, path);

	if (res.r != ROUTE_NOT_FOUND)
		print_error("%s: result %d, want not found\n", path, (int)res.r);
	assert_int_equal(res.r, ROUTE_NOT_FOUND);
	assert_null(res.found);
	assert_string_equal(res.allow, "");
}

static void
test_literal(void **state)
{
	(void)state;
	expect_found(METHOD_GET, "/", h_home);
	expect_found(METHOD_GET, "/login", h_login);
	expect_found(METHOD_POST, "/login", h_login_post);
	expect_found(METHOD_GET, "/requests/new", h_new);
	expect_found(METHOD_POST, "/requests", h_file);
	expect_found(METHOD_POST, "/logout", h_logout);
	assert_int_equal(find(METHOD_POST, "/login").found->flags,
	    ROUTE_PUBLIC | ROUTE_NOCSRF);
}

static void
test_not_found(void **state)
{
	(void)state;
	expect_not_found(METHOD_GET, "/nope");
	expect_not_found(METHOD_GET, "/logi");
	expect_not_found(METHOD_GET, "/login2");
	expect_not_found(METHOD_GET, "/Login");
	expect_not_found(METHOD_GET, "/requests/new/x");
	expect_not_found(METHOD_GET, "");
	expect_not_found(METHOD_GET, "login");
	expect_not_found(METHOD_GET, "//");
	expect_not_found(METHOD_POST, "/requests/5/approve/now");
}

static void
test_trailing_slash(void **state)
{
	(void)state;
	expect_not_found(METHOD_GET, "/login/");
	expect_not_found(METHOD_GET, "/requests/new/");
	expect_not_found(METHOD_GET, "/requests/12/");
	expect_not_found(METHOD_GET, "/requests//12");
}

static void
test_id(void **state)
{
	struct result res;

	(void)state;
	res = find(METHOD_GET, "/requests/42");
	assert_int_equal(res.r, ROUTE_FOUND);
	assert_true(res.found->handler == h_request);
	assert_int_equal(res.params.id, 42);

	res = find(METHOD_GET, "/requests/0");
	assert_int_equal(res.r, ROUTE_FOUND);
	assert_int_equal(res.params.id, 0);

	/* 18 digits is the most. */
	res = find(METHOD_GET, "/requests/999999999999999999");
	assert_int_equal(res.r, ROUTE_FOUND);
	assert_int_equal(res.params.id, 999999999999999999LL);
	expect_not_found(METHOD_GET, "/requests/1000000000000000000");	/* 19 */
	expect_not_found(METHOD_GET, "/requests/99999999999999999999999999");

	expect_not_found(METHOD_GET, "/requests/abc");
	expect_not_found(METHOD_GET, "/requests/12a");
	expect_not_found(METHOD_GET, "/requests/a12");
	expect_not_found(METHOD_GET, "/requests/-1");
	expect_not_found(METHOD_GET, "/requests/+1");
	expect_not_found(METHOD_GET, "/requests/1.5");
	expect_not_found(METHOD_GET, "/requests/ 1");
	expect_not_found(METHOD_GET, "/requests/");
	/* "new" is the literal route, not an id. */
	expect_found(METHOD_GET, "/requests/new", h_new);
}

static void
test_id_suffix(void **state)
{
	struct result res;

	(void)state;
	res = find(METHOD_GET, "/api/requests/17.json");
	assert_int_equal(res.r, ROUTE_FOUND);
	assert_true(res.found->handler == h_request_json);
	assert_int_equal(res.params.id, 17);
	assert_true(res.found->flags & ROUTE_JSON);

	expect_not_found(METHOD_GET, "/api/requests/17");
	expect_not_found(METHOD_GET, "/api/requests/17.jso");
	expect_not_found(METHOD_GET, "/api/requests/17.jsonx");
	expect_not_found(METHOD_GET, "/api/requests/17.JSON");
	expect_not_found(METHOD_GET, "/api/requests/.json");
	expect_not_found(METHOD_GET, "/api/requests/x.json");
	expect_not_found(METHOD_GET, "/api/requests/1x.json");
	expect_not_found(METHOD_GET, "/api/requests/17.json/");
	expect_not_found(METHOD_GET, "/api/requests/1000000000000000000.json");
}

static void
test_word(void **state)
{
	struct result res;

	(void)state;
	res = find(METHOD_POST, "/requests/9/approve");
	assert_int_equal(res.r, ROUTE_FOUND);
	assert_true(res.found->handler == h_action);
	assert_int_equal(res.params.id, 9);
	assert_string_equal(res.params.word, "approve");

	res = find(METHOD_POST, "/requests/9/provisionally_authorize");
	assert_int_equal(res.r, ROUTE_FOUND);
	assert_string_equal(res.params.word, "provisionally_authorize");

	/* 31 letters is the most. */
	res = find(METHOD_POST, "/requests/9/abcdefghijklmnopqrstuvwxyzabcde");
	assert_int_equal(res.r, ROUTE_FOUND);
	assert_string_equal(res.params.word, "abcdefghijklmnopqrstuvwxyzabcde");
	expect_not_found(METHOD_POST, "/requests/9/abcdefghijklmnopqrstuvwxyzabcdef");

	expect_not_found(METHOD_POST, "/requests/9/Approve");
	expect_not_found(METHOD_POST, "/requests/9/approve2");
	expect_not_found(METHOD_POST, "/requests/9/app-rove");
	expect_not_found(METHOD_POST, "/requests/9/app.rove");
	expect_not_found(METHOD_POST, "/requests/9/");
	expect_not_found(METHOD_POST, "/requests/x/approve");
}

static void
test_head_served_by_get(void **state)
{
	(void)state;
	expect_found(METHOD_HEAD, "/", h_home);
	expect_found(METHOD_HEAD, "/login", h_login);
	expect_found(METHOD_HEAD, "/requests/3", h_request);
	expect_found(METHOD_HEAD, "/api/requests/3.json", h_request_json);
}

static void
test_bad_method(void **state)
{
	struct result res;

	(void)state;
	/* GET-only path. */
	res = find(METHOD_POST, "/requests/5");
	assert_int_equal(res.r, ROUTE_BAD_METHOD);
	assert_null(res.found);
	assert_string_equal(res.allow, "GET, HEAD");

	res = find(METHOD_OTHER, "/");
	assert_int_equal(res.r, ROUTE_BAD_METHOD);
	assert_string_equal(res.allow, "GET, HEAD");

	/* POST-only paths. */
	res = find(METHOD_GET, "/requests");
	assert_int_equal(res.r, ROUTE_BAD_METHOD);
	assert_string_equal(res.allow, "POST");

	res = find(METHOD_HEAD, "/logout");
	assert_int_equal(res.r, ROUTE_BAD_METHOD);
	assert_string_equal(res.allow, "POST");

	res = find(METHOD_GET, "/requests/5/approve");
	assert_int_equal(res.r, ROUTE_BAD_METHOD);
	assert_string_equal(res.allow, "POST");

	/* A path with both. */
	res = find(METHOD_OTHER, "/login");
	assert_int_equal(res.r, ROUTE_BAD_METHOD);
	assert_null(res.found);
	assert_string_equal(res.allow, "GET, HEAD, POST");
}

static void
test_allow_small_buffer(void **state)
{
	const struct route *found;
	struct route_params params;
	char allow[6];

	(void)state;
	/* "GET, HEAD" does not fit in 6 bytes: nothing overflows. */
	assert_int_equal(route_find(table, NROUTES, METHOD_OTHER, "/login", &found,
	    &params, allow, sizeof(allow)), ROUTE_BAD_METHOD);
	assert_true(strlen(allow) < sizeof(allow));
}

/* Found by tests/fuzz/fuzz_route.c: with allowlen 0 the buffer (here none)
 * was read by strstr(); the method is still refused. */
static void
test_allow_no_buffer(void **state)
{
	const struct route *found;
	struct route_params params;

	(void)state;
	assert_int_equal(route_find(table, NROUTES, METHOD_GET, "/requests/12/approve", &found,
	    &params, NULL, 0), ROUTE_BAD_METHOD);
	assert_null(found);
	assert_int_equal(route_find(table, NROUTES, METHOD_POST, "/requests/12/approve", &found,
	    &params, NULL, 0), ROUTE_FOUND);
}

static void
test_empty_table(void **state)
{
	const struct route *found = table;
	struct route_params params;
	char allow[16] = "x";

	(void)state;
	assert_int_equal(route_find(table, 0, METHOD_GET, "/", &found, &params,
	    allow, sizeof(allow)), ROUTE_NOT_FOUND);
	assert_null(found);
	assert_string_equal(allow, "");
}

/* The portal's own table (routes.c), read as it is. */
static void
concrete_path(const char *pattern, char *out, size_t len)
{
	size_t o = 0;
	const char *p;

	for (p = pattern; *p != '\0' && o + 8 < len; p++) {
		if (strncmp(p, "{id}", 4) == 0) {
			memcpy(out + o, "12", 2);
			o += 2;
			p += 3;
		} else if (strncmp(p, "{word}", 6) == 0) {
			memcpy(out + o, "approve", 7);
			o += 7;
			p += 5;
		} else
			out[o++] = *p;
	}
	out[o] = '\0';
}

static void
test_portal_routes_each_reachable(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < portal_nroutes; i++) {
		const struct route *r = &portal_routes[i], *found = NULL;
		struct route_params params;
		char path[128], allow[64];

		concrete_path(r->pattern, path, sizeof(path));
		assert_int_equal(route_find(portal_routes, portal_nroutes, r->method, path, &found,
		    &params, allow, sizeof(allow)), ROUTE_FOUND);
		/* No route is shadowed by an earlier one. */
		if (found != r)
			print_error("%s %s is answered by %s\n", r->method == METHOD_GET ? "GET" : "POST",
			    r->pattern, found->pattern);
		assert_ptr_equal(found, r);
	}
}

static void
test_portal_routes_roles(void **state)
{
	size_t i;
	int role;

	(void)state;
	for (i = 0; i < portal_nroutes; i++) {
		const struct route *r = &portal_routes[i];
		int admitted = 0;

		for (role = 0; role < ROLE__MAX; role++)
			admitted += route_admits(r, (enum role)role);
		/* Every route admits someone; only sign-in (its two steps) and
		 * health are public. */
		assert_true(admitted > 0);
		if (r->flags & ROUTE_PUBLIC)
			assert_true(strcmp(r->pattern, "/login") == 0 || strcmp(r->pattern, "/login/code") == 0 ||
			    strncmp(r->pattern, "/healthz", 8) == 0);
		/* Accounts are the administrator's alone. */
		if (strncmp(r->pattern, "/admin/", 7) == 0) {
			assert_int_equal(admitted, 1);
			assert_true(route_admits(r, ROLE_ADMIN));
		}
		/* History, in every format, is for the reviewers of CONTRACT.md. */
		if (strncmp(r->pattern, "/history", 8) == 0)
			assert_int_equal(r->roles, ROLES_REVIEWERS);
		/* Outside agencies never see internal pages. */
		if (strcmp(r->pattern, "/policy") == 0 || strcmp(r->pattern, "/deployments") == 0 ||
		    strcmp(r->pattern, "/dashboard") == 0 || strcmp(r->pattern, "/requests/{id}/print") == 0)
			assert_false(route_admits(r, ROLE_AGENCY));
	}
	assert_non_null(route_for_get("/history"));
	assert_null(route_for_get("/nowhere"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_literal),
		cmocka_unit_test(test_portal_routes_each_reachable),
		cmocka_unit_test(test_portal_routes_roles),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_trailing_slash),
		cmocka_unit_test(test_id),
		cmocka_unit_test(test_id_suffix),
		cmocka_unit_test(test_word),
		cmocka_unit_test(test_head_served_by_get),
		cmocka_unit_test(test_bad_method),
		cmocka_unit_test(test_allow_small_buffer),
		cmocka_unit_test(test_allow_no_buffer),
		cmocka_unit_test(test_empty_table),
	};

	return cmocka_run_group_tests_name("route", tests, NULL, NULL);
}

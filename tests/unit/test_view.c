/* Unit tests of view.cc through view.h: ctemplate with auto-escaping. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "view.h"

static const char page_tpl[] =
    "{{%AUTOESCAPE context=\"HTML\"}}<p class=\"text\">{{TEXT}}</p>\n"
    "<a title=\"{{ATTR}}\" href=\"/x\">link</a>\n"
    "<ul>{{#ITEM}}<li data-n=\"{{N}}\">{{NAME}}</li>{{/ITEM}}</ul>\n"
    "{{#SHOWN}}<p>shown {{TEXT}}</p>{{/SHOWN}}"
    "{{#HIDDEN}}<p>hidden</p>{{/HIDDEN}}"
    "<div>{{RAW:none}}</div>\n";

static const char other_tpl[] =
    "{{%AUTOESCAPE context=\"HTML\"}}<h1>{{TITLE}}</h1>\n";

static const char bad_tpl[] =
    "{{%AUTOESCAPE context=\"HTML\"}}<p>{{#OPEN}}never closed</p>\n";

struct fixture {
	char dir[64];
	char empty[64];
};

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void
remove_file(const char *dir, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	(void)unlink(path);
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (fx == NULL)
		return -1;
	strcpy(fx->dir, "/tmp/portal-view-XXXXXX");
	strcpy(fx->empty, "/tmp/portal-view-empty-XXXXXX");
	if (mkdtemp(fx->dir) == NULL || mkdtemp(fx->empty) == NULL) {
		free(fx);
		return -1;
	}
	write_file(fx->dir, "page.tpl", page_tpl);
	write_file(fx->dir, "other.tpl", other_tpl);
	write_file(fx->dir, "README.txt", "not a template {{#BROKEN}}");
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	remove_file(fx->dir, "page.tpl");
	remove_file(fx->dir, "other.tpl");
	remove_file(fx->dir, "README.txt");
	remove_file(fx->empty, "bad.tpl");
	rmdir(fx->dir);
	rmdir(fx->empty);
	free(fx);
	return 0;
}

static struct view_set *
load(const char *dir)
{
	char err[512] = "";
	struct view_set *set = view_set_load(dir, err, sizeof(err));

	if (set == NULL)
		print_error("view_set_load(%s): %s\n", dir, err);
	assert_non_null(set);
	return set;
}

static void
test_escaping(void **state)
{
	struct fixture *fx = *state;
	struct view_set *set = load(fx->dir);
	struct view_dict *d = view_dict_new();
	struct buf out;
	const char *s;

	assert_non_null(d);
	buf_init(&out);
	view_set_str(d, "TEXT", "<script>alert(\"x\")</script>");
	view_set_str(d, "ATTR", "' \" & <b>");
	view_set_str(d, "RAW", "<em>trusted</em>");
	assert_true(view_expand(set, "page.tpl", d, &out));
	s = buf_cstr(&out);

	assert_non_null(strstr(s, "<p class=\"text\">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>"));
	assert_null(strstr(s, "<script"));
	assert_null(strstr(s, "</script"));
	/* In the double-quoted attribute: nothing can close it. */
	assert_non_null(strstr(s, "title=\"&#39; &quot; &amp; &lt;b&gt;\""));
	assert_non_null(strstr(s, "&#39;"));
	assert_non_null(strstr(s, "&quot;"));
	assert_non_null(strstr(s, "&amp;"));
	assert_null(strstr(s, "<b>"));
	/* :none inserts the value as it is. */
	assert_non_null(strstr(s, "<div><em>trusted</em></div>"));
	/* Sections not shown are not expanded. */
	assert_null(strstr(s, "shown"));
	assert_null(strstr(s, "hidden"));
	assert_non_null(strstr(s, "<ul></ul>"));

	buf_free(&out);
	view_dict_free(d);
	view_set_free(set);
}

static void
test_sections(void **state)
{
	struct fixture *fx = *state;
	struct view_set *set = load(fx->dir);
	struct view_dict *d = view_dict_new();
	struct view_dict *item;
	struct buf out;
	const char *s;

	buf_init(&out);
	view_set_str(d, "TEXT", "a&b");
	item = view_add(d, "ITEM");
	assert_non_null(item);
	view_set_int(item, "N", 1);
	view_set_str(item, "NAME", "first <1>");
	item = view_add(d, "ITEM");
	assert_non_null(item);
	view_set_int(item, "N", -2);
	view_set_str(item, "NAME", "second");
	item = view_add(d, "ITEM");
	assert_non_null(item);
	view_set_int(item, "N", 9000000000LL);
	view_set_str(item, "NAME", "third");
	view_show(d, "SHOWN");
	assert_true(view_expand(set, "page.tpl", d, &out));
	s = buf_cstr(&out);

	assert_non_null(strstr(s, "<ul><li data-n=\"1\">first &lt;1&gt;</li>"
	    "<li data-n=\"-2\">second</li><li data-n=\"9000000000\">third</li></ul>"));
	/* A shown section sees its parent's values. */
	assert_non_null(strstr(s, "<p>shown a&amp;b</p>"));
	assert_null(strstr(s, "hidden"));
	/* A NULL value is ignored: nothing set, nothing shown. */
	view_set_str(d, "RAW", NULL);

	buf_free(&out);
	view_dict_free(d);
	view_set_free(set);
}

static void
test_second_template_and_unknown(void **state)
{
	struct fixture *fx = *state;
	struct view_set *set = load(fx->dir);
	struct view_dict *d = view_dict_new();
	struct buf out;

	buf_init(&out);
	view_set_str(d, "TITLE", "Tom & Jerry");
	assert_true(view_expand(set, "other.tpl", d, &out));
	assert_string_equal(buf_cstr(&out), "<h1>Tom &amp; Jerry</h1>\n");
	buf_reset(&out);
	/* The cache is frozen: a template that was not loaded is not found. */
	assert_false(view_expand(set, "missing.tpl", d, &out));
	assert_false(view_expand(NULL, "other.tpl", d, &out));
	assert_false(view_expand(set, "other.tpl", NULL, &out));
	buf_free(&out);
	view_dict_free(d);
	view_set_free(set);
}

static void
test_load_failures(void **state)
{
	struct fixture *fx = *state;
	char err[512];
	struct view_set *set;

	/* An empty directory. */
	err[0] = '\0';
	set = view_set_load(fx->empty, err, sizeof(err));
	assert_null(set);
	assert_true(strlen(err) > 0);
	assert_non_null(strstr(err, fx->empty));

	/* A missing directory. */
	err[0] = '\0';
	set = view_set_load("/tmp/portal-view-no-such-dir/really-not", err, sizeof(err));
	assert_null(set);
	assert_true(strlen(err) > 0);
	assert_non_null(strstr(err, "really-not"));

	/* A template that does not parse. */
	write_file(fx->empty, "bad.tpl", bad_tpl);
	err[0] = '\0';
	set = view_set_load(fx->empty, err, sizeof(err));
	assert_null(set);
	assert_non_null(strstr(err, "bad.tpl"));
	remove_file(fx->empty, "bad.tpl");

	view_set_free(NULL);
	view_dict_free(NULL);
}

static void
test_real_templates(void **state)
{
	const char *root = getenv("PORTAL_ROOT");
	char dir[1024];
	char err[512] = "";
	struct view_set *set;
	struct view_dict *d;
	struct buf out;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/templates", root && *root ? root : ".");
	set = view_set_load(dir, err, sizeof(err));
	if (set == NULL)
		print_error("the project's templates do not load: %s\n", err);
	assert_non_null(set);
	/* An empty dictionary expands every template without error. */
	d = view_dict_new();
	buf_init(&out);
	assert_true(view_expand(set, "layout.tpl", d, &out));
	assert_true(view_expand(set, "error.tpl", d, &out));
	assert_true(view_expand(set, "login.tpl", d, &out));
	buf_free(&out);
	view_dict_free(d);
	view_set_free(set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_second_template_and_unknown),
		cmocka_unit_test(test_load_failures),
		cmocka_unit_test(test_real_templates),
	};

	return cmocka_run_group_tests_name("view", tests, setup, teardown);
}

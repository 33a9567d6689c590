/* Unit tests of buf.c: the growable buffer and JSON strings. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* buf_json_str(s) as a new string; the caller frees it. */
static char *
json(const char *s)
{
	struct buf b;
	char *out;

	buf_init(&b);
	buf_json_str(&b, s);
	assert_false(buf_failed(&b));
	out = buf_take(&b);
	assert_non_null(out);
	return out;
}

static void
expect_json(const char *in, const char *want)
{
	char *got = json(in);

	assert_string_equal(got, want);
	free(got);
}

static void
test_init_empty(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	assert_int_equal(b.len, 0);
	assert_false(buf_failed(&b));
	assert_null(b.data);
	buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
}

static void
test_append_puts_putc(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	buf_puts(&b, "abc");
	buf_putc(&b, '-');
	buf_append(&b, "xyz123", 3);
	buf_append(&b, "ignored", 0);
	buf_puts(&b, "");
	assert_int_equal(b.len, 7);
	assert_string_equal(buf_cstr(&b), "abc-xyz");
	/* Bytes, not strings: a NUL byte is kept. */
	buf_append(&b, "a\0b", 3);
	assert_int_equal(b.len, 10);
	assert_memory_equal(b.data, "abc-xyza\0b", 10);
	buf_free(&b);
}

static void
test_printf_growth(void **state)
{
	struct buf b;
	char want[32];
	size_t i, len = 0, off = 0;

	(void)state;
	buf_init(&b);
	for (i = 0; i < 5000; i++) {
		buf_printf(&b, "%zu:%s;", i, i % 2 ? "odd" : "even");
		len += (size_t)snprintf(want, sizeof(want), "%zu:%s;", i, i % 2 ? "odd" : "even");
		assert_int_equal(b.len, len);
		assert_true(b.cap > b.len);
	}
	assert_false(buf_failed(&b));
	assert_int_equal(strlen(buf_cstr(&b)), len);
	/* Every piece is where it should be. */
	for (i = 0; i < 5000; i++) {
		int n = snprintf(want, sizeof(want), "%zu:%s;", i, i % 2 ? "odd" : "even");

		assert_memory_equal(b.data + off, want, (size_t)n);
		off += (size_t)n;
	}
	assert_int_equal(off, b.len);
	buf_free(&b);
}

static void
test_printf_large_single(void **state)
{
	struct buf b;
	char *big = malloc(100001);
	size_t i;

	(void)state;
	assert_non_null(big);
	for (i = 0; i < 100000; i++)
		big[i] = (char)('a' + i % 26);
	big[100000] = '\0';
	buf_init(&b);
	buf_puts(&b, "<");
	buf_printf(&b, "%s>%d", big, 42);
	assert_int_equal(b.len, 100004);
	assert_int_equal(b.data[0], '<');
	assert_memory_equal(b.data + 1, big, 100000);
	assert_string_equal(b.data + 100001, ">42");
	buf_free(&b);
	free(big);
}

static void
test_reset(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	buf_puts(&b, "something");
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_cstr(&b), "");
	buf_puts(&b, "new");
	assert_string_equal(buf_cstr(&b), "new");
	buf_free(&b);
	buf_reset(&b);	/* on an empty buffer */
	assert_int_equal(b.len, 0);
}

static void
test_take(void **state)
{
	struct buf b;
	char *s;

	(void)state;
	buf_init(&b);
	buf_printf(&b, "%s=%d", "n", 7);
	s = buf_take(&b);
	assert_string_equal(s, "n=7");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	free(s);
	/* The buffer is usable again. */
	buf_puts(&b, "again");
	s = buf_take(&b);
	assert_string_equal(s, "again");
	free(s);
}

static void
test_take_empty(void **state)
{
	struct buf b;
	char *s;
	char first;

	(void)state;
	/* An empty buffer gives an empty, NUL-terminated string to free(). */
	buf_init(&b);
	s = buf_take(&b);
	assert_non_null(s);
	first = s[0];
	free(s);	/* before the assertion: no leak when it fails */
	assert_int_equal(first, '\0');
}

static void
test_cstr_fresh(void **state)
{
	struct buf b;
	const char *s;
	char first;

	(void)state;
	/* buf.h: "NUL-terminated when len > 0 or after buf_cstr()". */
	buf_init(&b);
	s = buf_cstr(&b);
	assert_non_null(s);
	first = s[0];
	buf_free(&b);	/* before the assertion: no leak when it fails */
	assert_int_equal(first, '\0');
}

static void
test_json_plain(void **state)
{
	(void)state;
	expect_json("", "\"\"");
	expect_json("hello world", "\"hello world\"");
	expect_json(NULL, "null");
	expect_json("/path/ok", "\"/path/ok\"");
}

static void
test_json_escapes(void **state)
{
	(void)state;
	expect_json("say \"hi\"", "\"say \\\"hi\\\"\"");
	expect_json("C:\\dir", "\"C:\\\\dir\"");
	expect_json("a\nb\rc\td", "\"a\\nb\\rc\\td\"");
	expect_json("\x01", "\"\\u0001\"");
	expect_json("\x08\x0c", "\"\\u0008\\u000c\"");
	expect_json("\x1f", "\"\\u001f\"");
	expect_json("\x1b[0m", "\"\\u001b[0m\"");
	expect_json("</script>", "\"\\u003c/script\\u003e\"");
	expect_json("a & b", "\"a \\u0026 b\"");
	expect_json("<!--", "\"\\u003c!--\"");
	expect_json("'", "\"'\"");
}

static void
test_json_utf8(void **state)
{
	(void)state;
	expect_json("caf\xc3\xa9", "\"caf\xc3\xa9\"");
	expect_json("\xe6\x97\xa5\xe6\x9c\xac", "\"\xe6\x97\xa5\xe6\x9c\xac\"");
	expect_json("\xf0\x9f\x9a\x93", "\"\xf0\x9f\x9a\x93\"");
}

static void
test_json_appends(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	buf_puts(&b, "{\"a\":");
	buf_json_str(&b, "x\"y");
	buf_puts(&b, ",\"b\":");
	buf_json_str(&b, NULL);
	buf_putc(&b, '}');
	assert_string_equal(buf_cstr(&b), "{\"a\":\"x\\\"y\",\"b\":null}");
	buf_free(&b);
}

static void
test_json_long(void **state)
{
	char in[2001];
	char *out;
	size_t i;

	(void)state;
	for (i = 0; i < 2000; i++)
		in[i] = i % 3 == 0 ? '<' : 'x';
	in[2000] = '\0';
	out = json(in);
	/* 667 '<' become 6 bytes each, 1333 'x', two quotes. */
	assert_int_equal(strlen(out), 667 * 6 + 1333 + 2);
	assert_null(strchr(out, '<'));
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_empty),
		cmocka_unit_test(test_append_puts_putc),
		cmocka_unit_test(test_printf_growth),
		cmocka_unit_test(test_printf_large_single),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_take),
		cmocka_unit_test(test_take_empty),
		cmocka_unit_test(test_cstr_fresh),
		cmocka_unit_test(test_json_plain),
		cmocka_unit_test(test_json_escapes),
		cmocka_unit_test(test_json_utf8),
		cmocka_unit_test(test_json_appends),
		cmocka_unit_test(test_json_long),
	};

	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}

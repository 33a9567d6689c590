/* Unit tests of audit.c: the canonical text of an audit event. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "audit.h"
#include "buf.h"

static void
test_all_parts(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	audit_canonical(&b, "1", "42", "7", "alice", "filed", "SOP 230.10 C",
	    "a note", "2026-11-22T09:00:00.000000Z");
	assert_int_equal(b.len, strlen("1\x1f" "42\x1f" "7\x1f" "alice\x1f" "filed\x1f"
	    "SOP 230.10 C\x1f" "a note\x1f" "2026-11-22T09:00:00.000000Z"));
	assert_string_equal(buf_cstr(&b), "1\x1f" "42\x1f" "7\x1f" "alice\x1f" "filed\x1f"
	    "SOP 230.10 C\x1f" "a note\x1f" "2026-11-22T09:00:00.000000Z");
	buf_free(&b);
}

static void
test_nulls_are_empty(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	audit_canonical(&b, "3", NULL, NULL, "system", "login", NULL, NULL,
	    "2026-01-01T00:00:00.000000Z");
	assert_string_equal(buf_cstr(&b), "3\x1f\x1f\x1fsystem\x1flogin\x1f\x1f\x1f"
	    "2026-01-01T00:00:00.000000Z");
	buf_free(&b);
}

static void
test_all_null(void **state)
{
	struct buf b;
	size_t i;

	(void)state;
	buf_init(&b);
	audit_canonical(&b, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	/* Exactly seven separators and nothing else. */
	assert_int_equal(b.len, 7);
	for (i = 0; i < 7; i++)
		assert_int_equal(b.data[i], 0x1f);
	buf_free(&b);

	buf_init(&b);
	audit_canonical(&b, "", "", "", "", "", "", "", "");
	assert_int_equal(b.len, 7);
	buf_free(&b);
}

static void
test_appends(void **state)
{
	struct buf b;

	(void)state;
	/* It appends to what the buffer holds (the caller resets). */
	buf_init(&b);
	buf_puts(&b, "prefix:");
	audit_canonical(&b, "1", "2", "3", "4", "5", "6", "7", "8");
	assert_string_equal(buf_cstr(&b), "prefix:1\x1f" "2\x1f" "3\x1f" "4\x1f" "5\x1f"
	    "6\x1f" "7\x1f" "8");
	buf_reset(&b);
	audit_canonical(&b, "9", NULL, NULL, NULL, NULL, NULL, NULL, "x");
	assert_string_equal(buf_cstr(&b), "9\x1f\x1f\x1f\x1f\x1f\x1f\x1fx");
	buf_free(&b);
}

static void
test_utf8_note(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	audit_canonical(&b, "5", "1", "2", "jos\xc3\xa9", "approved", "c",
	    "line1\nline2 \xe6\x97\xa5", "t");
	assert_string_equal(buf_cstr(&b), "5\x1f" "1\x1f" "2\x1fjos\xc3\xa9\x1f"
	    "approved\x1f" "c\x1fline1\nline2 \xe6\x97\xa5\x1ft");
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_parts),
		cmocka_unit_test(test_nulls_are_empty),
		cmocka_unit_test(test_all_null),
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_utf8_note),
	};

	return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}

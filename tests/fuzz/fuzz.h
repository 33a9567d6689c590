/*
 * Shared by the libFuzzer harnesses of tests/fuzz/ (one harness per parser
 * of untrusted bytes; `make fuzz` runs them, see scripts/fuzz.sh).
 *
 * A harness checks the parser's own invariants with FUZZ_CHECK: a broken
 * invariant aborts, and libFuzzer keeps the input as a crash artifact, like
 * any sanitizer report. FUZZ_CHECK does not depend on NDEBUG.
 */
#ifndef PORTAL_FUZZ_H
#define PORTAL_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* libFuzzer's entry point (declared here for -Wmissing-prototypes). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond) do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

/* A NUL-terminated copy of data[0..size) (malloc'ed; the caller frees it),
 * cut at the first NUL as a C string would be. Aborts when out of memory. */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	size_t i;

	FUZZ_CHECK(s != NULL);
	for (i = 0; i < size && data[i] != 0; i++)
		s[i] = (char)data[i];
	s[i] = '\0';
	return s;
}

#endif

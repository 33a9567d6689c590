/*
 * The mail message builder (mail.c): mail_format() with fuzzed display
 * names, subjects, bodies and addresses, and mail_encode_header() /
 * mail_encode_phrase() alone at any column. The message is read back with
 * tests/mailcheck.h, as a receiving mail program would.
 *
 * Input: the recipient's name, the subject, the body and (optionally) the
 * address, separated by NUL bytes; the first byte of the name field sets the
 * column for the encoders alone.
 *
 * Invariants of a message: 7-bit, CRLF line ends only; no header line over
 * 78 octets (but the one of a long address, at most 998); exactly the nine header fields
 * written, each once, whatever the input (a name or subject never adds a
 * line or a field); To is one mailbox whose name and address read back as
 * given; the Subject reads back as given; the body is strict
 * quoted-printable (lines of at most 76, RFC 2045 §6.7) that decodes to the
 * text given (LF as CRLF, CR dropped). A refusal only for a line break in a
 * name or subject, or an address that is not one plain addr-spec.
 */
#include <stdbool.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "form.h"
#include "fuzz.h"
#include "mail.h"
#include "../mailcheck.h"

static const char *const fields[] = {
	"Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "Content-Type",
	"Content-Transfer-Encoding", "Auto-Submitted",
};

/* Reference: an addr-spec that can stand alone between angle brackets. */
static bool
plain_address(const char *s)
{
	const char *at = strchr(s, '@'), *p;

	if (at == NULL || at == s || at[1] == '\0' || strchr(at + 1, '@') != NULL || strlen(s) > 254)
		return false;
	for (p = s; *p != '\0'; p++)
		if (*p <= ' ' || *p > '~' || strchr("<>()[]\\,;:\"", *p) != NULL)
			return false;
	return true;
}

/* The body as the wire should carry it, decoded: CR dropped, LF as CRLF,
 * a CRLF at the end of a last line that has none. */
static char *
expected_body(const char *text)
{
	char *out = malloc(2 * strlen(text) + 3), *o = out;

	FUZZ_CHECK(out != NULL);
	for (; *text != '\0'; text++) {
		if (*text == '\r')
			continue;
		if (*text == '\n')
			*o++ = '\r';
		*o++ = *text;
	}
	if (o > out && o[-1] != '\n') {
		*o++ = '\r';
		*o++ = '\n';
	}
	*o = '\0';
	return out;
}

/* A header value written by the encoders reads back as `text`: plain (and
 * then holding no "=?") or encoded words only. */
static void
check_reads_back(const char *value, const char *text)
{
	static char decoded[64 * 1024];

	if (strncmp(value, "=?UTF-8?B?", 10) == 0 && strcmp(value, text) != 0) {
		FUZZ_CHECK(mc_decode_words(value, " ", decoded, sizeof(decoded)) >= 1);
		FUZZ_CHECK(strcmp(decoded, text) == 0);
	} else {
		FUZZ_CHECK(strcmp(value, text) == 0);
		FUZZ_CHECK(strstr(value, "=?") == NULL);
	}
}

static void
check_encoders(const char *name, const char *subject, size_t column, bool utf8)
{
	struct buf b;
	char *unfolded, *prefix;
	/* Lines of 78, but the first encoded word (64) goes on the line of a
	 * header name longer than the encoders expect. */
	size_t limit = column + 2 + 64 > 78 ? column + 2 + 64 : 78;

	/* The encoders alone, after a header name of `column` characters. */
	prefix = malloc(column + 3);
	FUZZ_CHECK(prefix != NULL);
	memset(prefix, 'X', column);
	memcpy(prefix + column, ": ", 3);

	buf_init(&b);
	buf_puts(&b, prefix);
	mail_encode_header(&b, subject);
	buf_puts(&b, "\r\n");
	FUZZ_CHECK(!buf_failed(&b));
	FUZZ_CHECK(mc_longest_line(b.data) <= limit);
	if (strpbrk(subject, "\r\n") == NULL && utf8 && (unfolded = mc_unfold(b.data)) != NULL) {
		unfolded[strlen(unfolded) - 2] = '\0';
		check_reads_back(unfolded + column + 2, subject);
		free(unfolded);
	}
	buf_free(&b);

	buf_init(&b);
	buf_puts(&b, prefix);
	mail_encode_phrase(&b, name);
	FUZZ_CHECK(!buf_failed(&b));
	FUZZ_CHECK(mc_longest_line(buf_cstr(&b)) <= limit);
	buf_free(&b);
	free(prefix);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct mail_config cfg;
	struct mail_message m;
	char *parts[4] = { NULL, NULL, NULL, NULL }, *head, *unfolded, *v, *decoded, *want;
	char name[64 * 1024], addr[512];
	const char *body, *p;
	size_t i, start, n = 0, column = 0;
	struct buf b;
	bool ok, utf8;

	if (!ready) {
		FUZZ_CHECK(sodium_init() >= 0);
		ready = true;
	}
	for (start = i = 0; i <= size && n < 4; i++)
		if (i == size || data[i] == 0) {
			parts[n] = strndup((const char *)data + start, i - start);
			FUZZ_CHECK(parts[n] != NULL);
			n++;
			start = i + 1;
		}
	for (; n < 4; n++)
		FUZZ_CHECK((parts[n] = strdup(n == 3 ? "chief1@oconomowoc.example" : "")) != NULL);
	if (parts[0][0] != '\0')
		column = (unsigned char)parts[0][0] % 64;
	utf8 = utf8_valid(parts[0], strlen(parts[0])) && utf8_valid(parts[1], strlen(parts[1]));

	check_encoders(parts[0], parts[1], column, utf8);

	memset(&cfg, 0, sizeof(cfg));
	cfg.from = "portal@oconomowoc.example";
	m.notification_id = "42";
	m.to_name = parts[0];
	m.subject = parts[1];
	m.body = parts[2];
	m.to_address = parts[3];
	buf_init(&b);
	ok = mail_format(&b, &cfg, &m, "Sun, 22 Nov 2026 15:00:00 +0000");
	if (!ok) {
		FUZZ_CHECK(strpbrk(m.to_name, "\r\n") != NULL || strpbrk(m.subject, "\r\n") != NULL ||
		    !plain_address(m.to_address));
		goto out;
	}
	FUZZ_CHECK(strpbrk(m.to_name, "\r\n") == NULL && strpbrk(m.subject, "\r\n") == NULL &&
	    plain_address(m.to_address));
	for (p = b.data; *p != '\0'; p++)
		FUZZ_CHECK((unsigned char)*p < 0x80);   /* 7-bit */
	FUZZ_CHECK(mc_crlf_only(b.data));
	FUZZ_CHECK(mc_split(b.data, &head, &body));

	/* The header block. */
	FUZZ_CHECK(mc_longest_line(head) <= (strlen(m.to_address) <= 72 ? 78 : 998));
	unfolded = mc_unfold(head);
	FUZZ_CHECK(unfolded != NULL);
	{
		/* Exactly the nine fields, in order: nothing added by the input. */
		const char *line = unfolded;

		for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
			size_t len = strlen(fields[i]);

			FUZZ_CHECK(strncmp(line, fields[i], len) == 0 && line[len] == ':');
			line = strstr(line, "\r\n");
			FUZZ_CHECK(line != NULL);
			line += 2;
		}
		FUZZ_CHECK(*line == '\0');
	}
	v = mc_header(unfolded, "To");
	FUZZ_CHECK(v != NULL);
	FUZZ_CHECK(mc_parse_mailbox(v, name, sizeof(name), addr, sizeof(addr)) || !utf8);
	if (utf8) {
		FUZZ_CHECK(strcmp(addr, m.to_address) == 0);
		FUZZ_CHECK(strcmp(name, m.to_name) == 0);
	}
	free(v);
	v = mc_header(unfolded, "From");
	FUZZ_CHECK(v != NULL && strcmp(v, "\"Mutual Aid Portal\" <portal@oconomowoc.example>") == 0);
	free(v);
	v = mc_header(unfolded, "Subject");
	FUZZ_CHECK(v != NULL);
	if (utf8)
		check_reads_back(v, m.subject);
	free(v);
	free(unfolded);
	free(head);

	/* The body. */
	FUZZ_CHECK(mc_longest_line(body) <= 76);
	decoded = mc_qp_decode(body);
	FUZZ_CHECK(decoded != NULL);
	want = expected_body(m.body);
	FUZZ_CHECK(strcmp(decoded, want) == 0);
	free(want);
	free(decoded);
out:
	buf_free(&b);
	for (n = 0; n < 4; n++)
		free(parts[n]);
	return 0;
}

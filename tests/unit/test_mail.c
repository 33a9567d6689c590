/*
 * Unit tests of mail.c: RFC 2047 encoded words, quoted display names, the
 * RFC 5322 message of a notification (and its refusal of header injection),
 * its quoted-printable body (RFC 2045 §6.7), and delivery to the spool
 * directory when no SMTP server is configured. The message is read back with
 * the readers of tests/mailcheck.h, shared with tests/fuzz/fuzz_mail.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "mail.h"
#include "../mailcheck.h"

#define DATE "Sun, 22 Nov 2026 15:00:00 +0000"

static int
setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

static const struct mail_config file_cfg = {
	.from = "portal@oconomowoc.example",
	.base_url = "http://127.0.0.1:8080",
	.tls = MAIL_TLS_REQUIRED,
};

static struct mail_message
message(void)
{
	struct mail_message m;

	m.notification_id = "42";
	m.to_address = "chief1@oconomowoc.example";
	m.to_name = "Chief Norman";
	m.subject = "Request 12: federal request";
	m.body = "A federal request was filed.\nClause: 98-023 III.B.2\n\n.Dot line\nlast";
	return m;
}

/* ---------------------------------------------------------------------------
 * Encoded words.
 */

/* Decodes encoded words as mail_encode_header() writes them (folded
 * between words); the number of words, or -1 (mailcheck.h). */
static int
decode_words(const char *enc, char *out, size_t outlen)
{
	int words = mc_decode_words(enc, "\r\n ", out, outlen);

	if (words < 0)
		print_message("not well-formed encoded words: \"%s\"\n", enc);
	return words;
}

static void
test_encode_ascii_passes_through(void **state)
{
	static const char *const texts[] = {
		"Request 12: aid_incoming (urgent)",
		"Chief Norman",
		"",
		"~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./",
	};
	static const char *const encoded[] = {
		/* Would read as other words than written (RFC 2047 §6.1). */
		"=?UTF-8?B?SGFja2Vk?=",
		"Request 12 =?us-ascii?Q?x?= filed",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct buf b;

		buf_init(&b);
		mail_encode_header(&b, texts[i]);
		assert_false(buf_failed(&b));
		assert_string_equal(buf_cstr(&b), texts[i]);
		buf_free(&b);
	}
	for (i = 0; i < sizeof(encoded) / sizeof(encoded[0]); i++) {
		struct buf b;
		char decoded[256];

		buf_init(&b);
		mail_encode_header(&b, encoded[i]);
		assert_true(decode_words(buf_cstr(&b), decoded, sizeof(decoded)) >= 1);
		assert_string_equal(decoded, encoded[i]);
		buf_free(&b);
	}
}

static void
test_encode_non_ascii(void **state)
{
	static const char *const texts[] = {
		"98-023 §III.B.2",
		"Inspecteur Zoë Müller",
		"Request 12 — federal_investigative",
		"\xf0\x9f\x9a\x93 police car",       /* a 4-byte sequence */
		"tab\there",                         /* a control character is not left raw */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct buf b;
		char decoded[512];
		const char *enc;

		buf_init(&b);
		mail_encode_header(&b, texts[i]);
		assert_false(buf_failed(&b));
		enc = buf_cstr(&b);
		assert_int_equal(strncmp(enc, "=?UTF-8?B?", 10), 0);
		assert_int_equal(strcmp(enc + strlen(enc) - 2, "?="), 0);
		/* Nothing but the word's own ASCII in the header. */
		assert_null(strpbrk(enc, "\t"));
		assert_int_equal(decode_words(enc, decoded, sizeof(decoded)), 1);
		assert_string_equal(decoded, texts[i]);
		buf_free(&b);
	}
}

/* text = `ascii` letters, `piece` `times` over, then `tail` (text is
 * large enough: the callers' buffers are sized for their pieces). */
static void
repeat_after(char *text, size_t ascii, const char *piece, size_t times, const char *tail)
{
	size_t i;

	memset(text, 'a', ascii);
	text[ascii] = '\0';
	for (i = 0; i < times; i++)
		strcat(text, piece);
	strcat(text, tail);
}

/* Long text is split into several words, none of which cuts a UTF-8
 * sequence, whatever the offset of the multi-byte characters. */
static void
test_encode_long_text_splits_on_characters(void **state)
{
	static const char *const pieces[] = { "é", "§", "—", "\xf0\x9f\x9a\x93" };
	size_t shift, piece;

	(void)state;
	for (piece = 0; piece < sizeof(pieces) / sizeof(pieces[0]); piece++)
		for (shift = 0; shift < 8; shift++) {
			char text[600], decoded[600];
			struct buf b;
			int words;

			/* shift ASCII characters, then only multi-byte characters. */
			repeat_after(text, shift, pieces[piece], 60, " end of the subject");
			buf_init(&b);
			mail_encode_header(&b, text);
			assert_false(buf_failed(&b));
			words = decode_words(buf_cstr(&b), decoded, sizeof(decoded));
			if (words < 0)
				print_message("piece %zu shift %zu: %s\n", piece, shift, buf_cstr(&b));
			assert_true(words > 1);
			assert_string_equal(decoded, text);
			buf_free(&b);
		}
}

/* ---------------------------------------------------------------------------
 * The message.
 */

/* The header block (up to the empty line) and the body of a message. */
static void
split_message(const char *msg, char **head, const char **body)
{
	assert_true(mc_split(msg, head, body));
}

static void
assert_crlf_only(const char *s)
{
	if (!mc_crlf_only(s))
		print_message("a bare CR or LF in:\n%s\n", s);
	assert_true(mc_crlf_only(s));
}

/* A reader's result (mailcheck.h) that must not be NULL: otherwise says
 * why, shows the input and fails. */
static char *
must_read(char *out, const char *why, const char *input)
{
	if (out == NULL)
		print_message("%s:\n%s\n", why, input);
	assert_non_null(out);
	return out;
}

/* The header block unfolded (RFC 5322 §2.2.3); fails on bad folding. */
static char *
unfold(const char *head)
{
	return must_read(mc_unfold(head), "folding does not unfold (a line of white space only?)", head);
}

static char *
header_value(const char *unfolded, const char *name)
{
	return mc_header(unfolded, name);
}

/* The body decoded from quoted-printable, checked strictly. */
static char *
qp_decoded(const char *body)
{
	return must_read(mc_qp_decode(body), "not strict quoted-printable", body);
}

/* `line` is a whole line of the header block (at its start or after a CRLF). */
static void
assert_has_line(const char *head, const char *line)
{
	char want[520];

	snprintf(want, sizeof(want), "%s\r\n", line);
	if (strncmp(head, want, strlen(want)) == 0)
		return;
	snprintf(want, sizeof(want), "\r\n%s\r\n", line);
	if (strstr(head, want) == NULL) {
		print_message("header line \"%s\" missing in:\n%s\n", line, head);
		fail();
	}
}

static void
test_format(void **state)
{
	struct mail_message m = message();
	struct buf b;
	char *head;
	const char *msg, *body;

	(void)state;
	buf_init(&b);
	assert_true(mail_format(&b, &file_cfg, &m, DATE));
	msg = buf_cstr(&b);
	assert_crlf_only(msg);
	split_message(msg, &head, &body);
	assert_int_equal(strncmp(head, "Date: " DATE "\r\n", strlen("Date: " DATE "\r\n")), 0);
	assert_has_line(head, "Date: " DATE);
	/* Display names are quoted-strings (RFC 5322 §3.2.4). */
	assert_has_line(head, "From: \"Mutual Aid Portal\" <portal@oconomowoc.example>");
	assert_has_line(head, "To: \"Chief Norman\" <chief1@oconomowoc.example>");
	assert_has_line(head, "Subject: Request 12: federal request");
	assert_has_line(head, "Message-ID: <notification-42@mutual-aid-portal>");
	assert_has_line(head, "MIME-Version: 1.0");
	assert_has_line(head, "Content-Type: text/plain; charset=UTF-8");
	assert_has_line(head, "Content-Transfer-Encoding: quoted-printable");
	/* The body: LF turned into CRLF; short printable lines are their own
	 * quoted-printable encoding (a leading '.' is curl's to double). */
	assert_string_equal(body,
	    "A federal request was filed.\r\nClause: 98-023 III.B.2\r\n\r\n.Dot line\r\nlast\r\n");
	free(head);
	buf_free(&b);
}

static void
test_format_non_ascii_headers(void **state)
{
	struct mail_message m = message();
	struct buf b;
	char *head, *unfolded, *subj, *to, *qp, decoded[512];
	const char *body, *p;
	size_t len;

	(void)state;
	m.to_name = "Inspecteur Zoë Müller";
	m.subject = "Notified under 98-023 §III.B.2";
	m.body = "Clause 98-023 §III.B.2 — federal request.";
	buf_init(&b);
	assert_true(mail_format(&b, &file_cfg, &m, DATE));
	assert_crlf_only(buf_cstr(&b));
	split_message(buf_cstr(&b), &head, &body);
	/* The header block is 7-bit. */
	for (p = head; *p; p++)
		assert_true((unsigned char)*p < 0x80);
	/* The body is 7-bit quoted-printable; decoded, the UTF-8 as given. */
	for (p = body; *p; p++)
		assert_true((unsigned char)*p < 0x80);
	assert_string_equal(body, "Clause 98-023 =C2=A7III.B.2 =E2=80=94 federal request.\r\n");
	qp = qp_decoded(body);
	assert_string_equal(qp, "Clause 98-023 §III.B.2 — federal request.\r\n");
	free(qp);

	/* Header lines may be folded anywhere white space is allowed: unfold
	 * them (RFC 5322 §2.2.3) before reading the fields. */
	unfolded = unfold(head);
	assert_crlf_only(unfolded);

	subj = header_value(unfolded, "Subject");
	assert_non_null(subj);
	assert_true(mc_decode_words(subj, " ", decoded, sizeof(decoded)) >= 1);
	assert_string_equal(decoded, m.subject);

	/* To: the encoded display name, then the address (RFC 5322 §3.4). */
	to = header_value(unfolded, "To");
	assert_non_null(to);
	len = strlen(to);
	p = " <chief1@oconomowoc.example>";
	assert_true(len > strlen(p));
	assert_string_equal(to + len - strlen(p), p);
	to[len - strlen(p)] = '\0';
	assert_true(mc_decode_words(to, " ", decoded, sizeof(decoded)) >= 1);
	assert_string_equal(decoded, m.to_name);

	/* The other fields are untouched by the unfolding. */
	assert_has_line(unfolded, "From: \"Mutual Aid Portal\" <portal@oconomowoc.example>");
	assert_has_line(unfolded, "Message-ID: <notification-42@mutual-aid-portal>");
	free(to);
	free(subj);
	free(unfolded);
	free(head);
	buf_free(&b);
}

/* RFC 2047 §2: a header line holding an encoded word is at most 76
 * characters, its field name included; RFC 5322 §2.1.1: no line over 78. */
static void
test_format_encoded_lines_fit(void **state)
{
	struct mail_message m = message();
	struct buf b;
	const char *p, *line;
	int too_long = 0;

	(void)state;
	m.subject = "Aide mutuelle demandée: émeute, incendie majeur, matières dangereuses — "
	    "renfort de deux escouades et d'une unité spécialisée (98-023 §III.B.2)";
	m.to_name = "Inspecteur Zoë Müller-Østergård, Bureau des opérations spéciales";
	buf_init(&b);
	assert_true(mail_format(&b, &file_cfg, &m, DATE));
	for (line = p = buf_cstr(&b); *p; p++) {
		if (p[0] == '\r' && p[1] == '\n') {
			size_t len = (size_t)(p - line);

			if (len == 0)
				break;   /* end of the header block */
			if (len > 76 && strstr(line, "=?UTF-8?") != NULL && strstr(line, "=?UTF-8?") < p) {
				print_message("header line of %zu characters with an encoded word: %.*s\n",
				    len, (int)len, line);
				too_long++;
			}
			line = p + 2;
		}
	}
	buf_free(&b);
	assert_int_equal(too_long, 0);
}

/* The body's LF line ends become CRLF: a body that ends with a line end
 * (as the notifier's always do) gets no extra empty line, and a bare CR is
 * dropped. Short lines are quoted-printable with only '=' and white space
 * at the end of a line escaped. */
static void
test_format_body_line_ends(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "one line", "one line\r\n" },
		{ "one line\n", "one line\r\n" },
		{ "a\n\nb\n", "a\r\n\r\nb\r\n" },
		/* A space at the end of a line is escaped (RFC 2045 §6.7 (3)). */
		{ "-- \nsignature\n", "--=20\r\nsignature\r\n" },
		{ "tab\t\r\n", "tab=09\r\n" },
		{ "a \r\r\nb", "a=20\r\nb\r\n" },
		/* '=' is always escaped. */
		{ "x=1", "x=3D1\r\n" },
		/* CRLF given already is not doubled; a bare CR never reaches the wire. */
		{ "a\r\nb\r\n", "a\r\nb\r\n" },
		{ "a\rb", "ab\r\n" },
	};
	size_t i;
	int wrong = 0;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mail_message m = message();
		struct buf b;
		const char *body, *c;
		char *head;

		m.body = cases[i].in;
		buf_init(&b);
		assert_true(mail_format(&b, &file_cfg, &m, DATE));
		split_message(buf_cstr(&b), &head, &body);
		if (strcmp(body, cases[i].out) != 0) {
			print_message("body of case %zu is \"", i);
			for (c = body; *c; c++)
				print_message(*c == '\r' ? "\\r" : *c == '\n' ? "\\n" : "%c", *c);
			print_message("\"\n");
			wrong++;
		}
		free(head);
		buf_free(&b);
	}
	assert_int_equal(wrong, 0);
}


/* ---------------------------------------------------------------------------
 * Display names (issue 9, item 11): a name can never change the recipients.
 */

/* The To header of a message for `name`, parsed as one mailbox; the
 * display name read back into `got`. */
static void
to_mailbox(const char *name, char *got, size_t gotlen)
{
	struct mail_message m = message();
	struct buf b;
	char *head, *unfolded, *to, addr[300];
	const char *body;

	m.to_name = name;
	buf_init(&b);
	assert_true(mail_format(&b, &file_cfg, &m, DATE));
	split_message(buf_cstr(&b), &head, &body);
	unfolded = unfold(head);
	assert_int_equal(mc_count_header(unfolded, "To"), 1);
	assert_int_equal(mc_count_header(unfolded, "Cc"), 0);
	assert_int_equal(mc_count_header(unfolded, "Bcc"), 0);
	to = header_value(unfolded, "To");
	assert_non_null(to);
	/* One display name and one angle-addr, nothing else. */
	if (!mc_parse_mailbox(to, got, gotlen, addr, sizeof(addr)))
		print_message("To: %s is not one mailbox\n", to);
	assert_true(mc_parse_mailbox(to, got, gotlen, addr, sizeof(addr)));
	assert_string_equal(addr, "chief1@oconomowoc.example");
	free(to);
	free(unfolded);
	free(head);
	buf_free(&b);
}

static void
test_to_name_with_comma_and_quote_is_one_recipient(void **state)
{
	struct mail_message m = message();
	struct buf b;
	char got[512];

	(void)state;
	/* Unquoted, this was two recipients: "Norman" and evil@example.org. */
	m.to_name = "Norman, \"Chief\" <evil@example.org>, x\\";
	buf_init(&b);
	assert_true(mail_format(&b, &file_cfg, &m, DATE));
	assert_non_null(strstr(buf_cstr(&b),
	    "\r\nTo: \"Norman, \\\"Chief\\\" <evil@example.org>, x\\\\\" "
	    "<chief1@oconomowoc.example>\r\n"));
	buf_free(&b);
	to_mailbox(m.to_name, got, sizeof(got));
	assert_string_equal(got, m.to_name);
}

static void
test_to_names_read_back(void **state)
{
	static const char *const names[] = {
		"Chief Norman",
		"O'Brien, Pat",
		"a \"quoted\" word",
		"back\\slash",
		"<chief1@oconomowoc.example>",
		"Undersheriff; Group: a@b.example;",
		"(comment) =?UTF-8?B?Zm9v?=",          /* looks encoded, is not */
		"Müller, Zoë <x@y.example>",           /* non-ASCII: encoded words */
		"tab\tin name",
		/* Too long for a quoted line of 78: encoded words. */
		"Lieutenant Colonel Alexandra Konstantinopoulou-Worthington, Deputy Chief",
		"",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char got[512];

		to_mailbox(names[i], got, sizeof(got));
		assert_string_equal(got, names[i]);
	}
}

/* ---------------------------------------------------------------------------
 * Long header text: folded ASCII, or encoded words (RFC 5322 §2.1.1).
 */

/* The Subject field of the message for `subject`, unfolded; every header
 * line within 78 characters. */
static char *
subject_of(const char *subject)
{
	struct mail_message m = message();
	struct buf b;
	char *head, *unfolded, *subj;
	const char *body;

	m.subject = subject;
	buf_init(&b);
	assert_true(mail_format(&b, &file_cfg, &m, DATE));
	split_message(buf_cstr(&b), &head, &body);
	assert_true(mc_longest_line(head) <= 78);
	unfolded = unfold(head);
	subj = header_value(unfolded, "Subject");
	assert_non_null(subj);
	free(unfolded);
	free(head);
	buf_free(&b);
	return subj;
}

static void
test_subject_long_ascii_folds(void **state)
{
	static const char text[] = "[Mutual aid] Request #123456: Aid to another agency (outgoing), "
	    "approved under SOP 230.10 C.3.a and 230.10 D, with two squads and a supervisor";
	char *subj, word[1200], decoded[1300];

	(void)state;
	subj = subject_of(text);
	assert_string_equal(subj, text);   /* plain text, folded at spaces */
	free(subj);

	/* A word too long for a line of 78: encoded words instead. */
	memset(word, 'x', sizeof(word) - 1);
	word[sizeof(word) - 1] = '\0';
	subj = subject_of(word);
	assert_true(mc_decode_words(subj, " ", decoded, sizeof(decoded)) > 1);
	assert_string_equal(decoded, word);
	free(subj);
}

/* Invalid UTF-8 (never from the database, but the encoder must not trust
 * that): 100 continuation bytes used to make the word splitter back off to
 * a word of no bytes, forever (found by reading for tests/fuzz/fuzz_mail.c). */
static void
test_encode_invalid_utf8_ends(void **state)
{
	char text[101];
	struct buf b;

	(void)state;
	memset(text, 0x80, 100);
	text[100] = '\0';
	buf_init(&b);
	mail_encode_header(&b, text);
	assert_false(buf_failed(&b));
	assert_true(b.len > 100);
	assert_true(mc_longest_line(buf_cstr(&b)) <= 76);
	buf_free(&b);
}

/* ---------------------------------------------------------------------------
 * The body as quoted-printable (RFC 2045 §6.7).
 */

/* The body of the message for `text`, decoded; checks the encoded lines. */
static char *
body_round_trip(const char *text)
{
	struct mail_message m = message();
	struct buf b;
	char *head, *decoded;
	const char *body, *p;

	m.body = text;
	buf_init(&b);
	assert_true(mail_format(&b, &file_cfg, &m, DATE));
	assert_crlf_only(buf_cstr(&b));
	split_message(buf_cstr(&b), &head, &body);
	if (mc_longest_line(body) > 76)
		print_message("a body line of %zu characters\n", mc_longest_line(body));
	assert_true(mc_longest_line(body) <= 76);
	for (p = body; *p; p++)
		assert_true((unsigned char)*p < 0x80);
	decoded = qp_decoded(body);
	free(head);
	buf_free(&b);
	return decoded;
}

static void
test_body_long_line_is_quoted_printable(void **state)
{
	char text[5002], want[5004], *got;

	(void)state;
	/* The issue's case: one line of 5,000 bytes (RFC 5322 allows 998). */
	memset(text, 'a', 5000);
	text[1234] = ' ';
	text[4000] = '=';
	text[5000] = '\n';
	text[5001] = '\0';
	memcpy(want, text, 5000);
	memcpy(want + 5000, "\r\n", 3);
	got = body_round_trip(text);
	assert_string_equal(got, want);
	free(got);
}

static void
test_body_utf8_kept_exactly(void **state)
{
	static const char *const pieces[] = { "é", "§", "—", "\xf0\x9f\x9a\x93", " ", "=", "." };
	char text[4096], want[4200], *got;
	const char *p;
	size_t i, piece;

	(void)state;
	for (piece = 0; piece < sizeof(pieces) / sizeof(pieces[0]); piece++) {
		/* A long line of the piece after a varying number of ASCII
		 * letters, so the soft breaks fall at every offset. */
		for (i = 0; i < 13; i++) {
			size_t k;

			repeat_after(text, i, pieces[piece], 200, "\nNature: émeute — 98-023 §III.B.2\n");
			/* LF becomes CRLF on the wire. */
			for (k = 0, p = text; *p != '\0'; p++) {
				if (*p == '\n')
					want[k++] = '\r';
				want[k++] = *p;
			}
			want[k] = '\0';
			got = body_round_trip(text);
			assert_string_equal(got, want);
			free(got);
		}
	}
}

/* The escapes of one UTF-8 character stay on one line: no line of the
 * body ends in the middle of a character's "=XX=XX". */
static void
test_body_soft_breaks_between_characters(void **state)
{
	struct mail_message m = message();
	char text[1200];
	struct buf b;
	char *head;
	const char *body, *line;
	size_t i;

	(void)state;
	text[0] = 'x';
	text[1] = '\0';
	for (i = 0; i < 300; i++)
		strcat(text, "—");
	m.body = text;
	buf_init(&b);
	assert_true(mail_format(&b, &file_cfg, &m, DATE));
	split_message(buf_cstr(&b), &head, &body);
	for (line = body; *line != '\0'; line = strstr(line, "\r\n") + 2) {
		size_t len = (size_t)(strstr(line, "\r\n") - line);

		/* x, then "=E2=80=94" repeated, and a soft "=": a line after the
		 * first starts with a lead byte. */
		if (line != body)
			assert_int_equal(strncmp(line, "=E2", 3), 0);
		assert_true(len <= 76);
	}
	free(head);
	buf_free(&b);
}

static void
test_format_refuses_injection(void **state)
{
	static const char *const bad[] = {
		"Chief\r\nBcc: everyone@example.org",
		"Chief\nBcc: everyone@example.org",
		"Chief\rBcc: everyone@example.org",
		"\r\n",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mail_message m = message();
		struct mail_config cfg = file_cfg;
		struct buf b;

		m.to_name = bad[i];
		buf_init(&b);
		assert_false(mail_format(&b, &cfg, &m, DATE));
		assert_int_equal(b.len, 0);   /* nothing half-written */
		buf_free(&b);

		m = message();
		m.subject = bad[i];
		buf_init(&b);
		assert_false(mail_format(&b, &cfg, &m, DATE));
		buf_free(&b);

		m = message();
		m.to_address = "chief1@oconomowoc.example\r\nBcc: everyone@example.org";
		if (i == 1)
			m.to_address = "chief1@oconomowoc.example\nBcc: everyone@example.org";
		if (i == 2)
			m.to_address = "chief1@oconomowoc.example\rX: y";
		buf_init(&b);
		assert_false(mail_format(&b, &cfg, &m, DATE));
		buf_free(&b);

		m = message();
		cfg.from = "portal@oconomowoc.example\r\nBcc: everyone@example.org";
		buf_init(&b);
		assert_false(mail_format(&b, &cfg, &m, DATE));
		buf_free(&b);
	}
}

/* mail_format() refuses the message and writes nothing. */
static void
assert_refused(const struct mail_config *cfg, const struct mail_message *m)
{
	struct buf b;

	buf_init(&b);
	assert_false(mail_format(&b, cfg, m, DATE));
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

/* An address is one plain addr-spec, in To and From alike: anything that
 * could end it or start another address is refused. The notification id
 * (a file name and part of the Message-ID) is digits. */
static void
test_format_refuses_bad_address(void **state)
{
	static const char *const bad[] = {
		"chief1", "", "chief1.oconomowoc.example",
		"a,b@x.example", "<a@x.example>", "a b@x.example", "a@x.example>, c@d.example",
		"\"a\"@x.example", "a@", "a@x.example\t", "Zoë@x.example",
	};
	static const char *const ids[] = { "", "1\r\nBcc: x@y.example", "../1", "12a", "-1",
	    "123456789012345678901" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mail_message m = message();
		struct mail_config cfg = file_cfg;

		m.to_address = bad[i];
		assert_refused(&cfg, &m);
		m = message();
		cfg.from = bad[i];
		assert_refused(&cfg, &m);
	}
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		struct mail_message m = message();

		m.notification_id = ids[i];
		assert_refused(&file_cfg, &m);
	}
}

/* ---------------------------------------------------------------------------
 * Delivery to the spool directory.
 */

/* The names in the directory (but . and ..), as "a|b|" in readdir order;
 * returns how many. */
static int
list_dir(const char *dir, char *names, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	names[0] = '\0';
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		n++;
		strncat(names, e->d_name, len - strlen(names) - 2);
		strcat(names, "|");
	}
	closedir(d);
	return n;
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long n;

	if (f == NULL)
		return NULL;
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	data = malloc((size_t)n + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	data[n] = '\0';
	fclose(f);
	return data;
}

static void
clean_spool(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			unlinkat(dirfd(d), e->d_name, 0);
		}
		closedir(d);
	}
	rmdir(dir);
}

static void
test_deliver_to_spool(void **state)
{
	struct mail_config cfg = file_cfg;
	struct mail_message m = message();
	char dir[] = "/tmp/test_mail.XXXXXX", path[256], names[512], err[256];
	char *data, *head;
	const char *body;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	cfg.spool_dir = dir;
	err[0] = '\0';
	assert_true(mail_deliver(&cfg, NULL, &m, err, sizeof(err)));

	snprintf(path, sizeof(path), "%s/notification-42.eml", dir);
	assert_int_equal(list_dir(dir, names, sizeof(names)), 1);
	assert_string_equal(names, "notification-42.eml|");
	data = slurp(path);
	assert_non_null(data);
	assert_int_equal(strncmp(data, "Date: ", 6), 0);
	assert_crlf_only(data);
	split_message(data, &head, &body);
	assert_has_line(head, "Message-ID: <notification-42@mutual-aid-portal>");
	assert_has_line(head, "To: \"Chief Norman\" <chief1@oconomowoc.example>");
	assert_has_line(head, "Subject: Request 12: federal request");
	assert_string_equal(body,
	    "A federal request was filed.\r\nClause: 98-023 III.B.2\r\n\r\n.Dot line\r\nlast\r\n");
	free(head);
	free(data);
	/* Notifications name people and requests: not readable by everyone. */
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0007, 0);

	/* Delivered again (a retry after a crash): one file, the latest text. */
	m.subject = "Request 12: federal request (again)";
	assert_true(mail_deliver(&cfg, NULL, &m, err, sizeof(err)));
	assert_int_equal(list_dir(dir, names, sizeof(names)), 1);
	assert_string_equal(names, "notification-42.eml|");
	data = slurp(path);
	assert_non_null(data);
	assert_non_null(strstr(data, "\r\nSubject: Request 12: federal request (again)\r\n"));
	assert_null(strstr(data, ".tmp"));
	free(data);

	/* Another notification: its own file, no temporary file left. */
	m.notification_id = "43";
	assert_true(mail_deliver(&cfg, NULL, &m, err, sizeof(err)));
	assert_int_equal(list_dir(dir, names, sizeof(names)), 2);
	assert_null(strstr(names, ".tmp"));
	assert_non_null(strstr(names, "notification-43.eml|"));
	clean_spool(dir);
}

static void
test_deliver_refusals(void **state)
{
	struct mail_config cfg = file_cfg;
	struct mail_message m = message();
	char dir[] = "/tmp/test_mail.XXXXXX", missing[128], names[512], err[256];

	(void)state;
	assert_non_null(mkdtemp(dir));
	cfg.spool_dir = dir;

	/* A bad address or an injected header: refused, nothing written. */
	m.to_address = "nobody";
	err[0] = '\0';
	assert_false(mail_deliver(&cfg, NULL, &m, err, sizeof(err)));
	assert_true(err[0] != '\0');
	m = message();
	m.subject = "x\r\nBcc: everyone@example.org";
	err[0] = '\0';
	assert_false(mail_deliver(&cfg, NULL, &m, err, sizeof(err)));
	assert_true(err[0] != '\0');
	assert_int_equal(list_dir(dir, names, sizeof(names)), 0);

	/* A spool directory that does not exist: refused with a reason. */
	snprintf(missing, sizeof(missing), "%s/no/such/dir", dir);
	cfg.spool_dir = missing;
	m = message();
	err[0] = '\0';
	assert_false(mail_deliver(&cfg, NULL, &m, err, sizeof(err)));
	assert_true(err[0] != '\0');
	assert_int_equal(list_dir(dir, names, sizeof(names)), 0);
	clean_spool(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_ascii_passes_through),
		cmocka_unit_test(test_encode_non_ascii),
		cmocka_unit_test(test_encode_long_text_splits_on_characters),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_non_ascii_headers),
		cmocka_unit_test(test_format_refuses_injection),
		cmocka_unit_test(test_format_refuses_bad_address),
		cmocka_unit_test(test_deliver_to_spool),
		cmocka_unit_test(test_deliver_refusals),
		cmocka_unit_test(test_format_encoded_lines_fit),
		cmocka_unit_test(test_format_body_line_ends),
		cmocka_unit_test(test_to_name_with_comma_and_quote_is_one_recipient),
		cmocka_unit_test(test_to_names_read_back),
		cmocka_unit_test(test_subject_long_ascii_folds),
		cmocka_unit_test(test_encode_invalid_utf8_ends),
		cmocka_unit_test(test_body_long_line_is_quoted_printable),
		cmocka_unit_test(test_body_utf8_kept_exactly),
		cmocka_unit_test(test_body_soft_breaks_between_characters),
	};

	return cmocka_run_group_tests_name("mail", tests, setup, NULL);
}

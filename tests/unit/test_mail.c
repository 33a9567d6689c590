/*
 * Unit tests of mail.c: RFC 2047 encoded words, the RFC 5322 message of a
 * notification (and its refusal of header injection), and delivery to the
 * spool directory when no SMTP server is configured.
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

#define DATE "Sun, 22 Nov 2026 15:00:00 +0000"

static int
setup(void **state)
{
	(void)state;
	return sodium_init() < 0 ? -1 : 0;
}

static const struct mail_config file_cfg = {
	NULL, NULL, NULL, "portal@oconomowoc.example", NULL, "http://127.0.0.1:8080",
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

/* Whether s[0..n) is whole UTF-8 sequences (no sequence cut at either end). */
static bool
whole_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t len = s[i] < 0x80 ? 1 : (s[i] & 0xe0) == 0xc0 ? 2 :
		    (s[i] & 0xf0) == 0xe0 ? 3 : (s[i] & 0xf8) == 0xf0 ? 4 : 0;
		size_t k;

		if (len == 0 || i + len > n)
			return false;
		for (k = 1; k < len; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
		i += len;
	}
	return true;
}

/*
 * Decodes a header value made of encoded words separated by `sep` (folding,
 * "\r\n ", as mail_encode_header() writes them; or the single space left
 * of it once the header is unfolded), checking each word's form, that each
 * word alone is whole UTF-8, and that each is at most 75 characters
 * (RFC 2047 §2). The white space between two encoded words is not part of
 * the text (RFC 2047 §6.2). Returns the number of words; the decoded text is
 * written to out.
 */
static int
decode_words_sep(const char *enc, const char *sep, char *out, size_t outlen)
{
	const char *p = enc;
	size_t used = 0;
	int words = 0;

	out[0] = '\0';
	for (;;) {
		const char *end;
		size_t b64len, binlen = 0;
		unsigned char bin[256];

		if (strncmp(p, "=?UTF-8?B?", 10) != 0) {
			print_message("not an encoded word at \"%s\"\n", p);
			return -1;
		}
		end = strstr(p + 10, "?=");
		if (end == NULL)
			return -1;
		if ((size_t)(end + 2 - p) > 75) {
			print_message("encoded word of %zu characters (RFC 2047: at most 75)\n",
			    (size_t)(end + 2 - p));
			return -1;
		}
		b64len = (size_t)(end - (p + 10));
		if (sodium_base642bin(bin, sizeof(bin), p + 10, b64len, NULL, &binlen, NULL,
		    sodium_base64_VARIANT_ORIGINAL) != 0)
			return -1;
		if (!whole_utf8(bin, binlen)) {
			print_message("encoded word %d splits a UTF-8 sequence\n", words + 1);
			return -1;
		}
		if (used + binlen + 1 > outlen)
			return -1;
		memcpy(out + used, bin, binlen);
		used += binlen;
		out[used] = '\0';
		words++;
		p = end + 2;
		if (*p == '\0')
			return words;
		if (strncmp(p, sep, strlen(sep)) != 0) {
			print_message("words not separated by folding white space at \"%s\"\n", p);
			return -1;
		}
		p += strlen(sep);
	}
}

/* The words as mail_encode_header() writes them: folded between words. */
static int
decode_words(const char *enc, char *out, size_t outlen)
{
	return decode_words_sep(enc, "\r\n ", out, outlen);
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
			size_t i;
			int words;

			/* shift ASCII characters, then only multi-byte characters. */
			memset(text, 'a', shift);
			text[shift] = '\0';
			for (i = 0; i < 60; i++)
				strcat(text, pieces[piece]);
			strcat(text, " end of the subject");
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
	const char *sep = strstr(msg, "\r\n\r\n");

	assert_non_null(sep);
	*head = strndup(msg, (size_t)(sep - msg) + 2);
	assert_non_null(*head);
	*body = sep + 4;
}

/* Every LF is preceded by CR, and there is no bare CR. */
static void
assert_crlf_only(const char *s)
{
	const char *p;

	for (p = s; *p; p++) {
		if (*p == '\n')
			assert_true(p > s && p[-1] == '\r');
		if (*p == '\r')
			assert_true(p[1] == '\n');
	}
}

/* The header block unfolded (RFC 5322 §2.2.3): every CRLF followed by white
 * space is removed, the white space kept. Also checks the folding itself: no
 * line of the block is white space only, nor does the block start with a
 * continuation. Returns a new string. */
static char *
unfold(const char *head)
{
	char *out = malloc(strlen(head) + 1), *o = out;
	const char *p, *line = head;

	assert_non_null(out);
	assert_true(head[0] != ' ' && head[0] != '\t');
	for (p = head; *p; p++) {
		if (p[0] == '\r' && p[1] == '\n') {
			const char *q = line;

			while (q < p && (*q == ' ' || *q == '\t'))
				q++;
			if (q == p) {
				print_message("header line of white space only in:\n%s\n", head);
				fail();
			}
			line = p + 2;
			if (p[2] == ' ' || p[2] == '\t') {
				p++;   /* drop the CRLF, keep the white space */
				continue;
			}
		}
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

/* The value of header `name` in an unfolded header block (a new string),
 * or NULL when the block has no such header. */
static char *
header_value(const char *unfolded, const char *name)
{
	char want[64];
	const char *v, *eol;
	size_t n;

	n = (size_t)snprintf(want, sizeof(want), "%s: ", name);
	if (strncmp(unfolded, want, n) == 0)
		v = unfolded + n;
	else {
		snprintf(want, sizeof(want), "\r\n%s: ", name);
		v = strstr(unfolded, want);
		if (v == NULL)
			return NULL;
		v += n + 2;
	}
	eol = strstr(v, "\r\n");
	assert_non_null(eol);
	return strndup(v, (size_t)(eol - v));
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
	assert_has_line(head, "From: Mutual Aid Portal <portal@oconomowoc.example>");
	assert_has_line(head, "To: Chief Norman <chief1@oconomowoc.example>");
	assert_has_line(head, "Subject: Request 12: federal request");
	assert_has_line(head, "Message-ID: <notification-42@mutual-aid-portal>");
	assert_has_line(head, "MIME-Version: 1.0");
	assert_has_line(head, "Content-Type: text/plain; charset=UTF-8");
	assert_has_line(head, "Content-Transfer-Encoding: 8bit");
	/* The body: LF turned into CRLF, nothing else changed. */
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
	char *head, *unfolded, *subj, *to, decoded[512];
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
	/* The body is UTF-8 as given (8bit). */
	assert_string_equal(body, "Clause 98-023 §III.B.2 — federal request.\r\n");

	/* Header lines may be folded anywhere white space is allowed: unfold
	 * them (RFC 5322 §2.2.3) before reading the fields. */
	unfolded = unfold(head);
	assert_crlf_only(unfolded);

	subj = header_value(unfolded, "Subject");
	assert_non_null(subj);
	assert_true(decode_words_sep(subj, " ", decoded, sizeof(decoded)) >= 1);
	assert_string_equal(decoded, m.subject);

	/* To: the encoded display name, then the address (RFC 5322 §3.4). */
	to = header_value(unfolded, "To");
	assert_non_null(to);
	len = strlen(to);
	p = " <chief1@oconomowoc.example>";
	assert_true(len > strlen(p));
	assert_string_equal(to + len - strlen(p), p);
	to[len - strlen(p)] = '\0';
	assert_true(decode_words_sep(to, " ", decoded, sizeof(decoded)) >= 1);
	assert_string_equal(decoded, m.to_name);

	/* The other fields are untouched by the unfolding. */
	assert_has_line(unfolded, "From: Mutual Aid Portal <portal@oconomowoc.example>");
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

/* The body's LF line ends become CRLF, and nothing more: a body that ends
 * with a line end (as the notifier's always do) gets no extra empty line,
 * and a bare CR is dropped. */
static void
test_format_body_line_ends(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "one line", "one line\r\n" },
		{ "one line\n", "one line\r\n" },
		{ "a\n\nb\n", "a\r\n\r\nb\r\n" },
		{ "-- \nsignature\n", "-- \r\nsignature\r\n" },
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

static void
test_format_refuses_bad_address(void **state)
{
	static const char *const bad[] = { "chief1", "", "chief1.oconomowoc.example" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mail_message m = message();
		struct buf b;

		m.to_address = bad[i];
		buf_init(&b);
		assert_false(mail_format(&b, &file_cfg, &m, DATE));
		buf_free(&b);
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
	assert_has_line(head, "To: Chief Norman <chief1@oconomowoc.example>");
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
	};

	return cmocka_run_group_tests_name("mail", tests, setup, NULL);
}

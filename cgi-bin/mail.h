/*
 * E-mail messages of notifications (RFC 5322), and their delivery: over
 * SMTP with libcurl, or as files under $PORTAL_VAR/mail/ when no SMTP
 * server is configured.
 *
 * Every message has a Message-ID made from the notification id, so a
 * message that a crash made the notifier send again (between the server's
 * acceptance and the commit that marks it sent) is recognizable as the same.
 */
#ifndef PORTAL_MAIL_H
#define PORTAL_MAIL_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "mail_tls.h"

struct mail_config {
	const char *smtp_url;    /* NULL: write files to spool_dir */
	const char *smtp_user;   /* optional */
	const char *smtp_password;
	const char *from;        /* envelope and header sender */
	const char *spool_dir;
	const char *base_url;    /* links to requests */
	enum mail_tls tls;       /* STARTTLS (mail_tls.h; zero: required) */
	long timeout_seconds;    /* one message, connection to acceptance; 0: 30 */
};

struct mail_message {
	const char *notification_id;
	const char *to_address;
	const char *to_name;
	const char *subject;
	const char *body;        /* UTF-8 text, LF line ends */
};

/* An unstructured header's text (Subject, RFC 5322 §3.2.5) from the
 * current column: printable ASCII as it is, folded at its spaces; other text
 * (or a word too long for a line of 78, or text holding "=?" that a reader
 * would take for an encoded word) as RFC 2047 encoded words. */
void mail_encode_header(struct buf *, const char *text);
/* A display name (a phrase, RFC 5322 §3.2.5): printable ASCII as a
 * quoted-string with '"' and '\' escaped; other text (as above), or a
 * name too long for the line, as RFC 2047 encoded words (§5 (3)). */
void mail_encode_phrase(struct buf *, const char *name);
/*
 * The whole message, 7-bit, CRLF line ends, every line within RFC 5322
 * §2.1.1's limits: headers encoded as above, the body quoted-printable
 * (RFC 2045 §6.7). False on a bad address or id, or a header value holding
 * a line break (header injection).
 */
bool mail_format(struct buf *, const struct mail_config *, const struct mail_message *,
         const char *date_rfc5322);
/*
 * A kept SMTP connection (a libcurl handle), reused from one message to the
 * next: curl returns as soon as the server has accepted a message, without
 * the QUIT exchange, so the notifier marks it sent right away. Zero it to
 * start; mail_sender_close() ends it.
 */
struct mail_sender {
	void *curl;
};

void mail_sender_close(struct mail_sender *);

/* Delivers one message (over `sender`'s connection when it is not NULL);
 * false with a reason in err when it was not accepted. */
bool mail_deliver(const struct mail_config *, struct mail_sender *,
         const struct mail_message *, char *err, size_t errlen);

#endif

/*
 * Whether the notifier's SMTP connection must use TLS: PORTAL_SMTP_TLS
 * (`required`, `try` or `off`) and, when it is not set, the SMTP URL's host.
 *
 *  - required: STARTTLS must succeed (CURLUSESSL_ALL), the server's
 *    certificate and name verified; without it nothing is sent.
 *  - try:      STARTTLS when the server offers it (CURLUSESSL_TRY), verified
 *    when used; plain text otherwise.
 *  - off:      no STARTTLS.
 * The default is `required`, but `try` for a loopback host (127.0.0.0/8,
 * ::1, localhost): mail then never leaves the machine. An smtps:// URL is
 * TLS from the first byte (RFC 8314 §3.3) and always verified, whatever the
 * setting. No setting turns certificate verification off.
 *
 * Pure functions (no I/O), tested in tests/unit/test_mail_tls.c.
 */
#ifndef PORTAL_MAIL_TLS_H
#define PORTAL_MAIL_TLS_H

#include <stdbool.h>
#include <stddef.h>

/* The zero value is the safe one: a zeroed struct mail_config requires TLS. */
enum mail_tls { MAIL_TLS_REQUIRED = 0, MAIL_TLS_TRY, MAIL_TLS_OFF };

/* The host of a URL "scheme://[userinfo@]host[:port][/...]" (RFC 3986 §3.2;
 * an IPv6 literal without its brackets), copied into out. False when there
 * is no host or it does not fit. */
bool        mail_url_host(const char *url, char *out, size_t outlen);
/* Whether `host` names this machine for certain: an IPv4 address in
 * 127.0.0.0/8 written as a dotted quad, ::1 (or ::ffff:127.x.y.z), or
 * "localhost". Anything else (other names, shorthand addresses) is not. */
bool        mail_host_is_loopback(const char *host);
/* The mode for `setting` (PORTAL_SMTP_TLS; NULL or "" for the default) and
 * the SMTP `url`. False for a setting that is none of the three words. */
bool        mail_tls_mode(const char *setting, const char *url, enum mail_tls *);
const char *mail_tls_name(enum mail_tls);

#endif

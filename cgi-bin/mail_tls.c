#include "mail_tls.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

bool
mail_url_host(const char *url, char *out, size_t outlen)
{
	const char *p, *end, *at, *host, *host_end;
	size_t n;

	if (url == NULL || outlen == 0)
		return false;
	/* The authority follows "//" after the scheme (RFC 3986 §3). */
	p = strstr(url, "://");
	p = p != NULL ? p + 3 : url;
	end = p + strcspn(p, "/?#");
	/* Userinfo ends at the last '@' of the authority (a password may hold
	 * '@' only percent-encoded, but be lenient about it). */
	for (at = NULL, host = p; host < end; host++)
		if (*host == '@')
			at = host;
	host = at != NULL ? at + 1 : p;
	if (*host == '[') {
		host++;
		host_end = memchr(host, ']', (size_t)(end - host));
		if (host_end == NULL)
			return false;
	} else {
		host_end = memchr(host, ':', (size_t)(end - host));
		if (host_end == NULL)
			host_end = end;
	}
	n = (size_t)(host_end - host);
	if (n == 0 || n >= outlen)
		return false;
	memcpy(out, host, n);
	out[n] = '\0';
	return true;
}

bool
mail_host_is_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (strcasecmp(host, "localhost") == 0)
		return true;
	/* inet_pton() takes only the dotted quad: shorthand forms such as
	 * "127.1" are not recognized, and so count as remote (the safe side). */
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1) {
		static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

		return IN6_IS_ADDR_LOOPBACK(&a6) ||
		    (memcmp(a6.s6_addr, mapped, sizeof(mapped)) == 0 && a6.s6_addr[12] == 127);
	}
	return false;
}

bool
mail_tls_mode(const char *setting, const char *url, enum mail_tls *mode)
{
	char host[256];

	if (setting == NULL || *setting == '\0') {
		*mode = url != NULL && mail_url_host(url, host, sizeof(host)) &&
		    mail_host_is_loopback(host) ? MAIL_TLS_TRY : MAIL_TLS_REQUIRED;
		return true;
	}
	if (strcmp(setting, "required") == 0)
		*mode = MAIL_TLS_REQUIRED;
	else if (strcmp(setting, "try") == 0)
		*mode = MAIL_TLS_TRY;
	else if (strcmp(setting, "off") == 0)
		*mode = MAIL_TLS_OFF;
	else
		return false;
	return true;
}

const char *
mail_tls_name(enum mail_tls mode)
{
	switch (mode) {
	case MAIL_TLS_REQUIRED: return "required";
	case MAIL_TLS_TRY:      return "try";
	case MAIL_TLS_OFF:      return "off";
	}
	return "?";
}

/*
 * smtp.h - sending one email through the relay SMTP_URL with libcurl, for
 * the staff's replies to support tickets.
 *
 * SMTP_URL is smtps://host:465 (TLS from the first byte) or
 * smtp://host:25 (STARTTLS when the relay offers it, CURLUSESSL_TRY);
 * SMTP_USERNAME and SMTP_PASSWORD, when set, log in (AUTH, whichever
 * mechanism the relay offers that curl speaks); SMTP_FROM is the
 * envelope sender and the From header.  Nothing here logs an address, a
 * subject or a body: only curl's code and the relay's reply code.
 */
#ifndef JT_SMTP_H
#define JT_SMTP_H

#include <stddef.h>

enum smtp_status {
    SMTP_OK = 0,
    SMTP_NOT_CONFIGURED = -2, /* SMTP_URL or SMTP_FROM unset or unusable: 503 */
    SMTP_UNAVAILABLE = -3,    /* no connection, a timeout, or a 4xx: nothing was sent */
    SMTP_REFUSED = -4,        /* the relay answered 5xx (a recipient, the login, the
                               * message): nothing was sent */
};

/* Which variable a not-configured relay lacks ("SMTP_URL" or
 * "SMTP_FROM"), or NULL when it is configured. */
const char *smtp_missing(void);

/*
 * Send message (RFC 5322 text of len bytes, CRLF line ends; the relay's
 * dot-stuffing is curl's) from SMTP_FROM's address to the one address to.
 * SMTP_OK once the relay accepted it (250 after DATA).
 */
int smtp_send(const char *to, const char *message, size_t len);

#endif

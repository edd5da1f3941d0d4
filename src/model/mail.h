/*
 * mail.h - an email message as RFC 5322 text, for the staff's replies to
 * support tickets (routes/admin_tickets_replies.c; svc/smtp.h sends it).
 *
 * The message is plain text in UTF-8: headers Date, From, To, Subject
 * (an RFC 2047 encoded-word, Q encoding, when it is not plain printable
 * ASCII), Message-ID, In-Reply-To and References (for a later reply of a
 * thread), MIME-Version, Content-Type text/plain; charset=UTF-8 and
 * Content-Transfer-Encoding quoted-printable; the body's lines end in
 * CRLF and none is longer than 76 characters.  Header values come from
 * the ticket (an email and a subject checked at submission: one line, no
 * control characters) and the configuration; a value holding CR or LF is
 * refused rather than folded into a header of its own.
 */
#ifndef JT_MAIL_H
#define JT_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mail {
    const char *from;        /* SMTP_FROM: "addr" or "Name <addr>" */
    const char *to;          /* one address */
    const char *subject;     /* UTF-8 */
    const char *message_id;  /* "<...@...>" */
    const char *in_reply_to; /* "<...@...>" or NULL */
    const char *references;  /* space-separated "<...>" ids, or NULL */
    int64_t date_ms;         /* the Date header */
    const char *body;        /* UTF-8 text; LF or CRLF line ends */
};

/* The message text (mem_alloc'ed, NUL-terminated; free()), or NULL when a
 * header value holds CR or LF or the body is not UTF-8. */
char *mail_compose(const struct mail *m, size_t *len);

/* The bare address of an SMTP_FROM value ("Name <a@b>" or "a@b") into
 * out: false when it has none that fits. */
bool mail_address(const char *from, char *out, size_t size);

/* The domain of an address ("b" of "a@b"), borrowed from addr; NULL when
 * it has none. */
const char *mail_domain(const char *addr);

#endif

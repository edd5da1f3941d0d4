/*
 * mail.c - an email message as RFC 5322 text (see mail.h).
 *
 * Encodings, so that any UTF-8 reply reaches any relay unchanged:
 *  - the subject, when not plain printable ASCII, is a run of RFC 2047
 *    encoded-words "=?UTF-8?Q?...?=", cut between characters (never
 *    inside one's bytes) and folded onto continuation lines of at most 76
 *    characters (so each word is within RFC 2047's 75);
 *  - the body is quoted-printable (RFC 2045 6.7): lines of at most 76
 *    characters with soft breaks, '=' and every byte outside printable
 *    ASCII escaped, and white space at a line's end escaped so no relay
 *    can strip it.  7-bit on the wire, so no 8BITMIME is needed.
 */
#include "model/mail.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/mem.h"
#include "base/text.h"

struct buf {
    char *p;
    size_t len, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = mem_realloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void puts_(struct buf *b, const char *s)
{
    put(b, s, strlen(s));
}

static void hex_byte(struct buf *b, unsigned char c)
{
    static const char hex[] = "0123456789ABCDEF";
    char e[3] = {'=', hex[c >> 4], hex[c & 15]};

    put(b, e, 3);
}

static bool one_line(const char *s)
{
    return s == NULL || strpbrk(s, "\r\n") == NULL;
}

/* RFC 5322 3.3, in English whatever the locale. */
static void date_header(struct buf *b, int64_t ms)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    char line[64];

    gmtime_r(&t, &tm);
    snprintf(line, sizeof(line), "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
             days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
             tm.tm_min, tm.tm_sec);
    puts_(b, line);
}

static bool plain_ascii(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p > 0x7e)
            return false;
    return strstr(s, "=?") == NULL && strlen(s) < 900;
}

/* The length of the UTF-8 character at p (1 for a stray byte). */
static size_t char_len(const unsigned char *p)
{
    size_t n = *p < 0x80 ? 1 : *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc0 ? 2 : 1;

    for (size_t i = 1; i < n; i++)
        if (p[i] == '\0')
            return i;
    return n;
}

/* Q encoding (RFC 2047 4.2) of one character into e; its length. */
static size_t q_char(const unsigned char *p, size_t n, char *e)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];

        if (c == ' ')
            e[o++] = '_';
        else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 strchr("!*+-/", c) != NULL)
            e[o++] = (char)c;
        else {
            e[o++] = '=';
            e[o++] = hex[c >> 4];
            e[o++] = hex[c & 15];
        }
    }
    return o;
}

#define WORD_OPEN "=?UTF-8?Q?"
#define WORD_CLOSE "?="
#define HEADER_LINE 76 /* so each encoded-word stays within RFC 2047's 75 too */

static void subject_header(struct buf *b, const char *subject)
{
    const unsigned char *p = (const unsigned char *)subject;
    size_t used = 0;

    puts_(b, "Subject: ");
    if (plain_ascii(subject)) {
        puts_(b, subject);
        puts_(b, "\r\n");
        return;
    }
    /* each line within 76 characters: the header's name takes room on the
     * first, the folding space on the others */
    puts_(b, WORD_OPEN);
    used = strlen("Subject: ") + strlen(WORD_OPEN) + strlen(WORD_CLOSE);
    while (*p != '\0') {
        size_t n = char_len(p);
        char e[12];
        size_t en = q_char(p, n, e);

        if (used + en > HEADER_LINE) {
            /* a new word on a continuation line; the space between two
             * encoded-words is not part of the text (RFC 2047 6.2) */
            puts_(b, WORD_CLOSE "\r\n " WORD_OPEN);
            used = 1 + strlen(WORD_OPEN) + strlen(WORD_CLOSE);
        }
        put(b, e, en);
        used += en;
        p += n;
    }
    puts_(b, WORD_CLOSE "\r\n");
}

#define QP_LINE 76

/* One line of the body (without its end), quoted-printable. */
static void qp_line(struct buf *b, const unsigned char *s, size_t n)
{
    size_t col = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        bool last = i + 1 == n;
        bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last);
        size_t w = literal ? 1 : 3;

        /* room for this and, unless it ends the line, a soft break's '=' */
        if (col + w > (last ? QP_LINE : QP_LINE - 1)) {
            puts_(b, "=\r\n");
            col = 0;
        }
        if (literal)
            put(b, (const char *)&c, 1);
        else
            hex_byte(b, c);
        col += w;
    }
    puts_(b, "\r\n");
}

static void header(struct buf *b, const char *name, const char *value)
{
    if (value == NULL)
        return;
    puts_(b, name);
    puts_(b, ": ");
    puts_(b, value);
    puts_(b, "\r\n");
}

char *mail_compose(const struct mail *m, size_t *len)
{
    struct buf b = {0};
    const char *line = m->body;

    if (!one_line(m->from) || !one_line(m->to) || !one_line(m->subject) ||
        !one_line(m->message_id) || !one_line(m->in_reply_to) || !one_line(m->references) ||
        !text_is_utf8(m->body, strlen(m->body)) || !text_is_utf8(m->subject, strlen(m->subject)))
        return NULL;
    date_header(&b, m->date_ms);
    header(&b, "From", m->from);
    header(&b, "To", m->to);
    subject_header(&b, m->subject);
    header(&b, "Message-ID", m->message_id);
    header(&b, "In-Reply-To", m->in_reply_to);
    header(&b, "References", m->references);
    puts_(&b, "MIME-Version: 1.0\r\n"
              "Content-Type: text/plain; charset=UTF-8\r\n"
              "Content-Transfer-Encoding: quoted-printable\r\n"
              "\r\n");
    for (;;) {
        const char *end = strchr(line, '\n');
        size_t n = end != NULL ? (size_t)(end - line) : strlen(line);

        if (n > 0 && line[n - 1] == '\r')
            n--;
        if (end == NULL && n == 0)
            break;
        qp_line(&b, (const unsigned char *)line, n);
        if (end == NULL)
            break;
        line = end + 1;
    }
    *len = b.len;
    return b.p != NULL ? b.p : mem_strdup("");
}

bool mail_address(const char *from, char *out, size_t size)
{
    const char *lt = strrchr(from, '<'), *gt;
    size_t n;

    if (lt != NULL) {
        gt = strchr(lt, '>');
        if (gt == NULL)
            return false;
        from = lt + 1;
        n = (size_t)(gt - from);
    } else {
        n = strlen(from);
    }
    if (n == 0 || n >= size || memchr(from, '@', n) == NULL)
        return false;
    memcpy(out, from, n);
    out[n] = '\0';
    return text_is_email(out);
}

const char *mail_domain(const char *addr)
{
    const char *at = strrchr(addr, '@');

    return at != NULL && at[1] != '\0' ? at + 1 : NULL;
}

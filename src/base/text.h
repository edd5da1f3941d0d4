/*
 * text.h - UTF-8 and string helpers shared by the body decoders and the
 * validators.  Pure functions, no allocation.
 */
#ifndef JT_TEXT_H
#define JT_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF) with no NUL. */
bool text_is_utf8(const char *s, size_t n);

/* Code points in a string already known to be valid UTF-8. */
size_t text_utf8_len(const char *s);

/* Trim ASCII white space in place; returns s. */
char *text_trim(char *s);

/*
 * Is item one entry of a comma-separated list such as
 * "a, b,c"?  Entries are compared exactly after trimming spaces and tabs;
 * an empty item, or a NULL list or item, is never found.  The one parser
 * of the comma lists in the environment (CLERK_AUTHORIZED_PARTIES,
 * JOBTUNE_ADMIN_USER_IDS).
 */
bool text_list_contains(const char *list, const char *item);

/* What text_check_len() found. */
enum text_check {
    TEXT_OK = 0,
    TEXT_EMPTY = -1,    /* nothing left after trimming */
    TEXT_TOO_LONG = -2, /* more than max characters after trimming */
};

/*
 * Trim s in place (text_trim) and check it holds 1 to max characters
 * (code points; s must already be valid UTF-8).  The one length rule of
 * the free-text fields people type (names, support messages, job
 * descriptions); callers choose the message for each outcome.
 */
enum text_check text_check_len(char *s, size_t max);

/* Which line breaks a field may hold. */
enum text_lines {
    TEXT_ONE_LINE,   /* names, titles, subjects: no control character at all */
    TEXT_MULTI_LINE, /* messages, summaries: tab, CR and LF allowed */
};

/*
 * Does s (valid UTF-8) hold a character that can disguise what a person
 * reads: a C0 control (U+0000-U+001F; in TEXT_MULTI_LINE, tab, CR and LF
 * are allowed) or a bidirectional embedding, override or isolate
 * (U+202A-U+202E, U+2066-U+2069)?  The one rule for the text fields people
 * type; callers answer 422 naming the field.
 */
bool text_has_hidden_controls(const char *s, enum text_lines lines);

/* Case-insensitive ASCII equality. */
bool text_eq_nocase(const char *a, const char *b);

/* A plausible mailbox: local@domain.tld, ASCII or UTF-8, no spaces or
 * control characters, at most TEXT_EMAIL_MAX bytes. */
bool text_is_email(const char *s);

/* The longest address in bytes (RFC 5321's path limit, less the brackets). */
#define TEXT_EMAIL_MAX 254

/*
 * The one form in which email addresses are compared, looked up and keyed:
 * surrounding ASCII white space dropped, ASCII A-Z lower-cased, every other
 * byte kept as it is, written to out (size bytes, NUL-terminated).  False,
 * with out empty when size > 0, when what is left is longer than
 * TEXT_EMAIL_MAX or does not fit in out.  It does not check that email is
 * an address (text_is_email() does).
 *
 * Non-ASCII is left alone, on purpose: lower-casing it would need Unicode
 * case tables (and, for a domain, IDNA mapping), and the local part of an
 * internationalised address (RFC 6531) belongs to its own mail server,
 * which may treat its cases as different mailboxes.  Two addresses that
 * differ only in the case of a non-ASCII letter stay two addresses here:
 * a missed match can be found by staff by hand, while a wrong match would
 * join one person's tickets or account to another's.
 */
bool text_email_normalize(const char *email, char *out, size_t size);

/* "2026-11-26T17:03:48.123Z" for ms since the epoch; buf >= 32 bytes. */
char *text_iso8601(long long ms, char *buf, size_t size);

/*
 * The reverse: ms since the epoch of "YYYY-MM-DD" (midnight UTC) or
 * "YYYY-MM-DDTHH:MM:SS[.fff]Z" (what text_iso8601() and the database
 * layer write).  False for anything else, or a date that does not exist.
 */
bool text_parse_iso8601(const char *s, long long *ms);

#endif

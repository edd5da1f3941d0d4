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

/* Case-insensitive ASCII equality. */
bool text_eq_nocase(const char *a, const char *b);

/* A plausible mailbox: local@domain.tld, ASCII or UTF-8, no spaces or
 * control characters, at most 254 bytes. */
bool text_is_email(const char *s);

/* "2026-11-26T17:03:48.123Z" for ms since the epoch; buf >= 32 bytes. */
char *text_iso8601(long long ms, char *buf, size_t size);

#endif

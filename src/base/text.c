/*
 * text.c - UTF-8 validation and small string predicates.
 *
 * The validator follows the table in RFC 3629 section 4; everything that
 * reaches the database has been through it (Jansson checks JSON strings the
 * same way, so form fields get the same guarantee).
 */
#include "base/text.h"

#include <string.h>
#include <stdio.h>
#include <strings.h>
#include <time.h>

bool text_is_utf8(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;

    while (i < n) {
        unsigned char c = s[i];
        size_t len;
        unsigned int cp;

        if (c == 0)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (n - i < len)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += len;
    }
    return true;
}

size_t text_utf8_len(const char *s)
{
    size_t n = 0;

    for (; *s != '\0'; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    return n;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

char *text_trim(char *s)
{
    size_t n = strlen(s), start = 0;

    while (n > 0 && is_space(s[n - 1]))
        n--;
    while (start < n && is_space(s[start]))
        start++;
    memmove(s, s + start, n - start);
    s[n - start] = '\0';
    return s;
}

bool text_list_contains(const char *list, const char *item)
{
    size_t n;

    if (list == NULL || item == NULL || (n = strlen(item)) == 0)
        return false;
    for (const char *p = list;;) {
        const char *comma = strchr(p, ',');
        const char *s = p, *e = comma ? comma : p + strlen(p);

        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        if ((size_t)(e - s) == n && memcmp(s, item, n) == 0)
            return true;
        if (comma == NULL)
            return false;
        p = comma + 1;
    }
}

enum text_check text_check_len(char *s, size_t max)
{
    if (*text_trim(s) == '\0')
        return TEXT_EMPTY;
    return text_utf8_len(s) > max ? TEXT_TOO_LONG : TEXT_OK;
}

bool text_eq_nocase(const char *a, const char *b)
{
    return strcasecmp(a, b) == 0;
}

bool text_is_email(const char *s)
{
    const char *at = strrchr(s, '@');
    const char *dot, *p;
    size_t n = strlen(s);

    if (n < 3 || n > 254 || at == NULL || at == s || at - s > 64)
        return false;
    for (p = s; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;

        if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '(' ||
            c == ')' || c == ',' || c == ';' || c == '"' || c == '\\')
            return false;
        if (c == '@' && p != at)
            return false;
    }
    dot = strrchr(at, '.');
    /* domain: at least one dot, not first or last, no empty labels */
    if (dot == NULL || dot == at + 1 || dot[1] == '\0' || strstr(at, "..") != NULL ||
        at[1] == '.' || s[0] == '.' || at[-1] == '.' || strstr(s, "..") != NULL)
        return false;
    return true;
}

char *text_iso8601(long long ms, char *buf, size_t size)
{
    time_t secs = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    int millis = (int)(ms - (long long)secs * 1000);
    struct tm tm;
    char tmp[32];

    gmtime_r(&secs, &tm);
    strftime(tmp, sizeof(tmp), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, size, "%s.%03dZ", tmp, millis);
    return buf;
}

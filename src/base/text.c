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

bool text_has_hidden_controls(const char *s, enum text_lines lines)
{
    const unsigned char *p = (const unsigned char *)s;

    for (; *p != '\0'; p++) {
        if (*p < 0x20) {
            if (lines == TEXT_MULTI_LINE && (*p == '\t' || *p == '\r' || *p == '\n'))
                continue;
            return true;
        }
        /* U+202A-U+202E is E2 80 AA-AE; U+2066-U+2069 is E2 81 A6-A9 */
        if (p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae)
            return true;
        if (p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9)
            return true;
    }
    return false;
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

    if (n < 3 || n > TEXT_EMAIL_MAX || at == NULL || at == s || at - s > 64)
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

bool text_email_normalize(const char *email, char *out, size_t size)
{
    size_t n;

    if (size > 0)
        out[0] = '\0';
    while (is_space(*email))
        email++;
    n = strlen(email);
    while (n > 0 && is_space(email[n - 1]))
        n--;
    if (n > TEXT_EMAIL_MAX || n >= size)
        return false;
    for (size_t i = 0; i < n; i++)
        out[i] = email[i] >= 'A' && email[i] <= 'Z' ? (char)(email[i] - 'A' + 'a') : email[i];
    out[n] = '\0';
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

/* n decimal digits at s, as a number; -1 when one is not a digit. */
static int digits(const char *s, int n)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

bool text_parse_iso8601(const char *s, long long *ms)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h = 0, mi = 0, sec = 0, frac = 0, maxd;
    size_t n = s ? strlen(s) : 0;
    struct tm tm;

    if (n != 10 && n != 20 && n != 24)
        return false;
    y = digits(s, 4);
    mo = digits(s + 5, 2);
    d = digits(s + 8, 2);
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || s[4] != '-' || s[7] != '-')
        return false;
    maxd = mdays[mo - 1] + (mo == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)));
    if (d > maxd)
        return false;
    if (n > 10) {
        h = digits(s + 11, 2);
        mi = digits(s + 14, 2);
        sec = digits(s + 17, 2);
        if (s[10] != 'T' || s[13] != ':' || s[16] != ':' || h < 0 || h > 23 || mi < 0 ||
            mi > 59 || sec < 0 || sec > 59 || s[n - 1] != 'Z')
            return false;
        if (n == 24 && (s[19] != '.' || (frac = digits(s + 20, 3)) < 0))
            return false;
    }
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    *ms = (long long)timegm(&tm) * 1000 + frac;
    return true;
}

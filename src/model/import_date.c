/*
 * import_date.c - the dates of a resume's text (import_date.h).
 *
 * A date starts and ends at a word boundary, so a year inside a phone
 * number or a longer number is not one.  A bare year counts only within
 * 1950..2099, the years of a working life (a street number is not a date).
 */
#include "model/import_date.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                     "jul", "aug", "sep", "oct", "nov", "dec"};
static const char *const month_names[] = {"january", "february", "march", "april",
                                          "may", "june", "july", "august",
                                          "september", "october", "november", "december"};
static const char *const presents[] = {"present", "current", "now", "today", "ongoing"};

static bool is_word(unsigned char c)
{
    return isalnum(c) || c >= 0x80;
}

/* Four digits at p making a year of 1950..2099, not followed by a digit. */
static bool year_at(const char *p, int *year)
{
    int y;

    if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]) ||
        !isdigit((unsigned char)p[2]) || !isdigit((unsigned char)p[3]) ||
        isdigit((unsigned char)p[4]))
        return false;
    y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
    if (y < 1950 || y > 2099)
        return false;
    *year = y;
    return true;
}

/* A month's name (full, three letters, or "sept") at p: its number 1..12
 * and the bytes it takes (with a trailing '.'), else 0. */
static size_t month_at(const char *p, int *month)
{
    size_t n;

    for (int m = 0; m < 12; m++) {
        n = strlen(month_names[m]);
        if (strncasecmp(p, month_names[m], n) == 0 && !is_word((unsigned char)p[n])) {
            *month = m + 1;
            return n;
        }
    }
    for (int m = 0; m < 12; m++) {
        n = m == 8 && strncasecmp(p, "sept", 4) == 0 ? 4 : 3;
        if (strncasecmp(p, months[m], 3) == 0 && (n == 3 || m == 8) &&
            !is_word((unsigned char)p[n])) {
            *month = m + 1;
            return n + (p[n] == '.');
        }
    }
    return 0;
}

/* One date at p (a word boundary): the bytes it takes, else 0. */
static size_t date_at(const char *p, char out[8], bool *present)
{
    int year, month = 0;
    size_t n;

    *present = false;
    for (size_t i = 0; i < sizeof(presents) / sizeof(presents[0]); i++) {
        n = strlen(presents[i]);
        if (strncasecmp(p, presents[i], n) == 0 && !is_word((unsigned char)p[n])) {
            out[0] = '\0';
            *present = true;
            return n;
        }
    }
    if ((n = month_at(p, &month)) > 0) {
        size_t s = n;

        while (p[s] == ' ' || p[s] == ',' || p[s] == '\'')
            s++;
        if (s == n || !year_at(p + s, &year))
            return 0;
        snprintf(out, 8, "%04d-%02d", year, month);
        return s + 4;
    }
    /* MM/YYYY or M/YYYY */
    if (isdigit((unsigned char)p[0])) {
        n = isdigit((unsigned char)p[1]) ? 2 : 1;
        month = n == 2 ? (p[0] - '0') * 10 + (p[1] - '0') : p[0] - '0';
        if ((p[n] == '/' || p[n] == '.') && month >= 1 && month <= 12 && year_at(p + n + 1, &year)) {
            snprintf(out, 8, "%04d-%02d", year, month);
            return n + 5;
        }
    }
    if (!year_at(p, &year))
        return 0;
    /* YYYY-MM (not YYYY-YYYY, a range) */
    if (p[4] == '-' && isdigit((unsigned char)p[5]) && isdigit((unsigned char)p[6]) &&
        !isdigit((unsigned char)p[7])) {
        month = (p[5] - '0') * 10 + (p[6] - '0');
        if (month >= 1 && month <= 12) {
            snprintf(out, 8, "%04d-%02d", year, month);
            return 7;
        }
    }
    snprintf(out, 8, "%04d", year);
    return 4;
}

/* A range's separator at p (spaces around it included): its bytes, else 0. */
static size_t separator_at(const char *p)
{
    static const char *const words[] = {"to", "until", "till", "through"};
    size_t n = 0, w;

    while (p[n] == ' ')
        n++;
    if (p[n] == '-')
        w = 1 + (p[n + 1] == '-');
    else if (strncmp(p + n, "\xe2\x80\x93", 3) == 0 || strncmp(p + n, "\xe2\x80\x94", 3) == 0)
        w = 3;
    else {
        w = 0;
        for (size_t i = 0; i < sizeof(words) / sizeof(words[0]) && w == 0; i++) {
            size_t k = strlen(words[i]);

            if (n > 0 && strncasecmp(p + n, words[i], k) == 0 && p[n + k] == ' ')
                w = k;
        }
        if (w == 0)
            return 0;
    }
    n += w;
    while (p[n] == ' ')
        n++;
    return n;
}

bool import_date_find(const char *line, struct import_range *r)
{
    memset(r, 0, sizeof(*r));
    for (const char *p = line; *p; p++) {
        size_t n, sep, m;
        char end[8];
        bool present;

        if (p > line && is_word((unsigned char)p[-1]))
            continue;
        if ((n = date_at(p, r->start, &present)) == 0 || present)
            continue;
        r->at = (size_t)(p - line);
        r->len = n;
        if ((sep = separator_at(p + n)) > 0 && (m = date_at(p + n + sep, end, &present)) > 0 &&
            !is_word((unsigned char)p[n + sep + m])) {
            memcpy(r->end, end, sizeof(end));
            r->present = present;
            r->len = n + sep + m;
        }
        return true;
    }
    r->start[0] = '\0';
    return false;
}

bool import_date_parse(const char *s, char out[8], bool *present)
{
    size_t n;

    while (*s == ' ')
        s++;
    if ((n = date_at(s, out, present)) == 0)
        return false;
    while (s[n] == ' ')
        n++;
    return s[n] == '\0';
}

/*
 * ats_text.c - the keyword score's tokenizer (see ats_text.h).
 *
 * One pass over the bytes.  Separators are classified as they are read
 * and collected into the next token's gap flags; a token is cut where
 * word bytes end and then trimmed, its trimmed dots counting as the end
 * of a sentence (except after an abbreviation: "e.g. Go" goes on).  No
 * locale: the same bytes give the same tokens on every machine.
 */
#include "model/ats_text.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

enum cls { C_WORD, C_SPACE, C_NEWLINE, C_BREAK, C_GLUE, C_JOIN, C_COMMA, C_STOP, C_COLON, C_END };

/* Abbreviations whose dot ends no sentence. */
static const char *const abbreviations[] = {
    "e.g", "i.e", "etc", "vs", "inc", "ltd", "co", "jr", "sr", "dr", "st", "no", "approx", "incl",
};

/* A UTF-8 code point at p (n bytes left): its class; *len its bytes. */
static enum cls utf8_class(const unsigned char *p, size_t n, size_t *len)
{
    uint32_t cp;
    size_t need = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : 2;

    *len = 1;
    if (p[0] < 0xC2 || p[0] > 0xF4 || need > n)
        return C_STOP;
    for (size_t i = 1; i < need; i++)
        if ((p[i] & 0xC0) != 0x80)
            return C_STOP;
    *len = need;
    cp = need == 2 ? (uint32_t)(p[0] & 0x1F) << 6 | (p[1] & 0x3F)
         : need == 3 ? (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F)
                     : (uint32_t)(p[0] & 0x07) << 18 | (uint32_t)(p[1] & 0x3F) << 12 |
                           (uint32_t)(p[2] & 0x3F) << 6 | (p[3] & 0x3F);
    if (cp == 0xA0 || cp == 0x202F || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x3000)
        return C_SPACE;
    if (cp == 0x2028 || cp == 0x2029)
        return C_NEWLINE;
    if (cp == 0x2018 || cp == 0x2019 || cp == 0x2010 || cp == 0x2011)
        return C_GLUE; /* curly apostrophes, hyphens */
    if (cp == 0x2026)
        return C_END;
    if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp < 0x2C00) ||
        (cp >= 0x2E00 && cp < 0x2E80) || (cp >= 0x3000 && cp < 0x3040) ||
        (cp >= 0xE000 && cp < 0xF900) || (cp >= 0xFE30 && cp < 0xFE70) ||
        (cp >= 0xFF00 && cp < 0xFF10) || cp == 0xFEFF || cp >= 0x1F000)
        return C_COMMA; /* dashes, bullets, quotes, currency, symbols, emoji */
    return C_WORD;
}

static enum cls byte_class(const unsigned char *p, size_t n, size_t *len)
{
    unsigned char c = p[0];

    *len = 1;
    if (c >= 0x80)
        return utf8_class(p, n, len);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
        c == '#' || c == '.')
        return C_WORD;
    switch (c) {
    case ' ': case '\t': case '\r': case '\f': case '\v':
        return C_SPACE;
    case '\n':
        return C_NEWLINE;
    case ATS_BREAK:
        return C_BREAK;
    case '-': case '\'':
        return C_GLUE;
    case '/': case '&':
        return C_JOIN;
    case ',': case '|':
        return C_COMMA;
    case ':':
        return C_COLON;
    case '!': case '?': case ';':
        return C_END; /* a semicolon ends a clause: "Go required; Rust preferred" */
    default:
        return C_STOP;
    }
}

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ATS_BREAK;
}

/* The length of the address (URL, e-mail, www.) starting at p, or 0. */
static size_t address(const char *p)
{
    size_t n = 0;
    bool at = false, scheme = false;

    while (p[n] != '\0' && !is_space((unsigned char)p[n])) {
        at = at || p[n] == '@';
        scheme = scheme || (p[n] == ':' && p[n + 1] == '/' && p[n + 2] == '/');
        n++;
    }
    return at || scheme || strncmp(p, "www.", 4) == 0 ? n : 0;
}

static void push(struct ats_tokens *t, char *s, const char *orig, unsigned gap)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 256;
        t->v = mem_realloc(t->v, t->cap * sizeof(*t->v));
    }
    t->v[t->n++] = (struct ats_token){s, orig, gap};
}

static bool abbreviation(const char *s)
{
    for (size_t i = 0; i < sizeof(abbreviations) / sizeof(abbreviations[0]); i++)
        if (strcmp(abbreviations[i], s) == 0)
            return true;
    return false;
}

/* Cut the word [s, e) of both buffers, trimmed; returns the gap flags its
 * trimmed ends leave for the next token. */
static unsigned word(struct ats_tokens *t, size_t s, size_t e, unsigned *gap)
{
    char *lo = t->lower;
    unsigned after = 0;

    while (s < e && (lo[s] == '+' || lo[s] == '#' ||
                     (lo[s] == '.' && !(s + 1 < e && lo[s + 1] >= 'a' && lo[s + 1] <= 'z'))))
        s++;
    while (e > s && lo[e - 1] == '.') {
        e--;
        after = ATS_GAP_SENTENCE;
    }
    if (s == e) {
        *gap |= after ? ATS_GAP_SENTENCE : ATS_GAP_STOP;
        return 0;
    }
    lo[e] = '\0';
    t->orig[e] = '\0';
    if (after && abbreviation(lo + s))
        after = ATS_GAP_COMMA;
    push(t, lo + s, t->orig + s, *gap);
    *gap = 0;
    return after;
}

void ats_tokenize(struct ats_tokens *t, const char *text)
{
    size_t len = strlen(text), i = 0;
    unsigned gap = ATS_GAP_LINE | ATS_GAP_SENTENCE, joins = 0;
    bool space = false, line_start = true;
    const unsigned char *p;

    memset(t, 0, sizeof(*t));
    t->orig = mem_strdup(text);
    t->lower = mem_strdup(text);
    for (char *c = t->lower; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    p = (const unsigned char *)text;
    while (i < len) {
        size_t n, skip = 0;
        enum cls c;

        if (i == 0 || is_space(p[i - 1]))
            skip = address(text + i);
        if (skip > 0) {
            gap |= ATS_GAP_STOP;
            i += skip;
            line_start = false;
            continue;
        }
        c = byte_class(p + i, len - i, &n);
        if (c == C_WORD) {
            size_t e = i + n;
            unsigned after;

            while (e < len && byte_class(p + e, len - e, &n) == C_WORD)
                e += n;
            if (joins)
                gap |= space ? ATS_GAP_JOIN : (joins & ATS_GAP_JOIN) ? ATS_GAP_JOIN : ATS_GAP_GLUED;
            after = word(t, i, e, &gap);
            gap |= after;
            joins = 0;
            space = false;
            line_start = false;
            i = e; /* the cut wrote NUL over our copies' byte e, not over text's */
            continue;
        }
        switch (c) {
        case C_SPACE:
            space = true;
            break;
        case C_NEWLINE:
            if (line_start && (gap & ATS_GAP_LINE) && t->n > 0)
                gap |= ATS_GAP_PARAGRAPH;
            gap |= ATS_GAP_LINE | ATS_GAP_SENTENCE;
            space = true;
            line_start = true;
            break;
        case C_BREAK:
            gap |= ATS_GAP_BREAK | ATS_GAP_LINE | ATS_GAP_SENTENCE;
            space = true;
            line_start = true;
            break;
        case C_GLUE:
        case C_JOIN:
            if (line_start && p[i] == '-' && i + 1 < len && is_space(p[i + 1]))
                gap |= ATS_GAP_BULLET; /* a bullet joins nothing */
            else
                joins |= c == C_JOIN ? ATS_GAP_JOIN : ATS_GAP_GLUED;
            break;
        case C_COMMA:
            if (line_start && n > 1)
                gap |= ATS_GAP_BULLET;
            gap |= ATS_GAP_COMMA;
            break;
        case C_COLON:
            gap |= ATS_GAP_COLON | ATS_GAP_STOP;
            break;
        case C_END:
            gap |= ATS_GAP_SENTENCE;
            break;
        default:
            if (line_start && p[i] == '*' && i + 1 < len && is_space(p[i + 1]))
                gap |= ATS_GAP_BULLET;
            gap |= ATS_GAP_STOP;
            break;
        }
        if (c != C_SPACE && c != C_NEWLINE && c != C_BREAK)
            line_start = false;
        i += n;
    }
}

void ats_tokens_free(struct ats_tokens *t)
{
    free(t->v);
    free(t->lower);
    free(t->orig);
}

char *ats_key_of(const char *text)
{
    struct ats_tokens t;
    size_t len = 0;
    char *key = mem_alloc(strlen(text) + 1);

    ats_tokenize(&t, text);
    for (size_t i = 0; i < t.n; i++) {
        size_t l = strlen(t.v[i].s);

        if (len > 0)
            key[len++] = ' ';
        memcpy(key + len, t.v[i].s, l);
        len += l;
    }
    key[len] = '\0';
    ats_tokens_free(&t);
    return key;
}

/* ---- sets of strings ------------------------------------------------------------------ */

static size_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return (size_t)h;
}

static size_t set_cell(const struct ats_set *x, const char *s)
{
    size_t i = hash(s) & (x->cap - 1);

    while (x->key[i] != NULL && strcmp(x->key[i], s) != 0)
        i = (i + 1) & (x->cap - 1);
    return i;
}

size_t ats_set_get(const struct ats_set *x, const char *s)
{
    size_t i;

    if (x->cap == 0)
        return SIZE_MAX;
    i = set_cell(x, s);
    return x->key[i] ? x->val[i] : SIZE_MAX;
}

bool ats_set_add(struct ats_set *x, const char *s, size_t v)
{
    size_t i;

    if (2 * (x->n + 1) > x->cap) {
        size_t cap = x->cap ? 2 * x->cap : 64;
        struct ats_set grown = {mem_calloc(cap, sizeof(char *)), mem_calloc(cap, sizeof(size_t)), 0,
                            cap};

        for (size_t k = 0; k < x->cap; k++)
            if (x->key[k] != NULL)
                ats_set_add(&grown, x->key[k], x->val[k]);
        free(x->key);
        free(x->val);
        *x = grown;
    }
    i = set_cell(x, s);
    if (x->key[i] != NULL)
        return false;
    x->key[i] = s;
    x->val[i] = v;
    x->n++;
    return true;
}

void ats_set_free(struct ats_set *x)
{
    free(x->key);
    free(x->val);
}

/*
 * ats_text.h - the one tokenizer of the keyword score (src/model/ats.c):
 * job descriptions, resumes and the word lists all go through it, so a
 * word means the same thing wherever it is written.
 *
 * A token is a run of letters, digits, '+', '#' and '.' ("c++", "c#",
 * "node.js", ".net"; sentence-ending dots and leading '+'/'#' trimmed),
 * in lower case (ASCII only), with the token as written beside it.  What
 * separated it from the token before is kept as flags, because the
 * separator carries meaning: a phrase never spans a comma, "go-to" is one
 * compound while "Java/Go" is a list, a line that opens with a bullet is
 * no heading.  Addresses (URLs, e-mail) are skipped whole; UTF-8
 * punctuation (dashes, bullets, curly quotes, currency) separates words.
 * Also the string set the score keeps its words in.
 */
#ifndef JT_ATS_TEXT_H
#define JT_ATS_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Between two resume strings: a phrase never spans it. */
#define ATS_BREAK '\x01'

/* What lies between a token and the one before it (none: spaces only). */
enum {
    ATS_GAP_SPACE = 0,
    ATS_GAP_GLUED = 1 << 0,    /* '-' or an apostrophe, no space: go-to, bachelor's */
    ATS_GAP_JOIN = 1 << 1,     /* '/' or '&', or a spaced dash: CI/CD, R&D, Java/Go */
    ATS_GAP_COMMA = 1 << 2,    /* ',', '|', a dash or bullet character */
    ATS_GAP_STOP = 1 << 3,     /* other punctuation: ( ) " * and skipped addresses */
    ATS_GAP_COLON = 1 << 4,
    ATS_GAP_SENTENCE = 1 << 5, /* '.', '!', '?', ';' or a new line: a sentence starts here */
    ATS_GAP_LINE = 1 << 6,
    ATS_GAP_BREAK = 1 << 7,    /* ATS_BREAK: another resume string */
    ATS_GAP_BULLET = 1 << 8,   /* the line opens with a bullet ("- ", "* ", "•") */
    ATS_GAP_PARAGRAPH = 1 << 9, /* an empty line before this one */
};

struct ats_token {
    char *s;          /* lower case, NUL-terminated, in the tokens' buffer */
    const char *orig; /* the same token as written */
    unsigned gap;     /* ATS_GAP_* flags; the first token has LINE | SENTENCE */
};

struct ats_tokens {
    struct ats_token *v;
    size_t n, cap;
    char *lower, *orig; /* owned buffers the tokens point into */
};

/* Split text (borrowed) into t; release with ats_tokens_free(). */
void ats_tokenize(struct ats_tokens *t, const char *text);
void ats_tokens_free(struct ats_tokens *t);

/* The words of text as one key, one space apart ("CI/CD" -> "ci cd"),
 * in new memory. */
char *ats_key_of(const char *text);

/* A set of strings (borrowed), each with a value: open addressing,
 * FNV-1a, no seed, so the same input walks the same cells every time.
 * Zero-initialise; release with ats_set_free(). */
struct ats_set {
    const char **key;
    size_t *val;
    size_t n, cap;
};

/* s's value, or SIZE_MAX when s is not in x. */
size_t ats_set_get(const struct ats_set *x, const char *s);
/* Add s with value v; false (and nothing changed) when s was there. */
bool ats_set_add(struct ats_set *x, const char *s, size_t v);
void ats_set_free(struct ats_set *x);

#endif

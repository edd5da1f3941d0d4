/*
 * ats_vocab.c - the vocabulary index and the word rules of the keyword
 * score (see ats_vocab.h; the why of it all is at the top of ats.c).
 *
 * Each variant of ats_vocabulary is put through the texts' tokenizer into
 * a key ("CI/CD" -> "ci cd") and hashed; a lookup at a token builds the
 * key of the next few tokens the same way.  Words that open no phrase
 * (most words) are looked up alone, so the cost per token is one or two
 * hash probes.
 */
#include "model/ats_vocab.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "model/ats_words.h"

/* A key longer than this is no entry of ours. */
#define KEY_MAX 96

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the vocabulary, indexed once ----------------------------------------------------- */

struct entry {
    char *key;         /* lower-case words, one space apart */
    const char *exact; /* a single word that counts only as written ("OR", "SAFe") */
    const char *term;  /* the canonical name */
    bool name;         /* '~': counts only where written as a name */
};

static struct {
    struct entry *v;
    size_t n;
    struct ats_set keys;   /* entry key -> its index in v */
    struct ats_set never;  /* ats_never */
    struct ats_set firsts; /* the first words of entries of several words */
} vocab;

/* One '|'-separated variant of an entry into vocab.v. */
static void add_variant(const char *v, size_t len, const char *term)
{
    struct entry *e = &vocab.v[vocab.n++];
    char *text = mem_strndup(v, len);
    const char *w = text;

    e->name = *w == '~';
    w += e->name;
    e->key = ats_key_of(w);
    e->exact = NULL;
    for (const char *c = w; *c; c++)
        if (*c >= 'A' && *c <= 'Z') {
            e->exact = mem_strdup(w);
            break;
        }
    e->term = term;
    free(text);
}

/* Parse ats_vocabulary once per process; the table lives as long. */
void ats_vocab_load(void)
{
    size_t cap = 0;

    if (vocab.v != NULL)
        return;
    for (size_t i = 0; i < ats_vocabulary_count; i++)
        for (const char *c = ats_vocabulary[i]; *c; c++)
            cap += *c == '|';
    vocab.v = mem_calloc(cap + ats_vocabulary_count, sizeof(*vocab.v));
    for (size_t i = 0; i < ats_vocabulary_count; i++) {
        const char *s = ats_vocabulary[i], *bar = strchr(s, '|');
        size_t first = bar ? (size_t)(bar - s) : strlen(s);
        char *term = mem_strndup(s + (*s == '~'), first - (*s == '~'));

        for (char *c = term; *c; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c = (char)(*c - 'A' + 'a');
        for (;;) {
            size_t len = strcspn(s, "|");

            add_variant(s, len, term);
            if (s[len] == '\0')
                break;
            s += len + 1;
        }
    }
    for (size_t i = 0; i < vocab.n; i++) {
        size_t len = strcspn(vocab.v[i].key, " ");

        ats_set_add(&vocab.keys, vocab.v[i].key, i);
        if (vocab.v[i].key[len] != '\0') {
            char *first = mem_strndup(vocab.v[i].key, len);

            if (!ats_set_add(&vocab.firsts, first, 0))
                free(first);
        }
    }
    for (size_t i = 0; i < ats_never_count; i++)
        ats_set_add(&vocab.never, ats_never[i], 0);
}

static const struct entry *vocab_find(const char *key)
{
    size_t i = ats_set_get(&vocab.keys, key);

    return i == SIZE_MAX ? NULL : &vocab.v[i];
}

/* Does some entry of several words start with word?  Most words start
 * none, and then only the one-word key is worth building. */
bool ats_opens_phrase(const char *word)
{
    return ats_set_get(&vocab.firsts, word) != SIZE_MAX;
}

bool ats_is_never(const char *word)
{
    return ats_set_get(&vocab.never, word) != SIZE_MAX;
}

/* ---- matching the vocabulary at a token ----------------------------------------------- */

/* Words after which a name-like skill opening a sentence is a verb or a
 * noun of English ("Go beyond", "Excel at", "Access to", "Teams of"). */
static const char *const english_followers[] = {
    "a", "above", "ahead", "an", "as", "at", "away", "back", "beyond", "by", "for",
    "forth", "from", "further", "in", "into", "it", "of", "on", "our", "out", "over", "that",
    "the", "their", "this", "through", "to", "up", "with", "you", "your",
};

/* Words that a letter follows as a grade, a round, a type: "Series C". */
static const char *const lettered[] = {
    "appendix", "category", "class", "grade", "group", "level", "option", "part", "phase",
    "plan", "round", "section", "series", "tier", "type", "vitamin",
};

static bool in(const char *const *list, size_t n, const char *w)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], w) == 0)
            return true;
    return false;
}

static bool english_follower(const char *w)
{
    return in(english_followers, COUNT(english_followers), w);
}

static bool is_lettered(const char *w)
{
    return in(lettered, COUNT(lettered), w);
}

bool ats_conjunction(const char *w)
{
    return strcmp(w, "and") == 0 || strcmp(w, "or") == 0;
}

/* Is token i an item of a list (or a string of its own), so that even in
 * lower case it names the skill?  "python, go and rust", "go/rust". */
static bool list_item(const struct ats_tokens *t, size_t i, bool last)
{
    const unsigned sep = ATS_GAP_COMMA | ATS_GAP_JOIN | ATS_GAP_LINE;
    bool before = i == 0 || (t->v[i].gap & sep) ||
                  (t->v[i].gap == ATS_GAP_SPACE && ats_conjunction(t->v[i - 1].s));
    bool after = last || (t->v[i + 1].gap & (sep | ATS_GAP_SENTENCE | ATS_GAP_STOP)) ||
                 (t->v[i + 1].gap == ATS_GAP_SPACE && ats_conjunction(t->v[i + 1].s));

    return before && after;
}

bool ats_capitalised(const struct ats_token *k)
{
    return k->orig[0] >= 'A' && k->orig[0] <= 'Z';
}

/* Does a one-word entry's condition hold for token i? */
static bool fits(const struct ats_tokens *t, size_t i, const struct entry *e)
{
    const struct ats_token *k = &t->v[i];
    bool last = i + 1 == t->n || (t->v[i + 1].gap & ATS_GAP_BREAK);

    if (e->exact != NULL) /* "Portland, OR" is a state, not an operating room */
        return strcmp(k->orig, e->exact) == 0 &&
               !(strlen(k->orig) == 2 && (k->gap & ATS_GAP_COMMA) && i > 0 &&
                 ats_capitalised(&t->v[i - 1]));
    if (!e->name)
        return true;
    if ((k->gap & ATS_GAP_GLUED) || (!last && (t->v[i + 1].gap & ATS_GAP_GLUED)))
        return false; /* go-to, C-suite */
    if (!ats_capitalised(k))
        return list_item(t, i, last); /* "python, go, rust" */
    if (k->s[1] == '\0' && i > 0 && k->gap == ATS_GAP_SPACE && is_lettered(t->v[i - 1].s))
        return false; /* Series C, Grade C, Plan R */
    if ((i == 0 || (k->gap & ATS_GAP_SENTENCE)) && !last && t->v[i + 1].gap == ATS_GAP_SPACE)
        return !english_follower(t->v[i + 1].s);
    return true;
}

/* The entry for tokens [i, i + n), where a phrase may span their gaps. */
static const struct entry *lookup(const struct ats_tokens *t, size_t i, size_t n)
{
    char key[KEY_MAX + 2];
    size_t len = 0;
    const struct entry *e;

    for (size_t k = i; k < i + n; k++) {
        size_t l = strlen(t->v[k].s);

        if (k > i && (t->v[k].gap & ~(ATS_GAP_GLUED | ATS_GAP_JOIN)) != 0)
            return NULL;
        if (len + l + 1 > KEY_MAX)
            return NULL;
        if (k > i)
            key[len++] = ' ';
        memcpy(key + len, t->v[k].s, l);
        len += l;
    }
    key[len] = '\0';
    e = vocab_find(key);
    if (e == NULL && len > 3 && key[len - 1] == 's' && key[len - 2] != 's' &&
        key[len - 2] != ' ') { /* "APIs", "databases" */
        key[len - 1] = '\0';
        e = vocab_find(key);
    }
    if (e != NULL && n == 1 && !fits(t, i, e))
        return NULL;
    return e;
}

/* The longest entry starting at token i; *span gets its length in tokens. */
static const struct entry *longest(const struct ats_tokens *t, size_t i, size_t *span)
{
    for (size_t n = ats_opens_phrase(t->v[i].s) ? ATS_MAX_WORDS : 1; n > 0; n--) {
        const struct entry *e;

        if (i + n > t->n)
            continue;
        e = lookup(t, i, n);
        if (e != NULL) {
            *span = n;
            return e;
        }
    }
    return NULL;
}

/* ---- words that are terms without being in the vocabulary ----------------------------- */

bool ats_has_letter(const char *s)
{
    for (; *s; s++)
        if ((*s >= 'a' && *s <= 'z') || (unsigned char)*s >= 0x80)
            return true;
    return false;
}

/* The plural of an acronym is the acronym: "SLAs" -> sla (in place). */
bool ats_acronym_plural(struct ats_token *k)
{
    size_t len = strlen(k->orig);

    if (len < 4 || k->orig[len - 1] != 's')
        return false;
    for (size_t i = 0; i < len - 1; i++)
        if (!(k->orig[i] >= 'A' && k->orig[i] <= 'Z'))
            return false;
    k->s[len - 1] = '\0';
    return true;
}

/*
 * Does token k look like a technical name on its own?  An acronym (not
 * on a shouting line), CamelCase, a letter-led name with digits (S3,
 * EC2), a .js library or a name with '+' or '#'.  Domains, abbreviations
 * ("U.S.") and version-less numbers are not.  May shorten k->s: the
 * plural of an acronym is the acronym ("SLAs" -> sla).
 */
bool ats_technical(struct ats_token *k, bool shouting)
{
    const char *o = k->orig, *s = k->s;
    size_t len = strlen(s), upper = 0, digits = 0;
    bool camel = false;

    if (len < 2 || !ats_has_letter(s) || ats_is_never(s))
        return false;
    for (size_t i = 0; i < len; i++) {
        bool up = o[i] >= 'A' && o[i] <= 'Z';

        camel = camel || (up && i > 0 && o[i - 1] >= 'a' && o[i - 1] <= 'z');
        upper += up;
        digits += o[i] >= '0' && o[i] <= '9';
    }
    if (strchr(s, '+') || strchr(s, '#')) { /* not "5+", "$1M+", "GMT+1" */
        char word[16];
        size_t w = strcspn(s, "+#");

        snprintf(word, sizeof(word), "%.*s", (int)(w < sizeof(word) ? w : sizeof(word) - 1), s);
        return s[0] >= 'a' && s[0] <= 'z' && !ats_is_never(word);
    }
    if (strchr(s, '.'))
        return s[0] == '.' || (len > 3 && strcmp(s + len - 3, ".js") == 0);
    if (digits > 0)
        return s[0] >= 'a' && s[0] <= 'z' && !(s[0] == 'q' && len == 2);
    if (ats_acronym_plural(k))
        return !shouting && !ats_is_never(k->s);
    if (upper == len)
        return !shouting && len >= 3 && len <= 6;
    return camel;
}

const char *ats_vocab_at(const struct ats_tokens *t, size_t i, size_t n)
{
    const struct entry *e = lookup(t, i, n);

    return e ? e->term : NULL;
}

const char *ats_vocab_longest(const struct ats_tokens *t, size_t i, size_t *span)
{
    const struct entry *e = longest(t, i, span);

    return e ? e->term : NULL;
}

bool ats_vocab_known(const char *word)
{
    return vocab_find(word) != NULL;
}

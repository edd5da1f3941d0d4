/*
 * ats.c - the keyword match behind the local ATS score (see ats.h).
 *
 * Both texts go through one tokenizer, so "whole word" means "the same
 * token": a job description's "Java." and a resume's "java," are both the
 * token java, and javascript is another token.  Multi-word skills are
 * matched as runs of consecutive tokens that never cross from one resume
 * string into the next.  The word lists are data, below; changing them
 * changes scores, so the unit tests pin the behaviour that matters.
 *
 * Cost is near-linear in the two texts: the resume's tokens are indexed
 * once in a hash table, the description's terms are de-duplicated through
 * another and capped at ATS_MAX_TERMS (the answer says how many were cut),
 * and a phrase is tried only where its first word occurs.
 *
 * Deterministic by construction: no hashing with random seeds, no clock,
 * no locale (ASCII lower-casing only; bytes of other UTF-8 characters are
 * kept as word characters and compared as they are).
 */
#include "model/ats.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

/* Between two resume strings: a phrase never spans it. */
#define BREAK '\x01'

/* ---- data -------------------------------------------------------------------- */

/* English stop-words (the common NLTK list, with its contraction parts). */
static const char *const stop_words[] = {
    "a", "about", "above", "after", "again", "against", "ain", "all", "am", "an", "and",
    "any", "are", "aren", "as", "at", "be", "because", "been", "before", "being", "below",
    "between", "both", "but", "by", "can", "couldn", "d", "did", "didn", "do", "does",
    "doesn", "doing", "don", "down", "during", "each", "few", "for", "from", "further",
    "had", "hadn", "has", "hasn", "have", "haven", "having", "he", "her", "here", "hers",
    "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "isn", "it",
    "its", "itself", "just", "ll", "m", "ma", "me", "mightn", "more", "most", "mustn",
    "my", "myself", "needn", "no", "nor", "not", "now", "o", "of", "off", "on", "once",
    "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "re", "s",
    "same", "shan", "she", "should", "shouldn", "so", "some", "such", "t", "than", "that",
    "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they",
    "this", "those", "through", "to", "too", "under", "until", "up", "ve", "very", "was",
    "wasn", "we", "were", "weren", "what", "when", "where", "which", "while", "who",
    "whom", "why", "will", "with", "won", "wouldn", "y", "you", "your", "yours",
    "yourself", "yourselves", "also", "across", "could", "etc", "e.g", "i.e", "may",
    "must", "per", "us", "via", "within", "would", "without", "upon", "yet",
};

/* Words every job advert uses that say nothing about the job. */
static const char *const filler_words[] = {
    "ability", "able", "apply", "benefits", "candidate", "candidates", "company",
    "environment", "excellent", "experience", "experienced", "familiarity", "good", "great",
    "hands", "help", "highly", "ideal", "including", "join", "job", "knowledge", "least",
    "looking", "minimum", "need", "needed", "needs", "new", "offer", "opportunity", "plus",
    "position", "preferred", "proficiency", "proficient", "related", "required",
    "requirements", "responsibilities", "responsible", "role", "skill", "skills", "solid",
    "strong", "team", "teams", "understanding", "use", "using", "well", "work", "working",
    "year", "years",
};

/* Skills whose words mean the skill only together (lower case, one space). */
static const char *const phrases[] = {
    "agile methodologies", "amazon web services", "big data", "business intelligence",
    "cloud computing", "computer vision", "continuous delivery", "continuous deployment",
    "continuous integration", "customer service", "customer success", "data analysis",
    "data engineering", "data science", "data structures", "data visualization",
    "deep learning", "digital marketing", "distributed systems", "financial analysis",
    "google cloud", "integration testing", "machine learning", "microsoft azure",
    "natural language processing", "object oriented programming", "power bi",
    "problem solving", "product management", "program management", "project management",
    "public speaking", "quality assurance", "react native", "rest api", "restful api",
    "risk management", "ruby on rails", "search engine optimization", "social media",
    "software development", "software engineering", "spring boot", "sql server",
    "stakeholder management", "supply chain", "system design", "technical support",
    "test automation", "time management", "unit testing", "user experience",
    "user interface", "version control",
};

/* Single letters that are skills (the languages C and R). */
static const char *const letter_terms[] = {"c", "r"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool listed(const char *const *list, size_t n, const char *word)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], word) == 0)
            return true;
    return false;
}

/* ---- tokens ------------------------------------------------------------------- */

/* Token pointers into one lower-cased buffer; NULL entries are breaks. */
struct tokens {
    char *buf;
    char **v;
    size_t n, cap;
};

static bool is_letter(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || c >= 0x80;
}

static bool is_word_byte(unsigned char c)
{
    return is_letter(c) || (c >= '0' && c <= '9') || c == '+' || c == '#' || c == '.';
}

static bool push(struct tokens *t, char *tok)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        t->v = mem_realloc(t->v, cap * sizeof(*t->v));
        t->cap = cap;
    }
    t->v[t->n++] = tok;
    return true;
}

/*
 * Split t->buf (owned, lower-cased here) into tokens: runs of letters,
 * digits, '+', '#' and '.', with leading '+'/'#' and any '.' not followed
 * by a letter trimmed from the front ("#rust" -> rust, ".net" stays), and
 * trailing dots trimmed (sentence ends).  BREAK bytes become NULL tokens.
 */
static bool tokenize(struct tokens *t)
{
    char *p = t->buf;

    for (char *c = p; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    while (*p != '\0') {
        char *s, *e, end;

        if (*p == BREAK) {
            if (!push(t, NULL))
                return false;
            p++;
            continue;
        }
        if (!is_word_byte((unsigned char)*p)) {
            p++;
            continue;
        }
        s = p;
        while (*p != '\0' && is_word_byte((unsigned char)*p))
            p++;
        e = p;
        while (s < e && (*s == '+' || *s == '#' ||
                         (*s == '.' && !(s + 1 < e && is_letter((unsigned char)s[1])))))
            s++;
        while (e > s && e[-1] == '.')
            e--;
        if (s == e)
            continue;
        end = *e;
        *e = '\0';
        if (!push(t, s))
            return false;
        if (e == p && end != '\0') { /* the terminator took the separator's place */
            if (end == BREAK && !push(t, NULL))
                return false;
            p++;
        }
    }
    return true;
}

static void tokens_free(struct tokens *t)
{
    free(t->buf);
    free(t->v);
}

/* Words of phrase (space-separated) equal tokens i, i+1, ...?  Returns the
 * number of tokens matched, 0 when not. */
static size_t match_at(const struct tokens *t, size_t i, const char *phrase)
{
    size_t k = 0;

    for (const char *w = phrase;; k++) {
        size_t wl = strcspn(w, " ");
        const char *tok = i + k < t->n ? t->v[i + k] : NULL;

        if (tok == NULL || strlen(tok) != wl || memcmp(tok, w, wl) != 0)
            return 0;
        if (w[wl] == '\0')
            return k + 1;
        w += wl + 1;
    }
}

/* ---- index --------------------------------------------------------------------- */

/*
 * An open-addressing hash table from a token to the first of its
 * positions in a token list; next[] chains each position to the following
 * one of the same token.  FNV-1a, no seed: deterministic.  Keys are
 * borrowed from the tokens' buffer.
 */
struct index {
    const char **key;
    size_t *head;  /* first position of key[i] */
    size_t *next;  /* next position of the same token, or SIZE_MAX */
    size_t cap;    /* a power of two, at least twice the number of keys */
};

#define NONE ((size_t)-1)

static size_t hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL;

    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return (size_t)h;
}

/* The table's cell for (s, len): the key's, or the empty one where it goes. */
static size_t cell(const struct index *x, const char *s, size_t len)
{
    size_t i = hash(s, len) & (x->cap - 1);

    while (x->key[i] != NULL && !(strncmp(x->key[i], s, len) == 0 && x->key[i][len] == '\0'))
        i = (i + 1) & (x->cap - 1);
    return i;
}

static void index_build(struct index *x, const struct tokens *t)
{
    x->cap = 16;
    while (x->cap < 2 * t->n + 2)
        x->cap *= 2;
    x->key = mem_calloc(x->cap, sizeof(*x->key));
    x->head = mem_calloc(x->cap, sizeof(*x->head));
    x->next = mem_calloc(t->n ? t->n : 1, sizeof(*x->next));
    for (size_t i = t->n; i-- > 0;) { /* backwards, so that chains run forwards */
        size_t c;

        if (t->v[i] == NULL)
            continue;
        c = cell(x, t->v[i], strlen(t->v[i]));
        x->next[i] = x->key[c] ? x->head[c] : NONE;
        x->key[c] = t->v[i];
        x->head[c] = i;
    }
}

static void index_free(struct index *x)
{
    free(x->key);
    free(x->head);
    free(x->next);
}

/* Does term (a token, or a phrase of space-separated words) occur in t,
 * indexed by x?  A phrase is tried only where its first word occurs. */
static bool contains(const struct tokens *t, const struct index *x, const char *term)
{
    size_t len = strcspn(term, " ");
    size_t c = cell(x, term, len);

    if (x->key[c] == NULL)
        return false;
    if (term[len] == '\0')
        return true;
    for (size_t i = x->head[c]; i != NONE; i = x->next[i])
        if (match_at(t, i, term) > 0)
            return true;
    return false;
}

/* A set of strings (borrowed), for the job description's terms. */
struct set {
    const char **key;
    size_t n, cap;
};

/* Add s; false when it was there already. */
static bool set_add(struct set *x, const char *s)
{
    size_t i;

    if (2 * (x->n + 1) > x->cap) {
        struct set grown = {mem_calloc(x->cap ? 2 * x->cap : 64, sizeof(char *)), 0,
                            x->cap ? 2 * x->cap : 64};

        for (size_t k = 0; k < x->cap; k++)
            if (x->key[k] != NULL)
                set_add(&grown, x->key[k]);
        free(x->key);
        *x = grown;
    }
    i = hash(s, strlen(s)) & (x->cap - 1);
    while (x->key[i] != NULL) {
        if (strcmp(x->key[i], s) == 0)
            return false;
        i = (i + 1) & (x->cap - 1);
    }
    x->key[i] = s;
    x->n++;
    return true;
}

/* ---- resume text -------------------------------------------------------------- */

struct text {
    char *p;
    size_t len, cap;
};

static void append(struct text *b, const char *s, size_t n)
{
    if (b->len + n + 2 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;

        while (b->len + n + 2 > cap)
            cap *= 2;
        b->p = mem_realloc(b->p, cap);
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len++] = BREAK;
    b->p[b->len] = '\0';
}

/* Every string in v, each followed by a BREAK. */
static void collect_strings(json_t *v, struct text *b)
{
    const char *key;
    json_t *child;
    size_t i;

    if (json_is_string(v))
        append(b, json_string_value(v), json_string_length(v));
    else if (json_is_object(v))
        json_object_foreach(v, key, child)
            collect_strings(child, b);
    else if (json_is_array(v))
        json_array_foreach(v, i, child)
            collect_strings(child, b);
}

/* ---- the score ----------------------------------------------------------------- */

static bool is_term(const char *tok)
{
    bool letter = false;

    for (const char *c = tok; *c; c++)
        letter = letter || is_letter((unsigned char)*c);
    if (!letter)
        return false; /* numbers: "5", "3+", "2024" */
    if (strlen(tok) == 1 && !listed(letter_terms, COUNT(letter_terms), tok))
        return false;
    return !listed(stop_words, COUNT(stop_words), tok) &&
           !listed(filler_words, COUNT(filler_words), tok);
}

/* The job description's terms, in order of first appearance, each once,
 * at most ATS_MAX_TERMS of them: borrowed pointers into jd's buffer or into
 * phrases[].  *ncut counts the distinct terms beyond the cap. */
static void job_terms(const struct tokens *jd, const char ***out, size_t *nout, size_t *ncut)
{
    const char **terms = NULL;
    struct set seen = {0};
    size_t n = 0, cut = 0;

    for (size_t i = 0; i < jd->n; i++) {
        const char *term = NULL;
        size_t span = 1, best = 0;

        if (jd->v[i] == NULL)
            continue;
        for (size_t p = 0; p < COUNT(phrases); p++) {
            size_t k = match_at(jd, i, phrases[p]);

            if (k > best) {
                best = k;
                term = phrases[p];
            }
        }
        if (term != NULL)
            span = best;
        else if (is_term(jd->v[i]))
            term = jd->v[i];
        i += span - 1;
        if (term == NULL || !set_add(&seen, term))
            continue;
        if (n == ATS_MAX_TERMS) {
            cut++;
            continue;
        }
        if ((n & (n - 1)) == 0) /* grow at 0, 1, 2, 4, 8, ... */
            terms = mem_realloc(terms, (n ? 2 * n : 1) * sizeof(*terms));
        terms[n++] = term;
    }
    free(seen.key);
    *out = terms;
    *nout = n;
    *ncut = cut;
}

json_t *ats_score(json_t *resume, const char *job_description)
{
    struct tokens jd = {0}, cv = {0};
    struct text text = {0};
    const char **terms = NULL;
    json_t *found = json_array(), *missing = json_array(), *out = NULL;
    struct index index = {0};
    size_t nterms = 0, nfound = 0, ncut = 0;

    jd.buf = mem_strdup(job_description ? job_description : "");
    collect_strings(resume, &text);
    cv.buf = text.p ? text.p : mem_strdup("");
    if (found == NULL || missing == NULL || !tokenize(&jd) || !tokenize(&cv))
        goto done;
    job_terms(&jd, &terms, &nterms, &ncut);
    index_build(&index, &cv);

    for (size_t i = 0; i < nterms; i++) {
        bool hit = contains(&cv, &index, terms[i]);

        if (json_array_append_new(hit ? found : missing, json_string(terms[i])) != 0)
            goto done;
        nfound += hit;
    }
    out = json_pack("{s:I, s:O, s:O, s:s}", "score",
                    (json_int_t)(nterms ? (200 * nfound + nterms) / (2 * nterms) : 0),
                    "found", found, "missing", missing, "method", "keyword");
    if (out != NULL && ncut > 0 &&
        json_object_set_new(out, "truncated", json_pack("{s:I}", "terms", (json_int_t)ncut)) != 0) {
        json_decref(out);
        out = NULL;
    }
done:
    index_free(&index);
    free(terms);
    tokens_free(&jd);
    tokens_free(&cv);
    json_decref(found);
    json_decref(missing);
    return out;
}

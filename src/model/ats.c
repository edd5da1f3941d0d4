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
 * Deterministic by construction: no hashing with random seeds, no clock,
 * no locale (ASCII lower-casing only; bytes of other UTF-8 characters are
 * kept as word characters and compared as they are).
 */
#include "model/ats.h"

#include <stdbool.h>
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

static bool contains(const struct tokens *t, const char *term)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i] != NULL && match_at(t, i, term) > 0)
            return true;
    return false;
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

/* The job description's terms, in order of first appearance, each once:
 * borrowed pointers into jd's buffer or into phrases[]. */
static bool job_terms(const struct tokens *jd, const char ***out, size_t *nout)
{
    const char **terms = NULL;
    size_t n = 0;

    for (size_t i = 0; i < jd->n; i++) {
        const char *term = NULL;
        size_t span = 1, best = 0, dup = 0;

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
        if (term == NULL)
            continue;
        while (dup < n && strcmp(terms[dup], term) != 0)
            dup++;
        if (dup < n)
            continue;
        if ((n & (n - 1)) == 0) { /* grow at 0, 1, 2, 4, 8, ... */
            terms = mem_realloc(terms, (n ? 2 * n : 1) * sizeof(*terms));
        }
        terms[n++] = term;
    }
    *out = terms;
    *nout = n;
    return true;
}

json_t *ats_score(json_t *resume, const char *job_description)
{
    struct tokens jd = {0}, cv = {0};
    struct text text = {0};
    const char **terms = NULL;
    json_t *found = json_array(), *missing = json_array(), *out = NULL;
    size_t nterms = 0, nfound = 0;

    jd.buf = mem_strdup(job_description ? job_description : "");
    collect_strings(resume, &text);
    cv.buf = text.p ? text.p : mem_strdup("");
    if (found == NULL || missing == NULL || !tokenize(&jd) || !tokenize(&cv) || !job_terms(&jd, &terms, &nterms))
        goto done;

    for (size_t i = 0; i < nterms; i++) {
        bool hit = contains(&cv, terms[i]);

        if (json_array_append_new(hit ? found : missing, json_string(terms[i])) != 0)
            goto done;
        nfound += hit;
    }
    out = json_pack("{s:I, s:O, s:O, s:s}", "score",
                    (json_int_t)(nterms ? (200 * nfound + nterms) / (2 * nterms) : 0),
                    "found", found, "missing", missing, "method", "keyword");
done:
    free(terms);
    tokens_free(&jd);
    tokens_free(&cv);
    json_decref(found);
    json_decref(missing);
    return out;
}

/*
 * ats.c - the keyword match behind the local ATS score (see ats.h).
 *
 * Why a vocabulary and not "every word but the stop words": a real advert
 * is half boilerplate (who the company is, where the office is, the pay,
 * the holidays, the equal-opportunity paragraph), and a score that counts
 * "competitive", "salary" and the city as missing skills says nothing.  A
 * recruiter's screening tool looks for the requirements: skills, tools,
 * certifications, degrees.  So a term is either in the vocabulary
 * (src/model/ats_words.c, which also maps spellings to one name:
 * Postgres is PostgreSQL, k8s is Kubernetes) or looks technical on its
 * own (an acronym, C++, Node.js, a CamelCase or version-numbered name, a
 * capitalised name in a list beside known skills).  Common words never are.
 *
 * Why sections: adverts say what is required and what is a bonus in
 * headings ("Nice to have:") or sentences ("Terraform is a plus"), and
 * say the rest in headings too ("What we offer", "About Acme").  Terms
 * under a dropped heading, or in a sentence about pay or equal
 * opportunity, are not terms; preferred terms weigh 1 and all others 2,
 * so missing a bonus costs half of missing a requirement.  A dropped
 * section ends at the next heading, or at a paragraph after its own
 * ("About us", its paragraph, then the job without a heading).  The
 * company's name (from "About X", "Join X", "X builds", "X is hiring",
 * "At X,") is dropped too, wherever it appears: no resume should be asked
 * to contain it.  So are the title lines' unknown words (the first short
 * lines name the job, the employer and the place).
 *
 * Why one tokenizer for both texts: "found" must mean the same thing on
 * both sides.  A resume's terms are found by the same vocabulary, so a
 * resume saying PostgreSQL satisfies an advert saying Postgres; and the
 * same rules for words that are also English ("Go" counts where it is
 * written as a name, never in "go-to"), so java is not javascript.
 *
 * Why these limits on "the company": the name is found only by the
 * patterns above, and a run of capitalised words that names a skill is
 * never taken for it ("Follow ITIL practices"), so a company called
 * "Northstar Analytics" still yields analytics.  Better a company's word
 * counted than a skill lost.
 *
 * Cost is linear in the two texts: each token costs one or two hash
 * lookups in the vocabulary (ats_vocab.c; more only where a phrase may
 * start), each line's first word is compared with the headings', each
 * word with the cues' first words; terms are de-duplicated through a hash
 * table and capped at ATS_MAX_TERMS.  Deterministic: no seeds, no clock,
 * no locale (ASCII case only; other UTF-8 letters are compared as bytes,
 * and UTF-8 punctuation such as dashes and bullets separates words).
 */
#include "model/ats.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "model/ats_text.h"
#include "model/ats_vocab.h"
#include "model/ats_words.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the job description: sections, sentences, company ------------------------------- */

/* Per token of the job description: what it counts as. */
struct mark {
    const char *term;   /* the term starting here, or NULL */
    bool vocab;         /* term is a canonical vocabulary name */
    bool preferred;
    bool dropped;       /* boilerplate: no term here */
    bool company;
    bool covered;       /* inside a term that starts before */
    bool shout;         /* on a line in capitals */
    bool header;        /* on one of the title lines */
};

/* Do the words of phrase (a key) equal tokens i...? Gaps are not checked
 * but a sentence's end is.  Returns the number of words, 0 when not. */
static size_t words_at(const struct ats_tokens *t, size_t i, size_t end, const char *phrase)
{
    size_t k = 0;

    for (const char *w = phrase;; k++) {
        size_t wl = strcspn(w, " ");

        if (i + k >= end || strlen(t->v[i + k].s) != wl || memcmp(t->v[i + k].s, w, wl) != 0)
            return 0;
        if (w[wl] == '\0')
            return k + 1;
        w += wl + 1;
    }
}

/* Headings and cues as keys, made once like the vocabulary. */
static char **heading_keys, **cue_keys;

static void phrases_load(void)
{
    if (heading_keys != NULL)
        return;
    heading_keys = mem_calloc(ats_headings_count, sizeof(char *));
    for (size_t i = 0; i < ats_headings_count; i++)
        heading_keys[i] = ats_key_of(ats_headings[i].words);
    cue_keys = mem_calloc(ats_sentence_cues_count, sizeof(char *));
    for (size_t i = 0; i < ats_sentence_cues_count; i++)
        cue_keys[i] = ats_key_of(ats_sentence_cues[i].words);
}

/* The company's name as the advert writes it, one run of words per
 * pattern that found it (a few suffice: the name repeats). */
#define COMPANY_RUNS 8

struct company {
    size_t start[COMPANY_RUNS], len[COMPANY_RUNS];
    size_t n;
};

/* The capitalised words from token i on (at most 4, in one run of words,
 * "&" and "-" allowed inside) are the company's name. */
static void company_at(const struct ats_tokens *t, size_t i, size_t end, struct company *c)
{
    size_t n = 0;

    if (i < end && strcmp(t->v[i].s, "the") == 0)
        i++;
    while (i + n < end && n < 4 && ats_capitalised(&t->v[i + n]) &&
           !(n == 0 && ats_is_never(t->v[i].s)) &&
           (n == 0 || (t->v[i + n].gap & ~(ATS_GAP_GLUED | ATS_GAP_JOIN)) == 0))
        n++;
    if (n > 0 && c->n < COMPANY_RUNS) {
        c->start[c->n] = i;
        c->len[c->n++] = n;
    }
}

/* Words after which "at X" names the employer ("here at Acme"). */
static const char *const at_employer[] = {
    "here", "us", "team", "career", "work", "working", "role", "position", "job", "engineers",
};

/*
 * A sentence that opens with the employer's name: "Acme builds ...",
 * "Acme Health is hiring", "Acme, the bank for ..., is".  The name is the
 * capitalised words before a lower-case verb ending in s (is, has,
 * builds) or before ", a"/", the"; never words that name a skill
 * ("Python is a must", "Follow ITIL practices").
 */
static void company_opening(const struct ats_tokens *t, size_t s, struct company *c)
{
    size_t e = s;

    while (e < t->n && e - s < 4 && ats_capitalised(&t->v[e]) &&
           (e == s || (t->v[e].gap & ~(ATS_GAP_GLUED | ATS_GAP_JOIN)) == 0))
        e++;
    for (size_t k = s; k < e; k++)
        if (ats_vocab_at(t, k, 1) != NULL)
            return; /* better a company's word counted than a skill lost */
    if (e == s || e >= t->n)
        return;
    if (t->v[e].gap == ATS_GAP_SPACE && !ats_capitalised(&t->v[e])) {
        const char *v = t->v[e].s;
        size_t len = strlen(v);

        if ((len >= 2 && v[len - 1] == 's' && v[len - 2] != 's') || strcmp(v, "are") == 0)
            company_at(t, s, e, c);
    } else if ((t->v[e].gap & ATS_GAP_COMMA) && !(t->v[e].gap & ATS_GAP_SENTENCE) &&
               (strcmp(t->v[e].s, "a") == 0 || strcmp(t->v[e].s, "an") == 0 ||
                strcmp(t->v[e].s, "the") == 0)) {
        company_at(t, s, e, c);
    }
}

/* Do tokens i... read the run of company words at c's run r? */
static bool company_here(const struct ats_tokens *t, size_t i, const struct company *c, size_t r)
{
    if (i + c->len[r] > t->n)
        return false;
    for (size_t k = 0; k < c->len[r]; k++)
        if (strcmp(t->v[i + k].s, t->v[c->start[r] + k].s) != 0)
            return false;
    return true;
}

/* The company's name, by the patterns adverts use for it, marked
 * wherever the advert repeats it (the title line, "Acme's mission"). */
static void find_company(const struct ats_tokens *t, struct mark *m)
{
    struct company c = {0};

    for (size_t i = 0; i < t->n; i++) {
        const char *w = t->v[i].s;
        bool sentence = i == 0 || (t->v[i].gap & ATS_GAP_SENTENCE);
        bool employer = false;

        if (strcmp(w, "at") == 0 && i > 0)
            for (size_t k = 0; k < COUNT(at_employer); k++)
                employer = employer || strcmp(t->v[i - 1].s, at_employer[k]) == 0;
        if (strcmp(w, "join") == 0 || (strcmp(w, "at") == 0 && (sentence || employer)) ||
            (strcmp(w, "about") == 0 && sentence))
            company_at(t, i + 1, t->n, &c);
        else if (sentence)
            company_opening(t, i, &c);
    }
    for (size_t i = 0; i < t->n && c.n > 0; i++)
        for (size_t r = 0; r < c.n; r++)
            if (company_here(t, i, &c, r))
                for (size_t k = i; k < i + c.len[r]; k++)
                    m[k].company = true;
}

/* Is the line [s, e) a heading?  Returns its section, or -1; *after gets
 * the first token after the heading's words and its colon. */
static int heading(const struct ats_tokens *t, size_t s, size_t e, size_t *after)
{
    size_t colon = e;

    if (t->v[s].gap & ATS_GAP_BULLET)
        return -1;
    for (size_t k = s + 1; k < e && k - s <= 6; k++)
        if (t->v[k].gap & ATS_GAP_COLON) {
            colon = k;
            break;
        }
    if (colon == e && e - s > 6)
        return -1;
    for (size_t h = 0; h < ats_headings_count; h++) {
        size_t n = heading_keys[h][0] == t->v[s].s[0] ? words_at(t, s, colon, heading_keys[h]) : 0;
        bool about = ats_headings[h].section == ATS_SECTION_DROPPED &&
                     strcmp(heading_keys[h], "about") == 0;

        if (n == 0)
            continue;
        if (colon == e && colon - s > n + (about ? 4 : 1))
            return -1;
        *after = colon;
        return (int)ats_headings[h].section;
    }
    return -1;
}

/* A line where capitals are shouting, not acronyms: "WE ARE HIRING",
 * "GRAPHIC DESIGNER (MID-LEVEL)". */
static bool shouting(const struct ats_tokens *t, size_t s, size_t e)
{
    size_t words = 0;

    for (size_t k = s; k < e; k++) {
        const char *o = t->v[k].orig;

        for (const char *c = o; *c; c++)
            if (*c >= 'a' && *c <= 'z')
                return false;
        words += ats_has_letter(t->v[k].s);
        if (strlen(o) >= 2 && strlen(o) <= 4 && o[0] >= 'A' && o[0] <= 'Z' && ats_is_never(t->v[k].s))
            return true;
    }
    return words >= 2;
}

/* The first lines of an advert, when short and without sentences, are its
 * title, employer and place: names there are not skills unless known. */
#define HEADER_LINES 3
#define HEADER_TOKENS 12

static bool header(const struct ats_tokens *t, size_t s, size_t e, size_t line)
{
    if (line >= HEADER_LINES || e - s > HEADER_TOKENS)
        return false;
    for (size_t k = s + 1; k < e; k++)
        if (t->v[k].gap & ATS_GAP_SENTENCE)
            return false;
    return true;
}

/* Sections by headings, line by line; then each sentence's cues. */
static void find_sections(const struct ats_tokens *t, struct mark *m)
{
    int section = ATS_SECTION_REQUIRED;
    size_t line = 0;
    bool content = false; /* the section has lines beyond its heading */

    for (size_t s = 0, e; s < t->n; s = e, line++) {
        size_t after = s;
        int h, kind;
        bool shout, head;

        for (e = s + 1; e < t->n && !(t->v[e].gap & ATS_GAP_LINE); e++)
            ;
        h = heading(t, s, e, &after);
        if (h < 0 && section == ATS_SECTION_DROPPED && content &&
            (t->v[s].gap & ATS_GAP_PARAGRAPH) && !(t->v[s].gap & ATS_GAP_BULLET))
            section = ATS_SECTION_REQUIRED; /* "About us", a paragraph, then the job */
        content = h < 0 || after < e;
        if (h >= 0 && after == e)
            section = h;
        kind = h >= 0 ? h : section;
        shout = shouting(t, s, e);
        head = header(t, s, e, line);
        for (size_t k = s; k < e; k++) {
            m[k].dropped = k < after || kind == ATS_SECTION_DROPPED;
            m[k].preferred = kind == ATS_SECTION_PREFERRED;
            m[k].shout = shout;
            m[k].header = head;
        }
    }
    for (size_t s = 0, e; s < t->n; s = e) {
        int cue = -1;

        for (e = s + 1; e < t->n && !(t->v[e].gap & ATS_GAP_SENTENCE); e++)
            ;
        for (size_t k = s; k < e && cue != ATS_SECTION_DROPPED; k++)
            for (size_t c = 0; c < ats_sentence_cues_count; c++)
                if (cue_keys[c][0] == t->v[k].s[0] && words_at(t, k, e, cue_keys[c]) > 0 &&
                    (cue < 0 || ats_sentence_cues[c].section == ATS_SECTION_DROPPED))
                    cue = (int)ats_sentence_cues[c].section;
        for (size_t k = s; k < e; k++) {
            m[k].dropped = m[k].dropped || cue == ATS_SECTION_DROPPED;
            m[k].preferred = m[k].preferred || cue == ATS_SECTION_PREFERRED;
        }
    }
}

/* A gap inside a list: a comma, a slash or spaces, within one sentence. */
static bool listed(unsigned gap)
{
    return (gap & ~(ATS_GAP_COMMA | ATS_GAP_JOIN | ATS_GAP_GLUED)) == 0;
}

/* Is token i next to a term in a list ("Terraform, Pulumi and Ansible")? */
static bool in_list(const struct ats_tokens *t, const struct mark *m, size_t i)
{
    size_t j;

    if (i > 0) {
        j = i - 1;
        if (ats_conjunction(t->v[j].s) && j > 0 && t->v[i].gap == ATS_GAP_SPACE &&
            listed(t->v[j].gap))
            j--;
        else if (!listed(t->v[i].gap) || t->v[i].gap == ATS_GAP_SPACE)
            j = SIZE_MAX;
        while (j != SIZE_MAX && j > 0 && m[j].covered)
            j--;
        if (j != SIZE_MAX && m[j].term != NULL)
            return true;
    }
    j = i + 1;
    if (j < t->n && t->v[j].gap == ATS_GAP_SPACE && !ats_conjunction(t->v[j].s))
        return false; /* a name of several words: "Series 79", "Looker Studio" */
    if (j >= t->n || !listed(t->v[j].gap))
        return false;
    if (ats_conjunction(t->v[j].s) && t->v[j].gap == ATS_GAP_SPACE && j + 1 < t->n &&
        t->v[j + 1].gap == ATS_GAP_SPACE)
        j++;
    else if (t->v[j].gap == ATS_GAP_SPACE)
        return false;
    return m[j].term != NULL;
}

/* What every token of the job description counts as. */
static void mark_terms(struct ats_tokens *t, struct mark *m)
{
    find_sections(t, m);
    find_company(t, m);
    for (size_t i = 0; i < t->n; i++) {
        size_t span = 1;
        const char *term = ats_vocab_longest(t, i, &span);

        if (term != NULL) {
            bool company = true;

            for (size_t k = i; k < i + span; k++)
                company = company && m[k].company;
            if (!company) {
                m[i].term = term;
                m[i].vocab = true;
                for (size_t k = i + 1; k < i + span; k++)
                    m[k].covered = true;
            }
            i += span - 1;
        } else if (!m[i].company && !m[i].header && ats_technical(&t->v[i], m[i].shout)) {
            m[i].term = t->v[i].s;
        }
    }
    for (size_t i = 0; i < t->n; i++) /* capitalised names in a list of skills */
        if (m[i].term == NULL && !m[i].company && !m[i].header && ats_capitalised(&t->v[i]) &&
            strlen(t->v[i].s) >= 3 && ats_has_letter(t->v[i].s) && !ats_is_never(t->v[i].s) &&
            !m[i].covered && !ats_vocab_known(t->v[i].s) && in_list(t, m, i)) {
            m[i].term = t->v[i].s;
        }
}

/* ---- the resume's terms ------------------------------------------------------------------ */

/* Every canonical name the resume's text names (in *names) and every
 * word of it, acronym plurals made singular (in *words). */
static void resume_terms(struct ats_tokens *t, struct ats_set *names, struct ats_set *words)
{
    for (size_t i = 0; i < t->n; i++) {
        size_t most = ats_opens_phrase(t->v[i].s) ? ATS_MAX_WORDS : 1;

        for (size_t n = 1; n <= most && i + n <= t->n; n++) {
            const char *term = ats_vocab_at(t, i, n);

            if (term != NULL)
                ats_set_add(names, term, 0);
        }
        ats_acronym_plural(&t->v[i]);
        ats_set_add(words, t->v[i].s, 0);
    }
}

/* ---- resume text -------------------------------------------------------------------------- */

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
    b->p[b->len++] = ATS_BREAK;
    b->p[b->len] = '\0';
}

/* Every string in v, each followed by a break. */
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

/* ---- the score ------------------------------------------------------------------------------ */

struct term {
    const char *name;
    bool vocab, preferred;
};

/* The job description's terms in order of first appearance, each once
 * (preferred only where every mention is), at most ATS_MAX_TERMS. */
static struct term *job_terms(const struct ats_tokens *t, const struct mark *m, size_t *nout,
                              size_t *ncut)
{
    struct term *terms = NULL;
    struct ats_set seen = {0};
    size_t n = 0;

    *ncut = 0;
    for (size_t i = 0; i < t->n; i++) {
        size_t at;

        if (m[i].term == NULL || m[i].dropped)
            continue;
        at = ats_set_get(&seen, m[i].term);
        if (at != SIZE_MAX) {
            if (at < n)
                terms[at].preferred = terms[at].preferred && m[i].preferred;
            continue;
        }
        ats_set_add(&seen, m[i].term, n < ATS_MAX_TERMS ? n : SIZE_MAX - 1);
        if (n == ATS_MAX_TERMS) {
            (*ncut)++;
            continue;
        }
        if ((n & (n - 1)) == 0) /* grow at 0, 1, 2, 4, 8, ... */
            terms = mem_realloc(terms, (n ? 2 * n : 1) * sizeof(*terms));
        terms[n++] = (struct term){m[i].term, m[i].vocab, m[i].preferred};
    }
    ats_set_free(&seen);
    *nout = n;
    return terms;
}

static json_t *answer(const struct term *terms, size_t n, const struct ats_set *names,
                      const struct ats_set *words, size_t ncut)
{
    json_t *found = json_array(), *missing = json_array(), *req = json_array(),
           *pref = json_array(), *out;
    size_t got = 0, total = 0;

    for (size_t i = 0; i < n; i++) {
        bool hit = ats_set_get(terms[i].vocab ? names : words, terms[i].name) != SIZE_MAX;
        size_t weight = terms[i].preferred ? 1 : 2;

        json_array_append_new(hit ? found : missing, json_string(terms[i].name));
        json_array_append_new(terms[i].preferred ? pref : req, json_string(terms[i].name));
        total += weight;
        got += hit ? weight : 0;
    }
    out = json_pack("{s:I, s:o, s:o, s:s, s:o, s:o}", "score",
                    (json_int_t)(total ? (200 * got + total) / (2 * total) : 0), "found", found,
                    "missing", missing, "method", "keyword", "required", req, "preferred", pref);
    if (out != NULL && ncut > 0 &&
        json_object_set_new(out, "truncated", json_pack("{s:I}", "terms", (json_int_t)ncut)) != 0) {
        json_decref(out);
        out = NULL;
    }
    return out;
}

json_t *ats_score(json_t *resume, const char *job_description)
{
    struct ats_tokens jd, cv;
    struct text text = {0};
    struct ats_set names = {0}, words = {0};
    struct mark *m;
    struct term *terms;
    size_t nterms, ncut;
    json_t *out;

    ats_vocab_load();
    phrases_load();
    ats_tokenize(&jd, job_description ? job_description : "");
    collect_strings(resume, &text);
    ats_tokenize(&cv, text.p ? text.p : "");
    free(text.p);

    m = mem_calloc(jd.n ? jd.n : 1, sizeof(*m));
    mark_terms(&jd, m);
    terms = job_terms(&jd, m, &nterms, &ncut);
    resume_terms(&cv, &names, &words);
    out = answer(terms, nterms, &names, &words, ncut);

    ats_set_free(&names);
    ats_set_free(&words);
    free(terms);
    free(m);
    ats_tokens_free(&jd);
    ats_tokens_free(&cv);
    return out;
}

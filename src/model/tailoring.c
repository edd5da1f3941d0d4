/*
 * tailoring.c - a tailoring's suggestions as paths, the pairing of
 * tailored highlights with the originals they rewrite, the check of a
 * person's choice and the resume it makes (tailoring.h).
 *
 * Why the pairing: the model is asked for each entry's highlights "most
 * relevant first", so the J-th tailored line is seldom the J-th original.
 * The page shows each tailored line beside the original it rewrites, and
 * a rejected line must give that original back, so the pairing is made
 * here, once, for both (routes/resumes_tailor.c sends it as each work
 * entry's "from").  Words are compared as sets, ASCII case folded: a
 * reworded line keeps most of its nouns.
 */
#include "model/tailoring.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/text.h"
#include "model/resume.h"

#define PATH_MAX_LEN 64
#define LIKENESS_MIN 0.3

/* ---- paths ------------------------------------------------------------------ */

static const char *highlight_path(char buf[PATH_MAX_LEN], size_t i, size_t j)
{
    snprintf(buf, PATH_MAX_LEN, "work[%zu].highlights[%zu]", i, j);
    return buf;
}

/* The work entry of resume a result item names, or NULL. */
static json_t *work_entry(json_t *resume, json_t *item)
{
    json_t *index = json_object_get(item, "index");
    json_t *entry;

    if (!json_is_integer(index) || json_integer_value(index) < 0)
        return NULL;
    entry = json_array_get(json_object_get(resume, "work"), (size_t)json_integer_value(index));
    return json_is_object(entry) ? entry : NULL;
}

json_t *tailoring_paths(json_t *resume, json_t *result)
{
    json_t *paths = json_array(), *item, *h;
    const char *summary = json_string_value(json_object_get(result, "summary"));
    char buf[PATH_MAX_LEN];
    size_t k, j;

    if (paths == NULL)
        return NULL;
    if (summary != NULL && *summary != '\0')
        json_array_append_new(paths, json_string("basics.summary"));
    json_array_foreach(json_object_get(result, "work"), k, item) {
        if (work_entry(resume, item) == NULL)
            continue;
        json_array_foreach(json_object_get(item, "highlights"), j, h) {
            if (json_is_string(h))
                json_array_append_new(paths, json_string(highlight_path(
                    buf, (size_t)json_integer_value(json_object_get(item, "index")), j)));
        }
    }
    if (json_array_size(json_object_get(result, "skills")) > 0)
        json_array_append_new(paths, json_string("skills"));
    return paths;
}

static bool has_string(json_t *array, const char *s)
{
    json_t *v;
    size_t i;

    json_array_foreach(array, i, v)
        if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
            return true;
    return false;
}

/* ---- pairing ---------------------------------------------------------------- */

struct words {
    char **w;
    size_t n;
    char *buf;
};

static int cmp_word(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What separates words: white space, and the punctuation that clings to
 * a word's ends ("API," is "api"). */
static bool is_space(char c)
{
    return c != '\0' && strchr(" \t\r\n,.;:!?()\"'", c) != NULL;
}

/* The distinct words of s, ASCII lower case, sorted: a copy cut in place
 * (a line is at most a few thousand bytes). */
static void words_init(struct words *ws, const char *s)
{
    size_t i, out;
    char *p;

    ws->buf = mem_strdup(s != NULL ? s : "");
    ws->w = mem_calloc(strlen(ws->buf) / 2 + 1, sizeof(*ws->w));
    ws->n = 0;
    for (p = ws->buf; *p; p++) {
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
        if (!is_space(*p) && (p == ws->buf || p[-1] == '\0'))
            ws->w[ws->n++] = p;
        else if (is_space(*p))
            *p = '\0';
    }
    qsort(ws->w, ws->n, sizeof(*ws->w), cmp_word);
    for (i = 0, out = 0; i < ws->n; i++)
        if (out == 0 || strcmp(ws->w[out - 1], ws->w[i]) != 0)
            ws->w[out++] = ws->w[i];
    ws->n = out;
}

static void words_cleanup(struct words *ws)
{
    free(ws->w);
    free(ws->buf);
}

/* Shared words over all words (Dice), 0..1. */
static double likeness(const struct words *a, const struct words *b)
{
    size_t i = 0, j = 0, shared = 0;

    if (a->n == 0 || b->n == 0)
        return 0;
    while (i < a->n && j < b->n) {
        int c = strcmp(a->w[i], b->w[j]);

        shared += c == 0;
        i += c <= 0;
        j += c >= 0;
    }
    return 2.0 * (double)shared / (double)(a->n + b->n);
}

json_t *tailoring_sources(json_t *originals, json_t *tailored)
{
    size_t n = json_array_size(tailored), m = json_array_size(originals), i, j;
    struct words *t = mem_calloc(n + 1, sizeof(*t)), *o = mem_calloc(m + 1, sizeof(*o));
    double *score = mem_calloc(n * m + 1, sizeof(*score));
    long *from = mem_calloc(n + 1, sizeof(*from));
    bool *taken = mem_calloc(m + 1, sizeof(*taken));
    json_t *out = json_array();

    for (i = 0; i < n; i++)
        words_init(&t[i], json_string_value(json_array_get(tailored, i)));
    for (j = 0; j < m; j++)
        words_init(&o[j], json_string_value(json_array_get(originals, j)));
    for (i = 0; i < n; i++) {
        from[i] = -1;
        for (j = 0; j < m; j++)
            score[i * m + j] = likeness(&t[i], &o[j]);
    }
    /* best pair first; ties go to the earlier tailored line, then the
     * earlier original, so the answer is the same on every call */
    for (;;) {
        double best = LIKENESS_MIN;
        size_t bi = n, bj = m;

        for (i = 0; i < n; i++)
            for (j = 0; j < m; j++)
                if (from[i] < 0 && !taken[j] && score[i * m + j] > best - 1e-12 &&
                    (bi == n || score[i * m + j] > score[bi * m + bj] + 1e-12)) {
                    bi = i;
                    bj = j;
                }
        if (bi == n)
            break;
        from[bi] = (long)bj;
        taken[bj] = true;
    }
    for (i = 0; i < n && out != NULL; i++)
        json_array_append_new(out, from[i] < 0 ? json_null() : json_integer(from[i]));
    for (i = 0; i < n; i++)
        words_cleanup(&t[i]);
    for (j = 0; j < m; j++)
        words_cleanup(&o[j]);
    free(t);
    free(o);
    free(score);
    free(from);
    free(taken);
    return out;
}

/* ---- the choice ------------------------------------------------------------- */

/* One problem, keyed by the path given, or by where it was given when
 * that is no path of ours at all (so a long string is not echoed back);
 * the first RESUME_PROBLEMS_MAX, as resume_check() reports. */
static void problem(json_t *fields, const char *key, const char *where, const char *sentence)
{
    if (strlen(key) >= PATH_MAX_LEN)
        key = where;
    if (json_object_size(fields) < RESUME_PROBLEMS_MAX && json_object_get(fields, key) == NULL)
        json_object_set_new(fields, key, json_string(sentence));
}

/* The problem of one edit's text, or NULL. */
static const char *edit_problem(const char *path, json_t *text)
{
    size_t max = strcmp(path, "basics.summary") == 0 ? RESUME_LONG_TEXT_MAX : RESUME_TEXT_MAX;
    const char *why = NULL;
    char *copy;

    if (strcmp(path, "skills") == 0)
        return "The skills' order is accepted or rejected as it is; it has no text to edit.";
    if (!json_is_string(text))
        return "Give the edited line as text.";
    copy = mem_strdup(json_string_value(text));
    switch (text_check_len(copy, max)) {
    case TEXT_EMPTY:
        why = "The edited text is empty: keep the original or use the suggestion instead.";
        break;
    case TEXT_TOO_LONG:
        why = max == RESUME_TEXT_MAX ? "Keep the line to 2000 characters."
                                     : "Keep the summary to 5000 characters.";
        break;
    case TEXT_OK:
        if (text_has_hidden_controls(copy, TEXT_MULTI_LINE))
            why = "The text holds a control character or a direction override; remove it.";
        break;
    }
    free(copy);
    return why;
}

json_t *tailoring_check_choice(json_t *paths, json_t *accept, json_t *edits)
{
    json_t *fields = json_object(), *v;
    const char *key;
    size_t i;

    if (fields == NULL)
        return NULL;
    if (!json_is_array(accept))
        problem(fields, "accept", "accept", "Give the paths of the changes you accept as a list "
                                            "(an empty one keeps none).");
    json_array_foreach(accept, i, v) {
        char at[32];

        snprintf(at, sizeof(at), "accept[%zu]", i);
        if (!json_is_string(v))
            problem(fields, at, at, "Give each path as text, such as \"basics.summary\".");
        else if (!has_string(paths, json_string_value(v)))
            problem(fields, json_string_value(v), at, "This tailoring suggests no change here.");
    }
    if (edits != NULL && !json_is_object(edits))
        problem(fields, "edits", "edits", "Give edits as an object of path: text.");
    json_object_foreach(json_is_object(edits) ? edits : NULL, key, v) {
        const char *why;

        if (!has_string(paths, key))
            problem(fields, key, "edits", "This tailoring suggests no change here.");
        else if (!has_string(accept, key))
            problem(fields, key, "edits", "This change is edited but not accepted: accept it "
                                          "too, or leave the edit out.");
        else if ((why = edit_problem(key, v)) != NULL)
            problem(fields, key, "edits", why);
    }
    if (json_object_size(fields) == 0) {
        json_decref(fields);
        return NULL;
    }
    return fields;
}

/* ---- applying it ------------------------------------------------------------ */

/* The text of an accepted path: its edit (trimmed), else the suggestion.
 * New reference. */
static json_t *chosen(json_t *edits, const char *path, json_t *suggested)
{
    const char *edit = json_string_value(json_object_get(edits, path));
    char *copy;
    json_t *s;

    if (edit == NULL)
        return json_incref(suggested);
    copy = mem_strdup(edit);
    s = json_string(text_trim(copy));
    free(copy);
    return s;
}

/* The skills (borrowed) in the order of names (borrowed): a new array. */
static json_t *reordered_skills(json_t *skills, json_t *names)
{
    size_t n = json_array_size(skills), i, j;
    json_t *out = json_array(), *name, *skill;
    bool *used = mem_calloc(n + 1, sizeof(*used));

    json_array_foreach(names, j, name) {
        for (i = 0; i < n; i++) {
            const char *have = json_string_value(json_object_get(json_array_get(skills, i),
                                                                 "name"));

            if (!used[i] && have != NULL && json_is_string(name) &&
                strcmp(have, json_string_value(name)) == 0) {
                json_array_append(out, json_array_get(skills, i));
                used[i] = true;
                break;
            }
        }
    }
    json_array_foreach(skills, i, skill)
        if (!used[i])
            json_array_append(out, skill);
    free(used);
    return out;
}

/* The highlights of one work entry (entry: the copy's) after the choice. */
static void apply_highlights(json_t *entry, size_t index, json_t *tailored, json_t *accept,
                             json_t *edits)
{
    json_t *originals = json_object_get(entry, "highlights"), *from, *out, *h, *f;
    size_t m = json_array_size(originals), j;
    char buf[PATH_MAX_LEN];
    bool *kept, any = false;

    json_array_foreach(tailored, j, h)
        any = any || has_string(accept, highlight_path(buf, index, j));
    if (!any)
        return;
    from = tailoring_sources(originals, tailored);
    out = json_array();
    kept = mem_calloc(m + 1, sizeof(*kept));
    json_array_foreach(tailored, j, h) {
        const char *path = highlight_path(buf, index, j);

        f = json_array_get(from, j);
        if (json_is_integer(f))
            kept[json_integer_value(f)] = true;
        if (has_string(accept, path))
            json_array_append_new(out, chosen(edits, path, h));
        else if (json_is_integer(f))
            json_array_append(out, json_array_get(originals, (size_t)json_integer_value(f)));
    }
    json_array_foreach(originals, j, h)
        if (!kept[j])
            json_array_append(out, h);
    free(kept);
    json_decref(from);
    json_object_set_new(entry, "highlights", out);
}

json_t *tailoring_apply(json_t *resume, json_t *result, json_t *accept, json_t *edits)
{
    json_t *copy = json_deep_copy(resume), *item, *skills, *basics;
    size_t k;

    if (copy == NULL)
        return NULL;
    if (has_string(accept, "basics.summary")) {
        basics = json_object_get(copy, "basics");
        if (!json_is_object(basics)) {
            basics = json_object();
            json_object_set_new(copy, "basics", basics);
        }
        json_object_set_new(basics, "summary",
                            chosen(edits, "basics.summary", json_object_get(result, "summary")));
    }
    json_array_foreach(json_object_get(result, "work"), k, item) {
        json_t *entry = work_entry(copy, item);

        if (entry != NULL)
            apply_highlights(entry, (size_t)json_integer_value(json_object_get(item, "index")),
                             json_object_get(item, "highlights"), accept, edits);
    }
    skills = json_object_get(copy, "skills");
    if (has_string(accept, "skills") && json_is_array(skills))
        json_object_set_new(copy, "skills",
                            reordered_skills(skills, json_object_get(result, "skills")));
    return copy;
}

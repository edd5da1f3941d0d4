/*
 * fuzz_tailoring.c - acting on a tailoring (POST
 * /api/resumes/{id}/tailorings/{tid}/apply, and the tailored PDF).
 *
 * The input is one JSON object {"resume", "result", "accept", "edits"}
 * parsed as the route parses its body (BODY_JSON_RESUME): a resume and a
 * tailoring's result as the database could hold them (the model's answer
 * is checked for shape, the fuzzer's is not), and a person's choice.  The
 * paths are checked for being text, each tailored line's original for
 * being one of the entry's lines, used once; a sound choice is applied,
 * and so is every suggestion: nothing accepted leaves the resume as it
 * was, and no work entry ends with fewer lines than it had (a person's
 * own line is replaced by the line that rewrites it, never dropped).
 */
#include "fuzz.h"

#include <jansson.h>

#include "base/jsonx.h"
#include "model/tailoring.h"

/* The originals of each result work item are paired one to one. */
static void check_sources(json_t *resume, json_t *result)
{
    json_t *item, *from, *f;
    size_t k, j;

    json_array_foreach(json_object_get(result, "work"), k, item) {
        json_t *index = json_object_get(item, "index");
        json_t *entry = json_is_integer(index) && json_integer_value(index) >= 0
                            ? json_array_get(json_object_get(resume, "work"),
                                             (size_t)json_integer_value(index))
                            : NULL;
        json_t *originals = json_object_get(entry, "highlights");
        size_t m = json_array_size(originals);
        char *seen = calloc(m + 1, 1);

        from = tailoring_sources(originals, json_object_get(item, "highlights"));
        FUZZ_CHECK(seen != NULL && json_array_size(from) ==
                                       json_array_size(json_object_get(item, "highlights")));
        json_array_foreach(from, j, f) {
            if (json_is_null(f))
                continue;
            FUZZ_CHECK(json_is_integer(f) && json_integer_value(f) >= 0 &&
                       (size_t)json_integer_value(f) < m && !seen[json_integer_value(f)]);
            seen[json_integer_value(f)] = 1;
        }
        free(seen);
        json_decref(from);
    }
}

/* Every work entry of out has at least as many lines as in resume. */
static void check_no_line_lost(json_t *resume, json_t *out)
{
    json_t *entry;
    size_t i;

    json_array_foreach(json_object_get(resume, "work"), i, entry) {
        json_t *was = json_object_get(entry, "highlights");
        json_t *now = json_object_get(json_array_get(json_object_get(out, "work"), i),
                                      "highlights");

        if (json_is_array(was))
            FUZZ_CHECK(json_array_size(now) >= json_array_size(was));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = fuzz_arena();
    enum jsonx_error err;
    const char *where;
    json_t *doc, *resume, *result, *paths, *p, *problems, *out, *none;
    size_t i;

    doc = jsonx_parse_object_any_keys(a, (const char *)data, size, &err, &where);
    if (doc == NULL || !json_is_object(json_object_get(doc, "resume"))) {
        arena_reset(a);
        return 0;
    }
    resume = json_object_get(doc, "resume");
    result = json_object_get(doc, "result");
    paths = tailoring_paths(resume, result);
    json_array_foreach(paths, i, p)
        FUZZ_CHECK(json_is_string(p) && json_string_length(p) > 0);
    check_sources(resume, result);

    problems = tailoring_check_choice(paths, json_object_get(doc, "accept"),
                                      json_object_get(doc, "edits"));
    FUZZ_CHECK(problems == NULL || json_object_size(problems) > 0);
    if (problems == NULL) {
        out = tailoring_apply(resume, result, json_object_get(doc, "accept"),
                              json_object_get(doc, "edits"));
        FUZZ_CHECK(json_is_object(out));
        check_no_line_lost(resume, out);
        json_decref(out);
    }
    out = tailoring_apply(resume, result, paths, NULL);
    FUZZ_CHECK(json_is_object(out));
    check_no_line_lost(resume, out);
    json_decref(out);
    none = json_array();
    out = tailoring_apply(resume, result, none, NULL);
    FUZZ_CHECK(json_equal(out, resume));
    json_decref(out);
    json_decref(none);
    json_decref(problems);
    json_decref(paths);
    arena_reset(a);
    return 0;
}

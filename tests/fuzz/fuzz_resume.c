/*
 * fuzz_resume.c - resume validation (POST and PUT /api/resumes).
 *
 * The body is parsed as those routes parse it (BODY_JSON_RESUME: Jansson's
 * strict parse, keys left to the schema) and judged by resume_check(),
 * which also rewrites scheme-less URLs; then the title is taken as the list
 * shows it.  A document found valid must stay valid when judged again
 * (the rewrite is idempotent), and the problems are at most
 * RESUME_PROBLEMS_MAX sentences keyed by path.  The date and URL
 * predicates also see the raw input as a string.
 */
#include "fuzz.h"

#include <jansson.h>

#include "base/jsonx.h"
#include "model/resume.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = fuzz_arena();
    enum jsonx_error err;
    const char *where, *key;
    json_t *doc, *problems, *normalized = NULL, *title, *v;
    char *s = fuzz_cstr(data, size);

    (void)resume_is_date(s);
    (void)resume_is_url(s);
    free(s);

    doc = jsonx_parse_object_any_keys(a, (const char *)data, size, &err, &where);
    if (doc != NULL) {
        problems = resume_check(doc, &normalized);
        FUZZ_CHECK(normalized == NULL || json_is_array(normalized));
        if (problems == NULL) {
            FUZZ_CHECK(resume_validate(doc) == NULL);
        } else {
            FUZZ_CHECK(json_is_object(problems));
            FUZZ_CHECK(json_object_size(problems) > 0 &&
                       json_object_size(problems) <= RESUME_PROBLEMS_MAX);
            json_object_foreach(problems, key, v)
                FUZZ_CHECK(json_is_string(v));
        }
        title = resume_title(doc);
        FUZZ_CHECK(json_is_string(title));
        json_decref(title);
        json_decref(problems);
        json_decref(normalized);
    }
    arena_reset(a);
    return 0;
}

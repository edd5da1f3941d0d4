/*
 * fuzz_ats.c - the keyword score: a job description against a resume.
 *
 * Input: the resume's text (one line, made the summary of a resume whose
 * skills are its comma-separated pieces), a newline, and the job
 * description, as POST /api/resumes/{id}/ats receives them: valid UTF-8
 * (Jansson parsed them), so other input is skipped.  Checked beyond "no
 * crash": an answer always; a score within 0..100; found + missing and
 * required + preferred the same terms, each once, at most ATS_MAX_TERMS;
 * no term without a letter or digit; the same answer twice.
 */
#include "fuzz.h"

#include <jansson.h>

#include "base/text.h"
#include "model/ats.h"

static bool alnum(const char *s)
{
    for (; *s; s++)
        if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || (unsigned char)*s >= 0x80)
            return true;
    return false;
}

/* Every term of a and b (arrays of strings) is alnum and once in both. */
static size_t check_terms(json_t *res, const char *a, const char *b)
{
    json_t *seen = json_object(), *v;
    size_t i, n = 0;

    for (int k = 0; k < 2; k++)
        json_array_foreach(json_object_get(res, k ? b : a), i, v) {
            FUZZ_CHECK(json_is_string(v));
            FUZZ_CHECK(alnum(json_string_value(v)));
            FUZZ_CHECK(json_object_get(seen, json_string_value(v)) == NULL);
            json_object_set_new(seen, json_string_value(v), json_true());
            n++;
        }
    json_decref(seen);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *fields[2];
    json_t *skills, *cv, *res, *again;
    json_int_t score;

    fuzz_fields(data, size, '\n', fields, 2);
    if (!text_is_utf8(fields[0], strlen(fields[0])) || !text_is_utf8(fields[1], strlen(fields[1]))) {
        free(fields[0]);
        return 0;
    }
    skills = json_array();
    for (char *p = fields[0];;) {
        size_t n = strcspn(p, ",");

        json_array_append_new(skills, json_pack("{s:s%}", "name", p, n));
        if (p[n] == '\0')
            break;
        p += n + 1;
    }
    cv = json_pack("{s:{s:s}, s:o}", "basics", "summary", fields[0], "skills", skills);
    res = ats_score(cv, fields[1]);
    FUZZ_CHECK(res != NULL);
    score = json_integer_value(json_object_get(res, "score"));
    FUZZ_CHECK(score >= 0 && score <= 100);
    FUZZ_CHECK(check_terms(res, "found", "missing") == check_terms(res, "required", "preferred"));
    FUZZ_CHECK(json_array_size(json_object_get(res, "found")) +
                   json_array_size(json_object_get(res, "missing")) <= ATS_MAX_TERMS);
    again = ats_score(cv, fields[1]);
    FUZZ_CHECK(json_equal(res, again));
    json_decref(again);
    json_decref(res);
    json_decref(cv);
    free(fields[0]);
    return 0;
}

/* Unit tests: the keyword ATS score (whole words, phrases, stop-words,
 * symbols in names, order, rounding). */
#include <jansson.h>
#include <stdlib.h>

#include "check.h"
#include "model/ats.h"

/* A resume from JSON text; the test's reference. */
static json_t *resume_of(const char *text)
{
    json_t *r = json_loads(text, 0, NULL);

    CHECK(r != NULL);
    return r;
}

/* Is word in the array at key of the result? */
static int has(json_t *res, const char *key, const char *word)
{
    size_t i;
    json_t *v;

    json_array_foreach(json_object_get(res, key), i, v)
        if (strcmp(json_string_value(v), word) == 0)
            return 1;
    return 0;
}

/* The array at key as one comma-separated string (static buffer). */
static const char *joined(json_t *res, const char *key)
{
    static char buf[1024];
    size_t i, n = 0;
    json_t *v;

    buf[0] = '\0';
    json_array_foreach(json_object_get(res, key), i, v) {
        int w = snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? "," : "", json_string_value(v));

        if (w < 0 || (size_t)w >= sizeof(buf) - n)
            break;
        n += (size_t)w;
    }
    return buf;
}

TEST(ats_whole_words_only)
{
    json_t *cv = resume_of("{\"skills\":[{\"name\":\"JavaScript\"}],"
                           "\"work\":[{\"summary\":\"Built apps in C++ and Go.\"}]}");
    json_t *res = ats_score(cv, "Java and C developers; JavaScript welcome.");

    CHECK(res != NULL);
    CHECK(has(res, "missing", "java"));      /* not inside javascript */
    CHECK(has(res, "found", "javascript"));
    CHECK(has(res, "missing", "c"));         /* not inside c++ */
    CHECK_STR(json_string_value(json_object_get(res, "method")), "keyword");
    json_decref(res);
    json_decref(cv);
}

TEST(ats_symbols_in_names)
{
    json_t *cv = resume_of("{\"skills\":[{\"name\":\"C++\",\"keywords\":[\"C#\",\"Node.js\"]}],"
                           "\"basics\":{\"summary\":\"Ported a .NET service.\"}}");
    json_t *res = ats_score(cv, "C++, C#, Node.js and .NET. Rust is a plus.");

    CHECK_STR(joined(res, "found"), "c++,c#,node.js,.net");
    CHECK_STR(joined(res, "missing"), "rust");
    CHECK_INT(json_integer_value(json_object_get(res, "score")), 80);
    json_decref(res);
    json_decref(cv);
}

TEST(ats_phrases_kept_together)
{
    json_t *cv = resume_of("{\"work\":[{\"highlights\":[\"Shipped machine-learning models\","
                           "\"Wrote a REST API\"]}],\"skills\":[{\"name\":\"Learning\"},"
                           "{\"name\":\"Project\"}],"
                           "\"projects\":[{\"name\":\"Natural language\",\"description\":"
                           "\"processing pipeline\"}]}");
    json_t *res = ats_score(cv, "Machine Learning, project management, a REST API, and "
                                "natural language processing.");

    CHECK(has(res, "found", "machine learning"));
    CHECK(has(res, "found", "rest api"));
    CHECK(has(res, "missing", "project management")); /* the words, not the phrase */
    /* a phrase does not run from one resume string into the next */
    CHECK(has(res, "missing", "natural language processing"));
    CHECK(!has(res, "found", "machine") && !has(res, "missing", "machine"));
    CHECK(!has(res, "missing", "management"));
    json_decref(res);
    json_decref(cv);
}

TEST(ats_stop_words_and_numbers_dropped)
{
    json_t *cv = resume_of("{}");
    json_t *res = ats_score(cv, "You will be working with the team for 5+ years of "
                                "experience in 2024, and it is a plus.");

    CHECK_INT(json_array_size(json_object_get(res, "found")), 0);
    CHECK_STR(joined(res, "missing"), "");
    CHECK_INT(json_integer_value(json_object_get(res, "score")), 0);
    json_decref(res);
    json_decref(cv);
}

TEST(ats_deterministic_order_and_dedup)
{
    json_t *cv = resume_of("{\"skills\":[{\"name\":\"Python\"},{\"name\":\"SQL\"}]}");
    json_t *a = ats_score(cv, "Python, Kubernetes, SQL, python, Terraform, SQL.");
    json_t *b = ats_score(cv, "Python, Kubernetes, SQL, python, Terraform, SQL.");

    CHECK_STR(joined(a, "found"), "python,sql");
    CHECK_STR(joined(a, "missing"), "kubernetes,terraform");
    CHECK_INT(json_integer_value(json_object_get(a, "score")), 50);
    CHECK(json_equal(a, b));
    json_decref(a);
    json_decref(b);
    json_decref(cv);
}

TEST(ats_rounding_and_empty)
{
    json_t *cv = resume_of("{\"skills\":[{\"name\":\"docker\"},{\"name\":\"linux\"}]}");
    json_t *res = ats_score(cv, "Docker, Linux, Ansible");
    json_t *none = ats_score(cv, "");

    CHECK_INT(json_integer_value(json_object_get(res, "score")), 67); /* 66.67 */
    CHECK_INT(json_integer_value(json_object_get(none, "score")), 0);
    CHECK_INT(json_array_size(json_object_get(none, "missing")), 0);
    json_decref(res);
    json_decref(none);
    json_decref(cv);
}

/* A job description of n distinct terms "xa", "xb", ..., each repeated
 * `rep` times in a row (heap; the caller frees). */
static char *distinct_terms(size_t n, int rep)
{
    size_t cap = n * (size_t)rep * 5 + 1, len = 0;
    char *jd = malloc(cap);

    jd[0] = '\0';
    for (size_t i = 0; i < n; i++)
        for (int r = 0; r < rep; r++)
            len += (size_t)snprintf(jd + len, cap - len, "x%c%c%c ",
                                    'a' + (int)(i / 676 % 26), 'a' + (int)(i / 26 % 26),
                                    'a' + (int)(i % 26));
    return jd;
}

TEST(ats_terms_capped_and_cut_reported)
{
    json_t *cv = resume_of("{\"summary\":\"xaaa xzzz xaab\"}");
    char *jd = distinct_terms(ATS_MAX_TERMS + 37, 1);
    json_t *res = ats_score(cv, jd);

    CHECK(res != NULL);
    CHECK(json_array_size(json_object_get(res, "found")) +
              json_array_size(json_object_get(res, "missing")) == ATS_MAX_TERMS);
    CHECK(json_integer_value(json_object_get(json_object_get(res, "truncated"), "terms")) == 37);
    CHECK(has(res, "found", "xaaa"));   /* the first terms are kept */
    CHECK(has(res, "found", "xaab"));
    CHECK(!has(res, "found", "xzzz"));  /* not in the description at all */
    CHECK(json_integer_value(json_object_get(res, "score")) == 0); /* 2 of 500 rounds to 0 */
    json_decref(res);
    free(jd);
    jd = distinct_terms(ATS_MAX_TERMS, 1); /* exactly the cap: nothing cut */
    res = ats_score(cv, jd);
    CHECK(json_object_get(res, "truncated") == NULL);
    json_decref(res);
    free(jd);
    json_decref(cv);
}

TEST(ats_repeats_count_once_toward_the_cap)
{
    json_t *cv = resume_of("{\"work\":[{\"summary\":\"machine learning in xaaa\"}]}");
    char *terms = distinct_terms(ATS_MAX_TERMS - 1, 20); /* 10,000 words, 499 terms */
    size_t len = strlen(terms);
    char *jd = malloc(len + 64);
    json_t *res;

    snprintf(jd, len + 64, "%sMachine learning, machine learning.", terms);
    res = ats_score(cv, jd);
    CHECK(res != NULL);
    CHECK(json_object_get(res, "truncated") == NULL);
    CHECK(json_array_size(json_object_get(res, "found")) == 2);
    CHECK(has(res, "found", "machine learning"));
    CHECK(has(res, "found", "xaaa"));
    CHECK(json_array_size(json_object_get(res, "missing")) == ATS_MAX_TERMS - 2);
    json_decref(res);
    free(jd);
    free(terms);
    json_decref(cv);
}

const struct unit_test ats_tests[] = {
    {"ats_whole_words_only", ats_whole_words_only},
    {"ats_symbols_in_names", ats_symbols_in_names},
    {"ats_phrases_kept_together", ats_phrases_kept_together},
    {"ats_stop_words_and_numbers_dropped", ats_stop_words_and_numbers_dropped},
    {"ats_deterministic_order_and_dedup", ats_deterministic_order_and_dedup},
    {"ats_rounding_and_empty", ats_rounding_and_empty},
    {"ats_terms_capped_and_cut_reported", ats_terms_capped_and_cut_reported},
    {"ats_repeats_count_once_toward_the_cap", ats_repeats_count_once_toward_the_cap},
    {NULL, NULL},
};

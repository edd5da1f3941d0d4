/* Unit tests: the keyword ATS score (whole words, phrases, stop-words,
 * symbols in names, order, rounding, variants, sections, weights, the
 * company's name) and its corpus of job adverts (tests/unit/ats_corpus/,
 * whose README.md gives the format): no boilerplate term ever, and at
 * least 90 % of the terms each advert must yield. */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "model/ats.h"
#include "model/ats_text.h"
#include "model/ats_words.h"

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
    CHECK_STR(joined(res, "preferred"), "rust"); /* "is a plus": weighs 1 of 9 */
    CHECK_INT(json_integer_value(json_object_get(res, "score")), 89);
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

/* A job description of n distinct terms "xaaa1", "xaab1", ..., each
 * repeated `rep` times in a row (heap; the caller frees).  Letters then a
 * digit: the shape of a technical name (S3, EC2), so each is a term. */
static char *distinct_terms(size_t n, int rep)
{
    size_t cap = n * (size_t)rep * 6 + 1, len = 0;
    char *jd = malloc(cap);

    jd[0] = '\0';
    for (size_t i = 0; i < n; i++)
        for (int r = 0; r < rep; r++)
            len += (size_t)snprintf(jd + len, cap - len, "x%c%c%c1 ",
                                    'a' + (int)(i / 676 % 26), 'a' + (int)(i / 26 % 26),
                                    'a' + (int)(i % 26));
    return jd;
}

TEST(ats_terms_capped_and_cut_reported)
{
    json_t *cv = resume_of("{\"summary\":\"xaaa1 xzzz1 xaab1\"}");
    char *jd = distinct_terms(ATS_MAX_TERMS + 37, 1);
    json_t *res = ats_score(cv, jd);

    CHECK(res != NULL);
    CHECK(json_array_size(json_object_get(res, "found")) +
              json_array_size(json_object_get(res, "missing")) == ATS_MAX_TERMS);
    CHECK(json_integer_value(json_object_get(json_object_get(res, "truncated"), "terms")) == 37);
    CHECK(has(res, "found", "xaaa1"));  /* the first terms are kept */
    CHECK(has(res, "found", "xaab1"));
    CHECK(!has(res, "found", "xzzz1")); /* not in the description at all */
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
    json_t *cv = resume_of("{\"work\":[{\"summary\":\"machine learning in xaaa1\"}]}");
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
    CHECK(has(res, "found", "xaaa1"));
    CHECK(json_array_size(json_object_get(res, "missing")) == ATS_MAX_TERMS - 2);
    json_decref(res);
    free(jd);
    free(terms);
    json_decref(cv);
}

/* qsort()'s comparison of two strings' pointers. */
static int strcmp_ptr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every term of a result, required and preferred, as one list. */
static int has_term(json_t *res, const char *word)
{
    return has(res, "required", word) || has(res, "preferred", word);
}

/* The advert: Go and Kubernetes on the resume, the rest boilerplate. */
TEST(ats_real_advert_scores_requirements_only)
{
    json_t *cv = resume_of("{\"skills\":[{\"name\":\"Go\"},{\"name\":\"Kubernetes\"}]}");
    json_t *res = ats_score(cv, "Senior Engineer — Go / Kubernetes — Berlin\n\n"
                                "We are looking for an engineer to build Go services on "
                                "Kubernetes.\n\nWhat we offer: competitive salary, 30 days "
                                "holiday, and a great team in Berlin.");
    const char *never[] = {"—", "berlin", "competitive", "salary", "days", "holiday", "team"};

    CHECK_STR(joined(res, "found"), "go,kubernetes");
    CHECK_STR(joined(res, "missing"), "");
    CHECK_INT(json_integer_value(json_object_get(res, "score")), 100);
    for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
        CHECK(!has_term(res, never[i]));
    json_decref(res);
    json_decref(cv);
}

TEST(ats_variants_are_one_term)
{
    json_t *cv = resume_of("{\"skills\":[{\"name\":\"PostgreSQL\",\"keywords\":[\"k8s\","
                           "\"JS\",\"Golang\",\"RN\"]}]}");
    json_t *res = ats_score(cv, "Postgres, Kubernetes, JavaScript and Go. Registered Nurse.");

    CHECK_STR(joined(res, "found"), "postgresql,kubernetes,javascript,go,registered nurse");
    CHECK_INT(json_integer_value(json_object_get(res, "score")), 100);
    json_decref(res);
    json_decref(cv);
}

TEST(ats_english_words_are_no_skills)
{
    /* "go-to", "Excel at", "rest of": English, on either side */
    json_t *cv = resume_of("{\"basics\":{\"summary\":\"The go-to person for the rest of the "
                           "team; I excel at swift delivery.\"}}");
    json_t *res = ats_score(cv, "Skills: Go, REST, Excel and Swift.\n"
                                "Go beyond the brief. Excel at the rest. Access to training.");

    CHECK_STR(joined(res, "missing"), "go,rest api,excel,swift");
    CHECK_STR(joined(res, "found"), "");
    CHECK(!has_term(res, "microsoft access"));
    json_decref(res);
    json_decref(cv);
}

TEST(ats_names_read_in_context)
{
    /* lower case in a list names the skill; a letter after "Series" does not */
    json_t *cv = resume_of("{\"basics\":{\"summary\":\"Backend work in python, go and "
                           "rust.\"}}");
    json_t *res = ats_score(cv, "A Series C startup hiring a Scrum Master who knows Go and "
                                "Rust. Hours: 9-5 GMT+1. Work with Product and Design Teams.");

    CHECK_STR(joined(res, "found"), "go,rust");
    CHECK_STR(joined(res, "missing"), "csm");
    CHECK(!has_term(res, "c") && !has_term(res, "master's degree") &&
          !has_term(res, "gmt+1") && !has_term(res, "microsoft teams"));
    json_decref(res);
    json_decref(cv);
}

TEST(ats_sections_weigh_and_drop)
{
    json_t *cv = resume_of("{\"skills\":[{\"name\":\"Python\"},{\"name\":\"Terraform\"}]}");
    json_t *res = ats_score(cv, "Requirements:\n- Python\n- SQL\n\nNice to have:\n- Terraform\n"
                                "- Rust\n\nBenefits\n- Docker Desktop licences, AWS credits\n"
                                "Acme is an equal opportunity employer; Java shops welcome.");

    CHECK_STR(joined(res, "required"), "python,sql");
    CHECK_STR(joined(res, "preferred"), "terraform,rust");
    CHECK(!has_term(res, "docker") && !has_term(res, "aws") && !has_term(res, "java"));
    /* python (2) + terraform (1) of python, sql (2 each) and terraform, rust (1 each) */
    CHECK_INT(json_integer_value(json_object_get(res, "score")), 50);
    json_decref(res);
    json_decref(cv);
}

TEST(ats_cues_weigh_their_clause)
{
    json_t *cv = resume_of("{}");
    json_t *res = ats_score(cv, "Requirements: Kotlin required; Scala preferred. "
                                "SQL. Ideally dbt.\nAWS is a big plus.");

    CHECK_STR(joined(res, "required"), "kotlin,sql");
    CHECK_STR(joined(res, "preferred"), "scala,dbt,aws");
    json_decref(res);
    json_decref(cv);
}

TEST(ats_company_name_and_places_are_no_terms)
{
    json_t *cv = resume_of("{}");
    json_t *res = ats_score(cv, "About DataForge\nDataForge builds Kafka tooling.\n\n"
                                "You will own our ETL pipelines. Join DataForge in NYC or "
                                "London, UK. You know dbt, Airflow and Dagster.");

    CHECK(!has_term(res, "dataforge") && !has_term(res, "nyc") && !has_term(res, "uk") &&
          !has_term(res, "london"));
    CHECK(!has_term(res, "kafka")); /* "About DataForge" is about the company */
    CHECK_STR(joined(res, "required"), "etl,dbt,airflow,dagster"); /* Dagster: in a list */
    json_decref(res);
    json_decref(cv);
}

TEST(ats_vocabulary_keys_are_unique)
{
    size_t n = 0, cap = 0;
    char **keys = NULL;

    for (size_t i = 0; i < ats_vocabulary_count; i++)
        for (const char *v = ats_vocabulary[i];;) {
            size_t len = strcspn(v, "|");
            char *variant = strndup(v + (*v == '~'), len - (*v == '~'));

            if (n == cap)
                keys = realloc(keys, (cap = cap ? 2 * cap : 1024) * sizeof(*keys));
            keys[n++] = ats_key_of(variant);
            CHECK(keys[n - 1][0] != '\0');
            free(variant);
            if (v[len] == '\0')
                break;
            v += len + 1;
        }
    qsort(keys, n, sizeof(*keys), strcmp_ptr);
    for (size_t i = 1; i < n; i++)
        if (strcmp(keys[i - 1], keys[i]) == 0) {
            fprintf(stderr, "    vocabulary key twice: \"%s\"\n", keys[i]);
            check_failures++;
        }
    for (size_t i = 0; i < n; i++)
        free(keys[i]);
    free(keys);
}

/* A 64 KiB description of one line, of commas, of skills: answers, bounded. */
TEST(ats_worst_case_inputs)
{
    json_t *cv = resume_of("{\"skills\":[{\"name\":\"Python\"}]}");
    size_t n = 64 * 1024;
    char *jd = malloc(n + 1);
    const char *fill[] = {"Python ", ",", "machine learning ", "Nice to have: ", "C++ "};

    for (size_t f = 0; f < sizeof(fill) / sizeof(fill[0]); f++) {
        json_t *res;
        size_t l = strlen(fill[f]);

        for (size_t i = 0; i < n; i++)
            jd[i] = fill[f][i % l];
        jd[n] = '\0';
        res = ats_score(cv, jd);
        CHECK(res != NULL);
        json_decref(res);
    }
    free(jd);
    json_decref(cv);
}

/* ---- the corpus ------------------------------------------------------------- */

#ifndef ATS_CORPUS_DIR
#define ATS_CORPUS_DIR "tests/unit/ats_corpus"
#endif

/* Words no advert's term may be, whatever the advert. */
static const char *const boilerplate[] = {
    "salary", "competitive", "days", "holiday", "holidays", "benefits", "bonus", "pto", "401k",
    "pension", "remote", "hybrid", "onsite", "equity", "vacation", "perks", "insurance",
    "dental", "stipend", "allowance", "equal", "opportunity", "veteran", "disability", "race",
    "religion", "gender", "apply", "office", "weekly", "annual", "leave", "flexible", "team",
    "experience", "years", "company", "role", "candidate", "salary range", "per hour",
};

/* The value of "name: a, b, c" in header (a comma-separated list), into
 * a JSON array of trimmed strings (new reference). */
static json_t *header_list(const char *header, const char *name)
{
    json_t *list = json_array();
    size_t nl = strlen(name);

    for (const char *line = header; *line;) {
        size_t len = strcspn(line, "\n");

        if (len > nl && strncmp(line, name, nl) == 0 && line[nl] == ':')
            for (const char *p = line + nl + 1; p < line + len;) {
                size_t w = strcspn(p, ",\n");
                const char *s = p, *e = p + w;

                while (s < e && *s == ' ')
                    s++;
                while (e > s && e[-1] == ' ')
                    e--;
                if (e > s)
                    json_array_append_new(list, json_stringn(s, (size_t)(e - s)));
                p += w + (p[w] == ',');
            }
        line += len + (line[len] == '\n');
    }
    return list;
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    buf[fread(buf, 1, (size_t)n, f)] = '\0';
    fclose(f);
    return buf;
}

static int alnum(const char *s)
{
    for (; *s; s++)
        if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || (unsigned char)*s >= 0x80)
            return 1;
    return 0;
}

/* One advert: checks its forbidden and preferred terms and its resume's
 * score; adds its expected terms to *want and those it yields to *got. */
static void corpus_ad(const char *name, char *text, size_t *want, size_t *got)
{
    char *sep = strstr(text, "\n---\n");
    json_t *must, *not, *pref, *skills, *cv, *res, *v;
    size_t i;

    CHECK(sep != NULL);
    if (sep == NULL)
        return;
    *sep = '\0';
    must = header_list(text, "must");
    not = header_list(text, "not");
    pref = header_list(text, "preferred");
    skills = header_list(text, "resume");
    cv = json_pack("{s:O}", "skills", skills);
    res = ats_score(cv, sep + 5);
    for (size_t k = 0; k < 2; k++)
        json_array_foreach(json_object_get(res, k ? "missing" : "found"), i, v) {
            const char *t = json_string_value(v);

            if (!alnum(t))
                fprintf(stderr, "    %s: term \"%s\" has no letter\n", name, t), check_failures++;
            for (size_t b = 0; b < sizeof(boilerplate) / sizeof(boilerplate[0]); b++)
                if (strcmp(t, boilerplate[b]) == 0)
                    fprintf(stderr, "    %s: boilerplate term \"%s\"\n", name, t),
                        check_failures++;
        }
    json_array_foreach(not, i, v)
        if (has_term(res, json_string_value(v)))
            fprintf(stderr, "    %s: forbidden term \"%s\"\n", name, json_string_value(v)),
                check_failures++;
    json_array_foreach(pref, i, v)
        if (!has(res, "preferred", json_string_value(v)))
            fprintf(stderr, "    %s: \"%s\" is not preferred\n", name, json_string_value(v)),
                check_failures++;
    json_array_foreach(must, i, v) {
        (*want)++;
        if (has_term(res, json_string_value(v)))
            (*got)++;
        else if (getenv("UNIT_VERBOSE"))
            fprintf(stderr, "    %s: expected term \"%s\" not found\n", name,
                    json_string_value(v));
    }
    if (json_array_size(skills) > 0) {
        json_t *least = header_list(text, "score-at-least");
        long want_score = json_array_size(least) ? atol(json_string_value(json_array_get(least, 0))) : 0;
        long score = (long)json_integer_value(json_object_get(res, "score"));

        if (score < want_score)
            fprintf(stderr, "    %s: score %ld < %ld (missing %s)\n", name, score, want_score,
                    joined(res, "missing")),
                check_failures++;
        json_decref(least);
    }
    if (getenv("UNIT_VERBOSE")) {
        fprintf(stderr, "    %s: required %s", name, joined(res, "required"));
        fprintf(stderr, " | preferred %s\n", joined(res, "preferred"));
    }
    json_decref(res);
    json_decref(cv);
    json_decref(skills);
    json_decref(pref);
    json_decref(not);
    json_decref(must);
}

TEST(ats_corpus_recall)
{
    DIR *dir = opendir(ATS_CORPUS_DIR);
    struct dirent *d;
    char *names[256];
    size_t n = 0, want = 0, got = 0;

    CHECK(dir != NULL);
    if (dir == NULL)
        return;
    while ((d = readdir(dir)) != NULL && n < 256) {
        size_t l = strlen(d->d_name);

        if (l > 4 && strcmp(d->d_name + l - 4, ".txt") == 0)
            names[n++] = strdup(d->d_name);
    }
    closedir(dir);
    qsort(names, n, sizeof(*names), strcmp_ptr);
    CHECK(n >= 20);
    for (size_t i = 0; i < n; i++) {
        char path[512];
        char *text;

        snprintf(path, sizeof(path), "%s/%s", ATS_CORPUS_DIR, names[i]);
        text = read_all(path);
        CHECK(text != NULL);
        if (text != NULL)
            corpus_ad(names[i], text, &want, &got);
        free(text);
        free(names[i]);
    }
    fprintf(stderr, "    ats corpus: %zu adverts, %zu of %zu expected terms (%.1f %%)\n", n, got,
            want, want ? 100.0 * (double)got / (double)want : 0.0);
    CHECK(want > 0 && got * 10 >= want * 9);
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
    {"ats_real_advert_scores_requirements_only", ats_real_advert_scores_requirements_only},
    {"ats_variants_are_one_term", ats_variants_are_one_term},
    {"ats_english_words_are_no_skills", ats_english_words_are_no_skills},
    {"ats_names_read_in_context", ats_names_read_in_context},
    {"ats_sections_weigh_and_drop", ats_sections_weigh_and_drop},
    {"ats_cues_weigh_their_clause", ats_cues_weigh_their_clause},
    {"ats_company_name_and_places_are_no_terms", ats_company_name_and_places_are_no_terms},
    {"ats_vocabulary_keys_are_unique", ats_vocabulary_keys_are_unique},
    {"ats_worst_case_inputs", ats_worst_case_inputs},
    {"ats_corpus_recall", ats_corpus_recall},
    {NULL, NULL},
};

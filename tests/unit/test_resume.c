/*
 * Unit tests: the JSON Resume validator (partial dates, URLs, exact
 * problem paths, unknown fields, limits, date ranges), the title, and the
 * resume id and list cursor forms of the resumes module.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "check.h"
#include "model/resume.h"
#include "store/resumes.h"

/* Problems of the document in text (NULL when valid); new reference. */
static json_t *problems_of(const char *text)
{
    json_error_t err;
    json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, &err), *p;

    if (doc == NULL) {
        fprintf(stderr, "    bad test JSON: %s\n", err.text);
        check_failures++;
        return NULL;
    }
    p = resume_validate(doc);
    json_decref(doc);
    return p;
}

/* Is text valid? */
static int valid(const char *text)
{
    json_t *p = problems_of(text);
    int ok = p == NULL;

    if (p != NULL && getenv("UNIT_VERBOSE")) {
        char *s = json_dumps(p, 0);
        fprintf(stderr, "    problems: %s\n", s);
        free(s);
    }
    json_decref(p);
    return ok;
}

/* Does text have a problem at exactly `path`, and only problems there? */
static int only_problem_at(const char *text, const char *path)
{
    json_t *p = problems_of(text);
    int ok = p != NULL && json_object_size(p) == 1 && json_object_get(p, path) != NULL;

    if (!ok) {
        char *s = p ? json_dumps(p, 0) : NULL;
        fprintf(stderr, "    expected only %s, got %s\n", path, s ? s : "(valid)");
        free(s);
    }
    json_decref(p);
    return ok;
}

/* A string of n copies of "ä" (2 bytes, 1 character) as JSON text. */
static char *long_text_doc(const char *prefix, size_t n, const char *suffix)
{
    size_t plen = strlen(prefix), slen = strlen(suffix);
    char *s = malloc(plen + 2 * n + slen + 1), *o = s;

    memcpy(o, prefix, plen);
    o += plen;
    for (size_t i = 0; i < n; i++) {
        memcpy(o, "\xc3\xa4", 2);
        o += 2;
    }
    memcpy(o, suffix, slen + 1);
    return s;
}

TEST(resume_empty_and_minimal_documents_are_valid)
{
    CHECK(valid("{}"));
    CHECK(valid("{\"basics\":{}}"));
    CHECK(valid("{\"work\":[]}"));
    CHECK(valid("{\"basics\":{\"name\":\"Aarav Sharma\",\"email\":\"aarav@example.in\","
                "\"location\":{\"countryCode\":\"IN\",\"city\":\"पुणे\"},"
                "\"profiles\":[{\"network\":\"GitHub\",\"url\":\"https://github.com/aarav\"}]}}"));
}

TEST(resume_partial_dates)
{
    const char *good[] = {"2024", "2024-02", "2024-02-29", "2000-02-29", "1999-12-31",
                          "2023-01-31", "2023-04-30", "1000", "2999-12"};
    const char *no_date[] = {"2024-1", "2024-01-1", "24", "2024/01", "2024-01-01T00:00",
                             "", " 2024", "2024-", "abcd", "2024-01-01 ", "+2024"};
    const char *not_real[] = {"2023-02-29", "2024-13", "2024-00", "2024-02-30",
                              "2023-04-31", "2024-01-00", "2024-01-32", "1900-02-29",
                              "0999", "3000"};

    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        if (!resume_is_date(good[i]))
            fprintf(stderr, "    %s should be a date\n", good[i]);
        CHECK(resume_is_date(good[i]));
    }
    for (size_t i = 0; i < sizeof(no_date) / sizeof(no_date[0]); i++) {
        if (resume_is_date(no_date[i]))
            fprintf(stderr, "    %s should not be a date\n", no_date[i]);
        CHECK(!resume_is_date(no_date[i]));
    }
    for (size_t i = 0; i < sizeof(not_real) / sizeof(not_real[0]); i++) {
        if (resume_is_date(not_real[i]))
            fprintf(stderr, "    %s should not be a date\n", not_real[i]);
        CHECK(!resume_is_date(not_real[i]));
    }
    CHECK(!resume_is_date(NULL));
}

TEST(resume_date_problems_name_their_path)
{
    CHECK(valid("{\"work\":[{\"startDate\":\"2024-02-29\"}]}"));
    CHECK(only_problem_at("{\"work\":[{},{},{\"startDate\":\"2023-02-29\"}]}",
                          "work[2].startDate"));
    CHECK(only_problem_at("{\"work\":[{\"endDate\":\"2024-13\"}]}", "work[0].endDate"));
    CHECK(only_problem_at("{\"education\":[{\"startDate\":\"2024-1\"}]}",
                          "education[0].startDate"));
    CHECK(only_problem_at("{\"awards\":[{\"date\":\"yesterday\"}]}", "awards[0].date"));
    CHECK(only_problem_at("{\"certificates\":[{},{\"date\":\"2021-6\"}]}",
                          "certificates[1].date"));
    CHECK(only_problem_at("{\"publications\":[{\"releaseDate\":\"2021-02-30\"}]}",
                          "publications[0].releaseDate"));
    CHECK(only_problem_at("{\"volunteer\":[{\"startDate\":2021}]}", "volunteer[0].startDate"));
    /* "" is how JSON Resume tools write a blank date: absent, not wrong */
    CHECK(valid("{\"projects\":[{\"startDate\":\"2021\",\"endDate\":\"\"}]}"));
}

TEST(resume_end_before_start)
{
    CHECK(only_problem_at("{\"work\":[{\"startDate\":\"2021-05\",\"endDate\":\"2021-04\"}]}",
                          "work[0].endDate"));
    CHECK(only_problem_at("{\"projects\":[{\"startDate\":\"2020-01-10\","
                          "\"endDate\":\"2020-01-09\"}]}", "projects[0].endDate"));
    CHECK(only_problem_at("{\"education\":[{\"startDate\":\"2019\",\"endDate\":\"2018-12\"}]}",
                          "education[0].endDate"));
    CHECK(only_problem_at("{\"volunteer\":[{},{\"startDate\":\"2019\",\"endDate\":\"2018\"}]}",
                          "volunteer[1].endDate"));
    /* same day, and the same period at different precisions, are fine */
    CHECK(valid("{\"work\":[{\"startDate\":\"2021-05-01\",\"endDate\":\"2021-05-01\"}]}"));
    CHECK(valid("{\"work\":[{\"startDate\":\"2021-05-20\",\"endDate\":\"2021-05\"}]}"));
    CHECK(valid("{\"work\":[{\"startDate\":\"2021\",\"endDate\":\"2021-01\"}]}"));
    CHECK(valid("{\"work\":[{\"startDate\":\"2021-05\"}]}"));
    CHECK(valid("{\"work\":[{\"endDate\":\"2021-05\"}]}"));
}

TEST(resume_urls)
{
    const char *good[] = {"https://example.com", "http://example.com/a?b=c#d",
                          "https://github.com/aarav-sharma", "HTTPS://EXAMPLE.COM/",
                          "https://xn--i1b6b1a6a2e.example/", "http://127.0.0.1:8080/x",
                          "https://example.com/r\xc3\xa9sum\xc3\xa9"};
    const char *bad[] = {"example.com", "www.example.com", "ftp://example.com/",
                         "javascript:alert(1)", "mailto:a@example.com", "https://",
                         "http:///path", "https:// example.com", "https://exa mple.com/",
                         "", "//example.com/", "data:text/html,hi", "file:///etc/passwd",
                         "https://example.com/\n"};

    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        if (!resume_is_url(good[i]))
            fprintf(stderr, "    %s should be a URL\n", good[i]);
        CHECK(resume_is_url(good[i]));
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (resume_is_url(bad[i]))
            fprintf(stderr, "    %s should not be a URL\n", bad[i]);
        CHECK(!resume_is_url(bad[i]));
    }
    CHECK(only_problem_at("{\"basics\":{\"profiles\":[{\"url\":\"github.com/x\"}]}}",
                          "basics.profiles[0].url"));
    CHECK(only_problem_at("{\"basics\":{\"url\":\"javascript:alert(1)\"}}", "basics.url"));
    CHECK(only_problem_at("{\"projects\":[{},{},{},{\"url\":\"ftp://x.org\"}]}",
                          "projects[3].url"));
    CHECK(only_problem_at("{\"meta\":{\"canonical\":\"resume.json\"}}", "meta.canonical"));
}

TEST(resume_email_and_country)
{
    CHECK(only_problem_at("{\"basics\":{\"email\":\"not an email\"}}", "basics.email"));
    CHECK(valid("{\"basics\":{\"email\":\"\",\"url\":\"\",\"profiles\":[{\"url\":\"\"}]}}"));
    CHECK(valid("{\"basics\":{\"email\":\"priya.nair@example.co.in\"}}"));
    CHECK(only_problem_at("{\"basics\":{\"location\":{\"countryCode\":\"XX\"}}}",
                          "basics.location.countryCode"));
    CHECK(only_problem_at("{\"basics\":{\"location\":{\"countryCode\":\"in\"}}}",
                          "basics.location.countryCode"));
    CHECK(only_problem_at("{\"basics\":{\"location\":{\"countryCode\":\"IND\"}}}",
                          "basics.location.countryCode"));
}

TEST(resume_unknown_fields)
{
    CHECK(only_problem_at("{\"hobbies\":[]}", "hobbies"));
    CHECK(only_problem_at("{\"basics\":{\"nickname\":\"A\"}}", "basics.nickname"));
    CHECK(only_problem_at("{\"work\":[{},{\"company\":\"Infosys\"}]}", "work[1].company"));
    CHECK(only_problem_at("{\"basics\":{\"location\":{\"country\":\"IN\"}}}",
                          "basics.location.country"));
    CHECK(only_problem_at("{\"basics\":{\"profiles\":[{\"handle\":\"x\"}]}}",
                          "basics.profiles[0].handle"));
    CHECK(only_problem_at("{\"meta\":{\"theme\":\"elegant\"}}", "meta.theme"));
}

TEST(resume_types)
{
    CHECK(only_problem_at("{\"basics\":[]}", "basics"));
    CHECK(only_problem_at("{\"work\":{}}", "work"));
    CHECK(only_problem_at("{\"work\":[\"Infosys\"]}", "work[0]"));
    CHECK(only_problem_at("{\"basics\":{\"name\":null}}", "basics.name"));
    CHECK(only_problem_at("{\"basics\":{\"name\":42}}", "basics.name"));
    CHECK(only_problem_at("{\"skills\":[{\"keywords\":\"C, Go\"}]}", "skills[0].keywords"));
    CHECK(only_problem_at("{\"skills\":[{\"keywords\":[\"C\",7]}]}", "skills[0].keywords[1]"));
    CHECK(only_problem_at("{\"basics\":{\"location\":\"Pune\"}}", "basics.location"));
    CHECK(only_problem_at("{\"projects\":[{\"roles\":[true]}]}", "projects[0].roles[0]"));
}

TEST(resume_limits)
{
    char *doc;
    json_t *d, *arr;

    /* text: 2000 characters fine, 2001 not; summaries 5000 */
    doc = long_text_doc("{\"basics\":{\"name\":\"", 2000, "\"}}");
    CHECK(valid(doc));
    free(doc);
    doc = long_text_doc("{\"basics\":{\"name\":\"", 2001, "\"}}");
    CHECK(only_problem_at(doc, "basics.name"));
    free(doc);
    doc = long_text_doc("{\"work\":[{\"summary\":\"", 5000, "\"}]}");
    CHECK(valid(doc));
    free(doc);
    doc = long_text_doc("{\"work\":[{\"summary\":\"", 5001, "\"}]}");
    CHECK(only_problem_at(doc, "work[0].summary"));
    free(doc);
    doc = long_text_doc("{\"projects\":[{\"description\":\"", 5001, "\"}]}");
    CHECK(only_problem_at(doc, "projects[0].description"));
    free(doc);
    doc = long_text_doc("{\"work\":[{\"highlights\":[\"", 2001, "\"]}]}");
    CHECK(only_problem_at(doc, "work[0].highlights[0]"));
    free(doc);

    /* 50 entries per section, 30 per list */
    d = json_object();
    arr = json_array();
    for (int i = 0; i < 50; i++)
        json_array_append_new(arr, json_object());
    json_object_set_new(d, "work", arr);
    CHECK(resume_validate(d) == NULL);
    json_array_append_new(arr, json_object());
    {
        json_t *p = resume_validate(d);

        CHECK(p != NULL && json_object_size(p) == 1 && json_object_get(p, "work") != NULL);
        json_decref(p);
    }
    json_object_del(d, "work");
    arr = json_array();
    for (int i = 0; i < 30; i++)
        json_array_append_new(arr, json_string("Go"));
    json_object_set_new(d, "skills", json_pack("[{s:O}]", "keywords", arr));
    CHECK(resume_validate(d) == NULL);
    json_array_append_new(arr, json_string("Rust"));
    {
        json_t *p = resume_validate(d);

        CHECK(p != NULL && json_object_size(p) == 1 &&
              json_object_get(p, "skills[0].keywords") != NULL);
        json_decref(p);
    }
    json_decref(arr);
    json_decref(d);

    /* a flood of problems is cut at RESUME_PROBLEMS_MAX */
    d = json_object();
    for (int i = 0; i < 500; i++) {
        char key[16];

        snprintf(key, sizeof(key), "x%d", i);
        json_object_set_new(d, key, json_true());
    }
    {
        json_t *p = resume_validate(d);

        CHECK_INT(json_object_size(p), RESUME_PROBLEMS_MAX);
        json_decref(p);
    }
    json_decref(d);
}

TEST(resume_every_problem_is_reported)
{
    json_t *p = problems_of("{\"basics\":{\"email\":\"x\",\"url\":\"y\"},"
                            "\"work\":[{\"startDate\":\"2024-13\",\"bogus\":1}],\"extra\":1}");

    CHECK(p != NULL);
    CHECK_INT(json_object_size(p), 5);
    CHECK(json_object_get(p, "basics.email") != NULL);
    CHECK(json_object_get(p, "basics.url") != NULL);
    CHECK(json_object_get(p, "work[0].startDate") != NULL);
    CHECK(json_object_get(p, "work[0].bogus") != NULL);
    CHECK(json_object_get(p, "extra") != NULL);
    json_decref(p);
}

TEST(resume_title_from_name)
{
    json_t *d = json_pack("{s:{s:s}}", "basics", "name", "  अनन्या Iyer \t"), *t;

    t = resume_title(d);
    CHECK_STR(json_string_value(t), "अनन्या Iyer");
    json_decref(t);
    json_decref(d);
    d = json_pack("{s:{s:s}}", "basics", "name", "   ");
    t = resume_title(d);
    CHECK_STR(json_string_value(t), RESUME_UNTITLED);
    json_decref(t);
    json_decref(d);
    d = json_object();
    t = resume_title(d);
    CHECK_STR(json_string_value(t), RESUME_UNTITLED);
    json_decref(t);
    json_decref(d);
}

TEST(resumes_ids_and_cursors)
{
    struct listed_cursor c = {1732640628123, "0123456789abcdef01234567"}, back;
    char text[LISTED_CURSOR_SIZE];

    CHECK(resumes_is_id("0123456789abcdef01234567"));
    CHECK(!resumes_is_id("0123456789ABCDEF01234567"));
    CHECK(!resumes_is_id("0123456789abcdef0123456"));
    CHECK(!resumes_is_id("0123456789abcdef012345678"));
    CHECK(!resumes_is_id("0123456789abcdef0123456g"));
    CHECK(!resumes_is_id(""));
    CHECK(!resumes_is_id(NULL));

    CHECK(listed_cursor_encode(&c, text, sizeof(text)));
    CHECK(strspn(text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
          strlen(text));
    CHECK(listed_cursor_decode(text, &back));
    CHECK_INT(back.at_ms, c.at_ms);
    CHECK_STR(back.id, c.id);
    CHECK(!listed_cursor_encode(&c, text, 8));

    CHECK(!listed_cursor_decode("", &back));
    CHECK(!listed_cursor_decode("not a cursor", &back));
    CHECK(!listed_cursor_decode("abc", &back));
    CHECK(!listed_cursor_decode("MTIzfHh5eg", &back));       /* "123|xyz" */
    CHECK(!listed_cursor_decode("fDAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nw", &back)); /* "|id" */
    CHECK(!listed_cursor_decode("YWJjfDAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nw", &back)); /* "abc|id" */
    CHECK(!listed_cursor_decode("MTIzfDAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nw==", &back));
}

TEST(resume_schema_key_only_at_the_top)
{
    CHECK(valid("{\"$schema\":\"https://example.org/schema.json\",\"basics\":{}}"));
    CHECK(only_problem_at("{\"$schema\":7}", "$schema"));
    CHECK(only_problem_at("{\"basics\":{\"$schema\":\"x\"}}", "basics.$schema"));
}

TEST(resume_check_adds_https_and_reports_every_problem)
{
    json_t *doc = json_loads("{\"$where\":1,\"basics\":{\"url\":\"example.com/me\","
                             "\"email\":\"nope\"},\"projects\":[{\"url\":\"no way\","
                             "\"startDate\":\"2021-13\"}]}", 0, NULL);
    json_t *normalized = NULL, *problems = resume_check(doc, &normalized);

    CHECK(problems != NULL && json_object_size(problems) == 4);
    CHECK(json_object_get(problems, "$where") != NULL);
    CHECK(json_object_get(problems, "basics.email") != NULL);
    CHECK(json_object_get(problems, "projects[0].url") != NULL);
    CHECK(json_object_get(problems, "projects[0].startDate") != NULL);
    CHECK(json_array_size(normalized) == 1);
    CHECK(strcmp(json_string_value(json_object_get(json_array_get(normalized, 0), "to")),
                 "https://example.com/me") == 0);
    CHECK(strcmp(json_string_value(json_object_get(json_object_get(doc, "basics"), "url")),
                 "https://example.com/me") == 0);
    json_decref(problems);
    json_decref(normalized);
    json_decref(doc);
}

/* A URL without its scheme that https:// would take past the limit is a
 * problem, not a rewrite into a document its own validation refuses. */
TEST(resume_https_never_takes_a_url_past_the_limit)
{
    char url[RESUME_TEXT_MAX + 1];
    json_t *doc, *normalized = NULL, *problems;

    memcpy(url, "example.com/", 12);
    memset(url + 12, 'x', RESUME_TEXT_MAX - 12);
    url[RESUME_TEXT_MAX - 7] = '\0'; /* 1993 characters: 2001 with https:// */
    doc = json_pack("{s:{s:s}}", "basics", "url", url);
    problems = resume_check(doc, &normalized);
    CHECK(problems != NULL && json_object_get(problems, "basics.url") != NULL);
    CHECK(json_array_size(normalized) == 0);
    json_decref(problems);
    json_decref(normalized);
    url[RESUME_TEXT_MAX - 8] = '\0'; /* 1992: exactly the limit once fixed */
    json_object_set_new(json_object_get(doc, "basics"), "url", json_string(url));
    problems = resume_check(doc, &normalized);
    CHECK(problems == NULL && json_array_size(normalized) == 1);
    CHECK(resume_validate(doc) == NULL);
    json_decref(normalized);
    json_decref(doc);
}

TEST(resume_meta_jobtune)
{
    json_t *d, *t;
    char *long_title;

    CHECK(valid("{\"meta\": {\"jobtune\": {\"title\": \"Backend\", \"template\": \"classic\","
                " \"font\": \"noto-serif\", \"paper\": \"letter\","
                " \"sections\": [\"skills\", \"work\"]}}}"));
    CHECK(valid("{\"meta\": {\"jobtune\": {\"sections\": []}}}"));
    CHECK(only_problem_at("{\"meta\": {\"jobtune\": {\"template\": \"fancy\"}}}",
                          "meta.jobtune.template"));
    CHECK(only_problem_at("{\"meta\": {\"jobtune\": {\"font\": 1}}}", "meta.jobtune.font"));
    CHECK(only_problem_at("{\"meta\": {\"jobtune\": {\"paper\": \"A4\"}}}",
                          "meta.jobtune.paper"));
    CHECK(only_problem_at("{\"meta\": {\"jobtune\": {\"sections\": \"work\"}}}",
                          "meta.jobtune.sections"));
    CHECK(only_problem_at("{\"meta\": {\"jobtune\": {\"sections\": [\"work\", \"basics\"]}}}",
                          "meta.jobtune.sections[1]"));
    CHECK(only_problem_at("{\"meta\": {\"jobtune\": {\"sections\": [\"work\", \"work\"]}}}",
                          "meta.jobtune.sections[1]"));
    CHECK(only_problem_at("{\"meta\": {\"jobtune\": {\"colour\": \"red\"}}}",
                          "meta.jobtune.colour"));
    CHECK(only_problem_at("{\"meta\": {\"jobtune\": []}}", "meta.jobtune"));

    d = json_pack("{s:{s:s, s:s}, s:{s:{s:s}}}", "basics", "name", "Asha", "label", "SRE",
                  "meta", "jobtune", "title", " Platform ");
    t = resume_title(d);
    CHECK_STR(json_string_value(t), "Platform");
    json_decref(t);
    json_object_del(d, "meta");
    t = resume_title(d);
    CHECK_STR(json_string_value(t), "Asha \xe2\x80\x94 SRE");
    json_decref(t);
    json_decref(d);

    t = resume_copy_title("Asha");
    CHECK_STR(json_string_value(t), "Asha (copy)");
    json_decref(t);
    long_title = long_text_doc("", 2000, ""); /* 2000 two-byte characters */
    t = resume_copy_title(long_title);
    CHECK_INT(text_utf8_len(json_string_value(t)), RESUME_TEXT_MAX);
    json_decref(t);
    free(long_title);
}

const struct unit_test resume_tests[] = {
    {"resume_meta_jobtune", resume_meta_jobtune},
    {"resume_empty_and_minimal_documents_are_valid", resume_empty_and_minimal_documents_are_valid},
    {"resume_partial_dates", resume_partial_dates},
    {"resume_date_problems_name_their_path", resume_date_problems_name_their_path},
    {"resume_end_before_start", resume_end_before_start},
    {"resume_urls", resume_urls},
    {"resume_email_and_country", resume_email_and_country},
    {"resume_unknown_fields", resume_unknown_fields},
    {"resume_types", resume_types},
    {"resume_limits", resume_limits},
    {"resume_every_problem_is_reported", resume_every_problem_is_reported},
    {"resume_title_from_name", resume_title_from_name},
    {"resumes_ids_and_cursors", resumes_ids_and_cursors},
    {"resume_schema_key_only_at_the_top", resume_schema_key_only_at_the_top},
    {"resume_check_adds_https_and_reports_every_problem",
     resume_check_adds_https_and_reports_every_problem},
    {"resume_https_never_takes_a_url_past_the_limit",
     resume_https_never_takes_a_url_past_the_limit},
    {NULL, NULL},
};

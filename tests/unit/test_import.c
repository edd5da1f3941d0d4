/* Unit tests: the resume import's pure parts (dates people write, the
 * local parser on a text resume, the forgiving JSON fix, LinkedIn's
 * tables). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "base/arena.h"
#include "model/minimise.h"
#include "model/import_date.h"
#include "model/import_fix.h"
#include "model/import_layout.h"
#include "model/import_text.h"
#include "model/linkedin.h"
#include "model/resume.h"

static const char *at(json_t *doc, const char *path)
{
    json_t *v = doc;

    for (const char *p = path; v != NULL && *p;) {
        char key[64];
        size_t n = strcspn(p, ".[");

        if (*p == '[') {
            v = json_array_get(v, strtoul(p + 1, NULL, 10));
            p = strchr(p, ']') + 1;
        } else {
            memcpy(key, p, n);
            key[n] = '\0';
            v = json_object_get(v, key);
            p += n;
        }
        if (*p == '.')
            p++;
    }
    return json_string_value(v);
}

/* What goes to the model from an imported file: contacts found by their
 * shape anywhere in the text, not only those the parser placed. */
TEST(contacts_anywhere_in_the_text_are_redacted)
{
    struct arena *a = arena_new(4096);
    const char *in = "Referees: jane.doe@example.org, +44 20 7946 0958 or (555) 123-4567.\n"
                     "Portfolio https://jane.example/work and www.janedoe.dev; "
                     "github.com/janedoe.\nLed 2019 - 2021 work on 12 services, 3.5 FTE.";
    const char *out = minimise_contacts(a, in);

    CHECK(strstr(out, "jane.doe@") == NULL);
    CHECK(strstr(out, "7946") == NULL);
    CHECK(strstr(out, "123-4567") == NULL);
    CHECK(strstr(out, "jane.example") == NULL);
    CHECK(strstr(out, "janedoe.dev") == NULL);
    CHECK(strstr(out, "github.com/janedoe") == NULL);
    /* dates and numbers that are not contacts stay */
    CHECK(strstr(out, "Led 2019 - 2021 work on 12 services, 3.5 FTE.") != NULL);
    CHECK(strstr(out, "Referees: [REDACTED], [REDACTED] or [REDACTED].") != NULL);
    CHECK(minimise_contacts(a, "Nothing to hide here, version 1.2.3.") != NULL);
    CHECK_STR(minimise_contacts(a, "www www. a@b"), "www www. a@b");
    arena_free(a);
}

TEST(dates_in_the_forms_people_write)
{
    struct import_range r;
    char out[8];
    bool present;

    CHECK(import_date_parse("Mar 2019", out, &present) && strcmp(out, "2019-03") == 0);
    CHECK(import_date_parse("March 2019", out, &present) && strcmp(out, "2019-03") == 0);
    CHECK(import_date_parse("Sept. 2019", out, &present) && strcmp(out, "2019-09") == 0);
    CHECK(import_date_parse("03/2019", out, &present) && strcmp(out, "2019-03") == 0);
    CHECK(import_date_parse("2019-03", out, &present) && strcmp(out, "2019-03") == 0);
    CHECK(import_date_parse("2019", out, &present) && strcmp(out, "2019") == 0);
    CHECK(import_date_parse("Present", out, &present) && present);
    CHECK(!import_date_parse("soon", out, &present));
    CHECK(import_date_find("Acme | Jan 2020 \xe2\x80\x93 Present", &r));
    CHECK_STR(r.start, "2020-01");
    CHECK(r.present && r.end[0] == '\0');
    CHECK(import_date_find("2015 to 2019", &r));
    CHECK_STR(r.start, "2015");
    CHECK_STR(r.end, "2019");
    CHECK(import_date_find("Engineer, 06/2016 - 2018-02", &r));
    CHECK_STR(r.start, "2016-06");
    CHECK_STR(r.end, "2018-02");
    CHECK(!import_date_find("+1 555 201 9999", &r));
}

static const char sample[] =
    "# Jane Q Doe\n"
    "Senior Backend Engineer\n"
    "jane.doe@example.com | +1 (555) 010-2030 | Austin, TX | linkedin.com/in/janedoe\n"
    "\n"
    "## PROFESSIONAL EXPERIENCE\n"
    "Staff Engineer \xe2\x80\x94 Initech Inc.\n"
    "Mar 2019 \xe2\x80\x93 Present\n"
    "- Cut p99 latency by 40% on the billing API\n"
    "- Led a team of five\n"
    "Globex, Software Developer, 06/2015 - 02/2019\n"
    "* Built the payments service in Go\n"
    "\n"
    "Education\n"
    "B.S. in Computer Science \xe2\x80\x94 University of Texas at Austin\n"
    "2011 - 2015\n"
    "Technical Skills:\n"
    "Languages: Go, Python, C\n"
    "PostgreSQL, Kubernetes\n"
    "Languages\n"
    "English (Native), Spanish - Professional\n"
    "Hobbies and such\n"
    "Certifications\n"
    "AWS Certified Developer, Amazon Web Services, 2021\n"
    "References\n"
    "Available on request\n";

TEST(text_resume_becomes_a_draft)
{
    struct import_lines l = {0};
    json_t *unplaced = json_array(), *r, *warnings = json_array(), *problems, *norm = NULL;

    import_lines_add_text(&l, sample, strlen(sample));
    r = import_text_parse(&l, NULL, unplaced);
    CHECK_STR(at(r, "basics.name"), "Jane Q Doe");
    CHECK_STR(at(r, "basics.label"), "Senior Backend Engineer");
    CHECK_STR(at(r, "basics.email"), "jane.doe@example.com");
    CHECK_STR(at(r, "basics.phone"), "+1 (555) 010-2030");
    CHECK_STR(at(r, "basics.location.city"), "Austin");
    CHECK_STR(at(r, "basics.location.region"), "TX");
    CHECK_STR(at(r, "basics.profiles[0].network"), "LinkedIn");
    CHECK_STR(at(r, "basics.profiles[0].username"), "janedoe");
    CHECK_STR(at(r, "basics.profiles[0].url"), "https://linkedin.com/in/janedoe");
    CHECK_STR(at(r, "work[0].position"), "Staff Engineer");
    CHECK_STR(at(r, "work[0].name"), "Initech Inc.");
    CHECK_STR(at(r, "work[0].startDate"), "2019-03");
    CHECK(at(r, "work[0].endDate") == NULL);
    CHECK_STR(at(r, "work[0].highlights[1]"), "Led a team of five");
    CHECK_STR(at(r, "work[1].name"), "Globex");
    CHECK_STR(at(r, "work[1].position"), "Software Developer");
    CHECK_STR(at(r, "work[1].startDate"), "2015-06");
    CHECK_STR(at(r, "work[1].endDate"), "2019-02");
    CHECK_STR(at(r, "education[0].studyType"), "B.S.");
    CHECK_STR(at(r, "education[0].area"), "Computer Science");
    CHECK_STR(at(r, "education[0].institution"), "University of Texas at Austin");
    CHECK_STR(at(r, "education[0].startDate"), "2011");
    CHECK_STR(at(r, "education[0].endDate"), "2015");
    CHECK_STR(at(r, "skills[0].name"), "Languages");
    CHECK_STR(at(r, "skills[0].keywords[2]"), "C");
    CHECK_STR(at(r, "skills[1].name"), "PostgreSQL");
    CHECK_STR(at(r, "languages[1].language"), "Spanish");
    CHECK_STR(at(r, "languages[1].fluency"), "Professional");
    CHECK_STR(at(r, "certificates[0].issuer"), "Amazon Web Services");
    CHECK_STR(at(r, "certificates[0].date"), "2021");
    /* what fits nowhere is listed, not guessed */
    CHECK_STR(json_string_value(json_array_get(unplaced, json_array_size(unplaced) - 1)),
              "Available on request");
    import_fix(r, NULL, warnings);
    problems = resume_check(r, &norm);
    CHECK(problems == NULL);
    json_decref(problems);
    json_decref(norm);
    json_decref(r);
    json_decref(unplaced);
    json_decref(warnings);
    import_lines_free(&l);
}

TEST(forgiving_json_keeps_what_it_can)
{
    json_t *doc = json_loads("{\"basics\":{\"name\":\"A\",\"location\":{\"countryCode\":"
                             "\"Germany\"},\"twitter\":\"@a\"},\"work\":[{\"name\":\"X\","
                             "\"startDate\":\"March 2019\",\"endDate\":\"Present\"}],"
                             "\"hobby\":1}", 0, NULL);
    json_t *countries = json_pack("{s:s}", "germany", "DE"), *w = json_array();

    import_fix(doc, countries, w);
    CHECK_STR(at(doc, "basics.location.countryCode"), "DE");
    CHECK_STR(at(doc, "work[0].startDate"), "2019-03");
    CHECK(json_object_get(json_object_get(json_array_get(json_object_get(doc, "work"), 0),
                                          "endDate"), "x") == NULL);
    CHECK(json_object_get(json_object_get(doc, "basics"), "twitter") == NULL);
    CHECK(json_object_get(doc, "hobby") == NULL);
    CHECK_INT(json_array_size(w), 5);
    json_decref(doc);
    json_decref(countries);
    json_decref(w);
}

TEST(linkedin_tables_become_a_draft)
{
    json_t *t = json_loads("{\"Profile.csv\":[{\"First Name\":\"Ana\",\"Last Name\":\"Silva\","
                           "\"Headline\":\"Data Engineer\"}],\"Positions.csv\":[{\"Company Name\":"
                           "\"Acme\",\"Title\":\"Analyst\",\"Started On\":\"Jan 2020\"}],"
                           "\"Skills.csv\":[{\"Name\":\"SQL\"}]}", 0, NULL);
    json_t *w = json_array(), *r = linkedin_resume(t, w);

    CHECK_STR(at(r, "basics.name"), "Ana Silva");
    CHECK_STR(at(r, "work[0].position"), "Analyst");
    CHECK_STR(at(r, "work[0].startDate"), "2020-01");
    CHECK_STR(at(r, "skills[0].name"), "SQL");
    json_decref(r);
    json_decref(t);
    json_decref(w);
}

/* ---- PDF layout: glyphs placed by hand ---------------------------------------- */

/* A line of text drawn from (x, y) in a fixed-width type of size pt. */
struct drawn {
    const char *text;
    double x, y, size;
};

/* The lines' glyphs (each character half an em wide; spaces are gaps, as
 * in a PDF; the first 512 of them) laid out and joined. */
static char *layout(const struct drawn *d, size_t nd)
{
    struct import_glyph g[512];
    struct import_lines l = {0};
    size_t n = 0;
    char *s;

    for (size_t i = 0; i < nd; i++) {
        double x = d[i].x, size = d[i].size;

        for (const char *p = d[i].text; *p;) {
            size_t len = (*p & 0x80) == 0 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 : 4;

            if (*p != ' ' && n < sizeof(g) / sizeof(g[0]))
                g[n++] = (struct import_glyph){x, d[i].y, x + size / 2, d[i].y + size, size, p, len};
            x += size / 2;
            p += len;
        }
    }
    import_layout_lines(g, n, 1.3, &l);
    s = import_lines_join(&l);
    import_lines_free(&l);
    return s;
}

#define CHECK_LAYOUT(drawn, want)                                              \
    do {                                                                       \
        char *s_ = layout(drawn, sizeof(drawn) / sizeof(drawn[0]));            \
        CHECK_STR(s_, want);                                                   \
        free(s_);                                                              \
    } while (0)

TEST(two_columns_are_read_one_after_the_other)
{
    static const struct drawn d[] = {
        {"Jane Doe", 50, 40, 20},
        {"jane@x.org", 50, 80, 10},
        {"Skills", 50, 100, 10},
        {"Go", 50, 115, 10},
        {"Experience", 250, 40, 10},
        {"Engineer at Acme", 250, 55, 10},
        {"Built the billing service", 250, 80, 10},
        {"Shipped the search page to every customer", 250, 95, 10},
    };

    CHECK_LAYOUT(d, "Jane Doe\njane@x.org\nSkills\nGo\nExperience\nEngineer at Acme\n"
                    "Built the billing service\nShipped the search page to every customer\n");
}

TEST(right_aligned_dates_stay_with_their_title)
{
    static const struct drawn d[] = {
        {"Built the billing service in Go for the whole company", 50, 30, 10},
        {"Engineer \xe2\x80\x94 Acme", 50, 50, 10},
        {"Mar 2020 \xe2\x80\x93 Present", 400, 50, 10},
    };

    CHECK_LAYOUT(d, "Built the billing service in Go for the whole company\n"
                    "Engineer \xe2\x80\x94 Acme   Mar 2020 \xe2\x80\x93 Present\n");
}

TEST(a_table_of_dates_is_read_row_by_row)
{
    static const struct drawn d[] = {
        {"2019 - 2021", 50, 50, 10},
        {"Engineer | Acme", 200, 50, 10},
        {"Built a thing", 200, 65, 10},
        {"2017 - 2019", 50, 80, 10},
        {"Analyst | Globex", 200, 80, 10},
        {"Did a thing for the whole team", 200, 95, 10},
        {"2015 - 2017", 50, 110, 10},
        {"Intern | Initech", 200, 110, 10},
    };

    CHECK_LAYOUT(d, "2019 - 2021   Engineer | Acme\nBuilt a thing\n2017 - 2019   Analyst | Globex\n"
                    "Did a thing for the whole team\n2015 - 2017   Intern | Initech\n");
}

const struct unit_test import_tests[] = {
    {"contacts_anywhere_in_the_text_are_redacted", contacts_anywhere_in_the_text_are_redacted},
    {"two_columns_are_read_one_after_the_other", two_columns_are_read_one_after_the_other},
    {"right_aligned_dates_stay_with_their_title", right_aligned_dates_stay_with_their_title},
    {"a_table_of_dates_is_read_row_by_row", a_table_of_dates_is_read_row_by_row},
    {"dates_in_the_forms_people_write", dates_in_the_forms_people_write},
    {"text_resume_becomes_a_draft", text_resume_becomes_a_draft},
    {"forgiving_json_keeps_what_it_can", forgiving_json_keeps_what_it_can},
    {"linkedin_tables_become_a_draft", linkedin_tables_become_a_draft},
    {NULL, NULL},
};

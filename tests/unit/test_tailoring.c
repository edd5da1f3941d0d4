/* Unit tests: a tailoring's paths, the pairing of tailored highlights
 * with the originals they rewrite, the check of a choice and the resume
 * it makes (model/tailoring.c). */
#include <jansson.h>
#include <stdlib.h>

#include "check.h"
#include "model/tailoring.h"

/* Parsed values of one test, all released by release(). */
static json_t *pool;

static json_t *parse(const char *text)
{
    json_t *j = json_loads(text, JSON_DECODE_ANY, NULL);

    CHECK(j != NULL);
    if (pool == NULL)
        pool = json_array();
    json_array_append_new(pool, j);
    return j;
}

static void release(void)
{
    json_decref(pool);
    pool = NULL;
}

/* v as compact JSON text, for comparing (static buffer). */
static const char *dump(json_t *v)
{
    static char buf[2048];
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

    snprintf(buf, sizeof(buf), "%s", s ? s : "(null)");
    free(s);
    return buf;
}

static const char resume_text[] =
    "{\"basics\":{\"name\":\"A\"},"
    "\"work\":[{\"name\":\"Acme\",\"highlights\":[\"Built a REST API in Python\","
    "\"Introduced unit testing\",\"Mentored two juniors\"]},"
    "{\"name\":\"Beta\",\"highlights\":[\"Wrote Go services\"]}],"
    "\"skills\":[{\"name\":\"Python\",\"level\":\"expert\"},{\"name\":\"Go\"},{\"name\":\"SQL\"}]}";

/* Tailored: Acme's lines reordered, one reworded past recognition and one
 * new; Beta untouched; skills partly reordered, one unknown name. */
static const char result_text[] =
    "{\"summary\":\"Backend engineer.\","
    "\"work\":[{\"index\":0,\"highlights\":[\"Introduced unit testing across teams\","
    "\"Designed and built a REST API in Python\",\"Led the platform migration\"]},"
    "{\"index\":5,\"highlights\":[\"x\"]}],"
    "\"skills\":[\"SQL\",\"Rust\",\"Python\"]}";

TEST(tailoring_paths_are_the_suggestions)
{
    json_t *resume = parse(resume_text), *result = parse(result_text);
    json_t *paths = tailoring_paths(resume, result);

    /* work index 5 is not in the resume: no path */
    CHECK_STR(dump(paths), "[\"basics.summary\",\"work[0].highlights[0]\","
                           "\"work[0].highlights[1]\",\"work[0].highlights[2]\",\"skills\"]");
    json_decref(paths);
    json_object_set_new(result, "summary", json_string(""));
    json_object_set_new(result, "skills", json_array());
    paths = tailoring_paths(resume, result);
    CHECK_STR(dump(paths), "[\"work[0].highlights[0]\",\"work[0].highlights[1]\","
                           "\"work[0].highlights[2]\"]");
    json_decref(paths);
    release();
}

/* tailoring_sources() of two JSON arrays, as compact text. */
static const char *sources(const char *originals, const char *tailored)
{
    json_t *from = tailoring_sources(originals ? parse(originals) : NULL, parse(tailored));
    const char *text = dump(from);

    json_decref(from);
    return text;
}

TEST(tailoring_sources_pair_each_original_once)
{
    const char *originals = "[\"Built a REST API in Python\",\"Introduced unit testing\","
                            "\"Mentored two juniors\"]";

    CHECK_STR(sources(originals, "[\"Introduced unit testing across teams\","
                                 "\"Designed and built a REST API in Python\","
                                 "\"Led the platform migration\"]"),
              "[1,0,null]");
    /* two tailored lines alike one original: the closer one takes it */
    CHECK_STR(sources(originals, "[\"Built an API\",\"Built a REST API in Python, fast\"]"),
              "[null,0]");
    /* case and spacing do not matter; an empty line pairs with nothing */
    CHECK_STR(sources(originals, "[\"MENTORED   two\\tJUNIORS\",\"\"]"), "[2,null]");
    CHECK_STR(sources(NULL, "[\"a\",\"b\"]"), "[null,null]");
    release();
}

TEST(tailoring_check_names_each_bad_path)
{
    json_t *paths = tailoring_paths(parse(resume_text), parse(result_text)), *p;

    CHECK(tailoring_check_choice(paths, parse("[\"skills\"]"), NULL) == NULL);
    p = tailoring_check_choice(paths, parse("[\"skills\",\"work[5].highlights[0]\",3]"),
                               parse("{\"work[0].highlights[1]\":\"mine\",\"skills\":\"x\","
                                     "\"basics.name\":\"B\"}"));
    CHECK(json_object_get(p, "work[5].highlights[0]") != NULL); /* not suggested */
    CHECK(json_object_get(p, "accept[2]") != NULL);             /* not text */
    CHECK(json_object_get(p, "work[0].highlights[1]") != NULL); /* edited, not accepted */
    CHECK(json_object_get(p, "basics.name") != NULL);           /* not suggested */
    CHECK(json_object_get(p, "skills") != NULL);                /* no text to edit */
    CHECK_INT(json_object_size(p), 5);
    json_decref(p);
    p = tailoring_check_choice(paths, parse("[\"basics.summary\"]"),
                               parse("{\"basics.summary\":\"  \"}"));
    CHECK(json_object_get(p, "basics.summary") != NULL);
    json_decref(p);
    /* a string that is no path of ours is not echoed back as a key */
    p = tailoring_check_choice(paths, parse("[\"work[0].highlights[0]xxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                                            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"]"), NULL);
    CHECK(json_object_get(p, "accept[0]") != NULL);
    CHECK_INT(json_object_size(p), 1);
    json_decref(p);
    p = tailoring_check_choice(paths, parse("\"skills\""), parse("[]"));
    CHECK(json_object_get(p, "accept") != NULL);
    CHECK(json_object_get(p, "edits") != NULL);
    json_decref(p);
    json_decref(paths);
    release();
}

static const char *highlights_of(json_t *resume, size_t i)
{
    return dump(json_object_get(json_array_get(json_object_get(resume, "work"), i),
                                "highlights"));
}

TEST(tailoring_apply_keeps_every_own_line)
{
    json_t *resume = parse(resume_text), *result = parse(result_text), *out, *all;
    const char *skills = "[{\"name\":\"Python\",\"level\":\"expert\"},{\"name\":\"Go\"},"
                         "{\"name\":\"SQL\"}]";

    /* line 0 accepted with an edit, line 1 rejected (its original comes
     * back in its place), the new line 2 rejected (left out), the
     * original no line rewrites kept last */
    out = tailoring_apply(resume, result, parse("[\"work[0].highlights[0]\"]"),
                          parse("{\"work[0].highlights[0]\":\"  Brought in unit tests  \"}"));
    CHECK_STR(highlights_of(out, 0), "[\"Brought in unit tests\",\"Built a REST API in Python\","
                                     "\"Mentored two juniors\"]");
    CHECK_STR(dump(json_object_get(out, "skills")), skills);
    CHECK(json_object_get(json_object_get(out, "basics"), "summary") == NULL);
    json_decref(out);
    /* everything: the tailoring's lines, the skills it names first */
    all = tailoring_paths(resume, result);
    out = tailoring_apply(resume, result, all, NULL);
    CHECK_STR(highlights_of(out, 0), "[\"Introduced unit testing across teams\","
                                     "\"Designed and built a REST API in Python\","
                                     "\"Led the platform migration\",\"Mentored two juniors\"]");
    CHECK_STR(highlights_of(out, 1), "[\"Wrote Go services\"]");
    CHECK_STR(dump(json_object_get(out, "skills")),
              "[{\"name\":\"SQL\"},{\"name\":\"Python\",\"level\":\"expert\"},{\"name\":\"Go\"}]");
    CHECK_STR(json_string_value(json_object_get(json_object_get(out, "basics"), "summary")),
              "Backend engineer.");
    json_decref(out);
    json_decref(all);
    /* the resume itself is never changed */
    CHECK_STR(dump(json_object_get(resume, "skills")), skills);
    release();
}

const struct unit_test tailoring_tests[] = {
    {"tailoring_paths_are_the_suggestions", tailoring_paths_are_the_suggestions},
    {"tailoring_sources_pair_each_original_once", tailoring_sources_pair_each_original_once},
    {"tailoring_check_names_each_bad_path", tailoring_check_names_each_bad_path},
    {"tailoring_apply_keeps_every_own_line", tailoring_apply_keeps_every_own_line},
    {NULL, NULL},
};

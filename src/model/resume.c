/*
 * resume.c - the JSON Resume shape as data, and the walk that checks a
 * document against it.
 *
 * The schema is a tree of `struct field` tables: each names a member, its
 * kind and, for objects and lists of objects, the table of their members.
 * The walk visits every member of the document once, looks its name up in
 * the table of where it stands, and records at most one problem per path
 * ("work[2].startDate" -> "..."), so a client can show every problem next
 * to its field at once.  A member the table does not name is a problem
 * too: silently storing what the product will never show would be keeping
 * data for nothing.
 *
 * Dates are JSON Resume's partial ISO-8601 dates; ranges compare them at
 * the precision both sides have ("2020" is not before "2020-05").  URLs are
 * judged by libcurl's URL parser, the same code that would fetch them.
 */
#include "model/resume.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/text.h"
#include "model/region.h"

enum kind {
    K_TEXT,    /* string, <= RESUME_TEXT_MAX characters */
    K_LONG,    /* string, <= RESUME_LONG_TEXT_MAX characters */
    K_DATE,    /* partial ISO-8601 date */
    K_URL,     /* http(s) URL */
    K_EMAIL,   /* text_is_email() */
    K_COUNTRY, /* ISO 3166-1 alpha-2 */
    K_LIST,    /* array of K_TEXT, <= RESUME_LIST_MAX entries */
    K_OBJECT,  /* object of `members` */
    K_SECTION, /* array of objects of `members`, <= RESUME_SECTION_MAX entries */
    K_TEMPLATE, /* one of resume_templates */
    K_FONT,     /* one of resume_fonts */
    K_PAPER,    /* one of resume_papers */
    K_ORDER,    /* array of distinct resume_sections */
};

struct field {
    const char *name;
    enum kind kind;
    const struct field *members; /* K_OBJECT, K_SECTION; NULL-name terminated */
};

/* ---- the schema ---------------------------------------------------------- */

static const struct field location[] = {
    {"address", K_TEXT, NULL},  {"postalCode", K_TEXT, NULL},   {"city", K_TEXT, NULL},
    {"countryCode", K_COUNTRY, NULL}, {"region", K_TEXT, NULL}, {NULL, K_TEXT, NULL},
};

static const struct field profile[] = {
    {"network", K_TEXT, NULL}, {"username", K_TEXT, NULL}, {"url", K_URL, NULL},
    {NULL, K_TEXT, NULL},
};

static const struct field basics[] = {
    {"name", K_TEXT, NULL},    {"label", K_TEXT, NULL},   {"image", K_TEXT, NULL},
    {"email", K_EMAIL, NULL},  {"phone", K_TEXT, NULL},   {"url", K_URL, NULL},
    {"summary", K_LONG, NULL}, {"location", K_OBJECT, location},
    {"profiles", K_SECTION, profile}, {NULL, K_TEXT, NULL},
};

static const struct field work[] = {
    {"name", K_TEXT, NULL},      {"position", K_TEXT, NULL}, {"url", K_URL, NULL},
    {"location", K_TEXT, NULL},  {"description", K_TEXT, NULL},
    {"startDate", K_DATE, NULL}, {"endDate", K_DATE, NULL},  {"summary", K_LONG, NULL},
    {"highlights", K_LIST, NULL}, {NULL, K_TEXT, NULL},
};

static const struct field volunteer[] = {
    {"organization", K_TEXT, NULL}, {"position", K_TEXT, NULL}, {"url", K_URL, NULL},
    {"startDate", K_DATE, NULL},    {"endDate", K_DATE, NULL},  {"summary", K_LONG, NULL},
    {"highlights", K_LIST, NULL},   {NULL, K_TEXT, NULL},
};

static const struct field education[] = {
    {"institution", K_TEXT, NULL}, {"url", K_URL, NULL},        {"area", K_TEXT, NULL},
    {"studyType", K_TEXT, NULL},   {"startDate", K_DATE, NULL}, {"endDate", K_DATE, NULL},
    {"score", K_TEXT, NULL},       {"courses", K_LIST, NULL},   {NULL, K_TEXT, NULL},
};

static const struct field award[] = {
    {"title", K_TEXT, NULL}, {"date", K_DATE, NULL}, {"awarder", K_TEXT, NULL},
    {"summary", K_LONG, NULL}, {NULL, K_TEXT, NULL},
};

static const struct field certificate[] = {
    {"name", K_TEXT, NULL}, {"date", K_DATE, NULL}, {"issuer", K_TEXT, NULL},
    {"url", K_URL, NULL},   {NULL, K_TEXT, NULL},
};

static const struct field publication[] = {
    {"name", K_TEXT, NULL}, {"publisher", K_TEXT, NULL}, {"releaseDate", K_DATE, NULL},
    {"url", K_URL, NULL},   {"summary", K_LONG, NULL},   {NULL, K_TEXT, NULL},
};

static const struct field skill[] = {
    {"name", K_TEXT, NULL}, {"level", K_TEXT, NULL}, {"keywords", K_LIST, NULL},
    {NULL, K_TEXT, NULL},
};

static const struct field language[] = {
    {"language", K_TEXT, NULL}, {"fluency", K_TEXT, NULL}, {NULL, K_TEXT, NULL},
};

static const struct field interest[] = {
    {"name", K_TEXT, NULL}, {"keywords", K_LIST, NULL}, {NULL, K_TEXT, NULL},
};

static const struct field reference[] = {
    {"name", K_TEXT, NULL}, {"reference", K_LONG, NULL}, {NULL, K_TEXT, NULL},
};

static const struct field project[] = {
    {"name", K_TEXT, NULL},      {"description", K_LONG, NULL}, {"highlights", K_LIST, NULL},
    {"keywords", K_LIST, NULL},  {"startDate", K_DATE, NULL},   {"endDate", K_DATE, NULL},
    {"url", K_URL, NULL},        {"roles", K_LIST, NULL},       {"entity", K_TEXT, NULL},
    {"type", K_TEXT, NULL},      {NULL, K_TEXT, NULL},
};

/* meta.jobtune: this product's own member of meta (JSON Resume lets a
 * tool keep its settings there), how this resume prints.  The template
 * and font ids are svc/pdf.c's (tests/unit/test_pdf.c keeps the lists
 * equal); the model names them so that a stored document never asks for
 * a look that does not exist. */
const char *const resume_templates[] = {"modern", "classic", "compact", NULL};
const char *const resume_fonts[] = {"dejavu-sans", "dejavu-serif", "noto-sans", "noto-serif",
                                    "liberation-sans", "liberation-serif", NULL};
const char *const resume_papers[] = {"a4", "letter", NULL};
const char *const resume_sections[] = {"summary", "work", "projects", "education", "skills",
                                       "certificates", "awards", "publications", "volunteer",
                                       "languages", "interests", "references", NULL};

static const struct field jobtune[] = {
    {"title", K_TEXT, NULL},       {"sections", K_ORDER, NULL}, {"template", K_TEMPLATE, NULL},
    {"font", K_FONT, NULL},        {"paper", K_PAPER, NULL},    {NULL, K_TEXT, NULL},
};

static const struct field meta[] = {
    {"canonical", K_URL, NULL}, {"version", K_TEXT, NULL}, {"lastModified", K_TEXT, NULL},
    {"jobtune", K_OBJECT, jobtune}, {NULL, K_TEXT, NULL},
};

static const struct field document[] = {
    {"$schema", K_TEXT, NULL}, /* the only '$' key: the schema's URL, kept as given */
    {"basics", K_OBJECT, basics},
    {"work", K_SECTION, work},
    {"volunteer", K_SECTION, volunteer},
    {"education", K_SECTION, education},
    {"awards", K_SECTION, award},
    {"certificates", K_SECTION, certificate},
    {"publications", K_SECTION, publication},
    {"skills", K_SECTION, skill},
    {"languages", K_SECTION, language},
    {"interests", K_SECTION, interest},
    {"references", K_SECTION, reference},
    {"projects", K_SECTION, project},
    {"meta", K_OBJECT, meta},
    {NULL, K_TEXT, NULL},
};

/* ---- dates and URLs ------------------------------------------------------ */

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int number(const char *s, size_t n)
{
    int v = 0;

    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* 0: not a partial date at all; 1: its shape is right but the day, month
 * or year does not exist; 2: a real date. */
static int date_class(const char *s)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    size_t n = strlen(s);
    int year, month, day, last;

    if ((n != 4 && n != 7 && n != 10) || !digits(s, 4))
        return 0;
    if (n >= 7 && (s[4] != '-' || !digits(s + 5, 2)))
        return 0;
    if (n == 10 && (s[7] != '-' || !digits(s + 8, 2)))
        return 0;
    year = number(s, 4);
    if (year < 1000 || year > 2999)
        return 1;
    if (n == 4)
        return 2;
    month = number(s + 5, 2);
    if (month < 1 || month > 12)
        return 1;
    if (n == 7)
        return 2;
    day = number(s + 8, 2);
    last = days[month - 1];
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        last = 29;
    return day >= 1 && day <= last ? 2 : 1;
}

bool resume_is_date(const char *s)
{
    return s != NULL && date_class(s) == 2;
}

bool resume_is_url(const char *s)
{
    CURLU *u;
    char *scheme = NULL, *host = NULL;
    const char *host_at = NULL;
    bool ok = false;

    /* Insist on the scheme and the authority being spelled out: curl would
     * otherwise guess a scheme, and reads "http:///x" as the host "x". */
    if (s == NULL)
        return false;
    if (strncasecmp(s, "http://", 7) == 0)
        host_at = s + 7;
    else if (strncasecmp(s, "https://", 8) == 0)
        host_at = s + 8;
    if (host_at == NULL || *host_at == '/' || *host_at == '\\')
        return false;
    if ((u = curl_url()) == NULL)
        return false;
    if (curl_url_set(u, CURLUPART_URL, s, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
        ok = (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0) && host[0] != '\0';
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return ok;
}

/* ---- the walk ------------------------------------------------------------ */

#define PATH_SIZE 128 /* every path the schema can name fits */

/* path[i] / path.key into out; false if it does not fit (the schema's
 * own paths always do; a path with a user's key is never built here). */
static bool path_index(char out[PATH_SIZE], const char *path, size_t i)
{
    int n = snprintf(out, PATH_SIZE, "%s[%zu]", path, i);

    return n > 0 && n < PATH_SIZE;
}

static bool path_member(char out[PATH_SIZE], const char *path, const char *key)
{
    int n = *path ? snprintf(out, PATH_SIZE, "%s.%s", path, key)
                  : snprintf(out, PATH_SIZE, "%s", key);

    return n > 0 && n < PATH_SIZE;
}

struct walk {
    json_t *problems;   /* path -> sentence; created at the first problem */
    json_t *normalized; /* NULL: leave URLs alone; else [{path, from, to}] */
};

/* "example.com/x" -> "https://example.com/x" when that is a URL: a value
 * with no scheme at all, a dot in it and no space.  NULL otherwise, and
 * also when the 8 characters added would take it past RESUME_TEXT_MAX
 * (the stored document must pass its own validation again). */
static json_t *with_https(const char *s)
{
    json_t *fixed;

    if (strstr(s, "://") != NULL || strchr(s, '.') == NULL || strpbrk(s, " \t\r\n") != NULL ||
        *s == '/' || *s == '.')
        return NULL;
    fixed = json_sprintf("https://%s", s);
    if (fixed != NULL && (!resume_is_url(json_string_value(fixed)) ||
                          text_utf8_len(json_string_value(fixed)) > RESUME_TEXT_MAX)) {
        json_decref(fixed);
        return NULL;
    }
    return fixed;
}

/* Give v (a string value inside the document) https:// and note it. */
static bool normalize_url(struct walk *w, const char *path, json_t *v)
{
    json_t *fixed, *note;

    if (w->normalized == NULL || (fixed = with_https(json_string_value(v))) == NULL)
        return false;
    note = json_pack("{s:s, s:s, s:s}", "path", path, "from", json_string_value(v), "to",
                     json_string_value(fixed));
    if (note == NULL || json_string_set(v, json_string_value(fixed)) != 0) {
        json_decref(note);
        json_decref(fixed);
        return false;
    }
    json_array_append_new(w->normalized, note);
    json_decref(fixed);
    return true;
}

/* JSON Resume tools write "" for a URL, email or date left blank: absent. */
static bool is_blank(json_t *v)
{
    return json_is_string(v) && json_string_length(v) == 0;
}

static void problem(struct walk *w, const char *path, const char *text)
{
    if (w->problems == NULL && (w->problems = json_object()) == NULL)
        return;
    if (json_object_size(w->problems) >= RESUME_PROBLEMS_MAX ||
        json_object_get(w->problems, path) != NULL)
        return;
    json_object_set_new(w->problems, path, json_string(text));
}

static void check_object(struct walk *w, const char *path, json_t *obj,
                         const struct field *members);

/* A string that fits max characters and hides nothing (text.h); false
 * (problem recorded) otherwise.  K_LONG fields are the multi-line ones. */
static bool check_text(struct walk *w, const char *path, json_t *v, size_t max)
{
    enum text_lines lines = max == RESUME_LONG_TEXT_MAX ? TEXT_MULTI_LINE : TEXT_ONE_LINE;

    const char *s = json_string_value(v);

    if (s == NULL) {
        problem(w, path, "This field must be text.");
        return false;
    }
    if (strlen(s) != json_string_length(v)) {
        problem(w, path, "This field must not contain NUL characters.");
        return false;
    }
    if (text_has_hidden_controls(s, lines)) {
        problem(w, path, lines == TEXT_ONE_LINE
                             ? "This field must not contain control or text-direction characters."
                             : "This field must not contain control characters other than tab "
                               "and line breaks, or text-direction characters.");
        return false;
    }
    if (json_string_length(v) > max && text_utf8_len(s) > max) {
        problem(w, path, max == RESUME_LONG_TEXT_MAX
                             ? "This field is longer than 5000 characters."
                             : "This field is longer than 2000 characters.");
        return false;
    }
    return true;
}

bool resume_is_one_of(const char *const *list, const char *s)
{
    for (; s != NULL && *list != NULL; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

/* A string among list; sentence is the problem otherwise. */
static void check_choice(struct walk *w, const char *path, json_t *v, const char *const *list,
                         const char *sentence)
{
    if (!json_is_string(v))
        problem(w, path, "This field must be text.");
    else if (!resume_is_one_of(list, json_string_value(v)))
        problem(w, path, sentence);
}

/* meta.jobtune.sections: the sections that print, in order, each once. */
static void check_order(struct walk *w, const char *path, json_t *v)
{
    char sub[PATH_SIZE];
    json_t *item;
    size_t i;

    if (!json_is_array(v)) {
        problem(w, path, "This field must be a list of section names.");
        return;
    }
    json_array_foreach(v, i, item) {
        if (!path_index(sub, path, i))
            continue;
        check_choice(w, sub, item, resume_sections,
                     "Give a section: summary, work, projects, education, skills, certificates, "
                     "awards, publications, volunteer, languages, interests or references.");
        for (size_t k = 0; k < i && json_is_string(item); k++)
            if (json_equal(json_array_get(v, k), item))
                problem(w, sub, "This section is already listed.");
    }
}

static void check_value(struct walk *w, const char *path, const struct field *f, json_t *v)
{
    char sub[PATH_SIZE];
    size_t i;
    json_t *item;

    switch (f->kind) {
    case K_TEXT:
        check_text(w, path, v, RESUME_TEXT_MAX);
        return;
    case K_LONG:
        check_text(w, path, v, RESUME_LONG_TEXT_MAX);
        return;
    case K_DATE:
        if (!check_text(w, path, v, RESUME_TEXT_MAX) || is_blank(v))
            return;
        switch (date_class(json_string_value(v))) {
        case 0:
            problem(w, path, "Give a date as YYYY, YYYY-MM or YYYY-MM-DD, like 2021-07.");
            return;
        case 1:
            problem(w, path, "This date does not exist.");
            return;
        default:
            return;
        }
    case K_URL:
        if (check_text(w, path, v, RESUME_TEXT_MAX) && !is_blank(v) &&
            !resume_is_url(json_string_value(v)) && !normalize_url(w, path, v))
            problem(w, path, "Give a full web address starting with https:// or http://.");
        return;
    case K_EMAIL:
        if (check_text(w, path, v, RESUME_TEXT_MAX) && !is_blank(v) &&
            !text_is_email(json_string_value(v)))
            problem(w, path, "Give a valid email address.");
        return;
    case K_COUNTRY:
        if (check_text(w, path, v, RESUME_TEXT_MAX) && !region_is_country(json_string_value(v)))
            problem(w, path, "Give an ISO 3166-1 alpha-2 country code, like IN.");
        return;
    case K_LIST:
        if (!json_is_array(v)) {
            problem(w, path, "This field must be a list of text.");
            return;
        }
        if (json_array_size(v) > RESUME_LIST_MAX)
            problem(w, path, "This list has more than 30 entries.");
        json_array_foreach(v, i, item) {
            if (path_index(sub, path, i))
                check_text(w, sub, item, RESUME_TEXT_MAX);
        }
        return;
    case K_OBJECT:
        if (!json_is_object(v))
            problem(w, path, "This field must be an object.");
        else
            check_object(w, path, v, f->members);
        return;
    case K_SECTION:
        if (!json_is_array(v)) {
            problem(w, path, "This field must be a list of entries.");
            return;
        }
        if (json_array_size(v) > RESUME_SECTION_MAX)
            problem(w, path, "This section has more than 50 entries.");
        json_array_foreach(v, i, item) {
            if (!path_index(sub, path, i))
                continue;
            if (!json_is_object(item))
                problem(w, sub, "Each entry must be an object.");
            else
                check_object(w, sub, item, f->members);
        }
        return;
    case K_TEMPLATE:
        check_choice(w, path, v, resume_templates,
                     "Give one of the templates GET /api/pdf/templates lists.");
        return;
    case K_FONT:
        check_choice(w, path, v, resume_fonts, "Give one of the fonts GET /api/pdf/templates lists.");
        return;
    case K_PAPER:
        check_choice(w, path, v, resume_papers, "Give a4 or letter.");
        return;
    case K_ORDER:
        check_order(w, path, v);
        return;
    }
}

static const struct field *lookup(const struct field *members, const char *name)
{
    for (const struct field *f = members; f->name != NULL; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

/* Compare two real partial dates at the precision both have: <0, 0, >0. */
static int date_cmp(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);

    return strncmp(a, b, la < lb ? la : lb);
}

static void check_object(struct walk *w, const char *path, json_t *obj,
                         const struct field *members)
{
    const char *key, *start, *end;
    char sub[PATH_SIZE];
    json_t *v;

    json_object_foreach(obj, key, v) {
        const struct field *f = lookup(members, key);

        if (f == NULL) {
            /* the key is the user's: no fixed buffer for it */
            json_t *p = *path ? json_sprintf("%s.%s", path, key) : json_string(key);

            if (p != NULL)
                problem(w, json_string_value(p), "This field is not part of a JSON Resume.");
            json_decref(p);
            continue;
        }
        if (path_member(sub, path, key))
            check_value(w, sub, f, v);
    }
    start = json_string_value(json_object_get(obj, "startDate"));
    end = json_string_value(json_object_get(obj, "endDate"));
    if (lookup(members, "endDate") != NULL && resume_is_date(start) && resume_is_date(end) &&
        date_cmp(end, start) < 0) {
        if (path_member(sub, path, "endDate"))
            problem(w, sub, "The end date is before the start date.");
    }
}

json_t *resume_check(json_t *doc, json_t **normalized)
{
    struct walk w = {NULL, NULL};

    if (normalized != NULL)
        *normalized = w.normalized = json_array();
    if (!json_is_object(doc))
        problem(&w, "resume", "A resume must be a JSON object.");
    else
        check_object(&w, "", doc, document);
    return w.problems;
}

json_t *resume_validate(json_t *doc)
{
    return resume_check(doc, NULL);
}

/* s without the white space around it: *n bytes from the returned
 * pointer, into s (borrowed); NULL when nothing is left. */
static const char *trimmed(const char *s, size_t *n)
{
    if (s == NULL)
        return NULL;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    *n = strlen(s);
    while (*n > 0 && (s[*n - 1] == ' ' || s[*n - 1] == '\t' || s[*n - 1] == '\n' ||
                      s[*n - 1] == '\r'))
        (*n)--;
    return *n > 0 ? s : NULL;
}

json_t *resume_title(json_t *doc)
{
    json_t *who = json_object_get(doc, "basics");
    size_t nt = 0, nn = 0, nl = 0;
    const char *title = trimmed(json_string_value(json_object_get(resume_jobtune(doc), "title")),
                                &nt);
    const char *name = trimmed(json_string_value(json_object_get(who, "name")), &nn);
    const char *label = trimmed(json_string_value(json_object_get(who, "label")), &nl);

    if (title != NULL)
        return json_stringn(title, nt);
    if (name != NULL && label != NULL)
        return json_sprintf("%.*s \xe2\x80\x94 %.*s", (int)nn, name, (int)nl, label);
    if (name != NULL || label != NULL)
        return name != NULL ? json_stringn(name, nn) : json_stringn(label, nl);
    return json_string(RESUME_UNTITLED);
}

json_t *resume_copy_title(const char *title)
{
    static const char suffix[] = " (copy)";
    size_t keep = 0, chars = 0, room = RESUME_TEXT_MAX - (sizeof(suffix) - 1);

    /* whole characters of title, as many as leave room for the suffix */
    while (title[keep] != '\0' && chars < room) {
        keep++;
        while ((title[keep] & 0xc0) == 0x80)
            keep++;
        chars++;
    }
    return json_sprintf("%.*s%s", (int)keep, title, suffix);
}

json_t *resume_jobtune(json_t *doc)
{
    json_t *j = json_object_get(json_object_get(doc, "meta"), "jobtune");

    return json_is_object(j) ? j : NULL;
}

/* doc's member `name`, made an empty object when it is not one: borrowed. */
static json_t *object_member(json_t *doc, const char *name)
{
    json_t *o = json_object_get(doc, name);

    if (!json_is_object(o) && json_object_set_new(doc, name, o = json_object()) != 0)
        return NULL;
    return o;
}

int resume_set_title(json_t *doc, json_t *title)
{
    json_t *settings = object_member(object_member(doc, "meta"), "jobtune");

    if (settings == NULL || title == NULL) {
        json_decref(title);
        return -1;
    }
    return json_object_set_new(settings, "title", title);
}

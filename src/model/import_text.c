/*
 * import_text.c - the local resume parser (import_text.h).
 *
 * One pass over the lines with a current section.  A heading line changes
 * the section; in the header (before the first heading, or under
 * "Contact") each line is cut at its separators ("|", "•", "·") and each
 * piece is an email, a phone, a web address, a location, the name or the
 * label.  Entries (work, education, volunteering, projects) are a few
 * header lines (names, titles, a date range) and their bullets: a new
 * entry starts when a header line follows bullets, or would fill a field
 * the current entry already has.  A header line is cut into pieces at
 * strong separators (" | ", " — ", " – ", " - ", " at ", tabs); a piece is
 * a location by its shape, a job title or a degree by its words, an
 * employer or a school by elimination or by its words.
 */
#include "model/import_text.h"

#include <ctype.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "base/text.h"
#include "model/import_date.h"
#include "model/import_fix.h"

#define PIECES_MAX 8
#define SUMMARY_MAX 4000

enum section {
    S_HEADER, S_SUMMARY, S_WORK, S_EDUCATION, S_SKILLS, S_PROJECTS, S_CERTIFICATES,
    S_LANGUAGES, S_AWARDS, S_PUBLICATIONS, S_VOLUNTEER, S_INTERESTS, S_OTHER,
};

static const struct { const char *name; enum section s; } headings[] = {
    {"summary", S_SUMMARY}, {"professional summary", S_SUMMARY}, {"profile", S_SUMMARY},
    {"professional profile", S_SUMMARY}, {"about", S_SUMMARY}, {"about me", S_SUMMARY},
    {"objective", S_SUMMARY}, {"career objective", S_SUMMARY}, {"overview", S_SUMMARY},
    {"career summary", S_SUMMARY},
    {"experience", S_WORK}, {"work experience", S_WORK}, {"employment", S_WORK},
    {"employment history", S_WORK}, {"professional experience", S_WORK},
    {"work history", S_WORK}, {"career history", S_WORK}, {"relevant experience", S_WORK},
    {"education", S_EDUCATION}, {"academic background", S_EDUCATION},
    {"education and training", S_EDUCATION},
    {"skills", S_SKILLS}, {"technical skills", S_SKILLS}, {"core skills", S_SKILLS},
    {"key skills", S_SKILLS}, {"competencies", S_SKILLS}, {"core competencies", S_SKILLS},
    {"skills and tools", S_SKILLS}, {"technologies", S_SKILLS}, {"tools", S_SKILLS},
    {"projects", S_PROJECTS}, {"personal projects", S_PROJECTS},
    {"selected projects", S_PROJECTS}, {"side projects", S_PROJECTS},
    {"certifications", S_CERTIFICATES}, {"certificates", S_CERTIFICATES},
    {"licenses and certifications", S_CERTIFICATES}, {"certification", S_CERTIFICATES},
    {"languages", S_LANGUAGES},
    {"awards", S_AWARDS}, {"honors", S_AWARDS}, {"honours", S_AWARDS},
    {"awards and honors", S_AWARDS}, {"achievements", S_AWARDS},
    {"publications", S_PUBLICATIONS},
    {"volunteer", S_VOLUNTEER}, {"volunteering", S_VOLUNTEER},
    {"volunteer experience", S_VOLUNTEER},
    {"interests", S_INTERESTS}, {"hobbies", S_INTERESTS},
    {"contact", S_HEADER}, {"contact information", S_HEADER}, {"contact details", S_HEADER},
    {"personal details", S_HEADER}, {"details", S_HEADER},
    {"references", S_OTHER},
};

static const char *const title_words[] = {
    "engineer", "developer", "manager", "analyst", "designer", "intern", "lead", "director",
    "consultant", "scientist", "specialist", "coordinator", "architect", "administrator",
    "officer", "assistant", "associate", "head", "president", "teacher", "nurse",
    "accountant", "programmer", "researcher", "technician", "owner", "founder",
    "co-founder", "cto", "ceo", "vp", "sre", "writer", "editor", "representative",
    "supervisor", "tutor", "volunteer", "mentor", "chair", "organizer", "trainee",
};
static const char *const degree_words[] = {
    "bachelor", "master", "b.s.", "b.s", "bs", "bsc", "b.sc.", "b.sc", "b.a.", "ba", "m.s.",
    "m.s", "ms", "msc", "m.sc.", "m.sc", "m.a.", "ma", "mba", "phd", "ph.d.", "ph.d",
    "doctor", "doctorate", "diploma", "associate", "b.eng", "beng", "m.eng", "meng",
    "b.tech", "btech", "m.tech", "mtech", "bachelor's", "master's", "a.a.", "a.s.",
    "high school", "ged", "certificate",
};
static const char *const school_words[] = {
    "university", "college", "school", "institute", "academy", "polytechnic",
    "universität", "université", "universidad", "universidade", "università", "iit",
};
static const char *const company_suffixes[] = {
    "inc", "inc.", "llc", "ltd", "ltd.", "gmbh", "corp", "corp.", "co.", "plc", "ag", "sa",
};

/* ---- lines ------------------------------------------------------------------------ */

static const char *const bullets[] = {
    "\xe2\x80\xa2", "\xe2\x97\x8f", "\xe2\x96\xaa", "\xe2\x97\xa6", "\xc2\xb7", "\xe2\x80\x93",
    "\xe2\x80\x94", "\xe2\x96\xa0", "\xe2\x9e\xa2", "\xef\x82\xb7", "\xe2\x88\x99", "-", "*", "+",
};

void import_wipe_free(void *p)
{
    if (p != NULL) {
        explicit_bzero(p, malloc_usable_size(p));
        free(p);
    }
}

void import_lines_add(struct import_lines *l, const char *text, size_t len, unsigned flags)
{
    char *s = mem_strndup(text, len), *t;
    size_t k;

    for (t = s; *t; t++)
        if (*t == '\t' || *t == '\r' || *t == '\f' || *t == '\v')
            *t = ' ';
    t = text_trim(s);
    for (size_t i = 0; i < sizeof(bullets) / sizeof(bullets[0]); i++) {
        k = strlen(bullets[i]);
        if (strncmp(t, bullets[i], k) == 0 && (t[k] == ' ' || (k > 1 && t[k] != '\0'))) {
            /* "- 2019" or "-5%" is not a bullet; "-  item" is */
            if (k == 1 && !isspace((unsigned char)t[1]))
                break;
            t = text_trim(t + k);
            flags |= IMPORT_BULLET;
            break;
        }
    }
    if (*t == '\0') {
        import_wipe_free(s);
        return;
    }
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = mem_realloc(l->v, l->cap * sizeof(*l->v));
    }
    memmove(s, t, strlen(t) + 1);
    l->v[l->n].text = s;
    l->v[l->n].flags = flags;
    l->n++;
}

void import_lines_add_text(struct import_lines *l, const char *text, size_t len)
{
    const char *p = text, *end = text + len;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *q;
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p), size;
        unsigned flags = 0;
        char *line, *w, *r;

        q = p;
        while (q < p + n && (*q == ' ' || *q == '\t'))
            q++;
        if (q < p + n && *q == '#') {
            while (q < p + n && *q == '#')
                q++;
            flags = IMPORT_HEADING;
        }
        /* Markdown's emphasis marks are not text */
        size = n - (size_t)(q - p);
        line = mem_strndup(q, size);
        for (r = w = line; *r; r++)
            if (!((r[0] == '*' && r[1] == '*') || (r[0] == '_' && r[1] == '_') ||
                  (r > line && r[-1] == '*' && r[0] == '*')))
                *w++ = *r;
        *w = '\0';
        import_lines_add(l, line, strlen(line), flags);
        import_wipe_free(line);
        p += n + 1;
    }
}

void import_lines_free(struct import_lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        import_wipe_free(l->v[i].text);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

char *import_lines_join(const struct import_lines *l)
{
    size_t n = 1, at = 0;
    char *s;

    for (size_t i = 0; i < l->n; i++)
        n += strlen(l->v[i].text) + 1;
    s = mem_alloc(n);
    for (size_t i = 0; i < l->n; i++) {
        size_t k = strlen(l->v[i].text);

        memcpy(s + at, l->v[i].text, k);
        at += k;
        s[at++] = '\n';
    }
    s[at] = '\0';
    return s;
}

/* ---- words ------------------------------------------------------------------------ */

/* Does s contain word (ASCII case ignored) with no letter either side? */
static bool has_word(const char *s, const char *word)
{
    size_t n = strlen(word);

    for (const char *p = s; (p = strcasestr(p, word)) != NULL; p++) {
        bool before = p == s || !isalpha((unsigned char)p[-1]);
        bool after = !isalpha((unsigned char)p[n]);

        if (before && after)
            return true;
    }
    return false;
}

static bool has_any(const char *s, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (has_word(s, words[i]))
            return true;
    return false;
}

#define HAS_ANY(s, list) has_any((s), (list), sizeof(list) / sizeof((list)[0]))

static size_t word_count(const char *s)
{
    size_t n = 0;

    for (const char *p = s; *p; p++)
        if (!isspace((unsigned char)*p) && (p == s || isspace((unsigned char)p[-1])))
            n++;
    return n;
}

/* The section a heading line names, or -1. */
static int heading_of(const char *line)
{
    char norm[64];
    size_t n = 0;

    for (const char *p = line; *p && n < sizeof(norm) - 4; p++) {
        if (*p == '&') {
            memcpy(norm + n, "and", 3);
            n += 3;
        } else if (*p == ':' || *p == '#') {
            continue;
        } else if (isspace((unsigned char)*p)) {
            if (n > 0 && norm[n - 1] != ' ')
                norm[n++] = ' ';
        } else {
            norm[n++] = (char)tolower((unsigned char)*p);
        }
    }
    while (n > 0 && norm[n - 1] == ' ')
        n--;
    norm[n] = '\0';
    if (strlen(line) >= sizeof(norm) - 8)
        return -1;
    for (size_t i = 0; i < sizeof(headings) / sizeof(headings[0]); i++)
        if (strcmp(norm, headings[i].name) == 0)
            return (int)headings[i].s;
    return -1;
}

bool import_text_is_heading(const char *line)
{
    int h = heading_of(line);

    return h >= 0 && h != S_HEADER;
}

/* ---- contacts ------------------------------------------------------------------------ */

/* Digits of a phone number: 7..15 digits and only phone characters. */
static bool is_phone(const char *s)
{
    size_t digits = 0;
    struct import_range r;

    if (import_date_find(s, &r) && r.end[0] != '\0')
        return false;
    for (const char *p = s; *p; p++) {
        if (isdigit((unsigned char)*p))
            digits++;
        else if (!strchr("+-(). /", *p))
            return false;
    }
    return digits >= 7 && digits <= 15;
}

static bool is_url(const char *s)
{
    const char *dot;

    if (strchr(s, ' ') || strchr(s, '@'))
        return false;
    if (strncasecmp(s, "http://", 7) == 0 || strncasecmp(s, "https://", 8) == 0 ||
        strncasecmp(s, "www.", 4) == 0)
        return true;
    dot = strchr(s, '.');
    return dot != NULL && dot > s && isalpha((unsigned char)dot[1]) &&
           isalpha((unsigned char)dot[2]) && (strchr(s, '/') != NULL || strstr(s, ".com") ||
                                              strstr(s, ".dev") || strstr(s, ".io") ||
                                              strstr(s, ".org") || strstr(s, ".net"));
}

static bool is_company_suffix(const char *s)
{
    for (size_t i = 0; i < sizeof(company_suffixes) / sizeof(company_suffixes[0]); i++)
        if (strcasecmp(s, company_suffixes[i]) == 0)
            return true;
    return false;
}

/* "Berlin, Germany", "Austin, TX", "Remote", "New York, NY, USA". */
static bool is_location(const char *s, json_t *countries)
{
    const char *comma = strchr(s, ',');
    size_t n;

    if (strcasecmp(s, "remote") == 0 || strncasecmp(s, "remote ", 7) == 0 ||
        strncasecmp(s, "remote,", 7) == 0)
        return true;
    if (comma == NULL || word_count(s) > 5 || strpbrk(s, "0123456789@/|") != NULL ||
        HAS_ANY(s, title_words) || HAS_ANY(s, school_words) || HAS_ANY(s, degree_words))
        return false;
    if (!isupper((unsigned char)s[0]))
        return false;
    comma = strrchr(s, ',') + 1;
    while (*comma == ' ')
        comma++;
    n = strlen(comma);
    if (n == 0 || n >= 64 || is_company_suffix(comma))
        return false;
    if (n == 2 && isupper((unsigned char)comma[0]) && isupper((unsigned char)comma[1]))
        return true;
    return countries == NULL || import_country_code(countries, comma) != NULL ||
           strcasecmp(comma, "usa") == 0 || strcasecmp(comma, "uk") == 0;
}

/* A person's name: 2..5 words, each starting with a capital letter, no
 * digits or signs but . ' - */
static bool is_name(const char *s)
{
    size_t words = word_count(s);

    if (words < 2 || words > 5 || strlen(s) > 60 || HAS_ANY(s, title_words))
        return false;
    for (const char *p = s; *p; p++) {
        if (isdigit((unsigned char)*p) || strchr("@/|,:;()!?&", *p))
            return false;
        if ((p == s || p[-1] == ' ') && !isupper((unsigned char)*p) &&
            (unsigned char)*p < 0x80)
            return false;
    }
    return true;
}

/* ---- the parser ------------------------------------------------------------------------ */

struct parser {
    json_t *resume, *basics, *unplaced, *countries;
    enum section section;
    json_t *entry;      /* the current entry of an entries section, borrowed */
    bool entry_bullets; /* it has bullets already */
};

static void unplace(struct parser *p, const char *line)
{
    json_array_append_new(p->unplaced, json_string(line));
}

static json_t *section_array(struct parser *p, const char *key)
{
    json_t *a = json_object_get(p->resume, key);

    if (a == NULL) {
        a = json_array();
        json_object_set_new(p->resume, key, a);
    }
    return a;
}

static bool set_once(json_t *obj, const char *key, const char *value)
{
    if (json_object_get(obj, key) != NULL || value == NULL || *value == '\0')
        return false;
    json_object_set_new(obj, key, json_string(value));
    return true;
}

static void append_text(json_t *obj, const char *key, const char *line)
{
    const char *old = json_string_value(json_object_get(obj, key));
    char *s;

    if (old == NULL) {
        json_object_set_new(obj, key, json_string(line));
        return;
    }
    if (strlen(old) + strlen(line) > SUMMARY_MAX)
        return;
    s = mem_alloc(strlen(old) + strlen(line) + 2);
    snprintf(s, strlen(old) + strlen(line) + 2, "%s %s", old, line);
    json_object_set_new(obj, key, json_string(s));
    import_wipe_free(s);
}

/* Cut s (modified) into trimmed pieces at the separators in seps. */
static size_t split(char *s, const char *const *seps, size_t nseps, char **out, size_t max)
{
    size_t n = 0;
    char *p = s;

    out[n++] = s;
    while (*p && n < max) {
        size_t k = 0;

        for (size_t i = 0; i < nseps && k == 0; i++)
            if (strncmp(p, seps[i], strlen(seps[i])) == 0)
                k = strlen(seps[i]);
        if (k == 0) {
            p++;
            continue;
        }
        *p = '\0';
        p += k;
        out[n++] = p;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = text_trim(out[i]);
    return n;
}

static const char *const strong_seps[] = {
    " | ", "|", " \xe2\x80\x94 ", " \xe2\x80\x93 ", " - ", "\xe2\x80\xa2", " \xc2\xb7 ",
    "   ", " at ", " @ ",
};
static const char *const list_seps[] = {",", ";", "|", "\xe2\x80\xa2", "\xc2\xb7"};

/* ---- header ---------------------------------------------------------------------------- */

/* url with https:// before it when written without a scheme: a new string. */
static char *with_scheme(const char *url)
{
    size_t size = strlen(url) + sizeof("https://");
    char *full = mem_alloc(size);

    snprintf(full, size, "%s%s", strncasecmp(url, "http", 4) == 0 ? "" : "https://", url);
    return full;
}

static void add_profile(struct parser *p, const char *network, const char *url)
{
    json_t *profiles = json_object_get(p->basics, "profiles");
    size_t n = strlen(url), end;
    char *full = with_scheme(url);
    const char *user;

    /* the username: the last part of the path ("…/in/jane-doe/" -> jane-doe) */
    end = n;
    while (end > 0 && url[end - 1] == '/')
        end--;
    user = url + end;
    while (user > url && user[-1] != '/')
        user--;
    if (profiles == NULL) {
        profiles = json_array();
        json_object_set_new(p->basics, "profiles", profiles);
    }
    json_array_append_new(profiles, json_pack("{s:s, s:s%, s:s}", "network", network,
                                              "username", user, (size_t)(url + end - user),
                                              "url", full));
    import_wipe_free(full);
}

static void set_location(struct parser *p, const char *s)
{
    char *copy = mem_strdup(s), *parts[4];
    size_t n = split(copy, (const char *const[]){","}, 1, parts, 4);
    json_t *loc = json_object();

    json_object_set_new(loc, "city", json_string(parts[0]));
    if (n > 1) {
        const char *code = import_country_code(p->countries, parts[n - 1]);

        if (code != NULL) {
            json_object_set_new(loc, "countryCode", json_string(code));
            if (n > 2)
                json_object_set_new(loc, "region", json_string(parts[1]));
        } else {
            json_object_set_new(loc, "region", json_string(parts[1]));
        }
    }
    json_object_set_new(p->basics, "location", loc);
    import_wipe_free(copy);
}

/* One piece of a header line; false when it is none of the contacts. */
static bool header_piece(struct parser *p, char *piece, bool first)
{
    char *colon = strchr(piece, ':');

    /* "Email: x", "Phone: y", "LinkedIn: z" */
    if (colon != NULL && colon - piece < 12 && colon[1] == ' ')
        piece = text_trim(colon + 1);
    if (*piece == '\0')
        return true;
    if (text_is_email(piece))
        return set_once(p->basics, "email", piece) || true;
    if (is_phone(piece))
        return set_once(p->basics, "phone", piece) || true;
    if (is_url(piece)) {
        if (strcasestr(piece, "linkedin.com"))
            add_profile(p, "LinkedIn", piece);
        else if (strcasestr(piece, "github.com"))
            add_profile(p, "GitHub", piece);
        else if (json_object_get(p->basics, "url") == NULL) {
            char *u = with_scheme(piece);

            json_object_set_new(p->basics, "url", json_string(u));
            import_wipe_free(u);
        } else
            return false;
        return true;
    }
    if (json_object_get(p->basics, "location") == NULL && is_location(piece, p->countries)) {
        set_location(p, piece);
        return true;
    }
    if (first && json_object_get(p->basics, "name") == NULL && is_name(piece))
        return set_once(p->basics, "name", piece);
    if (first && json_object_get(p->basics, "name") != NULL &&
        json_object_get(p->basics, "label") == NULL && word_count(piece) <= 8 &&
        !strpbrk(piece, "@0123456789"))
        return set_once(p->basics, "label", piece);
    return false;
}

static void header_line(struct parser *p, const char *line)
{
    char *copy = mem_strdup(line), *pieces[PIECES_MAX];
    static const char *const seps[] = {" | ", "|", "\xe2\x80\xa2", " \xc2\xb7 ", "   ",
                                       " \xe2\x80\x94 ", " \xe2\x80\x93 "};
    size_t n = split(copy, seps, sizeof(seps) / sizeof(seps[0]), pieces, PIECES_MAX);
    bool all = true;

    for (size_t i = 0; i < n; i++)
        if (!header_piece(p, pieces[i], n == 1))
            all = false;
    /* a line of pieces of which some were not contacts: kept whole for review */
    if (!all)
        unplace(p, line);
    import_wipe_free(copy);
}

/* ---- entries ---------------------------------------------------------------------------- */

/* The keys of an entries section: organisation and role. */
struct entry_keys {
    const char *org, *role;
};

static const struct entry_keys work_keys = {"name", "position"};
static const struct entry_keys volunteer_keys = {"organization", "position"};
static const struct entry_keys school_keys = {"institution", "studyType"};

static const struct entry_keys *keys_of(enum section s)
{
    return s == S_WORK ? &work_keys : s == S_VOLUNTEER ? &volunteer_keys : &school_keys;
}

/* "B.S. in Computer Science" -> studyType "B.S.", area "Computer Science";
 * "Bachelor of Science, Physics"; "BSc Computer Science". */
static void set_degree(json_t *entry, char *piece)
{
    char *in = strstr(piece, " in "), *comma = strchr(piece, ',');
    char *first_space = strchr(piece, ' ');

    if (in != NULL) {
        *in = '\0';
        set_once(entry, "studyType", text_trim(piece));
        set_once(entry, "area", text_trim(in + 4));
    } else if (comma != NULL) {
        *comma = '\0';
        set_once(entry, "studyType", text_trim(piece));
        set_once(entry, "area", text_trim(comma + 1));
    } else if (first_space != NULL && strncasecmp(piece, "bachelor", 8) != 0 &&
               strncasecmp(piece, "master", 6) != 0 && strncasecmp(piece, "doctor", 6) != 0 &&
               strncasecmp(piece, "high school", 11) != 0 &&
               strncasecmp(piece, "associate", 9) != 0) {
        *first_space = '\0';
        set_once(entry, "studyType", piece);
        set_once(entry, "area", text_trim(first_space + 1));
    } else {
        set_once(entry, "studyType", piece);
    }
}

/* One piece of an entry's header line: false when it found no field. */
static bool entry_piece(struct parser *p, json_t *e, char *piece)
{
    const struct entry_keys *k = keys_of(p->section);

    if (*piece == '\0')
        return true;
    if (p->section == S_PROJECTS)
        return set_once(e, "name", piece) || set_once(e, "description", piece);
    if (is_location(piece, p->countries) && p->section != S_EDUCATION)
        return set_once(e, "location", piece);
    if (p->section == S_EDUCATION) {
        if (strncasecmp(piece, "gpa", 3) == 0 || strncasecmp(piece, "grade", 5) == 0)
            return set_once(e, "score", piece);
        if (HAS_ANY(piece, degree_words) && json_object_get(e, "studyType") == NULL &&
            !HAS_ANY(piece, school_words)) {
            set_degree(e, piece);
            return true;
        }
        if (HAS_ANY(piece, school_words) || json_object_get(e, "institution") == NULL)
            return set_once(e, "institution", piece);
        return set_once(e, "area", piece);
    }
    if (HAS_ANY(piece, title_words) && set_once(e, k->role, piece))
        return true;
    /* by elimination: our own PDF and most resumes write the role first */
    if (json_object_get(e, k->role) == NULL && json_object_get(e, k->org) == NULL &&
        !HAS_ANY(piece, company_suffixes))
        return set_once(e, k->role, piece);
    return set_once(e, k->org, piece);
}

/* Does the current entry have the fields a header line of this shape would
 * fill (so the line begins the next entry)? */
static bool entry_full(struct parser *p, const struct import_range *r, const char *rest)
{
    json_t *e = p->entry;
    const struct entry_keys *k = keys_of(p->section);

    if (r->start[0] != '\0' && json_object_get(e, "startDate") != NULL)
        return true;
    if (*rest == '\0')
        return false;
    if (p->section == S_PROJECTS)
        return json_object_get(e, "name") != NULL && json_object_get(e, "description") != NULL;
    return json_object_get(e, k->org) != NULL && json_object_get(e, k->role) != NULL;
}

static void set_dates(json_t *e, const struct import_range *r, bool single_is_end)
{
    if (r->start[0] == '\0')
        return;
    if (r->end[0] == '\0' && !r->present && single_is_end) {
        set_once(e, "endDate", r->start);
        return;
    }
    set_once(e, "startDate", r->start);
    if (r->end[0] != '\0')
        set_once(e, "endDate", r->end);
}

/* The line with the date range cut out (a new string). */
static char *without_range(const char *line, const struct import_range *r)
{
    size_t n = strlen(line);
    char *s = mem_alloc(n + 1);

    memcpy(s, line, r->at);
    memcpy(s + r->at, line + r->at + r->len, n - r->at - r->len + 1);
    /* a separator or parentheses left around the dates */
    for (char *q = s; *q; q++)
        if (*q == '(' || *q == ')')
            *q = ' ';
    text_trim(s);
    while (*s && strchr("|,-\xc2\xb7", s[strlen(s) - 1]))
        s[strlen(s) - 1] = '\0', text_trim(s);
    return s;
}

/* Under a job that has its employer and title, is this dateless line one
 * of its highlights rather than the next job's header: a few words, none a
 * job title's, not a place, not cut into pieces? */
static bool is_highlight(struct parser *p, const char *rest)
{
    const struct entry_keys *k = keys_of(p->section);

    return (p->section == S_WORK || p->section == S_VOLUNTEER) && word_count(rest) >= 4 &&
           json_object_get(p->entry, k->org) != NULL && json_object_get(p->entry, k->role) &&
           !HAS_ANY(rest, title_words) && !is_location(rest, p->countries) &&
           strstr(rest, " | ") == NULL && strstr(rest, "   ") == NULL &&
           strstr(rest, " \xe2\x80\x94 ") == NULL;
}

static void entry_line(struct parser *p, const struct import_line *line)
{
    const char *key = p->section == S_WORK ? "work" : p->section == S_VOLUNTEER ? "volunteer"
                      : p->section == S_EDUCATION ? "education" : "projects";
    const char *list = p->section == S_EDUCATION ? "courses" : "highlights";
    struct import_range r;
    char *rest, *pieces[PIECES_MAX];
    size_t n, i;
    bool placed = false, sentence;

    if (line->flags & IMPORT_BULLET) {
        if (p->entry == NULL) {
            p->entry = json_object();
            json_array_append_new(section_array(p, key), p->entry);
        }
        if (json_object_get(p->entry, list) == NULL)
            json_object_set_new(p->entry, list, json_array());
        json_array_append_new(json_object_get(p->entry, list), json_string(line->text));
        p->entry_bullets = true;
        return;
    }
    import_date_find(line->text, &r);
    rest = r.start[0] ? without_range(line->text, &r) : mem_strdup(line->text);
    sentence = word_count(rest) > 12 || (strlen(rest) > 0 && rest[strlen(rest) - 1] == '.' &&
                                         word_count(rest) > 6);
    if (p->entry != NULL && sentence && r.start[0] == '\0') {
        /* prose under an entry: what the job or project was */
        append_text(p->entry, p->section == S_PROJECTS ? "description" : "summary", rest);
        if (p->section == S_EDUCATION)
            unplace(p, line->text);
        import_wipe_free(rest);
        return;
    }
    if (p->entry != NULL && r.start[0] == '\0' && is_highlight(p, rest)) {
        /* a list item whose bullet was drawn, not written (a browser's PDF) */
        if (json_object_get(p->entry, list) == NULL)
            json_object_set_new(p->entry, list, json_array());
        json_array_append_new(json_object_get(p->entry, list), json_string(rest));
        p->entry_bullets = true;
        import_wipe_free(rest);
        return;
    }
    if (p->entry == NULL || p->entry_bullets || entry_full(p, &r, rest)) {
        p->entry = json_object();
        p->entry_bullets = false;
        json_array_append_new(section_array(p, key), p->entry);
    }
    set_dates(p->entry, &r, p->section == S_EDUCATION);
    placed = r.start[0] != '\0';
    if (*rest != '\0') {
        char *copy = mem_strdup(rest);

        /* "University of Texas at Austin": " at " joins a school's name */
        n = split(copy, strong_seps,
                  sizeof(strong_seps) / sizeof(strong_seps[0]) - (p->section == S_EDUCATION ? 2 : 0),
                  pieces, PIECES_MAX);
        /* "Software Engineer, Acme Corp" / "B.S., Computer Science, MIT" */
        if (n == 1 && strchr(copy, ',') != NULL && !is_location(copy, p->countries) &&
            p->section != S_PROJECTS)
            n = split(copy, (const char *const[]){", "}, 1, pieces, PIECES_MAX);
        if (p->section == S_EDUCATION && n > 1 && HAS_ANY(pieces[0], degree_words) &&
            !HAS_ANY(pieces[1], school_words) && !HAS_ANY(pieces[1], degree_words)) {
            /* "B.S., Computer Science" is one degree */
            set_once(p->entry, "studyType", pieces[0]);
            pieces[0][0] = '\0';
            set_once(p->entry, "area", pieces[1]);
            pieces[1][0] = '\0';
        }
        /* a job title by its words first, so elimination sees the rest */
        for (i = 0; i < n; i++)
            if (p->section != S_EDUCATION && p->section != S_PROJECTS &&
                HAS_ANY(pieces[i], title_words) && !is_location(pieces[i], p->countries) &&
                set_once(p->entry, keys_of(p->section)->role, pieces[i])) {
                pieces[i][0] = '\0';
                placed = true;
            }
        for (i = 0; i < n; i++)
            if (pieces[i][0] == '\0')
                continue;
            else if (entry_piece(p, p->entry, pieces[i]))
                placed = true;
            else
                unplace(p, pieces[i]);
        import_wipe_free(copy);
    }
    if (!placed)
        unplace(p, line->text);
    import_wipe_free(rest);
}

/* ---- lists --------------------------------------------------------------------------- */

/* "Languages: Python, Go" -> {name: Languages, keywords}; "Python, Go" ->
 * one skill each. */
static void skills_line(struct parser *p, const char *line)
{
    char *copy = mem_strdup(line), *colon = strchr(copy, ':'), *items = copy, *pieces[32];
    char *cell = strstr(copy, "   ");

    /* "Languages   Go, Java": a table's first cell names the group */
    if (cell != NULL && (colon == NULL || colon > cell)) {
        memset(cell, ' ', 3);
        cell[0] = ':';
        colon = cell;
    }
    json_t *skills = section_array(p, "skills"), *kw = NULL;
    size_t n;

    if (colon != NULL && word_count(copy) > 0 && colon - copy < 40) {
        *colon = '\0';
        if (word_count(copy) <= 4) {
            kw = json_array();
            json_array_append_new(skills, json_pack("{s:s, s:o}", "name", text_trim(copy),
                                                    "keywords", kw));
            items = colon + 1;
        } else {
            *colon = ':';
        }
    }
    n = split(items, list_seps, sizeof(list_seps) / sizeof(list_seps[0]), pieces, 32);
    for (size_t i = 0; i < n; i++) {
        char *it = pieces[i];

        if (*it == '\0')
            continue;
        if (it[strlen(it) - 1] == '.')
            it[strlen(it) - 1] = '\0';
        if (word_count(it) > 5)
            unplace(p, it);
        else if (kw != NULL)
            json_array_append_new(kw, json_string(it));
        else
            json_array_append_new(skills, json_pack("{s:s}", "name", it));
    }
    import_wipe_free(copy);
}

/* "English (Native)", "Spanish – Professional", "German: B2", "French". */
static void languages_line(struct parser *p, const char *line)
{
    char *copy = mem_strdup(line), *pieces[16];
    json_t *langs = section_array(p, "languages");
    size_t n = split(copy, (const char *const[]){",", ";", "|", "\xe2\x80\xa2"}, 4, pieces, 16);

    for (size_t i = 0; i < n; i++) {
        char *lang = pieces[i], *fl = NULL, *cut;

        if (*lang == '\0')
            continue;
        if ((cut = strchr(lang, '(')) != NULL) {
            *cut = '\0';
            fl = cut + 1;
            if ((cut = strchr(fl, ')')) != NULL)
                *cut = '\0';
        } else if ((cut = strstr(lang, " - ")) != NULL || (cut = strstr(lang, " \xe2\x80\x93 ")) ||
                   (cut = strchr(lang, ':')) != NULL) {
            fl = cut + (*cut == ':' ? 1 : *cut == ' ' && cut[1] == '-' ? 3 : 5);
            *cut = '\0';
        }
        lang = text_trim(lang);
        if (word_count(lang) > 3) {
            unplace(p, pieces[i]);
            continue;
        }
        if (fl != NULL && *text_trim(fl) != '\0')
            json_array_append_new(langs, json_pack("{s:s, s:s}", "language", lang, "fluency",
                                                   text_trim(fl)));
        else
            json_array_append_new(langs, json_pack("{s:s}", "language", lang));
    }
    import_wipe_free(copy);
}

/* One certificate, award or publication a line: name, issuer, date. */
static void item_line(struct parser *p, const char *line)
{
    const char *key = p->section == S_CERTIFICATES ? "certificates"
                      : p->section == S_AWARDS      ? "awards" : "publications";
    const char *name = p->section == S_AWARDS ? "title" : "name";
    const char *by = p->section == S_CERTIFICATES ? "issuer"
                     : p->section == S_AWARDS     ? "awarder" : "publisher";
    const char *date = p->section == S_PUBLICATIONS ? "releaseDate" : "date";
    struct import_range r;
    char *rest, *pieces[PIECES_MAX];
    json_t *e = json_object();
    size_t n;

    import_date_find(line, &r);
    rest = r.start[0] ? without_range(line, &r) : mem_strdup(line);
    if (r.start[0])
        json_object_set_new(e, date, json_string(r.start));
    n = split(rest, strong_seps, sizeof(strong_seps) / sizeof(strong_seps[0]), pieces, PIECES_MAX);
    if (n == 1 && strchr(rest, ',') != NULL)
        n = split(rest, (const char *const[]){", "}, 1, pieces, PIECES_MAX);
    set_once(e, name, pieces[0]);
    if (n > 1)
        set_once(e, by, pieces[1]);
    for (size_t i = 2; i < n; i++)
        unplace(p, pieces[i]);
    if (json_object_get(e, name) != NULL)
        json_array_append_new(section_array(p, key), e);
    else {
        json_decref(e);
        unplace(p, line);
    }
    import_wipe_free(rest);
}

static void interests_line(struct parser *p, const char *line)
{
    char *copy = mem_strdup(line), *pieces[32];
    size_t n = split(copy, list_seps, sizeof(list_seps) / sizeof(list_seps[0]), pieces, 32);

    for (size_t i = 0; i < n; i++)
        if (*pieces[i] != '\0')
            json_array_append_new(section_array(p, "interests"),
                                  json_pack("{s:s}", "name", pieces[i]));
    import_wipe_free(copy);
}

/* ---- the pass ----------------------------------------------------------------------------- */

static void parse_line(struct parser *p, const struct import_line *line)
{
    int h = heading_of(line->text);

    if (h < 0 && (line->flags & IMPORT_HEADING) && p->section == S_HEADER &&
        json_object_get(p->basics, "name") == NULL) {
        header_line(p, line->text); /* "# Jane Doe" */
        return;
    }
    if (h >= 0 && !(line->flags & IMPORT_BULLET)) {
        p->section = (enum section)h;
        p->entry = NULL;
        p->entry_bullets = false;
        return;
    }
    if (line->flags & IMPORT_HEADING) {
        p->section = S_OTHER;
        unplace(p, line->text);
        return;
    }
    switch (p->section) {
    case S_HEADER:
        header_line(p, line->text);
        break;
    case S_SUMMARY:
        append_text(p->basics, "summary", line->text);
        break;
    case S_WORK:
    case S_EDUCATION:
    case S_VOLUNTEER:
    case S_PROJECTS:
        entry_line(p, line);
        break;
    case S_SKILLS:
        skills_line(p, line->text);
        break;
    case S_LANGUAGES:
        languages_line(p, line->text);
        break;
    case S_CERTIFICATES:
    case S_AWARDS:
    case S_PUBLICATIONS:
        item_line(p, line->text);
        break;
    case S_INTERESTS:
        interests_line(p, line->text);
        break;
    case S_OTHER:
        unplace(p, line->text);
        break;
    }
}

/* "Employment" and "History" on two lines (a narrow table cell): one
 * heading, which opens its section. */
static bool wrapped_heading(struct parser *p, const struct import_line *a,
                            const struct import_line *b)
{
    char both[64];
    int h;

    if (heading_of(b->text) >= 0 ||
        ((a->flags | b->flags) & IMPORT_BULLET) ||
        snprintf(both, sizeof(both), "%s %s", a->text, b->text) >= (int)sizeof(both) ||
        (h = heading_of(both)) < 0)
        return false;
    p->section = (enum section)h;
    p->entry = NULL;
    p->entry_bullets = false;
    return true;
}

json_t *import_text_parse(const struct import_lines *l, json_t *countries, json_t *unplaced)
{
    struct parser p = {.resume = json_object(), .basics = json_object(), .unplaced = unplaced,
                       .countries = countries, .section = S_HEADER};

    json_object_set_new(p.resume, "basics", p.basics);
    for (size_t i = 0; i < l->n; i++) {
        if (i + 1 < l->n && wrapped_heading(&p, &l->v[i], &l->v[i + 1])) {
            i++;
            continue;
        }
        parse_line(&p, &l->v[i]);
    }
    /* an entry that got nothing but bullets is kept; one that got nothing
     * at all cannot exist (every path above adds a field or a bullet) */
    if (json_object_size(p.basics) == 0)
        json_object_del(p.resume, "basics");
    return p.resume;
}

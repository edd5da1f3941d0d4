/*
 * import_fix.c - a JSON Resume made valid, each change said (import_fix.h).
 *
 * Two steps.  First the repairs that keep a value: dates in the forms
 * people write, country names, and keys no document may have ('$' or '.'
 * in them, which would also break a path).  Then resume_check() is asked
 * again and again, and every path it names is dropped (or, for a list too
 * long, cut) until it has nothing to say; each round fixes at least the
 * problems it was told of, so a few rounds suffice (the check reports at
 * most RESUME_PROBLEMS_MAX a round).
 */
#include "model/import_fix.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/import_date.h"
#include "model/resume.h"

#define ROUNDS_MAX 20

void import_warn(json_t *warnings, const char *path, const char *message)
{
    json_array_append_new(warnings, json_pack("{s:s, s:s}", "path", path, "message", message));
}

static bool is_date_key(const char *key)
{
    return strcmp(key, "startDate") == 0 || strcmp(key, "endDate") == 0 ||
           strcmp(key, "date") == 0 || strcmp(key, "releaseDate") == 0;
}

/* ---- repairs that keep a value ---------------------------------------------- */

static void fix_date(json_t *obj, const char *key, const char *path, json_t *warnings)
{
    const char *s = json_string_value(json_object_get(obj, key));
    char out[8], msg[160];
    bool present;

    if (s == NULL || *s == '\0' || resume_is_date(s) || !import_date_parse(s, out, &present))
        return;
    if (present) {
        snprintf(msg, sizeof(msg), "\"%.40s\" means no end date: the date was left empty.", s);
        import_warn(warnings, path, msg);
        json_object_del(obj, key);
        return;
    }
    snprintf(msg, sizeof(msg), "\"%.40s\" was read as %s.", s, out);
    import_warn(warnings, path, msg);
    json_object_set_new(obj, key, json_string(out));
}

const char *import_country_code(json_t *countries, const char *name)
{
    char lower[64];
    size_t i;

    if (countries == NULL || strlen(name) >= sizeof(lower))
        return NULL;
    for (i = 0; name[i]; i++)
        lower[i] = (char)tolower((unsigned char)name[i]);
    lower[i] = '\0';
    return json_string_value(json_object_get(countries, lower));
}

static void fix_country(json_t *obj, const char *path, json_t *countries, json_t *warnings)
{
    const char *s = json_string_value(json_object_get(obj, "countryCode"));
    char msg[160];
    const char *code;

    if (s == NULL || strlen(s) <= 2 || (code = import_country_code(countries, s)) == NULL)
        return;
    snprintf(msg, sizeof(msg), "The country \"%.40s\" was written as its code, %s.", s, code);
    import_warn(warnings, path, msg);
    json_object_set_new(obj, "countryCode", json_string(code));
}

static void repair(json_t *v, const char *path, bool top, json_t *countries, json_t *warnings)
{
    char sub[512];
    const char *key;
    json_t *child;
    void *tmp;
    size_t i;

    if (json_is_array(v)) {
        json_array_foreach(v, i, child) {
            snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
            repair(child, sub, false, countries, warnings);
        }
        return;
    }
    if (!json_is_object(v))
        return;
    json_object_foreach_safe(v, tmp, key, child) {
        snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", key);
        if ((key[0] == '$' && !(top && strcmp(key, "$schema") == 0)) || strchr(key, '.') ||
            *key == '\0') {
            snprintf(sub, sizeof(sub), "%s%s%.60s", path, *path ? "." : "", key);
            import_warn(warnings, sub, "This field is not part of a JSON Resume; it was left out.");
            json_object_del(v, key);
            continue;
        }
        if (is_date_key(key))
            fix_date(v, key, sub, warnings);
        else if (strcmp(key, "location") == 0 && json_is_object(child)) {
            char cc[540];

            snprintf(cc, sizeof(cc), "%s.countryCode", sub);
            fix_country(child, cc, countries, warnings);
        } else
            repair(child, sub, false, countries, warnings);
    }
}

/* ---- dropping what the check refuses ------------------------------------------ */

/* The parent of path in doc and the last step: a key (*key, into buf) or an
 * index (*index, *key NULL).  NULL when the path is not there (already
 * dropped with its parent). */
static json_t *parent_of(json_t *doc, const char *path, char *buf, size_t size,
                         const char **key, size_t *index)
{
    json_t *cur = doc, *parent = NULL;
    const char *p = path;

    *key = NULL;
    while (*p && cur != NULL) {
        parent = cur;
        if (*p == '[') {
            char *end;

            *index = strtoul(p + 1, &end, 10);
            if (*end != ']')
                return NULL;
            *key = NULL;
            cur = json_array_get(cur, *index);
            p = end + 1;
        } else {
            size_t n = strcspn(p, ".[");

            if (n >= size)
                return NULL;
            memcpy(buf, p, n);
            buf[n] = '\0';
            *key = buf;
            cur = json_object_get(cur, buf);
            p += n;
        }
        if (*p == '.')
            p++;
    }
    return cur != NULL ? parent : NULL;
}

/* The limit a "more than N entries" problem names, else 0. */
static size_t list_limit(const char *problem)
{
    return strstr(problem, "more than 30") ? 30 : strstr(problem, "more than 50") ? 50 : 0;
}

/* Drop (or cut) each path problems names; array items last to first, so
 * an index stays right while its list shrinks. */
static void drop(json_t *doc, json_t *problems, json_t *warnings)
{
    json_t *paths = json_array(), *parent, *v;
    const char *path, *key;
    char buf[256], msg[320];
    size_t i, index = 0, limit;

    json_object_foreach(problems, path, v)
        json_array_append_new(paths, json_string(path));
    for (i = json_array_size(paths); i-- > 0;) {
        const char *problem;

        path = json_string_value(json_array_get(paths, i));
        problem = json_string_value(json_object_get(problems, path));
        if ((parent = parent_of(doc, path, buf, sizeof(buf), &key, &index)) == NULL)
            continue;
        v = key ? json_object_get(parent, key) : json_array_get(parent, index);
        if ((limit = list_limit(problem)) > 0 && json_is_array(v)) {
            while (json_array_size(v) > limit)
                json_array_remove(v, limit);
            snprintf(msg, sizeof(msg), "%s Only the first %zu were kept.", problem, limit);
        } else {
            if (key)
                json_object_del(parent, key);
            else
                json_array_remove(parent, index);
            snprintf(msg, sizeof(msg), "%s It was left out.", problem);
        }
        import_warn(warnings, path, msg);
    }
    json_decref(paths);
}

void import_fix(json_t *doc, json_t *countries, json_t *warnings)
{
    json_t *problems, *normalized = NULL;

    repair(doc, "", true, countries, warnings);
    for (int round = 0; round < ROUNDS_MAX; round++) {
        problems = resume_check(doc, &normalized);
        json_decref(normalized);
        normalized = NULL;
        if (problems == NULL)
            return;
        drop(doc, problems, warnings);
        json_decref(problems);
    }
}

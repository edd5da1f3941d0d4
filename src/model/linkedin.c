/*
 * linkedin.c - LinkedIn's data export as a JSON Resume draft (linkedin.h).
 *
 * The columns are the export's own names (2024: "First Name", "Company
 * Name", "Started On" as "Mar 2019", ...).  A column missing from a file,
 * or an empty value, leaves its field out.
 */
#include "model/linkedin.h"

#include <stdio.h>
#include <string.h>

#include "model/import_date.h"
#include "model/import_fix.h"

static const char *col(json_t *row, const char *name)
{
    const char *s = json_string_value(json_object_get(row, name));

    return s != NULL && *s != '\0' ? s : NULL;
}

static void put(json_t *obj, const char *key, const char *value)
{
    if (value != NULL)
        json_object_set_new(obj, key, json_string(value));
}

static void put_date(json_t *obj, const char *key, const char *value, const char *path,
                     json_t *warnings)
{
    char out[8], p[96];
    bool present;

    if (value == NULL)
        return;
    if (import_date_parse(value, out, &present)) {
        if (!present)
            put(obj, key, out);
        return;
    }
    snprintf(p, sizeof(p), "%s.%s", path, key);
    import_warn(warnings, p, "This date was not understood; it was left out.");
}

/* A row of a table: the first whose column `flag` is "Yes", else the first. */
static json_t *primary(json_t *rows, const char *flag)
{
    json_t *row;
    size_t i;

    json_array_foreach(rows, i, row)
        if (flag != NULL && col(row, flag) && strcmp(col(row, flag), "Yes") == 0)
            return row;
    return json_array_get(rows, 0);
}

static void basics(json_t *tables, json_t *resume)
{
    json_t *b = json_object(), *profile = primary(json_object_get(tables, "Profile.csv"), NULL);
    json_t *email = primary(json_object_get(tables, "Email Addresses.csv"), "Primary");
    json_t *phone = primary(json_object_get(tables, "PhoneNumbers.csv"), NULL);
    const char *first = col(profile, "First Name"), *last = col(profile, "Last Name");
    char name[256];

    if (first || last) {
        snprintf(name, sizeof(name), "%s%s%s", first ? first : "", first && last ? " " : "",
                 last ? last : "");
        put(b, "name", name);
    }
    put(b, "label", col(profile, "Headline"));
    put(b, "summary", col(profile, "Summary"));
    if (col(profile, "Geo Location"))
        json_object_set_new(b, "location", json_pack("{s:s}", "city",
                                                     col(profile, "Geo Location")));
    put(b, "email", col(email, "Email Address"));
    put(b, "phone", col(phone, "Number"));
    if (json_object_size(b) > 0)
        json_object_set_new(resume, "basics", b);
    else
        json_decref(b);
}

/* Each row of table as an entry of section, through fill(). */
static void section(json_t *tables, const char *table, json_t *resume, const char *key,
                    void (*fill)(json_t *row, json_t *e, const char *path, json_t *warnings),
                    json_t *warnings)
{
    json_t *rows = json_object_get(tables, table), *list = json_array(), *row;
    size_t i;
    char path[64];

    json_array_foreach(rows, i, row) {
        json_t *e = json_object();

        snprintf(path, sizeof(path), "%s[%zu]", key, json_array_size(list));
        fill(row, e, path, warnings);
        if (json_object_size(e) > 0)
            json_array_append_new(list, e);
        else
            json_decref(e);
    }
    if (json_array_size(list) > 0)
        json_object_set_new(resume, key, list);
    else
        json_decref(list);
}

static void position(json_t *row, json_t *e, const char *path, json_t *w)
{
    put(e, "name", col(row, "Company Name"));
    put(e, "position", col(row, "Title"));
    put(e, "location", col(row, "Location"));
    put(e, "summary", col(row, "Description"));
    put_date(e, "startDate", col(row, "Started On"), path, w);
    put_date(e, "endDate", col(row, "Finished On"), path, w);
}

static void school(json_t *row, json_t *e, const char *path, json_t *w)
{
    put(e, "institution", col(row, "School Name"));
    put(e, "studyType", col(row, "Degree Name"));
    put_date(e, "startDate", col(row, "Start Date"), path, w);
    put_date(e, "endDate", col(row, "End Date"), path, w);
}

static void skill(json_t *row, json_t *e, const char *path, json_t *w)
{
    put(e, "name", col(row, "Name"));
}

static void language(json_t *row, json_t *e, const char *path, json_t *w)
{
    put(e, "language", col(row, "Name"));
    put(e, "fluency", col(row, "Proficiency"));
}

static void certificate(json_t *row, json_t *e, const char *path, json_t *w)
{
    put(e, "name", col(row, "Name"));
    put(e, "issuer", col(row, "Authority"));
    put(e, "url", col(row, "Url"));
    put_date(e, "date", col(row, "Started On"), path, w);
}

json_t *linkedin_resume(json_t *tables, json_t *warnings)
{
    json_t *resume = json_object();

    basics(tables, resume);
    section(tables, "Positions.csv", resume, "work", position, warnings);
    section(tables, "Education.csv", resume, "education", school, warnings);
    section(tables, "Skills.csv", resume, "skills", skill, warnings);
    section(tables, "Languages.csv", resume, "languages", language, warnings);
    section(tables, "Certifications.csv", resume, "certificates", certificate, warnings);
    return resume;
}

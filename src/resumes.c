/*
 * resumes.c - storing, reading, replacing, listing and deleting resumes.
 *
 * Invariants: every filter carries userId next to _id (no way to reach
 * another user's document, and no way to learn whether it exists);
 * `version` only ever changes through the conditional update of
 * resumes_replace(), so an ETag read by a client names exactly one stored
 * state; timestamps are BSON dates, returned as ISO-8601 strings.
 *
 * FerretDB 1.x has no transactions.  An insert is one document; a
 * replacement is one conditional update; a deletion is a sequence of
 * deletes ordered so that repeating it finishes an interrupted one.
 */
#include "resumes.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "resume.h"
#include "svc/db.h"
#include "text.h"

#define COLL "resumes"
#define TAILORINGS "tailorings"
#define INSERT_ATTEMPTS 4

bool resumes_is_id(const char *id)
{
    size_t i;

    if (id == NULL)
        return false;
    for (i = 0; i < RESUMES_ID_LEN; i++)
        if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
            return false;
    return id[i] == '\0';
}

static int new_id(char out[RESUMES_ID_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char r[RESUMES_ID_LEN / 2];

    if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
        return -1;
    for (size_t i = 0; i < sizeof(r); i++) {
        out[2 * i] = hex[r[i] >> 4];
        out[2 * i + 1] = hex[r[i] & 15];
    }
    out[RESUMES_ID_LEN] = '\0';
    return 0;
}

/* The shape resumes_get() promises, from a stored document (borrowed). */
static json_t *view(json_t *doc)
{
    return json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O}",
                     "id", json_object_get(doc, "_id"),
                     "userId", json_object_get(doc, "userId"),
                     "version", json_object_get(doc, "version"),
                     "title", json_object_get(doc, "title"),
                     "createdAt", json_object_get(doc, "createdAt"),
                     "updatedAt", json_object_get(doc, "updatedAt"),
                     "resume", json_object_get(doc, "resume"));
}

int resumes_get(struct db *db, const char *user_id, const char *id, json_t **out)
{
    json_t *filter, *doc = NULL;
    int rc;

    *out = NULL;
    if (!resumes_is_id(id) || user_id == NULL)
        return DB_OK;
    filter = json_pack("{s:s, s:s}", "_id", id, "userId", user_id);
    rc = filter ? db_find_one(db, COLL, filter, NULL, &doc) : DB_ERROR;
    json_decref(filter);
    if (rc == DB_OK && doc != NULL) {
        /* a document written by hand without these would break callers */
        if (json_is_object(json_object_get(doc, "resume")) &&
            json_is_integer(json_object_get(doc, "version")))
            *out = view(doc);
        if (*out == NULL)
            rc = DB_ERROR;
    }
    json_decref(doc);
    return rc;
}

int resumes_insert(struct db *db, const char *user_id, json_t *resume, json_t **out)
{
    int64_t now = db_now_ms();
    char id[RESUMES_ID_LEN + 1], when[40];
    json_t *doc = NULL;
    int rc = DB_ERROR;

    *out = NULL;
    for (int attempt = 0; attempt < INSERT_ATTEMPTS; attempt++) {
        if (new_id(id) != 0)
            return DB_ERROR;
        doc = json_pack("{s:s, s:s, s:i, s:o, s:O, s:o, s:o}", "_id", id, "userId", user_id,
                        "version", 1, "title", resume_title(resume), "resume", resume,
                        "createdAt", db_date(now), "updatedAt", db_date(now));
        rc = doc ? db_insert(db, COLL, doc) : DB_ERROR;
        if (rc != DB_DUPLICATE) /* 96 random bits: a repeat is all but impossible */
            break;
        json_decref(doc);
        doc = NULL;
    }
    if (rc == DB_OK) {
        text_iso8601(now, when, sizeof(when));
        json_object_set_new(doc, "createdAt", json_string(when));
        json_object_set_new(doc, "updatedAt", json_string(when));
        if ((*out = view(doc)) == NULL)
            rc = DB_ERROR;
    }
    json_decref(doc);
    return rc;
}

int resumes_replace(struct db *db, const char *user_id, const char *id, int64_t version,
                    json_t *resume, json_t **out)
{
    json_t *filter, *update, *existing = NULL;
    int64_t matched = 0;
    int rc;

    *out = NULL;
    if (!resumes_is_id(id))
        return DB_OK;
    filter = json_pack("{s:s, s:s, s:I}", "_id", id, "userId", user_id, "version",
                       (json_int_t)version);
    update = json_pack("{s:{s:O, s:o, s:o}, s:{s:i}}",
                       "$set", "resume", resume, "title", resume_title(resume),
                       "updatedAt", db_date(db_now_ms()),
                       "$inc", "version", 1);
    rc = (filter && update) ? db_update_one(db, COLL, filter, update, &matched) : DB_ERROR;
    json_decref(filter);
    json_decref(update);
    if (rc != DB_OK)
        return rc;
    rc = resumes_get(db, user_id, id, &existing);
    if (rc != DB_OK)
        return rc;
    if (matched == 0 && existing != NULL) {
        json_decref(existing);
        return RESUMES_STALE;
    }
    *out = existing; /* NULL: no such resume (or deleted meanwhile) */
    return DB_OK;
}

/* Delete coll's documents matching {key: value, "userId": user_id}. */
static int delete_owned(struct db *db, const char *coll, const char *key, const char *value,
                        const char *user_id)
{
    json_t *filter = json_pack("{s:s, s:s}", key, value, "userId", user_id);
    int rc = filter ? db_delete_many(db, coll, filter, NULL) : DB_ERROR;

    json_decref(filter);
    return rc;
}

int resumes_remove(struct db *db, const char *user_id, const char *id, bool *found)
{
    json_t *filter, *opts, *doc = NULL;
    int rc;

    *found = false;
    if (!resumes_is_id(id))
        return DB_OK;
    filter = json_pack("{s:s, s:s}", "_id", id, "userId", user_id);
    opts = json_pack("{s:{s:i}}", "projection", "_id", 1);
    rc = (filter && opts) ? db_find_one(db, COLL, filter, opts, &doc) : DB_ERROR;
    json_decref(filter);
    json_decref(opts);
    if (rc != DB_OK || doc == NULL)
        return rc;
    json_decref(doc);
    *found = true;
    rc = delete_owned(db, TAILORINGS, "resumeId", id, user_id);
    if (rc == DB_OK)
        rc = delete_owned(db, COLL, "_id", id, user_id);
    if (rc == DB_OK)
        rc = delete_owned(db, TAILORINGS, "resumeId", id, user_id);
    return rc;
}

/* ---- list pages ---------------------------------------------------------- */

bool resumes_cursor_encode(const struct resumes_cursor *c, char *out, size_t size)
{
    char plain[48];
    unsigned char b64[72];
    int n, len;

    n = snprintf(plain, sizeof(plain), "%lld|%s", (long long)c->updated_ms, c->id);
    if (n < 0 || (size_t)n >= sizeof(plain) || (size_t)4 * ((size_t)n + 2) / 3 + 1 > size)
        return false;
    len = EVP_EncodeBlock(b64, (const unsigned char *)plain, n);
    while (len > 0 && b64[len - 1] == '=')
        len--;
    for (int i = 0; i < len; i++)
        out[i] = b64[i] == '+' ? '-' : b64[i] == '/' ? '_' : (char)b64[i];
    out[len] = '\0';
    return true;
}

bool resumes_cursor_decode(const char *text, struct resumes_cursor *c)
{
    unsigned char b64[RESUMES_CURSOR_SIZE + 4], plain[RESUMES_CURSOR_SIZE];
    size_t n = text ? strlen(text) : 0, i, pad;
    int len;
    char *bar, *end;
    long long ms;

    if (n == 0 || n >= RESUMES_CURSOR_SIZE || n % 4 == 1)
        return false;
    for (i = 0; i < n; i++) {
        char ch = text[i];

        if (ch == '-')
            ch = '+';
        else if (ch == '_')
            ch = '/';
        else if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                   (ch >= '0' && ch <= '9')))
            return false;
        b64[i] = (unsigned char)ch;
    }
    pad = (4 - n % 4) % 4;
    for (size_t p = 0; p < pad; p++)
        b64[i++] = '=';
    len = EVP_DecodeBlock(plain, b64, (int)i);
    if (len < (int)pad)
        return false;
    len -= (int)pad;
    plain[len] = '\0';
    if (memchr(plain, '\0', (size_t)len) != NULL)
        return false;
    bar = strchr((char *)plain, '|');
    if (bar == NULL || bar == (char *)plain || bar - (char *)plain > 15)
        return false;
    for (char *p = (char *)plain; p < bar; p++)
        if (*p < '0' || *p > '9')
            return false;
    ms = strtoll((char *)plain, &end, 10);
    if (end != bar || !resumes_is_id(bar + 1))
        return false;
    c->updated_ms = ms;
    memcpy(c->id, bar + 1, RESUMES_ID_LEN + 1);
    return true;
}

/* "2026-11-26T17:03:48.123Z" (what db.c makes of a BSON date) -> ms. */
static bool iso_to_ms(const char *s, int64_t *ms)
{
    struct tm tm = {0};
    int y, mo, d, h, mi, sec, milli, consumed = 0;

    if (s == NULL || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ%n", &y, &mo, &d, &h, &mi, &sec,
                            &milli, &consumed) != 7 || consumed == 0 || s[consumed] != '\0')
        return false;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    *ms = (int64_t)timegm(&tm) * 1000 + milli;
    return true;
}

int resumes_page(struct db *db, const char *user_id, size_t limit,
                 const struct resumes_cursor *after, json_t **items, bool *more,
                 struct resumes_cursor *next)
{
    json_t *filter, *opts, *docs = NULL, *out, *doc;
    size_t i;
    int rc;

    *items = NULL;
    *more = false;
    if (limit == 0)
        limit = 1;
    filter = json_pack("{s:s}", "userId", user_id);
    if (filter != NULL && after != NULL)
        json_object_set_new(filter, "$or", json_pack(
            "[{s:{s:o}}, {s:o, s:{s:s}}]",
            "updatedAt", "$lt", db_date(after->updated_ms),
            "updatedAt", db_date(after->updated_ms), "_id", "$lt", after->id));
    /* one more than asked, to know whether a next page exists */
    opts = json_pack("{s:{s:i, s:i}, s:I, s:{s:i, s:i, s:i, s:i}}",
                     "sort", "updatedAt", -1, "_id", -1, "limit", (json_int_t)limit + 1,
                     "projection", "title", 1, "version", 1, "createdAt", 1, "updatedAt", 1);
    rc = (filter && opts) ? db_find(db, COLL, filter, opts, &docs) : DB_ERROR;
    json_decref(filter);
    json_decref(opts);
    if (rc != DB_OK)
        return rc;
    out = json_array();
    json_array_foreach(docs, i, doc) {
        if (out == NULL)
            break;
        if (i == limit) {
            *more = true;
            break;
        }
        if (json_array_append_new(out, json_pack("{s:O, s:O, s:O, s:O, s:O}",
                                  "id", json_object_get(doc, "_id"),
                                  "title", json_object_get(doc, "title"),
                                  "version", json_object_get(doc, "version"),
                                  "createdAt", json_object_get(doc, "createdAt"),
                                  "updatedAt", json_object_get(doc, "updatedAt"))) != 0) {
            json_decref(out);
            out = NULL;
        }
    }
    if (out != NULL && *more) {
        doc = json_array_get(docs, limit - 1);
        if (!iso_to_ms(json_string_value(json_object_get(doc, "updatedAt")),
                       &next->updated_ms) ||
            !resumes_is_id(json_string_value(json_object_get(doc, "_id")))) {
            json_decref(out);
            out = NULL;
        } else {
            memcpy(next->id, json_string_value(json_object_get(doc, "_id")),
                   RESUMES_ID_LEN + 1);
        }
    }
    json_decref(docs);
    *items = out;
    return out ? DB_OK : DB_ERROR;
}

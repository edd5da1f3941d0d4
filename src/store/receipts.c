/*
 * receipts.c - the receipts collection (see receipts.h).
 */
#include "store/receipts.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/encode.h"
#include "base/text.h"
#include "svc/db.h"

#define COLL "receipts"

/* What the receipt tells of the sign-in account: "deleted" at Clerk (or
 * by Clerk itself), else "not_deleted" (no CLERK_SECRET_KEY here). */
static const char *sign_in(const char *clerk)
{
    return clerk != NULL && strcmp(clerk, "not_configured") == 0 ? "not_deleted" : "deleted";
}

static json_t *view(const char *id, int64_t at_ms, json_t *counts, const char *clerk)
{
    char when[40];

    return json_pack("{s:s, s:s, s:O, s:s}", "receiptId", id, "erasedAt",
                     text_iso8601(at_ms, when, sizeof(when)), "counts", counts,
                     "signInAccount", sign_in(clerk));
}

int receipts_issue(struct db *db, const char *user_id, json_t *counts, const char *clerk,
                   json_t **out)
{
    int64_t now = clock_wall_ms();
    char id[RECEIPTS_ID_LEN + 1], subject[65];
    json_t *doc;
    int rc;

    *out = NULL;
    if (encode_random_hex(RECEIPTS_ID_LEN / 2, id) != 0)
        return DB_ERROR;
    encode_hmac_hex(config.secret, user_id, subject);
    doc = json_pack("{s:s, s:s, s:o, s:O, s:s}", "_id", id, "subject", subject, "erasedAt",
                    db_date(now), "counts", counts, "clerk", clerk);
    rc = db_insert(db, COLL, doc);
    json_decref(doc);
    if (rc == DB_OK)
        *out = view(id, now, counts, clerk);
    return rc;
}

int receipts_add(struct db *db, const char *id, json_t *counts)
{
    json_t *inc = json_object(), *update, *v;
    const char *what;
    char field[64];
    int rc;

    json_object_foreach(counts, what, v) {
        if (json_integer_value(v) == 0)
            continue;
        snprintf(field, sizeof(field), "counts.%s", what);
        json_object_set_new(inc, field, json_integer(json_integer_value(v)));
    }
    if (json_object_size(inc) == 0) {
        json_decref(inc);
        return DB_OK;
    }
    update = json_pack("{s:o}", "$inc", inc);
    rc = update ? db_update_id(db, COLL, id, update, NULL) : DB_ERROR;
    json_decref(update);
    return rc;
}

int receipts_set_counts(struct db *db, const char *id, json_t *counts)
{
    json_t *update = json_pack("{s:{s:O}}", "$set", "counts", counts);
    int rc = update ? db_update_id(db, COLL, id, update, NULL) : DB_ERROR;

    json_decref(update);
    return rc;
}

int receipts_get(struct db *db, const char *id, json_t **out)
{
    json_t *doc = NULL;
    int rc = db_get(db, COLL, id, &doc);

    *out = NULL;
    if (rc == DB_OK && doc != NULL)
        *out = json_pack("{s:s, s:O, s:O, s:s}", "receiptId", id, "erasedAt",
                         json_object_get(doc, "erasedAt"), "counts",
                         json_object_get(doc, "counts"), "signInAccount",
                         sign_in(json_string_value(json_object_get(doc, "clerk"))));
    json_decref(doc);
    return rc;
}

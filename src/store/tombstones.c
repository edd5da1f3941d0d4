/*
 * tombstones.c - the tombstones collection; one _id lookup per question.
 */
#include "store/tombstones.h"

#include <jansson.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/encode.h"
#include "svc/db.h"

#define COLL "tombstones"

static void pseudonym(const char *user_id, char out[65])
{
    encode_hmac_hex(config.secret, user_id, out);
}

int tombstones_add(struct db *db, const char *user_id)
{
    char id[65];
    json_t *doc;
    int rc;

    pseudonym(user_id, id);
    doc = json_pack("{s:s, s:o}", "_id", id, "erasedAt", db_date(clock_wall_ms()));
    rc = db_insert(db, COLL, doc);
    json_decref(doc);
    return rc == DB_DUPLICATE ? DB_OK : rc;
}

int tombstones_has(struct db *db, const char *user_id, bool *erased)
{
    char id[65];
    json_t *doc = NULL;
    int rc;

    pseudonym(user_id, id);
    rc = db_get(db, COLL, id, &doc);
    *erased = doc != NULL;
    json_decref(doc);
    return rc;
}

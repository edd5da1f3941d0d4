/*
 * erasure.c - erasing a user, store by store (see erasure.h).
 */
#include "store/erasure.h"

#include <stdint.h>

#include "http/jsonx.h"
#include "store/directory.h"
#include "store/interviews.h"
#include "store/processing.h"
#include "store/resumes.h"
#include "store/tickets.h"
#include "store/tombstones.h"
#include "store/users.h"
#include "svc/db.h"

int erasure_run(struct db *db, const char *user_id, json_t *counts_out)
{
    int64_t users = 0, tickets = 0, resumes = 0, tailorings = 0, interviews = 0, processing = 0;
    json_t *user = NULL;
    int rc;

    if ((rc = tombstones_add(db, user_id)) != DB_OK)
        return rc;
    if ((rc = users_get(db, user_id, &user)) != DB_OK)
        return rc;
    rc = tickets_erase(db, user_id, jsonx_string(user, "email"), &tickets);
    if (rc == DB_OK)
        rc = resumes_erase_user(db, user_id, &resumes, &tailorings);
    if (rc == DB_OK)
        rc = interviews_erase_user(db, user_id, &interviews);
    if (rc == DB_OK)
        rc = processing_erase_user(db, user_id, &processing);
    /* a later feature that stores personal data adds its store here */
    if (rc == DB_OK)
        rc = directory_remove(db, user_id);
    if (rc == DB_OK)
        rc = users_delete(db, user_id, &users);
    json_decref(user);
    if (rc == DB_OK && counts_out != NULL) {
        json_object_set_new(counts_out, "users", json_integer(users));
        json_object_set_new(counts_out, "tickets", json_integer(tickets));
        json_object_set_new(counts_out, "resumes", json_integer(resumes));
        json_object_set_new(counts_out, "tailorings", json_integer(tailorings));
        json_object_set_new(counts_out, "interviews", json_integer(interviews));
        json_object_set_new(counts_out, "processing", json_integer(processing));
    }
    return rc;
}

/*
 * erasure.c - erasing a user, store by store (see erasure.h).
 */
#include "store/erasure.h"

#include <stdint.h>

#include "http/jsonx.h"
#include "base/fault.h"
#include "base/log.h"
#include "store/directory.h"
#include "store/erasure_claims.h"
#include "store/interviews.h"
#include "store/receipts.h"
#include "store/processing.h"
#include "store/resumes.h"
#include "store/tickets.h"
#include "store/tombstones.h"
#include "store/users.h"
#include "svc/clerk.h"
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

/* Add counts (borrowed) into the claim's running totals, so a receipt
 * issued after several attempts counts every document each deleted. */
static void add_counts(json_t *total, json_t *counts)
{
    const char *key;
    json_t *v;

    json_object_foreach(counts, key, v)
        json_object_set_new(total, key, json_integer(json_integer_value(json_object_get(total,
                                                                                        key)) +
                                                     json_integer_value(v)));
}

int erasure_complete(struct db *db, struct clerk *clerk, const char *user_id,
                     json_t **receipt)
{
    json_t *before = NULL, *counts = json_object(), *total;
    const char *clerk_state = "deleted";
    int rc;

    *receipt = NULL;
    if ((rc = erasure_claims_begin(db, user_id, &before)) != DB_OK)
        goto out;
    if (before != NULL && jsonx_string(before, "receiptId") != NULL) {
        rc = receipts_get(db, jsonx_string(before, "receiptId"), receipt);
        if (rc == DB_OK && *receipt == NULL)
            rc = DB_ERROR;
        goto out;
    }
    total = json_object_get(before, "counts");
    if ((rc = erasure_run(db, user_id, counts)) != DB_OK)
        goto out;
    if (json_is_object(total))
        add_counts(counts, total);
    erasure_claims_count(db, user_id, counts);
    fault_point("erasure_before_clerk");
    switch (clerk_delete_user(clerk, user_id)) {
    case CLERK_OK:
        break;
    case CLERK_NOT_CONFIGURED:
        clerk_state = "not_configured";
        break;
    default:
        log_warn("erasure: the Clerk account could not be deleted yet; it will be retried");
        rc = ERASURE_CLERK_PENDING;
        goto out;
    }
    if ((rc = receipts_issue(db, user_id, counts, clerk_state, receipt)) != DB_OK)
        goto out;
    rc = erasure_claims_done(db, user_id, jsonx_string(*receipt, "receiptId"));
out:
    json_decref(before);
    json_decref(counts);
    return rc;
}

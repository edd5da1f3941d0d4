/*
 * erasure.c - the erasure workflow (see erasure.h).
 */
#include "flows/erasure.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/fault.h"
#include "base/jsonx.h"
#include "base/log.h"
#include "base/meter.h"
#include "store/erasure.h"
#include "store/erasure_claims.h"
#include "store/processing.h"
#include "store/receipts.h"
#include "store/store.h"
#include "store/tickets.h"
#include "store/usage.h"
#include "store/users.h"
#include "svc/clerk.h"

static const char *const counted[] = {"users", "tickets", "resumes", "tailorings", "interviews",
                                      "processing"};

struct tally {
    struct db *db;
    const char *user_id;
    json_t *counts;      /* after the claim is done: counted here instead */
    int64_t touched_ms;  /* when the claim's updatedAt was last refreshed */
};

#define TOUCH_MS 1000 /* refresh the claim this often while a pass runs */

/* Into the claim: an object's id before it is deleted (a set, so a pass
 * repeated after a kill counts it once), or a count for what is counted
 * as a whole. */
static void to_claim(const char *what, const char *id, int64_t n, void *arg)
{
    struct tally *t = arg;
    int64_t now = clock_wall_ms();
    int rc = id != NULL ? erasure_claims_mark(t->db, t->user_id, what, id)
                        : erasure_claims_add(t->db, t->user_id, what, n);

    if (rc != STORE_OK)
        log_warn("erasure: a deleted document was not counted");
    /* a pass in progress keeps its claim fresh: the scheduler takes up
     * only a claim idle past the request timeout, not one being worked */
    if (now - t->touched_ms >= TOUCH_MS) {
        erasure_claims_touch(t->db, t->user_id);
        t->touched_ms = now;
    }
}

static void to_counts(const char *what, const char *id, int64_t n, void *arg)
{
    const struct tally *t = arg;

    (void)id;
    json_object_set_new(t->counts, what,
                        json_integer(json_integer_value(json_object_get(t->counts, what)) + n));
}

/*
 * The email's refs key for the passes: the one the claim keeps, else made
 * from the users document and kept in the claim before anything is
 * deleted (the users document, which holds the address, goes in the
 * first pass; a ticket that a request in flight files afterwards is found
 * by the second pass through this key).
 */
static void email_key(struct db *db, const char *user_id, json_t *claim,
                      char key[TICKETS_KEY_SIZE])
{
    json_t *user = NULL;
    const char *kept = jsonx_string(claim, "emailKey");

    key[0] = '\0';
    if (kept != NULL &&
        snprintf(key, TICKETS_KEY_SIZE, "%s", kept) < TICKETS_KEY_SIZE)
        return;
    key[0] = '\0'; /* too long to be ours: make it again */
    if (users_get(db, user_id, &user) == STORE_OK &&
        tickets_email_key(jsonx_string(user, "email"), key) &&
        erasure_claims_keep_key(db, user_id, key) != STORE_OK)
        log_warn("erasure: the email's refs key was not kept for the second pass");
    json_decref(user);
}

/* Every counted collection (*counts, new reference): the objects the
 * erasure's marks name, and the claim's running totals. */
static int receipt_counts(struct db *db, const char *user_id, json_t **counts)
{
    json_t *claim = NULL, *marked = NULL, *have;
    int rc = erasure_claims_get(db, user_id, &claim);

    *counts = NULL;
    if (rc == STORE_OK && claim == NULL)
        rc = STORE_ERROR;
    if (rc == STORE_OK)
        rc = erasure_claims_marked(db, user_id, &marked);
    if (rc == STORE_OK) {
        have = json_object_get(claim, "counts");
        *counts = json_object();
        for (size_t i = 0; i < sizeof(counted) / sizeof(counted[0]); i++)
            json_object_set_new(*counts, counted[i],
                                json_integer(json_integer_value(json_object_get(have, counted[i])) +
                                             json_integer_value(json_object_get(marked,
                                                                                counted[i]))));
    }
    json_decref(claim);
    json_decref(marked);
    return rc;
}

/* The receipt's counts recounted, after a later pass. */
static int recount(struct db *db, const char *user_id, const char *receipt_id)
{
    json_t *counts = NULL;
    int rc = receipt_counts(db, user_id, &counts);

    if (rc == STORE_OK)
        rc = receipts_set_counts(db, receipt_id, counts);
    json_decref(counts);
    return rc;
}

int erasure_complete(struct db *db, struct clerk *clerk, const char *user_id,
                     json_t **receipt)
{
    struct tally t = {db, user_id, NULL, 0};
    json_t *before = NULL, *counts = NULL;
    const char *clerk_state = "deleted";
    char key[TICKETS_KEY_SIZE];
    bool repeated = false;
    int rc;

    *receipt = NULL;
    if ((rc = erasure_claims_begin(db, user_id, &before)) != STORE_OK)
        goto out;
    email_key(db, user_id, before, key);
    if (before != NULL && jsonx_string(before, "receiptId") != NULL) {
        /* erased before: a repeated call (a retried delivery, a staff
         * retry) sweeps again, in case anything came since, and answers
         * the same receipt with what it found added */
        const char *id = jsonx_string(before, "receiptId");
        bool done = strcmp(jsonx_string(before, "state") ?: "", "done") == 0;

        repeated = true;
        if (done) {
            /* the claim has forgotten its ids: count this pass by itself */
            t.counts = json_object();
            rc = erasure_run(db, user_id, key, true, to_counts, &t);
            if (rc == STORE_OK)
                rc = receipts_add(db, id, t.counts);
            json_decref(t.counts);
        } else {
            rc = erasure_run(db, user_id, key, false, to_claim, &t);
            if (rc == STORE_OK)
                rc = recount(db, user_id, id);
        }
        if (rc == STORE_OK)
            rc = receipts_get(db, id, receipt);
        if (rc == STORE_OK && *receipt == NULL)
            rc = STORE_ERROR;
        goto out;
    }
    if ((rc = erasure_run(db, user_id, key, false, to_claim, &t)) != STORE_OK)
        goto out;
    fault_point("erasure_before_clerk");
    switch (clerk != NULL ? clerk_delete_user(clerk, user_id) : CLERK_OK) {
    case CLERK_OK:
        break;
    case CLERK_NOT_CONFIGURED:
        clerk_state = "not_configured";
        break;
    default:
        log_warn("erasure: the Clerk account could not be deleted yet; it will be retried");
        rc = STORE_PENDING;
        goto out;
    }
    if ((rc = receipt_counts(db, user_id, &counts)) != STORE_OK)
        goto out;
    if ((rc = receipts_issue(db, user_id, counts, clerk_state, receipt)) != STORE_OK)
        goto out;
    rc = erasure_claims_sweeping(db, user_id, jsonx_string(*receipt, "receiptId"));
out:
    meter_erasure(rc == STORE_OK        ? (repeated ? METER_ERASURE_REPEATED : METER_ERASURE_COMPLETED)
                  : rc == STORE_PENDING ? METER_ERASURE_PENDING
                                        : METER_ERASURE_FAILED);
    json_decref(before);
    json_decref(counts);
    return rc;
}

/* Step 5: the second pass, into the claim like the first (a pass cut
 * short and repeated counts each object once), the receipt recounted,
 * then the claim is done. */
static int sweep(struct db *db, const char *user_id, json_t *claim, const char *receipt_id)
{
    struct tally t = {db, user_id, NULL, 0};
    char key[TICKETS_KEY_SIZE];
    int rc;

    email_key(db, user_id, claim, key);
    rc = erasure_run(db, user_id, key, true, to_claim, &t);
    /* and, being a background pass, the slots by a range scan too: an
     * append that raced the first pass's removal may sit past a hole */
    if (rc == STORE_OK) {
        int64_t n = 0;

        rc = processing_purge_user(db, user_id, &n);
        if (rc == STORE_OK && n > 0)
            to_claim("processing", NULL, n, &t);
    }
    if (rc == STORE_OK)
        rc = tickets_purge_refs(db, user_id, key);
    if (rc == STORE_OK)
        rc = usage_purge_user(db, user_id, clock_wall_ms());
    if (rc == STORE_OK)
        rc = recount(db, user_id, receipt_id);
    if (rc == STORE_OK)
        rc = erasure_claims_done(db, user_id, receipt_id);
    return rc;
}

int erasure_finish_claims(struct db *db, struct clerk *clerk, int64_t now_ms, int limit,
                          size_t *finished, size_t *seen)
{
    /* every request that began before the tombstone has ended or been
     * killed: the longest one may run is a streamed answer's */
    int64_t before = now_ms - config_longest_request_ms() - 5000;
    json_t *claims = NULL, *claim;
    size_t i;
    int rc = erasure_claims_stalled(db, before, limit, &claims);

    *finished = *seen = 0;
    json_array_foreach(rc == STORE_OK ? claims : NULL, i, claim) {
        const char *user_id = jsonx_string(claim, "userId");
        const char *receipt_id = jsonx_string(claim, "receiptId");
        json_t *receipt = NULL;
        int one;

        if (user_id == NULL)
            continue;
        (*seen)++;
        fault_point("scheduler_erasure");
        if (strcmp(jsonx_string(claim, "state") ?: "", "sweeping") == 0 && receipt_id != NULL)
            one = sweep(db, user_id, claim, receipt_id);
        else
            one = erasure_complete(db, clerk, user_id, &receipt);
        json_decref(receipt);
        *finished += one == STORE_OK;
    }
    json_decref(claims);
    return rc;
}

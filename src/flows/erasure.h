/*
 * erasure.h - the erasure of an account, from the claim to the receipt.
 *
 * Every path that erases (DELETE /api/me, Clerk's user.deleted, a
 * staff-executed deletion request, the scheduler) runs this workflow:
 *
 *   1. the claim is recorded (store/erasure_claims.h), so an interrupted
 *      erasure is found and finished by the scheduler;
 *   2. the first pass (store/erasure.h erasure_run()): tombstone, seal,
 *      every collection; each collection's count is added to the claim as
 *      soon as it is deleted, so the counts hold across attempts;
 *   3. the account at Clerk (unless Clerk deleted it itself); without
 *      CLERK_SECRET_KEY this step is skipped, for every path alike (the
 *      user's own request and a staff-executed one): what is held here is
 *      erased all the same, and the receipt says the sign-in account was
 *      not deleted (signInAccount "not_deleted") rather than wait on, or
 *      refuse for, a service this server cannot reach;
 *   4. the receipt, issued with the claim's counts; the claim waits;
 *   5. the second pass, by the scheduler once a request that began before
 *      the tombstone can no longer be running (the request timeout plus
 *      5 s): whatever such a request wrote after the first pass is
 *      deleted, added to the receipt's counts, and the sealed directory
 *      removed.  The claim is then done and forgets the user id.
 *
 * Why nothing outlives it: docs/ARCHITECTURE.md, "Erasure".
 */
#ifndef JT_FLOWS_ERASURE_H
#define JT_FLOWS_ERASURE_H

#include <jansson.h>

struct db;
struct clerk;

/*
 * Steps 1 to 4 for user_id (repeatable: a finished one answers its
 * receipt).  clerk NULL: the Clerk account is already gone (user.deleted).
 * *receipt: new reference to {receiptId, erasedAt, counts}.  STORE_OK,
 * STORE_PENDING (the Clerk account could not be deleted yet: the claim
 * stays running and the scheduler retries), or a STORE_ status.
 */
int erasure_complete(struct db *db, struct clerk *clerk, const char *user_id,
                     json_t **receipt);

/* The scheduler's part: finish the claims left running, and make the
 * second pass of those waiting for it; *finished counts them. */
int erasure_finish_claims(struct db *db, struct clerk *clerk, int64_t now_ms, int limit,
                          size_t *finished, size_t *seen);

#endif

/*
 * me_delete.c - the right to erasure, on request: DELETE /api/me.
 *
 * Everything the user has is erased (flows/erasure.h erasure_complete():
 * the progress is recorded first, then tickets, resumes, tailorings,
 * interviews, consent and the profile, then the account at Clerk), and a
 * pseudonymous receipt is the one record kept.  A failure midway leaves
 * the erasure recorded as running: this route may be called again with
 * the same token to finish it (its auth level lets an account under
 * erasure through), and the scheduler finishes it too.  Once done, the
 * token is refused everywhere (the tombstone is checked on every signed-in
 * request of every worker).
 */
#include "routes/routes.h"

#include "http/request.h"
#include "flows/erasure.h"
#include "store/store.h"
#include "svc/services.h"

/* DELETE /api/me -> 200 {receiptId, erasedAt, counts} | 401 | 403 | 503 erasure_incomplete */
int me_delete_route(struct request *req)
{
    json_t *receipt = NULL;
    int rc;

    routes_analytics_prepare(req); /* the consent goes with the account */
    rc = erasure_complete(req->svc->db, req->svc->clerk, req->user_id, &receipt);

    if (rc == STORE_PENDING) {
        request_header(req, "Retry-After", "30");
        return request_error(req, 503, "erasure_incomplete",
                             "Your data is erased, but deleting your sign-in account has not "
                             "finished; it is retried automatically, or send this request "
                             "again.");
    }
    if (rc != STORE_OK)
        return routes_db_failure(req, rc);
    session_clear_cookie(req); /* the browser's session goes with the account */
    routes_track(req, "account_deleted", NULL);
    return request_json(req, 200, receipt);
}

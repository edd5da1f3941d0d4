/*
 * erasure.c - erasing a user, store by store (see erasure.h).
 */
#include "store/erasure.h"

#include <stdio.h>

#include "base/clock.h"
#include "base/jsonx.h"
#include "store/directory.h"
#include "store/interviews.h"
#include "store/processing.h"
#include "store/resumes.h"
#include "store/store.h"
#include "store/tickets.h"
#include "store/tombstones.h"
#include "store/usage.h"
#include "store/users.h"

static void tell(erasure_step_fn step, void *arg, const char *what, int64_t n)
{
    if (step != NULL && n != 0)
        step(what, NULL, n, arg);
}

struct named {
    erasure_step_fn step;
    void *arg;
};

static void deleting(const char *what, const char *id, void *arg)
{
    const struct named *s = arg;

    if (s->step != NULL)
        s->step(what, id, 1, s->arg);
}

int erasure_run(struct db *db, const char *user_id, const char *email_key, bool last,
                erasure_step_fn step, void *arg)
{
    char key[TICKETS_KEY_SIZE] = "";
    struct named to = {step, arg};
    struct store_tally tickets = {0, "tickets", deleting, &to},
                       resumes = {0, "resumes", deleting, &to},
                       tailorings = {0, "tailorings", deleting, &to},
                       interviews = {0, "interviews", deleting, &to};
    int64_t processing = 0;
    json_t *user = NULL, *sealed = NULL;
    int rc;

    if ((rc = tombstones_add(db, user_id)) != STORE_OK)
        return rc;
    if ((rc = directory_seal(db, user_id, &sealed)) != STORE_OK)
        return rc;
    if ((rc = users_get(db, user_id, &user)) != STORE_OK)
        goto out;
    /* the address as the users document has it, else as the caller kept it */
    if (!tickets_email_key(jsonx_string(user, "email"), key) && email_key != NULL)
        snprintf(key, sizeof(key), "%s", email_key);
    /* each object is named before it is deleted (store_tally) */
    rc = tickets_erase_keyed(db, user_id, key, last, &tickets);
    if (rc == STORE_OK)
        rc = resumes_erase_user(db, user_id, sealed, &resumes, &tailorings);
    if (rc == STORE_OK)
        rc = interviews_erase_user(db, user_id, sealed, &interviews);
    if (rc == STORE_OK) {
        rc = processing_erase_user(db, user_id, &processing);
        tell(step, arg, "processing", processing);
    }
    if (rc == STORE_OK)
        rc = usage_erase_user(db, user_id, clock_wall_ms());
    /* a later feature that stores personal data adds its store here */
    if (rc == STORE_OK) {
        /* named before it goes, like every object: a pass killed between
         * the deletion and a count would otherwise lose the account */
        if (user != NULL && step != NULL)
            step("users", "account", 1, arg);
        rc = users_delete(db, user_id, NULL);
    }
    if (rc == STORE_OK && last)
        rc = directory_remove(db, user_id);
out:
    json_decref(user);
    json_decref(sealed);
    return rc;
}

/*
 * processing.c - the request's processing record (store/processing.h).
 *
 * A handler that sends a user's data to an outside service says so with
 * routes_processed() just before the call (the service receives the data
 * whether or not it answers well); the dispatcher then stores everything
 * the request noted as one slot, after the handler, so a request costs the
 * record at most one insert.  Entries name the kind of data, never the
 * data.
 */
#include "routes/routes.h"

#include <stdarg.h>

#include "base/clock.h"
#include "base/jsonx.h"
#include "base/log.h"
#include "http/request.h"
#include "store/processing.h"
#include "store/store.h"
#include "svc/services.h"

void routes_processed(struct request *req, const char *processor, const char *purpose, ...)
{
    json_t *categories = json_array(), *entry;
    const char *c;
    va_list ap;

    va_start(ap, purpose);
    while ((c = va_arg(ap, const char *)) != NULL)
        if (*c != '\0')
            json_array_append_new(categories, json_string(c));
    va_end(ap);
    entry = json_pack("{s:s, s:s, s:o, s:o}", "processor", processor, "purpose", purpose,
                      "dataCategories", categories, "at", store_date(clock_wall_ms()));
    if (req->processing == NULL)
        req->processing = jsonx_own(req->arena, json_array());
    json_array_append_new(req->processing, entry);
}

void routes_processing_flush(struct request *req)
{
    int rc;

    if (req->user_id == NULL || json_array_size(req->processing) == 0)
        return;
    /* an account erased while the request ran gets no new record; one
     * whose erasure begins after this check is found by its second pass */
    rc = processing_record(req->svc->db, req->user_id, req->processing);
    if (rc != STORE_OK && rc != STORE_ERASED)
        log_error("processing record of %s not stored (%d): %zu entries lost",
                  req->request_id ? req->request_id : "-", rc,
                  json_array_size(req->processing));
    json_array_clear(req->processing); /* at most once per request */
}

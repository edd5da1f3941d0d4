/*
 * routes.h - every handler, and the table that maps URLs to them.
 * Handlers live in one file per resource under src/routes/.
 */
#ifndef JT_ROUTES_H
#define JT_ROUTES_H

#include <stddef.h>

struct request;
struct route;

/* The single route table (table.c). */
const struct route *routes_table(size_t *n);

/* dispatch.c: match req->path and method against the table; 0 when a
 * route matched (req->match), else the status of the 404/405 written. */
int routes_match(struct request *req);
/* Sign-in, the body, the handler; an error body for any error status.
 * Returns the final status. */
int routes_run(struct request *req);
/* The answer to a failed database call (a DB_ status): 503 db_unavailable
 * while the database is unreachable, 500 otherwise.  Returns the status. */
int routes_db_failure(struct request *req, int db_status);

/* health.c */
int health_get(struct request *req);

/* privacy.c */
int privacy_region_get(struct request *req);
/* The region answer for this request (profile, else address): new reference. */
struct json_t;
struct json_t *privacy_region_of(struct request *req);

/* me.c */
int me_get(struct request *req);
int me_patch(struct request *req);

/* resumes.c */
int resumes_list(struct request *req);
int resumes_create(struct request *req);
int resumes_show(struct request *req);
int resumes_update(struct request *req);
int resumes_delete(struct request *req);

/* resume_pdf.c */
int resume_pdf_get(struct request *req);

/* tailor.c */
int tailor_create(struct request *req);
int tailor_list(struct request *req);
int tailor_ats(struct request *req);

/* support.c */
int support_create(struct request *req);

/* webhooks.c */
int webhooks_clerk(struct request *req);

#endif

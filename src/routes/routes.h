/*
 * routes.h - every handler, and the table that maps URLs to them.
 * Handlers live in one file per resource under src/routes/.
 */
#ifndef JT_ROUTES_H
#define JT_ROUTES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/listed.h"

struct pdf_options;
struct request;
struct route;

/* The single route table (table.c). */
const struct route *routes_table(size_t *n);

/* dispatch.c: match req->path and method against the table; 0 when a
 * route matched (req->match), else the status of the 404/405 written. */
int routes_match(struct request *req);
/* The admission of slow routes, which the routes layer cannot see (it
 * lives in the worker's scoreboard): admit() returns 0 to go on,
 * ROUTES_GATE_USER when the user has too many slow requests in flight,
 * ROUTES_GATE_FULL when no place of the slow routes' share is left for
 * them.  Either refusal is a 429 with Retry-After.  refused_quota() counts
 * a request a per-user quota refused (quota.c), for GET /api/status. */
enum { ROUTES_GATE_USER = 1, ROUTES_GATE_FULL = 2 };
struct routes_gate {
    int (*admit)(void *ctx, const char *user_id);
    void (*refused_quota)(void *ctx);
    void *ctx;
};

/* Sign-in, the admission of a slow route through gate (NULL: no
 * limit), the body, the handler; an error body for any error status.
 * Returns the final status. */
int routes_run(struct request *req, const struct routes_gate *gate);
/* The answer to a failed database call (a DB_ status): 503 db_unavailable
 * while the database is unreachable, 500 otherwise.  Returns the status. */
int routes_db_failure(struct request *req, int db_status);
/* The answer to a failed OpenAI call (an OPENAI_ status) for `feature`
 * ("Resume tailoring", ...): the same mapping for every AI route. */
int routes_ai_failure(struct request *req, int rc, const char *refusal, const char *feature);

/* processing.c: note that this request sends its user's data to
 * `processor` ("openai", "sarvam", "clerk", "posthog") for `purpose`;
 * then the kinds of data sent (strings; "" is skipped, for a kind sent only
 * sometimes), ending with NULL.  Call it just before the outside call. */
void routes_processed(struct request *req, const char *processor, const char *purpose, ...)
    __attribute__((sentinel));
/* The dispatcher's step after the handler: store the noted entries as one
 * slot of the signed-in user's record (nothing without entries or user).
 * A failure is logged: the response is already decided. */
void routes_processing_flush(struct request *req);

/* quota.c: the per-user quotas.  A count quota ("resumes", "interviews",
 * "tailoringsPerResume") refused by a create (STORE_LIMIT): the 409 written,
 * its status returned.  routes_quota_check(): the same before the create
 * when it would first call a service (resume_id for a resume's
 * tailorings, else NULL): 0 to go on.  routes_quota_ai(): spend one of
 * today's AI calls just before the outside call, 0 to go on, else the
 * status of the 429 (or 503) written.
 * routes_quota_usage(): the user's usage of each, from their directory
 * (borrowed), new reference (NULL when the database failed). */
int routes_quota_full(struct request *req, const char *name);
int routes_quota_check(struct request *req, const char *name, const char *resume_id);
int routes_quota_ai(struct request *req);
/* routes_quota_import(): one of today's resume imports, as
 * routes_quota_ai().  routes_quota_ai_spare(): spend one of today's AI
 * calls if one is left, writing nothing: false when none is (a feature
 * that works without AI goes on without it). */
int routes_quota_import(struct request *req);
bool routes_quota_ai_spare(struct request *req);
json_t *routes_quota_usage(struct request *req, json_t *dir);

/* resumes_pdf.c: how resume (borrowed) prints: ?paper=, ?template= and
 * ?font= over its meta.jobtune over the defaults, and meta.jobtune's
 * sections (o borrows from resume and the request).  0, or the status of
 * the 422 written for an unknown query value. */
int routes_pdf_options(struct request *req, json_t *resume, struct pdf_options *o);
/* Content-Disposition of a file of resume (borrowed; RFC 6266): named
 * after the person and the title as its PDF is (pdf_file_name()), ending
 * in ext (".pdf", ".json"): the ASCII name for every client and the UTF-8
 * one percent-encoded (RFC 8187) in filename*.  In the arena. */
const char *routes_resume_attachment(struct request *req, json_t *resume, const char *ext);
/* The same without a query: meta.jobtune's choices over the defaults. */
void routes_pdf_look(json_t *resume, struct pdf_options *o);

/* paging.c: ?limit=1..100 (default 20) and ?cursor= of a list. */
struct routes_page {
    size_t limit;
    const struct listed_cursor *after; /* NULL: from the top; else &cursor */
    struct listed_cursor cursor;
};
/* A ?limit= value: a decimal 1..100, nothing else. */
bool routes_parse_limit(const char *s, size_t *out);
/* 0 with page filled, or the status of the 422 written. */
int routes_page_query(struct request *req, struct routes_page *page);
/* 200 {"items": items (stolen), "next": cursor text or null}. */
int routes_page_answer(struct request *req, json_t *items, bool more,
                       const struct listed_cursor *next);
/* The same with extra's members besides (extra stolen; NULL: none). */
int routes_page_answer_with(struct request *req, json_t *items, bool more,
                            const struct listed_cursor *next, json_t *extra);

/* interviews.c, interviews_answers.c, interviews_finish.c, interviews_questions.c */
int interviews_create_route(struct request *req);
int interviews_list_route(struct request *req);
int interviews_show_route(struct request *req);
int interviews_delete_route(struct request *req);
int interviews_answer_route(struct request *req);
int interviews_finish_route(struct request *req);
int interviews_question_audio_route(struct request *req);

/* preview.c: one page of an unsaved resume as the PDF prints it, a PNG */
int preview_create_route(struct request *req);

/* resumes_import.c: a resume file in, a draft out, nothing stored */
int resumes_import_route(struct request *req);

/* resumes_pdf.c: the PDF of a resume, and its templates and fonts */
int pdf_templates_get_route(struct request *req);

/* status.c: loopback or staff, else 404 */
int status_get_route(struct request *req);
/* The reader may see the operator's pages (/api/status, /metrics): a
 * loopback client or a signed-in staff member. */
bool status_is_operator(struct request *req);
/* routes/metrics.c */
int metrics_get_route(struct request *req);

/* admin_tickets.c (staff) */
int admin_tickets_list_route(struct request *req);
int admin_tickets_show_route(struct request *req);
int admin_tickets_patch_route(struct request *req);
/* admin_tickets_replies.c (staff): replies by email, and what the console can do */
int admin_tickets_reply_route(struct request *req);
int admin_config_get_route(struct request *req);
/* Is s a ticket number (JT-XXXX-XXXX, Crockford base32)? */
bool admin_is_ticket_number(const char *s);
/* The staff's view of a stored ticket (borrowed): new reference. */
json_t *admin_ticket_view(json_t *doc);

/* admin_privacy_requests.c (staff) */
int admin_privacy_list_route(struct request *req);
int admin_privacy_verify_route(struct request *req);
int admin_privacy_execute_route(struct request *req);
int admin_privacy_close_route(struct request *req);

/* health.c */
int health_get_route(struct request *req);
int auth_config_get_route(struct request *req);
int features_get_route(struct request *req);
int session_create_route(struct request *req);
int session_delete_route(struct request *req);
/* Expire the browser's __session cookie (sign-out, account deletion). */
void session_clear_cookie(struct request *req);

/* privacy_region.c */
int privacy_region_get_route(struct request *req);
/* The region answer for this request (profile, else address): new reference. */
json_t *privacy_region_of(struct request *req);
/* The same for a users document already read (borrowed; NULL: not signed
 * in): its declared residence, else the address.  New reference. */
json_t *privacy_region_for(struct request *req, json_t *user_doc);

/* analytics.c: product analytics (model/analytics.h for the events).
 * Note `event` with its properties (stolen, NULL: none) for this request,
 * when analytics are on and the user's consent in their regime allows it;
 * the worker hands the events over after the response.  Call it once the
 * handler has succeeded. */
void routes_track(struct request *req, const char *event, json_t *props);
/* Decide consent now, while the account still exists (DELETE /api/me
 * calls it before erasing); routes_track() then uses the decision. */
void routes_analytics_prepare(struct request *req);
/* The effective analytics state for GET /api/me, given the users document
 * (borrowed): new reference {"state": "on"|"off", "reason"}. */
json_t *routes_analytics_state(struct request *req, json_t *user_doc);

/* me.c */
int me_get_route(struct request *req);
int me_patch_route(struct request *req);

/* me_delete.c */
int me_delete_route(struct request *req);
/* me_export.c */
int me_export_get_route(struct request *req);

/* resumes.c */
int resumes_list_route(struct request *req);
int resumes_create_route(struct request *req);
int resumes_duplicate_route(struct request *req);
int resumes_show_route(struct request *req);
int resumes_update_route(struct request *req);
int resumes_delete_route(struct request *req);
/* Answer with a stored resume (resumes_get() shape, stolen), its ETag and
 * the public fields only; plus "normalized" (stolen), the URLs this
 * request's document had https:// added to, when there were any. */
int resumes_respond(struct request *req, int status, json_t *stored, json_t *normalized);
/* The version an If-Match header names: "N" (the ETag we send) or a bare
 * N.  0 when the header names no version of ours (a weak tag, "*", a list
 * or garbage): such a precondition can never hold. */
int64_t resumes_if_match_version(const char *h);

/* resumes_pdf.c */
int resume_pdf_get_route(struct request *req);

/* resumes_tailor.c */
int tailor_create_route(struct request *req);
int tailor_list_route(struct request *req);
int tailor_ats_route(struct request *req);

/* resumes_tailor_apply.c */
int tailor_apply_route(struct request *req);

/* support.c */
int support_create_route(struct request *req);

/* webhooks_clerk.c */
int webhooks_clerk_route(struct request *req);

#endif

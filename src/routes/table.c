/*
 * table.c - the route table: the one place URLs are bound to handlers,
 * with each route's authentication, body kind, body limit and cost as data.
 * A route that waits on an outside service (OpenAI, Sarvam, Clerk, the mail
 * relay) or does
 * seconds of local work is COST_SLOW, whatever it usually takes; but an
 * erasure (DELETE /api/me, a staff execution) is never refused for the
 * user's own requests in flight, and cannot be repeated to flood: once it
 * ran, the account's tokens are refused at sign-in.
 * Keep it in URL order; docs/openapi.yaml describes the same list, and
 * nginx/jobtune-common.conf's API location lists the same paths (others
 * are refused there; tests/integration/test_nginx_bodies.py checks it).
 */
#include "routes/routes.h"

#include "http/router.h"

#define KiB 1024
#define MiB (1024 * KiB)

static const struct route routes[] = {
    /* method  pattern                 handler             auth         body               limit  cost */
    {"GET",  "/api/admin/config",    admin_config_get_route,   AUTH_STAFF,  BODY_NONE,         0, COST_QUICK},
    {"GET",  "/api/admin/privacy-requests", admin_privacy_list_route, AUTH_STAFF, BODY_NONE,   0, COST_QUICK},
    {"POST", "/api/admin/privacy-requests/{id}/close", admin_privacy_close_route, AUTH_STAFF, BODY_JSON, 16 * KiB, COST_QUICK},
    {"POST", "/api/admin/privacy-requests/{id}/execute", admin_privacy_execute_route, AUTH_STAFF, BODY_NONE, 0, COST_QUICK},
    {"POST", "/api/admin/privacy-requests/{id}/verify", admin_privacy_verify_route, AUTH_STAFF, BODY_JSON, 16 * KiB, COST_QUICK},
    {"GET",  "/api/admin/tickets",   admin_tickets_list_route, AUTH_STAFF,  BODY_NONE,         0, COST_QUICK},
    {"GET",  "/api/admin/tickets/{ticket}", admin_tickets_show_route, AUTH_STAFF, BODY_NONE, 0, COST_QUICK},
    {"PATCH", "/api/admin/tickets/{ticket}", admin_tickets_patch_route, AUTH_STAFF, BODY_JSON, 16 * KiB, COST_QUICK},
    {"POST", "/api/admin/tickets/{ticket}/replies", admin_tickets_reply_route, AUTH_STAFF, BODY_JSON, 32 * KiB, COST_SLOW},
    {"GET",  "/api/auth/config",     auth_config_get_route,    AUTH_PUBLIC, BODY_NONE,         0, COST_QUICK},
    {"GET",  "/api/features",        features_get_route,       AUTH_PUBLIC, BODY_NONE,         0, COST_QUICK},
    {"GET",  "/api/health",          health_get_route,         AUTH_PUBLIC, BODY_NONE,         0, COST_QUICK},
    {"GET",  "/api/interviews",      interviews_list_route, AUTH_USER, BODY_NONE,      0, COST_QUICK},
    {"POST", "/api/interviews",      interviews_create_route, AUTH_USER, BODY_JSON,    64 * KiB, COST_SLOW},
    {"GET",  "/api/interviews/{id}", interviews_show_route, AUTH_USER, BODY_NONE,      0, COST_QUICK},
    {"DELETE", "/api/interviews/{id}", interviews_delete_route, AUTH_USER, BODY_NONE,  0, COST_QUICK},
    {"POST", "/api/interviews/{id}/answers", interviews_answer_route, AUTH_USER, BODY_RAW, 10 * MiB, COST_SLOW},
    {"POST", "/api/interviews/{id}/finish", interviews_finish_route, AUTH_USER, BODY_NONE, 0, COST_SLOW},
    {"GET",  "/api/interviews/{id}/questions/{n}/audio", interviews_question_audio_route,
                                                        AUTH_USER,   BODY_NONE,         0, COST_SLOW},
    {"GET",  "/api/me",              me_get_route,             AUTH_USER,   BODY_NONE,         0, COST_QUICK},
    {"PATCH", "/api/me",             me_patch_route,           AUTH_USER,   BODY_JSON,         16 * KiB, COST_QUICK},
    {"DELETE", "/api/me",            me_delete_route,          AUTH_ERASURE, BODY_NONE,        0, COST_QUICK},
    {"GET",  "/api/me/export",       me_export_get_route,      AUTH_USER,   BODY_NONE,         0, COST_SLOW},
    {"GET",  "/api/pdf/templates",   pdf_templates_get_route,  AUTH_PUBLIC, BODY_NONE,         0, COST_QUICK},
    {"POST", "/api/preview",         preview_create_route,     AUTH_USER,   BODY_JSON_RESUME,  256 * KiB, COST_QUICK},
    {"GET",  "/api/privacy/region",  privacy_region_get_route, AUTH_PUBLIC, BODY_NONE,         0, COST_QUICK},
    {"GET",  "/api/resumes",         resumes_list_route,       AUTH_USER,   BODY_NONE,         0, COST_QUICK},
    {"POST", "/api/resumes",         resumes_create_route,     AUTH_CREATOR, BODY_JSON_RESUME, 256 * KiB, COST_QUICK},
    {"POST", "/api/resumes/import",  resumes_import_route,     AUTH_USER,   BODY_RAW,          10 * MiB, COST_SLOW},
    {"GET",  "/api/resumes/{id}",    resumes_show_route,       AUTH_USER,   BODY_NONE,         0, COST_QUICK},
    {"PUT",  "/api/resumes/{id}",    resumes_update_route,     AUTH_USER,   BODY_JSON_RESUME,  256 * KiB, COST_QUICK},
    {"DELETE", "/api/resumes/{id}",  resumes_delete_route,     AUTH_USER,   BODY_NONE,         0, COST_QUICK},
    {"POST", "/api/resumes/{id}/duplicate", resumes_duplicate_route, AUTH_CREATOR, BODY_NONE, 0, COST_QUICK},
    {"POST", "/api/resumes/{id}/ats", tailor_ats_route,        AUTH_USER,   BODY_JSON,         64 * KiB, COST_SLOW},
    {"POST", "/api/resumes/{id}/tailor", tailor_create_route,  AUTH_USER,   BODY_JSON,         64 * KiB, COST_SLOW},
    {"GET",  "/api/resumes/{id}/tailorings", tailor_list_route, AUTH_USER,  BODY_NONE,         0, COST_QUICK},
    /* the edits' keys are paths ("basics.summary"): the handler judges every key */
    {"POST", "/api/resumes/{id}/tailorings/{tid}/apply", tailor_apply_route, AUTH_USER, BODY_JSON_RESUME, 256 * KiB, COST_QUICK},
    {"GET",  "/api/resumes/{id}/pdf", resume_pdf_get_route,    AUTH_USER,   BODY_NONE,         0, COST_SLOW},
    {"POST", "/api/session",         session_create_route,     AUTH_PUBLIC, BODY_RAW,          4 * KiB, COST_QUICK},
    {"DELETE", "/api/session",       session_delete_route,     AUTH_PUBLIC, BODY_NONE,         0, COST_QUICK},
    {"GET",  "/api/status",          status_get_route,         AUTH_PUBLIC, BODY_NONE,         0, COST_QUICK},
    {"POST", "/api/support",         support_create_route,     AUTH_PUBLIC, BODY_FORM_OR_JSON, 64 * KiB, COST_QUICK},
    {"POST", "/api/webhooks/clerk",  webhooks_clerk_route,     AUTH_PUBLIC, BODY_RAW,          256 * KiB, COST_QUICK},
    {"GET",  "/metrics",             metrics_get_route,        AUTH_PUBLIC, BODY_NONE,         0, COST_QUICK},
};

const struct route *routes_table(size_t *n)
{
    *n = sizeof(routes) / sizeof(routes[0]);
    return routes;
}

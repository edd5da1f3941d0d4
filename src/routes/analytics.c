/*
 * analytics.c - a request's product-analytics events (routes.h).
 *
 * A handler that did something worth counting calls routes_track() with
 * the event's non-personal properties; the event is built from the
 * allow-list (model/analytics.h) and kept on the request, and the worker
 * hands the request's events to the analytics child only after the
 * response has been delivered (proc/analytics.h).  Nothing at all happens
 * unless analytics are on (production and POSTHOG_API_KEY).
 *
 * Consent is decided once per request, at the first event: the regime of
 * the user's declared residence, else of the client address (the privacy
 * region route's logic), the stored consent.analytics, and Sec-GPC.  A
 * visitor who is not signed in has no stored consent: gdpr sends nothing,
 * ccpa and baseline send unless GPC.
 *
 * Identity: distinct_id = hex HMAC-SHA256(JOBTUNE_SECRET, user id), the same
 * for every event of a user and meaningless without the secret; a visitor
 * gets a random one per event.  The user id rides along to the analytics
 * child for the processing record only, never to PostHog.
 */
#include "routes/routes.h"

#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/encode.h"
#include "base/jsonx.h"
#include "base/text.h"
#include "http/request.h"
#include "model/analytics.h"
#include "store/store.h"
#include "store/users.h"
#include "svc/services.h"

static const char *static_regime(const char *r)
{
    if (r != NULL && strcmp(r, "ccpa") == 0)
        return "ccpa";
    if (r != NULL && strcmp(r, "baseline") == 0)
        return "baseline";
    return "gdpr";
}

/* Decide for this request, given the users document (borrowed, may be NULL). */
static bool decide(struct request *req, json_t *doc, const char **reason)
{
    json_t *region = privacy_region_for(req, doc);
    const char *consent = jsonx_string(json_object_get(doc, "consent"), "analytics");
    bool on;

    req->analytics_regime = static_regime(jsonx_string(region, "regime"));
    json_decref(region);
    on = analytics_decide(config.analytics, req->analytics_regime, consent, request_has_gpc(req),
                          reason);
    req->analytics_allowed = on ? 1 : -1;
    return on;
}

void routes_analytics_prepare(struct request *req)
{
    json_t *doc = NULL;

    if (!config.analytics || req->analytics_allowed != 0)
        return;
    if (req->user_id != NULL && users_get(req->svc->db, req->user_id, &doc) != STORE_OK) {
        req->analytics_allowed = -1; /* consent unknown: nothing is sent */
        return;
    }
    if (req->user_id != NULL && doc == NULL) {
        req->analytics_allowed = -1; /* the account is gone */
        return;
    }
    decide(req, doc, NULL);
    json_decref(doc);
}

void routes_track(struct request *req, const char *event, json_t *props)
{
    char id[65], iso[40];
    json_t *built, *item;

    props = jsonx_own(req->arena, props);
    if (!config.analytics)
        return;
    routes_analytics_prepare(req);
    if (req->analytics_allowed != 1)
        return;
    /* "analytics:" keeps this pseudonym apart from the one that keys an
     * erased account's tombstone and receipt (HMAC of the bare id), so no
     * PostHog event joins the list of erased accounts */
    if (req->user_id != NULL)
        encode_hmac_hex(config.secret, arena_printf(req->arena, "analytics:%s", req->user_id), id);
    else if (encode_random_hex(32, id) != 0)
        return;
    built = analytics_event_build(event, props, id, req->analytics_regime,
                                  text_iso8601(clock_wall_ms(), iso, sizeof(iso)));
    if (built == NULL)
        return;
    item = json_pack("{s:o}", "event", built);
    /* an erased account gets no processing record: no user id */
    if (item != NULL && req->user_id != NULL && strcmp(event, "account_deleted") != 0)
        json_object_set_new(item, "user", json_string(req->user_id));
    if (req->analytics == NULL)
        req->analytics = jsonx_own(req->arena, json_array());
    json_array_append_new(req->analytics, item);
}

json_t *routes_analytics_state(struct request *req, json_t *user_doc)
{
    const char *reason = "analytics disabled in this environment";
    bool on = config.analytics && decide(req, user_doc, &reason);

    return json_pack("{s:s, s:s}", "state", on ? "on" : "off", "reason", reason);
}

/*
 * analytics.h - the product-analytics events and what each may carry.
 *
 * Pure logic, no I/O: the table of events and their allow-listed
 * properties, the builder that drops everything not allowed, the ATS score
 * bucket, and the consent decision by regime.  Nothing here can carry a
 * name, an email, an id, a job description, resume or transcript text:
 * every property name is in the table, and a value must be a number, a
 * boolean or one of a short list of fixed strings.
 */
#ifndef JT_MODEL_ANALYTICS_H
#define JT_MODEL_ANALYTICS_H

#include <jansson.h>
#include <stdbool.h>

/* Is `event` one of the events analytics may send? */
bool analytics_is_event(const char *event);

/* Is `property` allowed on `event` (the common ones included)? */
bool analytics_is_allowed(const char *event, const char *property);

/*
 * A PostHog batch entry for `event` (new reference), or NULL for an event
 * not in the table:
 *   {"event", "timestamp": iso, "properties": {"distinct_id", "regime",
 *    "$process_person_profile": false, "$ip": null, "$geoip_disable": true,
 *    ...props that are allowed for the event and have a permitted value}}
 * `props` is borrowed (NULL: none); a property not allowed, or whose value
 * is not a number, a boolean or a permitted string, is dropped.
 */
json_t *analytics_event_build(const char *event, json_t *props, const char *distinct_id,
                              const char *regime, const char *iso_timestamp);

/* "0-19", "20-39", "40-59", "60-79" or "80-100" (clamped). */
const char *analytics_score_bucket(long long score);

/*
 * May analytics be sent for this request?  `regime` is "gdpr", "ccpa" or
 * "baseline" (anything else counts as gdpr); `consent` is the stored
 * consent.analytics ("granted", "denied", "unset" or NULL); `gpc`: the
 * request carries Sec-GPC: 1.  *reason (static) says why, for GET /api/me.
 *   gdpr:           only when granted;
 *   ccpa, baseline: unless denied or GPC.
 * GPC opts out in every regime (the users store also records it as a
 * denial).  `enabled` false: off, "analytics disabled in this environment".
 */
bool analytics_decide(bool enabled, const char *regime, const char *consent, bool gpc,
                      const char **reason);

#endif

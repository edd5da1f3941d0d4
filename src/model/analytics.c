/*
 * analytics.c - the event table, the builder and the consent decision
 * (analytics.h).
 *
 * The table is the whole of what analytics can say about a user: an event
 * name, and per event the names of its properties with the kind of value
 * each takes.  Strings are never free text: a string property has a fixed
 * list of values (a paper size, a language code, a score bucket), so a
 * handler that passes something else by mistake sends nothing of it.
 */
#include "model/analytics.h"

#include <string.h>

enum kind { COUNT, BOOL, ENUM };

struct prop {
    const char *name;
    enum kind kind;
    const char *const *values; /* ENUM: NULL-terminated */
};

static const char *const buckets[] = {"0-19", "20-39", "40-59", "60-79", "80-100", NULL};
static const char *const papers[] = {"a4", "letter", NULL};
static const char *const channels[] = {"form", "api", NULL};
static const char *const formats[] = {"json", "zip", NULL};
/* the interview languages (routes/interviews.c): Sarvam's shared set */
static const char *const languages[] = {"en-IN", "hi-IN", "bn-IN", "gu-IN", "kn-IN", "ml-IN",
                                        "mr-IN", "od-IN", "pa-IN", "ta-IN", "te-IN", NULL};

#define MAX_PROPS 4

static const struct event {
    const char *name;
    struct prop props[MAX_PROPS];
} events[] = {
    {"resume_created", {{NULL, COUNT, NULL}}},
    {"resume_tailored", {{"ats_score_bucket", ENUM, buckets}, {"duration_ms", COUNT, NULL}}},
    {"pdf_exported", {{"paper", ENUM, papers}}},
    {"interview_started", {{"language", ENUM, languages}, {"question_count", COUNT, NULL}}},
    {"interview_completed",
     {{"language", ENUM, languages}, {"answered_count", COUNT, NULL},
      {"duration_ms", COUNT, NULL}}},
    {"ticket_submitted", {{"channel", ENUM, channels}, {"deletion_request", BOOL, NULL}}},
    {"data_exported", {{"format", ENUM, formats}}},
    {"account_deleted", {{NULL, COUNT, NULL}}},
};

static const char *const regimes[] = {"gdpr", "ccpa", "baseline", NULL};

static const struct event *find_event(const char *name)
{
    for (size_t i = 0; name != NULL && i < sizeof(events) / sizeof(events[0]); i++)
        if (strcmp(events[i].name, name) == 0)
            return &events[i];
    return NULL;
}

static const struct prop *find_prop(const struct event *e, const char *name)
{
    for (size_t i = 0; i < MAX_PROPS && e->props[i].name != NULL; i++)
        if (strcmp(e->props[i].name, name) == 0)
            return &e->props[i];
    return NULL;
}

static bool in_list(const char *const *list, const char *s)
{
    for (; s != NULL && *list != NULL; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

static bool value_ok(const struct prop *p, json_t *v)
{
    switch (p->kind) {
    case COUNT: return json_is_integer(v) && json_integer_value(v) >= 0;
    case BOOL: return json_is_boolean(v);
    case ENUM: return in_list(p->values, json_string_value(v));
    }
    return false;
}

bool analytics_is_event(const char *event)
{
    return find_event(event) != NULL;
}

bool analytics_is_allowed(const char *event, const char *property)
{
    const struct event *e = find_event(event);
    static const char *const common[] = {"distinct_id", "regime", "$process_person_profile",
                                         "$ip", "$geoip_disable", NULL};

    if (e == NULL || property == NULL)
        return false;
    return in_list(common, property) || find_prop(e, property) != NULL;
}

json_t *analytics_event_build(const char *event, json_t *props, const char *distinct_id,
                              const char *regime, const char *iso_timestamp)
{
    const struct event *e = find_event(event);
    json_t *out, *p, *v;
    const char *key;

    if (e == NULL || distinct_id == NULL || *distinct_id == '\0' || iso_timestamp == NULL)
        return NULL;
    p = json_pack("{s:s, s:s, s:b, s:n, s:b}", "distinct_id", distinct_id, "regime",
                  in_list(regimes, regime) ? regime : "gdpr", "$process_person_profile", 0,
                  "$ip", "$geoip_disable", 1);
    if (p == NULL)
        return NULL;
    json_object_foreach(json_is_object(props) ? props : NULL, key, v) {
        const struct prop *allowed = find_prop(e, key);

        if (allowed != NULL && value_ok(allowed, v))
            json_object_set(p, key, v);
    }
    out = json_pack("{s:s, s:s, s:o}", "event", e->name, "timestamp", iso_timestamp,
                    "properties", p);
    return out;
}

const char *analytics_score_bucket(long long score)
{
    if (score < 20)
        return buckets[0];
    if (score < 40)
        return buckets[1];
    if (score < 60)
        return buckets[2];
    if (score < 80)
        return buckets[3];
    return buckets[4];
}

bool analytics_decide(bool enabled, const char *regime, const char *consent, bool gpc,
                      const char **reason)
{
    bool granted = consent != NULL && strcmp(consent, "granted") == 0;
    bool denied = consent != NULL && strcmp(consent, "denied") == 0;
    bool opt_out_regime = regime != NULL &&
                          (strcmp(regime, "ccpa") == 0 || strcmp(regime, "baseline") == 0);
    const char *why;
    bool on;

    if (!enabled) {
        why = "analytics disabled in this environment", on = false;
    } else if (gpc) {
        why = "global privacy control", on = false;
    } else if (denied) {
        why = "opted out", on = false;
    } else if (granted) {
        why = "consent granted", on = true;
    } else if (opt_out_regime) {
        why = strcmp(regime, "ccpa") == 0 ? "not opted out (CCPA: opt-out)"
                                          : "not opted out (opt-out)";
        on = true;
    } else {
        why = "not consented (GDPR: opt-in)", on = false;
    }
    if (reason != NULL)
        *reason = why;
    return on;
}

/*
 * config.c - environment parsing with range checks.  A malformed number is
 * a start-up error, never silently replaced by a default.
 */
#include "base/config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/encode.h"
#include "base/mem.h"
#include "base/text.h"

#ifndef JT_SCHEMA_DIR
#define JT_SCHEMA_DIR "/usr/local/share/jobtune/sql"
#endif
#ifndef JT_RUN_DIR
#define JT_RUN_DIR "/run/jobtune"
#endif

struct config config;

static const char *env_or(const char *name, const char *dflt)
{
    const char *v = getenv(name);

    return (v != NULL && *v != '\0') ? v : dflt;
}

static int env_long(const char *name, long dflt, long min, long max, long *out,
                    char *err, size_t errlen)
{
    const char *v = getenv(name);
    char *end;
    long n;

    if (v == NULL || *v == '\0') {
        *out = dflt;
        return 0;
    }
    errno = 0;
    n = strtol(v, &end, 10);
    if (errno != 0 || *end != '\0' || n < min || n > max) {
        snprintf(err, errlen, "%s must be a whole number from %ld to %ld", name, min, max);
        return -1;
    }
    *out = n;
    return 0;
}

/* PEM keys pasted into one-line environment files arrive with "\n". */
static const char *unescape_newlines(const char *v)
{
    char *copy, *o;

    if (v == NULL || strstr(v, "\\n") == NULL)
        return v;
    copy = o = mem_strdup(v);
    for (const char *p = v; *p; p++) {
        if (p[0] == '\\' && p[1] == 'n') {
            *o++ = '\n';
            p++;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return copy; /* lives as long as the process, like the environment */
}

bool config_is_admin(const char *id)
{
    return text_list_contains(config.admin_user_ids, id);
}

bool config_has_dev_sessions(void)
{
    return !config.production && config.dev_signing_key != NULL &&
           config.clerk_issuer != NULL && strcmp(config.clerk_issuer, CONFIG_DEV_ISSUER) == 0;
}

bool config_clerk_frontend_api(const char *key, char *host, size_t size)
{
    char text[256];
    unsigned char out[ENCODE_B64_DECODED_SIZE(sizeof(text))];
    size_t n, len;

    if (key == NULL || (strncmp(key, "pk_live_", 8) != 0 && strncmp(key, "pk_test_", 8) != 0))
        return false;
    n = strlen(key + 8);
    if (n == 0 || n + 3 >= sizeof(text))
        return false;
    memcpy(text, key + 8, n);
    while (n % 4 != 0)
        text[n++] = '=';
    text[n] = '\0';
    if (!encode_b64_decode(text, n, out, sizeof(out), &len) || len < 2 || out[len - 1] != '$')
        return false;
    len--;
    if (len >= size)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = out[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-'))
            return false;
    }
    if (memchr(out, '.', len) == NULL || out[0] == '.' || out[0] == '-')
        return false;
    memcpy(host, out, len);
    host[len] = '\0';
    return true;
}

/* The whole of a small file, NUL-terminated (malloc'd, lives as long as
 * the process), or NULL. */
static char *read_small_file(const char *path, size_t max)
{
    FILE *f = fopen(path, "r");
    char *buf;
    size_t n;

    if (f == NULL)
        return NULL;
    buf = mem_alloc(max + 1);
    n = fread(buf, 1, max + 1, f);
    fclose(f);
    if (n == 0 || n > max) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

/* Sign-in settings for the website: the publishable key ClerkJS needs, and
 * the development-only key that signs development sessions. */
static int load_web_sign_in(char *err, size_t errlen)
{
    static char frontend[128];
    const char *path = env_or("JOBTUNE_DEV_SIGNING_KEY", NULL);

    config.clerk_publishable_key = env_or("CLERK_PUBLISHABLE_KEY", NULL);
    config.clerk_frontend_api = NULL;
    if (config.clerk_publishable_key != NULL) {
        if (!config_clerk_frontend_api(config.clerk_publishable_key, frontend, sizeof(frontend))) {
            snprintf(err, errlen, "CLERK_PUBLISHABLE_KEY must be the pk_live_... or pk_test_... "
                                  "key of the Clerk dashboard");
            return -1;
        }
        config.clerk_frontend_api = frontend;
    }
    config.dev_signing_key = NULL;
    if (path == NULL)
        return 0;
    if (config.production) {
        snprintf(err, errlen, "JOBTUNE_DEV_SIGNING_KEY is for development only; production "
                              "signs in through Clerk: unset it");
        return -1;
    }
    config.dev_signing_key = read_small_file(path, 16384);
    if (config.dev_signing_key == NULL ||
        strstr(config.dev_signing_key, "PRIVATE KEY-----") == NULL) {
        free((char *)config.dev_signing_key);
        config.dev_signing_key = NULL;
        snprintf(err, errlen, "JOBTUNE_DEV_SIGNING_KEY must name a readable PEM private key "
                              "(scripts/run makes .local/run/dev-key.pem)");
        return -1;
    }
    return 0;
}

/* Is s made only of characters in allowed (and not empty)? */
static bool is_made_of(const char *s, const char *allowed)
{
    return *s != '\0' && strspn(s, allowed) == strlen(s);
}

/* The speech service.  The model names and rates are the ones the API
 * documents (docs/external-apis.md section 2); anything else would only
 * fail later, on a user's request, as a 400 from Sarvam. */
static int load_sarvam(char *err, size_t errlen)
{
    static const char lower[] = "abcdefghijklmnopqrstuvwxyz";
    static const char model_chars[] = "abcdefghijklmnopqrstuvwxyz0123456789:._-";
    static const long v2_rates[] = {8000, 16000, 22050, 24000};
    static const long v3_rates[] = {8000, 16000, 22050, 24000, 32000, 44100, 48000};
    const long *rates;
    size_t nrates;
    bool rate_ok = false;

    config.sarvam_api_key = env_or("SARVAM_API_KEY", NULL);
    config.sarvam_base_url = env_or("SARVAM_BASE_URL", "https://api.sarvam.ai");
    config.sarvam_stt_model = env_or("SARVAM_STT_MODEL", "saarika:v2.5");
    config.sarvam_tts_model = env_or("SARVAM_TTS_MODEL", "bulbul:v2");
    if (strncmp(config.sarvam_base_url, "https://", 8) != 0 &&
        strncmp(config.sarvam_base_url, "http://", 7) != 0) {
        snprintf(err, errlen, "SARVAM_BASE_URL must start with https:// (or http://)");
        return -1;
    }
    if (!is_made_of(config.sarvam_stt_model, model_chars)) {
        snprintf(err, errlen, "SARVAM_STT_MODEL must be a model name such as saarika:v2.5");
        return -1;
    }
    if (strcmp(config.sarvam_tts_model, "bulbul:v2") == 0) {
        rates = v2_rates;
        nrates = sizeof(v2_rates) / sizeof(v2_rates[0]);
    } else if (strcmp(config.sarvam_tts_model, "bulbul:v3") == 0) {
        rates = v3_rates;
        nrates = sizeof(v3_rates) / sizeof(v3_rates[0]);
    } else {
        /* the text limit per request depends on the model: only known ones */
        snprintf(err, errlen, "SARVAM_TTS_MODEL must be bulbul:v2 or bulbul:v3");
        return -1;
    }
    /* each model's own default voice: anushka is v2 only, shubh v3 only */
    config.sarvam_tts_speaker = env_or("SARVAM_TTS_SPEAKER", rates == v2_rates ? "anushka"
                                                                               : "shubh");
    if (!is_made_of(config.sarvam_tts_speaker, lower)) {
        snprintf(err, errlen, "SARVAM_TTS_SPEAKER must be a lowercase speaker name "
                              "such as anushka");
        return -1;
    }
    if (env_long("SARVAM_TTS_SAMPLE_RATE", 22050, 8000, 48000, &config.sarvam_tts_sample_rate,
                 err, errlen) < 0)
        return -1;
    for (size_t i = 0; i < nrates; i++)
        rate_ok = rate_ok || rates[i] == config.sarvam_tts_sample_rate;
    if (!rate_ok) {
        snprintf(err, errlen, "SARVAM_TTS_SAMPLE_RATE must be 8000, 16000, 22050 or 24000 "
                              "(bulbul:v3 also 32000, 44100, 48000)");
        return -1;
    }
    if (env_long("SARVAM_TIMEOUT_MS", 30000, 100, 600000, &config.sarvam_timeout_ms,
                 err, errlen) < 0)
        return -1;
    /* the longest answer audio_decode() takes (300 s of 48 kHz stereo)
     * costs 1.5 to 2 s here: over twice that, so only a pathological file
     * meets the limit */
    return env_long("JOBTUNE_AUDIO_CPU_MS", 5000, 10, 60000, &config.audio_cpu_ms,
                    err, errlen);
}

/* PostHog: analytics are on only in production with a key; otherwise
 * the reason is kept for the master's one line at start. */
static int load_posthog(char *err, size_t errlen)
{
    static char host[512];
    const char *h = env_or("POSTHOG_HOST", "https://us.i.posthog.com");
    size_t n = strlen(h);

    config.posthog_api_key = env_or("POSTHOG_API_KEY", NULL);
    if (strncmp(h, "https://", 8) != 0 && strncmp(h, "http://", 7) != 0) {
        snprintf(err, errlen, "POSTHOG_HOST must start with https:// (or http://)");
        return -1;
    }
    while (n > 0 && h[n - 1] == '/')
        n--;
    if (n >= sizeof(host)) {
        snprintf(err, errlen, "POSTHOG_HOST is too long");
        return -1;
    }
    memcpy(host, h, n);
    host[n] = '\0';
    config.posthog_host = host;
    if (env_long("POSTHOG_TIMEOUT_MS", 5000, 100, 60000, &config.posthog_timeout_ms,
                 err, errlen) < 0)
        return -1;
    if (env_long("POSTHOG_REPORT_SECONDS", 60, 1, 3600, &config.posthog_report_s,
                 err, errlen) < 0)
        return -1;
    config.analytics = false;
    if (!config.production)
        config.analytics_off_reason = "JOBTUNE_ENV is not production";
    else if (config.posthog_api_key == NULL)
        config.analytics_off_reason = "POSTHOG_API_KEY is not set";
    else
        config.analytics = true;
    return 0;
}

/*
 * The slow routes' share of the pool and the per-user quotas.  The
 * defaults are sized for one person's real job search: a few resumes per
 * kind of role, a tailoring per application, a mock interview or two a day
 * (create, eight answers, finish and the spoken questions are about twenty
 * AI calls each).
 */
static int load_admission(char *err, size_t errlen)
{
    static const struct {
        const char *name;
        long def;
        long *to;
    } quotas[] = {
        {"JOBTUNE_QUOTA_RESUMES", 100, &config.quota.resumes},
        {"JOBTUNE_QUOTA_TAILORINGS", 100, &config.quota.tailorings},
        {"JOBTUNE_QUOTA_INTERVIEWS", 300, &config.quota.interviews},
        {"JOBTUNE_QUOTA_AI_CALLS", 300, &config.quota.ai_calls},
        {"JOBTUNE_QUOTA_IMPORTS", 30, &config.quota.imports},
    };
    long n;

    if (env_long("JOBTUNE_SLOW_WORKERS", 8, 0, 250, &n, err, errlen) < 0)
        return -1;
    config.slow_workers = (int)n;
    /* a rolling restart runs two generations side by side (master.c) */
    if (config_pool_size() > 250) {
        snprintf(err, errlen, "JOBTUNE_WORKERS + JOBTUNE_SLOW_WORKERS must be at most 250");
        return -1;
    }
    if (env_long("JOBTUNE_SLOW_PER_USER", 2, 1, 1024, &n, err, errlen) < 0)
        return -1;
    config.slow_per_user = (int)n;
    for (size_t i = 0; i < sizeof(quotas) / sizeof(quotas[0]); i++)
        if (env_long(quotas[i].name, quotas[i].def, 0, 1000000, quotas[i].to, err, errlen) < 0)
            return -1;
    return 0;
}

int config_load(char *err, size_t errlen)
{
    const char *env = env_or("JOBTUNE_ENV", "development");
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN), n;

    if (strcmp(env, "production") == 0) {
        config.production = true;
    } else if (strcmp(env, "development") == 0) {
        config.production = false;
    } else {
        snprintf(err, errlen, "JOBTUNE_ENV must be development or production");
        return -1;
    }
    config.listen = env_or("JOBTUNE_LISTEN", "unix:" JT_RUN_DIR "/jobtune.sock");
    {
        const char *m = env_or("JOBTUNE_LISTEN_MODE", "0660");
        char *end;

        config.listen_mode = strtol(m, &end, 8);
        if (*end != '\0' || config.listen_mode < 0 || config.listen_mode > 0777) {
            snprintf(err, errlen, "JOBTUNE_LISTEN_MODE must be an octal mode such as 0660");
            return -1;
        }
    }
    if (env_long("JOBTUNE_WORKERS", ncpu > 0 ? ncpu : 2, 1, 256, &n, err, errlen) < 0)
        return -1;
    config.workers = (int)n;
    if (load_admission(err, errlen) < 0)
        return -1;
    if (env_long("JOBTUNE_MAX_REQUESTS", 10000, 0, LONG_MAX, &config.max_requests,
                 err, errlen) < 0)
        return -1;
    if (env_long("JOBTUNE_REQUEST_TIMEOUT", 60, 1, 86400, &n, err, errlen) < 0)
        return -1;
    config.request_timeout = (int)n;
    /* a streamed answer (the export) runs while it keeps sending: the
     * request timeout then measures a stall, and this the whole */
    if (env_long("JOBTUNE_STREAM_TIMEOUT", 600, config.request_timeout, 86400, &n, err,
                 errlen) < 0)
        return -1;
    config.stream_timeout = (int)n;
    /* php-fpm's request_slowlog_timeout: one line while it still runs */
    if (env_long("JOBTUNE_SLOW_MS", 2000, 1, 86400000L, &config.slow_ms, err, errlen) < 0)
        return -1;
    if (env_long("JOBTUNE_SCHEDULER_PERIOD", 60, 1, 86400, &n, err, errlen) < 0)
        return -1;
    config.scheduler_period = (int)n;
    config.mongodb_uri = env_or("MONGODB_URI", "mongodb://127.0.0.1:27017");
    config.db_name = env_or("JOBTUNE_DB", "jobtune");
    if (env_long("JOBTUNE_DB_SCAN_TIMEOUT_MS", 120000, 1000, 3600000, &config.db_scan_timeout_ms,
                 err, errlen) < 0)
        return -1;
    config.schema_dir = env_or("JOBTUNE_SCHEMA_DIR", JT_SCHEMA_DIR);
    config.secret = env_or("JOBTUNE_SECRET", NULL);
    config.ferretdb_sqlite_dir = env_or("FERRETDB_SQLITE_DIR", NULL);
    config.fault = env_or("JOBTUNE_FAULT", NULL);
    config.clock_file = env_or("JOBTUNE_CLOCK_FILE", NULL);
    config.ticket_numbers = env_or("JOBTUNE_TICKET_NUMBERS", NULL);
    config.geoip_db = env_or("GEOIP_DB", NULL);
    config.clerk_jwt_key = unescape_newlines(env_or("CLERK_JWT_KEY", NULL));
    config.clerk_jwks_url = env_or("CLERK_JWKS_URL", NULL);
    config.clerk_issuer = env_or("CLERK_ISSUER", NULL);
    config.clerk_authorized_parties = env_or("CLERK_AUTHORIZED_PARTIES", NULL);
    config.clerk_secret_key = env_or("CLERK_SECRET_KEY", NULL);
    config.clerk_api_url = env_or("CLERK_API_URL", "https://api.clerk.com");
    config.admin_user_ids = env_or("JOBTUNE_ADMIN_USER_IDS", NULL);
    config.clerk_webhook_secret = env_or("CLERK_WEBHOOK_SECRET", NULL);
    config.smtp_url = env_or("SMTP_URL", NULL);
    config.smtp_username = env_or("SMTP_USERNAME", NULL);
    config.smtp_password = env_or("SMTP_PASSWORD", NULL);
    config.smtp_from = env_or("SMTP_FROM", NULL);
    config.openai_api_key = env_or("OPENAI_API_KEY", NULL);
    config.openai_base_url = env_or("OPENAI_BASE_URL", "https://api.openai.com/v1");
    config.openai_model = env_or("OPENAI_MODEL", "gpt-4o");
    if (env_long("OPENAI_TIMEOUT_MS", 60000, 100, 600000, &config.openai_timeout_ms,
                 err, errlen) < 0)
        return -1;
    if (load_sarvam(err, errlen) < 0)
        return -1;
    if (load_posthog(err, errlen) < 0)
        return -1;
    if (load_web_sign_in(err, errlen) < 0)
        return -1;
    if (config.production && config.clerk_issuer != NULL &&
        strcmp(config.clerk_issuer, CONFIG_DEV_ISSUER) == 0) {
        snprintf(err, errlen, "CLERK_ISSUER is the development issuer of scripts/dev-token; "
                              "production accepts only Clerk's");
        return -1;
    }
    /* The key of every pseudonym (erased-account tombstones, receipts,
     * analytics ids): changing it forgets which accounts were erased. */
    if (config.production && (config.secret == NULL || strlen(config.secret) < 32)) {
        snprintf(err, errlen, "JOBTUNE_SECRET is required in production: at least 32 "
                              "random characters (openssl rand -hex 32)");
        return -1;
    }
    if (config.secret == NULL)
        config.secret = CONFIG_DEV_SECRET;
    if (strlen(config.db_name) >= 64 || strpbrk(config.db_name, "/\\. \"$") != NULL) {
        snprintf(err, errlen, "JOBTUNE_DB is not a valid database name");
        return -1;
    }
    return 0;
}

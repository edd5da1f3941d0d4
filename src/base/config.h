/*
 * config.h - the process configuration, read once from the environment at
 * start-up (names and defaults: docs/CONFIGURATION.md, and
 * the contract).  The struct is filled in the master and inherited by the
 * workers read-only.
 */
#ifndef JT_CONFIG_H
#define JT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config {
    bool production;            /* JOBTUNE_ENV */
    const char *listen;         /* JOBTUNE_LISTEN */
    long listen_mode;           /* JOBTUNE_LISTEN_MODE: unix socket permissions */
    int workers;                /* JOBTUNE_WORKERS: always free for the quick routes */
    int slow_workers;           /* JOBTUNE_SLOW_WORKERS: more, which slow routes may fill */
    int slow_per_user;          /* JOBTUNE_SLOW_PER_USER: one user's slow requests at once */
    long max_requests;          /* JOBTUNE_MAX_REQUESTS, 0 = never */
    int request_timeout;        /* JOBTUNE_REQUEST_TIMEOUT, seconds */
    int stream_timeout;         /* JOBTUNE_STREAM_TIMEOUT: a streamed answer in all, seconds */
    long slow_ms;               /* JOBTUNE_SLOW_MS: a request past it is logged once, ms */
    int scheduler_period;       /* JOBTUNE_SCHEDULER_PERIOD, seconds per job slot */
    const char *mongodb_uri;    /* MONGODB_URI */
    const char *db_name;        /* JOBTUNE_DB */
    long db_scan_timeout_ms;    /* JOBTUNE_DB_SCAN_TIMEOUT_MS: a scan's or a schema command's */
    const char *schema_dir;     /* JOBTUNE_SCHEMA_DIR: the sql/ files */
    const char *ferretdb_sqlite_dir; /* FERRETDB_SQLITE_DIR: embedded FerretDB's files */
    const char *secret;         /* JOBTUNE_SECRET */
    const char *geoip_db;       /* GEOIP_DB: a MaxMind DB file, NULL = none */
    /* sign-in (Clerk); NULL = unset */
    const char *clerk_jwt_key;            /* CLERK_JWT_KEY, PEM ("\n" escapes allowed) */
    const char *clerk_jwks_url;           /* CLERK_JWKS_URL */
    const char *clerk_issuer;             /* CLERK_ISSUER */
    const char *clerk_authorized_parties; /* CLERK_AUTHORIZED_PARTIES */
    const char *clerk_secret_key;         /* CLERK_SECRET_KEY */
    const char *clerk_api_url;            /* CLERK_API_URL */
    const char *admin_user_ids;           /* JOBTUNE_ADMIN_USER_IDS */
    const char *clerk_webhook_secret;     /* CLERK_WEBHOOK_SECRET: whsec_..., NULL = unset */
    /* staff replies by email (SMTP); NULL = unset */
    const char *smtp_url;                 /* SMTP_URL: smtps://host:465 or smtp://host:25 */
    const char *smtp_username;            /* SMTP_USERNAME */
    const char *smtp_password;            /* SMTP_PASSWORD */
    const char *smtp_from;                /* SMTP_FROM: the address replies come from */
    const char *clerk_publishable_key;    /* CLERK_PUBLISHABLE_KEY: pk_live_/pk_test_..., for ClerkJS */
    const char *clerk_frontend_api;       /* the Frontend API host the publishable key names */
    const char *dev_signing_key;          /* JOBTUNE_DEV_SIGNING_KEY's PEM text: development only */
    /* text AI (OpenAI Chat Completions); NULL = unset */
    const char *openai_api_key;           /* OPENAI_API_KEY */
    const char *openai_base_url;          /* OPENAI_BASE_URL, includes /v1 */
    const char *openai_model;             /* OPENAI_MODEL */
    long openai_timeout_ms;               /* OPENAI_TIMEOUT_MS: per attempt */
    /* speech AI (Sarvam); the key NULL = unset, the rest have defaults */
    const char *sarvam_api_key;           /* SARVAM_API_KEY */
    const char *sarvam_base_url;          /* SARVAM_BASE_URL, no /v1 */
    const char *sarvam_stt_model;         /* SARVAM_STT_MODEL */
    const char *sarvam_tts_model;         /* SARVAM_TTS_MODEL: bulbul:v2 or bulbul:v3 */
    const char *sarvam_tts_speaker;       /* SARVAM_TTS_SPEAKER */
    long sarvam_tts_sample_rate;          /* SARVAM_TTS_SAMPLE_RATE, Hz */
    long sarvam_timeout_ms;               /* SARVAM_TIMEOUT_MS: per attempt */
    long audio_cpu_ms;                    /* JOBTUNE_AUDIO_CPU_MS: decoding one answer */
    /* product analytics (PostHog): sent only when `analytics` */
    const char *posthog_api_key;          /* POSTHOG_API_KEY, NULL = unset */
    const char *posthog_host;             /* POSTHOG_HOST, no trailing slash */
    long posthog_timeout_ms;              /* POSTHOG_TIMEOUT_MS: per batch attempt */
    long posthog_report_s;                /* POSTHOG_REPORT_SECONDS: the counts' log period */
    bool analytics;                       /* production and POSTHOG_API_KEY set */
    const char *analytics_off_reason;     /* why not, for the start-up log (static) */
    /* per-user quotas (JOBTUNE_QUOTA_*); 0 = no limit */
    struct config_quotas {
        long resumes;                     /* resumes kept */
        long tailorings;                  /* tailorings kept per resume */
        long interviews;                  /* interviews kept */
        long ai_calls;                    /* requests that call OpenAI or Sarvam, per UTC day */
        long imports;                     /* resume imports, per UTC day */
    } quota;
    const char *fault;                    /* JOBTUNE_FAULT: development only */
    const char *clock_file;               /* JOBTUNE_CLOCK_FILE: development only */
    const char *ticket_numbers;           /* JOBTUNE_TICKET_NUMBERS: development only */
};

extern struct config config;

/* Fill `config` from the environment; on a bad value writes a sentence to
 * err and returns -1. */
int config_load(char *err, size_t errlen);

/* The longest a request may run before the master kills its worker: a
 * streamed answer that keeps sending runs past JOBTUNE_REQUEST_TIMEOUT, up
 * to JOBTUNE_STREAM_TIMEOUT (never less; config_load()). */
static inline int64_t config_longest_request_ms(void)
{
    return (int64_t)config.stream_timeout * 1000;
}

/* Every worker process: JOBTUNE_WORKERS + JOBTUNE_SLOW_WORKERS. */
static inline int config_pool_size(void)
{
    return config.workers + config.slow_workers;
}

/* Is id one of JOBTUNE_ADMIN_USER_IDS? */
bool config_is_admin(const char *id);

/* May POST /api/session mint development sessions?  Only in development,
 * with JOBTUNE_DEV_SIGNING_KEY set and the development issuer trusted
 * (production refuses to start with the key set at all). */
bool config_has_dev_sessions(void);

/*
 * The Frontend API host a Clerk publishable key names: "pk_live_" or
 * "pk_test_" followed by the base64 of the host and a '$' (padding
 * optional).  Writes it to host (size bytes); false when key is not of
 * that shape or the host is not a plain DNS name.
 */
bool config_clerk_frontend_api(const char *key, char *host, size_t size);

/* The issuer of scripts/dev-token's tokens, refused in production. */
#define CONFIG_DEV_ISSUER "https://dev.jobtune.invalid"

/* JOBTUNE_SECRET when development leaves it unset; production refuses to
 * start without a real one. */
#define CONFIG_DEV_SECRET "jobtune-development-secret-not-for-production"

#endif

/*
 * config.c - environment parsing with range checks.  A malformed number is
 * a start-up error, never silently replaced by a default.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    if (env_long("JOBTUNE_MAX_REQUESTS", 10000, 0, LONG_MAX, &config.max_requests,
                 err, errlen) < 0)
        return -1;
    if (env_long("JOBTUNE_REQUEST_TIMEOUT", 60, 1, 86400, &n, err, errlen) < 0)
        return -1;
    config.request_timeout = (int)n;
    config.mongodb_uri = env_or("MONGODB_URI", "mongodb://127.0.0.1:27017");
    config.db_name = env_or("JOBTUNE_DB", "jobtune");
    config.schema_dir = env_or("JOBTUNE_SCHEMA_DIR", JT_SCHEMA_DIR);
    config.secret = env_or("JOBTUNE_SECRET", NULL);
    if (config.production && config.secret == NULL) {
        snprintf(err, errlen, "JOBTUNE_SECRET is required in production");
        return -1;
    }
    if (strlen(config.db_name) >= 64 || strpbrk(config.db_name, "/\\. \"$") != NULL) {
        snprintf(err, errlen, "JOBTUNE_DB is not a valid database name");
        return -1;
    }
    return 0;
}

/*
 * config.h - the process configuration, read once from the environment at
 * start-up (names and defaults: docs/configuration and the contract).  The
 * struct is filled in the master and inherited by the workers read-only.
 */
#ifndef JT_CONFIG_H
#define JT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct config {
    bool production;            /* JOBTUNE_ENV */
    const char *listen;         /* JOBTUNE_LISTEN */
    long listen_mode;           /* JOBTUNE_LISTEN_MODE: unix socket permissions */
    int workers;                /* JOBTUNE_WORKERS */
    long max_requests;          /* JOBTUNE_MAX_REQUESTS, 0 = never */
    int request_timeout;        /* JOBTUNE_REQUEST_TIMEOUT, seconds */
    const char *mongodb_uri;    /* MONGODB_URI */
    const char *db_name;        /* JOBTUNE_DB */
    const char *schema_dir;     /* JOBTUNE_SCHEMA_DIR: the sql/ files */
    const char *secret;         /* JOBTUNE_SECRET */
};

extern struct config config;

/* Fill `config` from the environment; on a bad value writes a sentence to
 * err and returns -1. */
int config_load(char *err, size_t errlen);

#endif

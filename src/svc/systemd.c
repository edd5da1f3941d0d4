/*
 * systemd.c - sd_notify() from libsystemd, the one file that includes it.
 *
 * The first call captures NOTIFY_SOCKET (sd_notify's unset_environment
 * argument would lose it for the next call) and removes it from the
 * environment, so the children forked afterwards cannot notify.  A
 * failure to notify is logged once and otherwise ignored: systemd will
 * time the start out on its own, which is the right outcome.
 */
#include "svc/systemd.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <systemd/sd-daemon.h>
#include <time.h>

#include "base/log.h"
#include "base/mem.h"

static char *notify_socket; /* captured on first use; NULL outside systemd */
static bool captured, failed_once;

static void notify(const char *state)
{
    int rc;

    if (!captured) {
        const char *s = getenv("NOTIFY_SOCKET");

        captured = true;
        notify_socket = s != NULL && *s != '\0' ? mem_strdup(s) : NULL;
        unsetenv("NOTIFY_SOCKET");
    }
    if (notify_socket == NULL)
        return;
    /* sd_notify reads the variable: set it for the call only */
    setenv("NOTIFY_SOCKET", notify_socket, 1);
    rc = sd_notify(1, state);
    if (rc < 0 && !failed_once) {
        failed_once = true;
        log_warn("cannot notify systemd (error %d)", -rc);
    }
}

static void notify_with_status(const char *what, const char *status)
{
    char line[512];

    snprintf(line, sizeof(line), "%s%sSTATUS=%s", what, *what ? "\n" : "", status);
    notify(line);
}

void systemd_ready(const char *status)
{
    notify_with_status("READY=1", status);
}

void systemd_reloading(const char *status)
{
    struct timespec ts;
    char what[96];

    clock_gettime(CLOCK_MONOTONIC, &ts);
    snprintf(what, sizeof(what), "RELOADING=1\nMONOTONIC_USEC=%llu",
             (unsigned long long)ts.tv_sec * 1000000ULL + (unsigned long long)ts.tv_nsec / 1000);
    notify_with_status(what, status);
}

void systemd_stopping(const char *status)
{
    notify_with_status("STOPPING=1", status);
}

void systemd_status(const char *status)
{
    notify_with_status("", status);
}

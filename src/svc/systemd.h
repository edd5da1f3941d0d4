/*
 * systemd.h - the service manager's readiness protocol (sd_notify(3)).
 *
 * jobtune.service is Type=notify: systemd considers the service started
 * when the master says READY=1, which it does once its first workers have
 * started accepting (after the first schema step has been waited for), so
 * `systemctl start` returns when requests can be served and units ordered
 * After=jobtune.service (nginx, say) start after that.  A reload
 * (ExecReload sends SIGHUP) is bracketed by RELOADING=1 and READY=1, and a
 * stop starts with STOPPING=1.  STATUS= carries the worker count for
 * `systemctl status`.
 *
 * Outside systemd (NOTIFY_SOCKET unset: scripts/run, the tests) every call
 * is a no-op.  Only the master calls these; the socket's variable is
 * removed from the environment after the first call, so that no child
 * (worker, migration, scheduler) can ever speak for the service.
 */
#ifndef JT_SYSTEMD_H
#define JT_SYSTEMD_H

/* READY=1 and STATUS=<status>. */
void systemd_ready(const char *status);
/* RELOADING=1 (with MONOTONIC_USEC, as systemd 253+ wants) and STATUS=. */
void systemd_reloading(const char *status);
/* STOPPING=1 and STATUS=. */
void systemd_stopping(const char *status);
/* STATUS= alone. */
void systemd_status(const char *status);

#endif

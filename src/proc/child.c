/*
 * child.c - the signal dispositions of the master's non-serving children,
 * and the one way every child ends (child_exit).
 */
#include "proc/child.h"

#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"

/* GCC defines __SANITIZE_ADDRESS__, clang answers __has_feature() */
#if defined(__SANITIZE_ADDRESS__)
#define JT_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define JT_LSAN 1
#endif
#endif
#ifdef JT_LSAN
#include <sanitizer/lsan_interface.h>
#endif

void child_signals(void (*on_quit)(int))
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_quit;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGQUIT, &sa, NULL);
    sa.sa_handler = SIG_DFL;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGCHLD, &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGPIPE, &sa, NULL);
}

#ifdef JT_LSAN
/* Whether the options turn leak detection off (it is on by default); the
 * runtime offers no query, and the line logged below must not claim a
 * check that did not run. */
static bool leak_detection_off(void)
{
    const char *names[] = {"ASAN_OPTIONS", "LSAN_OPTIONS"};

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const char *v = getenv(names[i]);

        if (v != NULL && (strstr(v, "detect_leaks=0") || strstr(v, "detect_leaks=false")))
            return true;
    }
    return false;
}
#endif

_Noreturn void child_exit(const char *what, int status)
{
#ifdef JT_LSAN
    /* _exit() skips the check LeakSanitizer runs at exit(): run it here. */
    if (!leak_detection_off()) {
        if (__lsan_do_recoverable_leak_check() != 0) {
            log_error("leak check at exit of the %s: LeakSanitizer found leaks", what);
            _exit(CHILD_EXIT_LEAK);
        }
        log_info("leak check at exit of the %s: no leaks", what);
    }
#else
    (void)what;
#endif
    _exit(status);
}

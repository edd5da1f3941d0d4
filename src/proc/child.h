/*
 * child.h - what every child of the master does with signals (the
 * scheduler, the analytics sender), and how every child ends.
 */
#ifndef JT_CHILD_H
#define JT_CHILD_H

/* SIGQUIT runs on_quit (no SA_RESTART, so a wait returns), SIGTERM, SIGINT
 * and SIGCHLD keep their default actions, SIGHUP and SIGPIPE are ignored.
 * The signal mask is the caller's to set. */
void child_signals(void (*on_quit)(int));

/*
 * End a child that has released what it owns: _exit(status), so nothing
 * inherited from the master runs twice (its stdio buffers, atexit
 * handlers).  In the sanitizer build LeakSanitizer checks the heap first,
 * as it would at exit(), and logs that it did ("leak check at exit", with
 * `what`); a leak is reported on stderr and ends the child with status
 * CHILD_EXIT_LEAK instead.  Children that fail to initialise do not come
 * here: they _exit() with what they had half built.
 */
#define CHILD_EXIT_LEAK 23 /* LeakSanitizer's own exit code */
_Noreturn void child_exit(const char *what, int status);

#endif

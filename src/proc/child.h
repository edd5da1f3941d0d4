/*
 * child.h - what every non-serving child of the master (the scheduler, the
 * analytics sender) does with signals.
 */
#ifndef JT_CHILD_H
#define JT_CHILD_H

/* SIGQUIT runs on_quit (no SA_RESTART, so a wait returns), SIGTERM, SIGINT
 * and SIGCHLD keep their default actions, SIGHUP and SIGPIPE are ignored.
 * The signal mask is the caller's to set. */
void child_signals(void (*on_quit)(int));

#endif

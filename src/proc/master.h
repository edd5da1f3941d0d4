/*
 * master.h - the supervising process: opens the socket, pre-forks the
 * workers and keeps their number right until it is told to stop.
 */
#ifndef JT_MASTER_H
#define JT_MASTER_H

/* Open the listening socket named by config.listen; exits on failure. */
int master_listen(const char *spec);

/* Supervise until stopped; returns the process exit status. */
int master_run(int listen_fd);

#endif

/*
 * bench-fcgi-hello.c - the baseline for scripts/bench: the smallest useful
 * pre-forked libfcgi pool.  One listening socket, N forked workers, each
 * answering every request with {"status":"ok"} and nothing else, so the
 * difference to jobtuned's GET /api/health is what jobtuned does per request.
 *
 *   bench-fcgi-hello SOCKET_PATH WORKERS
 *
 * The parent only waits; SIGTERM/SIGINT to it stops the workers too.
 * Build: cc -O2 -Wall -Wextra -o bench-fcgi-hello bench-fcgi-hello.c -lfcgi
 */
#include <errno.h>
#include <fcgiapp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_WORKERS 256

static const char response[] =
    "Status: 200 OK\r\nContent-Type: application/json\r\n\r\n{\"status\":\"ok\"}";

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void worker(int listen_fd)
{
    FCGX_Request req;

    prctl(PR_SET_PDEATHSIG, SIGTERM);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGPIPE, SIG_IGN);
    if (FCGX_Init() != 0 || FCGX_InitRequest(&req, listen_fd, 0) != 0) {
        fprintf(stderr, "bench-fcgi-hello: FastCGI initialisation failed\n");
        _exit(1);
    }
    while (FCGX_Accept_r(&req) >= 0) {
        FCGX_PutStr(response, (int)sizeof(response) - 1, req.out);
        FCGX_Finish_r(&req);
    }
    _exit(0);
}

int main(int argc, char **argv)
{
    pid_t pids[MAX_WORKERS];
    struct sigaction sa;
    char *end;
    long n;
    int fd, running = 0;

    if (argc != 3) {
        fprintf(stderr, "usage: %s SOCKET_PATH WORKERS\n", argv[0]);
        return 2;
    }
    errno = 0;
    n = strtol(argv[2], &end, 10);
    if (errno != 0 || *end != '\0' || n < 1 || n > MAX_WORKERS) {
        fprintf(stderr, "bench-fcgi-hello: WORKERS must be 1..%d\n", MAX_WORKERS);
        return 2;
    }
    unlink(argv[1]);
    fd = FCGX_OpenSocket(argv[1], 1024);
    if (fd < 0) {
        fprintf(stderr, "bench-fcgi-hello: cannot listen on %s\n", argv[1]);
        return 1;
    }
    /* nginx's workers run as another user */
    if (chmod(argv[1], 0666) != 0) {
        fprintf(stderr, "bench-fcgi-hello: chmod %s: %s\n", argv[1], strerror(errno));
        return 1;
    }

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    for (long i = 0; i < n; i++) {
        pid_t pid = fork();

        if (pid < 0) {
            perror("bench-fcgi-hello: fork");
            break;
        }
        if (pid == 0)
            worker(fd);
        pids[running++] = pid;
    }
    while (!stop_requested && running > 0) {
        pid_t pid = wait(NULL);

        if (pid > 0) {
            for (int i = 0; i < running; i++)
                if (pids[i] == pid) {
                    pids[i] = pids[--running];
                    break;
                }
        } else if (errno == ECHILD) {
            break;
        }
    }
    for (int i = 0; i < running; i++)
        kill(pids[i], SIGTERM);
    while (wait(NULL) > 0 || errno == EINTR)
        ;
    unlink(argv[1]);
    return 0;
}

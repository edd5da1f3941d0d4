/*
 * scratch.c - private working folders (see scratch.h).
 */
#include "svc/scratch.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/config.h"
#include "base/encode.h"
#include "base/log.h"

#define PREFIX "jobtune-export-"
#define OWNER_LEN 16

/* Memory-backed /dev/shm when the host has it; TMPDIR or /tmp otherwise. */
static const char *base(void)
{
    const char *tmp = getenv("TMPDIR");
    struct stat st;

    if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0)
        return "/dev/shm";
    return tmp != NULL && *tmp != '\0' ? tmp : "/tmp";
}

static void owner_of(const char *user_id, char out[OWNER_LEN + 1])
{
    char hmac[65], msg[300];

    snprintf(msg, sizeof(msg), "export:%s", user_id);
    encode_hmac_hex(config.secret, msg, hmac);
    memcpy(out, hmac, OWNER_LEN);
    out[OWNER_LEN] = '\0';
}

int scratch_create(const char *user_id, char *out, size_t size)
{
    char owner[OWNER_LEN + 1];
    int n;

    owner_of(user_id, owner);
    n = snprintf(out, size, "%s/" PREFIX "%d-%s-XXXXXX", base(), (int)getpid(), owner);
    if (n < 0 || (size_t)n >= size || mkdtemp(out) == NULL) {
        log_error("export: cannot create a working folder: %s", strerror(errno));
        return -1;
    }
    return 0;
}

void scratch_remove(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;

    if (d != NULL) {
        while ((e = readdir(d)) != NULL) {
            char file[4096];

            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            if (snprintf(file, sizeof(file), "%s/%s", path, e->d_name) < (int)sizeof(file))
                unlink(file);
        }
        closedir(d);
    }
    rmdir(path);
}

/* Remove each of our folders for which match(pid, owner, arg) holds. */
static int remove_where(bool (*match)(pid_t, const char *, const void *), const void *arg)
{
    const char *dir = base();
    DIR *d = opendir(dir);
    struct dirent *e;
    int removed = 0;

    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        char path[4096], owner[OWNER_LEN + 1];
        const char *p = e->d_name + strlen(PREFIX);
        char *end;
        long pid;
        struct stat st;

        if (strncmp(e->d_name, PREFIX, strlen(PREFIX)) != 0)
            continue;
        pid = strtol(p, &end, 10);
        if (end == p || *end != '-' || strlen(end + 1) < OWNER_LEN + 1)
            continue;
        memcpy(owner, end + 1, OWNER_LEN);
        owner[OWNER_LEN] = '\0';
        if (!match((pid_t)pid, owner, arg) ||
            snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path) ||
            lstat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        scratch_remove(path);
        removed++;
    }
    closedir(d);
    return removed;
}

static bool pid_is(pid_t pid, const char *owner, const void *arg)
{
    (void)owner;
    return pid == *(const pid_t *)arg;
}

static bool owner_is(pid_t pid, const char *owner, const void *arg)
{
    (void)pid;
    return strcmp(owner, arg) == 0;
}

static bool pid_gone(pid_t pid, const char *owner, const void *arg)
{
    (void)owner;
    (void)arg;
    return pid > 0 && kill(pid, 0) != 0 && errno == ESRCH;
}

int scratch_remove_of_pid(pid_t pid)
{
    return remove_where(pid_is, &pid);
}

int scratch_remove_of_owner(const char *user_id)
{
    char owner[OWNER_LEN + 1];

    owner_of(user_id, owner);
    return remove_where(owner_is, owner);
}

int scratch_sweep(void)
{
    return remove_where(pid_gone, NULL);
}

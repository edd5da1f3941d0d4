/*
 * fault.c - crash points for the tests (see fault.h).
 */
#include "base/fault.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "base/config.h"
#include "base/log.h"

/* Is name in the list, as "name" or as "name@N"?  *nth: N, or 1. */
static bool listed(const char *name, long *nth)
{
    const char *list = config.fault, *p;
    size_t n = strlen(name);

    *nth = 1;
    if (list == NULL || config.production)
        return false;
    for (p = list; (p = strstr(p, name)) != NULL; p += n) {
        if (p != list && p[-1] != ',')
            continue;
        if (p[n] == '\0' || p[n] == ',')
            return true;
        if (p[n] == '@') {
            *nth = strtol(p + n + 1, NULL, 10);
            return true;
        }
    }
    return false;
}

bool fault_active(const char *name)
{
    long nth;

    return listed(name, &nth);
}

void fault_point(const char *name)
{
    static long hits; /* of the one counted point ("name@N") a test names */
    long nth;

    if (listed(name, &nth) && ++hits >= nth) {
        log_warn("fault point %s: killing this process", name);
        raise(SIGKILL);
    }
}

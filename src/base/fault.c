/*
 * fault.c - crash points for the tests (see fault.h).
 */
#include "base/fault.h"

#include <signal.h>
#include <string.h>

#include "base/config.h"
#include "base/log.h"

bool fault_active(const char *name)
{
    const char *list = config.fault, *p;
    size_t n = strlen(name);

    if (list == NULL || config.production)
        return false;
    for (p = list; (p = strstr(p, name)) != NULL; p += n)
        if ((p == list || p[-1] == ',') && (p[n] == '\0' || p[n] == ','))
            return true;
    return false;
}

void fault_point(const char *name)
{
    if (fault_active(name)) {
        log_warn("fault point %s: killing this process", name);
        raise(SIGKILL);
    }
}

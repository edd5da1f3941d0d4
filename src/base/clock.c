/*
 * clock.c - wall and monotonic time.
 */
#include "base/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/config.h"

/* The tests' clock: JOBTUNE_CLOCK_FILE names a file holding milliseconds
 * to add to the wall clock (a whole number, may be negative), read again
 * on every call so a test can move time while the server runs.  Only in
 * development: production never reads it. */
static int64_t injected_offset_ms(void)
{
    char buf[32];
    FILE *f;
    size_t n;

    if (config.clock_file == NULL || config.production)
        return 0;
    if ((f = fopen(config.clock_file, "re")) == NULL)
        return 0;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strtoll(buf, NULL, 10);
}

int64_t clock_wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + injected_offset_ms();
}

uint64_t clock_mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

uint64_t clock_mono_ms(void)
{
    return clock_mono_us() / 1000;
}

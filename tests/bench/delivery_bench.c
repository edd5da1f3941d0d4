/* delivery_bench - what the delivery pass of a spoken answer costs:
 * delivery_listen() and delivery_fillers() over five minutes of 16 kHz
 * "speech" (a tone with room noise) with a 2 s silence every 5 s, the
 * longest answer taken, the best of 5 runs in the thread's CPU time, so
 * whatever else the machine runs does not count.  scripts/bench interview
 * builds and runs it: gcc -O2 -Isrc tests/bench/delivery_bench.c
 * src/model/delivery.c -ljansson -lm.  Prints the ms of CPU per minute of audio and
 * the pauses heard (59, or the pass is not what was measured). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "model/delivery.h"

#define RATE 16000

static void tone(int16_t *s, size_t *at, double seconds, double amp)
{
    size_t n = (size_t)(seconds * RATE);

    for (size_t i = 0; i < n; i++, (*at)++)
        s[*at] = (int16_t)(amp * sin(2 * M_PI * 200.0 * (double)i / RATE) +
                           (double)((*at * 7919) % 61) - 30);
}

static uint64_t cpu_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

int main(void)
{
    size_t at = 0, n = (size_t)RATE * 300;
    int16_t *s = calloc(n, sizeof(*s));
    struct delivery_voice v;
    struct delivery_fillers f;
    uint64_t t0, took, best = UINT64_MAX;

    if (s == NULL)
        return 1;
    while (at + RATE * 5 <= n) {
        tone(s, &at, 3, 6000);
        tone(s, &at, 2, 0);
    }
    for (int run = 0; run < 5; run++) {
        t0 = cpu_us();
        delivery_listen(s, n, RATE, NULL, 0, &v);
        delivery_fillers("en-IN", "um so I mean we shipped it, you know, on time", &f);
        took = cpu_us() - t0;
        if (took < best)
            best = took;
    }
    printf("%.3f ms_per_minute %zu pauses\n", (double)best / 1000.0 / 5.0, (size_t)v.pauses);
    free(s);
    return v.pauses == 59 ? 0 : 1;
}

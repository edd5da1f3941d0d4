/* ats_bench - times ats_score() on the adversarial probe's input: a 258 KB
 * resume of short distinct tokens against a 20,000-character job
 * description of distinct terms.  Build and run: scripts/bench_ats (or see
 * README "ATS cost").  Prints milliseconds per call. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/ats.h"

static double now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Word number i in base 26 letters, at least two letters ("ab", "ac"...). */
static int word(char *out, size_t cap, unsigned i, char first)
{
    char tmp[16];
    int n = 0;

    tmp[n++] = first;
    do {
        tmp[n++] = (char)('a' + i % 26);
        i /= 26;
    } while (i > 0);
    if ((size_t)n + 1 > cap)
        return 0;
    memcpy(out, tmp, (size_t)n);
    out[n] = '\0';
    return n;
}

int main(void)
{
    size_t cvcap = 258 * 1024, jdcap = 20000, n = 0;
    char *cv = malloc(cvcap + 1), *jd = malloc(jdcap + 1), w[16];
    json_t *resume, *res;
    double t0, best = 1e18;

    for (unsigned i = 0; n + 6 < cvcap; i++) {
        n += (size_t)word(cv + n, cvcap - n, i, 'q');
        cv[n++] = ' ';
    }
    cv[n] = '\0';
    n = 0;
    for (unsigned i = 0; n + 8 < jdcap; i++) {
        int k = word(w, sizeof(w), i * 7 + 3, 'z');

        memcpy(jd + n, w, (size_t)k);
        n += (size_t)k;
        jd[n++] = ' ';
    }
    jd[n] = '\0';
    resume = json_pack("{s:s}", "summary", cv);
    for (int r = 0; r < 3; r++) {
        t0 = now_ms();
        res = ats_score(resume, jd);
        t0 = now_ms() - t0;
        if (t0 < best)
            best = t0;
        if (r == 0) {
            char *s = json_dumps(json_object_get(res, "truncated"), JSON_ENCODE_ANY);

            printf("resume %zu bytes, jd %zu chars, found %zu, missing %zu, truncated %s\n",
                   strlen(cv), strlen(jd), json_array_size(json_object_get(res, "found")),
                   json_array_size(json_object_get(res, "missing")), s ? s : "null");
            free(s);
        }
        json_decref(res);
    }
    printf("ats_score: %.1f ms (best of 3)\n", best);
    json_decref(resume);
    free(cv);
    free(jd);
    return 0;
}

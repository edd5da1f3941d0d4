/*
 * bench-clerk - the cost of verifying a session token in a worker: cold
 * (full RS256 verification: header checks, jwt_decode, claims) against
 * cached (a SHA-256 of the token and one table probe).  Built by
 * scripts/bench with `make scripts/bench-clerk`.
 *
 *   bench-clerk PUBLIC_KEY.pem TOKEN ISSUER [ITERATIONS]
 *
 * Prints one line per mode: "cold N ns/op" and "cached N ns/op".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/config.h"
#include "svc/clerk_token.h"

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
        return NULL;
    buf = malloc((size_t)n + 1);
    if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    struct clerk_session s;
    struct clerk_token *c;
    long iterations = argc > 4 ? strtol(argv[4], NULL, 10) : 2000;
    int64_t now = (int64_t)time(NULL);
    double t0, cold, cached;

    if (argc < 4 || iterations <= 0) {
        fprintf(stderr, "usage: bench-clerk PUBLIC_KEY.pem TOKEN ISSUER [ITERATIONS]\n");
        return 2;
    }
    config.clerk_jwt_key = slurp(argv[1]);
    config.clerk_issuer = argv[3];
    config.clerk_authorized_parties = "http://127.0.0.1:8080,http://localhost:8080";
    c = clerk_token_new();
    if (config.clerk_jwt_key == NULL || c == NULL ||
        clerk_token_verify(c, argv[2], now, &s) != CLERK_TOKEN_OK) {
        fprintf(stderr, "bench-clerk: the token does not verify with this key and issuer\n");
        return 1;
    }
    t0 = now_ns();
    for (long i = 0; i < iterations; i++) {
        clerk_token_forget(c);
        if (clerk_token_verify(c, argv[2], now, &s) != CLERK_TOKEN_OK)
            return 1;
    }
    cold = (now_ns() - t0) / (double)iterations;
    t0 = now_ns();
    for (long i = 0; i < iterations * 50; i++)
        if (clerk_token_verify(c, argv[2], now, &s) != CLERK_TOKEN_OK || !s.cached)
            return 1;
    cached = (now_ns() - t0) / (double)(iterations * 50);
    printf("cold %.0f ns/op\ncached %.0f ns/op\n", cold, cached);
    clerk_token_free(c);
    return 0;
}

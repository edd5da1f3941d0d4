/*
 * fuzz.h - what every libFuzzer target of tests/fuzz shares.
 *
 * Each fuzz_<name>.c defines LLVMFuzzerTestOneInput() over one parser that
 * takes outside bytes, calling the function production calls.  Request
 * memory comes from one arena per process, reset after every input as the
 * worker resets its arena after every request.  FUZZ_CHECK() turns a broken
 * invariant into a crash, so libFuzzer keeps the input that broke it.
 * Built only in a clang --enable-fuzzers build (scripts/fuzz).
 */
#ifndef JT_FUZZ_H
#define JT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                              \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                  \
        }                                                                             \
    } while (0)

/* The process's request arena (the worker's chunk size), made on first use. */
static inline struct arena *fuzz_arena(void)
{
    static struct arena *a;

    if (a == NULL && (a = arena_new(16 * 1024)) == NULL)
        abort();
    return a;
}

/* data[0..size) as a new NUL-terminated string (free()); a NUL inside
 * ends the string early, as it would in a CGI variable. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (s == NULL)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/*
 * Cut data at the first n - 1 occurrences of sep into n NUL-terminated
 * fields of one new block (free(fields[0])); the last field is the rest.
 * Missing fields are "".  Returns the length of the last one, which may
 * hold NULs (it is the body of the inputs that have one).
 */
static inline size_t fuzz_fields(const uint8_t *data, size_t size, char sep, char **fields,
                                 size_t n)
{
    char *all = fuzz_cstr(data, size), *end = all + size, *p = all;

    fields[0] = all;
    for (size_t i = 1; i < n; i++) {
        char *s = p < end ? memchr(p, sep, (size_t)(end - p)) : NULL;

        if (s == NULL) {
            p = end;
        } else {
            *s = '\0';
            p = s + 1;
        }
        fields[i] = p;
    }
    return (size_t)(end - fields[n - 1]);
}

#endif

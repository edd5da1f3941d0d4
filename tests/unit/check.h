/*
 * check.h - a minimal unit-test harness: each test is a function, each
 * CHECK failure is reported with file and line, and the run ends with
 * "N passed, N failed" counted per test function.
 */
#ifndef JT_CHECK_H
#define JT_CHECK_H

#include <stdio.h>
#include <string.h>

extern int check_failures; /* failures in the current test */

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "    %s:%d: CHECK(%s) failed\n", __FILE__,         \
                    __LINE__, #cond);                                          \
            check_failures++;                                                  \
        }                                                                      \
    } while (0)

#define CHECK_STR(a, b)                                                        \
    do {                                                                       \
        const char *a_ = (a), *b_ = (b);                                       \
        if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0) {                 \
            fprintf(stderr, "    %s:%d: \"%s\" != \"%s\"\n", __FILE__,         \
                    __LINE__, a_ ? a_ : "(null)", b_ ? b_ : "(null)");         \
            check_failures++;                                                  \
        }                                                                      \
    } while (0)

#define CHECK_INT(a, b)                                                        \
    do {                                                                       \
        long long a_ = (long long)(a), b_ = (long long)(b);                    \
        if (a_ != b_) {                                                        \
            fprintf(stderr, "    %s:%d: %s == %lld, expected %lld\n",          \
                    __FILE__, __LINE__, #a, a_, b_);                           \
            check_failures++;                                                  \
        }                                                                      \
    } while (0)

struct unit_test {
    const char *name;
    void (*fn)(void);
};

#define TEST(name) static void name(void)

/* declared by each test file, listed in main.c */
#define SUITE(suite) extern const struct unit_test suite[]

/* Run every suite (runner.c): 0 when every test passed. */
int check_run(const struct unit_test *const *suites, size_t n);

#endif

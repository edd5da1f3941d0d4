/*
 * mem.c - the out-of-memory policy (see mem.h): every allocation either
 * succeeds or ends the process with one log line and abort(), so the
 * master sees a crash it knows how to handle.
 */
#include "base/mem.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"

static void out_of_memory(size_t size) __attribute__((noreturn));

static void out_of_memory(size_t size)
{
    log_error("out of memory (asked for %zu bytes)", size);
    abort();
}

void *mem_alloc(size_t size)
{
    void *p = malloc(size ? size : 1);

    if (p == NULL)
        out_of_memory(size);
    return p;
}

void *mem_calloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);

    if (p == NULL)
        out_of_memory(count * size);
    return p;
}

void *mem_realloc(void *p, size_t size)
{
    void *grown = realloc(p, size ? size : 1);

    if (grown == NULL)
        out_of_memory(size);
    return grown;
}

char *mem_strdup(const char *s)
{
    return mem_strndup(s, strlen(s));
}

char *mem_strndup(const char *s, size_t n)
{
    char *copy;

    n = strnlen(s, n);
    copy = mem_alloc(n + 1);
    memcpy(copy, s, n);
    copy[n] = '\0';
    return copy;
}

void mem_install(void)
{
    json_set_alloc_funcs(mem_alloc, free);
}

/*
 * arena.c - bump allocator with a cleanup list, in the manner of nginx pools.
 *
 * Invariants: the first chunk lives as long as the arena and is reused after
 * every reset, so a steady stream of small requests never calls malloc();
 * larger allocations get a chunk of their own.  Cleanups are a LIFO list
 * allocated from the arena itself.
 */
#include "base/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

#define ARENA_ALIGN _Alignof(max_align_t)

struct chunk {
    struct chunk *next;
    size_t size; /* usable bytes after the header */
    size_t used;
    max_align_t data[];
};

struct cleanup {
    struct cleanup *next;
    arena_cleanup_fn fn;
    void *data;
};

struct arena {
    struct chunk *head;  /* current chunk, newest first */
    struct chunk *first; /* kept across resets */
    struct cleanup *cleanups;
    size_t chunk_size;
    size_t used;
};

static struct chunk *chunk_new(size_t size)
{
    struct chunk *c;

    if (size > SIZE_MAX - sizeof(*c))
        return NULL;
    c = mem_alloc(sizeof(*c) + size);
    c->next = NULL;
    c->size = size;
    c->used = 0;
    return c;
}

struct arena *arena_new(size_t chunk_size)
{
    struct arena *a = mem_calloc(1, sizeof(*a));

    a->chunk_size = chunk_size < 1024 ? 1024 : chunk_size;
    a->first = chunk_new(a->chunk_size);
    if (a->first == NULL) {
        free(a);
        return NULL;
    }
    a->head = a->first;
    return a;
}

static void run_cleanups(struct arena *a)
{
    struct cleanup *c = a->cleanups;

    a->cleanups = NULL;
    for (; c != NULL; c = c->next)
        c->fn(c->data);
}

void arena_reset(struct arena *a)
{
    struct chunk *c, *next;

    run_cleanups(a);
    for (c = a->head; c != a->first; c = next) {
        next = c->next;
        free(c);
    }
    a->head = a->first;
    a->first->next = NULL;
    a->first->used = 0;
    a->used = 0;
}

void arena_free(struct arena *a)
{
    if (a == NULL)
        return;
    arena_reset(a);
    free(a->first);
    free(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
    struct chunk *c = a->head;
    size_t need;
    char *p;

    if (n > SIZE_MAX - ARENA_ALIGN)
        return NULL;
    need = (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
    if (need == 0)
        need = ARENA_ALIGN;
    if (c->size - c->used < need) {
        size_t size = need > a->chunk_size ? need : a->chunk_size;

        c = chunk_new(size);
        if (c == NULL)
            return NULL;
        c->next = a->head;
        a->head = c;
    }
    p = (char *)c->data + c->used;
    c->used += need;
    a->used += need;
    return p;
}

void *arena_calloc(struct arena *a, size_t count, size_t size)
{
    void *p;

    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    p = arena_alloc(a, count * size);
    if (p != NULL)
        memset(p, 0, count * size);
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);

    if (p == NULL)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *p;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    p = arena_alloc(a, (size_t)n + 1);
    if (p == NULL)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

int arena_add_cleanup(struct arena *a, arena_cleanup_fn fn, void *data)
{
    struct cleanup *c = arena_alloc(a, sizeof(*c));

    if (c == NULL) {
        fn(data);
        return -1;
    }
    c->fn = fn;
    c->data = data;
    c->next = a->cleanups;
    a->cleanups = c;
    return 0;
}

size_t arena_used(const struct arena *a)
{
    return a->used;
}

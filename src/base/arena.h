/*
 * arena.h - request-scoped memory.
 *
 * Every allocation a request makes comes from its arena; non-memory
 * resources (json_t references, curl lists, database cursors) are registered
 * as cleanups.  arena_reset() runs the cleanups in reverse order and makes the
 * memory reusable, so one call after FCGX_Finish_r() releases everything the
 * request owned, on the happy path and on every error path alike.
 */
#ifndef JT_ARENA_H
#define JT_ARENA_H

#include <stddef.h>

struct arena;

typedef void (*arena_cleanup_fn)(void *data);

/* New arena; NULL when out of memory.  Free with arena_free(). */
struct arena *arena_new(size_t chunk_size);
void arena_free(struct arena *a);

/* Run the cleanups, drop every chunk but the first, rewind. */
void arena_reset(struct arena *a);

/* Aligned to max_align_t; NULL when out of memory or n overflows. */
void *arena_alloc(struct arena *a, size_t n);
void *arena_calloc(struct arena *a, size_t count, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Register fn(data) to run at the next reset; -1 when out of memory (the
 * cleanup is then run at once, so ownership always passes to the arena). */
int arena_add_cleanup(struct arena *a, arena_cleanup_fn fn, void *data);

/* Bytes currently handed out, for tests and diagnostics. */
size_t arena_used(const struct arena *a);

#endif

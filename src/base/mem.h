/*
 * mem.h - heap allocation that does not fail: out of memory aborts.
 *
 * Policy, after Kore's kore_malloc(): when malloc() cannot give memory the
 * process logs "out of memory" (one line, from a stack buffer) and calls
 * abort().  A worker that aborts is reaped by the master, which logs the
 * crash and forks a replacement (with the crash guard against hot loops);
 * the request in flight gets nginx's 502.  Handling the failure instead
 * would mean a NULL check and an error path at every allocation, each one
 * almost never taken and so almost never tested, for a condition Linux's
 * overcommit makes rare and a fresh process cures.
 *
 * So: code calls mem_* and never checks the result; memory from mem_* is
 * released with free().  mem_install() gives Jansson the same functions
 * (json_set_alloc_funcs), once at process start before any json_t exists
 * (src/proc/main.c, the unit-test runner).  Memory that libraries allocate
 * for themselves (libcurl, OpenSSL, GLib, mongoc) keeps their own rules.
 */
#ifndef JT_MEM_H
#define JT_MEM_H

#include <stddef.h>

/* New memory of size bytes (size 0 counts as 1); never NULL. */
void *mem_alloc(size_t size);

/* Zeroed memory for count * size bytes; never NULL (an overflowing product
 * aborts like an exhausted heap). */
void *mem_calloc(size_t count, size_t size);

/* p resized to size bytes (size 0 counts as 1); never NULL. */
void *mem_realloc(void *p, size_t size);

/* A new NUL-terminated copy of s; never NULL. */
char *mem_strdup(const char *s);

/* A new NUL-terminated copy of s[0..n) (stops early at a NUL); never NULL. */
char *mem_strndup(const char *s, size_t n);

/* Route Jansson's allocations through mem_alloc()/free().  Call once, at
 * process start, before the first json_t is created. */
void mem_install(void);

#endif

/*
 * archive.h - a ZIP archive written as it is built, to a caller's output
 * (the data export's FastCGI stream), with zlib for deflate.
 *
 * Nothing is written to a file and nothing is sought back: each member's
 * bytes go out as they are made, so the archive's memory is zlib's state,
 * one output buffer and a central-directory entry per member, whatever
 * the members' sizes.  archive.c is the only file that includes zlib.
 *
 * A member is either streamed (archive_begin(), archive_write()...,
 * archive_end(): deflated, its size and CRC-32 sent after the data) or
 * whole in memory (archive_add_stored(): stored, sizes in its header).
 * Functions return 0, or -1 when the output failed, zlib failed, or the
 * archive would pass the classic ZIP's limits (4 GiB, 65,535 members;
 * logged here): the archive is then unfinishable and the caller must make
 * its transfer fail.
 */
#ifndef JT_ARCHIVE_H
#define JT_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

struct archive;

/* Where the archive's bytes go: 0, or -1 when they cannot (the client went
 * away). */
typedef int (*archive_out_fn)(const void *data, size_t len, void *arg);

/* A new, empty archive whose members are dated `when_ms` (Unix ms, UTC);
 * bytes go to out(arg).  The caller frees it with archive_free(). */
struct archive *archive_new(archive_out_fn out, void *arg, int64_t when_ms);

/* Start member `name` (borrowed), deflated; its data follows through
 * archive_write(), and archive_end() closes it. */
int archive_begin(struct archive *ar, const char *name);
int archive_write(struct archive *ar, const void *data, size_t len);
int archive_end(struct archive *ar);

/* Member `name`, stored (a PDF is compressed already), from memory. */
int archive_add_stored(struct archive *ar, const char *name, const void *data, size_t len);

/* The central directory and its end record: the archive is complete. */
int archive_finish(struct archive *ar);

void archive_free(struct archive *ar);

#endif

/*
 * archive.h - a ZIP archive written to a file, with libzip.
 *
 * archive.c is the only file that includes libzip.  Members are files
 * already on disk: libzip reads each while it writes the archive at
 * archive_close(), a buffer at a time, so making an archive of any size
 * holds no member in memory.  Returns 0, or -1 (logged here).
 */
#ifndef JT_ARCHIVE_H
#define JT_ARCHIVE_H

#include <stdbool.h>

struct archive;

/* A new archive to be written at path (created or truncated); NULL on
 * failure. */
struct archive *archive_new(const char *path);

/* Add the file at `path` as member `name`; deflated when compress, else
 * stored (PDFs are compressed already).  The file is read at close. */
int archive_add_file(struct archive *ar, const char *name, const char *path, bool compress);

/* Write the archive and free ar (also on failure). */
int archive_close(struct archive *ar);

/* Free ar without writing anything. */
void archive_discard(struct archive *ar);

#endif

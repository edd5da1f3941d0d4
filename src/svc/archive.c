/*
 * archive.c - a ZIP archive written as it goes (see archive.h).
 *
 * Why not libzip: the libzip of Debian 12 (1.7) writes an archive only in
 * zip_close(), and to a seekable destination, since after each member's
 * data it seeks back to fill in the local header's sizes and CRC; the
 * whole archive must exist (in a file or in memory) before its first byte
 * can be sent.  The container written here is the small part of the
 * format a one-pass writer needs, from PKWARE's APPNOTE.TXT (6.3):
 *
 *   - 4.3.7 local file header, then the member's data;
 *   - a streamed member sets general purpose bit 3 (4.4.4) and leaves
 *     CRC-32 and sizes zero in its header; they follow its data in a data
 *     descriptor (4.3.9, with the optional signature 0x08074b50 that every
 *     current reader expects);
 *   - a member whole in memory (the PDFs) is stored (method 0) with its
 *     CRC-32 and sizes in its header and no descriptor: a reader that
 *     reads front to back (Java's ZipInputStream, bsdtar) cannot find the
 *     end of stored data of unknown size, so bit 3 is for deflate only;
 *   - 4.3.12 central directory headers, and 4.3.16 the end of central
 *     directory record.
 *
 * Deflate (method 8) is zlib's raw deflate (window bits -15), and each
 * member's CRC-32 is zlib's crc32() over the data as it passes.
 *
 * No ZIP64 (4.3.14, 4.5.3): the archive is refused, by failing, before a
 * size or offset passes 0xFFFFFFFF or the members pass 65,534.  An export
 * reaches neither: its resumes are at most 256 KiB each, and the
 * request's time limit ends any export long before 4 GiB of JSON or PDF
 * could be made (docs/BENCHMARKS.md, the export section: about 40 MB in
 * the seconds a 400-resume account takes).  A failure here is logged and
 * leaves the archive unfinished, which the caller turns into a failed
 * transfer, never a short archive that looks whole.
 */
#include "svc/archive.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "base/log.h"
#include "base/mem.h"

#define SIG_LOCAL 0x04034b50u
#define SIG_DESCRIPTOR 0x08074b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_END 0x06054b50u
#define VERSION_NEEDED 20   /* 2.0: deflate, data descriptor */
#define VERSION_MADE_BY 0x031e /* Unix, APPNOTE 3.0 */
#define FLAG_DESCRIPTOR 0x0008
#define METHOD_STORE 0
#define METHOD_DEFLATE 8
#define MODE_FILE 0100644u  /* external attributes: a regular file, rw-r--r-- */
#define LIMIT 0xFFFFFFFFu   /* the classic format's sizes and offsets */
#define MAX_MEMBERS 0xFFFE  /* 0xFFFF in the end record means ZIP64 */
#define OUT_SIZE (64 * 1024)

struct member {
    char *name;
    uint32_t crc, csize, usize, offset;
    uint16_t flags, method;
};

struct archive {
    archive_out_fn out;
    void *arg;
    uint16_t dos_time, dos_date;
    uint64_t offset; /* bytes written so far */
    struct member *members;
    size_t n, cap;
    bool failed;
    /* the streamed member, between archive_begin() and archive_end() */
    bool open, zinit;
    z_stream z;
    uint32_t crc;
    uint64_t usize, csize;
    unsigned char buf[OUT_SIZE];
};

/* ---- output -------------------------------------------------------------- */

static int fail(struct archive *ar, const char *why)
{
    if (!ar->failed && why != NULL)
        log_error("zip: %s", why);
    ar->failed = true;
    return -1;
}

static int emit(struct archive *ar, const void *p, size_t len)
{
    if (ar->failed)
        return -1;
    if (ar->offset + len >= LIMIT)
        return fail(ar, "the archive would pass 4 GiB (ZIP64 is not written)");
    if (len > 0 && ar->out(p, len, ar->arg) != 0)
        return fail(ar, NULL); /* the output's own failure: the client went away */
    ar->offset += len;
    return 0;
}

static unsigned char *le16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    return p + 2;
}

static unsigned char *le32(unsigned char *p, uint32_t v)
{
    p = le16(p, (uint16_t)v);
    return le16(p, (uint16_t)(v >> 16));
}

/* 4.4.6: MS-DOS date and time, two-second resolution, 1980 at the least. */
static void dos_stamp(struct archive *ar, int64_t when_ms)
{
    time_t t = (time_t)(when_ms / 1000);
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL || tm.tm_year < 80) {
        memset(&tm, 0, sizeof(tm));
        tm.tm_year = 80;
        tm.tm_mday = 1;
    }
    ar->dos_time = (uint16_t)((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2));
    ar->dos_date = (uint16_t)(((tm.tm_year - 80) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday);
}

/* ---- members -------------------------------------------------------------- */

/* A central directory entry for the member whose local header comes now. */
static struct member *add_member(struct archive *ar, const char *name, uint16_t flags,
                                 uint16_t method)
{
    struct member *m;

    if (ar->failed || ar->open)
        return fail(ar, "a member was added while another was open"), NULL;
    if (ar->n >= MAX_MEMBERS)
        return fail(ar, "the archive would pass 65,534 members (ZIP64 is not written)"), NULL;
    if (strlen(name) > 0xFFFF)
        return fail(ar, "a member's name is too long"), NULL;
    if (ar->n == ar->cap) {
        ar->cap = ar->cap ? ar->cap * 2 : 64;
        ar->members = mem_realloc(ar->members, ar->cap * sizeof(*ar->members));
    }
    m = &ar->members[ar->n++];
    memset(m, 0, sizeof(*m));
    m->name = mem_strdup(name);
    m->flags = flags;
    m->method = method;
    m->offset = (uint32_t)ar->offset;
    return m;
}

/* The fields both headers of a member share, from "flags" to the name's
 * length (APPNOTE.TXT 4.3.7, 4.3.12). */
static unsigned char *member_fields(unsigned char *p, const struct archive *ar,
                                    const struct member *m, size_t nlen)
{
    p = le16(p, m->flags);
    p = le16(p, m->method);
    p = le16(p, ar->dos_time);
    p = le16(p, ar->dos_date);
    p = le32(p, m->crc);
    p = le32(p, m->csize);
    p = le32(p, m->usize);
    return le16(p, (uint16_t)nlen);
}

static int local_header(struct archive *ar, const struct member *m)
{
    unsigned char h[30], *p = h;
    size_t nlen = strlen(m->name);

    p = le32(p, SIG_LOCAL);
    p = le16(p, VERSION_NEEDED);
    p = member_fields(p, ar, m, nlen);
    le16(p, 0); /* no extra field */
    if (emit(ar, h, sizeof(h)) != 0 || emit(ar, m->name, nlen) != 0)
        return -1;
    return 0;
}

int archive_add_stored(struct archive *ar, const char *name, const void *data, size_t len)
{
    struct member *m;

    if (len >= LIMIT)
        return fail(ar, "a member would pass 4 GiB (ZIP64 is not written)");
    if ((m = add_member(ar, name, 0, METHOD_STORE)) == NULL)
        return -1;
    m->crc = (uint32_t)crc32(0L, data, (uInt)len);
    m->csize = m->usize = (uint32_t)len;
    if (local_header(ar, m) != 0 || emit(ar, data, len) != 0)
        return -1;
    return 0;
}

int archive_begin(struct archive *ar, const char *name)
{
    struct member *m = add_member(ar, name, FLAG_DESCRIPTOR, METHOD_DEFLATE);

    if (m == NULL || local_header(ar, m) != 0)
        return -1;
    if (!ar->zinit) {
        if (deflateInit2(&ar->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8,
                         Z_DEFAULT_STRATEGY) != Z_OK)
            return fail(ar, "zlib cannot start deflate");
        ar->zinit = true;
    } else if (deflateReset(&ar->z) != Z_OK) {
        return fail(ar, "zlib cannot restart deflate");
    }
    ar->open = true;
    ar->crc = (uint32_t)crc32(0L, Z_NULL, 0);
    ar->usize = ar->csize = 0;
    return 0;
}

/* Deflate what is in z's input (all of it, and the end when flush is
 * Z_FINISH), sending each full output buffer. */
static int deflate_out(struct archive *ar, int flush)
{
    int zrc;

    do {
        size_t made;

        ar->z.next_out = ar->buf;
        ar->z.avail_out = sizeof(ar->buf);
        zrc = deflate(&ar->z, flush);
        if (zrc == Z_STREAM_ERROR)
            return fail(ar, "zlib deflate failed");
        made = sizeof(ar->buf) - ar->z.avail_out;
        ar->csize += made;
        if (ar->csize >= LIMIT)
            return fail(ar, "a member would pass 4 GiB (ZIP64 is not written)");
        if (emit(ar, ar->buf, made) != 0)
            return -1;
    } while (ar->z.avail_out == 0 || (flush == Z_FINISH && zrc != Z_STREAM_END));
    return 0;
}

int archive_write(struct archive *ar, const void *data, size_t len)
{
    if (ar->failed || !ar->open)
        return fail(ar, "a write with no member open");
    while (len > 0) {
        uInt piece = len > (1u << 30) ? (1u << 30) : (uInt)len;

        ar->usize += piece;
        if (ar->usize >= LIMIT)
            return fail(ar, "a member would pass 4 GiB (ZIP64 is not written)");
        ar->crc = (uint32_t)crc32(ar->crc, data, piece);
        ar->z.next_in = (Bytef *)data;
        ar->z.avail_in = piece;
        if (deflate_out(ar, Z_NO_FLUSH) != 0)
            return -1;
        data = (const char *)data + piece;
        len -= piece;
    }
    return 0;
}

int archive_end(struct archive *ar)
{
    struct member *m;
    unsigned char d[16], *p = d;

    if (ar->failed || !ar->open)
        return fail(ar, "an end with no member open");
    ar->z.next_in = Z_NULL;
    ar->z.avail_in = 0;
    if (deflate_out(ar, Z_FINISH) != 0)
        return -1;
    ar->open = false;
    m = &ar->members[ar->n - 1];
    m->crc = ar->crc;
    m->csize = (uint32_t)ar->csize;
    m->usize = (uint32_t)ar->usize;
    p = le32(p, SIG_DESCRIPTOR);
    p = le32(p, m->crc);
    p = le32(p, m->csize);
    le32(p, m->usize);
    return emit(ar, d, sizeof(d));
}

/* ---- the central directory --------------------------------------------------- */

static int central_header(struct archive *ar, const struct member *m)
{
    unsigned char h[46], *p = h;
    size_t nlen = strlen(m->name);

    p = le32(p, SIG_CENTRAL);
    p = le16(p, VERSION_MADE_BY);
    p = le16(p, VERSION_NEEDED);
    p = member_fields(p, ar, m, nlen);
    p = le16(p, 0);                   /* extra field */
    p = le16(p, 0);                   /* comment */
    p = le16(p, 0);                   /* disk number start */
    p = le16(p, 0);                   /* internal attributes */
    p = le32(p, MODE_FILE << 16);     /* external: Unix mode in the high half */
    le32(p, m->offset);
    return emit(ar, h, sizeof(h)) != 0 || emit(ar, m->name, nlen) != 0 ? -1 : 0;
}

int archive_finish(struct archive *ar)
{
    unsigned char e[22], *p = e;
    uint64_t start = ar->offset;

    if (ar->failed || ar->open)
        return fail(ar, "the archive was finished with a member open");
    for (size_t i = 0; i < ar->n; i++) {
        if (central_header(ar, &ar->members[i]) != 0)
            return -1;
    }
    p = le32(p, SIG_END);
    p = le16(p, 0); /* this disk */
    p = le16(p, 0); /* the disk with the central directory */
    p = le16(p, (uint16_t)ar->n);
    p = le16(p, (uint16_t)ar->n);
    p = le32(p, (uint32_t)(ar->offset - start));
    p = le32(p, (uint32_t)start);
    le16(p, 0); /* no comment */
    return emit(ar, e, sizeof(e));
}

/* ---- life ---------------------------------------------------------------------- */

struct archive *archive_new(archive_out_fn out, void *arg, int64_t when_ms)
{
    struct archive *ar = mem_calloc(1, sizeof(*ar));

    ar->out = out;
    ar->arg = arg;
    dos_stamp(ar, when_ms);
    return ar;
}

void archive_free(struct archive *ar)
{
    if (ar == NULL)
        return;
    if (ar->zinit)
        deflateEnd(&ar->z);
    for (size_t i = 0; i < ar->n; i++)
        free(ar->members[i].name);
    free(ar->members);
    free(ar);
}

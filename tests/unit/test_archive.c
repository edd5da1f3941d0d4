/*
 * Unit tests: the ZIP written as it goes (svc/archive.c).  The archive is
 * collected in memory and read back from its bytes, front to back as a
 * streaming reader does (local headers, the deflate stream's own end, the
 * data descriptor) and from the end as a directory reader does (the end
 * record, the central directory); both must agree on every member's
 * bytes, CRC-32 and sizes.  Python's zipfile and Info-ZIP's unzip -t read
 * the route's archives in tests/integration/test_export.py.
 */
#include "check.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "svc/archive.h"

struct buf {
    unsigned char *p;
    size_t len, cap;
    size_t fail_after; /* refuse writes once this many bytes went; 0: never */
};

static int collect(const void *data, size_t len, void *arg)
{
    struct buf *b = arg;

    if (b->fail_after != 0 && b->len + len > b->fail_after)
        return -1;
    if (b->len + len > b->cap) {
        b->cap = (b->len + len) * 2;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, data, len);
    b->len += len;
    return 0;
}

static unsigned u16(const unsigned char *p)
{
    return p[0] | (unsigned)p[1] << 8;
}

static unsigned long u32(const unsigned char *p)
{
    return u16(p) | (unsigned long)u16(p + 2) << 16;
}

/* Inflate raw deflate at p; the bytes it used into *used, out into out. */
static size_t inflate_raw(const unsigned char *p, size_t avail, unsigned char *out,
                          size_t cap, size_t *used)
{
    z_stream z;
    size_t n;

    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, -15) != Z_OK)
        return (size_t)-1;
    z.next_in = (Bytef *)p;
    z.avail_in = (uInt)avail;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    n = inflate(&z, Z_FINISH) == Z_STREAM_END ? cap - z.avail_out : (size_t)-1;
    *used = avail - z.avail_in;
    inflateEnd(&z);
    return n;
}

TEST(archive_streamed_and_stored_members_read_both_ways)
{
    static unsigned char json[200000], back[sizeof(json)];
    const char pdf[] = "%PDF-1.5 not really\n%%EOF\n";
    struct buf b = {0};
    struct archive *ar = archive_new(collect, &b, 1767225600000LL); /* 2026-01-01 */
    const unsigned char *p, *end, *cd;
    size_t used = 0, n;

    for (size_t i = 0; i < sizeof(json); i++)
        json[i] = (unsigned char)"{\"resume\": [1, 2, 3]}\n"[i % 22];
    CHECK(archive_begin(ar, "export.json") == 0);
    for (size_t off = 0; off < sizeof(json); off += 7000)  /* pieces, as json_dump gives */
        CHECK(archive_write(ar, json + off,
                            sizeof(json) - off < 7000 ? sizeof(json) - off : 7000) == 0);
    CHECK(archive_end(ar) == 0);
    CHECK(archive_add_stored(ar, "resume-r1.pdf", pdf, sizeof(pdf) - 1) == 0);
    CHECK(archive_finish(ar) == 0);
    archive_free(ar);

    /* front to back: export.json, bit 3, deflated, then its descriptor */
    p = b.p;
    CHECK(u32(p) == 0x04034b50 && u16(p + 6) == 0x0008 && u16(p + 8) == 8);
    CHECK(u32(p + 14) == 0 && u32(p + 18) == 0 && u32(p + 22) == 0);
    CHECK(u16(p + 26) == 11 && memcmp(p + 30, "export.json", 11) == 0);
    CHECK(u16(p + 12) == ((2026 - 1980) << 9 | 1 << 5 | 1)); /* DOS date, 4.4.6 */
    p += 30 + 11;
    n = inflate_raw(p, b.len - (size_t)(p - b.p), back, sizeof(back), &used);
    CHECK(n == sizeof(json) && memcmp(back, json, n) == 0);
    p += used;
    CHECK(u32(p) == 0x08074b50);
    CHECK(u32(p + 4) == crc32(0, json, sizeof(json)));
    CHECK(u32(p + 8) == used && u32(p + 12) == sizeof(json));
    p += 16;
    /* the PDF: stored, sizes and CRC in its header, no descriptor */
    CHECK(u32(p) == 0x04034b50 && u16(p + 6) == 0 && u16(p + 8) == 0);
    CHECK(u32(p + 14) == crc32(0, (const Bytef *)pdf, sizeof(pdf) - 1));
    CHECK(u32(p + 18) == sizeof(pdf) - 1 && u32(p + 22) == sizeof(pdf) - 1);
    CHECK(memcmp(p + 30 + 13, pdf, sizeof(pdf) - 1) == 0);
    p += 30 + 13 + sizeof(pdf) - 1;

    /* from the end: the end record points at the directory that follows */
    end = b.p + b.len - 22;
    CHECK(u32(end) == 0x06054b50 && u16(end + 8) == 2 && u16(end + 10) == 2);
    cd = b.p + u32(end + 16);
    CHECK(cd == p && cd + u32(end + 12) == end);
    CHECK(u32(cd) == 0x02014b50 && u32(cd + 42) == 0);          /* export.json at 0 */
    CHECK(u32(cd + 16) == crc32(0, json, sizeof(json)) && u32(cd + 20) == used);
    CHECK(u32(cd + 24) == sizeof(json));
    cd += 46 + 11;
    CHECK(u32(cd) == 0x02014b50 && u32(cd + 42) == 30 + 11 + used + 16);
    CHECK(u32(cd + 20) == sizeof(pdf) - 1 && memcmp(cd + 46, "resume-r1.pdf", 13) == 0);
    free(b.p);
}

TEST(archive_fails_for_good_when_the_output_does)
{
    static unsigned char data[1000000];
    struct buf b = {.fail_after = 5000};
    uint32_t x = 2463534242u;
    struct archive *ar = archive_new(collect, &b, 0);

    for (size_t i = 0; i < sizeof(data); i++) { /* xorshift: incompressible */
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        data[i] = (unsigned char)x;
    }
    CHECK(archive_begin(ar, "export.json") == 0);
    CHECK(archive_write(ar, data, sizeof(data)) == -1);
    /* nothing more goes out, and nothing can end the archive as if whole */
    CHECK(archive_end(ar) == -1);
    CHECK(archive_add_stored(ar, "x.pdf", "x", 1) == -1);
    CHECK(archive_finish(ar) == -1);
    CHECK(b.len <= 5000);
    archive_free(ar);
    free(b.p);
}

TEST(archive_refuses_misuse)
{
    struct buf b = {0};
    struct archive *ar = archive_new(collect, &b, 0);

    CHECK(archive_write(ar, "x", 1) == -1); /* no member open */
    archive_free(ar);
    ar = archive_new(collect, &b, 0);
    CHECK(archive_begin(ar, "a.json") == 0);
    CHECK(archive_add_stored(ar, "b.pdf", "x", 1) == -1); /* a.json still open */
    CHECK(archive_finish(ar) == -1);
    archive_free(ar);
    free(b.p);
}

const struct unit_test archive_tests[] = {
    {"archive_streamed_and_stored_members_read_both_ways",
     archive_streamed_and_stored_members_read_both_ways},
    {"archive_fails_for_good_when_the_output_does", archive_fails_for_good_when_the_output_does},
    {"archive_refuses_misuse", archive_refuses_misuse},
    {NULL, NULL},
};

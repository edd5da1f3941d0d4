/*
 * test_encode.c - hex, base64url, HMAC, a file's SHA-256 (base/encode.c), and the database
 * layer's refusal of a document that failed to build (svc/db.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

#include "base/encode.h"
#include "svc/db.h"

TEST(encode_hex_and_random)
{
    char out[33], again[33];

    encode_hex((const unsigned char *)"\x00\x7f\xff", 3, out);
    CHECK_STR(out, "007fff");
    CHECK(encode_random_hex(16, out) == 0);
    CHECK(encode_is_hex(out, 32));
    CHECK(encode_random_hex(16, again) == 0);
    CHECK(strcmp(out, again) != 0);
    CHECK(!encode_is_hex("007FFF", 6));
    CHECK(!encode_is_hex("007ff", 6));
    CHECK(!encode_is_hex("007fff0", 6));
    CHECK(!encode_is_hex(NULL, 0));
}

TEST(encode_hmac_rfc4231)
{
    char out[65];

    /* RFC 4231, test case 2 */
    encode_hmac_hex("Jefe", "what do ya want for nothing?", out);
    CHECK_STR(out, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

/* FIPS 180-2's "abc", and a file larger than one read buffer. */
TEST(encode_sha256_of_a_file)
{
    char path[] = "/tmp/jt-sha256-XXXXXX", out[65];
    unsigned long long bytes;
    int fd = mkstemp(path);
    FILE *f;

    CHECK(fd >= 0);
    CHECK(write(fd, "abc", 3) == 3);
    close(fd);
    CHECK(encode_sha256_file(path, out, &bytes) == 0);
    CHECK(bytes == 3);
    CHECK_STR(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    f = fopen(path, "wb");
    CHECK(f != NULL);
    for (int i = 0; i < 1000000; i++)
        fputc('a', f);
    fclose(f);
    CHECK(encode_sha256_file(path, out, &bytes) == 0);
    CHECK(bytes == 1000000);
    CHECK_STR(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    unlink(path);
    CHECK(encode_sha256_file(path, out, &bytes) == -1);
}

TEST(encode_b64url_round_trip)
{
    const unsigned char bytes[] = {0xfb, 0xff, 0xbf, 0x00, 0x41};
    unsigned char back[16];
    char text[16];
    size_t len;

    CHECK(encode_b64url(bytes, sizeof(bytes), text, sizeof(text)));
    CHECK_STR(text, "-_-_AEE");
    CHECK(encode_b64url_decode(text, back, sizeof(back), &len));
    CHECK_INT(len, sizeof(bytes));
    CHECK(memcmp(back, bytes, sizeof(bytes)) == 0);
    CHECK(encode_b64url_decode("-_-_AEE=", back, sizeof(back), &len)); /* padding tolerated */
    CHECK(!encode_b64url_decode("-_+_AEE", back, sizeof(back), &len)); /* standard alphabet */
    CHECK(!encode_b64url_decode("abcde", back, sizeof(back), &len));   /* impossible length */
    CHECK(!encode_b64url_decode("QUJDREVGR0g", back, 4, &len));        /* does not fit */
    CHECK(!encode_b64url(bytes, sizeof(bytes), text, 8));              /* needs 9 bytes */
    CHECK(encode_b64url_decode("", back, sizeof(back), &len) && len == 0);
}

/* A filter, update or document that failed to build (NULL) must never
 * reach the server as the empty filter that matches everything: each call
 * answers DB_ERROR before any network traffic (the URI points nowhere). */
TEST(db_refuses_null_documents)
{
    char err[256];
    struct db *db = db_new("mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=100", "t", err,
                           sizeof(err));
    json_t *out = NULL, *doc = json_pack("{s:i}", "a", 1);
    int64_t n = -1;

    CHECK(db != NULL);
    if (db == NULL)
        return;
    CHECK_INT(db_delete_many(db, "c", NULL, &n), DB_ERROR);
    CHECK_INT(db_update_one(db, "c", NULL, doc, &n), DB_ERROR);
    CHECK_INT(db_update_one(db, "c", doc, NULL, &n), DB_ERROR);
    CHECK_INT(db_upsert_one(db, "c", doc, NULL), DB_ERROR);
    CHECK_INT(db_insert(db, "c", NULL), DB_ERROR);
    CHECK_INT(db_find(db, "c", NULL, NULL, &out), DB_ERROR);
    CHECK(out == NULL);
    CHECK_INT(db_find_one(db, "c", NULL, NULL, &out), DB_ERROR);
    CHECK_INT(db_get(db, "c", NULL, &out), DB_ERROR);
    CHECK_INT(db_delete_id(db, "c", NULL, &n), DB_ERROR);
    CHECK_INT(db_replace_id(db, "c", "x", NULL, &n), DB_ERROR);
    CHECK_INT(db_update_id(db, "c", "x", NULL, &n), DB_ERROR);
    json_decref(doc);
    db_free(db);
}

TEST(encode_b64_standard_decode)
{
    unsigned char out[16];
    size_t len = 99;

    /* RFC 4648 section 10 vectors */
    CHECK(encode_b64_decode("", 0, out, sizeof(out), &len) && len == 0);
    CHECK(encode_b64_decode("Zg==", 4, out, sizeof(out), &len) && len == 1 && out[0] == 'f');
    CHECK(encode_b64_decode("Zm8=", 4, out, sizeof(out), &len) && len == 2);
    CHECK(encode_b64_decode("Zm9vYmFy", 8, out, sizeof(out), &len) && len == 6 &&
          memcmp(out, "foobar", 6) == 0);
    CHECK(encode_b64_decode("+/+/", 4, out, sizeof(out), &len) && len == 3 &&
          out[0] == 0xfb && out[1] == 0xff && out[2] == 0xbf);
    CHECK(!encode_b64_decode("-_-_", 4, out, sizeof(out), &len)); /* base64url alphabet */
    CHECK(!encode_b64_decode("Zm9", 3, out, sizeof(out), &len));  /* not a multiple of 4 */
    CHECK(!encode_b64_decode("Z=9v", 4, out, sizeof(out), &len)); /* '=' inside */
    CHECK(!encode_b64_decode("Z===", 4, out, sizeof(out), &len)); /* three pads */
    CHECK(!encode_b64_decode("Zm 9", 4, out, sizeof(out), &len)); /* a blank */
    CHECK(!encode_b64_decode("Zm9vYmFy", 8, out, 5, &len));       /* does not fit */
    /* the 44-byte empty WAV of the Sarvam example answer */
    {
        const char *wav = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAIlYAAESsAAACABAAZGF0YQAAAAA=";
        unsigned char buf[64];

        CHECK(encode_b64_decode(wav, strlen(wav), buf, sizeof(buf), &len) && len == 44 &&
              memcmp(buf, "RIFF", 4) == 0 && memcmp(buf + 8, "WAVE", 4) == 0);
    }
}

const struct unit_test encode_tests[] = {
    {"encode_b64_standard_decode", encode_b64_standard_decode},
    {"encode_hex_and_random", encode_hex_and_random},
    {"encode_hmac_rfc4231", encode_hmac_rfc4231},
    {"encode_sha256_of_a_file", encode_sha256_of_a_file},
    {"encode_b64url_round_trip", encode_b64url_round_trip},
    {"db_refuses_null_documents", db_refuses_null_documents},
    {NULL, NULL},
};

/*
 * svix.c - see svix.h.
 *
 * Base64 is OpenSSL's EVP_DecodeBlock/EVP_EncodeBlock.  EVP_DecodeBlock
 * works on whole 4-character groups and counts '=' padding as zero bytes,
 * so the secret's characters are checked here first and its true decoded
 * length is computed from the number of data characters; a secret written
 * without its padding is padded before decoding.  The key never leaves this
 * file and is wiped before returning.
 *
 * HMAC() is the one-shot call that exists, undeprecated, from libcrypto 1.1
 * (configure's floor) to 3.x, so the signed content is assembled in one
 * heap buffer: at most the route's body limit plus the two headers.
 */
#include "model/svix.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

#define SECRET_PREFIX "whsec_"
#define SECRET_B64_MAX 512                    /* characters, without padding */
#define KEY_SIZE ((SECRET_B64_MAX / 4 + 1) * 3) /* what EVP_DecodeBlock may write */
#define TIMESTAMP_DIGITS_MAX 18               /* no overflow in a long long */
#define SIG_B64_LEN 44                        /* base64 of a 32-byte digest */

static bool is_b64_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '+' || c == '/';
}

/* Decode the secret into key[KEY_SIZE]; returns the key's length, or -1
 * when the secret is not standard base64 (padding optional). */
static int decode_secret(const char *secret, unsigned char *key)
{
    char padded[SECRET_B64_MAX + 4];
    size_t len, data, plen;
    int out;

    if (strncmp(secret, SECRET_PREFIX, strlen(SECRET_PREFIX)) == 0)
        secret += strlen(SECRET_PREFIX);
    len = strlen(secret);
    data = len;
    while (data > 0 && secret[data - 1] == '=')
        data--;
    if (data == 0 || data > SECRET_B64_MAX || data % 4 == 1 || len - data > 2)
        return -1;
    for (size_t i = 0; i < data; i++)
        if (!is_b64_char(secret[i]))
            return -1;
    memcpy(padded, secret, data);
    plen = data;
    while (plen % 4 != 0)
        padded[plen++] = '=';
    if (len != data && len != plen)
        return -1; /* padding present but of the wrong length */
    out = EVP_DecodeBlock(key, (const unsigned char *)padded, (int)plen);
    if (out < 0 || (size_t)out != plen / 4 * 3)
        return -1;
    return (int)(data * 3 / 4); /* 6 bits per data character, whole bytes */
}

/* Unix seconds from an all-digit string; false otherwise. */
static bool parse_timestamp(const char *s, long long *out)
{
    size_t n = 0;
    long long v = 0;

    if (s == NULL)
        return false;
    for (; s[n] != '\0'; n++) {
        if (s[n] < '0' || s[n] > '9' || n == TIMESTAMP_DIGITS_MAX)
            return false;
        v = v * 10 + (s[n] - '0');
    }
    *out = v;
    return n > 0;
}

/*
 * Walk the "v1,<sig>" entries of a signature header.  Returns how many there
 * are; *matched is set when one equals expected (expected_len bytes), each
 * compared in constant time.  expected may be NULL to only count.
 */
static size_t scan_v1(const char *header, const char *expected, size_t expected_len,
                      bool *matched)
{
    const char *p = header;
    size_t count = 0;

    *matched = false;
    while (*p != '\0') {
        size_t tlen;
        const char *tok;

        while (*p == ' ')
            p++;
        tok = p;
        tlen = strcspn(p, " ");
        p += tlen;
        if (tlen < 3 || memcmp(tok, "v1,", 3) != 0)
            continue; /* another version, or not an entry */
        count++;
        if (expected != NULL && tlen - 3 == expected_len &&
            CRYPTO_memcmp(tok + 3, expected, expected_len) == 0)
            *matched = true;
    }
    return count;
}

/* expected[SIG_B64_LEN + 1] = base64(HMAC-SHA256(key, id "." ts "." body)). */
static int sign(const unsigned char *key, int key_len, const char *msg_id,
                const char *timestamp, const char *body, size_t body_len,
                char *expected)
{
    size_t id_len = strlen(msg_id), ts_len = strlen(timestamp), total;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    unsigned char *buf, *o;

    if (body_len > SIZE_MAX - id_len - ts_len - 2)
        return SVIX_ERROR;
    total = id_len + 1 + ts_len + 1 + body_len;
    buf = o = mem_alloc(total);
    memcpy(o, msg_id, id_len);
    o += id_len;
    *o++ = '.';
    memcpy(o, timestamp, ts_len);
    o += ts_len;
    *o++ = '.';
    if (body_len > 0)
        memcpy(o, body, body_len);
    if (HMAC(EVP_sha256(), key, key_len, buf, total, digest, &digest_len) == NULL ||
        digest_len != 32) {
        free(buf);
        return SVIX_ERROR;
    }
    free(buf);
    if (EVP_EncodeBlock((unsigned char *)expected, digest, (int)digest_len) != SIG_B64_LEN)
        return SVIX_ERROR;
    OPENSSL_cleanse(digest, sizeof(digest));
    return SVIX_OK;
}

int svix_verify(const char *secret, const char *msg_id, const char *timestamp,
                const char *body, size_t body_len, const char *signature_header,
                time_t now, int tolerance_s)
{
    unsigned char key[KEY_SIZE];
    char expected[SIG_B64_LEN + 1];
    long long ts;
    bool matched;
    int key_len, rc;

    if (body == NULL && body_len > 0)
        return SVIX_ERROR;
    if (secret == NULL || (key_len = decode_secret(secret, key)) < 0) {
        OPENSSL_cleanse(key, sizeof(key));
        return SVIX_BAD_SECRET;
    }
    if (msg_id == NULL || *msg_id == '\0' || !parse_timestamp(timestamp, &ts) ||
        signature_header == NULL || scan_v1(signature_header, NULL, 0, &matched) == 0) {
        rc = SVIX_BAD_HEADER;
    } else if (ts < (long long)now - tolerance_s || ts > (long long)now + tolerance_s) {
        rc = SVIX_STALE;
    } else {
        rc = sign(key, key_len, msg_id, timestamp, body, body_len, expected);
        if (rc == SVIX_OK) {
            scan_v1(signature_header, expected, SIG_B64_LEN, &matched);
            rc = matched ? SVIX_OK : SVIX_BAD_SIGNATURE;
        }
    }
    OPENSSL_cleanse(key, sizeof(key));
    return rc;
}

const char *svix_strerror(int status)
{
    switch (status) {
    case SVIX_OK: return "valid";
    case SVIX_BAD_SIGNATURE: return "no v1 signature matches";
    case SVIX_STALE: return "timestamp outside the tolerance";
    case SVIX_BAD_HEADER: return "missing or malformed signature headers";
    case SVIX_BAD_SECRET: return "the webhook secret is not base64";
    case SVIX_ERROR: return "signature computation failed";
    default: return "unknown";
    }
}

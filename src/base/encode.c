/*
 * encode.c - hex, base64url (OpenSSL's block coder, alphabet swapped),
 * standard base64 decoding, random hex, HMAC-SHA256 and a file's SHA-256.
 */
#include "base/encode.h"
#include "base/mem.h"

#include <errno.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

static const char hexdigits[] = "0123456789abcdef";

void encode_hex(const unsigned char *in, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hexdigits[in[i] >> 4];
        out[2 * i + 1] = hexdigits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

int encode_random_hex(size_t n, char *out)
{
    unsigned char r[64];

    if (n > sizeof(r) || getrandom(r, n, 0) != (ssize_t)n)
        return -1;
    encode_hex(r, n, out);
    return 0;
}

bool encode_is_hex(const char *s, size_t len)
{
    size_t i;

    if (s == NULL)
        return false;
    for (i = 0; i < len; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return s[i] == '\0';
}

void encode_hmac_hex(const char *key, const char *msg, char *out)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;

    HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)msg, strlen(msg),
         digest, &len);
    encode_hex(digest, len, out);
}

int encode_sha256_file(const char *path, char *out, unsigned long long *bytes)
{
    unsigned char buf[64 * 1024], digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    FILE *f = fopen(path, "rbe");
    size_t n;
    int rc = -1;

    *bytes = 0;
    if (f == NULL || ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
        goto out;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
        if (EVP_DigestUpdate(ctx, buf, n) != 1)
            goto out;
        *bytes += n;
    }
    if (ferror(f) || EVP_DigestFinal_ex(ctx, digest, &len) != 1)
        goto out;
    encode_hex(digest, len, out);
    rc = 0;
out:
    if (f != NULL) {
        int saved = errno;

        fclose(f);
        errno = saved;
    }
    EVP_MD_CTX_free(ctx);
    return rc;
}

bool encode_b64(const unsigned char *in, size_t n, char *out, size_t size)
{
    if (ENCODE_B64_SIZE(n) > size || n > 0x3fffffff)
        return false;
    EVP_EncodeBlock((unsigned char *)out, in, (int)n);
    return true;
}

/* The standard coding in place (ENCODE_B64URL_SIZE is its size), then the
 * padding cut and the two letters swapped. */
bool encode_b64url(const unsigned char *in, size_t n, char *out, size_t size)
{
    size_t len;

    if (!encode_b64(in, n, out, size))
        return false;
    len = strlen(out);
    while (len > 0 && out[len - 1] == '=')
        out[--len] = '\0';
    for (size_t i = 0; i < len; i++)
        out[i] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
    return true;
}

bool encode_b64url_decode(const char *text, unsigned char *out, size_t size, size_t *len)
{
    size_t n = strlen(text), i, pad;
    unsigned char *std, *plain;
    int got;
    bool ok = false;

    while (n > 0 && text[n - 1] == '=')
        n--;
    if (n % 4 == 1 || n > 0x3fffffff)
        return false;
    pad = (4 - n % 4) % 4;
    std = mem_alloc(n + pad + 1);
    plain = mem_alloc((n + pad) / 4 * 3 + 1);
    for (i = 0; i < n; i++) {
        char ch = text[i];

        if (ch == '-')
            ch = '+';
        else if (ch == '_')
            ch = '/';
        else if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                   (ch >= '0' && ch <= '9')))
            goto done;
        std[i] = (unsigned char)ch;
    }
    for (size_t p = 0; p < pad; p++)
        std[i++] = '=';
    got = n ? EVP_DecodeBlock(plain, std, (int)i) : 0;
    if (got < (int)pad)
        goto done;
    got -= (int)pad; /* EVP_DecodeBlock counts padding as zero bytes */
    if ((size_t)got > size)
        goto done;
    memcpy(out, plain, (size_t)got);
    *len = (size_t)got;
    ok = true;
done:
    free(std);
    free(plain);
    return ok;
}

bool encode_b64_decode(const char *text, size_t n, unsigned char *out, size_t size, size_t *len)
{
    size_t pad = 0;
    int got;

    if (n % 4 != 0 || n > 0x3ffffffc || size < ENCODE_B64_DECODED_SIZE(n))
        return false;
    while (pad < 2 && pad < n && text[n - 1 - pad] == '=')
        pad++;
    /* EVP_DecodeBlock skips blanks and reads '=' anywhere: check it first */
    for (size_t i = 0; i < n - pad; i++) {
        char ch = text[i];

        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
              (ch >= '0' && ch <= '9') || ch == '+' || ch == '/'))
            return false;
    }
    if (n == 0) {
        *len = 0;
        return true;
    }
    got = EVP_DecodeBlock(out, (const unsigned char *)text, (int)n);
    if (got < (int)pad)
        return false;
    *len = (size_t)got - pad; /* EVP_DecodeBlock counts padding as zero bytes */
    return true;
}

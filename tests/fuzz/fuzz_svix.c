/*
 * fuzz_svix.c - the Svix headers of a Clerk webhook delivery.
 *
 * Input: four lines (the webhook secret, svix-id, svix-timestamp,
 * svix-signature) and then the body, verified by svix_verify() at a fixed
 * now.  When the signature line is "@", the harness puts in front of it
 * the correct v1 signature for that id, timestamp and body under the
 * secret (computed here with OpenSSL, independently of svix.c), so the
 * matching path is reached and checked: such a delivery must verify
 * whenever the secret and headers are good and the timestamp is fresh.
 */
#include "fuzz.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "model/svix.h"

#define NOW 1700000000

/* The v1 entry for id.ts.body under secret, or "" when the secret is not
 * plain base64 (then svix_verify() refuses it before any signature). */
static void v1_entry(const char *secret, const char *id, const char *ts, const char *body,
                     size_t body_len, char *out, size_t size)
{
    unsigned char key[1024], digest[EVP_MAX_MD_SIZE], *msg;
    char b64[64];
    size_t slen, idl = strlen(id), tsl = strlen(ts);
    unsigned int dlen = 0;
    int klen;

    out[0] = '\0';
    if (strncmp(secret, "whsec_", 6) == 0)
        secret += 6;
    slen = strlen(secret);
    if (slen == 0 || slen % 4 != 0 || slen > 1024)
        return; /* unpadded secrets: svix.c pads them; not needed here */
    klen = EVP_DecodeBlock(key, (const unsigned char *)secret, (int)slen);
    if (klen < 0)
        return;
    for (size_t pad = 0; slen > 0 && secret[slen - 1] == '='; pad++) {
        if (pad == 2)
            return; /* more padding than base64 has: refused by svix.c */
        slen--;
        klen--;
    }
    msg = malloc(idl + tsl + body_len + 2);
    FUZZ_CHECK(msg != NULL);
    memcpy(msg, id, idl);
    msg[idl] = '.';
    memcpy(msg + idl + 1, ts, tsl);
    msg[idl + 1 + tsl] = '.';
    memcpy(msg + idl + tsl + 2, body, body_len);
    HMAC(EVP_sha256(), key, klen, msg, idl + tsl + body_len + 2, digest, &dlen);
    free(msg);
    EVP_EncodeBlock((unsigned char *)b64, digest, (int)dlen);
    snprintf(out, size, "v1,%s", b64);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *f[5], sig[128];
    size_t body_len = fuzz_fields(data, size, '\n', f, 5);
    const char *header = f[3];
    int rc;

    if (strcmp(f[3], "@") == 0) {
        v1_entry(f[0], f[1], f[2], f[4], body_len, sig, sizeof(sig));
        header = sig;
    }
    rc = svix_verify(f[0], f[1], f[2], f[4], body_len, header, NOW, SVIX_TOLERANCE_S);
    FUZZ_CHECK(rc <= 0 && rc >= SVIX_ERROR && svix_strerror(rc) != NULL);
    if (rc == SVIX_OK)
        FUZZ_CHECK(strstr(header, "v1,") != NULL);
    if (header == sig && sig[0] != '\0')
        FUZZ_CHECK(rc != SVIX_BAD_SIGNATURE);
    free(f[0]);
    return 0;
}

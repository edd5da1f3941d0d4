/*
 * fuzz_clerk.c - the session token checks of clerk_token_verify()
 * (svc/clerk_token.c): the JWT's shape, its header (RS256 with a kid,
 * nothing else) and its claims.
 *
 * The first byte (modulo 3) chooses what the rest is:
 *  - 0: a token, verified as is (shape, base64url, header and payload
 *    JSON; a made-up signature fails there);
 *  - 2: the Authorization header, a newline, the Cookie header: the token
 *    is taken from them by auth_token(), as every signed-in route does;
 *  - 1: a header JSON, a newline, then a claims JSON, made into a token
 *    signed with RS256 by the key that CLERK_JWT_KEY holds here, so that
 *    the header and claims checks behind the signature are reached too.
 * The key pair is made once per process.  The token cache is emptied
 * before every input so that each is judged on its own.  An accepted
 * token must yield a user id and an exp not past now's leeway; a refused
 * one a reason from CLERK_TOKEN_REASONS.
 */
#include "fuzz.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "base/config.h"
#include "base/encode.h"
#include "http/request.h"
#include "routes/auth.h"
#include "svc/clerk_token.h"

#define NOW 1700000000
#define TOKEN_CAP 16384

static struct clerk_token *clerk;
static EVP_PKEY *key;

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *pem, *copy;
    long len;

    /* 1024 bits: the checks are the same, the signing per input cheaper */
    key = EVP_RSA_gen(1024);
    if (bio == NULL || key == NULL || !PEM_write_bio_PUBKEY(bio, key))
        abort();
    len = BIO_get_mem_data(bio, &pem);
    copy = malloc((size_t)len + 1);
    if (copy == NULL)
        abort();
    memcpy(copy, pem, (size_t)len);
    copy[len] = '\0';
    BIO_free(bio);
    config.clerk_jwt_key = copy;
    config.clerk_issuer = "https://clerk.jobtune.test";
    config.clerk_authorized_parties = "https://jobtune.test, http://localhost:8080";
    clerk = clerk_token_new();
    FUZZ_CHECK(clerk_token_missing_config() == NULL);
    return 0;
}

/* b64url(a) "." b64url(b) "." b64url(RS256 signature) into out[TOKEN_CAP];
 * false when it does not fit. */
static bool make_token(const char *h, const char *p, char *out)
{
    unsigned char sig[512];
    size_t siglen = sizeof(sig), used;
    EVP_MD_CTX *md;
    bool ok;

    if (!encode_b64url((const unsigned char *)h, strlen(h), out, TOKEN_CAP / 2))
        return false;
    used = strlen(out);
    out[used++] = '.';
    if (!encode_b64url((const unsigned char *)p, strlen(p), out + used, TOKEN_CAP / 2 - used))
        return false;
    used += strlen(out + used);
    md = EVP_MD_CTX_new();
    ok = md != NULL && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
         EVP_DigestSign(md, sig, &siglen, (const unsigned char *)out, used) == 1;
    EVP_MD_CTX_free(md);
    if (!ok)
        abort();
    out[used++] = '.';
    return encode_b64url(sig, siglen, out + used, TOKEN_CAP - used);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char token[TOKEN_CAP];
    struct clerk_session s;
    char *f[2];
    int rc;

    if (size == 0)
        return 0;
    clerk_token_forget(clerk);
    if (data[0] % 3 == 0) {
        char *t = fuzz_cstr(data + 1, size - 1);

        rc = clerk_token_verify(clerk, t, NOW, &s);
        free(t);
    } else if (data[0] % 3 == 2) {
        struct arena *a = fuzz_arena();
        struct request req;
        char *env[3];
        const char *t;
        bool from_cookie;

        fuzz_fields(data + 1, size - 1, '\n', f, 2);
        env[0] = arena_printf(a, "HTTP_AUTHORIZATION=%s", f[0]);
        env[1] = arena_printf(a, "HTTP_COOKIE=%s", f[1]);
        env[2] = NULL;
        memset(&req, 0, sizeof(req));
        req.arena = a;
        req.envp = env;
        t = auth_token(&req, &from_cookie);
        free(f[0]);
        if (t == NULL) {
            arena_reset(a);
            return 0;
        }
        FUZZ_CHECK(*t != '\0');
        rc = clerk_token_verify(clerk, t, NOW, &s);
        arena_reset(a);
    } else {
        fuzz_fields(data + 1, size - 1, '\n', f, 2);
        if (!make_token(f[0], f[1], token)) {
            free(f[0]);
            return 0;
        }
        free(f[0]);
        rc = clerk_token_verify(clerk, token, NOW, &s);
    }
    if (rc == CLERK_TOKEN_OK) {
        FUZZ_CHECK(s.user_id[0] != '\0' && s.reason == NULL);
        FUZZ_CHECK(NOW <= s.exp + CLERK_TOKEN_LEEWAY_S);
    } else {
        FUZZ_CHECK(rc == CLERK_TOKEN_INVALID && s.reason != NULL);
        FUZZ_CHECK(strstr(CLERK_TOKEN_REASONS, s.reason) != NULL);
    }
    return 0;
}

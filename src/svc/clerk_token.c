/*
 * clerk_token.c - Clerk session tokens verified in the worker (see
 * clerk_token.h for the threat it answers).  The Backend API is clerk.c's.
 *
 * Invariants:
 *  - jwt_decode() only ever sees a token whose header says RS256 and names
 *    a kid, and a key we selected; its result is checked for RS256 again.
 *  - Claims are read back through Jansson and checked here (libjwt 1.10
 *    checks none): exp required, nbf/iat when present, 5 s of leeway, iss,
 *    azp against the allow-list, sub.
 *  - The JWKS is fetched lazily and at most once a minute, so a flood of
 *    tokens with made-up kids cannot turn into a flood of requests to Clerk.
 *  - Nothing here logs a token, a claim value or a key.
 */
#include "svc/clerk_token.h"

#include <curl/curl.h>
#include <jansson.h>
#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/config.h"
#include "base/encode.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/text.h"
#include "svc/http_body.h"

#define MAX_KEYS 16
#define KID_MAX 128
#define TOKEN_MAX 8192
#define CACHE_SLOTS 256
#define JWKS_MIN_INTERVAL_S 60
#define JWKS_MAX_BYTES (256 * 1024)

struct key {
    char kid[KID_MAX];
    char *pem;
};

struct cached {
    unsigned char hash[SHA256_DIGEST_LENGTH];
    char user_id[CLERK_USER_ID_MAX];
    int64_t exp;
    bool used;
    bool user_known;
};

struct clerk_token {
    char *pem;                 /* CLERK_JWT_KEY, NULL when unset or unusable */
    struct key jwks[MAX_KEYS]; /* the last JWKS fetched */
    size_t njwks;
    int64_t jwks_fetched_at;   /* 0 = never */
    int64_t jwks_refetched_at; /* last refetch for an unknown kid, 0 = none */
    CURL *curl;
    struct cached cache[CACHE_SLOTS];
};

/* ---- configuration ------------------------------------------------------- */

static bool pem_key_missing;

const char *clerk_token_missing_config(void)
{
    if ((config.clerk_jwt_key == NULL || pem_key_missing) && config.clerk_jwks_url == NULL)
        return "CLERK_JWT_KEY";
    if (config.clerk_issuer == NULL)
        return "CLERK_ISSUER";
    return NULL;
}

bool clerk_token_origin_allowed(const char *origin)
{
    return text_list_contains(config.clerk_authorized_parties, origin);
}

/* A PEM public key that OpenSSL reads as RSA, in a new copy (free()). */
static char *check_pem(const char *text)
{
    BIO *bio = BIO_new_mem_buf(text, -1);
    EVP_PKEY *pkey = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
    char *copy = NULL;

    if (pkey != NULL && EVP_PKEY_base_id(pkey) == EVP_PKEY_RSA)
        copy = mem_strdup(text);
    EVP_PKEY_free(pkey);
    BIO_free(bio);
    return copy;
}

struct clerk_token *clerk_token_new(void)
{
    struct clerk_token *c = mem_calloc(1, sizeof(*c));

    if (config.clerk_jwt_key != NULL) {
        c->pem = check_pem(config.clerk_jwt_key);
        if (c->pem == NULL) {
            log_error("CLERK_JWT_KEY is not a PEM RSA public key; sign-in is disabled");
            pem_key_missing = true;
        }
    }
    return c;
}

static void drop_jwks(struct clerk_token *c)
{
    for (size_t i = 0; i < c->njwks; i++)
        free(c->jwks[i].pem);
    c->njwks = 0;
}

void clerk_token_free(struct clerk_token *c)
{
    if (c == NULL)
        return;
    drop_jwks(c);
    free(c->pem);
    if (c->curl != NULL)
        curl_easy_cleanup(c->curl);
    free(c);
}

void clerk_token_forget(struct clerk_token *c)
{
    memset(c->cache, 0, sizeof(c->cache));
}

/* ---- base64url ------------------------------------------------------------- */

/*
 * base64url text[0..n) decoded into a new buffer (free()) with a NUL after
 * the bytes: the token header is parsed as JSON from it, the JWK n and e
 * are read as binary with *outlen.  NULL for empty or malformed text.  The
 * decoding is encode_b64url_decode()'s; this adds the copy of a segment
 * that is not NUL-terminated (the header ends at a dot) and the NUL.
 */
static unsigned char *b64url_decode(const char *text, size_t n, size_t *outlen)
{
    size_t size = n / 4 * 3 + 3;
    char *segment;
    unsigned char *out;
    bool ok;

    if (n == 0)
        return NULL;
    segment = mem_strndup(text, n);
    out = mem_alloc(size + 1);
    ok = encode_b64url_decode(segment, out, size, outlen);
    free(segment);
    if (!ok) {
        free(out);
        return NULL;
    }
    out[*outlen] = '\0';
    return out;
}

/* ---- JWKS ------------------------------------------------------------------ */

static char *jwk_to_pem(const char *n64, const char *e64)
{
    size_t nlen = 0, elen = 0;
    unsigned char *n = b64url_decode(n64, strlen(n64), &nlen);
    unsigned char *e = b64url_decode(e64, strlen(e64), &elen);
    BIGNUM *bn = NULL, *be = NULL;
    OSSL_PARAM_BLD *bld = NULL;
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *pkey = NULL;
    BIO *bio = NULL;
    char *pem = NULL, *data;
    long len;

    if (n == NULL || e == NULL)
        goto done;
    bn = BN_bin2bn(n, (int)nlen, NULL);
    be = BN_bin2bn(e, (int)elen, NULL);
    bld = OSSL_PARAM_BLD_new();
    if (bn == NULL || be == NULL || bld == NULL ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) ||
        !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) ||
        (params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
        goto done;
    ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) <= 0 ||
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
        goto done;
    bio = BIO_new(BIO_s_mem());
    if (bio == NULL || !PEM_write_bio_PUBKEY(bio, pkey))
        goto done;
    len = BIO_get_mem_data(bio, &data);
    pem = mem_strndup(data, (size_t)len);
done:
    BIO_free(bio);
    EVP_PKEY_free(pkey);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(bn);
    BN_free(be);
    free(n);
    free(e);
    return pem;
}

static void fetch_jwks(struct clerk_token *c, int64_t now)
{
    struct curl_slist *headers = NULL;
    struct http_body body = {.max = JWKS_MAX_BYTES};
    json_t *root, *keys, *k;
    long status = 0;
    size_t i, loaded = 0;
    CURLcode rc;

    c->jwks_fetched_at = now;
    if (c->curl == NULL && (c->curl = curl_easy_init()) == NULL)
        return;
    curl_easy_reset(c->curl);
    if (config.clerk_secret_key != NULL) {
        char auth[512];

        snprintf(auth, sizeof(auth), "Authorization: Bearer %s", config.clerk_secret_key);
        headers = curl_slist_append(headers, auth);
        OPENSSL_cleanse(auth, sizeof(auth));
    }
    curl_easy_setopt(c->curl, CURLOPT_URL, config.clerk_jwks_url);
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, http_body_collect);
    curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
    curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c->curl, CURLOPT_PROTOCOLS_STR, "http,https");
    rc = curl_easy_perform(c->curl);
    curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK || status != 200) {
        log_warn("JWKS fetch failed (curl %d, HTTP %ld)", (int)rc, status);
        http_body_free(&body);
        return;
    }
    root = json_loadb(body.p, body.len, 0, NULL);
    http_body_free(&body);
    keys = json_object_get(root, "keys");
    if (!json_is_array(keys)) {
        log_warn("JWKS answer has no keys array");
        json_decref(root);
        return;
    }
    drop_jwks(c);
    json_array_foreach(keys, i, k) {
        const char *kid = json_string_value(json_object_get(k, "kid"));
        const char *kty = json_string_value(json_object_get(k, "kty"));
        const char *alg = json_string_value(json_object_get(k, "alg"));
        const char *n = json_string_value(json_object_get(k, "n"));
        const char *e = json_string_value(json_object_get(k, "e"));
        char *pem;

        if (c->njwks == MAX_KEYS)
            break;
        if (kid == NULL || strlen(kid) >= KID_MAX || kty == NULL || strcmp(kty, "RSA") != 0 ||
            (alg != NULL && strcmp(alg, "RS256") != 0) || n == NULL || e == NULL)
            continue;
        if ((pem = jwk_to_pem(n, e)) == NULL)
            continue;
        snprintf(c->jwks[c->njwks].kid, KID_MAX, "%s", kid);
        c->jwks[c->njwks].pem = pem;
        c->njwks++;
        loaded++;
    }
    json_decref(root);
    log_info("JWKS loaded: %zu RSA keys", loaded);
}

static const char *jwks_key(struct clerk_token *c, const char *kid)
{
    for (size_t i = 0; i < c->njwks; i++)
        if (strcmp(c->jwks[i].kid, kid) == 0)
            return c->jwks[i].pem;
    return NULL;
}

/*
 * The key for kid: the JWKS first (fetched on first use; refetched when a
 * kid is unknown, at most once a minute), then CLERK_JWT_KEY, which stands
 * for any kid the JWKS does not have.
 */
static const char *select_key(struct clerk_token *c, const char *kid, int64_t now)
{
    const char *pem = jwks_key(c, kid);

    if (pem != NULL)
        return pem;
    if (config.clerk_jwks_url != NULL) {
        if (c->jwks_fetched_at == 0) {
            fetch_jwks(c, now);
            pem = jwks_key(c, kid);
        } else if (c->jwks_refetched_at == 0 || now - c->jwks_refetched_at >= JWKS_MIN_INTERVAL_S) {
            c->jwks_refetched_at = now;
            fetch_jwks(c, now);
            pem = jwks_key(c, kid);
        }
        if (pem != NULL)
            return pem;
    }
    return c->pem;
}

/* ---- verification ---------------------------------------------------------- */

/* The header must be {"alg":"RS256","kid":"...", "typ":"JWT"?}: NULL when
 * it is, else the reason ("malformed": not base64url JSON at all). */
static const char *header_check(const char *token, size_t len, char kid[KID_MAX])
{
    size_t n = 0;
    unsigned char *raw = b64url_decode(token, len, &n);
    json_t *h = raw ? json_loadb((const char *)raw, n, JSON_REJECT_DUPLICATES, NULL) : NULL;
    const char *alg = json_string_value(json_object_get(h, "alg"));
    const char *k = json_string_value(json_object_get(h, "kid"));
    json_t *typ = json_object_get(h, "typ");
    bool ok = h != NULL && alg != NULL && strcmp(alg, "RS256") == 0 && k != NULL &&
              *k != '\0' && strlen(k) < KID_MAX &&
              (typ == NULL || (json_is_string(typ) && strcmp(json_string_value(typ), "JWT") == 0)) &&
              json_object_get(h, "crit") == NULL;

    if (ok)
        snprintf(kid, KID_MAX, "%s", k);
    json_decref(h);
    free(raw);
    return ok ? NULL : h == NULL ? "malformed" : "bad_header";
}

/* Is the payload segment base64url JSON (an object)?  Checked before
 * jwt_decode(), whose one failure code would call it a bad signature. */
static bool payload_is_json(const char *text, size_t len)
{
    size_t n = 0;
    unsigned char *raw = b64url_decode(text, len, &n);
    json_t *p = raw ? json_loadb((const char *)raw, n, 0, NULL) : NULL;
    bool ok = json_is_object(p);

    json_decref(p);
    free(raw);
    return ok;
}

/* The latest NumericDate taken: 9999-12-31T23:59:59Z.  Beyond it a time
 * claim is malformed, so no claim value can overflow the int64_t
 * arithmetic of claims_check() (exp + leeway) or, as a real, the
 * conversion to int64_t (undefined behaviour outside its range). */
#define CLAIM_TIME_MAX INT64_C(253402300799)

static bool number_claim(json_t *claims, const char *name, bool required, int64_t *out)
{
    json_t *v = json_object_get(claims, name);
    double d;

    if (v == NULL)
        return !required;
    if (json_is_integer(v)) {
        if (json_integer_value(v) < -CLAIM_TIME_MAX || json_integer_value(v) > CLAIM_TIME_MAX)
            return false;
        *out = (int64_t)json_integer_value(v);
        return true;
    }
    if (!json_is_real(v))
        return false;
    d = json_real_value(v);
    if (!(d >= (double)-CLAIM_TIME_MAX && d <= (double)CLAIM_TIME_MAX)) /* NaN too */
        return false;
    *out = (int64_t)d; /* a fraction of a second is dropped, as before */
    return true;
}

/* NULL when the claims are acceptable (out is filled), else the reason. */
static const char *claims_check(json_t *claims, int64_t now, struct clerk_session *out)
{
    const char *iss = json_string_value(json_object_get(claims, "iss"));
    const char *sub = json_string_value(json_object_get(claims, "sub"));
    json_t *azp = json_object_get(claims, "azp");
    int64_t exp = 0, nbf = 0, iat = 0;

    if (!number_claim(claims, "exp", true, &exp))
        return "malformed";
    if (now > exp + CLERK_TOKEN_LEEWAY_S)
        return "expired";
    if (!number_claim(claims, "nbf", false, &nbf) || !number_claim(claims, "iat", false, &iat))
        return "malformed";
    if ((json_object_get(claims, "nbf") != NULL && nbf > now + CLERK_TOKEN_LEEWAY_S) ||
        (json_object_get(claims, "iat") != NULL && iat > now + CLERK_TOKEN_LEEWAY_S))
        return "not_yet_valid";
    if (iss == NULL || strcmp(iss, config.clerk_issuer) != 0)
        return "bad_issuer";
    if (azp != NULL &&
        (!json_is_string(azp) || !clerk_token_origin_allowed(json_string_value(azp))))
        return "azp_not_allowed";
    if (sub == NULL || *sub == '\0' || strlen(sub) >= CLERK_USER_ID_MAX)
        return "malformed";
    snprintf(out->user_id, sizeof(out->user_id), "%s", sub);
    out->exp = exp;
    return NULL;
}

static int refuse(struct clerk_session *out, const char *reason)
{
    out->reason = reason;
    return CLERK_TOKEN_INVALID;
}

int clerk_token_verify(struct clerk_token *c, const char *token, int64_t now,
                       struct clerk_session *out)
{
    unsigned char hash[SHA256_DIGEST_LENGTH];
    const char *dot1, *dot2;
    char kid[KID_MAX];
    const char *pem;
    struct cached *slot;
    jwt_t *jwt = NULL;
    char *grants;
    json_t *claims;
    size_t len;
    const char *why;

    memset(out, 0, sizeof(*out));
    if (clerk_token_missing_config() != NULL)
        return CLERK_TOKEN_NOT_CONFIGURED;
    len = strlen(token);
    if (len == 0 || len > TOKEN_MAX)
        return refuse(out, "malformed");

    SHA256((const unsigned char *)token, len, hash);
    slot = &c->cache[(hash[0] | (hash[1] << 8)) % CACHE_SLOTS];
    if (slot->used && CRYPTO_memcmp(slot->hash, hash, sizeof(hash)) == 0) {
        if (now > slot->exp + CLERK_TOKEN_LEEWAY_S) {
            slot->used = false;
            return refuse(out, "expired");
        }
        snprintf(out->user_id, sizeof(out->user_id), "%s", slot->user_id);
        out->exp = slot->exp;
        out->cached = true;
        out->user_known = &slot->user_known;
        return CLERK_TOKEN_OK;
    }

    dot1 = strchr(token, '.');
    dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    if (dot1 == NULL || dot2 == NULL || strchr(dot2 + 1, '.') != NULL || dot2[1] == '\0' ||
        dot2 == dot1 + 1)
        return refuse(out, "malformed");
    if ((why = header_check(token, (size_t)(dot1 - token), kid)) != NULL)
        return refuse(out, why);
    if (!payload_is_json(dot1 + 1, (size_t)(dot2 - dot1 - 1)))
        return refuse(out, "malformed");
    if ((pem = select_key(c, kid, now)) == NULL)
        return refuse(out, "unknown_kid");
    if (jwt_decode(&jwt, token, (const unsigned char *)pem, (int)strlen(pem)) != 0 ||
        jwt == NULL) {
        jwt_free(jwt);
        return refuse(out, "bad_signature");
    }
    if (jwt_get_alg(jwt) != JWT_ALG_RS256) {
        jwt_free(jwt);
        return refuse(out, "bad_header");
    }
    grants = jwt_get_grants_json(jwt, NULL);
    jwt_free(jwt);
    claims = grants ? json_loads(grants, 0, NULL) : NULL;
    free(grants);
    why = claims != NULL ? claims_check(claims, now, out) : "malformed";
    json_decref(claims);
    if (why != NULL)
        return refuse(out, why);

    memcpy(slot->hash, hash, sizeof(hash));
    snprintf(slot->user_id, sizeof(slot->user_id), "%s", out->user_id);
    slot->exp = out->exp;
    slot->used = true;
    slot->user_known = false;
    out->user_known = &slot->user_known;
    return CLERK_TOKEN_OK;
}

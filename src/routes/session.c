/*
 * session.c - the website's development sign-in and its sign-out.
 *
 * POST /api/session stands in for ClerkJS on a development server: it
 * signs, with the development private key (JOBTUNE_DEV_SIGNING_KEY, the
 * key whose public half is CLERK_JWT_KEY), an RS256 token shaped like a
 * Clerk v2 session token (the same shape as scripts/dev-token's) for the
 * chosen user id, and sets it as the __session cookie.  It exists only
 * when config_has_dev_sessions(): in production it answers the 404 of an
 * unknown address, and production refuses to start with the key set.
 *
 * DELETE /api/session expires the cookie.  In production ClerkJS's own
 * signOut() ends the Clerk session; clearing the cookie as well is
 * harmless there.
 *
 * Both take the browser's Origin, which must be one of
 * CLERK_AUTHORIZED_PARTIES (a cross-site page must not sign a browser in
 * or out); the minted token's azp is that origin.  Nothing here logs the
 * user id or the token.
 */
#include "routes/routes.h"

#include <jansson.h>
#include <jwt.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/encode.h"
#include "base/jsonx.h"
#include "base/log.h"
#include "http/request.h"
#include "svc/clerk_token.h"

#define SESSION_LIFETIME_S 3600
#define USER_ID_MAX 64

/* "user_" and 1-64 letters or digits, as Clerk's user ids are. */
static bool is_user_id(const char *s)
{
    size_t n;

    if (s == NULL || strncmp(s, "user_", 5) != 0)
        return false;
    n = strlen(s + 5);
    if (n == 0 || n > USER_ID_MAX)
        return false;
    for (const char *p = s + 5; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
            return false;
    return true;
}

static int refuse_origin(struct request *req)
{
    return request_error(req, 403, "forbidden",
                         "This request did not come from an allowed origin.");
}

static const char *cookie_attributes(struct request *req)
{
    const char *https = request_env(req, "HTTPS");

    return https != NULL && strcmp(https, "on") == 0 ? "; Path=/; HttpOnly; SameSite=Lax; Secure"
                                                     : "; Path=/; HttpOnly; SameSite=Lax";
}

/* The signed token (arena memory), or NULL when libjwt fails. */
static char *mint(struct request *req, const char *user_id, const char *origin, int64_t now)
{
    char sid_hex[25], *out = NULL, *text;
    jwt_t *jwt = NULL;
    const char *pem = config.dev_signing_key;

    if (encode_random_hex(12, sid_hex) < 0 || jwt_new(&jwt) != 0)
        return NULL;
    if (jwt_set_alg(jwt, JWT_ALG_RS256, (const unsigned char *)pem, (int)strlen(pem)) == 0 &&
        jwt_add_header(jwt, "kid", "jobtune-dev") == 0 &&
        jwt_add_grant(jwt, "iss", CONFIG_DEV_ISSUER) == 0 &&
        jwt_add_grant(jwt, "sub", user_id) == 0 &&
        jwt_add_grant(jwt, "azp", origin) == 0 &&
        jwt_add_grant(jwt, "sid", arena_printf(req->arena, "sess_dev_%s", sid_hex)) == 0 &&
        jwt_add_grant_int(jwt, "iat", (long)now) == 0 &&
        jwt_add_grant_int(jwt, "nbf", (long)now - 5) == 0 &&
        jwt_add_grant_int(jwt, "exp", (long)now + SESSION_LIFETIME_S) == 0 &&
        jwt_add_grant_int(jwt, "v", 2) == 0 &&
        (text = jwt_encode_str(jwt)) != NULL) {
        out = arena_strdup(req->arena, text);
        free(text); /* libjwt 1.10 allocates it with malloc */
    }
    jwt_free(jwt);
    return out;
}

/* POST /api/session {"userId":"user_..."} (development only)
 *   -> 201 {"userId","expiresIn"} + Set-Cookie __session | 400 | 403 origin | 404 | 415 | 422 */
int session_create_route(struct request *req)
{
    const char *origin = request_env(req, "HTTP_ORIGIN");
    const char *user_id, *key, *where = NULL;
    enum jsonx_error jerr;
    json_t *v, *fields;
    char *token;

    /* The body is read raw (BODY_RAW) and parsed only here, so that
     * elsewhere any POST, well-formed or not, meets the same 404. */
    if (!config_has_dev_sessions())
        return request_error(req, 404, "not_found", "There is nothing at this address.");
    if (origin == NULL || !clerk_token_origin_allowed(origin))
        return refuse_origin(req);
    if (req->content_type == NULL || strcmp(req->content_type, "application/json") != 0)
        return request_error(req, 415, "unsupported_media_type",
                             "Send the body as application/json.");
    req->input = jsonx_parse_object(req->arena, req->body ? req->body : "", req->body_len,
                                    &jerr, &where);
    if (req->input == NULL)
        return request_error(req, jerr == JSONX_BAD_KEY ? 422 : 400,
                             jerr == JSONX_BAD_KEY ? "validation_failed" : "malformed_body",
                             "The body is not a valid JSON object.");
    fields = json_object();
    json_object_foreach(req->input, key, v) {
        if (strcmp(key, "userId") != 0)
            json_object_set_new(fields, key, json_string("This field does not exist."));
    }
    user_id = jsonx_string(req->input, "userId");
    if (!is_user_id(user_id))
        json_object_set_new(fields, "userId",
                            json_string("Give \"user_\" followed by 1 to 64 letters and digits, "
                                        "like user_dev."));
    if (json_object_size(fields) > 0)
        return request_error_fields(req, 422, "validation_failed",
                                    "The sign-in request is not valid.", fields);
    json_decref(fields);
    token = mint(req, user_id, origin, clock_wall_ms() / 1000);
    if (token == NULL) {
        log_error("%s: cannot sign a development session with JOBTUNE_DEV_SIGNING_KEY",
                  req->request_id);
        return request_error(req, 500, "internal_error", "The session could not be created.");
    }
    request_header(req, "Set-Cookie",
                   arena_printf(req->arena, "__session=%s; Max-Age=%d%s", token,
                                SESSION_LIFETIME_S, cookie_attributes(req)));
    request_header(req, "Cache-Control", "no-store");
    return request_json(req, 201, json_pack("{s:s, s:i}", "userId", user_id, "expiresIn",
                                            SESSION_LIFETIME_S));
}

void session_clear_cookie(struct request *req)
{
    request_header(req, "Set-Cookie",
                   arena_printf(req->arena, "__session=; Max-Age=0; Expires=Thu, 01 Jan 1970 "
                                            "00:00:00 GMT%s", cookie_attributes(req)));
}

/* DELETE /api/session -> 204 + Set-Cookie expiring __session | 403 origin */
int session_delete_route(struct request *req)
{
    const char *origin = request_env(req, "HTTP_ORIGIN");

    if (origin == NULL || !clerk_token_origin_allowed(origin))
        return refuse_origin(req);
    session_clear_cookie(req);
    request_header(req, "Cache-Control", "no-store");
    req->status = 204;
    return 204;
}

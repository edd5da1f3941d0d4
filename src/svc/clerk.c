/*
 * clerk.c - the Clerk Backend API client (see clerk.h).
 *
 * Invariants:
 *  - Log lines name the route ("DELETE /v1/users/{id}"), never the path
 *    itself (it may hold an email), and carry only curl's code and the
 *    HTTP status: never the key or a body.
 *  - One curl easy handle per process, made at first use and reset per
 *    call, so the connection to the API is reused.
 */
#include "svc/clerk.h"

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/config.h"
#include "base/log.h"
#include "base/mem.h"
#include "svc/clerk_token.h"
#include "svc/http_body.h"

#define API_MAX_BYTES (1024 * 1024)
#define API_CONNECT_TIMEOUT_MS 2000L
#define API_TIMEOUT_MS 10000L

struct clerk {
    CURL *curl; /* made at first use */
};

struct clerk *clerk_new(void)
{
    return mem_calloc(1, sizeof(struct clerk));
}

void clerk_free(struct clerk *c)
{
    if (c == NULL)
        return;
    if (c->curl != NULL)
        curl_easy_cleanup(c->curl);
    free(c);
}

/* a[0..alen) followed by b, in a new string (free()). */
static char *join(const char *a, size_t alen, const char *b)
{
    size_t blen = strlen(b);
    char *out = mem_alloc(alen + blen + 1);

    memcpy(out, a, alen);
    memcpy(out + alen, b, blen + 1);
    return out;
}

/*
 * One Backend API call: method on path (which starts with "/v1/"; what
 * is put after the base URL).  what names the route for the log, never
 * the path itself (it may hold an email).  *status = the HTTP status;
 * *body (may be NULL) = the parsed JSON answer (new reference) when there
 * was one.  Returns CLERK_OK when an answer came, whatever its status.
 */
static int api_call(struct clerk *c, const char *method, const char *path, const char *what,
                    long *status, json_t **body)
{
    struct curl_slist *headers = NULL;
    struct http_body got = {.max = API_MAX_BYTES};
    const char *base = config.clerk_api_url;
    size_t blen = strlen(base);
    char auth[512], *url;
    CURLcode rc;

    *status = 0;
    if (body != NULL)
        *body = NULL;
    if (config.clerk_secret_key == NULL)
        return CLERK_NOT_CONFIGURED;
    if (c->curl == NULL && (c->curl = curl_easy_init()) == NULL)
        return CLERK_FAILED;
    while (blen > 0 && base[blen - 1] == '/')
        blen--;
    url = join(base, blen, path);
    if (snprintf(auth, sizeof(auth), "Authorization: Bearer %s", config.clerk_secret_key) >=
        (int)sizeof(auth)) {
        OPENSSL_cleanse(auth, sizeof(auth));
        free(url);
        log_error("CLERK_SECRET_KEY is too long");
        return CLERK_REJECTED;
    }
    headers = curl_slist_append(headers, auth);
    OPENSSL_cleanse(auth, sizeof(auth));
    headers = curl_slist_append(headers, "Accept: application/json");
    curl_easy_reset(c->curl);
    curl_easy_setopt(c->curl, CURLOPT_URL, url);
    curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, http_body_collect);
    curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &got);
    curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT_MS, API_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, API_TIMEOUT_MS);
    curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c->curl, CURLOPT_PROTOCOLS_STR, "http,https");
    rc = curl_easy_perform(c->curl);
    curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, status);
    /* the handle keeps the header list and URL pointers: drop them now */
    curl_easy_reset(c->curl);
    curl_slist_free_all(headers);
    free(url);
    if (rc != CURLE_OK) {
        log_warn("Clerk %s failed: curl %d", what, (int)rc);
        http_body_free(&got);
        return CLERK_UNAVAILABLE;
    }
    if (body != NULL && got.p != NULL)
        *body = json_loadb(got.p, got.len, 0, NULL);
    http_body_free(&got);
    return CLERK_OK;
}

/* The status of a non-2xx answer, logged once here. */
static int api_failure(const char *what, long status)
{
    log_warn("Clerk %s answered HTTP %ld", what, status);
    if (status >= 500 || status == 429)
        return CLERK_UNAVAILABLE;
    if (status == 401 || status == 403) {
        log_error("Clerk rejected CLERK_SECRET_KEY");
        return CLERK_REJECTED;
    }
    return CLERK_FAILED;
}

int clerk_delete_user(struct clerk *c, const char *user_id)
{
    static const char what[] = "DELETE /v1/users/{id}";
    char *escaped, *path;
    long status;
    int rc;

    if (config.clerk_secret_key == NULL)
        return CLERK_NOT_CONFIGURED;
    if (user_id == NULL || *user_id == '\0' || strlen(user_id) >= CLERK_USER_ID_MAX)
        return CLERK_FAILED;
    if (c->curl == NULL && (c->curl = curl_easy_init()) == NULL)
        return CLERK_FAILED;
    if ((escaped = curl_easy_escape(c->curl, user_id, 0)) == NULL)
        return CLERK_FAILED;
    path = join("/v1/users/", strlen("/v1/users/"), escaped);
    curl_free(escaped);
    rc = api_call(c, "DELETE", path, what, &status, NULL);
    free(path);
    if (rc != CLERK_OK)
        return rc;
    if (status == 200 || status == 404) /* gone now, or gone already */
        return CLERK_OK;
    return api_failure(what, status);
}

int clerk_find_users_by_email(struct clerk *c, const char *email, json_t **ids)
{
    static const char what[] = "GET /v1/users?email_address=";
    static const char prefix[] = "/v1/users?email_address=";
    json_t *answer = NULL, *list, *user;
    char *escaped, *path;
    long status;
    size_t i;
    int rc;

    *ids = NULL;
    if (config.clerk_secret_key == NULL)
        return CLERK_NOT_CONFIGURED;
    if (email == NULL || *email == '\0')
        return CLERK_FAILED;
    if (c->curl == NULL && (c->curl = curl_easy_init()) == NULL)
        return CLERK_FAILED;
    if ((escaped = curl_easy_escape(c->curl, email, 0)) == NULL)
        return CLERK_FAILED;
    path = join(prefix, strlen(prefix), escaped);
    curl_free(escaped);
    rc = api_call(c, "GET", path, what, &status, &answer);
    OPENSSL_cleanse(path, strlen(path));
    free(path);
    if (rc != CLERK_OK)
        return rc;
    if (status != 200) {
        json_decref(answer);
        return api_failure(what, status);
    }
    list = json_is_array(answer) ? answer : json_object_get(answer, "data");
    if (!json_is_array(list)) {
        log_warn("Clerk %s: the answer is not a list of users", what);
        json_decref(answer);
        return CLERK_FAILED;
    }
    *ids = json_array();
    json_array_foreach(list, i, user) {
        const char *id = json_string_value(json_object_get(user, "id"));

        if (id != NULL && *id != '\0' && strlen(id) < CLERK_USER_ID_MAX)
            json_array_append_new(*ids, json_string(id));
    }
    json_decref(answer);
    return CLERK_OK;
}

/*
 * posthog.c - the batch capture client (posthog.h), on libcurl's multi
 * interface so that the analytics child never blocks on PostHog: a hanging
 * host costs it a timeout, not its reading of the workers' events.
 *
 * One easy handle, reused; its body and header list live until the
 * transfer ends.  The answer's body is read and thrown away, capped (only
 * the status matters: docs/external-apis.md section 3 treats any 2xx as
 * success).
 */
#include "svc/posthog.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/config.h"
#include "base/log.h"
#include "base/mem.h"
#include "svc/http_body.h"

#define ANSWER_MAX 65536

const struct retry_policy posthog_retry_policy = {
    .max_attempts = 4, /* the first and three retries */
    .base_ms = 500,
    .cap_ms = 2000,
    .retry_after_max_ms = 60000, /* longer: drop the batch rather than hold the queue */
    .timeouts = true,
};

struct posthog {
    CURLM *multi;
    CURL *easy;
    struct curl_slist *headers;
    char *url;
    char *body;          /* the request body in flight (malloc'd) */
    struct http_body answer;
    char retry_after[64]; /* the answer's Retry-After, "" when none */
    bool busy;           /* added to the multi handle */
    bool done;           /* ended; result holds the outcome */
    enum posthog_result result;
    long status;
};

struct posthog *posthog_new(void)
{
    struct posthog *p = mem_calloc(1, sizeof(*p));
    size_t n = strlen(config.posthog_host) + sizeof("/batch/");

    curl_global_init(CURL_GLOBAL_DEFAULT);
    p->multi = curl_multi_init();
    p->easy = curl_easy_init();
    p->headers = curl_slist_append(NULL, "Content-Type: application/json");
    p->url = mem_alloc(n);
    snprintf(p->url, n, "%s/batch/", config.posthog_host);
    p->answer.max = ANSWER_MAX;
    if (p->multi == NULL || p->easy == NULL || p->headers == NULL) {
        posthog_free(p);
        return NULL;
    }
    return p;
}

static void end_transfer(struct posthog *p)
{
    if (p->busy)
        curl_multi_remove_handle(p->multi, p->easy);
    p->busy = false;
    free(p->body);
    p->body = NULL;
    http_body_free(&p->answer);
}

static size_t collect_header(char *line, size_t size, size_t nmemb, void *userp)
{
    struct posthog *p = userp;
    size_t n = size * nmemb;

    if (n > 5 && strncmp(line, "HTTP/", 5) == 0)
        p->retry_after[0] = '\0'; /* a new response (after 100 Continue, say) */
    else
        retry_header_value(line, n, "retry-after", p->retry_after, sizeof(p->retry_after));
    return n;
}

void posthog_free(struct posthog *p)
{
    if (p == NULL)
        return;
    end_transfer(p);
    if (p->easy != NULL)
        curl_easy_cleanup(p->easy);
    if (p->multi != NULL)
        curl_multi_cleanup(p->multi);
    curl_slist_free_all(p->headers);
    free(p->url);
    free(p);
}

int posthog_begin(struct posthog *p, json_t *events, long timeout_ms)
{
    json_t *doc;

    if (p->busy || !json_is_array(events) || json_array_size(events) == 0)
        return -1;
    doc = json_pack("{s:s, s:O}", "api_key", config.posthog_api_key, "batch", events);
    p->body = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (p->body == NULL)
        return -1;
    curl_easy_reset(p->easy);
    curl_easy_setopt(p->easy, CURLOPT_URL, p->url);
    curl_easy_setopt(p->easy, CURLOPT_POST, 1L);
    curl_easy_setopt(p->easy, CURLOPT_POSTFIELDS, p->body);
    curl_easy_setopt(p->easy, CURLOPT_POSTFIELDSIZE, (long)strlen(p->body));
    curl_easy_setopt(p->easy, CURLOPT_HTTPHEADER, p->headers);
    curl_easy_setopt(p->easy, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(p->easy, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(p->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(p->easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(p->easy, CURLOPT_USERAGENT, "jobtuned/" PACKAGE_VERSION);
    curl_easy_setopt(p->easy, CURLOPT_WRITEFUNCTION, http_body_collect);
    curl_easy_setopt(p->easy, CURLOPT_WRITEDATA, &p->answer);
    curl_easy_setopt(p->easy, CURLOPT_HEADERFUNCTION, collect_header);
    curl_easy_setopt(p->easy, CURLOPT_HEADERDATA, p);
    p->retry_after[0] = '\0';
    if (curl_multi_add_handle(p->multi, p->easy) != CURLM_OK) {
        free(p->body);
        p->body = NULL;
        return -1;
    }
    p->busy = true;
    p->done = false;
    p->status = 0;
    return 0;
}

bool posthog_busy(const struct posthog *p)
{
    return p->busy;
}

/* Drive the transfer and note its end. */
static void drive(struct posthog *p)
{
    int running = 0, left;
    CURLMsg *m;

    if (!p->busy || p->done)
        return;
    curl_multi_perform(p->multi, &running);
    while ((m = curl_multi_info_read(p->multi, &left)) != NULL) {
        long code = 0;

        if (m->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &code);
        p->status = code;
        if (m->data.result != CURLE_OK && !(m->data.result == CURLE_WRITE_ERROR &&
                                            p->answer.too_big && code >= 200))
            p->result = retry_curl_is_transient(&posthog_retry_policy, m->data.result)
                            ? POSTHOG_RETRY /* timeout, refused, reset, ... */
                            : POSTHOG_REJECTED;
        else if (code >= 200 && code < 300)
            p->result = POSTHOG_OK;
        else if (retry_status_is_transient(code))
            p->result = POSTHOG_RETRY;
        else
            p->result = POSTHOG_REJECTED;
        p->done = true;
    }
}

void posthog_wait(struct posthog *p, int fd, int timeout_ms, bool *fd_ready)
{
    struct curl_waitfd extra = {.fd = fd, .events = CURL_WAIT_POLLIN};
    int n = 0;

    extra.revents = 0;
    drive(p);
    if (p->done) {
        timeout_ms = 0; /* an outcome is waiting: only look at fd */
    }
    curl_multi_poll(p->multi, fd >= 0 ? &extra : NULL, fd >= 0 ? 1 : 0, timeout_ms, &n);
    *fd_ready = fd >= 0 && (extra.revents & CURL_WAIT_POLLIN) != 0;
    drive(p);
}

enum posthog_result posthog_result(struct posthog *p, long *http_status, long *asked_ms)
{
    enum posthog_result r;

    drive(p);
    if (!p->busy || !p->done)
        return POSTHOG_PENDING;
    r = p->result;
    *http_status = p->status;
    *asked_ms = retry_asked_ms(NULL, p->retry_after[0] ? p->retry_after : NULL, time(NULL));
    end_transfer(p);
    return r;
}

void posthog_abort(struct posthog *p)
{
    end_transfer(p);
    p->done = false;
}

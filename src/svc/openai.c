/*
 * openai.c - Chat Completions with Structured Outputs (see openai.h for the
 * request, the retry rules and the outcomes).
 *
 * Invariants:
 *  - The API key only ever exists in the Authorization header list, which
 *    is wiped before it is freed; no log line carries it, a message, the
 *    model's output or the body of an error (which may echo input).
 *  - One curl easy handle per worker, reset (not re-created) per attempt,
 *    so connections and TLS sessions to the API are reused.
 *  - A call never outlives the request it serves: attempts and waits are
 *    cut to end before JOBTUNE_REQUEST_TIMEOUT, when the master would kill
 *    the worker (and the client would get nginx's 502 instead of our 504).
 *  - What the caller gets back has been parsed and checked against the
 *    schema it asked for; the caller only checks meaning, never shape.
 */
#include "svc/openai.h"

#include <curl/curl.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/jsonx.h"
#include "base/log.h"
#include "base/meter.h"
#include "base/mem.h"
#include "svc/http_body.h"

#define CONNECT_TIMEOUT_MS 5000L
#define DEADLINE_MARGIN_MS 2000      /* left for our own work and the reply */
#define MAX_BODY_BYTES (4 * 1024 * 1024)
#define TEMPERATURE 0.2

const struct retry_policy openai_retry_policy = {
    .max_attempts = 3,            /* the first and two retries */
    .base_ms = 500,
    .cap_ms = 8000,
    .retry_after_max_ms = 20000,  /* a longer wait asked for: give up */
    .timeouts = false,            /* a timed-out attempt used the time a retry would need */
};

struct openai {
    CURL *curl;
};

/* One attempt's answer: the body and the headers the retry rules read. */
struct reply {
    struct http_body body;
    char retry_after_ms[32];
    char retry_after[64];
    char should_retry[8];
};

/* ---- configuration --------------------------------------------------------- */

bool openai_is_configured(void)
{
    return config.openai_api_key != NULL;
}

const char *openai_model(void)
{
    return config.openai_model ? config.openai_model : "gpt-4o";
}

struct openai *openai_new(void)
{
    struct openai *o = mem_calloc(1, sizeof(*o));

    o->curl = curl_easy_init(); /* NULL is retried at first use */
    return o;
}

void openai_free(struct openai *o)
{
    if (o == NULL)
        return;
    if (o->curl != NULL)
        curl_easy_cleanup(o->curl);
    free(o);
}

/* ---- schema check ------------------------------------------------------------ */

static bool type_is(const char *type, json_t *v)
{
    if (strcmp(type, "object") == 0)
        return json_is_object(v);
    if (strcmp(type, "array") == 0)
        return json_is_array(v);
    if (strcmp(type, "string") == 0)
        return json_is_string(v);
    if (strcmp(type, "integer") == 0)
        return json_is_integer(v);
    if (strcmp(type, "number") == 0)
        return json_is_number(v);
    if (strcmp(type, "boolean") == 0)
        return json_is_boolean(v);
    if (strcmp(type, "null") == 0)
        return json_is_null(v);
    return false;
}

bool openai_schema_matches(json_t *schema, json_t *value)
{
    json_t *type = json_object_get(schema, "type");
    json_t *en = json_object_get(schema, "enum");
    json_t *props, *items, *child;
    const char *key;
    size_t i;

    if (!json_is_object(schema) || value == NULL)
        return false;
    if (json_is_string(type) && !type_is(json_string_value(type), value))
        return false;
    if (json_is_array(type)) {
        bool any = false;

        json_array_foreach(type, i, child)
            any = any || (json_is_string(child) && type_is(json_string_value(child), value));
        if (!any)
            return false;
    }
    if (json_is_array(en)) {
        bool any = false;

        json_array_foreach(en, i, child)
            any = any || json_equal(child, value);
        if (!any)
            return false;
    }
    if (json_is_object(value)) {
        props = json_object_get(schema, "properties");
        json_array_foreach(json_object_get(schema, "required"), i, child) {
            if (!json_is_string(child) || json_object_get(value, json_string_value(child)) == NULL)
                return false;
        }
        json_object_foreach(value, key, child) {
            json_t *sub = json_object_get(props, key);

            if (sub == NULL) {
                if (json_is_false(json_object_get(schema, "additionalProperties")))
                    return false;
                continue;
            }
            if (!openai_schema_matches(sub, child))
                return false;
        }
    }
    if (json_is_array(value) && (items = json_object_get(schema, "items")) != NULL) {
        json_array_foreach(value, i, child) {
            if (!openai_schema_matches(items, child))
                return false;
        }
    }
    return true;
}

/* ---- the wait between attempts (its length: svc/retry.h) ------------------------ */

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* ---- one attempt ------------------------------------------------------------------ */

static size_t collect_header(char *line, size_t size, size_t nmemb, void *userp)
{
    struct reply *r = userp;
    size_t n = size * nmemb;

    if (n > 5 && strncmp(line, "HTTP/", 5) == 0) {
        /* a new response (after 100 Continue, say): forget the last one's */
        r->retry_after_ms[0] = r->retry_after[0] = r->should_retry[0] = '\0';
        return n;
    }
    /* the values svc/retry.h and the x-should-retry override read */
    retry_header_value(line, n, "retry-after-ms", r->retry_after_ms, sizeof(r->retry_after_ms));
    retry_header_value(line, n, "retry-after", r->retry_after, sizeof(r->retry_after));
    retry_header_value(line, n, "x-should-retry", r->should_retry, sizeof(r->should_retry));
    return n;
}

/* Wipe, then free, a header list that carried the key. */
static void free_secret_headers(struct curl_slist *list)
{
    for (struct curl_slist *h = list; h != NULL; h = h->next)
        OPENSSL_cleanse(h->data, strlen(h->data));
    curl_slist_free_all(list);
}

static CURLcode perform(struct openai *o, const char *url, const char *payload,
                        long timeout_ms, struct reply *r, long *http_status)
{
    static const char prefix[] = "Authorization: Bearer ";
    static const char *const fixed[] = {"Content-Type: application/json",
                                        "Accept: application/json",
                                        "Expect:"}; /* no 100-continue round trip */
    size_t alen = sizeof(prefix) + strlen(config.openai_api_key);
    struct curl_slist *headers = NULL, *h;
    char *auth = mem_alloc(alen);
    CURLcode rc;

    *http_status = 0;
    snprintf(auth, alen, "%s%s", prefix, config.openai_api_key);
    h = curl_slist_append(headers, auth);
    OPENSSL_cleanse(auth, alen);
    free(auth);
    if (h == NULL)
        return CURLE_OUT_OF_MEMORY;
    headers = h;
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        if ((h = curl_slist_append(headers, fixed[i])) == NULL) {
            free_secret_headers(headers);
            return CURLE_OUT_OF_MEMORY;
        }
        headers = h;
    }

    curl_easy_reset(o->curl);
    curl_easy_setopt(o->curl, CURLOPT_URL, url);
    curl_easy_setopt(o->curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(o->curl, CURLOPT_POSTFIELDS, payload);
    curl_easy_setopt(o->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(payload));
    curl_easy_setopt(o->curl, CURLOPT_WRITEFUNCTION, http_body_collect);
    curl_easy_setopt(o->curl, CURLOPT_WRITEDATA, &r->body);
    curl_easy_setopt(o->curl, CURLOPT_HEADERFUNCTION, collect_header);
    curl_easy_setopt(o->curl, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(o->curl, CURLOPT_CONNECTTIMEOUT_MS,
                     timeout_ms < CONNECT_TIMEOUT_MS ? timeout_ms : CONNECT_TIMEOUT_MS);
    curl_easy_setopt(o->curl, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(o->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(o->curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(o->curl, CURLOPT_ACCEPT_ENCODING, "");
    rc = curl_easy_perform(o->curl);
    curl_easy_getinfo(o->curl, CURLINFO_RESPONSE_CODE, http_status);
    /* the handle keeps a pointer to the list until the next reset */
    curl_easy_setopt(o->curl, CURLOPT_HTTPHEADER, NULL);
    free_secret_headers(headers);
    return rc;
}

/* Copy s into out (outlen > 0), cut at a UTF-8 character boundary. */
static void copy_text(char *out, size_t outlen, const char *s)
{
    size_t n = strlen(s);

    if (outlen == 0)
        return;
    if (n >= outlen) {
        n = outlen - 1;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(out, s, n);
    out[n] = '\0';
}

/* The outcome of a 200 answer. */
static int read_completion(const struct reply *r, json_t *schema, json_t **out_parsed,
                           char *refusal, size_t refusal_len)
{
    json_t *root = json_loadb(r->body.p ? r->body.p : "", r->body.len, 0, NULL);
    json_t *choice = json_array_get(json_object_get(root, "choices"), 0);
    json_t *message = json_object_get(choice, "message");
    const char *finish = jsonx_string(choice, "finish_reason");
    const char *text;
    json_t *parsed;
    int rc;

    if (!json_is_object(message)) {
        log_warn("OpenAI answered HTTP 200 without a chat completion");
        json_decref(root);
        return OPENAI_UPSTREAM;
    }
    if ((text = jsonx_string(message, "refusal")) != NULL) {
        copy_text(refusal, refusal_len, text);
        rc = OPENAI_REFUSED;
    } else if (finish != NULL && strcmp(finish, "length") == 0) {
        rc = OPENAI_INCOMPLETE;
    } else if (finish != NULL && strcmp(finish, "content_filter") == 0) {
        copy_text(refusal, refusal_len, "The response was withheld by the provider's "
                                        "content filter.");
        rc = OPENAI_REFUSED;
    } else if ((text = jsonx_string(message, "content")) == NULL) {
        rc = OPENAI_BAD_OUTPUT;
    } else {
        parsed = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
        if (parsed != NULL && openai_schema_matches(schema, parsed)) {
            *out_parsed = parsed;
            rc = OPENAI_OK;
        } else {
            json_decref(parsed);
            rc = OPENAI_BAD_OUTPUT;
        }
    }
    if (rc != OPENAI_OK)
        log_warn("OpenAI completion not usable (outcome %d)", rc);
    json_decref(root);
    return rc;
}

/* ---- the call -------------------------------------------------------------------- */

static char *request_url(void)
{
    const char *base = config.openai_base_url ? config.openai_base_url
                                              : "https://api.openai.com/v1";
    size_t n = strlen(base), len;
    char *url;

    while (n > 0 && base[n - 1] == '/')
        n--;
    len = n + sizeof("/chat/completions");
    url = mem_alloc(len);
    snprintf(url, len, "%.*s/chat/completions", (int)n, base);
    return url;
}

static bool is_insufficient_quota(const struct reply *r)
{
    json_t *root = r->body.p ? json_loadb(r->body.p, r->body.len, 0, NULL) : NULL;
    const char *code = jsonx_string(json_object_get(root, "error"), "code");
    bool yes = code != NULL && strcmp(code, "insufficient_quota") == 0;

    json_decref(root);
    return yes;
}

static int chat_json(struct openai *o, json_t *messages, const char *schema_name,
                     json_t *schema, json_t **out_parsed, char *refusal, size_t refusal_len,
                     uint64_t started_ms)
{
    uint64_t start = started_ms ? started_ms : clock_mono_ms(), deadline;
    int64_t budget = (int64_t)config.request_timeout * 1000 - DEADLINE_MARGIN_MS;
    json_t *body;
    char *payload, *url;
    long last_wait = 0;
    int rc = OPENAI_UPSTREAM;

    *out_parsed = NULL;
    if (refusal_len > 0)
        refusal[0] = '\0';
    if (!openai_is_configured())
        return OPENAI_NOT_CONFIGURED;
    if (o->curl == NULL && (o->curl = curl_easy_init()) == NULL)
        return OPENAI_UPSTREAM;
    deadline = start + (uint64_t)(budget > 1000 ? budget : 1000);

    body = json_pack("{s:s, s:b, s:f, s:O, s:{s:s, s:{s:s, s:b, s:O}}}",
                     "model", openai_model(), "store", 0, "temperature", TEMPERATURE,
                     "messages", messages, "response_format", "type", "json_schema",
                     "json_schema", "name", schema_name, "strict", 1, "schema", schema);
    /* 15 digits: 0.2 goes out as 0.2, not 0.20000000000000001 */
    payload = body ? json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
    json_decref(body);
    url = request_url();
    if (payload == NULL || url == NULL) {
        free(payload);
        free(url);
        return OPENAI_UPSTREAM;
    }

    for (int attempt = 1; attempt <= openai_retry_policy.max_attempts; attempt++) {
        struct reply r = {.body.max = MAX_BODY_BYTES};
        uint64_t now = clock_mono_ms();
        long timeout_ms = config.openai_timeout_ms, status = 0, delay;
        bool retry = false;
        CURLcode crc;

        if (now >= deadline) {
            rc = OPENAI_TIMEOUT;
            break;
        }
        if ((uint64_t)timeout_ms > deadline - now)
            timeout_ms = (long)(deadline - now);
        crc = perform(o, url, payload, timeout_ms, &r, &status);
        if (crc == CURLE_OPERATION_TIMEDOUT) {
            log_warn("OpenAI did not answer within %ld ms (attempt %d)", timeout_ms, attempt);
            rc = OPENAI_TIMEOUT;
            retry = retry_curl_is_transient(&openai_retry_policy, crc);
        } else if (crc != CURLE_OK) {
            log_warn("OpenAI request failed (curl %d, attempt %d)", (int)crc, attempt);
            rc = OPENAI_UPSTREAM;
            retry = retry_curl_is_transient(&openai_retry_policy, crc);
        } else if (status == 200) {
            rc = read_completion(&r, schema, out_parsed, refusal, refusal_len);
            if (attempt > 1)
                log_info("OpenAI answered on attempt %d", attempt);
        } else if (status == 401 || status == 403) {
            log_error("OpenAI rejected the API key (HTTP %ld)", status);
            rc = OPENAI_AUTH;
        } else {
            rc = OPENAI_UPSTREAM;
            /* the rule's statuses, and 409 as OpenAI's SDK retries it */
            retry = retry_status_is_transient(status) || status == 409;
            if (strcasecmp(r.should_retry, "true") == 0)
                retry = true;
            else if (strcasecmp(r.should_retry, "false") == 0)
                retry = false;
            if (retry && status == 429 && is_insufficient_quota(&r))
                retry = false; /* the quota will not come back in seconds */
        }
        if (retry && attempt < openai_retry_policy.max_attempts) {
            long asked = retry_asked_ms(r.retry_after_ms[0] ? r.retry_after_ms : NULL,
                                        r.retry_after[0] ? r.retry_after : NULL, time(NULL));

            now = clock_mono_ms();
            delay = retry_delay_ms(&openai_retry_policy, attempt, asked, last_wait,
                                   now < deadline ? (long)(deadline - now) : 0, retry_random());
            if (delay == RETRY_STOP) {
                log_warn("OpenAI answered HTTP %ld on attempt %d; no time to retry",
                         status, attempt);
                retry = false;
            } else {
                log_warn("OpenAI answered HTTP %ld on attempt %d of %d; retrying in %ld ms",
                         status, attempt, openai_retry_policy.max_attempts, delay);
                http_body_free(&r.body);
                sleep_ms(delay);
                last_wait = delay;
                continue;
            }
        }
        if (rc == OPENAI_UPSTREAM && status != 0 && status != 200)
            log_warn("OpenAI answered HTTP %ld; giving up after %d attempt%s", status,
                     attempt, attempt == 1 ? "" : "s");
        http_body_free(&r.body);
        break;
    }
    free(payload);
    free(url);
    return rc;
}

/* The whole call, retries and their waits included, is the worker's
 * "openai" phase for the slow-request log. */
int openai_chat_json(struct openai *o, json_t *messages, const char *schema_name,
                     json_t *schema, json_t **out_parsed, char *refusal, size_t refusal_len,
                     uint64_t started_ms)
{
    enum meter_phase before = meter_phase_set(METER_OPENAI);
    int rc = chat_json(o, messages, schema_name, schema, out_parsed, refusal, refusal_len,
                       started_ms);

    meter_phase_set(before);
    return rc;
}

int openai_ask(struct openai *o, const char *system, json_t *data, const char *schema_name,
               const char *schema_text, json_t **out_parsed, char *refusal, size_t refusal_len,
               uint64_t started_ms)
{
    char *user = json_dumps(data, JSON_COMPACT);
    json_t *messages = json_pack("[{s:s, s:s}, {s:s, s:s}]", "role", "system", "content",
                                 system, "role", "user", "content", user);
    json_t *schema = json_loads(schema_text, 0, NULL);
    int rc = OPENAI_BAD_OUTPUT;

    *out_parsed = NULL;
    if (refusal_len > 0)
        refusal[0] = '\0';
    if (messages != NULL && schema != NULL)
        rc = openai_chat_json(o, messages, schema_name, schema, out_parsed, refusal,
                              refusal_len, started_ms);
    else
        log_error("openai: the %s prompt or its schema could not be built", schema_name);
    free(user);
    json_decref(messages);
    json_decref(schema);
    return rc;
}

/*
 * sarvam.c - speech-to-text and text-to-speech against Sarvam AI (see
 * sarvam.h for the requests, the retry rules and the outcomes).
 *
 * Both directions are a list of independent requests ("jobs": one per
 * 30 s chunk, or one per sentence) run by one engine, run_jobs(): at
 * most MAX_PARALLEL transfers at once on a curl multi handle, each job
 * retried on its own, results kept by job index so the caller reads them
 * in order, or is handed each as soon as it and those before it are done
 * (a streamed answer's sentences; the hand-over's own time, the line to
 * the client, counts in the "sarvam" phase of the slow-request log).  The
 * first job that fails for good stops the others.
 *
 * Invariants:
 *  - The API key only ever exists in a header list, wiped before it is
 *    freed; no log line carries it, audio, a transcript, a text or the body
 *    of an error (which may echo input).
 *  - The chunk WAVs go to libcurl through a read callback
 *    (curl_mime_data_cb), not curl_mime_data(), which would copy them.
 *  - Response bodies are collected with http_body's wipe flag; transcripts
 *    and decoded audio are wiped before they are freed.
 *  - The easy handles (one per parallel slot) and the multi handle live as
 *    long as the process, so connections and TLS sessions are reused.
 */
#include "svc/sarvam.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/encode.h"
#include "base/jsonx.h"
#include "base/log.h"
#include "base/meter.h"
#include "base/mem.h"
#include "model/delivery.h"
#include "svc/http_body.h"

#define MAX_PARALLEL 4               /* transfers at once (Sarvam's REST limits are per minute) */
#define CONNECT_TIMEOUT_MS 5000L
#define DEADLINE_MARGIN_MS 2000      /* left for our own work and the reply */
#define STT_MAX_BODY (1024 * 1024)
#define TTS_MAX_BODY (64 * 1024 * 1024)
#define POLL_MAX_MS 200

const struct retry_policy sarvam_retry_policy = {
    .max_attempts = 3,            /* the first and two retries */
    .base_ms = 1000,
    .cap_ms = 8000,
    .retry_after_max_ms = 10000,  /* a longer wait asked for: give up */
    .timeouts = false,            /* a timed-out attempt used the time a retry would need */
};

struct sarvam {
    CURLM *multi;
    CURL *easy[MAX_PARALLEL];
};

enum kind { KIND_STT, KIND_TTS };

/* One request and what became of it. */
struct job {
    /* input, borrowed */
    const struct audio_buf *wav; /* STT: the chunk */
    const char *payload;         /* TTS: the JSON */
    /* one attempt */
    struct http_body body;
    char retry_after[64]; /* an RFC 850 date takes up to 33 */
    struct curl_slist *headers;
    curl_mime *mime;
    size_t read_pos; /* into wav, for the mime read callback */
    int slot;        /* -1 when not running */
    /* across attempts */
    int attempts;
    long last_wait;      /* ms waited before the last attempt, 0 = none */
    uint64_t not_before; /* clock_mono_ms() before which no retry starts */
    bool done;
    /* the result, owned */
    char *transcript;      /* STT */
    struct delivery_span *spans; /* STT: its timestamps, from the chunk's start */
    size_t nspans;
    bool timed;            /* STT: the answer had timestamps */
    struct audio_buf *wavs; /* TTS */
    size_t nwavs;
};

/* Who hears of each job as soon as it and every job before it is done
 * (sarvam_speak_each()); NULL in run_jobs() for nobody. */
struct in_order {
    int (*fn)(void *ctx, size_t seq, struct job *j);
    void *ctx;
    size_t next; /* the first job not handed over yet */
};

/* ---- configuration, life cycle ------------------------------------------------ */

bool sarvam_is_configured(void)
{
    return config.sarvam_api_key != NULL;
}

struct sarvam *sarvam_new(void)
{
    struct sarvam *s = mem_calloc(1, sizeof(*s));

    if ((s->multi = curl_multi_init()) == NULL) {
        free(s);
        return NULL;
    }
    curl_multi_setopt(s->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)MAX_PARALLEL);
    for (int i = 0; i < MAX_PARALLEL; i++) {
        if ((s->easy[i] = curl_easy_init()) == NULL) {
            sarvam_free(s);
            return NULL;
        }
    }
    return s;
}

void sarvam_free(struct sarvam *s)
{
    if (s == NULL)
        return;
    for (int i = 0; i < MAX_PARALLEL; i++)
        if (s->easy[i] != NULL)
            curl_easy_cleanup(s->easy[i]);
    curl_multi_cleanup(s->multi);
    free(s);
}

void sarvam_text_free(char *text)
{
    if (text == NULL)
        return;
    explicit_bzero(text, strlen(text));
    free(text);
}

/* Wipe and free timestamps: the rhythm of someone's speech. */
static void spans_free(struct delivery_span *spans, size_t n)
{
    if (spans == NULL)
        return;
    explicit_bzero(spans, n * sizeof(*spans));
    free(spans);
}

/* ---- pure parts ------------------------------------------------------------------ */

size_t sarvam_tts_char_limit(const char *model)
{
    return model != NULL && strcmp(model, "bulbul:v3") == 0 ? 2500 : 1500;
}

size_t sarvam_utf8_chars(const char *s, size_t n)
{
    size_t chars = 0;

    for (size_t i = 0; i < n; i++)
        chars += ((unsigned char)s[i] & 0xC0) != 0x80;
    return chars;
}

/* Bytes of a sentence end starting at s (at most n bytes), or 0. */
static size_t sentence_end_len(const char *s, size_t n)
{
    if (*s == '.' || *s == '?' || *s == '!' || *s == '\n')
        return 1;
    /* U+0964 DEVANAGARI DANDA and U+0965 DOUBLE DANDA */
    if (n >= 3 && (unsigned char)s[0] == 0xE0 && (unsigned char)s[1] == 0xA5 &&
        ((unsigned char)s[2] == 0xA4 || (unsigned char)s[2] == 0xA5))
        return 3;
    return 0;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

size_t sarvam_split_text(const char *text, size_t limit, char ***out_pieces)
{
    const char *p = text, *end = text + strlen(text);
    char **pieces = NULL;
    size_t n = 0;

    *out_pieces = NULL;
    if (limit == 0)
        return 0;
    for (;;) {
        const char *window, *cut = NULL, *space = NULL, *q;
        size_t chars = 0;

        while (p < end && is_blank(*p))
            p++;
        if (p == end)
            break;
        /* window = the byte after the limit-th character (or the end) */
        for (window = p; window < end; window++) {
            if (((unsigned char)*window & 0xC0) != 0x80 && chars++ == limit)
                break;
        }
        if (window == end) {
            cut = end;
        } else {
            for (q = p; q < window; q++) {
                size_t e = sentence_end_len(q, (size_t)(window - q));

                if (e > 0 && q + e <= window) {
                    cut = q + e;
                    q += e - 1;
                } else if (*q == ' ') {
                    space = q;
                }
            }
            if (cut == NULL)
                cut = space != NULL && space > p ? space : window;
        }
        q = cut;
        while (q > p && is_blank(q[-1]))
            q--;
        if (q > p) {
            pieces = mem_realloc(pieces, (n + 1) * sizeof(*pieces));
            pieces[n++] = mem_strndup(p, (size_t)(q - p));
        }
        p = cut;
    }
    *out_pieces = pieces;
    return n;
}

void sarvam_pieces_free(char **pieces, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sarvam_text_free(pieces[i]);
    free(pieces);
}

/* ---- one transfer ---------------------------------------------------------------- */

static size_t collect_header(char *line, size_t size, size_t nmemb, void *userp)
{
    struct job *j = userp;
    size_t n = size * nmemb;

    if (n > 5 && strncmp(line, "HTTP/", 5) == 0) {
        j->retry_after[0] = '\0'; /* a new response (after 100 Continue, say) */
        return n;
    }
    retry_header_value(line, n, "retry-after", j->retry_after, sizeof(j->retry_after));
    return n;
}

/* The chunk WAV, handed to libcurl piece by piece without a copy. */
static size_t read_wav(char *buffer, size_t size, size_t nitems, void *arg)
{
    struct job *j = arg;
    size_t n = size * nitems, left = j->wav->len - j->read_pos;

    if (n > left)
        n = left;
    memcpy(buffer, j->wav->p + j->read_pos, n);
    j->read_pos += n;
    return n;
}

static int seek_wav(void *arg, curl_off_t offset, int origin)
{
    struct job *j = arg;

    if (origin != SEEK_SET || offset < 0 || (size_t)offset > j->wav->len)
        return CURL_SEEKFUNC_CANTSEEK;
    j->read_pos = (size_t)offset;
    return CURL_SEEKFUNC_OK;
}

/* Wipe, then free, a header list that carried the key. */
static void free_secret_headers(struct curl_slist *list)
{
    for (struct curl_slist *h = list; h != NULL; h = h->next)
        explicit_bzero(h->data, strlen(h->data));
    curl_slist_free_all(list);
}

static struct curl_slist *request_headers(enum kind kind)
{
    static const char prefix[] = "api-subscription-key: ";
    size_t alen = sizeof(prefix) + strlen(config.sarvam_api_key);
    char *auth = mem_alloc(alen);
    struct curl_slist *list = NULL, *h;
    const char *fixed[] = {"Accept: application/json",
                           "Expect:", /* no 100-continue round trip */
                           kind == KIND_TTS ? "Content-Type: application/json" : NULL};

    snprintf(auth, alen, "%s%s", prefix, config.sarvam_api_key);
    list = curl_slist_append(NULL, auth);
    explicit_bzero(auth, alen);
    free(auth);
    for (size_t i = 0; list != NULL && i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        if (fixed[i] == NULL)
            continue;
        if ((h = curl_slist_append(list, fixed[i])) == NULL) {
            free_secret_headers(list);
            return NULL;
        }
        list = h;
    }
    return list;
}

/* Set up job j on easy handle slot; false when libcurl is out of memory. */
static bool start_job(struct sarvam *s, enum kind kind, const char *url, const char *language,
                      struct job *j, int slot, long timeout_ms)
{
    CURL *e = s->easy[slot];

    j->body.len = 0;
    j->retry_after[0] = '\0';
    j->read_pos = 0;
    if ((j->headers = request_headers(kind)) == NULL)
        return false;
    curl_easy_reset(e);
    if (kind == KIND_STT) {
        curl_mimepart *part;

        j->mime = curl_mime_init(e);
        part = curl_mime_addpart(j->mime);
        curl_mime_name(part, "file");
        curl_mime_filename(part, "chunk.wav");
        curl_mime_type(part, "audio/wav");
        curl_mime_data_cb(part, (curl_off_t)j->wav->len, read_wav, seek_wav, NULL, j);
        part = curl_mime_addpart(j->mime);
        curl_mime_name(part, "model");
        curl_mime_data(part, config.sarvam_stt_model, CURL_ZERO_TERMINATED);
        part = curl_mime_addpart(j->mime);
        curl_mime_name(part, "language_code");
        curl_mime_data(part, language, CURL_ZERO_TERMINATED);
        part = curl_mime_addpart(j->mime);
        curl_mime_name(part, "with_timestamps");
        curl_mime_data(part, "true", CURL_ZERO_TERMINATED);
        curl_easy_setopt(e, CURLOPT_MIMEPOST, j->mime);
        j->body.max = STT_MAX_BODY;
    } else {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, j->payload);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(j->payload));
        j->body.max = TTS_MAX_BODY;
    }
    j->body.wipe = true;
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, j->headers);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, http_body_collect);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &j->body);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, collect_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, j);
    curl_easy_setopt(e, CURLOPT_PRIVATE, j);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                     timeout_ms < CONNECT_TIMEOUT_MS ? timeout_ms : CONNECT_TIMEOUT_MS);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    if (curl_multi_add_handle(s->multi, e) != CURLM_OK) {
        free_secret_headers(j->headers);
        j->headers = NULL;
        curl_mime_free(j->mime);
        j->mime = NULL;
        return false;
    }
    j->slot = slot;
    j->attempts++;
    return true;
}

/* Take job j's handle out of the multi handle and free what the attempt
 * held (not the body: the caller reads it first). */
static void end_transfer(struct sarvam *s, struct job *j)
{
    CURL *e = s->easy[j->slot];

    curl_multi_remove_handle(s->multi, e);
    /* the handle keeps pointers to both until the next reset */
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(e, CURLOPT_MIMEPOST, NULL);
    free_secret_headers(j->headers);
    j->headers = NULL;
    curl_mime_free(j->mime);
    j->mime = NULL;
    j->slot = -1;
}

/* ---- answers ------------------------------------------------------------------------ */

/* The timestamps of an answer, {words[], start_time_seconds[],
 * end_time_seconds[]} (docs/external-apis.md section 2): only the times
 * are kept, one span per entry of words (which may hold several words).
 * Absent, null or inconsistent: the chunk is untimed. */
static void read_timestamps(struct job *j, json_t *ts)
{
    json_t *words = json_object_get(ts, "words"), *st = json_object_get(ts, "start_time_seconds");
    json_t *en = json_object_get(ts, "end_time_seconds");
    size_t n = json_array_size(words);

    if (!json_is_array(words) || json_array_size(st) != n || json_array_size(en) != n)
        return;
    j->spans = n ? mem_calloc(n, sizeof(*j->spans)) : NULL;
    for (size_t i = 0; i < n; i++) {
        json_t *a = json_array_get(st, i), *b = json_array_get(en, i);

        if (!json_is_number(a) || !json_is_number(b) ||
            json_number_value(b) < json_number_value(a)) {
            spans_free(j->spans, i);
            j->spans = NULL;
            return;
        }
        j->spans[i] = (struct delivery_span){json_number_value(a), json_number_value(b)};
    }
    j->nspans = n;
    j->timed = true;
}

static int read_stt(struct job *j)
{
    json_t *root = json_loadb(j->body.p ? j->body.p : "", j->body.len, 0, NULL);
    const char *text = jsonx_string(root, "transcript");

    if (text != NULL) {
        j->transcript = mem_strdup(text);
        read_timestamps(j, json_object_get(root, "timestamps"));
    }
    json_decref(root);
    return text != NULL ? SARVAM_OK : SARVAM_BAD_OUTPUT;
}

static int read_tts(struct job *j)
{
    json_t *root = json_loadb(j->body.p ? j->body.p : "", j->body.len, 0, NULL);
    json_t *audios = json_object_get(root, "audios"), *a;
    size_t i;
    int rc = SARVAM_OK;

    if (!json_is_array(audios) || json_array_size(audios) == 0) {
        json_decref(root);
        return SARVAM_BAD_OUTPUT;
    }
    j->wavs = mem_calloc(json_array_size(audios), sizeof(*j->wavs));
    json_array_foreach(audios, i, a) {
        size_t n = json_string_length(a);
        struct audio_buf *w = &j->wavs[j->nwavs];

        if (!json_is_string(a)) {
            rc = SARVAM_BAD_OUTPUT;
            break;
        }
        w->p = mem_alloc(ENCODE_B64_DECODED_SIZE(n) + 1);
        if (!encode_b64_decode(json_string_value(a), n, w->p, ENCODE_B64_DECODED_SIZE(n) + 1,
                               &w->len)) {
            explicit_bzero(w->p, ENCODE_B64_DECODED_SIZE(n) + 1);
            free(w->p);
            w->p = NULL;
            rc = SARVAM_BAD_OUTPUT;
            break;
        }
        j->nwavs++;
    }
    json_decref(root);
    return rc;
}

/* What a 429's body says about waiting: an exhausted quota does not come
 * back in seconds. */
static bool is_insufficient_quota(const struct job *j)
{
    json_t *root = j->body.p ? json_loadb(j->body.p, j->body.len, 0, NULL) : NULL;
    const char *code = jsonx_string(json_object_get(root, "error"), "code");
    bool yes = code != NULL && strcmp(code, "insufficient_quota_error") == 0;

    json_decref(root);
    return yes;
}

/* The outcome of one finished attempt: SARVAM_OK (j->done), 1 = retry at
 * j->not_before, or a failure. */
static int finish_attempt(struct sarvam *s, enum kind kind, struct job *j, CURLcode crc,
                          uint64_t deadline)
{
    const char *what = kind == KIND_STT ? "speech-to-text" : "text-to-speech";
    long status = 0, delay;
    bool retry = false;
    int rc;

    curl_easy_getinfo(s->easy[j->slot], CURLINFO_RESPONSE_CODE, &status);
    end_transfer(s, j);
    if (crc == CURLE_OPERATION_TIMEDOUT) {
        log_warn("Sarvam %s did not answer in time (attempt %d)", what, j->attempts);
        rc = SARVAM_TIMEOUT;
        retry = retry_curl_is_transient(&sarvam_retry_policy, crc);
    } else if (crc != CURLE_OK) {
        log_warn("Sarvam %s request failed (curl %d, attempt %d)", what, (int)crc, j->attempts);
        rc = SARVAM_UPSTREAM;
        retry = retry_curl_is_transient(&sarvam_retry_policy, crc);
    } else if (status == 200) {
        rc = kind == KIND_STT ? read_stt(j) : read_tts(j);
        if (rc == SARVAM_OK)
            j->done = true;
        else
            log_warn("Sarvam %s answered HTTP 200 without the documented JSON", what);
        if (j->attempts > 1)
            log_info("Sarvam %s answered on attempt %d", what, j->attempts);
    } else if (status == 401 || status == 403) {
        log_error("Sarvam rejected the API key (HTTP %ld)", status);
        rc = SARVAM_AUTH;
    } else if (status == 400 || status == 422) {
        log_error("Sarvam %s refused the request (HTTP %ld)", what, status);
        rc = SARVAM_BAD_REQUEST;
    } else {
        rc = SARVAM_UPSTREAM;
        retry = retry_status_is_transient(status);
        if (retry && status == 429 && is_insufficient_quota(j))
            retry = false;
    }
    if (retry && j->attempts < sarvam_retry_policy.max_attempts) {
        uint64_t now = clock_mono_ms();

        delay = retry_delay_ms(&sarvam_retry_policy, j->attempts,
                               retry_asked_ms(NULL, j->retry_after[0] ? j->retry_after : NULL,
                                              time(NULL)),
                               j->last_wait, now < deadline ? (long)(deadline - now) : 0,
                               retry_random());
        if (delay != RETRY_STOP) {
            log_warn("Sarvam %s answered HTTP %ld on attempt %d of %d; retrying in %ld ms",
                     what, status, j->attempts, sarvam_retry_policy.max_attempts, delay);
            j->not_before = now + (uint64_t)delay;
            j->last_wait = delay;
            http_body_free(&j->body);
            return 1;
        }
        log_warn("Sarvam %s answered HTTP %ld on attempt %d; no time to retry", what, status,
                 j->attempts);
    } else if (rc == SARVAM_UPSTREAM && status != 0) {
        log_warn("Sarvam %s answered HTTP %ld; giving up after %d attempt%s", what, status,
                 j->attempts, j->attempts == 1 ? "" : "s");
    }
    http_body_free(&j->body);
    return rc;
}

/* ---- the engine ---------------------------------------------------------------------- */

static uint64_t deadline_of(uint64_t started_ms)
{
    uint64_t start = started_ms ? started_ms : clock_mono_ms();
    int64_t budget = (int64_t)config.request_timeout * 1000 - DEADLINE_MARGIN_MS;

    return start + (uint64_t)(budget > 1000 ? budget : 1000);
}

static char *request_url(const char *path)
{
    const char *base = config.sarvam_base_url ? config.sarvam_base_url : "https://api.sarvam.ai";
    size_t n = strlen(base), len;
    char *url;

    while (n > 0 && base[n - 1] == '/')
        n--;
    len = n + strlen(path) + 1;
    url = mem_alloc(len);
    snprintf(url, len, "%.*s%s", (int)n, base, path);
    return url;
}

/* Run jobs[0..n) to the end: SARVAM_OK when every one is done, else the
 * first failure (the transfers still running are dropped).  With order,
 * each job is handed to order->fn as soon as it and those before it are
 * done. */
static int transfer_jobs(struct sarvam *s, enum kind kind, const char *path,
                         const char *language, struct job *jobs, size_t n, uint64_t deadline,
                         struct in_order *order)
{
    char *url = request_url(path);
    bool busy[MAX_PARALLEL] = {false};
    size_t running = 0, done = 0;
    int rc = SARVAM_OK;

    for (size_t i = 0; i < n; i++)
        jobs[i].slot = -1;
    while (rc == SARVAM_OK && done < n) {
        uint64_t now = clock_mono_ms(), wake = now + POLL_MAX_MS;
        int still, queued;
        CURLMsg *msg;

        if (now >= deadline) {
            log_warn("Sarvam: out of time with %zu of %zu requests answered", done, n);
            rc = SARVAM_TIMEOUT;
            break;
        }
        /* start what may start, in order, while a slot is free */
        for (size_t i = 0; i < n && running < MAX_PARALLEL; i++) {
            struct job *j = &jobs[i];
            long timeout_ms = config.sarvam_timeout_ms;
            int slot = 0;

            if (j->done || j->slot >= 0)
                continue;
            if (j->not_before > now) {
                if (j->not_before < wake)
                    wake = j->not_before;
                continue;
            }
            while (busy[slot])
                slot++;
            if ((uint64_t)timeout_ms > deadline - now)
                timeout_ms = (long)(deadline - now);
            if (!start_job(s, kind, url, language, j, slot, timeout_ms)) {
                log_error("Sarvam: libcurl could not start a request");
                rc = SARVAM_FAILED;
                break;
            }
            busy[slot] = true;
            running++;
        }
        if (rc != SARVAM_OK)
            break;
        curl_multi_perform(s->multi, &still);
        while (rc == SARVAM_OK && (msg = curl_multi_info_read(s->multi, &queued)) != NULL) {
            struct job *j;
            char *priv = NULL;
            int slot, outcome;

            if (msg->msg != CURLMSG_DONE)
                continue;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
            j = (struct job *)(void *)priv;
            slot = j->slot;
            outcome = finish_attempt(s, kind, j, msg->data.result, deadline);
            busy[slot] = false;
            running--;
            if (outcome == SARVAM_OK)
                done++;
            else if (outcome < 0)
                rc = outcome;
            while (rc == SARVAM_OK && order != NULL && order->next < n &&
                   jobs[order->next].done) {
                if (order->fn(order->ctx, order->next, &jobs[order->next]) != 0)
                    rc = SARVAM_FAILED; /* the caller gave up (its client went away) */
                order->next++;
            }
        }
        if (rc != SARVAM_OK || done == n)
            break;
        now = clock_mono_ms();
        if (wake > deadline)
            wake = deadline;
        curl_multi_poll(s->multi, NULL, 0, wake > now ? (int)(wake - now) : 0, NULL);
    }
    for (size_t i = 0; i < n; i++) {
        if (jobs[i].slot >= 0) {
            end_transfer(s, &jobs[i]);
            http_body_free(&jobs[i].body);
        }
    }
    free(url);
    return rc;
}

/* The transfers and their retries' waits are the worker's "sarvam" phase
 * for the slow-request log. */
static int run_jobs(struct sarvam *s, enum kind kind, const char *path, const char *language,
                    struct job *jobs, size_t n, uint64_t deadline, struct in_order *order)
{
    enum meter_phase before = meter_phase_set(METER_SARVAM);
    int rc = transfer_jobs(s, kind, path, language, jobs, n, deadline, order);

    meter_phase_set(before);
    return rc;
}

/* ---- speech to text ------------------------------------------------------------------- */

void sarvam_transcript_free(struct sarvam_transcript *t)
{
    sarvam_text_free(t->text);
    spans_free(t->words, t->nwords);
    memset(t, 0, sizeof(*t));
}

/* The jobs' transcripts joined with one space, and their timestamps
 * shifted by each chunk's start, in the order of the audio. */
static void join_transcripts(struct job *jobs, size_t n, struct sarvam_transcript *out)
{
    size_t len = 0, nwords = 0;
    char *text;

    out->timed = true;
    for (size_t i = 0; i < n; i++) {
        len += strlen(jobs[i].transcript) + 1;
        nwords += jobs[i].nspans;
        /* a chunk without speech needs no timestamps */
        if (!jobs[i].timed && jobs[i].transcript[0] != '\0')
            out->timed = false;
    }
    text = mem_alloc(len + 1);
    len = 0;
    for (size_t i = 0; i < n; i++) {
        size_t tl = strlen(jobs[i].transcript);

        if (tl == 0)
            continue; /* a silent chunk: no double space */
        if (len > 0)
            text[len++] = ' ';
        memcpy(text + len, jobs[i].transcript, tl);
        len += tl;
    }
    text[len] = '\0';
    out->text = text;
    if (!out->timed || nwords == 0)
        return;
    out->words = mem_calloc(nwords, sizeof(*out->words));
    for (size_t i = 0; i < n; i++) {
        double offset = (double)(i * AUDIO_CHUNK_FRAMES) / AUDIO_RATE;

        for (size_t k = 0; k < jobs[i].nspans; k++)
            out->words[out->nwords++] = (struct delivery_span){jobs[i].spans[k].start + offset,
                                                               jobs[i].spans[k].end + offset};
    }
}

int sarvam_transcribe(struct sarvam *s, const struct audio_pcm *pcm, const char *language_code,
                      uint64_t started_ms, struct sarvam_transcript *out)
{
    uint64_t deadline = deadline_of(started_ms);
    struct audio_buf *chunks = NULL;
    struct job *jobs;
    size_t n = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    if (!sarvam_is_configured())
        return SARVAM_NOT_CONFIGURED;
    if (pcm == NULL || pcm->frames == 0 || language_code == NULL ||
        audio_split(pcm, AUDIO_CHUNK_FRAMES, &chunks, &n) != AUDIO_OK)
        return SARVAM_FAILED;
    jobs = mem_calloc(n, sizeof(*jobs));
    for (size_t i = 0; i < n; i++)
        jobs[i].wav = &chunks[i];
    rc = run_jobs(s, KIND_STT, "/speech-to-text", language_code, jobs, n, deadline, NULL);
    audio_chunks_free(chunks, n);
    if (rc == SARVAM_OK) {
        join_transcripts(jobs, n, out);
        if (n > 1)
            log_info("Sarvam transcribed %zu chunks", n);
    }
    for (size_t i = 0; i < n; i++) {
        sarvam_text_free(jobs[i].transcript);
        spans_free(jobs[i].spans, jobs[i].nspans);
    }
    free(jobs);
    return rc;
}

/* ---- text to speech --------------------------------------------------------------------- */

size_t sarvam_split_sentences(const char *text, size_t limit, char ***out_pieces)
{
    const char *p = text, *end = text + strlen(text);
    char **pieces = NULL;
    size_t n = 0;

    *out_pieces = NULL;
    while (p < end) {
        const char *q = p;
        char *sentence, **sub;
        size_t k;

        /* a sentence ends at its mark followed by a blank or the end, so
         * "3.5 years" and "e.g.," stay whole */
        while (q < end) {
            size_t e = sentence_end_len(q, (size_t)(end - q));

            if (e > 0 && (q + e == end || is_blank(q[e]))) {
                q += e;
                break;
            }
            q++;
        }
        sentence = mem_strndup(p, (size_t)(q - p));
        k = sarvam_split_text(sentence, limit, &sub);
        sarvam_text_free(sentence);
        if (k > 0) {
            pieces = mem_realloc(pieces, (n + k) * sizeof(*pieces));
            memcpy(pieces + n, sub, k * sizeof(*sub));
            n += k;
        }
        free(sub);
        p = q;
    }
    *out_pieces = pieces;
    return n;
}

/* One request per sentence of text, all run at once (up to MAX_PARALLEL),
 * each handed to order->fn in order (NULL: kept in the jobs for the
 * caller, who frees them with free_speech()).  *out_jobs and *out_n: the
 * jobs. */
static int speak(struct sarvam *s, const char *text, const char *language_code,
                 uint64_t started_ms, struct in_order *order, struct job **out_jobs,
                 size_t *out_n)
{
    uint64_t deadline = deadline_of(started_ms);
    char **pieces = NULL;
    struct job *jobs;
    size_t n;
    int rc = SARVAM_OK;

    *out_jobs = NULL;
    *out_n = 0;
    if (!sarvam_is_configured())
        return SARVAM_NOT_CONFIGURED;
    if (text == NULL || language_code == NULL)
        return SARVAM_FAILED;
    n = sarvam_split_sentences(text, sarvam_tts_char_limit(config.sarvam_tts_model), &pieces);
    if (n == 0)
        return SARVAM_FAILED;
    jobs = mem_calloc(n, sizeof(*jobs));
    for (size_t i = 0; i < n && rc == SARVAM_OK; i++) {
        json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:I}", "text", pieces[i],
                                 "target_language_code", language_code,
                                 "speaker", config.sarvam_tts_speaker,
                                 "model", config.sarvam_tts_model,
                                 "speech_sample_rate", (json_int_t)config.sarvam_tts_sample_rate);

        jobs[i].payload = body ? json_dumps(body, JSON_COMPACT) : NULL;
        json_decref(body);
        if (jobs[i].payload == NULL)
            rc = SARVAM_FAILED; /* not UTF-8 */
    }
    sarvam_pieces_free(pieces, n);
    if (rc == SARVAM_OK)
        rc = run_jobs(s, KIND_TTS, "/text-to-speech", language_code, jobs, n, deadline, order);
    *out_jobs = jobs;
    *out_n = n;
    return rc;
}

static void free_speech(struct job *jobs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (jobs[i].payload != NULL)
            sarvam_text_free((char *)jobs[i].payload);
        audio_chunks_free(jobs[i].wavs, jobs[i].nwavs);
    }
    free(jobs);
}

/* The WAVs of wavs[0..n) as one, in *out: a SARVAM_ status. */
static int join_speech(const struct audio_buf *wavs, size_t n, struct audio_buf *out)
{
    int arc = audio_join_wav(wavs, n, out);

    if (arc == AUDIO_OK)
        return SARVAM_OK;
    log_warn("Sarvam text-to-speech audio could not be joined (audio %d)", arc);
    return arc == AUDIO_FAILED ? SARVAM_FAILED : SARVAM_BAD_OUTPUT;
}

int sarvam_speak(struct sarvam *s, const char *text, const char *language_code,
                 uint64_t started_ms, struct audio_buf *out_wav)
{
    struct job *jobs;
    size_t n, nwavs = 0;
    int rc = speak(s, text, language_code, started_ms, NULL, &jobs, &n);

    out_wav->p = NULL;
    out_wav->len = 0;
    if (rc == SARVAM_OK) {
        struct audio_buf *all;

        for (size_t i = 0; i < n; i++)
            nwavs += jobs[i].nwavs;
        all = mem_calloc(nwavs, sizeof(*all));
        nwavs = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < jobs[i].nwavs; k++)
                all[nwavs++] = jobs[i].wavs[k]; /* borrowed from the jobs */
        rc = join_speech(all, nwavs, out_wav);
        free(all);
    }
    free_speech(jobs, n);
    return rc;
}

/* The caller's function and context, behind the in-order hand-over. */
struct each {
    sarvam_sentence_fn fn;
    void *ctx;
};

/* One sentence done: its WAVs as one, handed over, then wiped. */
static int hand_over(void *ctx, size_t seq, struct job *j)
{
    struct each *e = ctx;
    struct audio_buf one = {NULL, 0};
    int rc = -1;

    if (j->nwavs == 1)
        rc = e->fn(e->ctx, seq, &j->wavs[0]);
    else if (join_speech(j->wavs, j->nwavs, &one) == SARVAM_OK)
        rc = e->fn(e->ctx, seq, &one);
    audio_buf_free(&one);
    audio_chunks_free(j->wavs, j->nwavs);
    j->wavs = NULL;
    j->nwavs = 0;
    return rc;
}

int sarvam_speak_each(struct sarvam *s, const char *text, const char *language_code,
                      uint64_t started_ms, sarvam_sentence_fn fn, void *ctx)
{
    struct each e = {fn, ctx};
    struct in_order order = {hand_over, &e, 0};
    struct job *jobs;
    size_t n;
    int rc = speak(s, text, language_code, started_ms, &order, &jobs, &n);

    free_speech(jobs, n);
    return rc;
}

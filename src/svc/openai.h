/*
 * openai.h - the only OpenAI client: Chat Completions with a strict JSON
 * schema (Structured Outputs), over libcurl.
 *
 * Configuration: OPENAI_API_KEY (unset: OPENAI_NOT_CONFIGURED),
 * OPENAI_BASE_URL (includes /v1; the request goes to base + "/chat/completions"),
 * OPENAI_MODEL, OPENAI_TIMEOUT_MS (per attempt; tests shorten it).
 *
 * Every request is {model, store:false, temperature:0.2, messages,
 * response_format:{type:"json_schema", json_schema:{name, strict:true,
 * schema}}}.  Retries follow svc/retry.h with openai_retry_policy: at most
 * two, for 408, 429, 5xx, connection errors and (as OpenAI's own SDK does)
 * 409, but not for a 429 of an exhausted quota; the x-should-retry header
 * overrides the status.  The wait is retry-after-ms, else retry-after
 * (seconds or an HTTP date), when given (up to 20 s; a longer wait means no
 * retry), else a backoff from 0.5 s, capped at 8 s, with decorrelated
 * jitter.  The whole call also ends before JOBTUNE_REQUEST_TIMEOUT, so the
 * master never has to kill the worker for it.
 *
 * Privacy: nothing here logs the key, a message, or a response; only HTTP
 * statuses, curl codes and attempt counts.
 */
#ifndef JT_OPENAI_H
#define JT_OPENAI_H

#include <jansson.h>
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

#include "svc/retry.h"

struct openai;

enum openai_status {
    OPENAI_OK = 0,
    OPENAI_REFUSED = -1,        /* message.refusal set (or content filter): 422 ai_refused */
    OPENAI_INCOMPLETE = -2,     /* finish_reason "length": 502 ai_incomplete */
    OPENAI_BAD_OUTPUT = -3,     /* content not JSON, or not the schema: 502 ai_bad_output */
    OPENAI_AUTH = -4,           /* 401/403: the key was rejected: 503 ai_unavailable */
    OPENAI_TIMEOUT = -5,        /* no answer in time: 504 ai_timeout */
    OPENAI_UPSTREAM = -6,       /* other errors, after retries: 502 ai_upstream_error */
    OPENAI_NOT_CONFIGURED = -7, /* OPENAI_API_KEY unset: 503 not_configured */
};

/* OpenAI's numbers for the retry rule (docs/external-apis.md section 1:
 * the SDK's 2 retries, 0.5 s doubling to 8 s; waits asked for are honoured
 * up to 20 s here, well inside the request's time). */
extern const struct retry_policy openai_retry_policy;

/* Per process, after fork (holds a reused curl handle).  NULL only when
 * out of memory. */
struct openai *openai_new(void);
void openai_free(struct openai *o);

/* Is OPENAI_API_KEY set? */
bool openai_is_configured(void);

/* The model requests name (OPENAI_MODEL); borrowed, static. */
const char *openai_model(void);

/*
 * One structured completion.  messages (array of {role, content}) and
 * schema are borrowed; schema_name must match [a-zA-Z0-9_-]{1,64}.
 * OPENAI_OK: *out_parsed is a new reference to the parsed content, which
 * matched schema.  OPENAI_REFUSED: the model's refusal text is copied into
 * refusal (truncated at a UTF-8 boundary, always NUL-terminated when
 * refusal_len > 0).  Any other status: *out_parsed is NULL.
 * started_ms (clock_mono_ms() when the HTTP request began, 0 = now) anchors
 * the deadline: every attempt ends before the worker's request timeout.
 */
int openai_chat_json(struct openai *o, json_t *messages, const char *schema_name,
                     json_t *schema, json_t **out_parsed, char *refusal, size_t refusal_len,
                     uint64_t started_ms);

/*
 * The common shape of every prompt of ours: a system message, and one
 * user message that is the JSON text of `data` (borrowed: the data the
 * model works on, declared as data in the system message), answered
 * through the strict json_schema given as text.  Otherwise as
 * openai_chat_json().
 */
int openai_ask(struct openai *o, const char *system, json_t *data, const char *schema_name,
               const char *schema_text, json_t **out_parsed, char *refusal, size_t refusal_len,
               uint64_t started_ms);

/* Does value match schema?  The strict-mode subset: type (a name or an
 * array of names), properties, required, additionalProperties:false,
 * items, enum.  Both borrowed. */
bool openai_schema_matches(json_t *schema, json_t *value);

#endif

/*
 * interviews_answers.c - the answer to the current question: spoken
 * (audio/wav or any audio libsndfile reads, or multipart with the field
 * "audio") or typed (JSON {"text"}, for accessibility).
 *
 * Audio lives in request memory only: the body nginx hands over (kept in
 * its memory buffer for this route, never a temporary file), the decoded
 * samples and the WAV pieces sent to Sarvam, each wiped with
 * explicit_bzero() before it is freed (svc/audio.h; the body by an arena
 * cleanup).  Only the transcript is stored, and with a spoken answer its
 * delivery (model/delivery.h): numbers measured on the samples while they
 * are still in memory, before they are wiped.
 *
 * The decoding is bounded by its work, not by the body's bytes: more than
 * stereo or 48 kHz is refused (422) and a header longer than 5 minutes
 * is 413 before a sample is decoded, and the decoding stops at 5 minutes
 * of audio or JOBTUNE_AUDIO_CPU_MS of CPU time (422), all before Sarvam
 * is called (svc/audio.h).
 *
 * Order: everything that can fail (decoding, transcription, GPT-4o's next
 * question, and for a streamed answer the question's speech) happens
 * before the one commit that stores the answer and the next question
 * together, so a failure stores nothing and the same answer can be sent
 * again.  Two answers to one question race to that commit: the second
 * gets 409.  An erasure racing the answer wins too: the request asked the
 * tombstone before it began, and a commit that lands after the erasure's
 * pass finds no head (or a sealed directory) and the second pass, which
 * waits out JOBTUNE_STREAM_TIMEOUT, deletes what it wrote
 * (docs/ARCHITECTURE.md, "Erasure: why nothing outruns it").
 *
 * Answering again (?question=n&replace=true): the newest answer, n, is
 * made anew while the interview is active and question n+1 has no answer
 * yet.  The same steps with the new answer in place of the old: the old
 * question n+1 is dropped from the copy in memory before GPT-4o is asked
 * for it again (it follows up on what was said, and the new answer may say
 * something else), and the one commit stores the new answer n and the new
 * question n+1, or, at the last question, the new answer alone.  A failure
 * stores nothing, so the earlier answer and question stay.  The commit is
 * the same versioned one as an answer's: of two requests made on one
 * version of the interview (two replacements, or a replacement and the
 * answer to n+1) one wins and the other gets 409.
 *
 * Streamed (Accept: application/x-ndjson): the same steps, each told as
 * soon as it is done, one JSON object a line (nginx passes them on
 * unbuffered): "transcript" (with the delivery), "question" (the next
 * one), "audio" (each sentence of it spoken, in order, the sentences
 * synthesised at once), then "done" with the stored interview.  What
 * fails before the first line is the usual status and error object; after
 * it, an "error" line with that object, and nothing stored.
 */
#include "routes/routes.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "base/clock.h"
#include "base/config.h"
#include "base/encode.h"
#include "base/jsonx.h"
#include "base/log.h"
#include "base/text.h"
#include "http/multipart.h"
#include "http/request.h"
#include "model/delivery.h"
#include "routes/interviews.h"
#include "store/interviews.h"
#include "store/store.h"
#include "svc/audio.h"
#include "svc/sarvam.h"
#include "svc/services.h"

#define TEXT_MAX 5000
#define AUDIO_MAX_SECONDS 300.0

/* Wipes the request body when the request ends: it may be audio. */
static void wipe_body(void *arg)
{
    struct request *req = arg;

    if (req->body != NULL)
        explicit_bzero(req->body, req->body_len);
}

static int conflict(struct request *req, const char *message)
{
    return request_error(req, 409, "conflict", message);
}

/* 422 naming the recording's problem. */
static int audio_invalid(struct request *req, const char *problem)
{
    return request_error_fields(req, 422, "validation_failed", "Some fields need attention.",
                                json_pack("{s:s}", "audio", problem));
}

/* The audio bytes of the body: the body itself, or its multipart field
 * "audio".  0, or the status of the error written. */
static int audio_bytes(struct request *req, const char **data, size_t *len)
{
    const char *type;
    size_t type_len;
    int rc;

    if (strncmp(req->content_type, "audio/", 6) == 0 ||
        strcmp(req->content_type, "application/octet-stream") == 0) {
        *data = req->body;
        *len = req->body_len;
        return 0;
    }
    rc = multipart_find(request_env(req, "CONTENT_TYPE"), req->body, req->body_len, "audio",
                        data, len, &type, &type_len);
    if (rc == MULTIPART_OK)
        return 0;
    if (rc == MULTIPART_MISSING)
        return request_error_fields(req, 422, "validation_failed", "Some fields need attention.",
                                    json_pack("{s:s}", "audio", "Send the recording in the "
                                              "field \"audio\"."));
    return request_error(req, 400, "malformed_body", "The multipart body is malformed.");
}

/* What was said and how: the answer being made. */
struct said {
    const char *text;  /* arena */
    json_t *delivery;  /* spoken: model/delivery.h's numbers (arena); typed: NULL */
};

/* The delivery of a spoken answer, measured on pcm (borrowed) while it is
 * still in memory (new reference). */
static json_t *measure(const struct audio_pcm *pcm, const struct sarvam_transcript *heard,
                       const char *language)
{
    struct delivery_voice voice;
    struct delivery_fillers fillers;

    delivery_listen(pcm->samples, pcm->frames, AUDIO_RATE, heard->words, heard->nwords, &voice);
    delivery_fillers(language, heard->text, &fillers);
    return delivery_json(&voice, delivery_word_count(heard->text), &fillers);
}

/* The transcript and delivery of the body's audio: 0 with *out, or a status. */
static int transcribe(struct request *req, const char *language, struct said *out)
{
    struct audio_pcm pcm = {0};
    struct sarvam_transcript heard;
    const char *data;
    size_t len;
    int rc;

    if (!sarvam_is_configured())
        return interviews_speech_failure(req, SARVAM_NOT_CONFIGURED, true);
    if ((rc = audio_bytes(req, &data, &len)) != 0)
        return rc;
    rc = audio_decode(data, len, &(struct audio_limits){AUDIO_MAX_SECONDS, config.audio_cpu_ms},
                      &pcm);
    if (rc == AUDIO_UNSUPPORTED)
        return request_error(req, 415, "unsupported_media_type",
                             arena_printf(req->arena, "The recording could not be read. Send "
                                          "%s.", audio_accepted_formats));
    if (rc == AUDIO_TOO_LONG)
        return request_error(req, 413, "payload_too_large",
                             "An answer may be at most 5 minutes long.");
    if (rc == AUDIO_EMPTY)
        return audio_invalid(req, "The recording is empty.");
    if (rc == AUDIO_OUT_OF_RANGE)
        return audio_invalid(req, "Send the recording in mono or stereo, sampled at 48 kHz "
                                  "or less (16 kHz mono is best).");
    if (rc == AUDIO_OVER_BUDGET)
        return audio_invalid(req, "The recording takes too long to decode; send it as a "
                                  "16 kHz mono WAV.");
    if (rc != AUDIO_OK)
        return 500;
    routes_processed(req, "sarvam", "speech to text", "voice recording", NULL);
    rc = sarvam_transcribe(req->svc->sarvam, &pcm, language, req->started_ms, &heard);
    if (rc == SARVAM_OK)
        out->delivery = jsonx_own(req->arena, measure(&pcm, &heard, language));
    audio_pcm_free(&pcm);
    if (rc != SARVAM_OK)
        return interviews_speech_failure(req, rc, true);
    out->text = arena_strdup(req->arena, heard.text);
    sarvam_transcript_free(&heard);
    if (text_check_len((char *)out->text, TEXT_MAX * 4) != TEXT_OK)
        return audio_invalid(req, "No speech was heard in the recording.");
    return 0;
}

/* The typed answer of a JSON body: 0 with *text (arena), or a status. */
static int typed(struct request *req, const char **text)
{
    enum jsonx_error jerr;
    const char *where, *key;
    json_t *in, *v, *fields = jsonx_own(req->arena, json_object());
    char *s;

    in = jsonx_parse_object(req->arena, req->body, req->body_len, &jerr, &where);
    if (in == NULL)
        return request_error(req, 400, "malformed_body", "The body is not a valid JSON object.");
    json_object_foreach(in, key, v)
        if (strcmp(key, "text") != 0)
            json_object_set_new(fields, key, json_string("This field does not exist."));
    s = jsonx_string(in, "text") ? arena_strdup(req->arena, jsonx_string(in, "text")) : NULL;
    if (s == NULL || text_check_len(s, TEXT_MAX) != TEXT_OK)
        json_object_set_new(fields, "text", json_string("Give the answer as text of 1 to 5000 "
                                                        "characters."));
    if (json_object_size(fields) > 0)
        return request_error_fields(req, 422, "validation_failed", "Some fields need attention.",
                                    json_incref(fields));
    *text = s;
    return 0;
}

/* ---- the streamed answer --------------------------------------------- */

/* Does the client ask for the answer's progress, line by line? */
static bool wants_stream(struct request *req)
{
    const char *accept = request_env(req, "HTTP_ACCEPT");

    return accept != NULL && strstr(accept, "application/x-ndjson") != NULL;
}

/* One event line (event stolen), sent at once.  The stream begins with
 * the first.  0, or -1 when the client went away. */
static int event(struct request *req, json_t *ev)
{
    char *line = ev ? json_dumps(ev, JSON_COMPACT) : NULL;
    int rc = -1;

    json_decref(ev);
    if (line == NULL)
        return -1;
    if ((req->streaming || request_stream_begin(req, 200, "application/x-ndjson") == 0) &&
        request_stream_write(req, line, strlen(line)) == 0 &&
        request_stream_write(req, "\n", 1) == 0)
        rc = request_stream_flush(req);
    free(line);
    return rc;
}

/* The error the handler's step wrote (status rc), as the stream's last
 * line when the stream has begun; else the answer as it is. */
static int failed(struct request *req, int rc)
{
    json_t *err;

    if (!req->streaming)
        return rc;
    err = json_loadb(req->resp_body ? req->resp_body : "", req->resp_len, 0, NULL);
    log_warn("a streamed answer failed after its first line (%d %s)", rc,
             jsonx_string(json_object_get(err, "error"), "code") ?: "-");
    event(req, json_pack("{s:s, s:i, s:O?}", "event", "error", "status", rc, "error",
                         json_object_get(err, "error")));
    json_decref(err);
    return req->streamed_status;
}

/* The question's sentences, spoken: one "audio" line each, in order. */
struct speaking {
    struct request *req;
    json_int_t n;
};

static int audio_line(void *ctx, size_t seq, const struct audio_buf *wav)
{
    struct speaking *sp = ctx;
    size_t size = ENCODE_B64_SIZE(wav->len);
    char *b64 = malloc(size);
    int rc = -1;

    if (b64 != NULL && encode_b64(wav->p, wav->len, b64, size))
        rc = event(sp->req, json_pack("{s:s, s:I, s:I, s:s}", "event", "audio", "n", sp->n,
                                      "seq", (json_int_t)seq, "wav", b64));
    free(b64);
    return rc;
}

/* Speak question n as it streams; 0 or the status of the error written. */
static int speak_next(struct request *req, const char *language, json_int_t n, const char *text)
{
    struct speaking sp = {req, n};
    int rc;

    if (!sarvam_is_configured())
        return 0; /* the question is there to read: no audio lines */
    routes_processed(req, "sarvam", "text to speech", "question text", NULL);
    rc = sarvam_speak_each(req->svc->sarvam, text, language, req->started_ms, audio_line, &sp);
    return rc == SARVAM_OK ? 0 : interviews_speech_failure(req, rc, false);
}

/* The number of the newest answered question, or 0. */
static json_int_t last_answered(json_t *body)
{
    json_t *q;
    size_t i;
    json_int_t n = 0;

    json_array_foreach(json_object_get(body, "questions"), i, q)
        if (json_object_get(q, "answer") != NULL && json_integer_value(json_object_get(q, "n")) > n)
            n = json_integer_value(json_object_get(q, "n"));
    return n;
}

/* The question being answered: 0 with *n and *replace, or the status of
 * the 409/422 written.  An answer is for the waiting question (and
 * ?question=n guards against answering one twice); a replacement
 * (?replace=true) is for the newest answered question, named by
 * ?question=n, while the next has no answer. */
static int target(struct request *req, json_t *body, json_int_t *n, bool *replace)
{
    const char *asked = request_query(req, "question"), *again = request_query(req, "replace");
    json_int_t current = interviews_current(body), last = last_answered(body);
    char *end;
    long long want;

    if (again != NULL && strcmp(again, "true") != 0 && strcmp(again, "false") != 0)
        return request_error_fields(req, 422, "validation_failed", "Some fields need attention.",
                                    json_pack("{s:s}", "replace", "Give true or false."));
    *replace = again != NULL && strcmp(again, "true") == 0;
    if (*replace && asked == NULL)
        return request_error_fields(req, 422, "validation_failed", "Some fields need attention.",
                                    json_pack("{s:s}", "question", "Name the question to answer "
                                              "again: ?question=n&replace=true."));
    if (strcmp(jsonx_string(body, "status") ?: "", "active") != 0)
        return conflict(req, "This interview is finished.");
    if (!*replace) {
        if (current == 0)
            return conflict(req, "Every question has an answer; finish the interview.");
        if (asked != NULL &&
            strcmp(asked, arena_printf(req->arena, "%lld", (long long)current)) != 0)
            return conflict(req, "That question already has an answer.");
        *n = current;
        return 0;
    }
    want = strtoll(asked, &end, 10);
    if (last == 0)
        return conflict(req, "No question has an answer yet; there is nothing to answer again.");
    if (*asked == '\0' || *end != '\0' || want > last || want < 1)
        return conflict(req, arena_printf(req->arena, "That question has no answer to give "
                                          "again; only question %lld's can be.",
                                          (long long)last));
    if (want < last)
        return conflict(req, arena_printf(req->arena, "Question %lld already has an answer; "
                                          "only the newest answer, to question %lld, can be "
                                          "given again.", want + 1, (long long)last));
    *n = last;
    return 0;
}

/* Question n answered with said, as now; a replacement also drops the
 * questions after n (the one asked after the old answer). */
static void put_answer(json_t *body, json_int_t n, const struct said *said, const char *source,
                       bool replace)
{
    json_t *questions = json_object_get(body, "questions"), *q, *answer;
    size_t i;

    for (i = json_array_size(questions); i-- > 0;) {
        q = json_array_get(questions, i);
        if (replace && json_integer_value(json_object_get(q, "n")) > n)
            json_array_remove(questions, i);
        else if (json_integer_value(json_object_get(q, "n")) == n) {
            answer = json_pack("{s:s, s:s, s:I}", "text", said->text, "source", source,
                               "answeredAt", (json_int_t)clock_wall_ms());
            if (said->delivery != NULL)
                json_object_set(answer, "delivery", said->delivery);
            json_object_set_new(q, "answer", answer);
        }
    }
}

/* POST /api/interviews/{id}/answers[?question=n[&replace=true]]
 *   (audio | multipart audio | {"text"})
 *   -> 201 interview with the next question | 404 | 409 | 413 | 415 | 422 | 502 | 503 | 504
 *   (Accept: application/x-ndjson: 200, its progress line by line) */
int interviews_answer_route(struct request *req)
{
    const char *next = NULL, *source, *language;
    struct said said = {NULL, NULL};
    json_t *body;
    json_int_t current = 0, count;
    struct chain_ver v;
    bool is_json, replace = false, stream = wants_stream(req);
    int rc;

    arena_add_cleanup(req->arena, wipe_body, req);
    if (req->content_type == NULL)
        return request_error(req, 415, "unsupported_media_type",
                             "Send the answer as audio (audio/wav, or multipart with the field "
                             "\"audio\") or as application/json {\"text\"}.");
    is_json = strcmp(req->content_type, "application/json") == 0;
    if (!is_json && strncmp(req->content_type, "audio/", 6) != 0 &&
        strcmp(req->content_type, "application/octet-stream") != 0 &&
        strcmp(req->content_type, "multipart/form-data") != 0)
        return request_error(req, 415, "unsupported_media_type",
                             "Send the answer as audio (audio/wav, or multipart with the field "
                             "\"audio\") or as application/json {\"text\"}.");
    if ((rc = interviews_load(req, &body, &v)) != 0)
        return rc;
    if ((rc = target(req, body, &current, &replace)) != 0)
        return rc;

    count = json_integer_value(json_object_get(body, "questionCount"));
    language = jsonx_string(body, "language");
    /* speech to text, the next question (and its speech), or both: one of
     * today's AI calls */
    if ((!is_json || current < count) && (rc = routes_quota_ai(req)) != 0)
        return rc;
    source = is_json ? "text" : "audio";
    rc = is_json ? typed(req, &said.text) : transcribe(req, language, &said);
    if (rc != 0)
        return rc;
    if (stream && event(req, json_pack("{s:s, s:I, s:s, s:O?}", "event", "transcript", "n",
                                       current, "text", said.text, "delivery",
                                       said.delivery)) != 0)
        return req->streamed_status ? req->streamed_status : 500;

    put_answer(body, current, &said, source, replace);
    if (current < count) {
        if ((rc = interviews_ask(req, body, current + 1, &next)) != 0)
            return failed(req, rc);
        interviews_add_question(body, current + 1, next, clock_wall_ms());
        if (stream) {
            if (event(req, json_pack("{s:s, s:I, s:s}", "event", "question", "n", current + 1,
                                     "text", next)) != 0)
                return req->streamed_status;
            if ((rc = speak_next(req, language, current + 1, next)) != 0)
                return failed(req, rc);
        }
    }
    json_object_set_new(body, "updatedAt", json_integer(clock_wall_ms()));
    rc = interviews_commit(req->svc->db, req->user_id, request_param(req, "id"), &v, body);
    if (rc == STORE_CONFLICT)
        return failed(req, conflict(req, replace ? "The interview changed meanwhile; load it "
                                                   "again before answering again."
                                                 : "That question already has an answer."));
    if (rc != STORE_OK)
        return failed(req, routes_db_failure(req, rc));
    if (stream) {
        event(req, json_pack("{s:s, s:o}", "event", "done", "interview",
                             interviews_view(request_param(req, "id"), v.gen, body)));
        return req->streamed_status;
    }
    return request_json(req, 201, interviews_view(request_param(req, "id"), v.gen, body));
}

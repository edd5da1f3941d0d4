/*
 * interviews_questions.c - a question spoken: Sarvam text-to-speech in the
 * interview's language, made on every request and never stored
 * (Cache-Control: no-store, as every answer of ours).
 */
#include "routes/routes.h"

#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/jsonx.h"
#include "http/request.h"
#include "routes/interviews.h"
#include "svc/audio.h"
#include "svc/sarvam.h"
#include "svc/services.h"

static void free_wav(void *arg)
{
    audio_buf_free(arg);
}

/* GET /api/interviews/{id}/questions/{n}/audio -> 200 audio/wav | 404 | 502 | 503 | 504 */
int interviews_question_audio_route(struct request *req)
{
    const char *n_s = request_param(req, "n"), *text = NULL;
    struct audio_buf *wav;
    json_t *body, *q;
    struct chain_ver v;
    size_t i;
    int rc;

    if ((rc = interviews_load(req, &body, &v)) != 0)
        return rc;
    json_array_foreach(json_object_get(body, "questions"), i, q) {
        if (strcmp(n_s, arena_printf(req->arena, "%lld",
                                     (long long)json_integer_value(json_object_get(q, "n")))) == 0)
            text = jsonx_string(q, "text");
    }
    if (text == NULL)
        return request_error(req, 404, "not_found", "This interview has no such question yet.");
    if (!sarvam_is_configured())
        return interviews_speech_failure(req, SARVAM_NOT_CONFIGURED, false);
    if ((rc = routes_quota_ai(req)) != 0)
        return rc;
    wav = arena_calloc(req->arena, 1, sizeof(*wav));
    arena_add_cleanup(req->arena, free_wav, wav);
    routes_processed(req, "sarvam", "text to speech", "question text", NULL);
    rc = sarvam_speak(req->svc->sarvam, text, jsonx_string(body, "language"), req->started_ms,
                      wav);
    if (rc != SARVAM_OK)
        return interviews_speech_failure(req, rc, false);
    return request_bytes(req, 200, "audio/wav", wav->p, wav->len);
}

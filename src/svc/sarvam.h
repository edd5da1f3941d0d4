/*
 * sarvam.h - the only Sarvam AI client: speech-to-text and text-to-speech
 * over libcurl (docs/external-apis.md section 2).
 *
 * Configuration (src/base/config.c): SARVAM_API_KEY (unset:
 * SARVAM_NOT_CONFIGURED), SARVAM_BASE_URL (no /v1; default
 * https://api.sarvam.ai), SARVAM_STT_MODEL (saarika:v2.5),
 * SARVAM_TTS_MODEL (bulbul:v2 or bulbul:v3), SARVAM_TTS_SPEAKER (anushka;
 * shubh for bulbul:v3), SARVAM_TTS_SAMPLE_RATE (22050),
 * SARVAM_TIMEOUT_MS (per attempt, 30000).
 *
 * Requests carry the key in the api-subscription-key header.  Speech to
 * text: the 16 kHz mono PCM is cut into WAVs of at most 30 s, each POSTed
 * as multipart/form-data {file (chunk.wav, audio/wav), model,
 * language_code, with_timestamps=true} to base + "/speech-to-text", at most four at a time
 * (libcurl multi); the transcripts are joined with one space in the order
 * of the audio, whatever order the answers come in.  Text to speech: JSON
 * {text, target_language_code, speaker, model, speech_sample_rate} to base
 * + "/text-to-speech", one request per sentence (. ? ! । ॥ and newlines;
 * a sentence over the model's limit, bulbul:v2 1500 and bulbul:v3 2500
 * characters, cut at spaces), made at once, so the first sentence's
 * speech is ready after that sentence's synthesis, not the question's;
 * the WAVs are joined, in order, into one, or handed over one sentence at
 * a time as they come.
 *
 * Retries follow svc/retry.h with sarvam_retry_policy: each request is
 * retried at most twice, for 408, 429 (but not insufficient_quota_error),
 * 5xx and connection errors, after Retry-After (seconds or an HTTP date)
 * when given and at most 10 s (a longer wait asked for means no retry),
 * else a backoff from 1 s, capped at 8 s, with decorrelated jitter.
 * Everything, waits included, ends before JOBTUNE_REQUEST_TIMEOUT.
 *
 * Privacy: nothing here logs the key, audio, a transcript or a text; only
 * HTTP statuses, curl codes, chunk counts and attempt counts.  Buffers of
 * ours holding audio or transcripts are wiped before they are freed.
 */
#ifndef JT_SARVAM_H
#define JT_SARVAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/delivery.h"
#include "svc/audio.h"
#include "svc/retry.h"

struct sarvam;

enum sarvam_status {
    SARVAM_OK = 0,
    SARVAM_NOT_CONFIGURED = -1, /* SARVAM_API_KEY unset: 503 not_configured */
    SARVAM_AUTH = -2,           /* 403 (or 401): the key was rejected: 503 */
    SARVAM_TIMEOUT = -3,        /* no answer in time: 504 */
    SARVAM_UPSTREAM = -4,       /* 429/5xx after retries, other statuses, no connection: 502 */
    SARVAM_BAD_REQUEST = -5,    /* 400/422: Sarvam refused what we sent (logged) */
    SARVAM_BAD_OUTPUT = -6,     /* 200 without the documented JSON, or audio we cannot read */
    SARVAM_FAILED = -7,         /* our side: empty input or encoding failed (logged) */
};

/* Sarvam's numbers for the retry rule (docs/external-apis.md section 2:
 * the SDKs' 2 retries from 1 s, Retry-After honoured; the cap and the
 * longest wait asked for are ours, for a person waiting on an answer). */
extern const struct retry_policy sarvam_retry_policy;

/* Per process, after fork (holds the reused curl handles).  NULL only
 * when libcurl cannot start. */
struct sarvam *sarvam_new(void);
void sarvam_free(struct sarvam *s);

/* Is SARVAM_API_KEY set? */
bool sarvam_is_configured(void);

/* What sarvam_transcribe() heard.  Owned: sarvam_transcript_free(). */
struct sarvam_transcript {
    char *text;                  /* NUL-terminated UTF-8, "" when nothing was said */
    bool timed;                  /* every chunk with speech came with timestamps */
    struct delivery_span *words; /* when timed: each timed entry, in seconds from the
                                    recording's start (each chunk's shifted by its
                                    start), in order; NULL when none */
    size_t nwords;
};

/*
 * The transcript of pcm (borrowed, 16 kHz mono from audio_decode(); any
 * length -- the caller bounds it) in language_code (BCP-47 such as
 * "hi-IN", or "unknown" to detect), with word timestamps asked for
 * (with_timestamps=true).  SARVAM_OK: *out filled.  Otherwise *out is
 * empty.  started_ms (clock_mono_ms() when the HTTP request began, 0 =
 * now) anchors the deadline.
 */
int sarvam_transcribe(struct sarvam *s, const struct audio_pcm *pcm, const char *language_code,
                      uint64_t started_ms, struct sarvam_transcript *out);

/* Wipe and free what a transcript holds; t is left empty. */
void sarvam_transcript_free(struct sarvam_transcript *t);

/* Wipe and free a transcript.  NULL is fine. */
void sarvam_text_free(char *text);

/*
 * text (borrowed, UTF-8, not empty) spoken in language_code ("en-IN",
 * "hi-IN", ...) by SARVAM_TTS_SPEAKER as one WAV at
 * SARVAM_TTS_SAMPLE_RATE in *out_wav: audio_buf_free().  Each sentence
 * is its own request, all made at once, and the WAVs are joined in order.
 * On any other status *out_wav is empty.
 */
int sarvam_speak(struct sarvam *s, const char *text, const char *language_code,
                 uint64_t started_ms, struct audio_buf *out_wav);

/* Called with sentence seq's WAV (borrowed for the call); non-zero stops. */
typedef int (*sarvam_sentence_fn)(void *ctx, size_t seq, const struct audio_buf *wav);

/*
 * As sarvam_speak(), but each sentence's WAV goes to fn as soon as it and
 * every sentence before it is made (seq 0, 1, ... in order), and is wiped
 * after.  A non-zero return from fn ends it with SARVAM_FAILED.
 */
int sarvam_speak_each(struct sarvam *s, const char *text, const char *language_code,
                      uint64_t started_ms, sarvam_sentence_fn fn, void *ctx);

/* ---- pure parts, public for the unit tests ---------------------------------- */

/* Characters one text-to-speech request may carry for model (1500 for
 * bulbul:v2 and unknown models, 2500 for bulbul:v3). */
size_t sarvam_tts_char_limit(const char *model);

/* Characters (not bytes) of UTF-8 s[0..n). */
size_t sarvam_utf8_chars(const char *s, size_t n);

/*
 * text cut into pieces of at most limit (> 0) UTF-8 characters: at the last
 * sentence end that fits, else the last space, else at a character
 * boundary; pieces are trimmed of surrounding blanks and empty ones
 * dropped.  Returns the count; *out_pieces is a new array of new strings
 * (NULL for 0 pieces): sarvam_pieces_free().
 */
size_t sarvam_split_text(const char *text, size_t limit, char ***out_pieces);
void sarvam_pieces_free(char **pieces, size_t n);

/* text cut into its sentences (a mark . ? ! । ॥ or a newline, followed by
 * a blank or the end), each longer than limit cut further as
 * sarvam_split_text() does; trimmed, empty ones dropped.  As
 * sarvam_split_text() for the result. */
size_t sarvam_split_sentences(const char *text, size_t limit, char ***out_pieces);

#endif

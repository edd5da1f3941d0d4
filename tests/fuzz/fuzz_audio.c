/*
 * fuzz_audio.c - decoding an uploaded recording and cutting it into the
 * pieces the speech service takes.
 *
 * The input is the upload, decoded by audio_decode() through libsndfile's
 * virtual I/O with the answer route's 300 s limit and a CPU budget of 2 s
 * (production's is 5 s without sanitizers): an input within every cap
 * that decodes 5 minutes of 48 kHz stereo took 16 s here without one, and
 * every mutation of it as long.  What decodes is cut by
 * audio_split() (into pieces of 1/8 s here, so that short inputs make
 * several; the cutting does not depend on the size), each piece is probed
 * back as 16 kHz mono, and the pieces are joined by audio_join_wav(),
 * which must give back every sample.  A file of more channels or a
 * higher rate than audio_decode() takes (audio_probe() says) is refused
 * as such, and nothing else is.  What decodes is also measured as the
 * answer route measures it (delivery_listen()), whose numbers must fit the
 * recording; and the input, read as a transcript, is searched for
 * fillers (delivery_fillers()), which cannot outnumber its words.
 */
#include "fuzz.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "model/delivery.h"
#include "svc/audio.h"

#define MAX_SECONDS 300.0
#define CPU_MS 2000
#define PIECE_FRAMES (AUDIO_RATE / 8)

/* The input as a transcript: fillers are whole words of it. */
static void fillers_of(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    struct delivery_fillers f;

    memcpy(text, data, size);
    text[size] = '\0';
    delivery_fillers("hi-IN", text, &f);
    FUZZ_CHECK(f.count <= delivery_word_count(text) && f.ntop <= DELIVERY_TOP);
    free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct delivery_voice voice;
    struct audio_pcm pcm = {0};
    struct audio_buf *chunks = NULL, joined = {0};
    size_t n = 0, frames = 0, total = 0;
    int rate, channels, rc;
    bool wide;

    fillers_of(data, size);
    rc = audio_probe(data, size, &rate, &channels, &frames);
    wide = rc == AUDIO_OK && (channels > AUDIO_MAX_CHANNELS || rate > AUDIO_MAX_RATE);

    rc = audio_decode(data, size, &(struct audio_limits){MAX_SECONDS, CPU_MS}, &pcm);
    FUZZ_CHECK(rc <= 0 && rc >= AUDIO_OVER_BUDGET);
    FUZZ_CHECK((rc == AUDIO_OUT_OF_RANGE) == wide);
    if (rc != AUDIO_OK) {
        FUZZ_CHECK(pcm.samples == NULL && pcm.frames == 0);
        return 0;
    }
    FUZZ_CHECK(pcm.frames > 0 && pcm.frames <= (size_t)(MAX_SECONDS * AUDIO_RATE) + 8192);
    delivery_listen(pcm.samples, pcm.frames, AUDIO_RATE, NULL, 0, &voice);
    FUZZ_CHECK(voice.speaking_seconds <= voice.duration_seconds + 1e-9);
    FUZZ_CHECK(voice.longest_pause <= voice.duration_seconds + 1e-9);
    FUZZ_CHECK((double)voice.pauses * DELIVERY_PAUSE_SECONDS <= voice.duration_seconds + 1e-9);
    rc = audio_split(&pcm, PIECE_FRAMES, &chunks, &n);
    FUZZ_CHECK(rc == AUDIO_OK);
    FUZZ_CHECK(n == audio_chunk_count(pcm.frames, PIECE_FRAMES));
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(audio_probe(chunks[i].p, chunks[i].len, &rate, &channels, &frames) ==
                   AUDIO_OK);
        FUZZ_CHECK(rate == AUDIO_RATE && channels == 1 && frames <= PIECE_FRAMES);
        total += frames;
    }
    FUZZ_CHECK(total == pcm.frames);
    FUZZ_CHECK(audio_join_wav(chunks, n, &joined) == AUDIO_OK);
    FUZZ_CHECK(audio_probe(joined.p, joined.len, &rate, &channels, &frames) == AUDIO_OK);
    FUZZ_CHECK(frames == pcm.frames);
    audio_buf_free(&joined);
    audio_chunks_free(chunks, n);
    audio_pcm_free(&pcm);
    return 0;
}

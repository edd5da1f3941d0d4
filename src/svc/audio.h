/*
 * audio.h - speech audio in memory, over libsndfile and libsamplerate: the
 * only code that includes either.
 *
 * What the mock interview needs: an uploaded recording decoded into the
 * one format the speech service is best at (16 kHz, mono, 16-bit PCM),
 * cut into pieces of at most 30 s (its synchronous limit), each a WAV; and
 * the WAVs of several text-to-speech answers joined into one.
 *
 * Privacy: raw audio never touches disk (libsndfile reads and writes
 * through virtual I/O on memory buffers, no temporary file), is never
 * logged, and every buffer of ours that held it is wiped with
 * explicit_bzero() before it is freed -- by the *_free functions below,
 * so callers must release audio only through them.  (Buffers internal to
 * libsndfile, libsamplerate and libcurl are theirs and not wiped.)
 */
#ifndef JT_AUDIO_H
#define JT_AUDIO_H

#include <stddef.h>
#include <stdint.h>

enum audio_status {
    AUDIO_OK = 0,
    AUDIO_UNSUPPORTED = -1,  /* not a format we read: 415, naming audio_accepted_formats */
    AUDIO_TOO_LONG = -2,     /* longer than the caller's maximum */
    AUDIO_EMPTY = -3,        /* a readable file without one sample */
    AUDIO_MISMATCH = -4,     /* audio_join_wav: the parts differ in rate or channels */
    AUDIO_FAILED = -5,       /* the resampler or the encoder failed (logged) */
    AUDIO_OUT_OF_RANGE = -6, /* more channels or a higher rate than audio_decode() takes */
    AUDIO_OVER_BUDGET = -7,  /* decoding took more CPU time than the caller allowed */
};

/* The output of audio_decode(). */
#define AUDIO_RATE 16000
/* What audio_decode() takes: speech needs neither more than stereo nor
 * more than 48 kHz (every microphone records at or below it), and each
 * channel and each kHz more is decoding work a few bytes can ask for. */
#define AUDIO_MAX_CHANNELS 2
#define AUDIO_MAX_RATE 48000
/* The longest piece the speech-to-text API takes synchronously. */
#define AUDIO_CHUNK_SECONDS 30
#define AUDIO_CHUNK_FRAMES ((size_t)AUDIO_RATE * AUDIO_CHUNK_SECONDS)

/* The formats audio_decode() reads, for the 415 answer; static. */
extern const char audio_accepted_formats[];

/* 16 kHz mono 16-bit samples.  Owned by whoever filled it: audio_pcm_free(). */
struct audio_pcm {
    int16_t *samples;
    size_t frames; /* = samples, as there is one channel */
};

/* Bytes of an encoded file (a WAV).  Owned: audio_buf_free(). */
struct audio_buf {
    unsigned char *p;
    size_t len;
};

/* The bounds of one audio_decode(). */
struct audio_limits {
    double max_seconds; /* the longest recording */
    long cpu_ms;        /* the calling thread's CPU time it may take; 0 = unbounded */
};

/*
 * Decode data[len] (borrowed; WAV of any common sample format, FLAC,
 * OGG Vorbis/Opus, MP3 -- whatever this libsndfile reads) into 16 kHz mono
 * 16-bit PCM in *out.  Resampled only when the rate differs, mixed down
 * (the channels' mean) only when not mono: a 16 kHz mono 16-bit input comes
 * back sample for sample.  Refused before any decoding: more than
 * AUDIO_MAX_CHANNELS or AUDIO_MAX_RATE (AUDIO_OUT_OF_RANGE), a header
 * longer than lim->max_seconds (AUDIO_TOO_LONG).  Longer than that in
 * fact: AUDIO_TOO_LONG, found while reading, so a long file is not
 * decoded to the end; more CPU time than lim->cpu_ms: AUDIO_OVER_BUDGET.
 * On any status but AUDIO_OK, *out is empty.
 */
int audio_decode(const void *data, size_t len, const struct audio_limits *lim,
                 struct audio_pcm *out);

/* Wipe and free the samples; pcm is left empty.  NULL is fine. */
void audio_pcm_free(struct audio_pcm *pcm);

/* Wipe and free the bytes; b is left empty.  NULL is fine. */
void audio_buf_free(struct audio_buf *b);

/* How many pieces audio_split() makes of frames samples (max_frames > 0). */
size_t audio_chunk_count(size_t frames, size_t max_frames);

/*
 * Encode samples[frames] (borrowed; 16-bit, interleaved when channels > 1)
 * as a WAV at rate into *out.  AUDIO_OK or AUDIO_FAILED.
 */
int audio_wav_encode(const int16_t *samples, size_t frames, int rate, int channels,
                     struct audio_buf *out);

/*
 * Cut pcm (borrowed) into audio_chunk_count(pcm->frames, max_frames)
 * consecutive pieces of max_frames samples (the last one shorter), each a
 * 16 kHz mono 16-bit WAV.  *out_chunks is a new array: audio_chunks_free().
 * AUDIO_EMPTY for no samples, else AUDIO_OK or AUDIO_FAILED.
 */
int audio_split(const struct audio_pcm *pcm, size_t max_frames, struct audio_buf **out_chunks,
                size_t *out_n);

/* Wipe and free n chunks and the array. */
void audio_chunks_free(struct audio_buf *chunks, size_t n);

/*
 * Join WAVs parts[0..n) (borrowed), in order, into one WAV of the same
 * rate, channels and sample format (that of the first part) in *out.
 * AUDIO_MISMATCH when the rates or channel counts differ,
 * AUDIO_UNSUPPORTED when a part is not readable audio, AUDIO_EMPTY for
 * n == 0.  Parts without samples (a 44-byte WAV) are allowed.
 */
int audio_join_wav(const struct audio_buf *parts, size_t n, struct audio_buf *out);

/* Facts about a WAV (or any readable audio) in memory, for checks:
 * AUDIO_OK or AUDIO_UNSUPPORTED. */
int audio_probe(const void *data, size_t len, int *rate, int *channels, size_t *frames);

#endif

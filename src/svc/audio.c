/*
 * audio.c - decode, resample, cut and join speech audio in memory (see
 * audio.h for the formats and the outcomes).
 *
 * Invariants:
 *  - libsndfile only ever sees memory: every file is opened with
 *    sf_open_virtual() on a struct vfile, read-only over the caller's bytes
 *    or writable over a buffer of ours.  Nothing is written to disk.
 *  - Every buffer of ours that holds samples or encoded audio grows by
 *    allocate-copy-wipe-free (never realloc, which could leave a copy
 *    behind in the heap) and is wiped with explicit_bzero() before free().
 *  - Nothing here logs audio: only sizes, rates and library error codes.
 *  - A 16 kHz mono 16-bit input is read as shorts and copied: no float
 *    round trip, no resampler, so it comes back sample for sample.
 *  - The work is bounded by what the audio is, never by how few bytes
 *    say it: a FLAC frame of constant subframes is a few bytes per
 *    channel for 65,535 samples, so a 61 KB upload can announce 918
 *    million samples (8 channels at 384 kHz for 299 s).  Before one
 *    sample is decoded, the header's channels (at most 2), rate (at most
 *    48 kHz) and length (at most the caller's seconds) are checked; a
 *    header that gives no length (or an estimate: MP3) is decoded once
 *    without conversion to count its frames first (cheap: no float, no
 *    resampler); libsndfile stops reading at the length a header gives,
 *    and every block read is counted, so no file decodes past the limit;
 *    and the thread's CPU time is checked between blocks against the
 *    caller's budget.
 */
#include "svc/audio.h"

#include <samplerate.h>
#include <sndfile.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/mem.h"

#define BLOCK_FRAMES 4096
#define WAV_HEADER_SLACK 256 /* room for the header libsndfile writes */
#define MIN_RATE 1000
#define MAX_RATE 384000

const char audio_accepted_formats[] = "WAV, AIFF, FLAC, OGG (Vorbis or Opus), MP3";

/* ---- buffers that are wiped -------------------------------------------------- */

/* Free p (size bytes) after wiping it. */
static void wipe_free(void *p, size_t size)
{
    if (p == NULL)
        return;
    explicit_bzero(p, size);
    free(p);
}

/* p (holding used of cap bytes) moved to a new block of newcap bytes, the
 * rest zeroed; the old block is wiped and freed. */
static void *wipe_grow(void *p, size_t used, size_t cap, size_t newcap)
{
    unsigned char *q = mem_calloc(1, newcap);

    if (p != NULL) {
        memcpy(q, p, used);
        wipe_free(p, cap);
    }
    return q;
}

void audio_pcm_free(struct audio_pcm *pcm)
{
    if (pcm == NULL)
        return;
    wipe_free(pcm->samples, pcm->frames * sizeof(int16_t));
    pcm->samples = NULL;
    pcm->frames = 0;
}

void audio_buf_free(struct audio_buf *b)
{
    if (b == NULL)
        return;
    wipe_free(b->p, b->len);
    b->p = NULL;
    b->len = 0;
}

void audio_chunks_free(struct audio_buf *chunks, size_t n)
{
    if (chunks == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        audio_buf_free(&chunks[i]);
    free(chunks);
}

/* ---- virtual files ------------------------------------------------------------- */

struct vfile {
    unsigned char *p; /* read: the caller's bytes; write: ours (wiped) */
    size_t len;       /* bytes of content */
    size_t cap;       /* write: bytes allocated */
    size_t pos;
};

static sf_count_t vf_len(void *user)
{
    return (sf_count_t)((struct vfile *)user)->len;
}

static sf_count_t vf_seek(sf_count_t offset, int whence, void *user)
{
    struct vfile *f = user;
    sf_count_t base = whence == SEEK_CUR ? (sf_count_t)f->pos
                      : whence == SEEK_END ? (sf_count_t)f->len : 0;

    if (base + offset < 0)
        return -1;
    f->pos = (size_t)(base + offset);
    return (sf_count_t)f->pos;
}

static sf_count_t vf_read(void *ptr, sf_count_t count, void *user)
{
    struct vfile *f = user;
    size_t n;

    if (count <= 0 || f->pos >= f->len)
        return 0;
    n = f->len - f->pos;
    if ((size_t)count < n)
        n = (size_t)count;
    memcpy(ptr, f->p + f->pos, n);
    f->pos += n;
    return (sf_count_t)n;
}

static sf_count_t vf_write(const void *ptr, sf_count_t count, void *user)
{
    struct vfile *f = user;
    size_t end;

    if (count <= 0)
        return 0;
    end = f->pos + (size_t)count;
    if (end > f->cap) {
        size_t newcap = f->cap * 2 > end ? f->cap * 2 : end;

        f->p = wipe_grow(f->p, f->len, f->cap, newcap);
        f->cap = newcap;
    }
    /* a seek past the end leaves zeroes (wipe_grow's calloc) in between */
    memcpy(f->p + f->pos, ptr, (size_t)count);
    f->pos = end;
    if (end > f->len)
        f->len = end;
    return count;
}

static sf_count_t vf_tell(void *user)
{
    return (sf_count_t)((struct vfile *)user)->pos;
}

static SF_VIRTUAL_IO vio = {vf_len, vf_seek, vf_read, vf_write, vf_tell};

/* The containers we accept (audio_accepted_formats, plus their kin). */
static bool is_accepted_major(int format)
{
    switch (format & SF_FORMAT_TYPEMASK) {
    case SF_FORMAT_WAV:
    case SF_FORMAT_WAVEX:
    case SF_FORMAT_RF64:
    case SF_FORMAT_W64:
    case SF_FORMAT_AIFF:
    case SF_FORMAT_FLAC:
    case SF_FORMAT_OGG:
    case SF_FORMAT_MPEG:
        return true;
    default:
        return false;
    }
}

/* Open data[len] for reading; NULL when libsndfile does not know it or it
 * is not one of ours. */
static SNDFILE *open_reader(struct vfile *f, const void *data, size_t len, SF_INFO *info)
{
    SNDFILE *sf;

    memset(f, 0, sizeof(*f));
    f->p = (unsigned char *)data; /* only read through vf_read */
    f->len = len;
    memset(info, 0, sizeof(*info));
    if (data == NULL || len == 0)
        return NULL;
    sf = sf_open_virtual(&vio, SFM_READ, info, f);
    if (sf == NULL)
        return NULL;
    if (!is_accepted_major(info->format) || info->channels < 1 || info->channels > 64 ||
        info->samplerate < MIN_RATE || info->samplerate > MAX_RATE) {
        sf_close(sf);
        return NULL;
    }
    return sf;
}

int audio_probe(const void *data, size_t len, int *rate, int *channels, size_t *frames)
{
    struct vfile f;
    SF_INFO info;
    SNDFILE *sf = open_reader(&f, data, len, &info);

    if (sf == NULL)
        return AUDIO_UNSUPPORTED;
    *rate = info.samplerate;
    *channels = info.channels;
    *frames = info.frames > 0 ? (size_t)info.frames : 0;
    sf_close(sf);
    return AUDIO_OK;
}

/* ---- decoding -------------------------------------------------------------------- */

/* The limits of one decoding, checked between blocks. */
struct decoding {
    sf_count_t max_frames; /* at the input's rate */
    long cpu_ms;           /* CPU budget, 0 = none */
    int64_t cpu_start_ns;
};

static int64_t thread_cpu_ns(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static bool over_budget(const struct decoding *d)
{
    return d->cpu_ms > 0 && thread_cpu_ns() - d->cpu_start_ns > (int64_t)d->cpu_ms * 1000000;
}

/* Whether the header's length bounds the reading: libsndfile stops at
 * info->frames, except when a header gives none (SF_COUNT_MAX: a FLAC
 * streamed without its total), and an MP3's is an estimate. */
static bool length_is_known(const SF_INFO *info)
{
    return info->frames < SF_COUNT_MAX && (info->format & SF_FORMAT_TYPEMASK) != SF_FORMAT_MPEG;
}

/* The frames of an input without a known length, decoded as shorts and
 * dropped (wiped): AUDIO_OK, or AUDIO_TOO_LONG past d->max_frames, or
 * AUDIO_OVER_BUDGET. */
static int count_frames(SNDFILE *sf, int channels, const struct decoding *d)
{
    size_t size = BLOCK_FRAMES * (size_t)channels * sizeof(short);
    short *scratch = mem_alloc(size);
    sf_count_t total = 0, got;
    int rc = AUDIO_OK;

    while ((got = sf_readf_short(sf, scratch, BLOCK_FRAMES)) > 0) {
        total += got;
        if (total > d->max_frames) {
            rc = AUDIO_TOO_LONG;
            break;
        }
        if (over_budget(d)) {
            rc = AUDIO_OVER_BUDGET;
            break;
        }
    }
    wipe_free(scratch, size);
    return rc;
}

/* The 16 kHz samples being gathered. */
struct pcm_builder {
    int16_t *p;
    size_t n, cap; /* in samples */
};

static void builder_reserve(struct pcm_builder *b, size_t more)
{
    size_t want = b->n + more, newcap;

    if (want <= b->cap)
        return;
    newcap = b->cap ? b->cap * 2 : (size_t)AUDIO_RATE * 10;
    while (newcap < want)
        newcap *= 2;
    b->p = wipe_grow(b->p, b->n * sizeof(int16_t), b->cap * sizeof(int16_t),
                     newcap * sizeof(int16_t));
    b->cap = newcap;
}

static int16_t to_s16(float v)
{
    float s = v * 32768.0f;

    if (!(s > -32768.0f)) /* NaN too */
        return s != s ? 0 : -32768;
    if (s >= 32767.0f)
        return 32767;
    return (int16_t)(s >= 0.0f ? s + 0.5f : s - 0.5f); /* nearest; no libm */
}

static void builder_add_float(struct pcm_builder *b, const float *v, size_t n)
{
    builder_reserve(b, n);
    for (size_t i = 0; i < n; i++)
        b->p[b->n++] = to_s16(v[i]);
}

/* The fast path: 16 kHz mono 16-bit, copied as read. */
static int read_passthrough(SNDFILE *sf, const struct decoding *d, struct pcm_builder *b)
{
    sf_count_t got;

    for (;;) {
        builder_reserve(b, BLOCK_FRAMES);
        got = sf_readf_short(sf, b->p + b->n, BLOCK_FRAMES);
        if (got <= 0)
            return AUDIO_OK;
        b->n += (size_t)got;
        if ((sf_count_t)b->n > d->max_frames)
            return AUDIO_TOO_LONG;
        if (over_budget(d))
            return AUDIO_OVER_BUDGET;
    }
}

/* Everything else: floats, mixed down, resampled when the rate differs. */
static int read_converting(SNDFILE *sf, const SF_INFO *info, const struct decoding *dec,
                           struct pcm_builder *b)
{
    size_t ch = (size_t)info->channels, in_size = BLOCK_FRAMES * ch * sizeof(float);
    size_t mono_size = BLOCK_FRAMES * sizeof(float);
    float *in = mem_alloc(in_size), *mono = mem_alloc(mono_size), *out = mem_alloc(mono_size);
    SRC_STATE *src = NULL;
    sf_count_t total = 0, got;
    size_t first = b->n;
    int rc = AUDIO_OK, err = 0;

    /* the fastest sinc converter: 97 dB SNR, 80% of the band (6.4 kHz at
     * 16 kHz), all speech recognition hears; on the longest answer (300 s
     * of 48 kHz stereo) it takes 1.5 s of CPU time, the medium one 3.7 s */
    if (info->samplerate != AUDIO_RATE &&
        (src = src_new(SRC_SINC_FASTEST, 1, &err)) == NULL) {
        log_error("audio: libsamplerate could not start (%s)", src_strerror(err));
        rc = AUDIO_FAILED;
        goto done;
    }
    do {
        got = sf_readf_float(sf, in, BLOCK_FRAMES);
        if (got < 0)
            got = 0;
        total += got;
        if (total > dec->max_frames) {
            rc = AUDIO_TOO_LONG;
            break;
        }
        if (over_budget(dec)) {
            rc = AUDIO_OVER_BUDGET;
            break;
        }
        for (sf_count_t i = 0; i < got; i++) {
            float sum = 0.0f;

            for (size_t c = 0; c < ch; c++)
                sum += in[(size_t)i * ch + c];
            mono[i] = sum / (float)ch;
        }
        if (src == NULL) {
            builder_add_float(b, mono, (size_t)got);
            continue;
        }
        /* feed this block; at the end (got == 0) drain what the filter holds */
        SRC_DATA d = {.data_in = mono, .input_frames = got, .data_out = out,
                      .output_frames = BLOCK_FRAMES, .end_of_input = got == 0,
                      .src_ratio = (double)AUDIO_RATE / info->samplerate};
        for (;;) {
            if ((err = src_process(src, &d)) != 0) {
                log_error("audio: resampling failed (%s)", src_strerror(err));
                rc = AUDIO_FAILED;
                goto done;
            }
            builder_add_float(b, out, (size_t)d.output_frames_gen);
            d.data_in += d.input_frames_used * 1;
            d.input_frames -= d.input_frames_used;
            if (d.input_frames == 0 && (!d.end_of_input || d.output_frames_gen == 0))
                break;
        }
    } while (got > 0);
    /* the sinc filter's drain may leave the output a sample short of (or
     * past) the input's duration: make it exact, so that times measured on
     * the samples (and Sarvam's) are the answer's own */
    if (src != NULL && rc == AUDIO_OK) {
        size_t want = first + (size_t)((total * AUDIO_RATE + info->samplerate / 2) /
                                       info->samplerate);

        builder_reserve(b, want > b->n ? want - b->n : 0);
        while (b->n < want)
            b->p[b->n++] = 0;
        b->n = want;
    }
done:
    if (src != NULL)
        src_delete(src);
    wipe_free(in, in_size);
    wipe_free(mono, mono_size);
    wipe_free(out, mono_size);
    return rc;
}

/* Open data[len] for decoding within lim: *sf, or the status that refuses
 * it from its header alone (frames without a known length are counted). */
static int open_within(const void *data, size_t len, const struct audio_limits *lim,
                       struct vfile *f, SF_INFO *info, struct decoding *d, SNDFILE **sf)
{
    int rc;

    if ((*sf = open_reader(f, data, len, info)) == NULL)
        return AUDIO_UNSUPPORTED;
    d->max_frames = (sf_count_t)(lim->max_seconds * info->samplerate);
    if (info->channels > AUDIO_MAX_CHANNELS || info->samplerate > AUDIO_MAX_RATE)
        rc = AUDIO_OUT_OF_RANGE;
    else if (length_is_known(info))
        rc = info->frames > d->max_frames ? AUDIO_TOO_LONG : AUDIO_OK;
    else if ((rc = count_frames(*sf, info->channels, d)) == AUDIO_OK) {
        sf_close(*sf); /* counted: read it again from the start */
        *sf = open_reader(f, data, len, info);
        return *sf == NULL ? AUDIO_UNSUPPORTED : AUDIO_OK;
    }
    if (rc != AUDIO_OK) {
        sf_close(*sf);
        *sf = NULL;
    }
    return rc;
}

int audio_decode(const void *data, size_t len, const struct audio_limits *lim,
                 struct audio_pcm *out)
{
    struct decoding d = {.cpu_ms = lim->cpu_ms, .cpu_start_ns = thread_cpu_ns()};
    struct pcm_builder b = {0};
    struct vfile f;
    SF_INFO info;
    SNDFILE *sf;
    int rc;

    out->samples = NULL;
    out->frames = 0;
    if ((rc = open_within(data, len, lim, &f, &info, &d, &sf)) != AUDIO_OK)
        return rc;
    if (info.samplerate == AUDIO_RATE && info.channels == 1 &&
        (info.format & SF_FORMAT_SUBMASK) == SF_FORMAT_PCM_16)
        rc = read_passthrough(sf, &d, &b);
    else
        rc = read_converting(sf, &info, &d, &b);
    /* nothing decoded: an empty recording, or one whose frames are not
     * what its header said (libsndfile's error) */
    if (rc == AUDIO_OK && b.n == 0)
        rc = sf_error(sf) != SF_ERR_NO_ERROR ? AUDIO_UNSUPPORTED : AUDIO_EMPTY;
    sf_close(sf);
    if (rc != AUDIO_OK) {
        wipe_free(b.p, b.cap * sizeof(int16_t));
        return rc;
    }
    /* hand over exactly n samples, so audio_pcm_free() knows the size */
    out->samples = wipe_grow(b.p, b.n * sizeof(int16_t), b.cap * sizeof(int16_t),
                             b.n * sizeof(int16_t));
    out->frames = b.n;
    return AUDIO_OK;
}

/* ---- encoding and cutting ----------------------------------------------------------- */

/* A writable virtual file, sized for size bytes of audio. */
static void vfile_for_writing(struct vfile *f, size_t size)
{
    memset(f, 0, sizeof(*f));
    f->cap = size + WAV_HEADER_SLACK;
    f->p = mem_calloc(1, f->cap);
}

/* Close a writer and move its bytes to out; AUDIO_FAILED if libsndfile
 * reports an error. */
static int finish_writer(SNDFILE *sf, struct vfile *f, struct audio_buf *out)
{
    if (sf_close(sf) != 0) {
        wipe_free(f->p, f->cap);
        return AUDIO_FAILED;
    }
    out->p = wipe_grow(f->p, f->len, f->cap, f->len ? f->len : 1);
    out->len = f->len;
    return AUDIO_OK;
}

int audio_wav_encode(const int16_t *samples, size_t frames, int rate, int channels,
                     struct audio_buf *out)
{
    SF_INFO info = {.samplerate = rate, .channels = channels,
                    .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16};
    struct vfile f;
    SNDFILE *sf;

    out->p = NULL;
    out->len = 0;
    vfile_for_writing(&f, frames * (size_t)channels * sizeof(int16_t));
    if ((sf = sf_open_virtual(&vio, SFM_WRITE, &info, &f)) == NULL) {
        log_error("audio: cannot start a WAV (%s)", sf_strerror(NULL));
        wipe_free(f.p, f.cap);
        return AUDIO_FAILED;
    }
    if (sf_writef_short(sf, samples, (sf_count_t)frames) != (sf_count_t)frames) {
        log_error("audio: writing a WAV failed (%s)", sf_strerror(sf));
        sf_close(sf);
        wipe_free(f.p, f.cap);
        return AUDIO_FAILED;
    }
    return finish_writer(sf, &f, out);
}

size_t audio_chunk_count(size_t frames, size_t max_frames)
{
    return max_frames == 0 ? 0 : (frames + max_frames - 1) / max_frames;
}

int audio_split(const struct audio_pcm *pcm, size_t max_frames, struct audio_buf **out_chunks,
                size_t *out_n)
{
    size_t n = audio_chunk_count(pcm->frames, max_frames);
    struct audio_buf *chunks;

    *out_chunks = NULL;
    *out_n = 0;
    if (n == 0)
        return AUDIO_EMPTY;
    chunks = mem_calloc(n, sizeof(*chunks));
    for (size_t i = 0; i < n; i++) {
        size_t off = i * max_frames;
        size_t len = pcm->frames - off < max_frames ? pcm->frames - off : max_frames;

        if (audio_wav_encode(pcm->samples + off, len, AUDIO_RATE, 1, &chunks[i]) != AUDIO_OK) {
            audio_chunks_free(chunks, n);
            return AUDIO_FAILED;
        }
    }
    *out_chunks = chunks;
    *out_n = n;
    return AUDIO_OK;
}

/* ---- joining ------------------------------------------------------------------------ */

/* Copy every frame of part into the writer, through doubles (exact for
 * every integer format up to 32 bits). */
static int copy_frames(SNDFILE *w, const struct audio_buf *part, int channels)
{
    size_t size = BLOCK_FRAMES * (size_t)channels * sizeof(double);
    double *buf = mem_alloc(size);
    struct vfile f;
    SF_INFO info;
    SNDFILE *r = open_reader(&f, part->p, part->len, &info);
    sf_count_t got;
    int rc = AUDIO_OK;

    if (r == NULL)
        rc = AUDIO_UNSUPPORTED;
    while (rc == AUDIO_OK && (got = sf_readf_double(r, buf, BLOCK_FRAMES)) > 0) {
        if (sf_writef_double(w, buf, got) != got)
            rc = AUDIO_FAILED;
    }
    if (r != NULL)
        sf_close(r);
    wipe_free(buf, size);
    return rc;
}

int audio_join_wav(const struct audio_buf *parts, size_t n, struct audio_buf *out)
{
    SF_INFO info = {0};
    struct vfile f;
    SNDFILE *w;
    size_t total = 0;
    int subformat = SF_FORMAT_PCM_16;

    out->p = NULL;
    out->len = 0;
    if (n == 0)
        return AUDIO_EMPTY;
    for (size_t i = 0; i < n; i++) {
        struct vfile rf;
        SF_INFO pi;
        SNDFILE *r = open_reader(&rf, parts[i].p, parts[i].len, &pi);

        if (r == NULL)
            return AUDIO_UNSUPPORTED;
        sf_close(r);
        if (i == 0) {
            info.samplerate = pi.samplerate;
            info.channels = pi.channels;
            subformat = pi.format & SF_FORMAT_SUBMASK;
        } else if (pi.samplerate != info.samplerate || pi.channels != info.channels) {
            return AUDIO_MISMATCH;
        }
        total += parts[i].len;
    }
    info.format = SF_FORMAT_WAV | subformat;
    if (!sf_format_check(&info))
        info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16; /* e.g. Vorbis parts */
    vfile_for_writing(&f, total);
    if ((w = sf_open_virtual(&vio, SFM_WRITE, &info, &f)) == NULL) {
        log_error("audio: cannot start the joined WAV (%s)", sf_strerror(NULL));
        wipe_free(f.p, f.cap);
        return AUDIO_FAILED;
    }
    /* a float WAV would get a PEAK chunk, which is of no use to a player */
    sf_command(w, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
    for (size_t i = 0; i < n; i++) {
        int rc = copy_frames(w, &parts[i], info.channels);

        if (rc != AUDIO_OK) {
            sf_close(w);
            wipe_free(f.p, f.cap);
            return rc;
        }
    }
    return finish_writer(w, &f, out);
}

/* Unit tests: svc/audio.c -- decoding with pass-through, resampling and
 * mix-down, the duration limit, cutting into 30 s WAVs, joining WAVs.
 * Test audio is generated here with libsndfile's virtual writes: no files. */
#include <sndfile.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "base/mem.h"
#include "svc/audio.h"

/* Limits of a duration only, no CPU budget. */
#define LIMIT(seconds) ((struct audio_limits){.max_seconds = (seconds)})

/* A growable in-memory file for making test inputs. */
struct memfile {
    unsigned char *p;
    sf_count_t len, pos, cap;
};

static sf_count_t mf_len(void *u) { return ((struct memfile *)u)->len; }
static sf_count_t mf_tell(void *u) { return ((struct memfile *)u)->pos; }

static sf_count_t mf_seek(sf_count_t off, int whence, void *u)
{
    struct memfile *f = u;

    f->pos = (whence == SEEK_CUR ? f->pos : whence == SEEK_END ? f->len : 0) + off;
    return f->pos;
}

static sf_count_t mf_read(void *ptr, sf_count_t n, void *u)
{
    struct memfile *f = u;

    if (n > f->len - f->pos)
        n = f->len - f->pos;
    if (n <= 0)
        return 0;
    memcpy(ptr, f->p + f->pos, (size_t)n);
    f->pos += n;
    return n;
}

static sf_count_t mf_write(const void *ptr, sf_count_t n, void *u)
{
    struct memfile *f = u;

    if (f->pos + n > f->cap) {
        f->cap = (f->pos + n) * 2;
        f->p = mem_realloc(f->p, (size_t)f->cap);
    }
    memcpy(f->p + f->pos, ptr, (size_t)n);
    f->pos += n;
    if (f->pos > f->len)
        f->len = f->pos;
    return n;
}

static SF_VIRTUAL_IO mf_io = {mf_len, mf_seek, mf_read, mf_write, mf_tell};

/* A file of `format` holding frames x channels shorts; the caller frees
 * out->p. */
static void make_audio(int format, int rate, int channels, const int16_t *s, size_t frames,
                       struct audio_buf *out)
{
    struct memfile f = {0};
    SF_INFO info = {.samplerate = rate, .channels = channels, .format = format};
    SNDFILE *sf = sf_open_virtual(&mf_io, SFM_WRITE, &info, &f);

    CHECK(sf != NULL);
    if (sf == NULL) {
        out->p = NULL;
        out->len = 0;
        return;
    }
    CHECK(sf_writef_short(sf, s, (sf_count_t)frames) == (sf_count_t)frames);
    sf_close(sf);
    out->p = f.p;
    out->len = (size_t)f.len;
}

/* frames x channels of a 400 Hz triangle wave (a different phase per
 * channel), with the extremes of the 16-bit range at the start to catch
 * any rounding. */
static int16_t *tone(int rate, int channels, size_t frames)
{
    int16_t *s = mem_alloc(frames * (size_t)channels * sizeof(int16_t));

    for (size_t i = 0; i < frames; i++)
        for (int c = 0; c < channels; c++)
        {
            long period = rate / 400, ph = ((long)i + c * period / 4) % period;
            long v = ph < period / 2 ? ph : period - ph; /* 0 .. period/2 */

            s[i * (size_t)channels + (size_t)c] = (int16_t)(v * 24000 / (period / 2) - 12000);
        }
    if (frames > 3) {
        s[0] = 32767;
        s[1] = -32768;
        s[2] = 1;
    }
    return s;
}

TEST(audio_passthrough_is_sample_exact)
{
    size_t frames = 16000 * 2 + 123;
    int16_t *s = tone(16000, 1, frames);
    struct audio_buf wav;
    struct audio_pcm pcm;

    make_audio(SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 1, s, frames, &wav);
    CHECK_INT(audio_decode(wav.p, wav.len, &LIMIT(300), &pcm), AUDIO_OK);
    CHECK_INT(pcm.frames, frames);
    CHECK(pcm.samples != NULL && memcmp(pcm.samples, s, frames * sizeof(int16_t)) == 0);
    audio_pcm_free(&pcm);
    CHECK(pcm.samples == NULL && pcm.frames == 0);
    free(wav.p);

    /* FLAC of the same: lossless, so also exact (through the float path) */
    make_audio(SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 16000, 1, s, frames, &wav);
    CHECK_INT(audio_decode(wav.p, wav.len, &LIMIT(300), &pcm), AUDIO_OK);
    CHECK_INT(pcm.frames, frames);
    CHECK(pcm.samples != NULL && memcmp(pcm.samples, s, frames * sizeof(int16_t)) == 0);
    audio_pcm_free(&pcm);
    free(wav.p);
    free(s);
}

TEST(audio_resamples_and_mixes_down)
{
    size_t frames = 44100 * 3; /* 3 s at 44.1 kHz, stereo */
    int16_t *s = tone(44100, 2, frames);
    struct audio_buf wav;
    struct audio_pcm pcm;
    double energy = 0;

    make_audio(SF_FORMAT_WAV | SF_FORMAT_PCM_16, 44100, 2, s, frames, &wav);
    CHECK_INT(audio_decode(wav.p, wav.len, &LIMIT(300), &pcm), AUDIO_OK);
    /* 3 s at 16 kHz, give or take the resampler's edge */
    CHECK(pcm.frames >= 48000 - 2 && pcm.frames <= 48000 + 2);
    for (size_t i = 1000; i < pcm.frames && i < 2000; i++)
        energy += (double)pcm.samples[i] * pcm.samples[i];
    CHECK(energy > 1000.0 * 1e6); /* a tone, not silence */
    audio_pcm_free(&pcm);
    free(wav.p);

    /* Ogg Vorbis at 48 kHz mono */
    free(s);
    s = tone(48000, 1, 48000);
    make_audio(SF_FORMAT_OGG | SF_FORMAT_VORBIS, 48000, 1, s, 48000, &wav);
    CHECK_INT(audio_decode(wav.p, wav.len, &LIMIT(300), &pcm), AUDIO_OK);
    CHECK(pcm.frames >= 16000 - 2 && pcm.frames <= 16000 + 2);
    audio_pcm_free(&pcm);
    free(wav.p);
    free(s);
}

TEST(audio_reads_opus_and_mp3)
{
    int16_t *s = tone(48000, 1, 48000);
    struct audio_buf wav;
    struct audio_pcm pcm;

    /* Ogg Opus, 1 s at 48 kHz */
    make_audio(SF_FORMAT_OGG | SF_FORMAT_OPUS, 48000, 1, s, 48000, &wav);
    CHECK_INT(audio_decode(wav.p, wav.len, &LIMIT(300), &pcm), AUDIO_OK);
    CHECK(pcm.frames >= 16000 - 400 && pcm.frames <= 16000 + 400); /* codec padding */
    audio_pcm_free(&pcm);
    free(wav.p);
    /* MP3 (Debian's libsndfile reads it with mpg123, writes it with LAME) */
    make_audio(SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III, 48000, 1, s, 48000, &wav);
    CHECK_INT(audio_decode(wav.p, wav.len, &LIMIT(300), &pcm), AUDIO_OK);
    CHECK(pcm.frames >= 16000 - 1200 && pcm.frames <= 16000 + 1200); /* encoder delay */
    audio_pcm_free(&pcm);
    free(wav.p);
    free(s);
}

TEST(audio_70s_cuts_into_three_chunks)
{
    size_t frames = 16000 * 70, total = 0, n = 0;
    int16_t *s = mem_calloc(frames, sizeof(int16_t));
    struct audio_buf wav, *chunks = NULL;
    struct audio_pcm pcm;

    for (size_t i = 0; i < frames; i += 7)
        s[i] = (int16_t)(i % 30000);
    make_audio(SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 1, s, frames, &wav);
    CHECK_INT(audio_decode(wav.p, wav.len, &LIMIT(300), &pcm), AUDIO_OK);
    CHECK_INT(audio_chunk_count(pcm.frames, AUDIO_CHUNK_FRAMES), 3);
    CHECK_INT(audio_split(&pcm, AUDIO_CHUNK_FRAMES, &chunks, &n), AUDIO_OK);
    CHECK_INT(n, 3);
    for (size_t i = 0; i < n; i++) {
        int rate = 0, channels = 0;
        size_t cf = 0;
        struct audio_pcm back;

        CHECK_INT(audio_probe(chunks[i].p, chunks[i].len, &rate, &channels, &cf), AUDIO_OK);
        CHECK_INT(rate, 16000);
        CHECK_INT(channels, 1);
        CHECK(cf <= AUDIO_CHUNK_FRAMES);
        CHECK_INT(chunks[i].len, 44 + cf * 2); /* a plain 16-bit WAV */
        CHECK(memcmp(chunks[i].p, "RIFF", 4) == 0 && memcmp(chunks[i].p + 8, "WAVE", 4) == 0);
        /* each chunk holds exactly its slice of the input */
        CHECK_INT(audio_decode(chunks[i].p, chunks[i].len, &LIMIT(30), &back), AUDIO_OK);
        CHECK(back.frames == cf &&
              memcmp(back.samples, s + total, cf * sizeof(int16_t)) == 0);
        audio_pcm_free(&back);
        total += cf;
    }
    CHECK_INT(total, frames);
    audio_chunks_free(chunks, n);
    audio_pcm_free(&pcm);
    free(wav.p);
    free(s);
}

TEST(audio_limits_and_garbage)
{
    size_t frames = 16000 * 11;
    int16_t *s = mem_calloc(frames, sizeof(int16_t));
    unsigned char garbage[4096];
    struct audio_buf wav;
    struct audio_pcm pcm = {(int16_t *)1, 5};

    make_audio(SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 1, s, frames, &wav);
    CHECK_INT(audio_decode(wav.p, wav.len, &LIMIT(10), &pcm), AUDIO_TOO_LONG);
    CHECK(pcm.samples == NULL && pcm.frames == 0);
    CHECK_INT(audio_decode(wav.p, wav.len, &LIMIT(11), &pcm), AUDIO_OK);
    audio_pcm_free(&pcm);
    free(wav.p);
    /* the same at 8 kHz stereo float: through the converting path */
    free(s);
    s = mem_calloc(8000 * 2 * 11, sizeof(int16_t));
    make_audio(SF_FORMAT_WAV | SF_FORMAT_FLOAT, 8000, 2, s, 8000 * 11, &wav);
    CHECK_INT(audio_decode(wav.p, wav.len, &LIMIT(10), &pcm), AUDIO_TOO_LONG);
    free(wav.p);
    free(s);

    for (size_t i = 0; i < sizeof(garbage); i++)
        garbage[i] = (unsigned char)(i * 7919 >> 3);
    CHECK_INT(audio_decode(garbage, sizeof(garbage), &LIMIT(300), &pcm), AUDIO_UNSUPPORTED);
    CHECK_INT(audio_decode("RIFF", 4, &LIMIT(300), &pcm), AUDIO_UNSUPPORTED);
    CHECK_INT(audio_decode("", 0, &LIMIT(300), &pcm), AUDIO_UNSUPPORTED);
    CHECK(pcm.samples == NULL);
    CHECK(strstr(audio_accepted_formats, "WAV") != NULL);
}

TEST(audio_join_wavs)
{
    int16_t a[100], b[50];
    struct audio_buf parts[3], out;
    struct audio_pcm pcm;
    int rate = 0, channels = 0;
    size_t frames = 0;

    for (int i = 0; i < 100; i++)
        a[i] = (int16_t)(i + 1);
    for (int i = 0; i < 50; i++)
        b[i] = (int16_t)(-i - 1);
    CHECK_INT(audio_wav_encode(a, 100, 16000, 1, &parts[0]), AUDIO_OK);
    CHECK_INT(audio_wav_encode(b, 50, 16000, 1, &parts[1]), AUDIO_OK);
    CHECK_INT(audio_wav_encode(b, 0, 16000, 1, &parts[2]), AUDIO_OK); /* empty: 44 bytes */
    CHECK_INT(parts[2].len, 44);
    CHECK_INT(audio_join_wav(parts, 3, &out), AUDIO_OK);
    CHECK_INT(audio_probe(out.p, out.len, &rate, &channels, &frames), AUDIO_OK);
    CHECK_INT(rate, 16000);
    CHECK_INT(frames, 150);
    CHECK_INT(audio_decode(out.p, out.len, &LIMIT(1), &pcm), AUDIO_OK);
    CHECK(pcm.frames == 150 && memcmp(pcm.samples, a, sizeof(a)) == 0 &&
          memcmp(pcm.samples + 100, b, sizeof(b)) == 0);
    audio_pcm_free(&pcm);
    audio_buf_free(&out);
    audio_buf_free(&parts[1]);

    /* a different rate: refused */
    CHECK_INT(audio_wav_encode(b, 50, 22050, 1, &parts[1]), AUDIO_OK);
    CHECK_INT(audio_join_wav(parts, 2, &out), AUDIO_MISMATCH);
    CHECK(out.p == NULL);
    audio_buf_free(&parts[1]);
    /* different channels: refused */
    CHECK_INT(audio_wav_encode(b, 25, 16000, 2, &parts[1]), AUDIO_OK);
    CHECK_INT(audio_join_wav(parts, 2, &out), AUDIO_MISMATCH);
    audio_buf_free(&parts[1]);
    /* not audio, or nothing */
    parts[1].p = (unsigned char *)mem_strdup("not a wav at all, not even close");
    parts[1].len = strlen((char *)parts[1].p);
    CHECK_INT(audio_join_wav(parts, 2, &out), AUDIO_UNSUPPORTED);
    CHECK_INT(audio_join_wav(parts, 0, &out), AUDIO_EMPTY);
    audio_buf_free(&parts[1]);
    audio_buf_free(&parts[0]);
    audio_buf_free(&parts[2]);
    CHECK(parts[0].p == NULL && parts[0].len == 0);
}

/* STREAMINFO's total samples (the low 36 bits at bytes 18..25 of a FLAC
 * whose first block is STREAMINFO) set to 0: "unknown", as a streaming
 * encoder leaves it. */
static void flac_forget_length(struct audio_buf *flac)
{
    CHECK(flac->len > 26 && memcmp(flac->p, "fLaC", 4) == 0 && (flac->p[4] & 0x7f) == 0);
    flac->p[21] &= 0xf0;
    memset(flac->p + 22, 0, 4);
}

TEST(audio_refuses_the_work_before_decoding)
{
    size_t frames = 48000 * 20;
    int16_t *s = mem_calloc(frames * 3, sizeof(int16_t));
    struct audio_pcm pcm = {0};
    struct audio_buf f;

    /* channels and rate: refused from the header */
    make_audio(SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 3, s, 1600, &f);
    CHECK_INT(audio_decode(f.p, f.len, &LIMIT(300), &pcm), AUDIO_OUT_OF_RANGE);
    CHECK(pcm.samples == NULL && pcm.frames == 0);
    free(f.p);
    make_audio(SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 2, s, 1600, &f);
    CHECK_INT(audio_decode(f.p, f.len, &LIMIT(300), &pcm), AUDIO_OK);
    audio_pcm_free(&pcm);
    free(f.p);
    make_audio(SF_FORMAT_WAV | SF_FORMAT_PCM_16, 48001, 1, s, 4800, &f);
    CHECK_INT(audio_decode(f.p, f.len, &LIMIT(300), &pcm), AUDIO_OUT_OF_RANGE);
    free(f.p);
    make_audio(SF_FORMAT_WAV | SF_FORMAT_PCM_16, 48000, 1, s, 4800, &f);
    CHECK_INT(audio_decode(f.p, f.len, &LIMIT(300), &pcm), AUDIO_OK);
    CHECK(pcm.frames >= 1600 - 2 && pcm.frames <= 1600 + 2);
    audio_pcm_free(&pcm);
    free(f.p);

    /* a FLAC without its length: counted before it is converted */
    make_audio(SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 16000, 1, s, 16000 * 12, &f);
    flac_forget_length(&f);
    CHECK_INT(audio_decode(f.p, f.len, &LIMIT(10), &pcm), AUDIO_TOO_LONG);
    CHECK_INT(audio_decode(f.p, f.len, &LIMIT(13), &pcm), AUDIO_OK);
    CHECK_INT(pcm.frames, 16000 * 12);
    audio_pcm_free(&pcm);
    free(f.p);

    /* the CPU budget: 20 s of 48 kHz stereo takes far more than 1 ms */
    make_audio(SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 48000, 2, s, frames, &f);
    CHECK_INT(audio_decode(f.p, f.len, &(struct audio_limits){.max_seconds = 300, .cpu_ms = 1},
                           &pcm), AUDIO_OVER_BUDGET);
    CHECK(pcm.samples == NULL && pcm.frames == 0);
    free(f.p);
    free(s);
}

const struct unit_test audio_tests[] = {
    {"audio_passthrough_is_sample_exact", audio_passthrough_is_sample_exact},
    {"audio_resamples_and_mixes_down", audio_resamples_and_mixes_down},
    {"audio_reads_opus_and_mp3", audio_reads_opus_and_mp3},
    {"audio_70s_cuts_into_three_chunks", audio_70s_cuts_into_three_chunks},
    {"audio_limits_and_garbage", audio_limits_and_garbage},
    {"audio_join_wavs", audio_join_wavs},
    {"audio_refuses_the_work_before_decoding", audio_refuses_the_work_before_decoding},
    {NULL, NULL},
};

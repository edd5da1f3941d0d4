/*
 * sarvam_probe - drives svc/audio.c and svc/sarvam.c from the command line
 * against whatever SARVAM_BASE_URL names (the tests: fake_sarvam.py), so
 * the client can be tested before the routes that use it exist.  Built by
 * `make check` (a check program, not a test itself); configured from the
 * environment exactly like jobtuned (config_load).
 *
 *   sarvam_probe stt LANGUAGE < audio     transcript on stdout
 *   sarvam_probe tts LANGUAGE TEXT > wav  the joined WAV on stdout
 *
 * stderr gets one line: "rc=<status> ms=<elapsed> frames=<16 kHz samples>"
 * (frames: stt only).  Exit status 0 when rc is 0, 1 otherwise, 2 on misuse.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>

#include "base/clock.h"
#include "base/config.h"
#include "base/mem.h"
#include "svc/audio.h"
#include "svc/sarvam.h"

static unsigned char *read_all(FILE *f, size_t *len)
{
    size_t cap = 1 << 16, n = 0, got;
    unsigned char *buf = mem_alloc(cap);

    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            buf = mem_realloc(buf, cap *= 2);
    }
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    char err[256];
    struct sarvam *s;
    uint64_t t0;
    int rc;

    mem_install();
    if (argc < 3 || (strcmp(argv[1], "stt") != 0 && strcmp(argv[1], "tts") != 0) ||
        (strcmp(argv[1], "tts") == 0 && argc < 4)) {
        fprintf(stderr, "usage: sarvam_probe stt LANGUAGE < audio | tts LANGUAGE TEXT\n");
        return 2;
    }
    if (config_load(err, sizeof(err)) < 0) {
        fprintf(stderr, "configuration: %s\n", err);
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    s = sarvam_new();
    t0 = clock_mono_ms();
    if (strcmp(argv[1], "stt") == 0) {
        size_t len;
        unsigned char *data = read_all(stdin, &len);
        struct audio_pcm pcm;
        struct sarvam_transcript heard;

        rc = audio_decode(data, len, &(struct audio_limits){.max_seconds = 300}, &pcm);
        free(data);
        if (rc != AUDIO_OK) {
            fprintf(stderr, "audio=%d\n", rc);
            return 1;
        }
        t0 = clock_mono_ms();
        rc = sarvam_transcribe(s, &pcm, argv[2], 0, &heard);
        fprintf(stderr, "rc=%d ms=%llu frames=%zu\n", rc,
                (unsigned long long)(clock_mono_ms() - t0), pcm.frames);
        if (heard.text != NULL)
            printf("%s\n", heard.text);
        sarvam_transcript_free(&heard);
        audio_pcm_free(&pcm);
    } else {
        struct audio_buf wav;

        rc = sarvam_speak(s, argv[3], argv[2], 0, &wav);
        fprintf(stderr, "rc=%d ms=%llu\n", rc, (unsigned long long)(clock_mono_ms() - t0));
        if (rc == SARVAM_OK)
            fwrite(wav.p, 1, wav.len, stdout);
        audio_buf_free(&wav);
    }
    sarvam_free(s);
    curl_global_cleanup();
    return rc == 0 ? 0 : 1;
}

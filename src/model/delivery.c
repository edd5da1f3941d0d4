/*
 * delivery.c - pace, fillers and pauses of a spoken answer (see
 * delivery.h).
 *
 * The voice-activity pass reads the samples twice and allocates nothing:
 * the first pass makes a histogram of the 20 ms frames' levels (1 dB
 * bins), from which the threshold is set between the quiet level (the
 * 10th percentile) and the loud one (the 90th), so that a quiet room and
 * a noisy one are both split where the speech is; the second pass marks
 * each frame voiced or not and measures the silences between speech.
 *
 * The filler lists are data (below).  A filler is matched only as whole
 * words, so "umbrella" or "summer" are no "um", and a phrase ("you know")
 * only as consecutive words.  Some fillers are also ordinary words ("वो"
 * is "that"; "kind of" can be meant): the count is a hint for practice,
 * shown as numbers with no verdict of its own (the pace alone has one).
 */
#include "model/delivery.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

#define FRAME_MS 20
#define BRIDGE_SECONDS 0.25
#define FLOOR_DB (-55.0)
#define SILENT_DB (-96.0)
#define BINS 97 /* -96 .. 0 dB */
#define QUIET_SHARE 0.10
#define LOUD_SHARE 0.90
#define THRESHOLD_AT 0.35 /* of the way from the quiet level to the loud one */

/* ---- voice activity ---------------------------------------------------- */

static double level_db(const int16_t *s, size_t n)
{
    double sum = 0;

    for (size_t i = 0; i < n; i++)
        sum += (double)s[i] * s[i];
    if (sum == 0)
        return SILENT_DB;
    sum = 10.0 * log10(sum / (double)n / (32768.0 * 32768.0));
    return sum < SILENT_DB ? SILENT_DB : sum;
}

static int bin_of(double db)
{
    int b = (int)floor(db - SILENT_DB);

    return b < 0 ? 0 : b >= BINS ? BINS - 1 : b;
}

/* The level below which share of the frames are. */
static double percentile(const size_t *hist, size_t total, double share)
{
    size_t want = (size_t)ceil(share * (double)total), seen = 0;

    for (int b = 0; b < BINS; b++) {
        seen += hist[b];
        if (seen >= want && seen > 0)
            return SILENT_DB + b;
    }
    return 0;
}

/* Is time t between two of the words (not within one)?  *k walks the
 * words as t grows. */
static bool between_words(const struct delivery_span *w, size_t n, size_t *k, double t)
{
    if (n == 0 || t < w[0].start || t > w[n - 1].end)
        return false;
    while (*k < n && w[*k].end < t)
        (*k)++;
    return *k < n && t < w[*k].start;
}

void delivery_listen(const int16_t *samples, size_t frames, int rate,
                     const struct delivery_span *words, size_t nwords,
                     struct delivery_voice *out)
{
    size_t step = rate > 0 ? (size_t)rate * FRAME_MS / 1000 : 0, hist[BINS] = {0}, nframes = 0;
    size_t bridge = (size_t)(BRIDGE_SECONDS * rate), pause = (size_t)(DELIVERY_PAUSE_SECONDS * rate);
    size_t speaking = 0, silence = 0, longest = 0, k = 0;
    double threshold, quiet, loud;
    bool heard = false;

    memset(out, 0, sizeof(*out));
    if (step == 0 || frames == 0)
        return;
    out->duration_seconds = (double)frames / rate;
    for (size_t at = 0; at < frames; at += step) {
        hist[bin_of(level_db(samples + at, frames - at < step ? frames - at : step))]++;
        nframes++;
    }
    quiet = percentile(hist, nframes, QUIET_SHARE);
    loud = percentile(hist, nframes, LOUD_SHARE);
    threshold = quiet + THRESHOLD_AT * (loud - quiet);
    if (threshold < FLOOR_DB)
        threshold = FLOOR_DB;
    for (size_t at = 0; at < frames; at += step) {
        size_t n = frames - at < step ? frames - at : step;

        if (level_db(samples + at, n) <= threshold ||
            between_words(words, nwords, &k, ((double)at + n / 2.0) / rate)) {
            silence += n;
            continue;
        }
        /* a silence between speech ends here */
        if (heard && silence > 0) {
            if (silence < bridge)
                speaking += silence;
            if (silence >= pause)
                out->pauses++;
            if (silence > longest)
                longest = silence;
        }
        heard = true;
        silence = 0;
        speaking += n;
    }
    out->speaking_seconds = (double)speaking / rate;
    out->longest_pause = out->pauses > 0 ? (double)longest / rate : 0;
}

/* ---- words and fillers ------------------------------------------------- */

/* Bytes of a separator at s (NUL-terminated), or 0 for a word character.
 * Blanks and ASCII punctuation but the apostrophe ("I'm" is one word);
 * the Devanagari dandas, dashes, the ellipsis and curly double quotes. */
static size_t separator_len(const char *s)
{
    static const char *const wide[] = {"\xE0\xA5\xA4", "\xE0\xA5\xA5", "\xE2\x80\x93",
                                       "\xE2\x80\x94", "\xE2\x80\xA6", "\xE2\x80\x9C",
                                       "\xE2\x80\x9D"};
    unsigned char c = (unsigned char)*s;

    if (c < 0x80)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       c == '\''
                   ? 0
                   : 1;
    for (size_t i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
        if (strncmp(s, wide[i], 3) == 0)
            return 3;
    return 0;
}

struct token {
    const char *p;
    size_t len;
};

/* The words of text; *n their count.  A new array (NULL when none). */
static struct token *tokenize(const char *text, size_t *n)
{
    struct token *t = NULL;
    size_t cap = 0;
    const char *p = text;

    *n = 0;
    while (*p != '\0') {
        size_t sep = separator_len(p);
        const char *start = p;

        if (sep > 0) {
            p += sep;
            continue;
        }
        while (*p != '\0' && separator_len(p) == 0)
            p++;
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            t = mem_realloc(t, cap * sizeof(*t));
        }
        t[(*n)++] = (struct token){start, (size_t)(p - start)};
    }
    return t;
}

size_t delivery_word_count(const char *text)
{
    size_t n;

    free(tokenize(text != NULL ? text : "", &n));
    return n;
}

/* A filler: its words as written in transcripts, and the name the counts
 * go under (several spellings of one sound count as one). */
struct filler {
    const char *words;
    const char *name;
};

/* Every language: the hesitation sounds, spelled as transcripts spell them. */
static const struct filler hesitations[] = {
    {"um", "um"}, {"umm", "um"}, {"uh", "uh"}, {"uhh", "uh"}, {"er", "er"}, {"erm", "er"},
    {"ah", "ah"}, {"hmm", "hmm"}, {"hm", "hmm"}, {"hmmm", "hmm"}, {NULL, NULL},
};

static const struct filler english[] = {
    {"you know", "you know"}, {"i mean", "I mean"}, {"kind of", "kind of"},
    {"sort of", "sort of"}, {NULL, NULL},
};

/* Hindi, in Devanagari (what the speech service writes) and romanised. */
static const struct filler hindi[] = {
    {"haan toh", "haan toh"}, {"haan to", "haan toh"}, {"हाँ तो", "हाँ तो"},
    {"हां तो", "हाँ तो"}, {"matlab", "matlab"}, {"मतलब", "मतलब"}, {"woh", "woh"}, {"वो", "वो"},
    {NULL, NULL},
};

/* The lists of a language, hesitations first; NULL-terminated. */
static void lists_of(const char *language, const struct filler *out[4])
{
    size_t n = 0;

    out[n++] = hesitations;
    if (language != NULL && strncmp(language, "en", 2) == 0) {
        out[n++] = english;
    } else if (language != NULL && strncmp(language, "hi", 2) == 0) {
        out[n++] = hindi;
        out[n++] = english; /* spoken Hindi borrows them */
    }
    out[n] = NULL;
}

static bool same_word(const struct token *t, const char *w, size_t wlen)
{
    if (t->len != wlen)
        return false;
    for (size_t i = 0; i < wlen; i++) {
        unsigned char a = (unsigned char)t->p[i], b = (unsigned char)w[i];

        if (a >= 'A' && a <= 'Z')
            a = (unsigned char)(a - 'A' + 'a');
        if (a != b)
            return false;
    }
    return true;
}

/* Words of f matched at t[0..n): how many tokens it covers, or 0. */
static size_t match(const struct filler *f, const struct token *t, size_t n)
{
    const char *w = f->words;
    size_t used = 0;

    while (*w != '\0') {
        const char *end = strchr(w, ' ');
        size_t wlen = end ? (size_t)(end - w) : strlen(w);

        if (used == n || !same_word(&t[used], w, wlen))
            return 0;
        used++;
        w += wlen + (end != NULL);
    }
    return used;
}

#define NAMES_MAX 32

/* The counts by name, in the order the names were first met. */
struct tally {
    const char *names[NAMES_MAX];
    size_t counts[NAMES_MAX];
    size_t n;
};

static void count_one(struct tally *t, const char *name)
{
    size_t i;

    for (i = 0; i < t->n && strcmp(t->names[i], name) != 0; i++)
        ;
    if (i == t->n) {
        if (t->n == NAMES_MAX)
            return;
        t->names[t->n++] = name;
    }
    t->counts[i]++;
}

/* The DELIVERY_TOP most frequent of t, ties in the order first met. */
static void top_of(const struct tally *t, struct delivery_fillers *out)
{
    bool taken[NAMES_MAX] = {false};

    for (out->ntop = 0; out->ntop < DELIVERY_TOP && out->ntop < t->n; out->ntop++) {
        size_t best = NAMES_MAX;

        for (size_t i = 0; i < t->n; i++)
            if (!taken[i] && (best == NAMES_MAX || t->counts[i] > t->counts[best]))
                best = i;
        taken[best] = true;
        out->top[out->ntop].word = t->names[best];
        out->top[out->ntop].count = t->counts[best];
    }
}

void delivery_fillers(const char *language, const char *text, struct delivery_fillers *out)
{
    const struct filler *lists[4];
    struct tally tally = {.n = 0};
    size_t n, i = 0;
    struct token *t = tokenize(text != NULL ? text : "", &n);

    memset(out, 0, sizeof(*out));
    lists_of(language, lists);
    while (i < n) {
        const struct filler *best = NULL;
        size_t used = 0;

        /* the longest match wins: "haan toh" over a lone word */
        for (size_t l = 0; lists[l] != NULL; l++) {
            for (const struct filler *f = lists[l]; f->words != NULL; f++) {
                size_t u = match(f, t + i, n - i);

                if (u > used) {
                    used = u;
                    best = f;
                }
            }
        }
        if (best != NULL) {
            out->count++;
            count_one(&tally, best->name);
        }
        i += used ? used : 1;
    }
    free(t);
    top_of(&tally, out);
}

/* ---- the stored numbers ------------------------------------------------ */

static double round_to(double v, double unit)
{
    return floor(v / unit + 0.5) * unit;
}

static double per_minute(double count, double seconds)
{
    return seconds > 0 ? count * 60.0 / seconds : 0;
}

json_t *delivery_json(const struct delivery_voice *voice, size_t words,
                      const struct delivery_fillers *fillers)
{
    json_t *top = json_array();

    for (size_t i = 0; i < fillers->ntop; i++)
        json_array_append_new(top, json_pack("{s:s, s:I}", "word", fillers->top[i].word,
                                             "count", (json_int_t)fillers->top[i].count));
    return json_pack("{s:f, s:I, s:f, s:f, s:{s:I, s:f, s:o}, s:{s:I, s:f}}",
                     "durationSeconds", round_to(voice->duration_seconds, 0.01),
                     "words", (json_int_t)words,
                     "wordsPerMinute", round_to(per_minute((double)words,
                                                           voice->duration_seconds), 0.1),
                     "speakingSeconds", round_to(voice->speaking_seconds, 0.01),
                     "fillers", "count", (json_int_t)fillers->count, "perMinute",
                     round_to(per_minute((double)fillers->count, voice->duration_seconds), 0.01),
                     "top", top,
                     "pauses", "count", (json_int_t)voice->pauses, "longestSeconds",
                     round_to(voice->longest_pause, 0.01));
}

static double number(json_t *o, const char *key)
{
    return json_number_value(json_object_get(o, key));
}

json_t *delivery_summary(json_t *deliveries)
{
    double seconds = 0, words = 0, fillers = 0, longest = 0, wpm;
    size_t i, n = 0;
    json_t *d;

    json_array_foreach(deliveries, i, d) {
        if (!json_is_object(d))
            continue;
        n++;
        seconds += number(d, "durationSeconds");
        words += number(d, "words");
        fillers += number(json_object_get(d, "fillers"), "count");
        if (number(json_object_get(d, "pauses"), "longestSeconds") > longest)
            longest = number(json_object_get(d, "pauses"), "longestSeconds");
    }
    if (n == 0)
        return json_null();
    wpm = round_to(per_minute(words, seconds), 0.1);
    return json_pack("{s:I, s:f, s:f, s:{s:i, s:i, s:s}, s:f, s:f}",
                     "answers", (json_int_t)n, "durationSeconds", round_to(seconds, 0.01),
                     "wordsPerMinute", wpm,
                     "pace", "min", DELIVERY_PACE_MIN, "max", DELIVERY_PACE_MAX, "verdict",
                     wpm < DELIVERY_PACE_MIN ? "slow"
                     : wpm > DELIVERY_PACE_MAX ? "fast" : "comfortable",
                     "fillersPerMinute", round_to(per_minute(fillers, seconds), 0.01),
                     "longestPauseSeconds", round_to(longest, 0.01));
}

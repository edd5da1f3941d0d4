/*
 * delivery.h - how a spoken answer was said, in numbers: its pace, its
 * fillers and its pauses (docs/ARCHITECTURE.md, "Delivery").  Pure: the
 * caller hands over the decoded samples and the transcript, and keeps
 * only the numbers; nothing here keeps a sample or a word.
 *
 * Pauses come from the samples themselves, an energy-based voice-activity
 * pass (delivery_listen()), so they are right whether or not the speech
 * service gave word timestamps; when it did, a gap between words counts
 * as silence too (a noisy room hides silences from the energy, not from
 * the words' timing).  The words are counted in the transcript
 * (delivery_word_count()), timestamps or not.  Fillers are
 * matched as whole words and phrases of the transcript against a list per
 * language (delivery_fillers()).
 */
#ifndef JT_DELIVERY_H
#define JT_DELIVERY_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* A silence at least this long, between speech, is a pause. */
#define DELIVERY_PAUSE_SECONDS 2.0
/* The pace the report calls comfortable, in words a minute: the range
 * speech coaches give for an interview or a talk. */
#define DELIVERY_PACE_MIN 120
#define DELIVERY_PACE_MAX 160
/* How many fillers the per-answer "top" names. */
#define DELIVERY_TOP 3

/* What delivery_listen() hears in the samples. */
struct delivery_voice {
    double duration_seconds; /* all of the recording */
    double speaking_seconds; /* voiced, the gaps within words and between them bridged */
    size_t pauses;           /* silences of DELIVERY_PAUSE_SECONDS or more between speech */
    double longest_pause;    /* seconds; 0 when none */
};

/* When a word (or a timed segment of words) was said, in seconds from
 * the recording's start. */
struct delivery_span {
    double start, end;
};

/*
 * The voice-activity pass over samples[frames] (borrowed; mono 16-bit at
 * rate Hz): 20 ms frames, each voiced when its energy is above a threshold
 * set between the recording's quiet and loud levels (never below -55
 * dBFS) and, when words[0..nwords) (borrowed, in order; NULL and 0 when
 * there are no timestamps) are given, it lies within a word or outside
 * the words' whole stretch; silences shorter than 250 ms are bridged,
 * and the silences before the first speech and after the last are not
 * pauses.  Two passes and a histogram: linear, no allocation.
 */
void delivery_listen(const int16_t *samples, size_t frames, int rate,
                     const struct delivery_span *words, size_t nwords,
                     struct delivery_voice *out);

/* The fillers of one answer. */
struct delivery_fillers {
    size_t count;
    struct {
        const char *word; /* static: the list's spelling */
        size_t count;
    } top[DELIVERY_TOP];  /* most frequent first; ties in the list's order */
    size_t ntop;
};

/*
 * Count the fillers of language (a BCP-47 code such as "hi-IN") in text:
 * whole words and phrases, case-insensitive for Latin letters, punctuation
 * between words ignored.  Every language has the hesitation sounds (um,
 * uh, er, ah, hmm); English and Hindi have their own lists besides
 * (delivery.c); the other languages Sarvam speaks have none of their own.
 */
void delivery_fillers(const char *language, const char *text, struct delivery_fillers *out);

/* Words of text: runs of characters between blanks and punctuation. */
size_t delivery_word_count(const char *text);

/*
 * The stored delivery of one answer (new reference):
 *   {"durationSeconds", "words", "wordsPerMinute", "speakingSeconds",
 *    "fillers": {"count", "perMinute", "top": [{"word", "count"}]},
 *    "pauses": {"count", "longestSeconds"}}
 * wordsPerMinute is words over the whole duration.
 */
json_t *delivery_json(const struct delivery_voice *voice, size_t words,
                      const struct delivery_fillers *fillers);

/*
 * The report's summary over answers' stored deliveries (an array of
 * delivery_json() objects, borrowed; not objects skipped), new reference:
 *   {"answers", "durationSeconds", "wordsPerMinute",
 *    "pace": {"min", "max", "verdict": "slow" | "comfortable" | "fast"},
 *    "fillersPerMinute", "longestPauseSeconds"}
 * or JSON null when there is none.
 */
json_t *delivery_summary(json_t *deliveries);

#endif

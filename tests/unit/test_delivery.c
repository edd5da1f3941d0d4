/*
 * test_delivery.c - model/delivery.c: pauses heard in known samples,
 * fillers found as whole words and phrases, the stored numbers and the
 * report's summary, and the pass over the longest answer.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "check.h"
#include "model/delivery.h"

#define RATE 16000

/* seconds of "speech" (a 200 Hz tone at amplitude amp, low noise added)
 * or of room noise, appended at *at of s. */
static void tone(int16_t *s, size_t *at, double seconds, double amp)
{
    size_t n = (size_t)(seconds * RATE);

    for (size_t i = 0; i < n; i++, (*at)++)
        s[*at] = (int16_t)(amp * sin(2 * M_PI * 200.0 * (double)i / RATE) +
                           (double)((*at * 7919) % 61) - 30);
}

#define CHECK_NEAR(a, b, eps) CHECK(fabs((double)(a) - (double)(b)) <= (eps))

TEST(delivery_pauses_from_the_samples)
{
    int16_t *s = calloc((size_t)RATE * 20, sizeof(*s));
    struct delivery_voice v;
    size_t at = 0;

    /* 0.5 s quiet, 3 s speech, 4 s silence, 2 s speech, 1 s silence,
     * 2 s speech, 2.5 s silence, 1 s speech, 1 s quiet at the end */
    tone(s, &at, 0.5, 0);
    tone(s, &at, 3, 8000);
    tone(s, &at, 4, 0);
    tone(s, &at, 2, 6000);
    tone(s, &at, 1, 0);
    tone(s, &at, 2, 9000);
    tone(s, &at, 2.5, 0);
    tone(s, &at, 1, 7000);
    tone(s, &at, 1, 0);
    delivery_listen(s, at, RATE, NULL, 0, &v);
    CHECK_NEAR(v.duration_seconds, 17.0, 0.001);
    CHECK_INT(v.pauses, 2); /* the 4 s and the 2.5 s; not 1 s, not the ends */
    CHECK_NEAR(v.longest_pause, 4.0, 0.041);
    CHECK_NEAR(v.speaking_seconds, 8.0, 0.05);
    free(s);
}

TEST(delivery_no_pause_in_continuous_speech_or_silence)
{
    int16_t *s = calloc((size_t)RATE * 10, sizeof(*s));
    struct delivery_voice v;
    size_t at = 0;

    tone(s, &at, 10, 5000);
    delivery_listen(s, at, RATE, NULL, 0, &v);
    CHECK_INT(v.pauses, 0);
    CHECK_NEAR(v.speaking_seconds, 10.0, 0.05);
    at = 0;
    tone(s, &at, 10, 0);
    delivery_listen(s, at, RATE, NULL, 0, &v);
    CHECK_INT(v.pauses, 0);
    CHECK_NEAR(v.longest_pause, 0, 0);
    delivery_listen(s, 0, RATE, NULL, 0, &v);
    CHECK_NEAR(v.duration_seconds, 0, 0);
    free(s);
}

/* Speech without a silence (a noisy room), but the words' timing shows
 * a 3 s gap: it is a pause; so is a silence the timing does not show. */
TEST(delivery_pauses_from_the_words_timing)
{
    int16_t *s = calloc((size_t)RATE * 12, sizeof(*s));
    const struct delivery_span words[] = {{0.2, 1.0}, {1.1, 2.0}, {5.0, 6.0}, {6.1, 7.0}};
    struct delivery_voice v;
    size_t at = 0;

    tone(s, &at, 9, 5000);
    tone(s, &at, 2.5, 0);
    tone(s, &at, 0.5, 5000);
    delivery_listen(s, at, RATE, words, 4, &v);
    CHECK_INT(v.pauses, 2);
    CHECK_NEAR(v.longest_pause, 3.0, 0.041);
    free(s);
}

TEST(delivery_fillers_whole_words_and_phrases)
{
    struct delivery_fillers f;

    delivery_fillers("en-IN", "Um, so I, uh... I mean, you know, I kind of led it. Umbrella "
                              "summer. UM. Hmm, sort-of.", &f);
    /* um, uh, I mean, you know, kind of, UM, Hmm, sort of */
    CHECK_INT(f.count, 8);
    CHECK_INT(f.ntop, 3);
    CHECK_STR(f.top[0].word, "um");
    CHECK_INT(f.top[0].count, 2);
    CHECK_STR(f.top[1].word, "uh"); /* ties in the order met */
    CHECK_INT(f.top[1].count, 1);
    delivery_fillers("hi-IN", "हाँ तो मतलब मैंने वो किया, haan toh matlab, you know", &f);
    CHECK_INT(f.count, 6);
    delivery_fillers("ta-IN", "you know um", &f); /* no English list: the sound only */
    CHECK_INT(f.count, 1);
    delivery_fillers("en-IN", "", &f);
    CHECK_INT(f.count, 0);
    CHECK_INT(f.ntop, 0);
    CHECK_INT(delivery_word_count("I'm here — really… 42 ok"), 5);
    CHECK_INT(delivery_word_count("नमस्ते। आप कैसे हैं"), 4);
}

TEST(delivery_numbers_and_summary)
{
    struct delivery_voice v = {.duration_seconds = 60, .speaking_seconds = 50.5, .pauses = 2,
                               .longest_pause = 4.004};
    struct delivery_fillers f = {.count = 3, .ntop = 1, .top = {{"um", 3}}};
    json_t *d = delivery_json(&v, 130, &f), *all, *sum;

    CHECK_NEAR(json_real_value(json_object_get(d, "wordsPerMinute")), 130.0, 1e-9);
    CHECK_NEAR(json_real_value(json_object_get(json_object_get(d, "fillers"), "perMinute")), 3.0,
               1e-9);
    CHECK_NEAR(json_real_value(json_object_get(json_object_get(d, "pauses"),
                                               "longestSeconds")), 4.0, 1e-9);
    v.duration_seconds = 30;
    v.longest_pause = 6;
    all = json_pack("[o, o, n]", d, delivery_json(&v, 30, &f));
    sum = delivery_summary(all);
    /* 160 words in 90 s: 106.7 a minute, below the comfortable range */
    CHECK_NEAR(json_real_value(json_object_get(sum, "wordsPerMinute")), 106.7, 1e-9);
    CHECK_STR(json_string_value(json_object_get(json_object_get(sum, "pace"), "verdict")),
              "slow");
    CHECK_NEAR(json_real_value(json_object_get(sum, "fillersPerMinute")), 4.0, 1e-9);
    CHECK_NEAR(json_real_value(json_object_get(sum, "longestPauseSeconds")), 6.0, 1e-9);
    CHECK_INT(json_integer_value(json_object_get(sum, "answers")), 2);
    json_decref(sum);
    json_decref(all);
    sum = delivery_summary(NULL);
    CHECK(json_is_null(sum));
}

/* The pass over five minutes of speech, the longest answer: a pause
 * every 5 s is 59 pauses.  (What it costs is measured by scripts/bench
 * interview, tests/bench/delivery_bench.c, never asserted here.) */
TEST(delivery_pass_over_the_longest_answer)
{
    size_t at = 0, n = (size_t)RATE * 300;
    int16_t *s = calloc(n, sizeof(*s));
    struct delivery_voice v;

    while (at + RATE * 5 <= n) {
        tone(s, &at, 3, 6000);
        tone(s, &at, 2, 0);
    }
    delivery_listen(s, n, RATE, NULL, 0, &v);
    CHECK_INT(v.pauses, 59);
    free(s);
}

const struct unit_test delivery_tests[] = {
    {"delivery_pauses_from_the_samples", delivery_pauses_from_the_samples},
    {"delivery_no_pause_in_continuous_speech_or_silence",
     delivery_no_pause_in_continuous_speech_or_silence},
    {"delivery_pauses_from_the_words_timing", delivery_pauses_from_the_words_timing},
    {"delivery_fillers_whole_words_and_phrases", delivery_fillers_whole_words_and_phrases},
    {"delivery_numbers_and_summary", delivery_numbers_and_summary},
    {"delivery_pass_over_the_longest_answer", delivery_pass_over_the_longest_answer},
    {NULL, NULL},
};

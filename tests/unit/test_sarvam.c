/* Unit tests: the Sarvam client's pure parts -- the character limit per
 * model, cutting text at sentence ends.  (Its retry waits are
 * svc/retry.c's: test_retry.c.) */
#include <stdlib.h>

#include "check.h"
#include "svc/sarvam.h"

TEST(sarvam_char_limits)
{
    CHECK_INT(sarvam_tts_char_limit("bulbul:v2"), 1500);
    CHECK_INT(sarvam_tts_char_limit("bulbul:v3"), 2500);
    CHECK_INT(sarvam_utf8_chars("abc", 3), 3);
    CHECK_INT(sarvam_utf8_chars("नमस्ते", strlen("नमस्ते")), 6); /* 18 bytes */
}

TEST(sarvam_split_at_sentences)
{
    char **p;
    size_t n;

    /* fits: one piece, trimmed */
    n = sarvam_split_text("  Hello there. How are you?  ", 100, &p);
    CHECK_INT(n, 1);
    CHECK_STR(n ? p[0] : NULL, "Hello there. How are you?");
    sarvam_pieces_free(p, n);

    /* at the last sentence end that fits */
    n = sarvam_split_text("One two. Three four! Five six?", 21, &p);
    CHECK_INT(n, 2);
    CHECK_STR(n > 0 ? p[0] : NULL, "One two. Three four!");
    CHECK_STR(n > 1 ? p[1] : NULL, "Five six?");
    sarvam_pieces_free(p, n);

    /* newlines and the danda end sentences; limits count characters */
    n = sarvam_split_text("नमस्ते। आप कैसे हैं\nठीक", 12, &p);
    CHECK_INT(n, 3);
    CHECK_STR(n > 0 ? p[0] : NULL, "नमस्ते।");
    CHECK_STR(n > 1 ? p[1] : NULL, "आप कैसे हैं");
    CHECK_STR(n > 2 ? p[2] : NULL, "ठीक");
    for (size_t i = 0; i < n; i++)
        CHECK(sarvam_utf8_chars(p[i], strlen(p[i])) <= 12);
    sarvam_pieces_free(p, n);

    /* one over-long sentence: at spaces; an over-long word: anywhere */
    n = sarvam_split_text("aaa bbb ccc ddd. Short.", 8, &p);
    CHECK_INT(n, 3);
    CHECK_STR(n > 0 ? p[0] : NULL, "aaa bbb");
    CHECK_STR(n > 1 ? p[1] : NULL, "ccc ddd.");
    CHECK_STR(n > 2 ? p[2] : NULL, "Short.");
    sarvam_pieces_free(p, n);
    n = sarvam_split_text("abcdefghij", 4, &p);
    CHECK_INT(n, 3);
    CHECK_STR(n > 2 ? p[2] : NULL, "ij");
    sarvam_pieces_free(p, n);

    /* nothing to say */
    CHECK_INT(sarvam_split_text(" \n\t ", 10, &p), 0);
    CHECK(p == NULL);
}

TEST(sarvam_split_respects_the_model_limit)
{
    static const char sentence[] = "This is one sentence of an interview question. ";
    char text[8000], **p;
    size_t n, len = 0, total = 0;

    while (len + sizeof(sentence) < sizeof(text)) {
        memcpy(text + len, sentence, sizeof(sentence) - 1);
        len += sizeof(sentence) - 1;
    }
    text[len] = '\0';
    n = sarvam_split_text(text, 1500, &p);
    CHECK(n >= 5);
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(p[i]);

        CHECK(l <= 1500);
        CHECK(p[i][l - 1] == '.'); /* whole sentences */
        total += l + 1;
    }
    CHECK_INT(total, len); /* nothing lost: each piece lost one trailing space */
    sarvam_pieces_free(p, n);
}

TEST(sarvam_split_into_sentences)
{
    char **p;
    size_t n;

    n = sarvam_split_sentences("Tell me about 3.5 years at Acme, e.g., the move. Why?  And "
                               "then!\nनमस्ते। आप", 1500, &p);
    CHECK_INT(n, 5);
    if (n == 5) {
        CHECK_STR(p[0], "Tell me about 3.5 years at Acme, e.g., the move.");
        CHECK_STR(p[1], "Why?");
        CHECK_STR(p[2], "And then!");
        CHECK_STR(p[3], "नमस्ते।");
        CHECK_STR(p[4], "आप");
    }
    sarvam_pieces_free(p, n);
    n = sarvam_split_sentences("aaa bbb ccc ddd. Short.", 8, &p); /* a long one cut at spaces */
    CHECK_INT(n, 3);
    if (n == 3) {
        CHECK_STR(p[0], "aaa bbb");
        CHECK_STR(p[2], "Short.");
    }
    sarvam_pieces_free(p, n);
    CHECK_INT(sarvam_split_sentences("  ", 10, &p), 0);
}

const struct unit_test sarvam_tests[] = {
    {"sarvam_split_into_sentences", sarvam_split_into_sentences},
    {"sarvam_char_limits", sarvam_char_limits},
    {"sarvam_split_at_sentences", sarvam_split_at_sentences},
    {"sarvam_split_respects_the_model_limit", sarvam_split_respects_the_model_limit},
    {NULL, NULL},
};

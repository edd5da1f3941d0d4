/* Unit tests: UTF-8, trimming, email and date helpers. */
#include "base/text.h"
#include "check.h"

TEST(text_utf8)
{
    CHECK(text_is_utf8("plain", 5));
    CHECK(text_is_utf8("\xe0\xa4\xa8\xe0\xa4\xae", 6)); /* Devanagari */
    CHECK(text_is_utf8("\xf0\x9f\x98\x80", 4));          /* emoji */
    CHECK(!text_is_utf8("\xff", 1));
    CHECK(!text_is_utf8("\xe0\xa4", 2));                 /* truncated */
    CHECK(!text_is_utf8("\xf4\x90\x80\x80", 4));         /* > U+10FFFF */
    CHECK(!text_is_utf8("a\0b", 3));
    CHECK_INT(text_utf8_len("h\xc3\xa9llo"), 5);
}

TEST(text_trim_and_case)
{
    char s[] = "  \t Data Deletion Request \r\n";

    CHECK_STR(text_trim(s), "Data Deletion Request");
    CHECK(text_eq_nocase(s, "data deletion REQUEST"));
}

TEST(text_lists)
{
    CHECK(text_list_contains("user_a, user_b,\tuser_c ", "user_b"));
    CHECK(text_list_contains("user_a, user_b,\tuser_c ", "user_c"));
    CHECK(text_list_contains("https://app.example", "https://app.example"));
    CHECK(!text_list_contains("user_a, user_b", "user"));
    CHECK(!text_list_contains("user_ab", "user_a"));
    CHECK(!text_list_contains("user_a b", "user_a"));
    CHECK(!text_list_contains("a,,b", ""));
    CHECK(!text_list_contains(NULL, "a"));
    CHECK(!text_list_contains("a", NULL));
}

TEST(text_lengths)
{
    char ok[] = "  h\xc3\xa9llo \n", blank[] = " \t ", longer[] = " abcdef ";

    CHECK_INT(text_check_len(ok, 5), TEXT_OK);
    CHECK_STR(ok, "h\xc3\xa9llo");
    CHECK_INT(text_check_len(blank, 5), TEXT_EMPTY);
    CHECK_INT(text_check_len(longer, 5), TEXT_TOO_LONG);
}

TEST(text_hidden_controls)
{
    CHECK(!text_has_hidden_controls("Meera Iyer \xe0\xa4\xae\xe0\xa5\x80", TEXT_ONE_LINE));
    CHECK(!text_has_hidden_controls("\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d", TEXT_ONE_LINE));
    CHECK(text_has_hidden_controls("a\tb", TEXT_ONE_LINE));
    CHECK(text_has_hidden_controls("a\nb", TEXT_ONE_LINE));
    CHECK(text_has_hidden_controls("a\x1b[31mb", TEXT_ONE_LINE));
    CHECK(!text_has_hidden_controls("a\tb\r\nc", TEXT_MULTI_LINE));
    CHECK(text_has_hidden_controls("a\x07" "b", TEXT_MULTI_LINE));
    CHECK(text_has_hidden_controls("x\xe2\x80\xaaz", TEXT_MULTI_LINE)); /* U+202A */
    CHECK(text_has_hidden_controls("x\xe2\x80\xaez", TEXT_ONE_LINE));   /* U+202E */
    CHECK(text_has_hidden_controls("x\xe2\x81\xa6z", TEXT_ONE_LINE));   /* U+2066 */
    CHECK(text_has_hidden_controls("x\xe2\x81\xa9z", TEXT_ONE_LINE));   /* U+2069 */
    CHECK(!text_has_hidden_controls("x\xe2\x80\xa9z", TEXT_ONE_LINE));  /* U+2029 */
    CHECK(!text_has_hidden_controls("x\xe2\x80\xafz", TEXT_ONE_LINE));  /* U+202F */
    CHECK(!text_has_hidden_controls("x\xe2\x81\xaaz", TEXT_ONE_LINE));  /* U+206A */
    CHECK(!text_has_hidden_controls("x\xe2\x80\x94z", TEXT_ONE_LINE));  /* em dash */
}

TEST(text_email)
{
    CHECK(text_is_email("a@b.io"));
    CHECK(text_is_email("first.last+tag@sub.example.co.in"));
    CHECK(!text_is_email("not-an-email"));
    CHECK(!text_is_email("a@b"));
    CHECK(!text_is_email("@b.io"));
    CHECK(!text_is_email("a@.io"));
    CHECK(!text_is_email("a@b.io."));
    CHECK(!text_is_email("a b@c.io"));
    CHECK(!text_is_email("a@@b.io"));
    CHECK(!text_is_email("a..b@c.io"));
}

TEST(text_email_normalized)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"Alice@Example.COM", "alice@example.com"},
        {"  bob@example.in\t", "bob@example.in"},
        {"\r\n carol@example.org \n", "carol@example.org"},
        {"already@lower.case", "already@lower.case"},
        {"MiXeD.Local+Tag@Sub.Example.Co.IN", "mixed.local+tag@sub.example.co.in"},
        {"in ner@Example.com", "in ner@example.com"},           /* inside: kept */
        {"\xc3\x89lodie@Exemple.FR", "\xc3\x89lodie@exemple.fr"}, /* É: kept */
        {"\xe0\xa4\xae@EXAMPLE.\xe0\xa4\xad\xe0\xa4\xbe", /* Devanagari: kept */
         "\xe0\xa4\xae@example.\xe0\xa4\xad\xe0\xa4\xbe"},
        {"", ""},
        {" \t ", ""},
    };
    char out[TEXT_EMAIL_MAX + 1], longest[TEXT_EMAIL_MAX + 3], small[4];

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        CHECK(text_email_normalize(cases[i].in, out, sizeof(out)));
        CHECK_STR(out, cases[i].out);
    }
    /* 254 bytes fit, 255 do not; blanks around do not count */
    memset(longest, 'A', sizeof(longest));
    longest[0] = ' ';
    longest[TEXT_EMAIL_MAX + 1] = ' ';
    longest[TEXT_EMAIL_MAX + 2] = '\0';
    CHECK(text_email_normalize(longest, out, sizeof(out)));
    CHECK_INT(strlen(out), TEXT_EMAIL_MAX);
    CHECK(out[0] == 'a' && out[TEXT_EMAIL_MAX - 1] == 'a');
    longest[TEXT_EMAIL_MAX + 1] = 'A';
    CHECK(!text_email_normalize(longest, out, sizeof(out)));
    CHECK_STR(out, "");
    /* a buffer too small for the address */
    CHECK(!text_email_normalize("a@b.io", small, sizeof(small)));
    CHECK_STR(small, "");
    CHECK(text_email_normalize("A@B", small, sizeof(small)));
    CHECK_STR(small, "a@b");
}

TEST(text_iso8601_dates)
{
    char buf[40];

    CHECK_STR(text_iso8601(0, buf, sizeof(buf)), "1970-01-01T00:00:00.000Z");
    CHECK_STR(text_iso8601(1764176628123LL, buf, sizeof(buf)), "2025-11-26T17:03:48.123Z");
}

TEST(text_iso8601_parse)
{
    char buf[40];
    long long ms = 0;

    CHECK(text_parse_iso8601("2025-11-26T17:03:48.123Z", &ms));
    CHECK(ms == 1764176628123LL);
    CHECK(text_parse_iso8601("2025-11-26T17:03:48Z", &ms));
    CHECK(ms == 1764176628000LL);
    CHECK(text_parse_iso8601("2024-02-29", &ms));
    CHECK_STR(text_iso8601(ms, buf, sizeof(buf)), "2024-02-29T00:00:00.000Z");
    CHECK(text_parse_iso8601(text_iso8601(1700000000456LL, buf, sizeof(buf)), &ms));
    CHECK(ms == 1700000000456LL);
    CHECK(!text_parse_iso8601("2023-02-29", &ms));
    CHECK(!text_parse_iso8601("2025-13-01", &ms));
    CHECK(!text_parse_iso8601("2025-1-01", &ms));
    CHECK(!text_parse_iso8601("2025-11-26T24:00:00Z", &ms));
    CHECK(!text_parse_iso8601("2025-11-26T17:03:48+01", &ms));
    CHECK(!text_parse_iso8601("", &ms));
    CHECK(!text_parse_iso8601(NULL, &ms));
}

const struct unit_test text_tests[] = {
    {"text_utf8", text_utf8},
    {"text_trim_and_case", text_trim_and_case},
    {"text_lists", text_lists},
    {"text_lengths", text_lengths},
    {"text_hidden_controls", text_hidden_controls},
    {"text_email", text_email},
    {"text_email_normalized", text_email_normalized},
    {"text_iso8601_dates", text_iso8601_dates},
    {"text_iso8601_parse", text_iso8601_parse},
    {NULL, NULL},
};

/*
 * test_mail.c - the staff's replies as RFC 5322 text (model/mail.c): the
 * headers, an RFC 2047 subject cut between characters into words of at
 * most 75 characters on lines of at most 76, a quoted-printable body
 * whose lines stay within 76 characters and keep trailing white space, a
 * header value with CR or LF refused, and SMTP_FROM's bare address.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"

#include "model/mail.h"

static struct mail sample(void)
{
    return (struct mail){.from = "Jobtune Support <support@jobtune.example>",
                         .to = "asha@example.in", .subject = "Re: Export [JT-0000-0000]",
                         .message_id = "<abc.JT-0000-0000@jobtune.example>",
                         .date_ms = 1796601600000LL, /* 2026-12-07 00:00:00 UTC, a Monday */
                         .body = "Hello,\nit works.\n"};
}

static int longest_line(const char *s)
{
    int longest = 0;

    for (const char *p = s; *p;) {
        const char *end = strstr(p, "\r\n");
        int n = end ? (int)(end - p) : (int)strlen(p);

        longest = n > longest ? n : longest;
        p += n + (end ? 2 : 0);
    }
    return longest;
}

TEST(mail_headers_and_plain_subject)
{
    struct mail m = sample();
    size_t len;
    char *msg = mail_compose(&m, &len);

    CHECK(msg != NULL && strlen(msg) == len);
    CHECK(strstr(msg, "Date: Mon, 07 Dec 2026 00:00:00 +0000\r\n") == msg);
    CHECK(strstr(msg, "\r\nFrom: Jobtune Support <support@jobtune.example>\r\n") != NULL);
    CHECK(strstr(msg, "\r\nTo: asha@example.in\r\n") != NULL);
    CHECK(strstr(msg, "\r\nSubject: Re: Export [JT-0000-0000]\r\n") != NULL);
    CHECK(strstr(msg, "\r\nMessage-ID: <abc.JT-0000-0000@jobtune.example>\r\n") != NULL);
    CHECK(strstr(msg, "In-Reply-To") == NULL);
    CHECK(strstr(msg, "\r\nContent-Type: text/plain; charset=UTF-8\r\n") != NULL);
    CHECK(strstr(msg, "\r\n\r\nHello,\r\nit works.\r\n") != NULL);
    free(msg);
}

TEST(mail_utf8_subject_is_encoded_words_cut_between_characters)
{
    struct mail m = sample();
    size_t len;
    char *msg;

    m.subject = "Re: résumé — ✓ ✓ ✓ ✓ ✓ ✓ ✓ ✓ ✓ ✓ ✓ ✓ ✓ ✓ ✓ ✓ [JT-0000-0000]";
    msg = mail_compose(&m, &len);
    CHECK(msg != NULL);
    CHECK(strstr(msg, "Subject: =?UTF-8?Q?Re=3A_r=C3=A9sum=C3=A9_=E2=80=94_") != NULL);
    CHECK(strstr(msg, "?=\r\n =?UTF-8?Q?") != NULL); /* folded into several words */
    CHECK(longest_line(msg) <= 76);
    /* no word ends inside a character: every word's encoded bytes of a ✓
     * come in threes */
    CHECK(strstr(msg, "=E2=9C?=") == NULL && strstr(msg, "=E2?=") == NULL);
    free(msg);
}

TEST(mail_body_is_quoted_printable_within_76)
{
    struct mail m = sample();
    char body[400];
    size_t len;
    char *msg;

    memset(body, 'a', 200);
    strcpy(body + 200, " = é\ntrailing   \n");
    m.body = body;
    msg = mail_compose(&m, &len);
    CHECK(msg != NULL);
    CHECK(longest_line(msg) <= 76);
    CHECK(strstr(msg, "=\r\n") != NULL);             /* soft breaks */
    CHECK(strstr(msg, " =3D =C3=A9\r\n") != NULL);   /* '=' and UTF-8 escaped */
    CHECK(strstr(msg, "\r\ntrailing  =20\r\n") != NULL); /* the last space kept */
    for (const unsigned char *p = (const unsigned char *)msg; *p; p++)
        CHECK(*p < 128);
    free(msg);
}

TEST(mail_refuses_a_header_with_a_line_break)
{
    struct mail m = sample();
    size_t len;

    m.subject = "Hi\r\nBcc: everyone@example.com";
    CHECK(mail_compose(&m, &len) == NULL);
    m = sample();
    m.to = "a@example.in\nBcc: b@example.com";
    CHECK(mail_compose(&m, &len) == NULL);
    m = sample();
    m.body = "\xff\xfe";
    CHECK(mail_compose(&m, &len) == NULL);
}

TEST(mail_address_of_smtp_from)
{
    char out[64];

    CHECK(mail_address("Jobtune Support <support@jobtune.example>", out, sizeof(out)));
    CHECK_STR(out, "support@jobtune.example");
    CHECK(mail_address("support@jobtune.example", out, sizeof(out)));
    CHECK_STR(mail_domain(out), "jobtune.example");
    CHECK(!mail_address("Jobtune Support", out, sizeof(out)));
    CHECK(!mail_address("<broken@example", out, sizeof(out)));
}

const struct unit_test mail_tests[] = {
    {"mail_headers_and_plain_subject", mail_headers_and_plain_subject},
    {"mail_utf8_subject_is_encoded_words_cut_between_characters",
     mail_utf8_subject_is_encoded_words_cut_between_characters},
    {"mail_body_is_quoted_printable_within_76", mail_body_is_quoted_printable_within_76},
    {"mail_refuses_a_header_with_a_line_break", mail_refuses_a_header_with_a_line_break},
    {"mail_address_of_smtp_from", mail_address_of_smtp_from},
    {NULL, NULL},
};

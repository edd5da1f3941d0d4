/*
 * Unit tests: Svix webhook signatures, with the official vector of Svix's
 * own test suite (python/tests/test_webhooks.py) and an extra one computed
 * with Python's hmac, at fixed clocks around their timestamps.
 */
#include "check.h"
#include "model/svix.h"

#define SECRET "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define BARE_SECRET "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define MSG_ID "msg_p5jXN8AQM9LWM0D4loKWxJek"
#define TS "1614265330"
#define NOW 1614265330
#define BODY "{\"test\": 2432232314}"
#define SIG "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
#define OTHER "Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="

static int verify(const char *secret, const char *id, const char *ts, const char *body,
                  const char *sig, time_t now)
{
    return svix_verify(secret, id, ts, body, strlen(body), sig, now, SVIX_TOLERANCE_S);
}

TEST(svix_official_vector)
{
    CHECK_INT(strlen(BODY), 20);
    CHECK_INT(verify(SECRET, MSG_ID, TS, BODY, SIG, NOW), SVIX_OK);
    CHECK_INT(verify(BARE_SECRET, MSG_ID, TS, BODY, SIG, NOW), SVIX_OK);
}

TEST(svix_official_must_fail)
{
    CHECK_INT(verify(SECRET, MSG_ID, TS, BODY,
                     "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=", NOW),
              SVIX_BAD_SIGNATURE);
}

TEST(svix_multiple_signatures)
{
    CHECK_INT(verify(SECRET, MSG_ID, TS, BODY,
                     "v1," OTHER " v2," OTHER " " SIG " v1," OTHER, NOW), SVIX_OK);
    /* the valid signature under another version does not count */
    CHECK_INT(verify(SECRET, MSG_ID, TS, BODY,
                     "v1," OTHER " v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", NOW),
              SVIX_BAD_SIGNATURE);
    /* extra spaces between entries are harmless */
    CHECK_INT(verify(SECRET, MSG_ID, TS, BODY, "  v1," OTHER "   " SIG "  ", NOW), SVIX_OK);
}

TEST(svix_extra_vector_170_bytes)
{
    const char *body =
        "{\"data\":{\"deleted\":true,\"id\":\"user_29w83sxmDNGwOuEthce5gg56FcC\","
        "\"object\":\"user\"},\"instance_id\":\"ins_123\",\"object\":\"event\","
        "\"timestamp\":1654012591835,\"type\":\"user.deleted\"}";

    CHECK_INT(strlen(body), 170);
    CHECK_INT(verify(SECRET, "msg_2abcDEFghiJKLmnoPQRstuVWxyz", "1654012592", body,
                     "v1,Of7R24J3THBjpwgr2f73Ed+zBzNUXhNx3JjkWM1mD7k=", 1654012592),
              SVIX_OK);
}

TEST(svix_tampered_inputs)
{
    CHECK_INT(verify(SECRET, MSG_ID, TS, "{\"test\": 2432232315}", SIG, NOW),
              SVIX_BAD_SIGNATURE);
    CHECK_INT(verify(SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJeK", TS, BODY, SIG, NOW),
              SVIX_BAD_SIGNATURE);
    CHECK_INT(verify(SECRET, MSG_ID, "1614265331", BODY, SIG, NOW), SVIX_BAD_SIGNATURE);
    /* the body is signed byte for byte: a trailing newline is a change */
    CHECK_INT(svix_verify(SECRET, MSG_ID, TS, BODY "\n", strlen(BODY) + 1, SIG, NOW,
                          SVIX_TOLERANCE_S), SVIX_BAD_SIGNATURE);
    /* a truncated signature is simply not a match */
    CHECK_INT(verify(SECRET, MSG_ID, TS, BODY, "v1,g0hM9SsE+OTPJTGt", NOW),
              SVIX_BAD_SIGNATURE);
}

TEST(svix_wrong_secret)
{
    CHECK_INT(verify("whsec_" OTHER, MSG_ID, TS, BODY, SIG, NOW), SVIX_BAD_SIGNATURE);
    CHECK_INT(verify("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSx", MSG_ID, TS, BODY, SIG, NOW),
              SVIX_BAD_SIGNATURE);
}

TEST(svix_bad_secret)
{
    CHECK_INT(verify("whsec_", MSG_ID, TS, BODY, SIG, NOW), SVIX_BAD_SECRET);
    CHECK_INT(verify("", MSG_ID, TS, BODY, SIG, NOW), SVIX_BAD_SECRET);
    CHECK_INT(verify("whsec_not base64!", MSG_ID, TS, BODY, SIG, NOW), SVIX_BAD_SECRET);
    CHECK_INT(verify("whsec_MfKQ9", MSG_ID, TS, BODY, SIG, NOW), SVIX_BAD_SECRET);
    CHECK_INT(verify("whsec_MfKQ9r8G===", MSG_ID, TS, BODY, SIG, NOW), SVIX_BAD_SECRET);
    CHECK_INT(svix_verify(NULL, MSG_ID, TS, BODY, strlen(BODY), SIG, NOW,
                          SVIX_TOLERANCE_S), SVIX_BAD_SECRET);
}

TEST(svix_secret_padding_optional)
{
    /* 37 bytes of key, base64 "...=" with and without the '=' (the
     * signature below was computed with Python's hmac for this key) */
    const char *sig = "v1,MLMOXaVytCfL1yzXjjnXItfdCt0CW0lgAkyepV2m5NU=";

    CHECK_INT(verify("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwMfKQ9r8GKYqrTwjUPA==",
                     MSG_ID, TS, BODY, sig, NOW), SVIX_OK);
    CHECK_INT(verify("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwMfKQ9r8GKYqrTwjUPA",
                     MSG_ID, TS, BODY, sig, NOW), SVIX_OK);
}

TEST(svix_timestamp_tolerance)
{
    CHECK_INT(verify(SECRET, MSG_ID, TS, BODY, SIG, NOW + 301), SVIX_STALE); /* too old */
    CHECK_INT(verify(SECRET, MSG_ID, TS, BODY, SIG, NOW - 301), SVIX_STALE); /* too new */
    CHECK_INT(verify(SECRET, MSG_ID, TS, BODY, SIG, NOW + 299), SVIX_OK);
    CHECK_INT(verify(SECRET, MSG_ID, TS, BODY, SIG, NOW - 299), SVIX_OK);
    CHECK_INT(verify(SECRET, MSG_ID, TS, BODY, SIG, NOW + 300), SVIX_OK);
    CHECK_INT(verify(SECRET, MSG_ID, TS, BODY, SIG, NOW - 300), SVIX_OK);
    /* a stale delivery is stale whatever its signature */
    CHECK_INT(verify(SECRET, MSG_ID, TS, BODY, "v1," OTHER, NOW + 301), SVIX_STALE);
}

TEST(svix_missing_v1_entries)
{
    CHECK_INT(verify(SECRET, MSG_ID, TS, BODY, "", NOW), SVIX_BAD_HEADER);
    CHECK_INT(verify(SECRET, MSG_ID, TS, BODY, "   ", NOW), SVIX_BAD_HEADER);
    CHECK_INT(verify(SECRET, MSG_ID, TS, BODY, "v2," OTHER, NOW), SVIX_BAD_HEADER);
    CHECK_INT(verify(SECRET, MSG_ID, TS, BODY, "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                     NOW), SVIX_BAD_HEADER);
    CHECK_INT(verify(SECRET, MSG_ID, TS, BODY, "v1" OTHER, NOW), SVIX_BAD_HEADER);
    CHECK_INT(svix_verify(SECRET, MSG_ID, TS, BODY, strlen(BODY), NULL, NOW,
                          SVIX_TOLERANCE_S), SVIX_BAD_HEADER);
}

TEST(svix_bad_id_or_timestamp)
{
    CHECK_INT(verify(SECRET, MSG_ID, "16142653x0", BODY, SIG, NOW), SVIX_BAD_HEADER);
    CHECK_INT(verify(SECRET, MSG_ID, "", BODY, SIG, NOW), SVIX_BAD_HEADER);
    CHECK_INT(verify(SECRET, MSG_ID, "-1614265330", BODY, SIG, NOW), SVIX_BAD_HEADER);
    CHECK_INT(verify(SECRET, MSG_ID, " 1614265330", BODY, SIG, NOW), SVIX_BAD_HEADER);
    CHECK_INT(verify(SECRET, MSG_ID, "1614265330.0", BODY, SIG, NOW), SVIX_BAD_HEADER);
    CHECK_INT(verify(SECRET, MSG_ID, "99999999999999999999999", BODY, SIG, NOW),
              SVIX_BAD_HEADER);
    CHECK_INT(svix_verify(SECRET, MSG_ID, NULL, BODY, strlen(BODY), SIG, NOW,
                          SVIX_TOLERANCE_S), SVIX_BAD_HEADER);
    CHECK_INT(verify(SECRET, "", TS, BODY, SIG, NOW), SVIX_BAD_HEADER);
    CHECK_INT(svix_verify(SECRET, NULL, TS, BODY, strlen(BODY), SIG, NOW,
                          SVIX_TOLERANCE_S), SVIX_BAD_HEADER);
}

TEST(svix_empty_body)
{
    /* signed "msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330." (Python's hmac) */
    CHECK_INT(svix_verify(SECRET, MSG_ID, TS, NULL, 0,
                          "v1,v48jdbgvh29KJz2Qc+ghw8G6vG3nAKnujWBg8oM/62A=", NOW,
                          SVIX_TOLERANCE_S), SVIX_OK);
}

const struct unit_test svix_tests[] = {
    {"svix_official_vector", svix_official_vector},
    {"svix_official_must_fail", svix_official_must_fail},
    {"svix_multiple_signatures", svix_multiple_signatures},
    {"svix_extra_vector_170_bytes", svix_extra_vector_170_bytes},
    {"svix_tampered_inputs", svix_tampered_inputs},
    {"svix_wrong_secret", svix_wrong_secret},
    {"svix_bad_secret", svix_bad_secret},
    {"svix_secret_padding_optional", svix_secret_padding_optional},
    {"svix_timestamp_tolerance", svix_timestamp_tolerance},
    {"svix_missing_v1_entries", svix_missing_v1_entries},
    {"svix_bad_id_or_timestamp", svix_bad_id_or_timestamp},
    {"svix_empty_body", svix_empty_body},
    {NULL, NULL},
};

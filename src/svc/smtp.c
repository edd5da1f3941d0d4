/*
 * smtp.c - one email through SMTP_URL with libcurl (see smtp.h).
 *
 * A handle per message: replies are rare (a staff member's click), so the
 * relay's connection is not kept between them and no state outlives the
 * call.  Timeouts are short enough for a request: 5 s to connect, 20 s
 * in all; a relay that takes longer is "unavailable" and nothing is
 * recorded as sent.
 */
#include "svc/smtp.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <string.h>

#include "base/config.h"
#include "base/log.h"
#include "model/mail.h"

#define CONNECT_TIMEOUT_MS 5000L
#define TIMEOUT_MS 20000L
#define ADDR_MAX 256

const char *smtp_missing(void)
{
    char addr[ADDR_MAX];

    if (config.smtp_url == NULL || (strncmp(config.smtp_url, "smtp://", 7) != 0 &&
                                    strncmp(config.smtp_url, "smtps://", 8) != 0))
        return "SMTP_URL";
    if (config.smtp_from == NULL || !mail_address(config.smtp_from, addr, sizeof(addr)))
        return "SMTP_FROM";
    return NULL;
}

struct upload {
    const char *p;
    size_t left;
};

static size_t read_message(char *out, size_t size, size_t n, void *arg)
{
    struct upload *u = arg;
    size_t take = size * n < u->left ? size * n : u->left;

    memcpy(out, u->p, take);
    u->p += take;
    u->left -= take;
    return take;
}

/* The status of a failed transfer, logged once here. */
static int failure(CURLcode rc, long reply)
{
    log_warn("SMTP send failed: curl %d, reply %ld", (int)rc, reply);
    return reply >= 500 ? SMTP_REFUSED : SMTP_UNAVAILABLE;
}

int smtp_send(const char *to, const char *message, size_t len)
{
    struct upload up = {message, len};
    struct curl_slist *rcpt = NULL;
    char from[ADDR_MAX + 2], addr[ADDR_MAX], rcpt_to[ADDR_MAX + 2];
    long reply = 0;
    CURLcode rc;
    CURL *curl;

    if (smtp_missing() != NULL)
        return SMTP_NOT_CONFIGURED;
    mail_address(config.smtp_from, addr, sizeof(addr));
    snprintf(from, sizeof(from), "<%s>", addr);
    if (strlen(to) >= ADDR_MAX || strpbrk(to, "\r\n<>") != NULL)
        return SMTP_REFUSED;
    snprintf(rcpt_to, sizeof(rcpt_to), "<%s>", to);
    if ((curl = curl_easy_init()) == NULL)
        return SMTP_UNAVAILABLE;
    rcpt = curl_slist_append(rcpt, rcpt_to);
    curl_easy_setopt(curl, CURLOPT_URL, config.smtp_url);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    /* smtps:// is TLS from the start; smtp:// upgrades when offered */
    curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    if (config.smtp_username != NULL) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, config.smtp_username);
        curl_easy_setopt(curl, CURLOPT_PASSWORD, config.smtp_password ?: "");
    }
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_message);
    curl_easy_setopt(curl, CURLOPT_READDATA, &up);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, TIMEOUT_MS);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    rc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK)
        return failure(rc, reply);
    return SMTP_OK;
}

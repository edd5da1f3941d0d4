/*
 * http_body.h - the one libcurl write callback: a response body gathered
 * into a growing buffer, with a ceiling.
 *
 * Used by the services that call out over HTTP (clerk_token.c for the
 * JWKS, clerk.c for the Backend API, openai.c for completions, sarvam.c for
 * transcripts and speech, posthog.c for the answers it throws away).  The
 * ceiling is per caller: a body that would pass it aborts the transfer
 * (curl reports CURLE_WRITE_ERROR) and sets too_big, so a hostile or
 * broken upstream cannot make a worker hold an unbounded answer.  Whether
 * a failed transfer is worth another attempt is svc/retry.h's question.
 */
#ifndef JT_HTTP_BODY_H
#define JT_HTTP_BODY_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>

struct http_body {
    char *p;      /* malloc'd and NUL-terminated once a byte arrived, else
                     NULL; owned by the caller: http_body_free() */
    size_t len;   /* bytes in p, without the NUL */
    size_t max;   /* set by the caller before the transfer */
    bool too_big; /* the transfer was aborted at max */
    bool wipe;    /* set by the caller: the body is private (sarvam.c's
                     audio and transcripts), so it grows by copy-and-wipe
                     instead of realloc and is wiped by http_body_free() */
    size_t cap;   /* bytes allocated at p (kept by the collector) */
};

/* CURLOPT_WRITEFUNCTION, with CURLOPT_WRITEDATA = a struct http_body. */
size_t http_body_collect(char *data, size_t size, size_t nmemb, void *userp);

/* Free the buffer (wiped first when b->wipe) and empty b (max and wipe are
 * kept, so b can take another body). */
void http_body_free(struct http_body *b);

#endif

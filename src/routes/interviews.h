/*
 * interviews.h - what the /api/interviews route files share: loading the
 * caller's interview, its public view, and asking GPT-4o for a question.
 * Internal to src/routes/interviews*.c.
 */
#ifndef JT_ROUTES_INTERVIEWS_H
#define JT_ROUTES_INTERVIEWS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/interviews.h"

struct request;

/* The caller's interview of the route's {id}: 0 with *body (arena-owned)
 * at version v->gen, or the status of the 404/503 written. */
int interviews_load(struct request *req, json_t **body, struct chain_ver *v);

/* The public shape of a stored interview (new reference). */
json_t *interviews_view(const char *id, int64_t version, json_t *body);

/* The number of the question waiting for an answer, or 0 when none. */
json_int_t interviews_current(json_t *body);

/*
 * Ask GPT-4o for question number n of the interview (body borrowed: its
 * role, level, job description, language and the questions and answers so
 * far, for a real follow-up; the resume, minimised, when it names one).
 * 0 with *text (arena) set, or the status of the error written (the
 * OpenAI errors map as tailoring's do).
 */
int interviews_ask(struct request *req, json_t *body, json_int_t n, const char **text);

/* Append question n with text to body's questions. */
void interviews_add_question(json_t *body, json_int_t n, const char *text, int64_t now);

/* The answer to a failed Sarvam call (a SARVAM_ status): for a spoken
 * answer (answering true) or a spoken question. */
int interviews_speech_failure(struct request *req, int rc, bool answering);

/* The answer of an OpenAI call made for interviews. */
int interviews_ai_failure(struct request *req, int rc, const char *refusal);

#endif

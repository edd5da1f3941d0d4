/*
 * features.c - which of the product's features this server can offer,
 * for the website, so that a page says "not available on this server"
 * before anyone fills its form, and says what still works.
 *
 * A feature is available when every outside service it needs has its key
 * (OPENAI_API_KEY for GPT-4o, SARVAM_API_KEY for speech); whether the
 * service answers right now is another question, answered when it is
 * called.  Public like GET /api/auth/config: the names of the missing
 * variables are what a 503 of the feature's own route already says.
 */
#include "routes/routes.h"

#include <jansson.h>
#include <stdbool.h>

#include "http/request.h"
#include "svc/openai.h"
#include "svc/sarvam.h"

/* {"available": true} or {"available": false, "missing": [names]}. */
static json_t *feature(bool openai, bool sarvam)
{
    json_t *missing = json_array();

    if (openai && !openai_is_configured())
        json_array_append_new(missing, json_string("OPENAI_API_KEY"));
    if (sarvam && !sarvam_is_configured())
        json_array_append_new(missing, json_string("SARVAM_API_KEY"));
    if (json_array_size(missing) == 0) {
        json_decref(missing);
        return json_pack("{s:b}", "available", 1);
    }
    return json_pack("{s:b, s:o}", "available", 0, "missing", missing);
}

/* GET /api/features -> 200 {"features": {name: {"available", "missing"?}}} */
int features_get_route(struct request *req)
{
    request_header(req, "Cache-Control", "no-store");
    return request_json(req, 200, json_pack("{s:{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}}",
        "features",
        "resumes", feature(false, false),          /* editing, PDF, preview */
        "keywordScore", feature(false, false),     /* the local ATS match */
        "import", feature(false, false),           /* read locally; GPT-4o only tidies */
        "importStructuring", feature(true, false),
        "tailoring", feature(true, false),
        "interviews", feature(true, false),        /* questions and report by GPT-4o */
        "typedAnswers", feature(true, false),
        "spokenAnswers", feature(true, true),
        "spokenQuestions", feature(true, true)));
}

/*
 * paging.c - the query and the answer of every keyset-paginated list
 * (?limit=1..100&cursor=<the previous page's "next">).
 */
#include "routes/routes.h"

#include <string.h>

#include "http/request.h"

#define LIST_DEFAULT 20
#define LIST_MAX 100

bool routes_parse_limit(const char *s, size_t *out)
{
    size_t v = 0;

    if (s == NULL || *s == '\0' || strlen(s) > 3)
        return false;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (size_t)(*p - '0');
    }
    if (v < 1 || v > LIST_MAX)
        return false;
    *out = v;
    return true;
}

int routes_page_query(struct request *req, struct routes_page *page)
{
    const char *limit_s = request_query(req, "limit"), *cursor_s = request_query(req, "cursor");

    page->limit = LIST_DEFAULT;
    page->after = NULL;
    if (limit_s != NULL && !routes_parse_limit(limit_s, &page->limit))
        return request_error_fields(req, 422, "validation_failed", "Some fields need attention.",
                                    json_pack("{s:s}", "limit",
                                              "Give a whole number from 1 to 100."));
    if (cursor_s != NULL) {
        if (!listed_cursor_decode(cursor_s, &page->cursor))
            return request_error_fields(req, 422, "validation_failed",
                                        "Some fields need attention.",
                                        json_pack("{s:s}", "cursor", "Use the \"next\" value of "
                                                  "the previous page, unchanged."));
        page->after = &page->cursor;
    }
    return 0;
}

int routes_page_answer(struct request *req, json_t *items, bool more,
                       const struct listed_cursor *next)
{
    return routes_page_answer_with(req, items, more, next, NULL);
}

int routes_page_answer_with(struct request *req, json_t *items, bool more,
                            const struct listed_cursor *next, json_t *extra)
{
    char next_s[LISTED_CURSOR_SIZE];
    json_t *answer;

    if (more && !listed_cursor_encode(next, next_s, sizeof(next_s))) {
        json_decref(items);
        json_decref(extra);
        return 500;
    }
    answer = json_pack("{s:o, s:s?}", "items", items, "next", more ? next_s : NULL);
    if (answer != NULL && extra != NULL)
        json_object_update(answer, extra);
    json_decref(extra);
    return request_json(req, 200, answer);
}

/*
 * privacy_region.c - which privacy regime applies to the caller, and its rights.
 *
 * The place comes from the client address (REMOTE_ADDR, which is nginx's
 * real-IP result: the app never reads X-Forwarded-For) looked up in the
 * worker's GeoIP database.  No database, a private or reserved address, or
 * an address the database does not know all answer the strictest regime
 * with source "default".  A signed-in user's declared residence (PATCH
 * /api/me) wins over the address (source "profile").  `Sec-GPC: 1` is
 * reported back as "gpc": true: it opts out of analytics in every regime.
 *
 * The address and the place are neither logged nor stored.
 */
#include "routes/routes.h"

#include <jansson.h>

#include <string.h>

#include "base/jsonx.h"
#include "http/request.h"
#include "model/region.h"
#include "routes/auth.h"
#include "store/store.h"
#include "store/users.h"
#include "svc/geo.h"
#include "svc/services.h"

/* The region of a declared residence in a users document (borrowed, may
 * be NULL): new reference, or NULL when none is declared. */
static json_t *declared_region(json_t *user_doc)
{
    json_t *res = json_object_get(user_doc, "residence");

    if (jsonx_string(res, "country") == NULL)
        return NULL;
    return region_describe(jsonx_string(res, "country"), jsonx_string(res, "subdivision"),
                           "profile");
}

json_t *privacy_region_for(struct request *req, json_t *user_doc)
{
    char country[3], part[4], subdivision[REGION_SUBDIVISION_SIZE];
    json_t *answer = declared_region(user_doc);

    if (answer == NULL) {
        if (geo_lookup(req->svc->geo, req->remote_addr, country, part) != GEO_OK) {
            answer = region_describe(NULL, NULL, "default");
        } else {
            region_subdivision_join(country, part, subdivision);
            answer = region_describe(country, subdivision[0] ? subdivision : NULL, "ip");
        }
    }
    if (answer != NULL)
        json_object_set_new(answer, "gpc", json_boolean(request_has_gpc(req)));
    return answer;
}

json_t *privacy_region_of(struct request *req)
{
    json_t *doc = NULL, *answer;

    if (auth_optional(req) != NULL &&
        users_get(req->svc->db, req->user_id, &doc) != STORE_OK) {
        json_decref(doc);
        doc = NULL;
    }
    answer = privacy_region_for(req, doc);
    json_decref(doc);
    return answer;
}

/* GET /api/privacy/region -> 200 {"country","subdivision","regime","source",...} */
int privacy_region_get_route(struct request *req)
{
    return request_json(req, 200, privacy_region_of(req));
}

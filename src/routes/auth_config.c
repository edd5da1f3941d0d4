/*
 * auth_config.c - how the website signs in, for the sign-in page and the
 * page shell (nginx/www/app/js/auth.js).
 *
 * Public and cacheable by nobody: a development server that mints its own
 * sessions says so, production names the publishable key and the Clerk
 * Frontend API host ClerkJS is loaded from (both public by design: they
 * are in every Clerk-powered page).
 */
#include "routes/routes.h"

#include <jansson.h>

#include "base/config.h"
#include "http/request.h"

/* GET /api/auth/config -> 200 {"mode":"development"}
 *                       | 200 {"mode":"clerk","publishable_key","frontend_api"}
 *                       | 503 not_configured CLERK_PUBLISHABLE_KEY */
int auth_config_get_route(struct request *req)
{
    request_header(req, "Cache-Control", "no-store");
    if (config_has_dev_sessions())
        return request_json(req, 200, json_pack("{s:s}", "mode", "development"));
    if (config.clerk_publishable_key == NULL)
        return request_not_configured(req, "Sign-in is not configured on this server.",
                                      "missing", "CLERK_PUBLISHABLE_KEY");
    return request_json(req, 200, json_pack("{s:s, s:s, s:s}", "mode", "clerk",
                                            "publishable_key", config.clerk_publishable_key,
                                            "frontend_api", config.clerk_frontend_api));
}

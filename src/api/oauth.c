/* oauth.c - placeholder for the oauth route family (api_ext.h); being built this session. */
#include "api_ext.h"

static void handle(const api_env *env, void *state, const api_req *req, api_resp *resp)
{
    (void)env;
    (void)state;
    (void)req;
    api_resp_json(
        resp, 404,
        api_simple_error_body(404, "The requested resource does not exist on this server."));
}

const api_ext_ops api_ext_oauth = {.name = "oauth", .handle = handle};

/* test_api_route.c - path routing: service and tenant extraction, rejects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "api_internal.h"

static void test_invoke_routes(void **state)
{
    (void)state;
    api_route r;
    assert_int_equal(api_route_match("/adminapi/beta/contoso.onmicrosoft.com/InvokeCommand", &r),
                     API_R_INVOKE);
    assert_string_equal(r.service, "exchange");
    assert_string_equal(r.tenant, "contoso.onmicrosoft.com");
    assert_string_equal(r.allow, "POST");
    assert_string_equal(r.name, "InvokeCommand");

    assert_int_equal(
        api_route_match("/sfb/adminapi/beta/1b2c3d4e-0000-4000-8000-000000000001/InvokeCommand",
                        &r),
        API_R_INVOKE);
    assert_string_equal(r.service, "sfb");
    assert_string_equal(r.tenant, "1b2c3d4e-0000-4000-8000-000000000001");

    assert_int_equal(api_route_match("/msol/adminapi/beta/contoso.com/InvokeCommand", &r),
                     API_R_INVOKE);
    assert_string_equal(r.service, "msol");
    assert_string_equal(r.tenant, "contoso.com");

    /* literal segments are case-insensitive; the tenant keeps its case */
    assert_int_equal(api_route_match("/AdminApi/Beta/Contoso.com/invokecommand", &r), API_R_INVOKE);
    assert_string_equal(r.service, "exchange");
    assert_string_equal(r.tenant, "Contoso.com");
}

static void test_token_and_health(void **state)
{
    (void)state;
    api_route r;
    /* the token endpoint belongs to the oauth family (oauth.c) */
    assert_int_equal(api_route_match("/contoso.onmicrosoft.com/oauth2/v2.0/token", &r), API_R_EXT);
    assert_int_equal(r.ext, API_X_OAUTH);
    assert_string_equal(r.tenant, "contoso.onmicrosoft.com");
    assert_string_equal(r.service, "");
    assert_int_equal(api_route_match("/organizations/oauth2/v2.0/token", &r), API_R_EXT);
    assert_int_equal(r.ext, API_X_OAUTH);
    assert_string_equal(r.tenant, "organizations");
    assert_int_equal(api_route_match("/contoso.onmicrosoft.com/oauth2/v2.0/authorize", &r),
                     API_R_EXT);
    assert_int_equal(r.ext, API_X_OAUTH);
    assert_int_equal(api_route_match("/contoso.onmicrosoft.com/oauth2/v2.0/tokens", &r),
                     API_R_NOTFOUND);
    assert_int_equal(api_route_match("/livez", &r), API_R_LIVEZ);
    assert_int_equal(api_route_match("/readyz", &r), API_R_READYZ);
    assert_int_equal(api_route_match("/healthz", &r), API_R_READYZ);
    assert_string_equal(r.name, "readyz");
}

static void test_rejects(void **state)
{
    (void)state;
    api_route r;
    static const char *const bad[] = {
        "",
        "livez",
        "/portalx",
        "/v1.00/users",
        "/metrics/x",
        "/contoso.com/v2.0/.well-known/openid-configuration/x",
        "/../discovery/v2.0/keys",
        "/livez/",
        "/livez/x",
        "/adminapi/beta//InvokeCommand",
        "/adminapi/beta/../InvokeCommand",
        "/adminapi/beta/./InvokeCommand",
        "/adminapi/beta/a..b/InvokeCommand",
        "/adminapi/beta/.hidden/InvokeCommand",
        "/adminapi/beta/-x/InvokeCommand",
        "/adminapi/beta/con toso/InvokeCommand",
        "/adminapi/beta/con%2Ftoso/InvokeCommand",
        "/adminapi/beta/contoso.com/InvokeCommand/",
        "/adminapi/beta/contoso.com/invokecommand/x",
        "/adminapi/v1.0/contoso.com/InvokeCommand",
        "/xyz/adminapi/beta/contoso.com/InvokeCommand",
        "/sfb/adminapi/beta/contoso.com",
        "//oauth2/v2.0/token",
        "/../oauth2/v2.0/token",
        "/contoso.com/oauth2/v1.0/token",
        "/contoso.com/oauth2/v2.0/device",
        "/adminapi/beta/contoso.com/$batch",
        "/a/b/c/d/e/f/g/h/i/j",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (api_route_match(bad[i], &r) != API_R_NOTFOUND)
            fail_msg("accepted %s", bad[i]);
        assert_string_equal(r.tenant, "");
    }
    assert_int_equal(api_route_match(NULL, &r), API_R_NOTFOUND);
}

static void test_ext_families(void **state)
{
    (void)state;
    api_route r;
    static const struct {
        const char *path;
        api_ext_id ext;
        const char *tenant;
    } ok[] = {
        {"/", API_X_PORTAL, ""},
        {"/portal", API_X_PORTAL, ""},
        {"/portal/rooms/x", API_X_PORTAL, ""},
        {"/v1.0", API_X_GRAPH, ""},
        {"/v1.0/users", API_X_GRAPH, ""},
        {"/metrics", API_X_METRICS, ""},
        {"/contoso.com/v2.0/.well-known/openid-configuration", API_X_OAUTH, "contoso.com"},
        {"/contoso.com/discovery/v2.0/keys", API_X_OAUTH, "contoso.com"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        if (api_route_match(ok[i].path, &r) != API_R_EXT)
            fail_msg("not a route family: %s", ok[i].path);
        assert_int_equal(r.ext, ok[i].ext);
        assert_string_equal(r.tenant, ok[i].tenant);
    }
}

static void test_overlong(void **state)
{
    (void)state;
    api_route r;
    char tenant[API_TENANT_MAX + 2];
    char path[API_TENANT_MAX + 64];
    memset(tenant, 'a', API_TENANT_MAX);
    tenant[API_TENANT_MAX] = '\0';
    snprintf(path, sizeof path, "/adminapi/beta/%s/InvokeCommand", tenant);
    assert_int_equal(api_route_match(path, &r), API_R_INVOKE);
    assert_int_equal(strlen(r.tenant), API_TENANT_MAX);
    tenant[API_TENANT_MAX] = 'a';
    tenant[API_TENANT_MAX + 1] = '\0';
    snprintf(path, sizeof path, "/adminapi/beta/%s/InvokeCommand", tenant);
    assert_int_equal(api_route_match(path, &r), API_R_NOTFOUND);
    snprintf(path, sizeof path, "/%s/oauth2/v2.0/token", tenant);
    assert_int_equal(api_route_match(path, &r), API_R_NOTFOUND);
    /* an overlong path as a whole */
    char big[API_PATH_MAX + 16];
    memset(big, 'x', sizeof big - 1);
    big[0] = '/';
    big[sizeof big - 1] = '\0';
    assert_int_equal(api_route_match(big, &r), API_R_NOTFOUND);
}

static void test_methods_and_services(void **state)
{
    (void)state;
    api_route r;
    api_route_match("/adminapi/beta/contoso.com/InvokeCommand", &r);
    assert_true(api_route_method_ok(&r, "POST"));
    assert_false(api_route_method_ok(&r, "GET"));
    assert_false(api_route_method_ok(&r, "post"));
    assert_false(api_route_method_ok(&r, NULL));
    api_route_match("/livez", &r);
    assert_true(api_route_method_ok(&r, "GET"));
    assert_true(api_route_method_ok(&r, "HEAD"));
    assert_false(api_route_method_ok(&r, "POST"));
    assert_string_equal(r.allow, "GET, HEAD");

    assert_string_equal(api_service_prefix("exchange"), "/adminapi/beta");
    assert_string_equal(api_service_prefix("sfb"), "/sfb/adminapi/beta");
    assert_string_equal(api_service_prefix("msol"), "/msol/adminapi/beta");
    assert_string_equal(api_service_title("sfb"), "Skype for Business Online");
    assert_string_equal(api_service_connect("sfb"), "New-CsOnlineSession");
    assert_string_equal(api_service_connect("exchange"), "Connect-ExchangeOnline");
    assert_string_equal(api_service_connect("msol"), "Connect-MsolService");

    assert_true(api_tenant_valid("contoso.onmicrosoft.com", 23));
    assert_false(api_tenant_valid("", 0));
    assert_false(api_tenant_valid("..", 2));
    assert_false(api_tenant_valid(".", 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invoke_routes), cmocka_unit_test(test_token_and_health),
        cmocka_unit_test(test_rejects),       cmocka_unit_test(test_ext_families),
        cmocka_unit_test(test_overlong),      cmocka_unit_test(test_methods_and_services),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_api_shape.c - JSON response shapes: exact error bodies, success
 * envelope, OAuth2 bodies, header helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "api_internal.h"
#include "rs_err.h"

static void test_error_codes(void **state)
{
    (void)state;
    assert_string_equal(api_http_error_code(400), "BadRequest");
    assert_string_equal(api_http_error_code(401), "Unauthorized");
    assert_string_equal(api_http_error_code(403), "Forbidden");
    assert_string_equal(api_http_error_code(404), "NotFound");
    assert_string_equal(api_http_error_code(429), "TooManyRequests");
    assert_string_equal(api_http_error_code(503), "ServiceUnavailable");
    assert_string_equal(api_http_error_code(500), "InternalServerError");
    assert_string_equal(api_http_error_code(405), "MethodNotAllowed");
    assert_string_equal(api_http_error_code(413), "RequestEntityTooLarge");
}

static void test_not_found_body(void **state)
{
    (void)state;
    rs_err e;
    rs_raise(&e, RS_E_EXO_NOT_FOUND, "room9", "contoso.onmicrosoft.com");
    char *b = api_invoke_error_body(&e, rs_status_http(e.code));
    assert_string_equal(
        b, "{\"error\":{\"code\":\"NotFound\",\"message\":\"Error executing cmdlet\","
           "\"details\":[{\"code\":\"Client\",\"target\":\"\",\"message\":\"Ex6F9304|"
           "Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|The "
           "operation couldn't be performed because object 'room9' couldn't be found on "
           "'contoso.onmicrosoft.com'.\",\"category\":\"NotSpecified\"}],"
           "\"innererror\":{\"message\":\"Error executing cmdlet\",\"type\":"
           "\"Microsoft.Exchange.Admin.OData.Core.ODataServiceException\",\"stacktrace\":\"\","
           "\"internalexception\":{\"message\":\"The operation couldn't be performed because "
           "object 'room9' couldn't be found on 'contoso.onmicrosoft.com'.\",\"type\":"
           "\"Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException\","
           "\"stacktrace\":\"\"}}}}");
    free(b);
}

static void test_binding_body(void **state)
{
    (void)state;
    rs_err e;
    rs_raise(&e, RS_E_PARAM_NOT_FOUND, "Bogus");
    char *b = api_invoke_error_body(&e, 400);
    assert_string_equal(
        b, "{\"error\":{\"code\":\"BadRequest\",\"message\":\"Invalid Operation\","
           "\"details\":[{\"code\":\"Client\",\"target\":\"\",\"message\":\"NamedParameterNotFound|"
           "System.Management.Automation.ParameterBindingException|A parameter cannot be found "
           "that matches parameter name 'Bogus'.\",\"category\":\"InvalidArgument\"}],"
           "\"innererror\":{\"message\":\"Invalid Operation\",\"type\":"
           "\"Microsoft.Exchange.Admin.OData.Core.ODataServiceException\",\"stacktrace\":\"\","
           "\"internalexception\":{\"message\":\"A parameter cannot be found that matches "
           "parameter name 'Bogus'.\",\"type\":\"System.Management.Automation."
           "ParameterBindingException\",\"stacktrace\":\"\"}}}}");
    free(b);

    /* a state refusal answered 400 is not a binding error */
    rs_raise(&e, RS_E_CS_MOVE_IN_ENABLE);
    b = api_invoke_error_body(&e, 400);
    assert_non_null(strstr(b, "\"code\":\"BadRequest\",\"message\":\"Error executing cmdlet\""));
    assert_non_null(strstr(b, "\"message\":\"|System.InvalidOperationException|Cannot move user"));
    assert_non_null(strstr(b, "\"category\":\"InvalidOperation\""));
    free(b);
}

static void test_generic_and_escaping(void **state)
{
    (void)state;
    rs_err e;
    rs_errf(&e, RS_EAUTH, "Quote \" backslash \\ newline\n tab\t");
    char *b = api_invoke_error_body(&e, 401);
    assert_string_equal(
        b, "{\"error\":{\"code\":\"Unauthorized\",\"message\":\"Error executing cmdlet\","
           "\"details\":[{\"code\":\"Client\",\"target\":\"\",\"message\":\"|System."
           "UnauthorizedAccessException|Quote \\\" backslash \\\\ newline\\n tab\\t\","
           "\"category\":\"PermissionDenied\"}],\"innererror\":{\"message\":\"Error executing "
           "cmdlet\",\"type\":\"Microsoft.Exchange.Admin.OData.Core.ODataServiceException\","
           "\"stacktrace\":\"\",\"internalexception\":{\"message\":\"Quote \\\" backslash \\\\ "
           "newline\\n tab\\t\",\"type\":\"System.UnauthorizedAccessException\",\"stacktrace\":"
           "\"\"}}}}");
    free(b);

    /* a message cut in the middle of a UTF-8 character still gives valid JSON */
    rs_errf(&e, RS_EINVAL, "caf\xc3");
    b = api_invoke_error_body(&e, 400);
    json_error_t je;
    json_t *j = json_loads(b, 0, &je);
    assert_non_null(j);
    json_decref(j);
    assert_non_null(strstr(b, "caf\xef\xbf\xbd"));
    free(b);

    /* empty category -> NotSpecified; NULL err -> internal error text */
    rs_err_clear(&e);
    e.code = RS_EINTERNAL;
    b = api_invoke_error_body(&e, 500);
    assert_non_null(strstr(b, "\"code\":\"InternalServerError\""));
    assert_non_null(strstr(b, "\"message\":\"||internal error\",\"category\":\"NotSpecified\""));
    free(b);

    b = api_simple_error_body(404, "No such \"thing\".");
    assert_string_equal(
        b, "{\"error\":{\"code\":\"NotFound\",\"message\":\"No such \\\"thing\\\".\"}}");
    free(b);
}

static void test_success_body(void **state)
{
    (void)state;
    json_t *value = json_array();
    json_t *o = json_object();
    /* insertion order, not alphabetical */
    json_object_set_new(o, "DisplayName", json_string("Conf Room 2"));
    json_object_set_new(o, "RecipientTypeDetails", json_string("RoomMailbox"));
    json_object_set_new(o, "IsResource", json_true());
    json_object_set_new(o, "ResourceCapacity", json_null());
    json_object_set_new(o, "Alias", json_string("confrm2"));
    json_array_append_new(value, o);
    json_t *warnings = json_pack("[s]", "Watch out.");
    char *b = api_invoke_success_body("localhost:8443", "exchange", "contoso.onmicrosoft.com",
                                      warnings, value);
    assert_string_equal(
        b, "{\"@odata.context\":\"https://localhost:8443/adminapi/beta/contoso.onmicrosoft.com/"
           "$metadata#Collection(Exchange.GenericHashTable)\",\"adminapi.warnings@odata.type\":"
           "\"#Collection(String)\",\"@adminapi.warnings\":[\"Watch out.\"],\"value\":[{"
           "\"DisplayName\":\"Conf Room 2\",\"RecipientTypeDetails\":\"RoomMailbox\","
           "\"IsResource\":true,\"ResourceCapacity\":null,\"Alias\":\"confrm2\"}]}");
    free(b);
    b = api_invoke_success_body("h:1", "sfb", "t", NULL, NULL);
    assert_string_equal(b,
                        "{\"@odata.context\":\"https://h:1/sfb/adminapi/beta/t/$metadata#"
                        "Collection(Exchange.GenericHashTable)\",\"adminapi.warnings@odata."
                        "type\":\"#Collection(String)\",\"@adminapi.warnings\":[],\"value\":[]}");
    free(b);
    /* borrowed references are left to the caller */
    assert_int_equal(value->refcount, 1);
    assert_int_equal(warnings->refcount, 1);
    json_decref(value);
    json_decref(warnings);
}

static void test_token_bodies(void **state)
{
    (void)state;
    char *b = api_token_success_body("https://outlook.office365.com/.default", 3599, "tok.123");
    assert_string_equal(b, "{\"token_type\":\"Bearer\",\"scope\":\"https://outlook.office365.com/"
                           ".default\",\"expires_in\":3599,\"ext_expires_in\":3599,"
                           "\"access_token\":\"tok.123\"}");
    free(b);
    /* 2024-03-01 12:34:56 UTC */
    b = api_aad_error_body("invalid_grant", 50126,
                           "Error validating credentials due to invalid username or password.",
                           "11111111-1111-4111-8111-111111111111",
                           "22222222-2222-4222-8222-222222222222", 1709296496000LL);
    assert_string_equal(
        b, "{\"error\":\"invalid_grant\",\"error_description\":\"AADSTS50126: Error validating "
           "credentials due to invalid username or password.\\r\\nTrace ID: "
           "11111111-1111-4111-8111-111111111111\\r\\nCorrelation ID: "
           "22222222-2222-4222-8222-222222222222\\r\\nTimestamp: 2024-03-01 12:34:56Z\","
           "\"error_codes\":[50126],\"timestamp\":\"2024-03-01 12:34:56Z\",\"trace_id\":"
           "\"11111111-1111-4111-8111-111111111111\",\"correlation_id\":"
           "\"22222222-2222-4222-8222-222222222222\"}");
    free(b);
}

static void test_header_helpers(void **state)
{
    (void)state;
    size_t n = 0;
    const char *t = api_bearer_token("Bearer abc.DEF-_~+/123==", &n);
    assert_non_null(t);
    assert_int_equal(n, strlen("abc.DEF-_~+/123=="));
    t = api_bearer_token("bearer   tok  ", &n);
    assert_non_null(t);
    assert_int_equal(n, 3);
    assert_memory_equal(t, "tok", 3);
    assert_null(api_bearer_token(NULL, &n));
    assert_null(api_bearer_token("Bearer", &n));
    assert_null(api_bearer_token("Bearer ", &n));
    assert_null(api_bearer_token("Basic dXNlcjpwYXNz", &n));
    assert_null(api_bearer_token("Bearertok", &n));
    assert_null(api_bearer_token("Bearer a b", &n));
    assert_null(api_bearer_token("Bearer a=b", &n));
    assert_null(api_bearer_token("Bearer a\"b", &n));

    assert_true(api_header_token_ok("9f2b6c1e-1a2b-4c3d-8e9f-0123456789ab"));
    assert_false(api_header_token_ok(""));
    assert_false(api_header_token_ok(NULL));
    assert_false(api_header_token_ok("a\r\nSet-Cookie: x"));
    assert_false(api_header_token_ok("a b"));
    assert_true(api_host_ok("localhost:8443"));
    assert_true(api_host_ok("[::1]:8443"));
    assert_false(api_host_ok("evil.com/x"));
    assert_false(api_host_ok("a\"b"));
    assert_false(api_host_ok(""));

    json_t *o = json_pack("{s:s, s:i, s:s}", "route", "token", "status", 200, "tenant", "a\"b");
    char *m = api_log_members(o);
    assert_string_equal(m, "\"route\":\"token\",\"status\":200,\"tenant\":\"a\\\"b\"");
    free(m);
    json_decref(o);
    o = json_object();
    m = api_log_members(o);
    assert_string_equal(m, "");
    free(m);
    json_decref(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_codes),    cmocka_unit_test(test_not_found_body),
        cmocka_unit_test(test_binding_body),   cmocka_unit_test(test_generic_and_escaping),
        cmocka_unit_test(test_success_body),   cmocka_unit_test(test_token_bodies),
        cmocka_unit_test(test_header_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_api_body.c - InvokeCommand body parsing, depth limit, $select. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "api_internal.h"
#include "rs_util.h"

static rs_status parse(const char *body, char **name, json_t **params, rs_err *e)
{
    return api_parse_invoke_body(body, body ? strlen(body) : 0, name, params, e);
}

static void test_ok(void **state)
{
    (void)state;
    char *name;
    json_t *params;
    rs_err e;
    const char *b = "{\"CmdletInput\":{\"CmdletName\":\"Set-CalendarProcessing\",\"Parameters\":"
                    "{\"Identity\":\"room1@contoso.com\",\"AutomateProcessing\":\"AutoAccept\","
                    "\"DeleteComments\":false}}}";
    assert_int_equal(parse(b, &name, &params, &e), RS_OK);
    assert_string_equal(name, "Set-CalendarProcessing");
    assert_true(json_is_object(params));
    assert_int_equal(json_object_size(params), 3);
    /* order kept */
    void *it = json_object_iter(params);
    assert_string_equal(json_object_iter_key(it), "Identity");
    it = json_object_iter_next(params, it);
    assert_string_equal(json_object_iter_key(it), "AutomateProcessing");
    free(name);
    json_decref(params);

    /* member names case-insensitive; Parameters missing / null -> {} */
    b = "{\"cmdletinput\":{\"CMDLETNAME\":\"get-mailbox\"}}";
    assert_int_equal(parse(b, &name, &params, &e), RS_OK);
    assert_string_equal(name, "get-mailbox");
    assert_int_equal(json_object_size(params), 0);
    free(name);
    json_decref(params);
    b = "{\"CmdletInput\":{\"CmdletName\":\"Get-Mailbox\",\"parameters\":null},\"Extra\":1}";
    assert_int_equal(parse(b, &name, &params, &e), RS_OK);
    assert_true(json_is_object(params));
    free(name);
    json_decref(params);
}

static void expect_err(const char *body, const char *needle)
{
    char *name = (char *)1;
    json_t *params = (json_t *)1;
    rs_err e;
    rs_err_clear(&e);
    rs_status st = parse(body, &name, &params, &e);
    if (st == RS_OK)
        fail_msg("accepted %s", body ? body : "(null)");
    assert_null(name);
    assert_null(params);
    assert_int_equal(e.code, RS_EPARSE);
    assert_string_equal(e.category, "InvalidArgument");
    if (!strstr(e.msg, needle))
        fail_msg("message '%s' lacks '%s'", e.msg, needle);
}

static void test_errors(void **state)
{
    (void)state;
    expect_err(NULL, "empty");
    expect_err("", "empty");
    expect_err("{\"CmdletInput\":", "not valid JSON");
    expect_err("{\"CmdletInput\":{}} x", "not valid JSON");
    expect_err("{\"a\":1,\"a\":2}", "not valid JSON"); /* duplicate key */
    expect_err("[1,2]", "must be a JSON object");
    expect_err("{}", "no 'CmdletInput'");
    expect_err("{\"CmdletInput\":\"Get-Mailbox\"}",
               "'CmdletInput' must be a JSON object, not a string");
    expect_err("{\"CmdletInput\":{},\"cmdletInput\":{}}", "more than one 'CmdletInput'");
    expect_err("{\"CmdletInput\":{}}", "no 'CmdletName'");
    expect_err("{\"CmdletInput\":{\"CmdletName\":7}}",
               "'CmdletName' must be a string, not a number");
    expect_err("{\"CmdletInput\":{\"CmdletName\":\"\"}}", "1 to 128");
    expect_err("{\"CmdletInput\":{\"CmdletName\":\"X\",\"Parameters\":[]}}",
               "'Parameters' must be a JSON object");
    expect_err("{\"CmdletInput\":{\"CmdletName\":\"X\",\"Parameters\":\"-Identity x\"}}",
               "not a string");
    expect_err("{\"CmdletInput\":{\"CmdletName\":\"X\",\"cmdletname\":\"Y\"}}",
               "more than one 'CmdletName'");
    expect_err("{\"CmdletInput\":{\"CmdletName\":\"a\\u0000b\"}}", "not valid JSON");
    expect_err("{\"CmdletInput\":{\"CmdletName\":\"\xff\"}}", "not valid JSON");
}

static void test_depth(void **state)
{
    (void)state;
    assert_int_equal(api_json_depth("{}", 2, 32), 1);
    assert_int_equal(api_json_depth("{\"a\":[{}]}", 10, 32), 3);
    assert_int_equal(api_json_depth("\"[[[[\"", 6, 32), 0);
    assert_int_equal(api_json_depth("{\"a\\\"[[\":1}", 12, 32), 1);

    /* 32 levels in total are accepted, 33 are not */
    rs_buf b = {0};
    rs_buf_puts(&b, "{\"CmdletInput\":{\"CmdletName\":\"X\",\"Parameters\":{\"P\":");
    for (int i = 0; i < 29; i++)
        rs_buf_putc(&b, '[');
    for (int i = 0; i < 29; i++)
        rs_buf_putc(&b, ']');
    rs_buf_puts(&b, "}}}");
    char *name;
    json_t *params;
    rs_err e;
    assert_int_equal(api_json_depth(b.data, b.len, 32), 32);
    assert_int_equal(parse(b.data, &name, &params, &e), RS_OK);
    free(name);
    json_decref(params);
    rs_buf_reset(&b);
    rs_buf_puts(&b, "{\"CmdletInput\":{\"CmdletName\":\"X\",\"Parameters\":{\"P\":");
    for (int i = 0; i < 30; i++)
        rs_buf_putc(&b, '[');
    for (int i = 0; i < 30; i++)
        rs_buf_putc(&b, ']');
    rs_buf_puts(&b, "}}}");
    assert_int_equal(api_json_depth(b.data, b.len, 32), 33);
    expect_err(b.data, "nested more than 32 levels");
    rs_buf_free(&b);
    /* a deep body (far beyond jansson's own limit) is refused before parsing */
    size_t n = 100000;
    char *deep = malloc(n + 1);
    memset(deep, '[', n);
    deep[n] = '\0';
    expect_err(deep, "nested more than 32 levels");
    free(deep);
}

static void test_too_big(void **state)
{
    (void)state;
    size_t n = API_BODY_MAX + 1;
    char *big = malloc(n + 1);
    memset(big, ' ', n);
    big[n] = '\0';
    expect_err(big, "larger than 1048576 bytes");
    free(big);
}

static void test_select(void **state)
{
    (void)state;
    json_t *v = json_loads("[{\"Name\":\"a\",\"Alias\":\"x\",\"ExchangeGuid@odata.type\":\"#Guid\","
                           "\"ExchangeGuid\":\"g\",\"Other\":1},{\"Alias\":\"y\"},7]",
                           0, NULL);
    assert_non_null(v);
    api_apply_select(v, " alias , exchangeguid");
    char *s = json_dumps(v, JSON_COMPACT);
    assert_string_equal(s, "[{\"Alias\":\"x\",\"ExchangeGuid@odata.type\":\"#Guid\","
                           "\"ExchangeGuid\":\"g\"},{\"Alias\":\"y\"},7]");
    free(s);
    api_apply_select(v, NULL); /* no-op */
    api_apply_select(v, "");
    s = json_dumps(v, JSON_COMPACT);
    assert_string_equal(s, "[{\"Alias\":\"x\",\"ExchangeGuid@odata.type\":\"#Guid\","
                           "\"ExchangeGuid\":\"g\"},{\"Alias\":\"y\"},7]");
    free(s);
    json_decref(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ok),      cmocka_unit_test(test_errors), cmocka_unit_test(test_depth),
        cmocka_unit_test(test_too_big), cmocka_unit_test(test_select),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests of the Graph $filter parser and evaluator (graph_filter.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "graph_filter.h"

static const char *const props[] = {"userPrincipalName",
                                    "displayName",
                                    "accountEnabled",
                                    "usageLocation",
                                    "capacity",
                                    "mail",
                                    NULL};

/* Evaluate `f` against the JSON object text `obj`; -1 when it does not parse. */
static int eval(const char *f, const char *obj)
{
    gf_node *n = NULL;
    rs_err e;
    if (gf_parse(f, props, "User", &n, &e) != RS_OK)
        return -1;
    json_t *o = json_loads(obj, 0, NULL);
    int r = gf_eval(n, o);
    json_decref(o);
    gf_free(n);
    return r;
}

static const char *alice = "{\"userPrincipalName\":\"alice@contoso.com\",\"displayName\":"
                           "\"Alice O'Hara\",\"accountEnabled\":true,\"usageLocation\":\"US\","
                           "\"capacity\":12,\"mail\":null}";

static void test_eq_and_case(void **state)
{
    (void)state;
    assert_int_equal(eval("userPrincipalName eq 'alice@contoso.com'", alice), 1);
    assert_int_equal(eval("userPrincipalName eq 'ALICE@contoso.com'", alice), 1);
    assert_int_equal(eval("UserPrincipalName EQ 'bob@contoso.com'", alice), 0);
    assert_int_equal(eval("accountEnabled eq true", alice), 1);
    assert_int_equal(eval("accountEnabled eq false", alice), 0);
    assert_int_equal(eval("mail eq null", alice), 1);
    assert_int_equal(eval("usageLocation eq null", alice), 0);
}

static void test_functions_and_logic(void **state)
{
    (void)state;
    assert_int_equal(eval("startsWith(displayName,'ali')", alice), 1);
    assert_int_equal(eval("startswith(displayName, 'Bob')", alice), 0);
    assert_int_equal(eval("endsWith(userPrincipalName,'@contoso.com')", alice), 1);
    assert_int_equal(eval("startsWith(displayName,'Alice') and usageLocation eq 'US'", alice), 1);
    assert_int_equal(eval("usageLocation eq 'DE' or usageLocation eq 'US'", alice), 1);
    assert_int_equal(eval("usageLocation eq 'DE' or (accountEnabled eq true and "
                          "startsWith(mail,'a'))",
                          alice),
                     0);
    assert_int_equal(eval("not (usageLocation eq 'DE')", alice), 1);
    assert_int_equal(eval("usageLocation in ('DE','FR','US')", alice), 1);
    assert_int_equal(eval("usageLocation in ('DE')", alice), 0);
    /* the quote escape: O''Hara */
    assert_int_equal(eval("displayName eq 'Alice O''Hara'", alice), 1);
}

static void test_numbers(void **state)
{
    (void)state;
    assert_int_equal(eval("capacity ge 10", alice), 1);
    assert_int_equal(eval("capacity gt 12", alice), 0);
    assert_int_equal(eval("capacity le 12 and capacity lt 13", alice), 1);
    assert_int_equal(eval("capacity eq '12'", alice), 0); /* types differ */
    assert_int_equal(eval("capacity ne '12'", alice), 1);
}

static void test_errors(void **state)
{
    (void)state;
    gf_node *n = NULL;
    rs_err e;
    const char *bad[] = {"",
                         "userPrincipalName",
                         "userPrincipalName eq",
                         "userPrincipalName eq 'x",
                         "userPrincipalName eq 'x' and",
                         "(userPrincipalName eq 'x'",
                         "startsWith(displayName 'x')",
                         "startsWith(displayName, 3)",
                         "userPrincipalName eq 'x' garbage",
                         "userPrincipalName in 'x'",
                         "capacity eq 12abc",
                         NULL};
    for (const char **b = bad; *b; b++) {
        assert_int_equal(gf_parse(*b, props, "User", &n, &e), RS_EPARSE);
        assert_null(n);
    }
    assert_int_equal(gf_parse("jobTitle eq 'x'", props, "User", &n, &e), RS_EINVAL);
    assert_non_null(strstr(e.msg, "property 'jobTitle' of resource 'User'"));
    /* too many clauses: refused, not a deep recursion */
    char big[GF_TEXT_MAX];
    big[0] = '\0';
    for (int i = 0; i < 80; i++)
        strcat(big, i ? " or capacity eq 1" : "capacity eq 1");
    assert_int_equal(gf_parse(big, props, "User", &n, &e), RS_EPARSE);
    char deep[GF_TEXT_MAX];
    memset(deep, '(', 1500);
    deep[1500] = '\0';
    assert_int_equal(gf_parse(deep, props, "User", &n, &e), RS_EPARSE);
    gf_free(NULL);
}

static void test_advanced(void **state)
{
    (void)state;
    gf_node *n = NULL;
    rs_err e;
    assert_int_equal(gf_parse("usageLocation eq 'US'", props, "User", &n, &e), RS_OK);
    assert_false(gf_advanced(n));
    gf_free(n);
    assert_int_equal(gf_parse("usageLocation ne 'US'", props, "User", &n, &e), RS_OK);
    assert_true(gf_advanced(n));
    gf_free(n);
    assert_int_equal(
        gf_parse("accountEnabled eq true and endsWith(mail,'x')", props, "User", &n, &e), RS_OK);
    assert_true(gf_advanced(n));
    gf_free(n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eq_and_case), cmocka_unit_test(test_functions_and_logic),
        cmocka_unit_test(test_numbers),     cmocka_unit_test(test_errors),
        cmocka_unit_test(test_advanced),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_api_form.c - x-www-form-urlencoded decoding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "api_internal.h"

static void test_pct_decode(void **state)
{
    (void)state;
    char out[64];
    size_t n = 0;
    assert_true(api_pct_decode("a%20b+c%2B%41", 13, true, out, &n));
    assert_string_equal(out, "a b c+A");
    assert_int_equal(n, 7);
    assert_true(api_pct_decode("a+b", 3, false, out, &n));
    assert_string_equal(out, "a+b");
    assert_true(api_pct_decode("%c3%A9", 6, true, out, &n));
    assert_string_equal(out, "\xc3\xa9");
    assert_true(api_pct_decode("", 0, true, out, &n));
    assert_string_equal(out, "");
    assert_int_equal(n, 0);
    /* malformed */
    assert_false(api_pct_decode("%", 1, true, out, &n));
    assert_false(api_pct_decode("ab%4", 4, true, out, &n));
    assert_false(api_pct_decode("%zz", 3, true, out, &n));
    assert_false(api_pct_decode("%g1", 3, true, out, &n));
    /* encoded NUL is refused */
    assert_false(api_pct_decode("a%00b", 5, true, out, &n));
    /* the length bounds the input, not a NUL */
    assert_true(api_pct_decode("abcdef", 3, true, out, &n));
    assert_string_equal(out, "abc");
}

static void test_form_password_grant(void **state)
{
    (void)state;
    const char *body = "client_id=abc&grant_type=password&username=admin%40contoso.onmicrosoft.com"
                       "&password=P%40ss+w0rd%21%26x%3Dy&scope=https%3A%2F%2Foutlook.office365.com"
                       "%2F.default+openid&client_info=1";
    api_form f;
    rs_err e;
    assert_int_equal(api_form_parse(body, strlen(body), &f, &e), RS_OK);
    assert_int_equal(f.n, 6);
    assert_string_equal(api_form_get(&f, "grant_type"), "password");
    assert_string_equal(api_form_get(&f, "username"), "admin@contoso.onmicrosoft.com");
    assert_string_equal(api_form_get(&f, "password"), "P@ss w0rd!&x=y");
    assert_string_equal(api_form_get(&f, "scope"), "https://outlook.office365.com/.default openid");
    assert_string_equal(api_form_get(&f, "client_info"), "1");
    assert_null(api_form_get(&f, "missing"));
    assert_null(api_form_get(&f, "Username")); /* names are case-sensitive */
    api_form_free(&f);
    assert_int_equal(f.n, 0);
    api_form_free(&f); /* twice is fine */
    api_form_free(NULL);
}

static void test_form_edge_cases(void **state)
{
    (void)state;
    api_form f;
    rs_err e;
    /* empty body */
    assert_int_equal(api_form_parse("", 0, &f, &e), RS_OK);
    assert_int_equal(f.n, 0);
    api_form_free(&f);
    /* empty pairs skipped, key without '=', empty value, '=' inside value */
    const char *b = "&&a&b=&c=x=y&&";
    assert_int_equal(api_form_parse(b, strlen(b), &f, &e), RS_OK);
    assert_int_equal(f.n, 3);
    assert_string_equal(api_form_get(&f, "a"), "");
    assert_string_equal(api_form_get(&f, "b"), "");
    assert_string_equal(api_form_get(&f, "c"), "x=y");
    api_form_free(&f);
    /* encoded key */
    b = "grant%5Ftype=password";
    assert_int_equal(api_form_parse(b, strlen(b), &f, &e), RS_OK);
    assert_string_equal(api_form_get(&f, "grant_type"), "password");
    api_form_free(&f);
    /* the length bounds the body */
    b = "a=1&b=2";
    assert_int_equal(api_form_parse(b, 3, &f, &e), RS_OK);
    assert_int_equal(f.n, 1);
    assert_string_equal(api_form_get(&f, "a"), "1");
    api_form_free(&f);
}

static void test_form_errors(void **state)
{
    (void)state;
    api_form f;
    rs_err e;
    const char *b = "username=a&password=%zz";
    assert_int_equal(api_form_parse(b, strlen(b), &f, &e), RS_EPARSE);
    assert_int_equal(e.code, RS_EPARSE);
    assert_non_null(strstr(e.msg, "'password'"));
    assert_int_equal(f.n, 0);
    b = "us%ername=a";
    assert_int_equal(api_form_parse(b, strlen(b), &f, &e), RS_EPARSE);
    assert_non_null(strstr(e.msg, "parameter name"));
    b = "scope=a&scope=b";
    assert_int_equal(api_form_parse(b, strlen(b), &f, &e), RS_EPARSE);
    assert_string_equal(e.msg, "The request body repeats the parameter 'scope'.");
    b = "password=a%00b";
    assert_int_equal(api_form_parse(b, strlen(b), &f, &e), RS_EPARSE);
    /* the secret value never appears in the message */
    b = "password=secret%4";
    assert_int_equal(api_form_parse(b, strlen(b), &f, &e), RS_EPARSE);
    assert_null(strstr(e.msg, "secret"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pct_decode),
        cmocka_unit_test(test_form_password_grant),
        cmocka_unit_test(test_form_edge_cases),
        cmocka_unit_test(test_form_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

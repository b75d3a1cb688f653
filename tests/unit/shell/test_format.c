/* test_format.c - exact text of Format-List, Format-Table and the default
 * formatter (Out-Default). */
#include "format.h"
#include "shell_test.h"

#define USER_OBJ                                                                                   \
    "$u = [pscustomobject]@{Identity='CN=alice'; UserPrincipalName='alice@contoso.com'; "          \
    "RegistrarPool='sippoolbl20a04.infra.lync.com'; TargetRegistrarPool="                          \
    "'sippoolbl20a04.infra.lync.com'; Enabled=$true; LineURI=$null; "                              \
    "AssignedPlan=@('MCOSTANDARD', "                                                               \
    "'EXCHANGE_S_STANDARD')}\n"

/* The seed's C3: Get-CsOnlineUser ... | fl *registrarpool* */
static void test_fl_wildcard(void **state)
{
    (void)state;
    assert_output(USER_OBJ "$u | fl *registrarpool*",
                  "\n"
                  "RegistrarPool       : sippoolbl20a04.infra.lync.com\n"
                  "TargetRegistrarPool : sippoolbl20a04.infra.lync.com\n"
                  "\n");
}

static void test_fl_all(void **state)
{
    (void)state;
    assert_output(USER_OBJ "$u | Format-List",
                  "\n"
                  "Identity            : CN=alice\n"
                  "UserPrincipalName   : alice@contoso.com\n"
                  "RegistrarPool       : sippoolbl20a04.infra.lync.com\n"
                  "TargetRegistrarPool : sippoolbl20a04.infra.lync.com\n"
                  "Enabled             : True\n"
                  "LineURI             : \n"
                  "AssignedPlan        : {MCOSTANDARD, EXCHANGE_S_STANDARD}\n"
                  "\n");
    /* fl * is the same; names are matched case-insensitively */
    assert_output(USER_OBJ "$u | fl ENABLED, lineuri", "\n"
                                                       "Enabled : True\n"
                                                       "LineURI : \n"
                                                       "\n");
}

static void test_fl_two_objects(void **state)
{
    (void)state;
    assert_output("1,2 | % { [pscustomobject]@{A=$_; Long=\"x$_\"} } | fl", "\n"
                                                                            "A    : 1\n"
                                                                            "Long : x1\n"
                                                                            "\n"
                                                                            "A    : 2\n"
                                                                            "Long : x2\n"
                                                                            "\n");
}

static void test_collections_limit(void **state)
{
    (void)state;
    assert_output("[pscustomobject]@{L=1..6; E=@(); H=@{k='v'}} | fl",
                  "\nL : {1, 2, 3, 4...}\nE : {}\nH : {[k, v]}\n\n");
}

static void test_ft(void **state)
{
    (void)state;
    assert_output("1,22 | % { [pscustomobject]@{Name=\"room$_\"; Capacity=$_; On=$true} } | "
                  "ft Name, Capacity, On",
                  "\n"
                  "Name   Capacity On\n"
                  "----   -------- --\n"
                  "room1         1 True\n"
                  "room22       22 True\n"
                  "\n");
    assert_output("[pscustomobject]@{A='x'} | ft -HideTableHeaders", "\nx\n\n");
}

/* Default view: up to 4 properties a table, 5 or more a list. */
static void test_default_view(void **state)
{
    (void)state;
    assert_output("[pscustomobject]@{A=1; B='b'}", "\nA B\n- -\n1 b\n\n");
    assert_output("[pscustomobject]@{A=1; B=2; C=3; D=4; E=5}",
                  "\nA : 1\nB : 2\nC : 3\nD : 4\nE : 5\n\n");
    /* consecutive objects of one shape share a table */
    assert_output("[pscustomobject]@{A=1}; [pscustomobject]@{A=22}", "\n A\n -\n 1\n22\n\n");
    assert_output("'text'; 5; $true; $null", "text\n5\nTrue\n");
    assert_output("@{b=2}", "\nName                           Value\n"
                            "----                           -----\n"
                            "b                              2\n\n");
}

/* Objects from a cmdlet with a declared view print with its columns. */
static void test_declared_view(void **state)
{
    (void)state;
    const char *const *view = NULL;
    lang_value *o = lang_object_new("Microsoft.Online.Administration.User");
    view = fmt_table_view(o);
    lang_unref(o);
    if (!view)
        skip(); /* the table has no view for MsolUser */
    shell_t *s = shell_new();
    s->fake.imported = true;
    json_error_t je;
    s->fake.reply =
        json_loads("{\"value\":[{\"UserPrincipalName\":\"a@contoso.com\",\"DisplayName\":\"A\","
                   "\"isLicensed\":true,\"ObjectId\":\"1\",\"UsageLocation\":\"US\"}],"
                   "\"@adminapi.warnings\":[]}",
                   0, &je);
    shell_run(s, "Get-MsolUser");
    assert_string_equal(OUT(s), "\nUserPrincipalName DisplayName isLicensed\n"
                                "----------------- ----------- ----------\n"
                                "a@contoso.com     A           True\n\n");
    json_decref(s->fake.reply);
    shell_free(s);
}

static void test_secure_string_display(void **state)
{
    (void)state;
    assert_output("$p = ConvertTo-SecureString 'pass@word1' -AsPlainText -Force; $p; \"$p\"; "
                  "[pscustomobject]@{UserName='u'; Password=$p} | fl",
                  "System.Security.SecureString\nSystem.Security.SecureString\n"
                  "\nUserName : u\nPassword : System.Security.SecureString\n\n");
}

static void test_out_string_and_width(void **state)
{
    (void)state;
    assert_output("$t = [pscustomobject]@{A=1} | Out-String; $t", "\nA\n-\n1\n\n\n");
    char *text;
    lang_value *o = lang_object_new(NULL);
    lang_prop_set_take(o, "Name", lang_str("a-very-long-value-that-does-not-fit"));
    lang_prop_set_take(o, "X", lang_str("y"));
    text = fmt_table_text(&o, 1, NULL, false, 20);
    assert_string_equal(text,
                        "\nName              X\n----              -\na-very-long-va... y\n\n");
    free(text);
    lang_unref(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fl_wildcard),
        cmocka_unit_test(test_fl_all),
        cmocka_unit_test(test_fl_two_objects),
        cmocka_unit_test(test_collections_limit),
        cmocka_unit_test(test_ft),
        cmocka_unit_test(test_default_view),
        cmocka_unit_test(test_declared_view),
        cmocka_unit_test(test_secure_string_display),
        cmocka_unit_test(test_out_string_and_width),
    };
    return cmocka_run_group_tests_name("shell_format", tests, NULL, NULL);
}

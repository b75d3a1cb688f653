/* test_complete.c - tab completion from the cmdlet table. */
#include "repl.h"
#include "shell_test.h"

static bool has(char **v, const char *s)
{
    for (size_t i = 0; v && v[i]; i++)
        if (!strcmp(v[i], s))
            return true;
    return false;
}

static size_t count(char **v)
{
    size_t n = 0;
    while (v && v[n])
        n++;
    return n;
}

static void free_all(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

static char **complete(const char *line)
{
    /* complete the last word of line */
    int end = (int)strlen(line);
    int start = end;
    while (start > 0 && line[start - 1] != ' ' && line[start - 1] != '|' && line[start - 1] != '(')
        start--;
    return shell_complete(NULL, line, start, end);
}

static void test_cmdlet_names(void **state)
{
    (void)state;
    char **v = complete("Enable-Cs");
    assert_int_equal(count(v), 1);
    assert_string_equal(v[0], "Enable-CsMeetingRoom");
    free_all(v);
    v = complete("get-cal");
    assert_true(has(v, "Get-CalendarProcessing"));
    free_all(v);
    v = complete("Get-CsOnlineUser x | fo");
    assert_true(has(v, "Format-List"));
    assert_true(has(v, "ForEach-Object"));
    free_all(v);
}

static void test_parameter_names(void **state)
{
    (void)state;
    char **v = complete("Set-Mailbox -Identity x -Ena");
    assert_int_equal(count(v), 1);
    assert_string_equal(v[0], "-EnableRoomMailboxAccount");
    free_all(v);
    v = complete("fl -");
    assert_true(has(v, "-Property"));
    free_all(v);
    v = complete("Enable-CsMeetingRoom -Identity r -Sip");
    assert_true(has(v, "-SipAddress"));
    assert_true(has(v, "-SipAddressType"));
    assert_true(has(v, "-SipDomain"));
    free_all(v);
}

static void test_enum_values(void **state)
{
    (void)state;
    char **v = complete("Enable-CsMeetingRoom -Identity r -SipAddressType Em");
    assert_int_equal(count(v), 1);
    assert_string_equal(v[0], "EmailAddress");
    free_all(v);
    v = complete("Set-CalendarProcessing r -AutomateProcessing ");
    assert_int_equal(count(v), 3);
    free_all(v);
    v = complete("Set-Mailbox x -EnableRoomMailboxAccount $t");
    assert_true(has(v, "$true"));
    free_all(v);
    /* the example: -AutomateProcessing A<TAB> */
    v = complete("Set-CalendarProcessing r -AutomateProcessing A");
    assert_int_equal(count(v), 2);
    assert_true(has(v, "AutoAccept"));
    assert_true(has(v, "AutoUpdate"));
    free_all(v);
    v = complete("Get-Mailbox x -ErrorAction Si");
    assert_int_equal(count(v), 1);
    assert_string_equal(v[0], "SilentlyContinue");
    free_all(v);
}

static void test_should_process_parameters(void **state)
{
    (void)state;
    /* -WhatIf / -Confirm are offered where the binder takes them */
    char **v = complete("Remove-Mailbox -Identity r -W");
    assert_true(has(v, "-WhatIf"));
    assert_true(has(v, "-WarningAction"));
    free_all(v);
    v = complete("Set-Content x.txt -Con");
    assert_true(has(v, "-Confirm"));
    free_all(v);
    v = complete("Get-Mailbox -W");
    assert_false(has(v, "-WhatIf"));
    assert_true(has(v, "-WarningAction"));
    free_all(v);
    /* the new local cmdlets come from the same table */
    v = complete("Group-");
    assert_int_equal(count(v), 1);
    assert_string_equal(v[0], "Group-Object");
    free_all(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cmdlet_names),
        cmocka_unit_test(test_parameter_names),
        cmocka_unit_test(test_enum_values),
        cmocka_unit_test(test_should_process_parameters),
    };
    return cmocka_run_group_tests_name("shell_complete", tests, NULL, NULL);
}

/* test_exit.c - exit status rules and the "At ..." position lines. */
#include "shell_test.h"

static int status_of(const char *script)
{
    shell_t *s = shell_new();
    s->fake.imported = true;
    int st = shell_run(s, script);
    shell_free(s);
    return st;
}

static void test_status_rules(void **state)
{
    (void)state;
    assert_int_equal(status_of("'fine'"), 0);
    assert_int_equal(status_of("exit 7"), 7);
    assert_int_equal(status_of("Foo-Bar; exit 0"), 0); /* exit N wins */
    assert_int_equal(status_of("exit"), 0);            /* plain exit: by the errors shown */
    assert_int_equal(status_of("Foo-Bar; exit"), 1);
    assert_int_equal(status_of("Foo-Bar; 'went on'"), 1); /* an error reached the host */
    assert_int_equal(status_of("Import-Module X -ErrorAction SilentlyContinue"), 0);
    assert_int_equal(status_of("try { throw 'x' } catch { }"), 0); /* handled: not shown */
    assert_int_equal(status_of("if ($x {"), 65);                   /* syntax error: nothing runs */
    assert_int_equal(status_of("throw 'stop'; exit 3"), 1);
    assert_int_equal(status_of("function f { exit 4 }; f; 'not reached'"), 4);
}

static void test_parse_error_report(void **state)
{
    (void)state;
    shell_t *s = shell_new();
    shell_run_named(s, "/tmp/bad.ps1", "'first'\nif ($x {\n'never'");
    assert_string_equal(OUT(s), ""); /* nothing ran */
    assert_string_equal(ERR(s),
                        "At /tmp/bad.ps1:2 char:8\n"
                        "+ if ($x {\n"
                        "+        ~\n"
                        "Missing closing ')' after expression in 'if' statement.\n"
                        "    + CategoryInfo          : ParserError: (:) [], ParseException\n"
                        "    + FullyQualifiedErrorId : MissingEndParenthesisAfterStatement\n");
    assert_int_equal(s->status, 65);
    shell_free(s);
}

static void test_unreachable(void **state)
{
    (void)state;
    shell_t *s = shell_new();
    s->fake.imported = true;
    s->fake.error = "The roomsys server https://127.0.0.1:1 could not be reached";
    s->fake.unreachable = true;
    shell_run(s, "Get-Mailbox; 'went on'");
    assert_string_equal(OUT(s), "went on\n");
    assert_int_equal(s->status, 69);
    shell_free(s);
    assert_int_equal(status_of("Get-Mailbox; exit 2"), 2);
}

/* PowerShell 5.1 truncates long lines around the error (69 columns, "..."). */
static void test_position_truncation(void **state)
{
    (void)state;
    const char *line = "Set-Mailbox -Identity $rm  -EnableRoomMailboxAccount $true "
                       "-RoomMailboxPassword (ConvertTo-SecureString $newpass -AsPlainText -Force)";
    lang_source *src = lang_source_new("/s.ps1", line, strlen(line));
    char *m = lang_position_message(src, 0, (uint32_t)strlen(line));
    assert_string_equal(
        m, "At /s.ps1:1 char:1\n"
           "+ Set-Mailbox -Identity $rm  -EnableRoomMailboxAccount $true -RoomMailb ...\n"
           "+ ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~");
    free(m);
    /* an error near the end of a long line: "... " prefix and context */
    uint32_t at = (uint32_t)(strstr(line, "-AsPlainText") - line);
    m = lang_position_message(src, at, at + 12);
    assert_string_equal(m, "At /s.ps1:1 char:114\n"
                           "+ ... MailboxPassword (ConvertTo-SecureString $newpass -AsPlainText "
                           "-Force)\n"
                           "+                                                      ~~~~~~~~~~~~");
    free(m);
    lang_source_unref(src);
    src = lang_source_new(NULL, "a\n\tb c", 6);
    m = lang_position_message(src, 5, 6);
    assert_string_equal(m, "At line:2 char:4\n+     b c\n+       ~");
    free(m);
    lang_source_unref(src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_rules),
        cmocka_unit_test(test_parse_error_report),
        cmocka_unit_test(test_unreachable),
        cmocka_unit_test(test_position_truncation),
    };
    return cmocka_run_group_tests_name("shell_exit", tests, NULL, NULL);
}

/* test_remote.c - sessions without a server: InvokeCommand error bodies
 * (admin-api.md 1.4) turned into PowerShell errors, scopes, and cmdlets that
 * are "not recognized" until their session is imported. */
#include <unistd.h>

#include "remote.h"
#include "shell_test.h"

static lang_error *error_from(const char *cmdlet, long status, const char *body)
{
    json_error_t je;
    json_t *j = json_loads(body, 0, &je);
    lang_error *e = shell_remote_error(cmdlet, status, j);
    json_decref(j);
    return e;
}

static void test_not_found_error(void **state)
{
    (void)state;
    lang_error *e = error_from(
        "Set-Mailbox", 404,
        "{\"error\":{\"code\":\"NotFound\",\"message\":\"Error executing cmdlet\",\"details\":[{"
        "\"code\":\"Client\",\"target\":\"\",\"category\":\"NotSpecified\",\"message\":"
        "\"Ex6F9304|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|The "
        "operation couldn't be performed because object 'x' couldn't be found on 'x'.\"}]}}");
    char *text = lang_error_format(e);
    assert_string_equal(text, "Set-Mailbox : The operation couldn't be performed because object "
                              "'x' couldn't be found on 'x'.\n"
                              "    + CategoryInfo          : NotSpecified: (:) [Set-Mailbox], "
                              "ManagementObjectNotFoundException\n"
                              "    + FullyQualifiedErrorId : Ex6F9304,Set-Mailbox\n");
    free(text);
    lang_error_free(e);
}

static void test_error_without_id(void **state)
{
    (void)state;
    lang_error *e = error_from(
        "Enable-CsMeetingRoom", 400,
        "{\"error\":{\"code\":\"BadRequest\",\"message\":\"Invalid Operation\",\"details\":[{"
        "\"message\":\"|System.InvalidOperationException|Cannot move user in enable operation. "
        "Use the Move user cmdlet instead.\",\"category\":\"InvalidOperation\"}]}}");
    assert_string_equal(e->message,
                        "Cannot move user in enable operation. Use the Move user cmdlet instead.");
    assert_string_equal(e->category, "InvalidOperation");
    assert_string_equal(e->reason, "InvalidOperationException");
    assert_string_equal(e->fqid, "InvalidOperationException,Enable-CsMeetingRoom");
    lang_error_free(e);
    /* no details: innererror, then error.message */
    e = error_from("Get-Mailbox", 403,
                   "{\"error\":{\"code\":\"Forbidden\",\"message\":\"Access denied.\"}}");
    assert_string_equal(e->message, "Access denied.");
    assert_string_equal(e->category, "PermissionDenied");
    lang_error_free(e);
    e = error_from("Get-Mailbox", 500, "not json");
    assert_string_equal(e->message, "The server answered HTTP 500.");
    lang_error_free(e);
}

static void test_scopes(void **state)
{
    (void)state;
    assert_string_equal(shell_remote_scope("exchange"), "https://outlook.office365.com/.default");
    assert_string_equal(shell_remote_scope("sfb"),
                        "https://api.interfaces.records.teams.microsoft.com/.default");
    assert_string_equal(shell_remote_scope("msol"), "https://graph.windows.net/.default");
}

/* Before Import-PSSession the server cmdlets are not recognized; the session
 * cmdlets exist and Import-PSSession $null is a binding error. */
static void test_before_import(void **state)
{
    (void)state;
    shell_t *s = shell_new();
    shell_remote *R = shell_remote_new("https://127.0.0.1:1", NULL);
    shell_remote_install(R, s->I);
    shell_run(s, "Get-CsOnlineUser -Identity alice\nImport-PSSession $nothing -AllowClobber\n"
                 "(Get-Command New-CsOnlineSession).Name\nGet-PSSession");
    assert_contains(ERR(s), "Get-CsOnlineUser : The term 'Get-CsOnlineUser' is not recognized");
    assert_contains(ERR(s), "Import-PSSession : Cannot validate argument on parameter 'Session'.");
    assert_string_equal(OUT(s), "New-CsOnlineSession\n");
    shell_free(s);
    shell_remote_free(R);
}

/* A server that cannot be reached: the session fails with PowerShell's
 * remoting text and the script's status is 69. */
static void test_session_unreachable(void **state)
{
    (void)state;
    shell_t *s = shell_new();
    shell_remote *R = shell_remote_new("https://127.0.0.1:1", NULL);
    shell_remote_install(R, s->I);
    char path[] = "/tmp/roomsys-pw-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "pw\n", 3), 3);
    close(fd);
    lang_set_password_file(s->I, path);
    shell_run(s, "$c = Get-Credential admin@contoso.onmicrosoft.com\n"
                 "$s = New-PSSession -ConfigurationName Microsoft.Exchange -ConnectionUri "
                 "https://ps.outlook.com/powershell -Credential $c -Authentication Basic "
                 "-AllowRedirection");
    unlink(path);
    assert_contains(ERR(s), "New-PSSession : [ps.outlook.com] Connecting to remote server "
                            "ps.outlook.com failed with the following error message : ");
    assert_contains(ERR(s), "For more information, see the about_Remote_Troubleshooting Help "
                            "topic.");
    assert_contains(ERR(s), "+ CategoryInfo          : OpenError: "
                            "(System.Manageme....RemoteRunspace:RemoteRunspace) [New-PSSession], "
                            "PSRemotingTransportException");
    assert_not_contains(ERR(s), "pw");
    assert_int_equal(s->status, 69);
    shell_free(s);
    shell_remote_free(R);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_found_error),
        cmocka_unit_test(test_error_without_id),
        cmocka_unit_test(test_scopes),
        cmocka_unit_test(test_before_import),
        cmocka_unit_test(test_session_unreachable),
    };
    return cmocka_run_group_tests_name("shell_remote", tests, NULL, NULL);
}

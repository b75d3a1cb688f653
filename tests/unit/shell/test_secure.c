/* test_secure.c - ConvertTo-SecureString's rules, Get-Credential without a
 * terminal, and SecureStrings never showing in output or errors. */
#include <unistd.h>

#include "shell_test.h"

static void test_force_required(void **state)
{
    (void)state;
    shell_t *s = shell_new();
    shell_run(s, "$p = ConvertTo-SecureString 'pw' -AsPlainText\n$p -eq $null");
    assert_string_equal(OUT(s), "True\n");
    assert_string_equal(
        ERR(s),
        "ConvertTo-SecureString : The system cannot protect plain text input. To suppress this "
        "warning and convert the plain text to a SecureString, reissue the command specifying the "
        "Force parameter. For more information ,type: get-help ConvertTo-SecureString.\n"
        "At line:1 char:6\n"
        "+ $p = ConvertTo-SecureString 'pw' -AsPlainText\n"
        "+      ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
        "    + CategoryInfo          : InvalidArgument: (:) [ConvertTo-SecureString], "
        "ArgumentException\n"
        "    + FullyQualifiedErrorId : ImportSecureString_ForceRequired,"
        "Microsoft.PowerShell.Commands.ConvertToSecureStringCommand\n");
    assert_int_equal(s->status, 1);
    shell_free(s);
}

static void test_encrypted_not_supported(void **state)
{
    (void)state;
    shell_t *s = shell_new();
    shell_run(s, "ConvertTo-SecureString '01000000d08c9ddf'");
    assert_contains(ERR(s), "Encrypted standard strings are not supported");
    assert_string_equal(OUT(s), "");
    shell_free(s);
}

static void test_ok_and_pipeline(void **state)
{
    (void)state;
    assert_output("$p = ConvertTo-SecureString -String 'pass@word1' -AsPlainText -Force; "
                  "$p.GetType().FullName; $p.Length",
                  "System.Security.SecureString\n10\n");
    assert_output("'a','b' | ConvertTo-SecureString -AsPlainText -Force | Measure-Object | "
                  "% Count",
                  "2\n");
    assert_output("ConvertTo-SecureString 'x' -AsPlainText -Force | ConvertFrom-SecureString "
                  "-AsPlainText",
                  "x\n");
}

/* The plain text of a SecureString never reaches the output or an error. */
static void test_never_printed(void **state)
{
    (void)state;
    shell_t *s = shell_new();
    shell_run(s, "$p = ConvertTo-SecureString 'S3cr3t!xyz' -AsPlainText -Force\n"
                 "$p; \"$p\"; $p | fl; $p | ft; @{pw=$p}; [pscustomobject]@{P=$p}\n"
                 "$p + 1\n"
                 "$p.Bogus()\n"
                 "Write-Host $p\n"
                 "Write-Error $p\n"
                 "throw $p");
    assert_not_contains(OUT(s), "S3cr3t");
    assert_not_contains(ERR(s), "S3cr3t");
    assert_not_contains(HOST(s), "S3cr3t");
    assert_contains(OUT(s), "System.Security.SecureString");
    shell_free(s);
}

static char *write_temp(const char *content)
{
    char *path = rs_strdup("/tmp/roomsys-shell-test-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
    close(fd);
    return path;
}

/* Without a terminal: password from the password file, user from the argument. */
static void test_get_credential_noninteractive(void **state)
{
    (void)state;
    char *pw = write_temp("pass@word1\nsecond line\n");
    shell_t *s = shell_new();
    lang_set_password_file(s->I, pw);
    shell_run(s, "$c = Get-Credential admin@contoso.onmicrosoft.com\n$c.UserName\n"
                 "$c.Password\n$c.GetNetworkCredential().Password.Length\n$c");
    assert_string_equal(ERR(s), "");
    assert_string_equal(OUT(s), "admin@contoso.onmicrosoft.com\nSystem.Security.SecureString\n10\n"
                                "\nUserName                      Password\n"
                                "--------                      --------\n"
                                "admin@contoso.onmicrosoft.com System.Security.SecureString\n\n");
    shell_free(s);

    /* admin@$org with $org unset: ROOMSYS_USER completes the pre-filled name */
    s = shell_new();
    lang_set_password_file(s->I, pw);
    setenv("ROOMSYS_USER", "admin@skypelrs.onmicrosoft.com", 1);
    shell_run(s, "(Get-Credential admin@$org).UserName; (Get-Credential other@x.com).UserName");
    unsetenv("ROOMSYS_USER");
    assert_string_equal(OUT(s), "admin@skypelrs.onmicrosoft.com\nother@x.com\n");
    shell_free(s);

    /* ROOMSYS_PASSWORD_FILE works like --password-file */
    s = shell_new();
    setenv("ROOMSYS_PASSWORD_FILE", pw, 1);
    shell_run(s, "(Get-Credential u@d.com).Password.Length");
    unsetenv("ROOMSYS_PASSWORD_FILE");
    assert_string_equal(OUT(s), "10\n");
    shell_free(s);
    unlink(pw);
    free(pw);
}

static void test_get_credential_unavailable(void **state)
{
    (void)state;
    unsetenv("ROOMSYS_PASSWORD_FILE");
    unsetenv("ROOMSYS_USER");
    shell_t *s = shell_new();
    shell_run(s, "$c = Get-Credential admin@contoso.com; $c -eq $null; Get-Credential");
    assert_string_equal(OUT(s), "True\n");
    assert_contains(ERR(s), "Get-Credential : Cannot ask for a password: standard input is not a "
                            "terminal. Put the password on the first line of a file and name the "
                            "file with roomsys --password-file PATH or the ROOMSYS_PASSWORD_FILE "
                            "environment variable.");
    assert_contains(ERR(s), "Get-Credential : Cannot ask for a user name");
    shell_free(s);
}

/* With a terminal the password is asked for (the test host answers). */
static void test_get_credential_prompt(void **state)
{
    (void)state;
    shell_t *s = shell_new();
    s->I->host.interactive = true;
    s->cap.answer = "typed-pw";
    shell_run(s, "(Get-Credential bob@contoso.com).GetNetworkCredential().Password");
    assert_string_equal(OUT(s), "typed-pw\n");
    assert_contains(HOST(s), "Password for user bob@contoso.com: ");
    shell_free(s);
}

static void test_new_object_credential(void **state)
{
    (void)state;
    assert_output("$p = ConvertTo-SecureString 'x' -AsPlainText -Force; "
                  "$c = New-Object System.Management.Automation.PSCredential ('u@d.com', $p); "
                  "$c.UserName; $c.Password",
                  "u@d.com\nSystem.Security.SecureString\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_force_required),
        cmocka_unit_test(test_encrypted_not_supported),
        cmocka_unit_test(test_ok_and_pipeline),
        cmocka_unit_test(test_never_printed),
        cmocka_unit_test(test_get_credential_noninteractive),
        cmocka_unit_test(test_get_credential_unavailable),
        cmocka_unit_test(test_get_credential_prompt),
        cmocka_unit_test(test_new_object_credential),
    };
    return cmocka_run_group_tests_name("shell_secure", tests, NULL, NULL);
}

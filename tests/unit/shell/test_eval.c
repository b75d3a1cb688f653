/* test_eval.c - evaluation of expressions and statements, string expansion,
 * pipelines, error flow (try/catch/throw, -ErrorAction, $ErrorActionPreference). */
#include "shell_test.h"

static void test_arithmetic_and_strings(void **state)
{
    (void)state;
    assert_output("1 + 2 * 3", "7\n");
    assert_output("7 / 2; 6 / 2; 7 % 3", "3.5\n3\n1\n");
    assert_output("'ab' * 3; 'x' + 1; 1 + '2'", "ababab\nx1\n3\n");
    assert_output("(1,2) + 3 | % { $_ * 10 }", "10\n20\n30\n");
    assert_output("$null + 5", "5\n");
    assert_output("-5 + 1; -(2)", "-4\n-2\n");
    assert_output("[int]'42' + 1; [string]5 + 1; [int]2.5; [int]3.5", "43\n51\n2\n4\n");
}

static void test_expansion(void **state)
{
    (void)state;
    assert_output("$org = 'contoso.com'; \"admin@$org\"; 'admin@$org'",
                  "admin@contoso.com\nadmin@$org\n");
    assert_output("$a = 2; \"sum: $($a + 3) tab:`t| quote:\"\" dollar:`$a\"",
                  "sum: 5 tab:\t| quote:\" dollar:$a\n");
    /* unset variables are $null and expand to nothing */
    assert_output("\"admin@$org\"", "admin@\n");
    assert_output("$o = @{Name='n'}; \"$o.Name\"", "System.Collections.Hashtable.Name\n");
    assert_output("$o = [pscustomobject]@{A=1; B='x'}; \"$o\"", "@{A=1; B=x}\n");
    assert_output("$a = 1,2,3; \"$a\"", "1 2 3\n");
    assert_output("@\"\nline $(1+1)\n\"@", "line 2\n");
}

static void test_comparison(void **state)
{
    (void)state;
    assert_output("'ABC' -eq 'abc'; 'ABC' -ceq 'abc'; 1 -eq '1'; '1' -eq 1",
                  "True\nFalse\nTrue\nTrue\n");
    assert_output("'Conf Room' -like 'conf*'; 'x' -notlike 'x'", "True\nFalse\n");
    assert_output("'sippool1.infra' -match 'POOL(\\d)'; $Matches[1]", "True\n1\n");
    assert_output("1,2,3,2 -eq 2", "2\n2\n");
    assert_output("(1,2,3) -contains 2; 4 -in 1,2,3", "True\nFalse\n");
    assert_output("-not $true; !$null; $true -and $false -or $true", "False\nTrue\nTrue\n");
    assert_output("$null -eq $x; '' -eq $null", "True\nFalse\n");
    assert_output("'a,b' -split ','; 'x-y' -replace '-', '+'", "a\nb\nx+y\n");
}

static void test_collections(void **state)
{
    (void)state;
    assert_output("$a = @(); $a.Count; $a += 5; $a += 6; $a.Count; $a[-1]", "0\n2\n6\n");
    assert_output("$h = @{a=1}; $h.b = 2; $h['c'] = 3; $h.Count; $h.b; $h.ContainsKey('C')",
                  "3\n2\nTrue\n");
    assert_output("$h = @{Add='ES: x'; Remove='y'}; $h.Add", "ES: x\n");
    assert_output("$x = ,1; $x.Count; @(1).Count; @($null).Count; @().Count", "1\n1\n1\n0\n");
    assert_output("$o = [pscustomobject]@{A=1}; $o.A = 2; $o.A; $o.Missing -eq $null", "2\nTrue\n");
    assert_output("$l = @([pscustomobject]@{N='a'}, [pscustomobject]@{N='b'}); $l.N", "a\nb\n");
    assert_output("'abc'.ToUpper(); 'a b'.Split(' ').Count; 'abc'.Length", "ABC\n2\n3\n");
    assert_output("$l = New-Object System.Collections.ArrayList; [void]$l.Add('a'); "
                  "$null = $l.Add('b'); $l.Count; $s = @{}; $s['Mailbox'] = 'ok'; "
                  "foreach ($e in $s.GetEnumerator()) { \"$($e.Key)=$($e.Value)\" }",
                  "2\nMailbox=ok\n");
}

static void test_control_flow(void **state)
{
    (void)state;
    assert_output(
        "foreach ($i in 1..5) { if ($i -eq 2) { continue }; if ($i -eq 4) { break }; $i }",
        "1\n3\n");
    assert_output("$i = 0; while ($i -lt 3) { $i++ }; $i", "3\n");
    assert_output("$i = 0; do { $i += 2 } until ($i -ge 5); $i", "6\n");
    assert_output("for ($i = 0; $i -lt 3; $i++) { $i }", "0\n1\n2\n");
    assert_output("switch (2) { 1 { 'one' } 2 { 'two' } default { 'other' } }", "two\n");
    assert_output("$r = if ($true) { 'yes' } else { 'no' }; $r", "yes\n");
    assert_output(
        "function f([int]$a, $b = 10) { return $a + $b; 'not reached' }; f 1; f -b 2 -a 3",
        "11\n5\n");
    assert_output("function g { param([switch]$Loud, $Name = 'x') if ($Loud) { $Name.ToUpper() } "
                  "else { $Name } }; g; g -Loud -Name ab",
                  "x\nAB\n");
}

static void test_pipelines(void **state)
{
    (void)state;
    assert_output("1..4 | Where-Object { $_ % 2 -eq 0 } | ForEach-Object { $_ * 10 }", "20\n40\n");
    assert_output("$l = 1..3 | % { [pscustomobject]@{Id=$_; Pool=\"p$_\"} }; "
                  "$l | Where-Object Id -ge 2 | Select -Expand Pool",
                  "p2\np3\n");
    assert_output(
        "$l = 1..3 | % { [pscustomobject]@{Id=$_} }; ($l | Select-Object -First 2).Count; "
        "($l | Select-Object -Last 1).Id",
        "2\n3\n");
    assert_output("3,1,2 | Sort-Object; (1..4 | Measure-Object).Count", "1\n2\n3\n4\n");
    assert_output("'a','b' | % Length", "1\n1\n");
    assert_output("Write-Output 1 2 3", "1\n2\n3\n");
    assert_output("$x = 'a' | Out-Null; $x -eq $null", "True\n");
}

static void test_try_catch_throw(void **state)
{
    (void)state;
    assert_output("try { throw 'boom' } catch { \"caught $_\" } finally { 'fin' }",
                  "caught boom\nfin\n");
    assert_output("try { Get-Nope } catch { $_.FullyQualifiedErrorId }",
                  "CommandNotFoundException\n");
    assert_output("try { 1/0 } catch { $_.Exception.Message }", "Attempted to divide by zero.\n");
    /* a non-terminating error is not caught unless -ErrorAction Stop */
    shell_t *s = shell_new();
    shell_run(s, "try { Import-Module Nope; 'after' } catch { 'caught' }");
    assert_string_equal(OUT(s), "after\n");
    assert_contains(ERR(s), "Import-Module : The specified module 'Nope' was not loaded");
    shell_free(s);
    assert_output("try { Import-Module Nope -ErrorAction Stop; 'after' } catch { 'caught' }",
                  "caught\n");
    assert_output("$ErrorActionPreference = 'Stop'; try { Import-Module Nope; 'after' } catch { "
                  "'caught' }",
                  "caught\n");
    assert_output("Import-Module Nope -ErrorAction SilentlyContinue; $Error.Count; 'ok'",
                  "1\nok\n");
}

/* A statement-terminating error stops only its statement; throw stops the script. */
static void test_error_flow(void **state)
{
    (void)state;
    shell_t *s = shell_new();
    shell_run(s, "'one'\nFoo-Bar\n'two'\nthrow 'stop'\n'three'");
    assert_string_equal(OUT(s), "one\ntwo\n");
    assert_contains(ERR(s), "Foo-Bar : The term 'Foo-Bar' is not recognized");
    assert_contains(ERR(s), "stop\nAt line:4 char:1\n+ throw 'stop'\n+ ~~~~~~~~~~~~\n");
    assert_contains(ERR(s), "    + CategoryInfo          : OperationStopped: (stop:String) [], "
                            "RuntimeException\n    + FullyQualifiedErrorId : stop\n");
    assert_int_equal(s->status, 1);
    shell_free(s);
}

static void test_unknown_command_text(void **state)
{
    (void)state;
    shell_t *s = shell_new();
    shell_run_named(s, "/tmp/x.ps1", "Enable-CsMeetingRoom -Identity $rm");
    assert_string_equal(
        ERR(s),
        "Enable-CsMeetingRoom : The term 'Enable-CsMeetingRoom' is not recognized as the name of a "
        "cmdlet, function, script file, or operable program. Check the spelling of the name, or "
        "if a path was included, verify that the path is correct and try again.\n"
        "At /tmp/x.ps1:1 char:1\n"
        "+ Enable-CsMeetingRoom -Identity $rm\n"
        "+ ~~~~~~~~~~~~~~~~~~~~\n"
        "    + CategoryInfo          : ObjectNotFound: (Enable-CsMeetingRoom:String) [], "
        "CommandNotFoundException\n"
        "    + FullyQualifiedErrorId : CommandNotFoundException\n");
    shell_free(s);
}

static void test_variables(void **state)
{
    (void)state;
    assert_output("$x = 1; ${x}; $global:x; $X", "1\n1\n1\n");
    assert_output("$a, $b = 1, 2, 3; $a; $b.Count", "1\n2\n");
    setenv("ROOMSYS_TEST_ENV", "hello", 1);
    assert_output("$env:ROOMSYS_TEST_ENV", "hello\n");
    shell_t *s = shell_new();
    shell_run(s, "$true = 1");
    assert_contains(ERR(s), "Cannot overwrite variable true because it is read-only or constant.");
    shell_free(s);
    assert_output("$null = 'discarded'; 'kept'", "kept\n");
}

static void test_write_host_and_warning(void **state)
{
    (void)state;
    shell_t *s = shell_new();
    shell_run(s, "Write-Host 'a' 'b' -NoNewline; Write-Host '!'; Write-Warning 'careful'");
    assert_string_equal(HOST(s), "a b!\nWARNING: careful\n");
    assert_string_equal(OUT(s), "");
    shell_free(s);
    s = shell_new();
    shell_run(s, "Write-Warning 'quiet' -WarningAction SilentlyContinue");
    assert_string_equal(HOST(s), "");
    shell_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arithmetic_and_strings),
        cmocka_unit_test(test_expansion),
        cmocka_unit_test(test_comparison),
        cmocka_unit_test(test_collections),
        cmocka_unit_test(test_control_flow),
        cmocka_unit_test(test_pipelines),
        cmocka_unit_test(test_try_catch_throw),
        cmocka_unit_test(test_error_flow),
        cmocka_unit_test(test_unknown_command_text),
        cmocka_unit_test(test_variables),
        cmocka_unit_test(test_write_host_and_warning),
    };
    return cmocka_run_group_tests_name("shell_eval", tests, NULL, NULL);
}

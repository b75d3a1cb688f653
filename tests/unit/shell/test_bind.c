/* test_bind.c - binding command arguments against the cmdlet table: names,
 * prefixes, switches, -X:value, positionals, pipeline input, the JSON sent to
 * the server, and the binder's PowerShell error texts. */
#include "shell_test.h"

static shell_t *connected(void)
{
    shell_t *s = shell_new();
    s->fake.imported = true;
    return s;
}

/* The parameters of call i as compact JSON (malloc'd). */
static char *call_params(shell_t *s, size_t i)
{
    json_t *c = json_array_get(s->fake.calls, i);
    assert_non_null(c);
    return json_dumps(json_object_get(c, "params"), JSON_COMPACT | JSON_SORT_KEYS);
}

static void assert_params(shell_t *s, size_t i, const char *expected)
{
    char *p = call_params(s, i);
    assert_string_equal(p, expected);
    free(p);
}

/* The seed's E2a and E2b as they reach the server. */
static void test_seed_mailbox_calls(void **state)
{
    (void)state;
    shell_t *s = connected();
    shell_run(s, "$rm=\"confrm1@contoso.onmicrosoft.com\"\n$newpass='pass@word1'\n"
                 "Set-Mailbox -Identity $rm  -EnableRoomMailboxAccount $true -RoomMailboxPassword "
                 "(ConvertTo-SecureString $newpass -AsPlainText -Force)\n"
                 "$rm=\"confrm2@contoso.onmicrosoft.com\"\n"
                 "New-Mailbox -Name \"Conf Room 2\" -MicrosoftOnlineServicesID $rm -Room  "
                 "-EnableRoomMailboxAccount $true -RoomMailboxPassword (ConvertTo-SecureString "
                 "$newpass -AsPlainText -Force)");
    assert_string_equal(ERR(s), "");
    assert_int_equal(s->status, 0);
    assert_params(s, 0,
                  "{\"EnableRoomMailboxAccount\":true,\"Identity\":"
                  "\"confrm1@contoso.onmicrosoft.com\",\"RoomMailboxPassword\":\"pass@word1\"}");
    assert_params(s, 1,
                  "{\"EnableRoomMailboxAccount\":true,\"MicrosoftOnlineServicesID\":"
                  "\"confrm2@contoso.onmicrosoft.com\",\"Name\":\"Conf Room 2\","
                  "\"Room\":true,\"RoomMailboxPassword\":\"pass@word1\"}");
    shell_free(s);
}

static void test_prefix_positional_switch_colon(void **state)
{
    (void)state;
    shell_t *s = connected();
    /* -ide prefix, Identity positional, -Room:$false, enum canonicalised */
    shell_run(s, "Set-CalendarProcessing -ide r1 -automate autoaccept -DeleteSubject:$false\n"
                 "Get-Mailbox r2\n"
                 "New-Mailbox -Name x -Room:$false");
    assert_string_equal(ERR(s), "");
    assert_params(s, 0,
                  "{\"AutomateProcessing\":\"AutoAccept\",\"DeleteSubject\":false,"
                  "\"Identity\":\"r1\"}");
    assert_params(s, 1, "{\"Identity\":\"r2\"}");
    assert_params(s, 2, "{\"Name\":\"x\",\"Room\":false}");
    shell_free(s);
}

static void test_unknown_parameter_e14(void **state)
{
    (void)state;
    shell_t *s = connected();
    shell_run(s, "Set-Mailbox -Identity x -Bogus 1");
    assert_string_equal(ERR(s),
                        "Set-Mailbox : A parameter cannot be found that matches parameter name "
                        "'Bogus'.\n"
                        "At line:1 char:25\n"
                        "+ Set-Mailbox -Identity x -Bogus 1\n"
                        "+                         ~~~~~~\n"
                        "    + CategoryInfo          : InvalidArgument: (:) [Set-Mailbox], "
                        "ParameterBindingException\n"
                        "    + FullyQualifiedErrorId : NamedParameterNotFound,Set-Mailbox\n");
    assert_int_equal(json_array_size(s->fake.calls), 0);
    assert_int_equal(s->status, 1);
    shell_free(s);
}

static void test_ambiguous_prefix(void **state)
{
    (void)state;
    shell_t *s = connected();
    /* -Re is a prefix of RecipientTypeDetails and ResultSize */
    shell_run(s, "Get-Mailbox -Re x");
    assert_contains(ERR(s), "Get-Mailbox : Parameter cannot be processed because the parameter "
                            "name 'Re' is ambiguous. Possible matches include: ");
    assert_contains(ERR(s), "-RecipientTypeDetails");
    assert_contains(ERR(s), "-ResultSize");
    assert_contains(ERR(s), "FullyQualifiedErrorId : AmbiguousParameter,Get-Mailbox");
    shell_free(s);
}

/* S2 step 4: `Get-Mailbox  LRS01@ contoso.com` has a stray space. */
static void test_positional_error(void **state)
{
    (void)state;
    shell_t *s = connected();
    shell_run(s, "$Temp = Get-Mailbox  LRS01@ contoso.com");
    assert_contains(ERR(s), "Get-Mailbox : A positional parameter cannot be found that accepts "
                            "argument 'contoso.com'.\n");
    assert_contains(ERR(s), "FullyQualifiedErrorId : PositionalParameterNotFound,Get-Mailbox");
    shell_free(s);
    /* -RegistrarPool'x' (S9/S10) is one positional argument: PowerShell's rule */
    s = connected();
    shell_run(s, "Enable-CsMeetingRoom -Identity r -RegistrarPool'sippoolbl20a04.infra.lync.com' "
                 "-SipAddressType EmailAddress");
    assert_contains(ERR(s), "A positional parameter cannot be found that accepts argument "
                            "'-RegistrarPoolsippoolbl20a04.infra.lync.com'.");
    assert_int_equal(json_array_size(s->fake.calls), 0);
    shell_free(s);
}

static void test_missing_argument_and_twice(void **state)
{
    (void)state;
    shell_t *s = connected();
    shell_run(s, "Set-Mailbox -Identity");
    assert_contains(ERR(s), "Set-Mailbox : Missing an argument for parameter 'Identity'. Specify "
                            "a parameter of type "
                            "'Microsoft.Exchange.Configuration.Tasks.MailboxIdParameter' and try "
                            "again.");
    shell_free(s);
    s = connected();
    shell_run(s, "Set-Mailbox -Identity a -Identity b");
    assert_contains(ERR(s), "Cannot bind parameter because parameter 'Identity' is specified more "
                            "than once.");
    shell_free(s);
}

static void test_conversions(void **state)
{
    (void)state;
    shell_t *s = connected();
    shell_run(s, "Set-Mailbox -Identity x -EnableRoomMailboxAccount 'yes'");
    assert_contains(ERR(s), "Cannot process argument transformation on parameter "
                            "'EnableRoomMailboxAccount'.");
    shell_free(s);
    s = connected();
    shell_run(s, "Set-CalendarProcessing x -AutomateProcessing Sometimes");
    assert_contains(ERR(s), "Cannot bind parameter 'AutomateProcessing'. Cannot convert value "
                            "\"Sometimes\"");
    assert_contains(ERR(s), "None, AutoUpdate, AutoAccept");
    shell_free(s);
    /* a plain string is not a SecureString, and the password is not echoed */
    s = connected();
    shell_run(s, "Set-Mailbox -Identity x -RoomMailboxPassword 'hunter22'");
    assert_contains(ERR(s), "to type \"System.Security.SecureString\"");
    /* the message does not repeat it (the quoted source line is the script's own text) */
    char *first = rs_strndup(ERR(s), strcspn(ERR(s), "\n"));
    assert_not_contains(first, "hunter22");
    assert_contains(first, "\"********\"");
    free(first);
    assert_int_equal(json_array_size(s->fake.calls), 0);
    shell_free(s);
    /* -RoomMailboxPassword $null (ConvertTo-SecureString without -Force): binding error */
    s = connected();
    shell_run(s, "Set-Mailbox -Identity x -RoomMailboxPassword (ConvertTo-SecureString 'p' "
                 "-AsPlainText)");
    assert_contains(ERR(s), "ImportSecureString_ForceRequired");
    assert_contains(ERR(s), "Set-Mailbox : Cannot bind argument to parameter "
                            "'RoomMailboxPassword' because it is null.");
    assert_int_equal(json_array_size(s->fake.calls), 0);
    shell_free(s);
}

static void test_missing_mandatory(void **state)
{
    (void)state;
    shell_t *s = connected();
    shell_run(s, "Set-Mailbox -MailTip x");
    assert_contains(ERR(s), "Set-Mailbox : Cannot process command because of one or more missing "
                            "mandatory parameters: Identity.");
    shell_free(s);
    /* shell cmdlets too; pipeline input fills a ValueFromPipeline parameter */
    s = connected();
    shell_run(s, "Import-Module\n'pw' | ConvertTo-SecureString -AsPlainText -Force");
    assert_contains(ERR(s), "Import-Module : Cannot process command because of one or more "
                            "missing mandatory parameters: Name.");
    assert_string_equal(OUT(s), "System.Security.SecureString\n");
    shell_free(s);
}

/* Pipeline input supplies -Identity (by property, UserPrincipalName, or a string). */
static void test_pipeline_identity(void **state)
{
    (void)state;
    shell_t *s = connected();
    shell_run(s, "[pscustomobject]@{Identity='a'}, [pscustomobject]@{UserPrincipalName='b'}, 'c' "
                 "| Enable-CsMeetingRoom -SipAddressType EmailAddress");
    assert_string_equal(ERR(s), "");
    assert_int_equal(json_array_size(s->fake.calls), 3);
    assert_params(s, 0, "{\"Identity\":\"a\",\"SipAddressType\":\"EmailAddress\"}");
    assert_params(s, 1, "{\"Identity\":\"b\",\"SipAddressType\":\"EmailAddress\"}");
    assert_params(s, 2, "{\"Identity\":\"c\",\"SipAddressType\":\"EmailAddress\"}");
    shell_free(s);
}

static void test_values_to_json(void **state)
{
    (void)state;
    shell_t *s = connected();
    shell_run(s, "Set-Mailbox -Identity x -MailTipTranslations @{Add='ES: hola';Remove='FR: x'} "
                 "-ResourceCapacity '12'\n"
                 "Set-CalendarProcessing x -BookInPolicy a@c.com,b@c.com");
    assert_string_equal(ERR(s), "");
    assert_params(s, 0,
                  "{\"Identity\":\"x\",\"MailTipTranslations\":{\"Add\":\"ES: hola\","
                  "\"Remove\":\"FR: x\"},\"ResourceCapacity\":12}");
    assert_params(s, 1, "{\"BookInPolicy\":[\"a@c.com\",\"b@c.com\"],\"Identity\":\"x\"}");
    shell_free(s);
}

/* Common parameters are handled by the shell, not sent as cmdlet parameters. */
static void test_common_parameters(void **state)
{
    (void)state;
    shell_t *s = connected();
    s->fake.error = "boom";
    shell_run(s, "Set-Mailbox -Identity x -ErrorAction SilentlyContinue -ErrorVariable ev; "
                 "$ev.Count; try { Set-Mailbox x -ea Stop } catch { 'stopped' }");
    assert_string_equal(ERR(s), "");
    assert_string_equal(OUT(s), "1\nstopped\n");
    assert_params(s, 0, "{\"Identity\":\"x\"}");
    shell_free(s);
    s = connected();
    shell_run(s, "Set-Mailbox x -ErrorAction Sometimes");
    assert_contains(ERR(s), "Cannot bind parameter 'ErrorAction'. Cannot convert value "
                            "\"Sometimes\" to type "
                            "\"System.Management.Automation.ActionPreference\".");
    shell_free(s);
}

/* Server objects: property order kept, type from the table, warnings printed. */
static void test_results(void **state)
{
    (void)state;
    shell_t *s = connected();
    json_error_t je;
    s->fake.reply =
        json_loads("{\"value\":[{\"Identity\":\"CN=a\",\"SipAddress\":\"sip:a@c.com\","
                   "\"RegistrarPool\":\"p1\",\"Enabled\":true,\"Extra@odata.type\":\"#String\"}],"
                   "\"@adminapi.warnings\":[\"It takes a few minutes.\"]}",
                   0, &je);
    shell_run(s, "$r = Enable-CsMeetingRoom a -PassThru; $r.GetType().FullName; $r.RegistrarPool");
    assert_string_equal(HOST(s), "WARNING: It takes a few minutes.\n");
    assert_string_equal(OUT(s), "Microsoft.Rtc.Management.ADConnect.Schema.OCSADMeetingRoom\np1\n");
    json_decref(s->fake.reply);
    shell_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_mailbox_calls),
        cmocka_unit_test(test_prefix_positional_switch_colon),
        cmocka_unit_test(test_unknown_parameter_e14),
        cmocka_unit_test(test_ambiguous_prefix),
        cmocka_unit_test(test_positional_error),
        cmocka_unit_test(test_missing_argument_and_twice),
        cmocka_unit_test(test_conversions),
        cmocka_unit_test(test_missing_mandatory),
        cmocka_unit_test(test_pipeline_identity),
        cmocka_unit_test(test_values_to_json),
        cmocka_unit_test(test_common_parameters),
        cmocka_unit_test(test_results),
    };
    return cmocka_run_group_tests_name("shell_bind", tests, NULL, NULL);
}

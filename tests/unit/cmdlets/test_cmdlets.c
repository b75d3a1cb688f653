/* Unit tests for the cmdlet table and the binder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "bind.h"
#include "cmdlet_table.h"

static void test_table_consistent(void **state)
{
    for (size_t i = 0; i < cmdlet_table_len; i++) {
        const cmdlet_def_t *d = &cmdlet_table[i];
        assert_non_null(d->name);
        assert_non_null(d->synopsis);
        assert_ptr_equal(cmdlet_find(d->name), d); /* names are unique */
        for (size_t j = 0; j < d->nparams; j++) {
            assert_ptr_equal(cmdlet_param_find(d, d->params[j].name), &d->params[j]);
            if (d->params[j].type == PT_ENUM)
                assert_non_null(d->params[j].enum_values);
        }
    }
    assert_non_null(cmdlet_find("enable-csmeetingroom"));
    assert_null(cmdlet_find("Enable-CsMeetingRooms"));
}

static void test_prefix(void **state)
{
    const cmdlet_def_t *d = cmdlet_find("Set-CsMeetingRoom");
    bool amb;
    char m[256];
    assert_string_equal(cmdlet_param_resolve(d, "Enterprise", &amb, m, sizeof m)->name,
                        "EnterpriseVoiceEnabled");
    assert_null(cmdlet_param_resolve(d, "E", &amb, m, sizeof m));
    assert_true(amb);
    assert_string_equal(m, "-Enabled -EnterpriseVoiceEnabled -ExchangeArchivingPolicy");
    /* an exact name wins over longer names it prefixes */
    assert_string_equal(cmdlet_param_resolve(d, "enabled", &amb, m, sizeof m)->name, "Enabled");
}

static rs_status bind_json(const char *cmdlet, const char *json, json_t **out, rs_err *err)
{
    json_t *in = json_loads(json, 0, NULL);
    rs_status rc = cmdlet_bind(cmdlet_find(cmdlet), in, out, err);
    json_decref(in);
    return rc;
}

static void test_bind(void **state)
{
    json_t *b = NULL;
    rs_err err;
    assert_int_equal(bind_json("Set-CalendarProcessing",
                               "{\"identity\":\"r\",\"automateprocessing\":\"autoaccept\","
                               "\"BookingWindowInDays\":\"30\",\"DeleteSubject\":false}",
                               &b, &err),
                     RS_OK);
    assert_string_equal(bp_str(b, "AutomateProcessing"), "AutoAccept");
    assert_int_equal(bp_int(b, "BookingWindowInDays", 0), 30);
    assert_int_equal(bp_bool(b, "DeleteSubject", 1), 0);
    json_decref(b);

    assert_int_equal(bind_json("Set-Mailbox", "{\"Identity\":\"r\",\"Room\":true}", &b, &err),
                     RS_EINVAL);
    assert_string_equal(err.msg, "A parameter cannot be found that matches parameter name 'Room'.");
    assert_string_equal(err.error_id, "NamedParameterNotFound");

    assert_int_equal(bind_json("Set-CalendarProcessing",
                               "{\"Identity\":\"r\",\"BookingWindowInDays\":2000}", &b, &err),
                     RS_EINVAL);
    assert_non_null(strstr(err.msg, "0..1080"));

    assert_int_equal(
        bind_json("Enable-CsMeetingRoom", "{\"Identity\":\"r\",\"RegistrarPool\":\"\"}", &b, &err),
        RS_EINVAL);
    assert_string_equal(err.msg, "Cannot bind parameter 'RegistrarPool'. Cannot convert value \"\" "
                                 "to type \"Microsoft.Rtc.Management.Deploy.Fqdn\". Error: "
                                 "\"Invalid fully qualified domain name (FQDN).\"");

    assert_int_equal(bind_json("Set-Mailbox", "{\"MailTip\":\"x\"}", &b, &err), RS_EINVAL);
    assert_string_equal(err.msg, "Cannot process command because of one or more missing "
                                 "mandatory parameters: Identity.");

    assert_int_equal(
        bind_json("Set-Mailbox", "{\"Identity\":\"r\",\"RoomMailboxPassword\":null}", &b, &err),
        RS_EINVAL);
    assert_string_equal(
        err.msg, "Cannot bind argument to parameter 'RoomMailboxPassword' because it is null.");

    assert_int_equal(bind_json("Set-Mailbox",
                               "{\"Identity\":\"r\",\"EnableRoomMailboxAccount\":\"true\"}", &b,
                               &err),
                     RS_EINVAL);
    assert_non_null(strstr(err.msg, "Boolean parameters accept only Boolean values and numbers"));

    assert_int_equal(bind_json("Get-Mailbox", "{\"Identity\":null}", &b, &err), RS_OK);
    json_decref(b);
}

static void test_fqdn(void **state)
{
    assert_true(cmdlet_valid_fqdn("sippoolbl20a04.infra.lync.com"));
    assert_false(cmdlet_valid_fqdn(""));
    assert_false(cmdlet_valid_fqdn("-bad.example.com"));
    assert_false(cmdlet_valid_fqdn("a..b"));
    assert_false(cmdlet_valid_fqdn("a b.com"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_consistent),
        cmocka_unit_test(test_prefix),
        cmocka_unit_test(test_bind),
        cmocka_unit_test(test_fqdn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

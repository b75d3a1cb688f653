/* Unit tests for base/: wildcards, JSON escaping, GUIDs, config parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rs_config.h"
#include "rs_util.h"

static void test_wildcard(void **state)
{
    assert_true(rs_wildcard_match("*registrarpool*", "TargetRegistrarPool"));
    assert_true(rs_wildcard_match("*RegistrarPool*", "registrarpool"));
    assert_true(rs_wildcard_match("*", ""));
    assert_true(rs_wildcard_match("Conf?Room*", "Conf Room 2"));
    assert_true(rs_wildcard_match("[a-c]*", "Bob"));
    assert_false(rs_wildcard_match("*registrar", "RegistrarPool"));
    assert_false(rs_wildcard_match("a", "ab"));
}

static void test_json_escape(void **state)
{
    char out[64];
    rs_json_escape("a\"b\\c\n", out, sizeof out);
    assert_string_equal(out, "a\\\"b\\\\c\\u000a");
}

static void test_guid(void **state)
{
    char g[37];
    rs_guid(g);
    assert_true(rs_is_guid(g));
    assert_int_equal(g[14], '4');
    assert_false(rs_is_guid("not-a-guid"));
}

static void test_md5_vector(void **state)
{
    char hex[33];
    rs_md5_hex("abc", 3, hex); /* RFC 1321 test suite */
    assert_string_equal(hex, "900150983cd24fb0d6963f7d28e17f72");
}

static char *write_tmp(const char *text)
{
    char *path = strdup("/tmp/rs_conf_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void test_config_ok(void **state)
{
    char *p =
        write_tmp("[daemon]\nstate_dir = /tmp/x\n[pool p1.example.com]\nudp_port = 5062\n"
                  "[tenant contoso.onmicrosoft.com]\nadmin_upn = admin@contoso.onmicrosoft.com\n"
                  "admin_password_env = X\ndefault_pool = p1.example.com\n"
                  "subscriptions = MCOSTANDARD:5, STANDARDPACK:7\n");
    rs_config cfg;
    rs_err err;
    assert_int_equal(rs_config_load(p, &cfg, &err), RS_OK);
    assert_int_equal(cfg.npools, 1);
    assert_int_equal(cfg.pools[0].udp_port, 5062);
    assert_int_equal(cfg.tenants[0].nsubs, 2);
    assert_int_equal(cfg.tenants[0].subs[1].units, 7);
    assert_int_equal(cfg.tenants[0].password_validity_days, 90);
    rs_config_free(&cfg);
    unlink(p);
    free(p);
}

static void expect_config_error(const char *text, const char *needle)
{
    char *p = write_tmp(text);
    rs_config cfg;
    rs_err err;
    assert_int_not_equal(rs_config_load(p, &cfg, &err), RS_OK);
    if (!strstr(err.msg, needle))
        fail_msg("error '%s' lacks '%s'", err.msg, needle);
    unlink(p);
    free(p);
}

static void test_config_errors(void **state)
{
    expect_config_error("[daemon]\nbogus = 1\n", "unknown key 'bogus'");
    expect_config_error("[nope]\nx = 1\n", "unknown section [nope]");
    expect_config_error("[https]\nport = 99999\n", "'port' must be an integer");
    expect_config_error("[https]\nport = 12ab\n", "'port' must be an integer");
    expect_config_error("[tenant t.example.com]\nadmin_upn = a@t.example.com\n"
                        "admin_password_env = X\ndefault_pool = nope.example.com\n",
                        "default_pool 'nope.example.com' is not a configured [pool]");
    expect_config_error("[tenant t.example.com]\nadmin_upn = a@t.example.com\n",
                        "needs admin_password_file or admin_password_env");
    expect_config_error("this is not ini\n", "syntax error");
}

/* [sip] flood-protection keys: defaults, values, strict validation. */
static void test_config_rate_limits(void **state)
{
    (void)state;
    char *p = write_tmp("[daemon]\nstate_dir = /tmp/x\n");
    rs_config cfg;
    rs_err err;
    assert_int_equal(rs_config_load(p, &cfg, &err), RS_OK);
    assert_int_equal(cfg.sip_rate_limit_requests, 1000);
    assert_int_equal(cfg.sip_rate_limit_window_s, 10);
    assert_int_equal(cfg.sip_ban_s, 300);
    assert_int_equal(cfg.sip_failure_ban_threshold, 100);
    assert_int_equal(cfg.sip_failure_window_s, 600);
    assert_string_equal(cfg.sip_rate_limit_exempt, "127.0.0.1, ::1");
    rs_config_free(&cfg);
    unlink(p);
    free(p);
    p = write_tmp("[sip]\nrate_limit_requests = 0\nrate_limit_window_seconds = 2\n"
                  "ban_seconds = 60\nfailure_ban_threshold = 5\nfailure_window_seconds = 30\n"
                  "rate_limit_exempt = 10.0.0.0/8, [2001:db8::]/32, ::1\n");
    assert_int_equal(rs_config_load(p, &cfg, &err), RS_OK);
    assert_int_equal(cfg.sip_rate_limit_requests, 0);
    assert_int_equal(cfg.sip_rate_limit_window_s, 2);
    assert_int_equal(cfg.sip_ban_s, 60);
    assert_int_equal(cfg.sip_failure_ban_threshold, 5);
    assert_int_equal(cfg.sip_failure_window_s, 30);
    assert_string_equal(cfg.sip_rate_limit_exempt, "10.0.0.0/8, [2001:db8::]/32, ::1");
    rs_config_free(&cfg);
    unlink(p);
    free(p);
    expect_config_error("[sip]\nrate_limit_exempt = 10.0.0.0/33\n", "rate_limit_exempt must be");
    expect_config_error("[sip]\nrate_limit_exempt = localhost\n", "rate_limit_exempt must be");
    expect_config_error("[sip]\nrate_limit_exempt = ::1/129\n", "rate_limit_exempt must be");
    expect_config_error("[sip]\nrate_limit_exempt = 10.0.0.0/\n", "rate_limit_exempt must be");
    expect_config_error("[sip]\nrate_limit_requests = -1\n", "'rate_limit_requests' must be");
    expect_config_error("[sip]\nban_seconds = 0\n", "'ban_seconds' must be");
    expect_config_error("[sip]\nrate_limit_window_seconds = x\n",
                        "'rate_limit_window_seconds' must be");
}

/* [pool] tcp_port/tls_port and address lists, [sip] transport keys. */
static void test_config_transports(void **state)
{
    (void)state;
    char *p = write_tmp("[pool p1.example.com]\nudp_port = 5062\n"
                        "[pool p2.example.com]\naddress = 127.0.0.2, [::1]\nudp_port = 5070\n"
                        "tcp_port = 0\ntls_port = 5081\n");
    rs_config cfg;
    rs_err err;
    assert_int_equal(rs_config_load(p, &cfg, &err), RS_OK);
    assert_int_equal(cfg.pools[0].tcp_port, 5062); /* defaults: udp_port, udp_port + 1 */
    assert_int_equal(cfg.pools[0].tls_port, 5063);
    assert_int_equal(cfg.pools[1].tcp_port, 0);
    assert_int_equal(cfg.pools[1].tls_port, 5081);
    assert_string_equal(cfg.pools[1].address, "127.0.0.2, [::1]");
    assert_null(cfg.sip_tls_cert);
    assert_int_equal(cfg.sip_idle_timeout_s, 0); /* 0: max_expires + 5 in sip */
    rs_config_free(&cfg);
    unlink(p);
    free(p);
    p = write_tmp("[sip]\ntls_cert = /c.pem\ntls_key = /k.pem\nmax_connections_per_ip = 10\n"
                  "max_connections = 100\nidle_timeout_seconds = 90\n"
                  "unauthenticated_timeout_seconds = 5\ntls_handshake_timeout_seconds = 3\n"
                  "udp_threads = 4\nstream_threads = 3\n");
    assert_int_equal(rs_config_load(p, &cfg, &err), RS_OK);
    assert_string_equal(cfg.sip_tls_cert, "/c.pem");
    assert_string_equal(cfg.sip_tls_key, "/k.pem");
    assert_int_equal(cfg.sip_max_conn_per_ip, 10);
    assert_int_equal(cfg.sip_max_conn, 100);
    assert_int_equal(cfg.sip_idle_timeout_s, 90);
    assert_int_equal(cfg.sip_unauth_timeout_s, 5);
    assert_int_equal(cfg.sip_tls_handshake_s, 3);
    assert_int_equal(cfg.sip_udp_threads, 4);
    assert_int_equal(cfg.sip_stream_threads, 3);
    rs_config_free(&cfg);
    unlink(p);
    free(p);
    expect_config_error("[pool a.example.com]\naddress = 127.0.0.1, example.com\n",
                        "address must be one to 8 IPv4/IPv6 literals");
    expect_config_error("[pool a.example.com]\naddress = ::1, [::1]\n", "each once");
    expect_config_error("[pool a.example.com]\ntcp_port = 70000\n", "'tcp_port' must be");
    expect_config_error("[pool a.example.com]\ntcp_port = 5070\ntls_port = 5070\n",
                        "tcp_port and tls_port are both 5070");
    expect_config_error("[pool a.example.com]\nudp_port = 5060\n"
                        "[pool b.example.com]\naddress = 127.0.0.1, ::1\nudp_port = 5061\n",
                        "both listen on tcp port 5061 on 127.0.0.1");
    expect_config_error("[sip]\ntls_cert = /c.pem\n", "tls_cert and tls_key must be set together");
    expect_config_error("[sip]\nudp_threads = 0\n", "'udp_threads' must be");
    expect_config_error("[sip]\nmax_connections_per_ip = x\n", "'max_connections_per_ip' must be");
    expect_config_error("[sip]\nidle_timeout_seconds = 0\n", "'idle_timeout_seconds' must be");
}

/* Dates as admins type them (Search-AdminAuditLog, Get-Date -Date). */
static void test_time_parse(void **state)
{
    (void)state;
    int64_t ms = 0;
    assert_true(rs_time_parse("2026-11-29", &ms));
    assert_true(ms == 1795910400000LL);
    assert_true(rs_time_parse("2026-11-29T08:30:15.5Z", &ms));
    assert_true(ms == 1795910400000LL + (8 * 3600 + 30 * 60 + 15) * 1000LL);
    assert_true(rs_time_parse("2024-06-01 14:05:09", &ms));
    assert_true(rs_time_parse("11/29/2026 8:30 PM", &ms));
    assert_true(ms == 1795910400000LL + (20 * 3600 + 30 * 60) * 1000LL);
    assert_true(rs_time_parse("11/29/2026 12:00 AM", &ms));
    assert_true(ms == 1795910400000LL);
    assert_true(rs_time_parse("2/29/2024", &ms));
    assert_false(rs_time_parse("2/29/2026", &ms)); /* not a leap year */
    assert_false(rs_time_parse("2026-13-01", &ms));
    assert_false(rs_time_parse("2026-11-29junk", &ms));
    assert_false(rs_time_parse("yesterday", &ms));
    assert_false(rs_time_parse("11/29/2026 13:00 PM", &ms));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wildcard),
        cmocka_unit_test(test_json_escape),
        cmocka_unit_test(test_guid),
        cmocka_unit_test(test_md5_vector),
        cmocka_unit_test(test_config_ok),
        cmocka_unit_test(test_config_errors),
        cmocka_unit_test(test_config_rate_limits),
        cmocka_unit_test(test_config_transports),
        cmocka_unit_test(test_time_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* test_sip_probe.c - the sign-in probe (src/sip/sip_probe.c) against a real
 * UDP registrar on loopback: the right password gets 200 and leaves no
 * binding (a query REGISTER), a wrong one 401, a refused account 401, a room
 * homed on another pool 301, a silent port 0 with a reason, bad input a
 * reason. */
#include "sip_test.h"

static const char *ROOM = "room00042@contoso.onmicrosoft.com";
static const char *PW = "Pw-00042-x9";

static sip_server *start(void)
{
    t_now = 1767604443000LL;
    static sip_pool_listen pools[2];
    pools[0] = (sip_pool_listen){.fqdn = "pool01.contoso.com", .address = "127.0.0.1"};
    pools[1] = (sip_pool_listen){.fqdn = "pool02.contoso.com", .address = "127.0.0.1"};
    sip_settings s = {.pools = pools,
                      .npools = 2,
                      .nonce_lifetime_s = 300,
                      .min_expires = 60,
                      .max_expires = 3600,
                      .default_expires = 3600};
    sip_provider p = {.lookup = t_lookup, .domain_served = t_domain_served};
    sip_options o;
    memset(&o, 0, sizeof o);
    o.security_log = t_logfn;
    sip_server *srv = NULL;
    rs_err err;
    assert_int_equal(sip_server_start_opts(&s, &p, &o, &srv, &err), RS_OK);
    return srv;
}

static int nbindings;
static void count_cb(void *ud, const char *contact, int expires_in, const char *pool)
{
    (void)ud, (void)contact, (void)expires_in, (void)pool;
    nbindings++;
}

static void test_probe(void **state)
{
    (void)state;
    sip_server *srv = start();
    int port = sip_server_port(srv, 0), port2 = sip_server_port(srv, 1);
    char why[256];

    assert_int_equal(sip_probe_register("127.0.0.1", port, ROOM, PW, 2000, why, sizeof why), 200);
    assert_string_equal(why, "200 OK");
    nbindings = 0;
    sip_server_bindings(srv, ROOM, count_cb, NULL);
    assert_int_equal(nbindings, 0); /* a query changes nothing */

    assert_int_equal(sip_probe_register("127.0.0.1", port, ROOM, "wrong", 2000, why, sizeof why),
                     401);
    assert_int_equal(sip_probe_register("127.0.0.1", port, "disabled@contoso.onmicrosoft.com",
                                        "Pw-dis", 2000, why, sizeof why),
                     401);
    assert_int_equal(sip_probe_register("127.0.0.1", port, "moved@contoso.onmicrosoft.com",
                                        "Pw-moved", 2000, why, sizeof why),
                     301);
    assert_int_equal(sip_probe_register("127.0.0.1", port2, "moved@contoso.onmicrosoft.com",
                                        "Pw-moved", 2000, why, sizeof why),
                     200);
    sip_server_stop(srv);

    /* nobody listens any more: no answer, a reason, bounded time */
    assert_int_equal(sip_probe_register("127.0.0.1", port, ROOM, PW, 300, why, sizeof why), 0);
    assert_non_null(strstr(why, "did not answer"));
    assert_int_equal(sip_probe_register("not-an-ip", port, ROOM, PW, 300, why, sizeof why), 0);
    assert_non_null(strstr(why, "not a numeric IP address"));
    assert_int_equal(sip_probe_register("127.0.0.1", port, "no-at-sign", PW, 300, why, sizeof why),
                     0);
    assert_non_null(strstr(why, "is not a SIP address"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_probe)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

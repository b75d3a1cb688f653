/* Unit tests for the completed-transaction cache (sip_txc.c): hits, claims
 * that absorb a retransmission racing its original on another receive
 * thread, the byte budget and expiry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "sip_int.h"
#include "sip_test.h"

static void answer(sip_reply *r, const char *text)
{
    rs_buf_reset(&r->data);
    rs_buf_puts(&r->data, text);
    strcpy(r->dst_ip, "127.0.0.1");
    r->dst_port = 5070;
    r->status = 200;
}

static void test_claim_absorbs_a_racing_retransmission(void **state)
{
    (void)state;
    sip__txc *t = sip__txc_new(1 << 20);
    sip_reply out = {0}, mine = {0};
    const char *k = "via\ncallid\n2 REGISTER\ntag\n127.0.0.1\n5070\n0";
    /* the original is claimed by its thread */
    assert_int_equal(sip__txc_claim(t, k, strlen(k), 1000, &out), 0);
    /* its retransmission, received by another thread meanwhile, is dropped */
    assert_int_equal(sip__txc_claim(t, k, strlen(k), 1001, &out), -1);
    assert_int_equal(sip__txc_get(t, k, strlen(k), 1001, &out), 0);
    /* another transaction is not affected */
    assert_int_equal(sip__txc_claim(t, "other", 5, 1001, &out), 0);
    sip__txc_release(t, "other", 5);
    /* the original's answer is kept, the claim released: later copies hit */
    answer(&mine, "SIP/2.0 200 OK\r\n\r\n");
    sip__txc_put(t, k, strlen(k), 33000, &mine);
    sip__txc_release(t, k, strlen(k));
    assert_int_equal(sip__txc_claim(t, k, strlen(k), 2000, &out), 1);
    assert_int_equal(out.data.len, mine.data.len);
    assert_memory_equal(out.data.data, mine.data.data, mine.data.len);
    assert_int_equal(out.status, 200);
    assert_string_equal(out.dst_ip, "127.0.0.1");
    assert_int_equal(out.dst_port, 5070);
    /* a claim released without an answer (e.g. a refused request) leaves nothing */
    assert_int_equal(sip__txc_claim(t, "refused", 7, 2000, &out), 0);
    sip__txc_release(t, "refused", 7);
    assert_int_equal(sip__txc_claim(t, "refused", 7, 2000, &out), 0);
    sip__txc_release(t, "refused", 7);
    sip__txc_release(t, "never claimed", 13); /* harmless */
    /* expiry */
    assert_int_equal(sip__txc_get(t, k, strlen(k), 33000, &out), 0);
    sip__txc_sweep(t, 33000);
    sip_reply_free(&out);
    sip_reply_free(&mine);
    sip__txc_free(t);
}

static void test_budget_evicts_oldest_first(void **state)
{
    (void)state;
    sip__txc *t = sip__txc_new(4096); /* a few entries */
    sip_reply r = {0}, out = {0};
    answer(&r, "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n");
    char key[32];
    for (int i = 0; i < 200; i++) {
        int n = snprintf(key, sizeof key, "key-%d", i);
        sip__txc_put(t, key, (size_t)n, 100000, &r);
    }
    assert_int_equal(sip__txc_get(t, "key-199", 7, 1, &out), 1); /* newest kept */
    assert_int_equal(sip__txc_get(t, "key-0", 5, 1, &out), 0);   /* oldest gone */
    /* entries sharing a chain unlink cleanly when evicted */
    for (int i = 200; i < 5000; i++) {
        int n = snprintf(key, sizeof key, "key-%d", i);
        sip__txc_put(t, key, (size_t)n, 100000, &r);
    }
    assert_int_equal(sip__txc_get(t, "key-4999", 8, 1, &out), 1);
    assert_int_equal(sip__txc_get(t, "key-199", 7, 1, &out), 0);
    sip__txc_sweep(t, 100000); /* everything expired */
    assert_int_equal(sip__txc_get(t, "key-4999", 8, 1, &out), 0);
    sip_reply_free(&r);
    sip_reply_free(&out);
    sip__txc_free(t);
}

/* Over UDP a retransmitted first REGISTER gets the very same challenge (SIPp
 * aborts a call on a second, different 401), a new transaction a new nonce;
 * the answered challenge still leads to a 200. */
static void test_retransmitted_challenge_is_the_same(void **state)
{
    (void)state;
    sip_core *c = t_core();
    sip_recv_info ri = t_ri(0, "10.0.0.9", 5062);
    sip_reply r1 = {0}, r2 = {0};
    t_ua u;
    t_ua_init(&u, "room00042@contoso.onmicrosoft.com", t_accounts[0].password);
    char *req = t_ua_register(&u, NULL, 0);
    assert_int_equal(sip_receive(c, req, strlen(req), &ri, &r1), 1);
    assert_int_equal(r1.status, 401);
    assert_int_equal(sip_receive(c, req, strlen(req), &ri, &r2), 1);
    assert_int_equal(r2.from_cache, 1);
    assert_int_equal(r1.data.len, r2.data.len);
    assert_memory_equal(r1.data.data, r2.data.data, r1.data.len);
    /* a new transaction (new branch and CSeq) gets a new nonce */
    char *req2 = t_ua_register(&u, NULL, 0);
    assert_int_equal(sip_receive(c, req2, strlen(req2), &ri, &r2), 1);
    assert_int_equal(r2.status, 401);
    assert_int_equal(r2.from_cache, 0);
    sip_msg *m1 = sip_msg_parse(r1.data.data, r1.data.len, 0);
    sip_msg *m2 = sip_msg_parse(r2.data.data, r2.data.len, 0);
    char *w1 = t_hdr(m1, "WWW-Authenticate", 0), *w2 = t_hdr(m2, "WWW-Authenticate", 0);
    assert_string_not_equal(w1, w2);
    /* answering the (retransmitted) challenge signs in */
    t_ua_take_challenge(&u, m1, NULL);
    char *az = t_ua_authz(&u, 1, NULL, NULL);
    char *req3 = t_ua_register(&u, az, 0);
    assert_int_equal(sip_receive(c, req3, strlen(req3), &ri, &r2), 1);
    assert_int_equal(r2.status, 200);
    /* TCP: nothing is cached, each copy is challenged afresh */
    ri.transport = SIP_TRANSPORT_TCP;
    assert_int_equal(sip_receive(c, req, strlen(req), &ri, &r2), 1);
    assert_int_equal(r2.from_cache, 0);
    free(w1);
    free(w2);
    sip_msg_free(m1);
    sip_msg_free(m2);
    free(req);
    free(req2);
    free(req3);
    free(az);
    sip_reply_free(&r1);
    sip_reply_free(&r2);
    sip_core_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_claim_absorbs_a_racing_retransmission),
        cmocka_unit_test(test_budget_evicts_oldest_first),
        cmocka_unit_test(test_retransmitted_challenge_is_the_same),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

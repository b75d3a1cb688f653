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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_claim_absorbs_a_racing_retransmission),
        cmocka_unit_test(test_budget_evicts_oldest_first),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

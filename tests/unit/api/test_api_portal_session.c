/* Unit tests for the portal's sessions, cookie parsing and CSRF/origin checks
 * (src/api/portal_session.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "portal_session.h"
#include "rs_util.h"

#define IDLE 1000
#define ABS  5000

static char *tok(const char *s)
{
    return rs_strdup(s);
}

static void test_start_find(void **st)
{
    (void)st;
    portal_sessions *t = portal_sessions_new(8, IDLE, ABS);
    char c1[PORTAL_COOKIE_LEN], c2[PORTAL_COOKIE_LEN];
    portal_sessions_start(t, "admin@contoso.onmicrosoft.com", tok("rs1.one"), 100, c1);
    portal_sessions_start(t, "eve@contoso.onmicrosoft.com", tok("rs1.two"), 100, c2);
    assert_int_equal(strlen(c1), 43);
    assert_string_not_equal(c1, c2);
    portal_sess s;
    assert_true(portal_sessions_find(t, c1, 200, &s));
    assert_string_equal(s.upn, "admin@contoso.onmicrosoft.com");
    assert_string_equal(s.token, "rs1.one");
    assert_int_equal(strlen(s.csrf), 43);
    char csrf1[PORTAL_COOKIE_LEN];
    strcpy(csrf1, s.csrf);
    portal_sess_clear(&s);
    assert_true(portal_sessions_find(t, c2, 200, &s));
    assert_string_equal(s.token, "rs1.two");
    assert_string_not_equal(s.csrf, csrf1); /* each session has its own token */
    portal_sess_clear(&s);
    /* a cookie value that differs in one character finds nothing */
    char bad[PORTAL_COOKIE_LEN];
    strcpy(bad, c1);
    bad[5] = bad[5] == 'A' ? 'B' : 'A';
    assert_false(portal_sessions_find(t, bad, 200, &s));
    assert_null(s.token);
    assert_false(portal_sessions_find(t, NULL, 200, &s));
    assert_false(portal_sessions_find(t, "", 200, &s));
    portal_sessions_free(t);
}

static void test_idle_and_absolute_expiry(void **st)
{
    (void)st;
    portal_sessions *t = portal_sessions_new(8, IDLE, ABS);
    char c[PORTAL_COOKIE_LEN];
    portal_sess s;
    portal_sessions_start(t, "a@x", tok("rs1.a"), 0, c);
    /* idle: each use restarts the clock */
    for (int64_t now = 900; now < ABS; now += 900) {
        assert_true(portal_sessions_find(t, c, now, &s));
        portal_sess_clear(&s);
    }
    /* absolute: ends however busy it is */
    assert_false(portal_sessions_find(t, c, ABS, &s));
    assert_int_equal(portal_sessions_count(t), 0);
    /* idle expiry */
    portal_sessions_start(t, "a@x", tok("rs1.b"), 10000, c);
    assert_true(portal_sessions_find(t, c, 10000 + IDLE - 1, &s));
    portal_sess_clear(&s);
    assert_false(portal_sessions_find(t, c, 10000 + 2 * IDLE, &s));
    portal_sessions_free(t);
}

static void test_remove_and_cap(void **st)
{
    (void)st;
    portal_sessions *t = portal_sessions_new(3, IDLE, ABS);
    char c[4][PORTAL_COOKIE_LEN];
    for (int i = 0; i < 4; i++)
        portal_sessions_start(t, "a@x", tok("rs1.x"), 100 + i, c[i]);
    assert_int_equal(portal_sessions_count(t), 3);
    portal_sess s;
    assert_false(portal_sessions_find(t, c[0], 200, &s)); /* the oldest made room */
    assert_true(portal_sessions_find(t, c[3], 200, &s));
    unsigned char key[32];
    memcpy(key, s.key, sizeof key);
    portal_sess_clear(&s);
    portal_sessions_remove(t, key); /* sign-out */
    assert_false(portal_sessions_find(t, c[3], 201, &s));
    assert_true(portal_sessions_find(t, c[2], 201, &s));
    portal_sess_clear(&s);
    assert_int_equal(portal_sessions_count(t), 2);
    portal_sessions_remove(t, key); /* twice: nothing happens */
    assert_int_equal(portal_sessions_count(t), 2);
    portal_sessions_free(t);
    portal_sessions_free(NULL);
}

static void test_cookie_get(void **st)
{
    (void)st;
    char v[PORTAL_COOKIE_LEN];
    assert_true(portal_cookie_get("rs_portal=abc", "rs_portal", v, sizeof v));
    assert_string_equal(v, "abc");
    assert_true(portal_cookie_get("a=1; rs_portal=xyz; b=2", "rs_portal", v, sizeof v));
    assert_string_equal(v, "xyz");
    assert_true(portal_cookie_get("a=1;rs_portal=q ;b", "rs_portal", v, sizeof v));
    assert_string_equal(v, "q");
    /* a longer name ending in the same letters is another cookie */
    assert_false(portal_cookie_get("xrs_portal=evil; rs_portalx=evil", "rs_portal", v, sizeof v));
    assert_true(portal_cookie_get("xrs_portal=evil; rs_portal=good", "rs_portal", v, sizeof v));
    assert_string_equal(v, "good");
    assert_false(portal_cookie_get(NULL, "rs_portal", v, sizeof v));
    assert_false(portal_cookie_get("", "rs_portal", v, sizeof v));
    assert_false(portal_cookie_get("rs_portal", "rs_portal", v, sizeof v));
    /* longer than the buffer: refused, not cut */
    char big[200];
    memset(big, 'a', sizeof big);
    memcpy(big, "rs_portal=", 10);
    big[sizeof big - 1] = '\0';
    assert_false(portal_cookie_get(big, "rs_portal", v, sizeof v));
    assert_true(portal_cookie_get("rs_portal=", "rs_portal", v, sizeof v));
    assert_string_equal(v, ""); /* empty: finds no session */
}

static void test_csrf_and_origin(void **st)
{
    (void)st;
    portal_sessions *t = portal_sessions_new(2, IDLE, ABS);
    char c[PORTAL_COOKIE_LEN];
    portal_sess s;
    portal_sessions_start(t, "a@x", tok("rs1.a"), 0, c);
    assert_true(portal_sessions_find(t, c, 1, &s));
    char good[PORTAL_COOKIE_LEN];
    strcpy(good, s.csrf);
    assert_true(portal_csrf_ok(&s, good));
    assert_false(portal_csrf_ok(&s, NULL));
    assert_false(portal_csrf_ok(&s, ""));
    good[42] = good[42] == 'x' ? 'y' : 'x';
    assert_false(portal_csrf_ok(&s, good));
    good[42] = '\0';
    assert_false(portal_csrf_ok(&s, good)); /* a prefix is not enough */
    assert_false(portal_csrf_ok(&s, c));    /* nor the cookie value */
    portal_sess_clear(&s);
    portal_sess empty = {0};
    assert_false(portal_csrf_ok(&empty, "")); /* no token, nothing matches */
    portal_sessions_free(t);

    assert_true(portal_same_origin(NULL, NULL, "127.0.0.1:8443"));
    assert_true(portal_same_origin("same-origin", "https://127.0.0.1:8443", "127.0.0.1:8443"));
    assert_true(portal_same_origin("none", NULL, "h:1"));
    assert_true(portal_same_origin(NULL, "HTTPS://LocalHost:1", "localhost:1"));
    assert_false(portal_same_origin("cross-site", NULL, "h:1"));
    assert_false(portal_same_origin("same-site", "https://h:1", "h:1"));
    assert_false(portal_same_origin(NULL, "https://evil.example", "h:1"));
    assert_false(portal_same_origin(NULL, "http://h:1", "h:1")); /* not over TLS */
    assert_false(portal_same_origin(NULL, "null", "h:1"));
    assert_false(portal_same_origin("same-origin", "https://h:2", "h:1"));
}

/* Every session that ends hands its token back for revocation: sign-out,
 * idle and absolute expiry, eviction, and the token's own expiry. */
static void test_ended_tokens(void **st)
{
    (void)st;
    portal_sessions *t = portal_sessions_new(2, IDLE, ABS);
    char c1[PORTAL_COOKIE_LEN], c2[PORTAL_COOKIE_LEN], c3[PORTAL_COOKIE_LEN];
    assert_null(portal_sessions_take_ended(t, 0));
    portal_sessions_start(t, "a@x", tok("rs1.signout"), 0, c1);
    portal_sess s;
    assert_true(portal_sessions_find(t, c1, 10, &s));
    portal_sessions_remove(t, s.key);
    portal_sess_clear(&s);
    char **ended = portal_sessions_take_ended(t, 20);
    assert_non_null(ended);
    assert_string_equal(ended[0], "rs1.signout");
    assert_null(ended[1]);
    portal_tokens_free(ended);
    assert_null(portal_sessions_take_ended(t, 20)); /* handed over once */

    portal_sessions_start(t, "a@x", tok("rs1.idle"), 100, c1);
    portal_sessions_start(t, "b@x", tok("rs1.kept"), 100 + IDLE / 2, c2);
    ended = portal_sessions_take_ended(t, 100 + IDLE); /* the first one idled out */
    assert_non_null(ended);
    assert_string_equal(ended[0], "rs1.idle");
    assert_null(ended[1]);
    portal_tokens_free(ended);
    assert_int_equal(portal_sessions_count(t), 1);
    portal_sessions_start(t, "c@x", tok("rs1.c"), 100 + IDLE, c1);
    portal_sessions_start(t, "d@x", tok("rs1.d"), 100 + IDLE, c3); /* evicts the oldest */
    ended = portal_sessions_take_ended(t, 100 + IDLE);
    assert_non_null(ended);
    assert_string_equal(ended[0], "rs1.kept");
    portal_tokens_free(ended);

    /* a known token expiry ends the session then, even if it is in use */
    unsigned char key[32];
    rs_sha256(c1, strlen(c1), key);
    portal_sessions_set_token_exp(t, key, 100 + IDLE + 50);
    assert_true(portal_sessions_find(t, c1, 100 + IDLE + 49, &s));
    portal_sess_clear(&s);
    assert_false(portal_sessions_find(t, c1, 100 + IDLE + 50, &s));
    ended = portal_sessions_take_ended(t, 100 + IDLE + 50);
    assert_non_null(ended);
    assert_string_equal(ended[0], "rs1.c");
    portal_tokens_free(ended);
    portal_sessions_free(t); /* rs1.d is still held: freed and wiped here */
}

/* Sliding expiry: the token is extended to now + idle once its remaining life
 * falls below idle - min(60 s, idle / 10), never beyond created + absolute. */
static void test_extend_to(void **st)
{
    (void)st;
    portal_sessions *t = portal_sessions_new(8, IDLE, ABS);
    portal_sess s = {.created_ms = 0, .token_exp_ms = 0};
    assert_int_equal(portal_sessions_extend_to(t, &s, 0), IDLE); /* first hold */
    s.token_exp_ms = IDLE;
    assert_int_equal(portal_sessions_extend_to(t, &s, 50), 0); /* 950 left >= 900 */
    assert_int_equal(portal_sessions_extend_to(t, &s, 101), 101 + IDLE);
    s.token_exp_ms = ABS - 10;
    assert_int_equal(portal_sessions_extend_to(t, &s, ABS - 500), ABS); /* capped */
    s.token_exp_ms = ABS;
    assert_int_equal(portal_sessions_extend_to(t, &s, ABS - 200), 0); /* at the cap already */
    portal_sessions_free(t);

    /* a long idle timeout: at most one extension a minute */
    t = portal_sessions_new(8, 1800000, 28800000);
    portal_sess l = {.created_ms = 0, .token_exp_ms = 1800000};
    assert_int_equal(portal_sessions_extend_to(t, &l, 59999), 0);
    assert_int_equal(portal_sessions_extend_to(t, &l, 60001), 60001 + 1800000);
    portal_sessions_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_start_find),      cmocka_unit_test(test_idle_and_absolute_expiry),
        cmocka_unit_test(test_remove_and_cap),  cmocka_unit_test(test_cookie_get),
        cmocka_unit_test(test_csrf_and_origin), cmocka_unit_test(test_ended_tokens),
        cmocka_unit_test(test_extend_to),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_start_find),      cmocka_unit_test(test_idle_and_absolute_expiry),
        cmocka_unit_test(test_remove_and_cap),  cmocka_unit_test(test_cookie_get),
        cmocka_unit_test(test_csrf_and_origin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for directory/: password policy, HA1, expiry, licensing rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "directory.h"
#include "rs_util.h"

static json_t *tenant(void)
{
    return json_pack("{s:s,s:s,s:[s],s:i,s:[{s:s,s:s,s:i,s:i},{s:s,s:s,s:i,s:i}]}", "TenantId",
                     "11111111-1111-4111-8111-111111111111", "InitialDomain",
                     "contoso.onmicrosoft.com", "Domains", "contoso.onmicrosoft.com",
                     "PasswordValidityDays", 90, "Subscriptions", "SkuPartNumber", "MCOSTANDARD",
                     "SkuId", "d42c793f-6c78-4f43-92ca-e8f6a02b035f", "ActiveUnits", 1,
                     "ConsumedUnits", 0, "SkuPartNumber", "MCOEV", "SkuId",
                     "e43b5b99-8dfb-405f-9987-dc307f34bcbd", "ActiveUnits", 5, "ConsumedUnits", 0);
}

static void test_password_policy(void **state)
{
    json_t *t = tenant();
    const char *upn = "confrm2@contoso.onmicrosoft.com";
    /* The seed's and its family's passwords must pass (cmdlets.md 2.1 #8). */
    assert_int_equal(dir_password_check(t, upn, "pass@word1", NULL), RS_OK);
    assert_int_equal(dir_password_check(t, upn, "MyPass@word1", NULL), RS_OK);
    assert_int_equal(dir_password_check(t, upn, "P@$$W0rd5959", NULL), RS_OK);
    rs_err err;
    assert_int_equal(dir_password_check(t, upn, "short1!", &err), RS_EINVAL);
    assert_non_null(strstr(err.msg, "does not comply with password complexity"));
    assert_non_null(strstr(err.msg, "8 to 256"));
    assert_int_equal(dir_password_check(t, upn, "alllowercase", &err), RS_EINVAL);
    assert_non_null(strstr(err.msg, "three of these four"));
    assert_int_equal(dir_password_check(t, upn, "Password123", &err), RS_EINVAL);
    assert_non_null(strstr(err.msg, "banned"));
    assert_int_equal(dir_password_check(t, upn, "xConfrm2-room", &err), RS_EINVAL);
    assert_non_null(strstr(err.msg, "account name"));
    assert_int_equal(dir_password_check(t, upn, "Pässword-1", &err), RS_EINVAL);
    char longpw[300];
    memset(longpw, 'a', sizeof longpw - 1);
    longpw[sizeof longpw - 1] = 0;
    longpw[0] = 'A', longpw[1] = '1';
    assert_int_equal(dir_password_check(t, upn, longpw, NULL), RS_EINVAL);
    json_decref(t);
}

static void test_ha1(void **state)
{
    json_t *u = dir_user_new("Confrm2@contoso.onmicrosoft.com", "Conf Room 2");
    dir_user_set_password(u, "$argon2id$fake", "pass@word1", 1000);
    json_t *h = json_object_get(json_object_get(u, "Ha1"), "confrm2@contoso.onmicrosoft.com");
    assert_non_null(h);
    /* MD5("confrm2@contoso.onmicrosoft.com:contoso.onmicrosoft.com:pass@word1") */
    char expect[33];
    const char *in = "confrm2@contoso.onmicrosoft.com:contoso.onmicrosoft.com:pass@word1";
    rs_md5_hex(in, strlen(in), expect);
    assert_string_equal(json_string_value(json_object_get(h, "md5")), expect);
    assert_int_equal(strlen(json_string_value(json_object_get(h, "sha256"))), 64);
    json_decref(u);
}

static void test_argon2(void **state)
{
    dir_settings ds = {1, 8192, 1, 3600, 0};
    char *phc = dir_password_hash(&ds, "pass@word1");
    assert_true(strncmp(phc, "$argon2id$", 10) == 0);
    assert_true(dir_password_verify(phc, "pass@word1"));
    assert_false(dir_password_verify(phc, "pass@word2"));
    free(phc);
}

static void test_expiry(void **state)
{
    json_t *t = tenant();
    json_t *u = dir_user_new("a@contoso.onmicrosoft.com", "A");
    int64_t day = 86400000;
    json_object_set_new(u, "LastPasswordChangeTimestamp", json_integer(0));
    assert_false(dir_password_expired(t, u, 90 * day - 1));
    assert_true(dir_password_expired(t, u, 90 * day));
    json_object_set_new(u, "PasswordNeverExpires", json_true());
    assert_false(dir_password_expired(t, u, 1000 * day));
    assert_true(dir_password_expires_at(t, u) == INT64_MAX);
    /* a per-domain policy (Set-MsolPasswordPolicy) wins over the tenant's */
    json_object_set_new(u, "PasswordNeverExpires", json_false());
    json_object_set_new(t, "PasswordPolicies",
                        json_pack("{s:{s:i,s:i}}", "contoso.onmicrosoft.com", "ValidityPeriod", 30,
                                  "NotificationDays", 7));
    assert_true(dir_password_expires_at(t, u) == 30 * day);
    int days = 0, notify = 0;
    dir_password_policy(t, "x@CONTOSO.onmicrosoft.com", &days, &notify);
    assert_int_equal(days, 30);
    assert_int_equal(notify, 7);
    dir_password_policy(t, "x@other.example", &days, &notify);
    assert_int_equal(days, 90);
    assert_int_equal(notify, 14);
    json_object_set_new(t, "PasswordPolicies",
                        json_pack("{s:{s:i,s:i}}", "contoso.onmicrosoft.com", "ValidityPeriod",
                                  DIR_PASSWORD_NEVER, "NotificationDays", 14));
    assert_false(dir_password_expired(t, u, 100000 * day));
    json_decref(u);
    json_decref(t);
}

/* Mutually exclusive plans (directory.md section 3 rule 7); the same plan
 * through two SKUs is fine; a failure changes nothing. */
static void test_exclusive_plans(void **state)
{
    (void)state;
    json_t *t = tenant();
    json_t *subs = json_object_get(t, "Subscriptions");
    static const char *const more[] = {"MCOIMP", "MCOPSTN1", "MCOPSTN2", "STANDARDPACK"};
    for (size_t i = 0; i < 4; i++)
        json_array_append_new(subs, json_pack("{s:s,s:s,s:i,s:i}", "SkuPartNumber", more[i],
                                              "SkuId", "00000000-0000-4000-8000-000000000000",
                                              "ActiveUnits", 5, "ConsumedUnits", 0));
    json_t *u = dir_user_new("r@contoso.onmicrosoft.com", "R");
    json_object_set_new(u, "UsageLocation", json_string("US"));
    rs_err err;
    json_t *a = json_pack("[s,s]", "contoso:MCOSTANDARD", "contoso:STANDARDPACK");
    assert_int_equal(dir_license_apply(t, u, a, NULL, NULL, &err), RS_OK); /* MCOSTANDARD twice */
    json_decref(a);
    a = json_pack("[s]", "contoso:MCOIMP");
    assert_int_equal(dir_license_apply(t, u, a, NULL, NULL, &err), RS_ECONFLICT);
    assert_non_null(strstr(err.msg, "MCOIMP and MCOSTANDARD"));
    assert_int_equal(json_array_size(json_object_get(u, "Licenses")), 2);
    json_decref(a);
    a = json_pack("[s,s]", "contoso:MCOPSTN1", "contoso:MCOPSTN2");
    assert_int_equal(dir_license_apply(t, u, a, NULL, NULL, &err), RS_ECONFLICT);
    assert_non_null(strstr(err.msg, "mutually exclusive"));
    json_decref(a);
    /* swapping in one call is atomic and allowed */
    a = json_pack("[s]", "contoso:MCOIMP");
    json_t *r = json_pack("[s,s]", "contoso:MCOSTANDARD", "contoso:STANDARDPACK");
    assert_int_equal(dir_license_apply(t, u, a, r, NULL, &err), RS_OK);
    assert_false(dir_user_can_meet(u));
    json_decref(a);
    json_decref(r);
    json_decref(u);
    json_decref(t);
}

/* The tenant's own banned terms count anywhere in the password. */
static void test_banned_terms(void **state)
{
    (void)state;
    json_t *t = tenant();
    rs_err err;
    assert_int_equal(dir_password_check(t, "r@contoso.onmicrosoft.com", "My-Fabrikam-9", &err),
                     RS_OK);
    json_object_set_new(t, "BannedPasswords", json_pack("[s]", "fabrikam"));
    assert_int_equal(dir_password_check(t, "r@contoso.onmicrosoft.com", "My-Fabrikam-9", &err),
                     RS_EINVAL);
    assert_non_null(strstr(err.msg, "organization's list of banned passwords"));
    assert_int_equal(dir_password_check(t, "r@contoso.onmicrosoft.com", "pass@word1", &err), RS_OK);
    json_decref(t);
}

static void test_licenses(void **state)
{
    json_t *t = tenant();
    json_t *u = dir_user_new("r@contoso.onmicrosoft.com", "R");
    json_t *add = json_pack("[s]", "contoso:MCOSTANDARD");
    rs_err err;
    /* usage location first (E9) */
    assert_int_equal(dir_license_apply(t, u, add, NULL, NULL, &err), RS_ESTATE);
    assert_non_null(strstr(err.msg, "UsageLocation"));
    json_object_set_new(u, "UsageLocation", json_string("US"));
    assert_false(dir_user_can_meet(u));
    assert_int_equal(dir_license_apply(t, u, add, NULL, NULL, &err), RS_OK);
    assert_true(dir_user_can_meet(u));
    /* twice is refused; seats run out for another user */
    assert_int_equal(dir_license_apply(t, u, add, NULL, NULL, &err), RS_ECONFLICT);
    json_t *u2 = dir_user_new("s@contoso.onmicrosoft.com", "S");
    json_object_set_new(u2, "UsageLocation", json_string("FR"));
    assert_int_equal(dir_license_apply(t, u2, add, NULL, NULL, &err), RS_ELIMIT);
    assert_non_null(strstr(err.msg, "does not have any available licenses"));
    /* atomic: a failing add in the same call leaves the remove undone */
    json_t *bad = json_pack("[s]", "contoso:NOSUCHSKU");
    assert_int_equal(dir_license_apply(t, u, bad, add, NULL, &err), RS_EINVAL);
    assert_true(dir_user_can_meet(u));
    /* another tenant's prefix is not valid */
    json_t *other = json_pack("[s]", "fabrikam:MCOEV");
    assert_int_equal(dir_license_apply(t, u, other, NULL, NULL, &err), RS_EINVAL);
    /* remove frees the seat */
    assert_int_equal(dir_license_apply(t, u, NULL, add, NULL, &err), RS_OK);
    assert_false(dir_user_can_meet(u));
    assert_int_equal(dir_license_apply(t, u2, add, NULL, NULL, &err), RS_OK);
    json_decref(other);
    json_decref(bad);
    json_decref(add);
    json_decref(u2);
    json_decref(u);
    json_decref(t);
}

static void test_catalog_and_countries(void **state)
{
    assert_non_null(dir_sku_find("ENTERPRISEPREMIUM"));
    assert_string_equal(json_string_value(json_object_get(dir_sku_find("MCOSTANDARD"), "SkuId")),
                        "d42c793f-6c78-4f43-92ca-e8f6a02b035f");
    assert_null(dir_sku_find("NOPE"));
    assert_true(dir_valid_country("US"));
    assert_true(dir_valid_country("fr"));
    assert_false(dir_valid_country("XX"));
    assert_false(dir_valid_country("USA"));
}

/* Smart lockout (directory.md section 6): per (account, source), 10 failures
 * lock for 60 s, each later failure locks again for twice as long, a repeated
 * wrong password counts once, success forgets, admins unlock. */
static void test_lockout(void **state)
{
    (void)state;
    const char *u = "aaaaaaaa-0000-4000-8000-000000000001";
    const char *v = "aaaaaaaa-0000-4000-8000-000000000002";
    dir_lockout *lo = dir_lockout_new();
    dir_lockout_policy p;
    dir_lockout_policy_of(NULL, &p);
    assert_int_equal(p.threshold, 10);
    assert_int_equal(p.duration_s, 60);
    json_t *t = json_pack("{s:i,s:i}", "LockoutThreshold", 3, "LockoutDurationInSeconds", 120);
    dir_lockout_policy_of(t, &p);
    assert_int_equal(p.threshold, 3);
    assert_int_equal(p.duration_s, 120);
    json_decref(t);
    t = json_pack("{s:i,s:i}", "LockoutThreshold", 50, "LockoutDurationInSeconds", 5);
    dir_lockout_policy_of(t, &p); /* out of bounds: defaults */
    assert_int_equal(p.threshold, 10);
    assert_int_equal(p.duration_s, 60);
    json_decref(t);

    int64_t now = 1767604443000LL;
    assert_true(dir_lockout_idle(lo));
    assert_false(dir_lockout_is_locked(lo, u, "203.0.113.7", now));
    /* the same wrong password again and again counts once */
    for (int i = 0; i < 20; i++)
        assert_false(dir_lockout_fail(lo, &p, u, "203.0.113.7", "Wrong-1", now));
    assert_false(dir_lockout_idle(lo));
    char pw[32];
    for (int i = 2; i <= 9; i++) {
        snprintf(pw, sizeof pw, "Wrong-%d", i);
        assert_false(dir_lockout_fail(lo, &p, u, "203.0.113.7", pw, now));
    }
    assert_false(dir_lockout_is_locked(lo, u, "203.0.113.7", now));
    assert_true(dir_lockout_fail(lo, &p, u, "203.0.113.7", "Wrong-10", now)); /* 10th */
    assert_true(dir_lockout_is_locked(lo, u, "203.0.113.7", now));
    /* other sources and other accounts are not affected */
    assert_false(dir_lockout_is_locked(lo, u, "198.51.100.1", now));
    assert_false(dir_lockout_is_locked(lo, v, "203.0.113.7", now));
    /* failures while locked are not counted; the lock ends after 60 s */
    assert_false(dir_lockout_fail(lo, &p, u, "203.0.113.7", "Wrong-11", now + 1000));
    assert_true(dir_lockout_is_locked(lo, u, "203.0.113.7", now + 59999));
    assert_false(dir_lockout_is_locked(lo, u, "203.0.113.7", now + 60000));
    int64_t until = 0;
    assert_int_equal(dir_lockout_status(lo, u, now + 30000, &until), 1);
    assert_true(until == now + 60000);
    /* a later failure locks again at once, for 120 s, then 240 s */
    now += 61000;
    assert_true(dir_lockout_fail(lo, &p, u, "203.0.113.7", NULL, now));
    assert_true(dir_lockout_is_locked(lo, u, "203.0.113.7", now + 119999));
    assert_false(dir_lockout_is_locked(lo, u, "203.0.113.7", now + 120000));
    now += 120000;
    assert_true(dir_lockout_fail(lo, &p, u, "203.0.113.7", NULL, now));
    assert_true(dir_lockout_is_locked(lo, u, "203.0.113.7", now + 239999));
    /* admins unlock every source of an account */
    assert_int_equal(dir_lockout_unlock(lo, u, now), 1);
    assert_false(dir_lockout_is_locked(lo, u, "203.0.113.7", now));
    assert_true(dir_lockout_idle(lo));

    /* IPv6 sources count per /64; IPv4-mapped addresses count as IPv4 */
    dir_lockout_policy_of(NULL, &p);
    p.threshold = 2;
    assert_false(dir_lockout_fail(lo, &p, v, "2001:db8:1:2::10", NULL, now));
    assert_true(dir_lockout_fail(lo, &p, v, "2001:db8:1:2::99", NULL, now));
    assert_true(dir_lockout_is_locked(lo, v, "2001:db8:1:2:ffff::1", now));
    assert_false(dir_lockout_is_locked(lo, v, "2001:db8:1:3::10", now));
    assert_false(dir_lockout_fail(lo, &p, v, "192.0.2.5", NULL, now));
    assert_true(dir_lockout_fail(lo, &p, v, "::ffff:192.0.2.5", NULL, now));
    assert_true(dir_lockout_is_locked(lo, v, "192.0.2.5", now));
    /* success forgets a pair's failures */
    assert_false(dir_lockout_fail(lo, &p, u, "192.0.2.9", NULL, now));
    dir_lockout_success(lo, u, "192.0.2.9");
    assert_false(dir_lockout_fail(lo, &p, u, "192.0.2.9", NULL, now));
    assert_false(dir_lockout_is_locked(lo, u, "192.0.2.9", now));

    /* bounded: a flood of sources never grows the table or drops a lock */
    char ip[32];
    for (int i = 0; i < 100000; i++) {
        snprintf(ip, sizeof ip, "10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, i & 255);
        dir_lockout_fail(lo, &p, u, ip, NULL, now);
    }
    assert_true(dir_lockout_is_locked(lo, v, "192.0.2.5", now));
    dir_lockout_free(lo);
    dir_lockout_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_password_policy), cmocka_unit_test(test_ha1),
        cmocka_unit_test(test_argon2),          cmocka_unit_test(test_expiry),
        cmocka_unit_test(test_licenses),        cmocka_unit_test(test_catalog_and_countries),
        cmocka_unit_test(test_lockout),         cmocka_unit_test(test_banned_terms),
        cmocka_unit_test(test_exclusive_plans),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for sfb/signin_cache: the same answers as the uncached
 * sfb_signin_lookup() through every gate change, staleness by the store's
 * commit generation, password expiry evaluated at lookup time, bounded
 * size, and lookups racing with changes. Real store (SQLite in a temp dir). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "directory.h"
#include "rs_util.h"
#include "sfb.h"
#include "signin_cache.h"

#define TID    "11111111-1111-4111-8111-111111111111"
#define AOR    "room1@contoso.onmicrosoft.com"
#define REALM  "contoso.onmicrosoft.com"
#define DAY_MS (86400LL * 1000)

typedef struct fixture {
    char dir[64];
    store_t *st;
    json_t *tenant, *user, *cs;
} fixture;

static void put_user(fixture *f)
{
    assert_int_equal(store_put(f->st, TID, "user",
                               json_string_value(json_object_get(f->user, "ObjectId")), f->user,
                               NULL),
                     RS_OK);
}

static void put_cs(fixture *f)
{
    assert_int_equal(sfb_user_save(f->st, TID, f->cs, NULL, NULL), RS_OK);
}

static int setup(void **state)
{
    fixture *f = rs_calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/rs-signin-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    char path[128];
    snprintf(path, sizeof path, "%s/t.db", f->dir);
    assert_int_equal(store_open(path, &f->st, NULL), RS_OK);
    f->tenant =
        json_pack("{s:s,s:s,s:[s],s:i,s:[{s:s,s:s,s:i,s:i}]}", "TenantId", TID, "InitialDomain",
                  REALM, "Domains", REALM, "PasswordValidityDays", 90, "Subscriptions",
                  "SkuPartNumber", "MCOSTANDARD", "SkuId", "d42c793f-6c78-4f43-92ca-e8f6a02b035f",
                  "ActiveUnits", 10, "ConsumedUnits", 0);
    f->user = dir_user_new(AOR, "Room 1");
    json_object_set_new(f->user, "UsageLocation", json_string("US"));
    dir_user_set_password(f->user, "$argon2id$fake", "pass@word1", rs_time_now_ms());
    json_t *add = json_pack("[s]", "contoso:MCOSTANDARD");
    assert_int_equal(dir_license_apply(f->tenant, f->user, add, NULL, NULL, NULL), RS_OK);
    json_decref(add);
    assert_int_equal(dir_tenant_put(f->st, f->tenant, NULL), RS_OK);
    char *key = rs_asprintf("upn:%s", AOR);
    assert_int_equal(store_key_set(f->st, TID, "user", key,
                                   json_string_value(json_object_get(f->user, "ObjectId")), NULL,
                                   NULL),
                     RS_OK);
    free(key);
    put_user(f);
    f->cs = json_pack("{s:O,s:s,s:s,s:b,s:b}", "ObjectId", json_object_get(f->user, "ObjectId"),
                      "SipAddress", "sip:" AOR, "RegistrarPool", "pool1.contoso.com", "Enabled", 1,
                      "IsMeetingRoom", 1);
    put_cs(f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    store_close(f->st);
    json_decref(f->tenant);
    json_decref(f->user);
    json_decref(f->cs);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static void same(const sfb_signin *a, const sfb_signin *b)
{
    assert_int_equal(a->known, b->known);
    assert_string_equal(a->tenant_id, b->tenant_id);
    assert_string_equal(a->home_pool, b->home_pool);
    assert_string_equal(a->ha1_md5, b->ha1_md5);
    assert_string_equal(a->ha1_sha256, b->ha1_sha256);
    if (a->refusal || b->refusal) {
        assert_non_null(a->refusal);
        assert_non_null(b->refusal);
        assert_string_equal(a->refusal, b->refusal);
    }
}

/* Compare the cache with the uncached path for a few usernames and realms. */
static void compare_all(fixture *f, signin_cache *c)
{
    static const char *const cases[][3] = {
        {AOR, AOR, REALM},
        {AOR, "Room1@contoso.onmicrosoft.com", REALM}, /* no HA1 over this spelling */
        {AOR, AOR, "fabrikam.com"},                    /* realm of another domain */
        {"nobody@contoso.onmicrosoft.com", "nobody@contoso.onmicrosoft.com", REALM},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sfb_signin want, got;
        assert_int_equal(sfb_signin_lookup(f->st, cases[i][0], cases[i][1], cases[i][2], &want),
                         RS_OK);
        assert_int_equal(
            signin_cache_lookup(c, cases[i][0], cases[i][1], cases[i][2], rs_time_now_ms(), &got),
            RS_OK);
        same(&got, &want);
        /* and again, answered from the cache */
        assert_int_equal(
            signin_cache_lookup(c, cases[i][0], cases[i][1], cases[i][2], rs_time_now_ms(), &got),
            RS_OK);
        same(&got, &want);
    }
}

static const char *refusal_now(fixture *f, signin_cache *c)
{
    sfb_signin s;
    assert_int_equal(signin_cache_lookup(c, AOR, AOR, REALM, rs_time_now_ms(), &s), RS_OK);
    assert_int_equal(s.known, 1);
    return s.refusal;
}

static void test_generation(void **state)
{
    fixture *f = *state;
    uint64_t g0 = store_generation(f->st);
    json_t *doc = NULL;
    assert_int_equal(store_get(f->st, TID, "csuser",
                               json_string_value(json_object_get(f->cs, "ObjectId")), &doc, NULL),
                     RS_OK);
    json_decref(doc);
    assert_int_equal(store_generation(f->st), g0); /* reads do not bump */
    assert_int_equal(store_begin(f->st, NULL), RS_OK);
    assert_int_equal(store_commit(f->st, NULL), RS_OK);
    assert_int_equal(store_generation(f->st), g0); /* nor do empty transactions */
    assert_int_equal(store_begin(f->st, NULL), RS_OK);
    put_cs(f);
    put_user(f);
    assert_int_equal(store_generation(f->st), g0); /* not before the commit */
    assert_int_equal(store_commit(f->st, NULL), RS_OK);
    assert_int_equal(store_generation(f->st), g0 + 1);
    put_user(f); /* implicit transaction */
    assert_int_equal(store_generation(f->st), g0 + 2);
    assert_int_equal(store_begin(f->st, NULL), RS_OK);
    put_user(f);
    store_rollback(f->st);
    assert_int_equal(store_begin(f->st, NULL), RS_OK);
    assert_int_equal(store_commit(f->st, NULL), RS_OK);
    /* a rolled-back write bumps it too (its writes stamped that generation,
     * store.h "Read sets"): caches read again, early but never late */
    assert_int_equal(store_generation(f->st), g0 + 3);
}

static void test_same_answers_through_every_gate(void **state)
{
    fixture *f = *state;
    signin_cache *c = signin_cache_new(f->st, 0);
    compare_all(f, c);
    assert_null(refusal_now(f, c));

    json_object_set_new(f->cs, "Enabled", json_false()); /* G2 */
    put_cs(f);
    compare_all(f, c);
    assert_string_equal(refusal_now(f, c), "not_enabled");
    json_object_set_new(f->cs, "Enabled", json_true());
    put_cs(f);
    assert_null(refusal_now(f, c));

    json_t *lic = json_incref(json_object_get(f->user, "Licenses")); /* G3 */
    json_object_set_new(f->user, "Licenses", json_array());
    put_user(f);
    compare_all(f, c);
    assert_string_equal(refusal_now(f, c), "not_licensed");
    json_object_set_new(f->user, "Licenses", lic);
    put_user(f);
    assert_null(refusal_now(f, c));

    json_object_set_new(f->user, "BlockCredential", json_true()); /* G4 */
    put_user(f);
    compare_all(f, c);
    assert_string_equal(refusal_now(f, c), "blocked");
    json_object_set_new(f->user, "BlockCredential", json_false());
    json_object_set_new(f->user, "AccountEnabled", json_false());
    put_user(f);
    compare_all(f, c);
    assert_string_equal(refusal_now(f, c), "blocked");
    json_object_set_new(f->user, "AccountEnabled", json_true());
    put_user(f);

    json_object_set_new(f->user, "LastPasswordChangeTimestamp", /* G6 */
                        json_integer(rs_time_now_ms() - 91 * DAY_MS));
    put_user(f);
    compare_all(f, c);
    assert_string_equal(refusal_now(f, c), "password_expired");
    json_object_set_new(f->tenant, "PasswordValidityDays", json_integer(0)); /* tenant policy */
    assert_int_equal(dir_tenant_put(f->st, f->tenant, NULL), RS_OK);
    compare_all(f, c);
    assert_null(refusal_now(f, c));

    json_t *ha1 = json_incref(json_object_get(f->user, "Ha1")); /* G7 */
    json_object_set_new(f->user, "Ha1", json_object());
    put_user(f);
    compare_all(f, c);
    assert_string_equal(refusal_now(f, c), "no_credential");
    json_object_set_new(f->user, "Ha1", ha1);
    put_user(f);
    compare_all(f, c);

    json_object_set_new(f->cs, "RegistrarPool", json_string("pool2.contoso.com")); /* G8 */
    put_cs(f);
    compare_all(f, c);
    sfb_signin s;
    assert_int_equal(signin_cache_lookup(c, AOR, AOR, REALM, rs_time_now_ms(), &s), RS_OK);
    assert_string_equal(s.home_pool, "pool2.contoso.com");

    /* G1: the room is gone (Disable-CsMeetingRoom removes the SIP keys) */
    assert_int_equal(store_key_del(f->st, "", "sipaddr", "sip:" AOR, NULL), RS_OK);
    compare_all(f, c);
    assert_int_equal(signin_cache_lookup(c, AOR, AOR, REALM, rs_time_now_ms(), &s), RS_OK);
    assert_int_equal(s.known, 0);
    signin_cache_free(c);
}

static void test_expiry_evaluated_at_lookup_time(void **state)
{
    fixture *f = *state;
    int64_t now = rs_time_now_ms();
    json_object_set_new(f->user, "LastPasswordChangeTimestamp", json_integer(now - 89 * DAY_MS));
    put_user(f);
    signin_cache *c = signin_cache_new(f->st, 0);
    sfb_signin s;
    assert_int_equal(signin_cache_lookup(c, AOR, AOR, REALM, now, &s), RS_OK);
    assert_null(s.refusal);
    signin_cache_stats st0, st1;
    signin_cache_get_stats(c, &st0);
    /* two days later, with no change in the store: expired, from the cache */
    assert_int_equal(signin_cache_lookup(c, AOR, AOR, REALM, now + 2 * DAY_MS, &s), RS_OK);
    assert_string_equal(s.refusal, "password_expired");
    assert_int_equal(s.known, 1);
    assert_int_equal(strlen(s.ha1_md5), 32); /* the digest is still checked first */
    signin_cache_get_stats(c, &st1);
    assert_int_equal(st1.hits, st0.hits + 1);
    assert_int_equal(st1.misses + st1.stale, st0.misses + st0.stale);
    /* exactly at the expiry instant it is expired (dir_password_expired: <=) */
    assert_int_equal(signin_cache_lookup(c, AOR, AOR, REALM, now + DAY_MS, &s), RS_OK);
    assert_string_equal(s.refusal, "password_expired");
    assert_int_equal(signin_cache_lookup(c, AOR, AOR, REALM, now + DAY_MS - 1, &s), RS_OK);
    assert_null(s.refusal);
    /* never expires */
    json_object_set_new(f->user, "PasswordNeverExpires", json_true());
    put_user(f);
    assert_int_equal(signin_cache_lookup(c, AOR, AOR, REALM, now + 400 * DAY_MS, &s), RS_OK);
    assert_null(s.refusal);
    signin_cache_free(c);
}

static void test_hits_stale_and_bound(void **state)
{
    fixture *f = *state;
    signin_cache *c = signin_cache_new(f->st, 2);
    sfb_signin s;
    signin_cache_stats st;
    assert_int_equal(signin_cache_lookup(c, AOR, AOR, REALM, rs_time_now_ms(), &s), RS_OK);
    assert_int_equal(
        signin_cache_lookup(c, "ROOM1@Contoso.onmicrosoft.com", AOR, REALM, rs_time_now_ms(), &s),
        RS_OK); /* same entry: the address is compared in lower case */
    assert_int_equal(s.known, 1);
    signin_cache_get_stats(c, &st);
    assert_int_equal(st.misses, 1);
    assert_int_equal(st.hits, 1);
    assert_int_equal(st.entries, 1);
    /* unknown addresses are cached too, up to the bound */
    const char *unknown[] = {"a@contoso.onmicrosoft.com", "b@contoso.onmicrosoft.com",
                             "c@contoso.onmicrosoft.com"};
    for (int r = 0; r < 2; r++)
        for (int i = 0; i < 3; i++) {
            assert_int_equal(
                signin_cache_lookup(c, unknown[i], unknown[i], REALM, rs_time_now_ms(), &s), RS_OK);
            assert_int_equal(s.known, 0);
            assert_null(s.refusal);
        }
    signin_cache_get_stats(c, &st);
    assert_int_equal(st.entries, 2);
    assert_int_equal(st.hits, 2); /* "a" the second time; "b" and "c" did not fit */
    /* a change anywhere makes every entry stale, read again once */
    put_user(f);
    assert_int_equal(signin_cache_lookup(c, AOR, AOR, REALM, rs_time_now_ms(), &s), RS_OK);
    assert_int_equal(signin_cache_lookup(c, AOR, AOR, REALM, rs_time_now_ms(), &s), RS_OK);
    signin_cache_get_stats(c, &st);
    assert_int_equal(st.stale, 1);
    assert_int_equal(st.hits, 3);
    /* an address cached as unknown becomes known when the room is enabled */
    assert_int_equal(store_key_del(f->st, "", "sipaddr", "sip:" AOR, NULL), RS_OK);
    assert_int_equal(signin_cache_lookup(c, AOR, AOR, REALM, rs_time_now_ms(), &s), RS_OK);
    assert_int_equal(s.known, 0);
    put_cs(f);
    assert_int_equal(signin_cache_lookup(c, AOR, AOR, REALM, rs_time_now_ms(), &s), RS_OK);
    assert_int_equal(s.known, 1);
    signin_cache_free(c);
}

typedef struct racer {
    signin_cache *c;
    atomic_int *stop;
    long lookups, bad;
} racer;

static void *race(void *arg)
{
    racer *r = arg;
    do { /* at least one lookup, however late the thread starts */
        sfb_signin s;
        if (signin_cache_lookup(r->c, AOR, AOR, REALM, rs_time_now_ms(), &s) != RS_OK || !s.known ||
            strlen(s.ha1_md5) != 32 || (s.refusal && strcmp(s.refusal, "not_enabled") != 0))
            r->bad++;
        r->lookups++;
    } while (!atomic_load(r->stop));
    return NULL;
}

/* Lookups racing with commits: every answer is one of the two states, and
 * once a change has committed, the next lookup sees it. */
static void test_concurrent_changes(void **state)
{
    fixture *f = *state;
    signin_cache *c = signin_cache_new(f->st, 0);
    atomic_int stop = 0;
    racer r[3];
    pthread_t th[3];
    for (int i = 0; i < 3; i++) {
        r[i] = (racer){.c = c, .stop = &stop};
        assert_int_equal(pthread_create(&th[i], NULL, race, &r[i]), 0);
    }
    for (int i = 0; i < 60; i++) {
        int enabled = i % 2;
        assert_int_equal(store_begin(f->st, NULL), RS_OK);
        json_object_set_new(f->cs, "Enabled", json_boolean(enabled));
        put_cs(f);
        assert_int_equal(store_commit(f->st, NULL), RS_OK);
        const char *ref = refusal_now(f, c);
        if (enabled)
            assert_null(ref);
        else
            assert_string_equal(ref, "not_enabled");
    }
    atomic_store(&stop, 1);
    for (int i = 0; i < 3; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(r[i].bad, 0);
        assert_true(r[i].lookups > 0);
    }
    signin_cache_free(c);
}

/* Priming reads every room once in the background; the next lookup is a hit. */
static void test_prime(void **state)
{
    fixture *f = *state;
    signin_cache *c = signin_cache_new(f->st, 0);
    assert_int_equal(signin_cache_prime_async(c), 0);
    assert_int_equal(signin_cache_prime_async(c), 0); /* once */
    signin_cache_stats st;
    for (int i = 0; i < 5000; i++) { /* bounded wait for the primer (not a timing check) */
        signin_cache_get_stats(c, &st);
        if (st.entries == 1)
            break;
        usleep(1000);
    }
    assert_int_equal(st.entries, 1);
    assert_int_equal(st.misses, 1);
    sfb_signin s;
    assert_int_equal(signin_cache_lookup(c, AOR, AOR, REALM, rs_time_now_ms(), &s), RS_OK);
    assert_int_equal(s.known, 1);
    assert_null(s.refusal);
    signin_cache_get_stats(c, &st);
    assert_int_equal(st.hits, 1);
    signin_cache_free(c);
    /* freeing while priming runs stops and joins it */
    c = signin_cache_new(f->st, 0);
    assert_int_equal(signin_cache_prime_async(c), 0);
    signin_cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_generation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_answers_through_every_gate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expiry_evaluated_at_lookup_time, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hits_stale_and_bound, setup, teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prime, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

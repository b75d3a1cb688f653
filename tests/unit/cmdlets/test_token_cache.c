/* Unit tests for cmdlets/token_cache: the same answers as dir_token_check()
 * (the uncached path), hits after a check, invalidation by any committed
 * change (a blocked user's token refused at once, a removed role seen at
 * once, a deleted session refused), the token's expiry respected without any
 * store change, bounded size with eviction, refusals never cached, and checks
 * racing with changes. Real store (SQLite in a temp dir), real tokens from
 * dir_token_issue(). */
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
#include <time.h>
#include <unistd.h>

#include "directory.h"
#include "rs_util.h"
#include "token_cache.h"

#define DOMAIN "contoso.onmicrosoft.com"
#define ADMIN  "admin@" DOMAIN
#define PW     "Tok3n-Cache-pw!"
#define SCOPE  "https://outlook.office365.com/.default"

typedef struct fixture {
    char dir[64];
    store_t *st;
    dir_settings ds;
    char tid[37];
} fixture;

static int setup(void **state)
{
    fixture *f = rs_calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/rs-tokcache-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    char path[128];
    snprintf(path, sizeof path, "%s/t.db", f->dir);
    assert_int_equal(store_open(path, &f->st, NULL), RS_OK);
    f->ds = (dir_settings){.argon2_t = 1,
                           .argon2_m_kib = 8192,
                           .argon2_p = 1,
                           .token_lifetime_s = 3600,
                           .sync_lag_s = 0};
    setenv("RS_TOKEN_CACHE_TEST_PW", PW, 1);
    rs_tenant_conf tc = {.domain = DOMAIN,
                         .display_name = "Contoso",
                         .country = "US",
                         .admin_upn = ADMIN,
                         .admin_password_env = "RS_TOKEN_CACHE_TEST_PW",
                         .default_pool = "pool1." DOMAIN,
                         .password_validity_days = 0,
                         .exchange_enabled = 1,
                         .conferencing_enabled = 1};
    rs_err err;
    rs_err_clear(&err);
    assert_int_equal(dir_tenant_ensure(f->st, &tc, &f->ds, &err), RS_OK);
    assert_int_equal(dir_tenant_resolve(f->st, DOMAIN, f->tid, NULL), RS_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    store_close(f->st);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

/* A fresh token for the admin (caller frees). */
static char *issue(fixture *f)
{
    char *tok = NULL;
    int exp = 0;
    rs_err err;
    rs_err_clear(&err);
    assert_int_equal(dir_token_issue(f->st, &f->ds, NULL, "127.0.0.1", DOMAIN, ADMIN, PW, SCOPE,
                                     &tok, &exp, &err),
                     RS_OK);
    assert_non_null(tok);
    return tok;
}

/* Change the admin's user document through the directory (a committed write). */
static void edit_admin(fixture *f, const char *field, json_t *value)
{
    json_t *u = NULL;
    assert_int_equal(dir_user_find(f->st, f->tid, ADMIN, &u, NULL), RS_OK);
    json_object_set_new(u, field, value);
    assert_int_equal(store_begin(f->st, NULL), RS_OK);
    assert_int_equal(dir_user_save(f->st, f->tid, u, &f->ds, NULL), RS_OK);
    assert_int_equal(store_commit(f->st, NULL), RS_OK);
    json_decref(u);
}

static void same(const rs_principal *a, const rs_principal *b)
{
    assert_string_equal(a->tenant_id, b->tenant_id);
    assert_string_equal(a->tenant_domain, b->tenant_domain);
    assert_string_equal(a->upn, b->upn);
    assert_string_equal(a->object_id, b->object_id);
    assert_string_equal(a->service, b->service);
    assert_int_equal(a->rights, b->rights);
    assert_int_equal(a->roles, b->roles);
}

static void test_hit_after_check(void **state)
{
    fixture *f = *state;
    char *tok = issue(f);
    token_cache *c = token_cache_new(f->st, 0, 0);
    rs_principal want, got;
    assert_int_equal(dir_token_check(f->st, tok, &want, NULL), RS_OK);
    token_cache_stats s;
    assert_int_equal(token_cache_check(c, tok, &got, NULL), RS_OK);
    same(&want, &got);
    token_cache_get_stats(c, &s);
    assert_int_equal(s.misses, 1);
    assert_int_equal(s.hits, 0);
    assert_int_equal(s.entries, 1);
    for (int i = 0; i < 3; i++) {
        memset(&got, 0x5a, sizeof got);
        assert_int_equal(token_cache_check(c, tok, &got, NULL), RS_OK);
        same(&want, &got);
    }
    token_cache_get_stats(c, &s);
    assert_int_equal(s.hits, 3);
    assert_int_equal(s.misses, 1);
    assert_string_equal(got.upn, ADMIN);
    assert_true(got.roles & ROLE_GLOBAL_ADMIN);
    token_cache_free(c);
    free(tok);
}

/* Refusals are never cached, and cost a store read each time. */
static void test_refusals_not_cached(void **state)
{
    fixture *f = *state;
    token_cache *c = token_cache_new(f->st, 0, 0);
    rs_principal got;
    const char *bad[] = {"rs1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "nonsense", "", NULL};
    for (int i = 0; i < 4; i++) {
        rs_err err;
        rs_err_clear(&err);
        assert_int_equal(token_cache_check(c, bad[i], &got, &err), RS_EAUTH);
        assert_int_equal(token_cache_check(c, bad[i], &got, NULL), RS_EAUTH);
        assert_string_equal(got.upn, "");
    }
    token_cache_stats s;
    token_cache_get_stats(c, &s);
    assert_int_equal(s.hits, 0);
    assert_int_equal(s.misses, 8);
    assert_int_equal(s.entries, 0);
    token_cache_free(c);
}

/* A change to what the check read invalidates: a blocked user's token is
 * refused by the very next check; a removed role is seen at once; a deleted
 * session too. A change to anything else leaves the entry good. */
static void test_invalidated_by_changes(void **state)
{
    fixture *f = *state;
    char *tok = issue(f);
    token_cache *c = token_cache_new(f->st, 0, 0);
    rs_principal got;
    assert_int_equal(token_cache_check(c, tok, &got, NULL), RS_OK);
    assert_int_equal(token_cache_check(c, tok, &got, NULL), RS_OK); /* a hit */
    json_t *other = json_pack("{s:s}", "Name", "Room 1");
    assert_int_equal(store_put(f->st, got.tenant_id, "mailbox", "room-1", other, NULL), RS_OK);
    json_decref(other);
    assert_int_equal(token_cache_check(c, tok, &got, NULL), RS_OK); /* still a hit */

    edit_admin(f, "Roles", json_pack("[s,s]", "Global Administrator", "Exchange Administrator"));
    assert_int_equal(token_cache_check(c, tok, &got, NULL), RS_OK);
    assert_true(got.roles & ROLE_EXCHANGE_ADMIN);
    edit_admin(f, "Roles", json_pack("[s]", "Exchange Administrator"));
    assert_int_equal(token_cache_check(c, tok, &got, NULL), RS_OK);
    assert_false(got.roles & ROLE_GLOBAL_ADMIN); /* the removed role is gone at once */
    assert_true(got.roles & ROLE_EXCHANGE_ADMIN);

    edit_admin(f, "BlockCredential", json_true());
    rs_err err;
    rs_err_clear(&err);
    assert_int_equal(token_cache_check(c, tok, &got, &err), RS_EAUTH); /* at once */
    assert_int_equal(token_cache_check(c, tok, &got, NULL), RS_EAUTH); /* and stays refused */
    edit_admin(f, "BlockCredential", json_false());
    assert_int_equal(token_cache_check(c, tok, &got, NULL), RS_OK);
    assert_int_equal(token_cache_check(c, tok, &got, NULL), RS_OK);

    /* a deleted session (sign-out, or an expired one swept) */
    char hash[65];
    rs_sha256_hex(tok, strlen(tok), hash);
    assert_int_equal(store_del(f->st, "", "session", hash, NULL), RS_OK);
    assert_int_equal(token_cache_check(c, tok, &got, NULL), RS_EAUTH);

    token_cache_stats s;
    token_cache_get_stats(c, &s);
    assert_int_equal(s.hits, 3);
    assert_true(s.stale >= 4);
    token_cache_free(c);
    free(tok);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* An entry never outlives its token, with no store change at all. */
static void test_expiry_respected(void **state)
{
    fixture *f = *state;
    f->ds.token_lifetime_s = 1;
    char *tok = issue(f);
    f->ds.token_lifetime_s = 3600;
    char hash[65];
    rs_sha256_hex(tok, strlen(tok), hash);
    json_t *sess = NULL;
    assert_int_equal(store_get(f->st, "", "session", hash, &sess, NULL), RS_OK);
    int64_t exp = json_integer_value(json_object_get(sess, "ExpiresMs"));
    json_decref(sess);
    assert_true(exp > 0);

    token_cache *c = token_cache_new(f->st, 0, 0);
    rs_principal got;
    if (rs_time_now_ms() + 200 < exp) { /* not too slow a machine for the first check */
        assert_int_equal(token_cache_check(c, tok, &got, NULL), RS_OK);
        assert_int_equal(token_cache_check(c, tok, &got, NULL), RS_OK);
        token_cache_stats s;
        token_cache_get_stats(c, &s);
        assert_int_equal(s.hits, 1);
    }
    uint64_t gen = store_generation(f->st);
    while (rs_time_now_ms() <= exp)
        sleep_ms(50);
    assert_true(store_generation(f->st) == gen); /* nothing changed but the clock */
    assert_int_equal(token_cache_check(c, tok, &got, NULL), RS_EAUTH);
    assert_int_equal(token_cache_check(c, tok, &got, NULL), RS_EAUTH);
    token_cache_free(c);
    free(tok);
}

/* max_age_ms bounds an entry's life too; the next check reads again. */
static void test_max_age(void **state)
{
    fixture *f = *state;
    char *tok = issue(f);
    token_cache *c = token_cache_new(f->st, 0, 20);
    rs_principal got;
    assert_int_equal(token_cache_check(c, tok, &got, NULL), RS_OK);
    sleep_ms(40);
    assert_int_equal(token_cache_check(c, tok, &got, NULL), RS_OK);
    token_cache_stats s;
    token_cache_get_stats(c, &s);
    assert_int_equal(s.expired, 1);
    assert_int_equal(s.misses, 1);
    assert_int_equal(s.entries, 1);
    token_cache_free(c);
    free(tok);
}

/* Size is bounded: 64 tokens through a 16-entry cache; every answer stays right. */
static void test_eviction_bounded(void **state)
{
    fixture *f = *state;
    enum { N = 64 };
    char *tok[N];
    for (int i = 0; i < N; i++)
        tok[i] = issue(f);
    token_cache *c = token_cache_new(f->st, 16, 0);
    rs_principal want, got;
    assert_int_equal(dir_token_check(f->st, tok[0], &want, NULL), RS_OK);
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < N; i++) {
            assert_int_equal(token_cache_check(c, tok[i], &got, NULL), RS_OK);
            same(&want, &got);
            token_cache_stats s;
            token_cache_get_stats(c, &s);
            assert_true(s.entries <= 16);
        }
    }
    token_cache_stats s;
    token_cache_get_stats(c, &s);
    assert_true(s.entries <= 16);
    assert_true(s.evicted > 0);
    assert_int_equal(s.hits + s.misses + s.stale + s.expired, 3 * N);
    /* a small working set inside the bound is then served from memory */
    uint64_t hits = s.hits;
    assert_int_equal(token_cache_check(c, tok[5], &got, NULL), RS_OK);
    assert_int_equal(token_cache_check(c, tok[5], &got, NULL), RS_OK);
    token_cache_get_stats(c, &s);
    assert_true(s.hits >= hits + 1);
    token_cache_free(c);
    for (int i = 0; i < N; i++)
        free(tok[i]);
}

/* Checks racing with blocks/unblocks: after each commit, the writer's own
 * check agrees with what it committed; readers never crash or see garbage. */
typedef struct race {
    fixture *f;
    token_cache *c;
    const char *tok;
    atomic_int stop;
    atomic_long checks;
} race;

static void *reader(void *arg)
{
    race *r = arg;
    while (!atomic_load(&r->stop)) {
        rs_principal got;
        rs_status rc = token_cache_check(r->c, r->tok, &got, NULL);
        if (rc == RS_OK && strcmp(got.upn, ADMIN) != 0)
            abort();
        if (rc != RS_OK && rc != RS_EAUTH)
            abort();
        atomic_fetch_add(&r->checks, 1);
    }
    return NULL;
}

static void test_race(void **state)
{
    fixture *f = *state;
    char *tok = issue(f);
    race r = {.f = f, .c = token_cache_new(f->st, 0, 0), .tok = tok};
    pthread_t th[3];
    for (int i = 0; i < 3; i++)
        assert_int_equal(pthread_create(&th[i], NULL, reader, &r), 0);
    rs_principal got;
    for (int i = 0; i < 30; i++) {
        edit_admin(f, "BlockCredential", json_boolean(i % 2 == 0));
        assert_int_equal(token_cache_check(r.c, tok, &got, NULL), i % 2 == 0 ? RS_EAUTH : RS_OK);
    }
    atomic_store(&r.stop, 1);
    for (int i = 0; i < 3; i++)
        pthread_join(th[i], NULL);
    assert_true(atomic_load(&r.checks) > 0);
    token_cache_free(r.c);
    free(tok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_hit_after_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals_not_cached, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalidated_by_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expiry_respected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_max_age, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eviction_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_race, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

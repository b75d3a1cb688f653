/* test_oauth_grants.c - the token endpoint's grants in directory/
 * (dir_session.c, dir_app.c) against a real store in a temporary folder:
 * scopes to services, refresh-token rotation and revocation, client
 * credentials, the bearer check of users and apps, hashes only at rest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dir_app.h"
#include "dir_session.h"
#include "directory.h"
#include "rs_log.h"
#include "rs_util.h"

#define T "contoso.onmicrosoft.com"

static char dir[] = "/tmp/rs-grants-XXXXXX";
static store_t *st;
static dir_settings ds = {
    .argon2_t = 1, .argon2_m_kib = 8192, .argon2_p = 1, .token_lifetime_s = 3600, .sync_lag_s = 0};
static char tid[37];

static int setup(void **state)
{
    (void)state;
    rs_log_set_level(RS_LOG_ERROR);
    if (!mkdtemp(dir))
        return -1;
    char *path = rs_asprintf("%s/roomsys.db", dir);
    rs_err e;
    rs_status rc = store_open(path, &st, &e);
    free(path);
    if (rc)
        return -1;
    setenv("RS_TEST_ADMIN_PW", "Adm1n-Pass!word", 1);
    rs_tenant_conf tc = {.domain = T,
                         .display_name = "Contoso",
                         .country = "US",
                         .admin_upn = "admin@" T,
                         .admin_password_env = "RS_TEST_ADMIN_PW",
                         .default_pool = "sippool.example.com",
                         .password_validity_days = 0,
                         .exchange_enabled = 1,
                         .conferencing_enabled = 1};
    if (dir_tenant_ensure(st, &tc, &ds, &e) != RS_OK)
        return -1;
    return dir_tenant_resolve(st, T, tid, &e) == RS_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    store_close(st);
    char *cmd = rs_asprintf("rm -rf '%s'", dir);
    int rc = system(cmd);
    free(cmd);
    return rc == 0 ? 0 : -1;
}

static rs_status grant(const rs_grant_req *rq, rs_grant *g, rs_err *e, int refresh_s)
{
    return dir_oauth_grant(st, &ds, NULL, rq, refresh_s, g, e);
}

static int code_of(const rs_err *e)
{
    return strncmp(e->msg, "AADSTS", 6) == 0 ? atoi(e->msg + 6) : -1;
}

static void test_scopes(void **state)
{
    (void)state;
    assert_string_equal(dir_scope_service("https://outlook.office365.com/.default"), "exchange");
    assert_string_equal(dir_scope_service("https://graph.microsoft.com/.default"), "graph");
    assert_string_equal(dir_scope_service("User.Read openid profile offline_access"), "graph");
    assert_string_equal(dir_scope_service("openid offline_access"), "graph");
    assert_string_equal(dir_scope_service("https://graph.windows.net/.default"), "msol");
    assert_null(dir_scope_service("bogus"));
    assert_null(dir_scope_service("https://example.com/.default"));
    assert_null(dir_scope_service(""));
    assert_null(dir_scope_service(NULL));
    assert_true(dir_scope_has("User.Read OpenID", "openid"));
    assert_false(dir_scope_has("openidx", "openid"));
}

/* The document of kind in tenant "" whose id is the token's SHA-256. */
static bool stored_as_hash(const char *kind, const char *token)
{
    char hash[65];
    rs_sha256_hex(token, strlen(token), hash);
    json_t *doc = NULL;
    bool ok = store_get(st, "", kind, hash, &doc, NULL) == RS_OK;
    if (ok) { /* and the token itself is nowhere in it */
        char *s = json_dumps(doc, 0);
        ok = !strstr(s, token);
        free(s);
    }
    json_decref(doc);
    return ok;
}

static void test_refresh_rotation(void **state)
{
    (void)state;
    rs_err e;
    rs_grant g, g2, g3;
    rs_grant_req pw = {.grant = "password",
                       .tenant = T,
                       .scope = "User.Read openid offline_access",
                       .client_id = "11111111-2222-4333-8444-555555555555",
                       .username = "admin@" T,
                       .password = "Adm1n-Pass!word",
                       .want_refresh = true};
    assert_int_equal(grant(&pw, &g, &e, 600), RS_OK);
    assert_string_equal(g.service, "graph");
    assert_string_equal(g.tenant_id, tid);
    assert_non_null(g.refresh_token);
    assert_int_equal(g.refresh_expires_in, 600);
    assert_true(strncmp(g.access_token, "rs1.", 4) == 0);
    assert_true(strncmp(g.refresh_token, "rs1r.", 5) == 0);
    assert_true(stored_as_hash("session", g.access_token));
    assert_true(stored_as_hash("refresh", g.refresh_token));

    rs_principal who;
    assert_int_equal(dir_token_check(st, g.access_token, &who, &e), RS_OK);
    assert_string_equal(who.service, "graph");
    assert_false(who.is_app);
    assert_true(who.roles & ROLE_GLOBAL_ADMIN);

    /* redeem: a new pair, the old refresh token gone */
    rs_grant_req rt = {.grant = "refresh_token", .tenant = T, .refresh_token = g.refresh_token};
    assert_int_equal(grant(&rt, &g2, &e, 600), RS_OK);
    assert_non_null(g2.refresh_token);
    assert_string_not_equal(g2.refresh_token, g.refresh_token);
    assert_string_not_equal(g2.access_token, g.access_token);
    assert_string_equal(g2.scope, "User.Read openid offline_access"); /* kept from the sign-in */
    assert_false(stored_as_hash("refresh", g.refresh_token));
    assert_int_equal(grant(&rt, &g3, &e, 600), RS_EAUTH); /* once only */
    assert_int_equal(code_of(&e), 70000);
    assert_null(g3.access_token);

    /* another tenant's endpoint, another client */
    rs_grant_req other = {.grant = "refresh_token",
                          .tenant = "fabrikam.onmicrosoft.com",
                          .refresh_token = g2.refresh_token};
    assert_int_equal(grant(&other, &g3, &e, 600), RS_EAUTH);
    assert_int_equal(code_of(&e), 70000);
    assert_false(stored_as_hash("refresh", g2.refresh_token)); /* spent by the attempt */

    /* at /organizations the refresh token's tenant applies */
    rs_grant g5;
    assert_int_equal(grant(&pw, &g5, &e, 600), RS_OK);
    rs_grant_req org = {
        .grant = "refresh_token", .tenant = "organizations", .refresh_token = g5.refresh_token};
    assert_int_equal(grant(&org, &g3, &e, 600), RS_OK);
    assert_string_equal(g3.tenant_id, tid);
    rs_grant_clear(&g3);
    rs_grant_clear(&g5);

    /* a new scope on refresh picks the service */
    rs_grant g4;
    assert_int_equal(grant(&pw, &g4, &e, 600), RS_OK);
    rs_grant_req exo = {.grant = "refresh_token",
                        .tenant = T,
                        .scope = "https://outlook.office365.com/.default offline_access",
                        .refresh_token = g4.refresh_token};
    assert_int_equal(grant(&exo, &g3, &e, 600), RS_OK);
    assert_string_equal(g3.service, "exchange");
    rs_grant_clear(&g3);
    rs_grant_clear(&g4);

    /* expired tokens are swept; live ones stay */
    rs_grant live;
    assert_int_equal(grant(&pw, &live, &e, 600), RS_OK);
    assert_int_equal(grant(&pw, &g4, &e, 0), RS_OK);
    assert_true(stored_as_hash("refresh", g4.refresh_token));
    assert_true(dir_oauth_sweep(st, rs_time_now_ms() + 1) >= 1);
    assert_false(stored_as_hash("refresh", g4.refresh_token));
    assert_true(stored_as_hash("session", g4.access_token));
    assert_true(stored_as_hash("refresh", live.refresh_token));
    rs_grant_clear(&live);
    rs_grant_clear(&g4);
    /* expired (lifetime 0: expires at once) */
    assert_int_equal(grant(&pw, &g4, &e, 0), RS_OK);
    rt.refresh_token = g4.refresh_token;
    assert_int_equal(grant(&rt, &g3, &e, 0), RS_EAUTH);
    assert_int_equal(code_of(&e), 700082);
    rs_grant_clear(&g4);
    rs_grant_clear(&g);
    rs_grant_clear(&g2);
}

static void test_refresh_revoked(void **state)
{
    (void)state;
    rs_err e;
    rs_grant g, g2;
    rs_grant_req pw = {.grant = "password",
                       .tenant = "organizations",
                       .scope = "User.Read offline_access",
                       .username = "admin@" T,
                       .password = "Adm1n-Pass!word",
                       .want_refresh = true};
    assert_int_equal(grant(&pw, &g, &e, 600), RS_OK);
    /* the password changes after the sign-in */
    json_t *u = NULL;
    assert_int_equal(dir_user_find(st, tid, "admin@" T, &u, &e), RS_OK);
    json_object_set_new(u, "LastPasswordChangeTimestamp", json_integer(rs_time_now_ms() + 1000));
    assert_int_equal(dir_user_save(st, tid, u, &ds, &e), RS_OK);
    rs_grant_req rt = {.grant = "refresh_token", .tenant = T, .refresh_token = g.refresh_token};
    assert_int_equal(grant(&rt, &g2, &e, 600), RS_EAUTH);
    assert_int_equal(code_of(&e), 50173);
    rs_grant_clear(&g);

    /* blocked */
    json_object_set_new(u, "LastPasswordChangeTimestamp", json_integer(0));
    assert_int_equal(dir_user_save(st, tid, u, &ds, &e), RS_OK);
    assert_int_equal(grant(&pw, &g, &e, 600), RS_OK);
    json_object_set_new(u, "BlockCredential", json_true());
    assert_int_equal(dir_user_save(st, tid, u, &ds, &e), RS_OK);
    rt.refresh_token = g.refresh_token;
    assert_int_equal(grant(&rt, &g2, &e, 600), RS_EAUTH);
    assert_int_equal(code_of(&e), 50057);
    rs_principal who;
    assert_int_equal(dir_token_check(st, g.access_token, &who, &e), RS_EAUTH);
    json_object_set_new(u, "BlockCredential", json_false());
    assert_int_equal(dir_user_save(st, tid, u, &ds, &e), RS_OK);
    json_decref(u);
    rs_grant_clear(&g);

    /* malformed */
    rt.refresh_token = "rs1.not-a-refresh-token";
    assert_int_equal(grant(&rt, &g2, &e, 600), RS_EAUTH);
    assert_int_equal(code_of(&e), 9002313);
}

static void test_client_credentials(void **state)
{
    (void)state;
    rs_err e;
    char secret[48], kid[37];
    dir_app_secret_new(secret);
    assert_int_equal(strlen(secret), 43);
    json_t *app = dir_app_new("Reports", "3A5B2C1D-0000-4000-8000-000000000001");
    char *v = dir_app_secret_hash(secret);
    assert_true(strncmp(v, "sha256$", 7) == 0);
    assert_null(strstr(v, secret));
    dir_app_add_password(app, v, rs_time_now_ms() - 1000, rs_time_now_ms() + 3600000, kid);
    free(v);
    assert_int_equal(dir_app_create(st, tid, app, &e), RS_OK);
    json_t *dup = dir_app_new("Again", "3a5b2c1d-0000-4000-8000-000000000001");
    assert_int_equal(dir_app_create(st, tid, dup, &e), RS_ECONFLICT);
    json_decref(dup);

    rs_grant g;
    rs_grant_req cc = {.grant = "client_credentials",
                       .tenant = T,
                       .scope = "https://graph.microsoft.com/.default",
                       .client_id = "3a5b2c1d-0000-4000-8000-000000000001",
                       .client_secret = secret};
    assert_int_equal(grant(&cc, &g, &e, 600), RS_OK);
    assert_true(g.is_app);
    assert_null(g.refresh_token);
    assert_string_equal(g.service, "graph");
    rs_principal who;
    assert_int_equal(dir_token_check(st, g.access_token, &who, &e), RS_OK);
    assert_true(who.is_app);
    assert_string_equal(who.app_id, "3a5b2c1d-0000-4000-8000-000000000001");
    assert_int_equal(who.roles, 0); /* no role yet: every admin action refused */
    rs_grant_clear(&g);

    /* a role on the app reaches the principal */
    json_object_set_new(app, "Roles", json_pack("[s]", "Exchange Administrator"));
    assert_int_equal(dir_app_save(st, tid, app, &e), RS_OK);
    cc.scope = "https://outlook.office365.com/.default";
    assert_int_equal(grant(&cc, &g, &e, 600), RS_OK);
    assert_int_equal(dir_token_check(st, g.access_token, &who, &e), RS_OK);
    assert_int_equal(who.roles, ROLE_EXCHANGE_ADMIN);
    assert_string_equal(who.service, "exchange");
    assert_string_equal(who.tenant_id, tid);
    /* deleting the app ends its tokens */
    assert_int_equal(dir_app_delete(st, tid, app, &e), RS_OK);
    assert_int_equal(dir_token_check(st, g.access_token, &who, &e), RS_EAUTH);
    rs_grant_clear(&g);
    assert_int_equal(grant(&cc, &g, &e, 600), RS_EAUTH);
    assert_int_equal(code_of(&e), 700016);
    assert_int_equal(dir_app_create(st, tid, app, &e), RS_OK); /* back, for the next checks */

    cc.client_secret = "wrong";
    assert_int_equal(grant(&cc, &g, &e, 600), RS_EAUTH);
    assert_int_equal(code_of(&e), 7000215);
    cc.client_secret = secret;
    cc.scope = "https://outlook.office365.com/Exchange.Manage";
    assert_int_equal(grant(&cc, &g, &e, 600), RS_EINVAL);
    assert_int_equal(code_of(&e), 1002012);
    cc.scope = "https://graph.microsoft.com/.default";
    cc.tenant = "organizations";
    assert_int_equal(grant(&cc, &g, &e, 600), RS_ENOTFOUND);
    cc.tenant = T;
    json_object_set_new(app, "AccountEnabled", json_false());
    assert_int_equal(dir_app_save(st, tid, app, &e), RS_OK);
    assert_int_equal(grant(&cc, &g, &e, 600), RS_EAUTH);
    assert_int_equal(code_of(&e), 7000112);
    /* expired credential */
    json_object_set_new(app, "AccountEnabled", json_true());
    json_object_set_new(json_array_get(json_object_get(app, "Credentials"), 0), "EndMs",
                        json_integer(rs_time_now_ms() - 1));
    assert_int_equal(dir_app_save(st, tid, app, &e), RS_OK);
    assert_int_equal(grant(&cc, &g, &e, 600), RS_EAUTH);
    assert_int_equal(code_of(&e), 7000215);
    json_decref(app);
}

/* Tokens ended or held by their holder (dir_session.h): revoke, hold (a new
 * expiry, later or earlier), and the revocation of every held token. */
static void test_revoke_and_hold(void **state)
{
    (void)state;
    rs_err e;
    rs_principal who;
    rs_grant_req pw = {.grant = "password",
                       .tenant = T,
                       .scope = "roomsys/exchange",
                       .username = "admin@" T,
                       .password = "Adm1n-Pass!word"};
    rs_grant a, b, c;
    assert_int_equal(grant(&pw, &a, &e, 0), RS_OK);
    assert_int_equal(grant(&pw, &b, &e, 0), RS_OK);
    assert_int_equal(grant(&pw, &c, &e, 0), RS_OK);
    assert_int_equal(dir_token_check(st, a.access_token, &who, &e), RS_OK);
    assert_int_equal(dir_token_revoke(st, a.access_token, &e), RS_OK);
    assert_int_equal(dir_token_check(st, a.access_token, &who, &e), RS_EAUTH);
    assert_int_equal(dir_token_check(st, b.access_token, &who, &e), RS_OK); /* only that one */
    /* unknown, already revoked or malformed tokens: nothing to end */
    assert_int_equal(dir_token_revoke(st, a.access_token, &e), RS_OK);
    assert_int_equal(dir_token_revoke(st, "rs1.never-issued", &e), RS_OK);
    assert_int_equal(dir_token_revoke(st, "garbage", &e), RS_OK);
    assert_int_equal(dir_token_revoke(st, NULL, &e), RS_OK);

    /* hold: a longer life than token_lifetime_s, then a shorter one */
    int64_t now = rs_time_now_ms();
    assert_int_equal(dir_token_hold(st, b.access_token, now + 7200000, &e), RS_OK);
    assert_int_equal(dir_token_check(st, b.access_token, &who, &e), RS_OK);
    assert_int_equal(dir_token_hold(st, b.access_token, now - 1, &e), RS_OK);
    assert_int_equal(dir_token_check(st, b.access_token, &who, &e), RS_EAUTH); /* expired */
    assert_int_equal(dir_token_hold(st, b.access_token, now + 60000, &e), RS_ENOTFOUND);
    assert_int_equal(dir_token_hold(st, a.access_token, now + 60000, &e), RS_ENOTFOUND);
    assert_int_equal(dir_token_hold(st, "not-a-token", now + 60000, &e), RS_ENOTFOUND);

    /* revoke_held ends the held ones only */
    rs_grant d;
    assert_int_equal(grant(&pw, &d, &e, 0), RS_OK);
    assert_int_equal(dir_token_hold(st, d.access_token, now + 60000, &e), RS_OK);
    assert_int_equal(dir_token_revoke_held(st), 1);
    assert_int_equal(dir_token_check(st, d.access_token, &who, &e), RS_EAUTH);
    assert_int_equal(dir_token_check(st, c.access_token, &who, &e), RS_OK);
    assert_int_equal(dir_token_revoke_held(st), 0);
    rs_grant_clear(&a);
    rs_grant_clear(&b);
    rs_grant_clear(&c);
    rs_grant_clear(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scopes),          cmocka_unit_test(test_refresh_rotation),
        cmocka_unit_test(test_refresh_revoked), cmocka_unit_test(test_client_credentials),
        cmocka_unit_test(test_revoke_and_hold),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

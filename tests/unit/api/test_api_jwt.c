/* test_api_jwt.c - the OIDC signing key and RS256 JWTs (api/jwt.c): JWS
 * shape, base64url encoding, signature verification (and its failure on any
 * change), key persistence with mode 0600 and reuse. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "jwt.h"
#include "rs_util.h"

static api_jwk *key; /* one 2048-bit key for the tests that only sign */

static int setup(void **state)
{
    (void)state;
    rs_err e;
    return api_jwk_generate(&key, &e) == RS_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    api_jwk_free(key);
    return 0;
}

static json_t *part_json(const char *jwt, int idx)
{
    const char *p = jwt;
    for (int i = 0; i < idx; i++)
        p = strchr(p, '.') + 1;
    size_t n = strcspn(p, "."), len;
    unsigned char *d = api_b64url_decode(p, n, &len);
    assert_non_null(d);
    json_t *j = json_loadb((const char *)d, len, 0, NULL);
    free(d);
    return j;
}

static void test_b64url(void **state)
{
    (void)state;
    size_t n;
    unsigned char *d = api_b64url_decode("aGk_-w", 6, &n); /* "hi" 0x3f 0xfb */
    assert_non_null(d);
    assert_int_equal(n, 4);
    assert_memory_equal(d, "hi\x3f\xfb", 4);
    free(d);
    d = api_b64url_decode("aGk=", 4, &n); /* padding accepted */
    assert_non_null(d);
    assert_int_equal(n, 2);
    free(d);
    assert_null(api_b64url_decode("a+b/", 4, &n));  /* standard alphabet refused */
    assert_null(api_b64url_decode("abcde", 5, &n)); /* impossible length */
}

static void test_sign_and_verify(void **state)
{
    (void)state;
    json_t *claims = json_pack("{s:s,s:s,s:i,s:s}", "iss", "https://127.0.0.1:8443/t/v2.0", "aud",
                               "client", "exp", 2000000000, "name", "Zoë \"quoted\"");
    char *jwt = api_jwt_sign(key, claims);
    assert_non_null(jwt);
    /* three base64url parts, no padding, no '+' or '/' */
    const char *d1 = strchr(jwt, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    assert_non_null(d2);
    assert_null(strchr(d2 + 1, '.'));
    assert_null(strpbrk(jwt, "+/="));
    json_t *hdr = part_json(jwt, 0);
    assert_string_equal(json_string_value(json_object_get(hdr, "alg")), "RS256");
    assert_string_equal(json_string_value(json_object_get(hdr, "typ")), "JWT");
    assert_string_equal(json_string_value(json_object_get(hdr, "kid")), api_jwk_kid(key));
    json_decref(hdr);
    /* RSA 2048: a 256-byte signature, 342 base64url characters */
    assert_int_equal(strlen(d2 + 1), 342);
    json_t *back = api_jwt_verify(key, jwt);
    assert_non_null(back);
    assert_true(json_equal(back, claims));
    json_decref(back);

    /* any change breaks it: payload, signature, header */
    char *bad = rs_strdup(jwt);
    bad[(size_t)(d1 - jwt) + 5] ^= 1;
    assert_null(api_jwt_verify(key, bad));
    strcpy(bad, jwt);
    bad[strlen(bad) - 3] = bad[strlen(bad) - 3] == 'A' ? 'B' : 'A';
    assert_null(api_jwt_verify(key, bad));
    free(bad);
    char *none = rs_asprintf("eyJhbGciOiJub25lIn0.%s", d1 + 1); /* {"alg":"none"} */
    assert_null(api_jwt_verify(key, none));
    free(none);
    assert_null(api_jwt_verify(key, "a.b"));
    assert_null(api_jwt_verify(key, NULL));

    /* another key does not verify it */
    api_jwk *other;
    rs_err e;
    assert_int_equal(api_jwk_generate(&other, &e), RS_OK);
    assert_string_not_equal(api_jwk_kid(other), api_jwk_kid(key));
    assert_null(api_jwt_verify(other, jwt));
    api_jwk_free(other);
    free(jwt);
    json_decref(claims);
}

static void test_public_jwk(void **state)
{
    (void)state;
    json_t *j = api_jwk_public(key);
    assert_string_equal(json_string_value(json_object_get(j, "kty")), "RSA");
    assert_string_equal(json_string_value(json_object_get(j, "use")), "sig");
    assert_string_equal(json_string_value(json_object_get(j, "alg")), "RS256");
    assert_string_equal(json_string_value(json_object_get(j, "e")), "AQAB");
    assert_string_equal(json_string_value(json_object_get(j, "kid")), api_jwk_kid(key));
    const char *n = json_string_value(json_object_get(j, "n"));
    size_t len;
    unsigned char *m = api_b64url_decode(n, strlen(n), &len);
    assert_int_equal(len, 256); /* 2048 bits, no leading zero byte */
    assert_true(m[0] & 0x80);
    free(m);
    assert_null(json_object_get(j, "d")); /* nothing private */
    json_decref(j);
}

static void test_persisted(void **state)
{
    (void)state;
    char dir[] = "/tmp/rs-jwt-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *sub = rs_asprintf("%s/tls", dir);
    char *path = rs_asprintf("%s/%s", sub, API_JWK_FILE);
    rs_err e;
    api_jwk *k1, *k2;
    assert_int_equal(api_jwk_load_or_create(sub, &k1, &e), RS_OK);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(stat(sub, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0700);
    /* a loose mode is reset; the same key comes back */
    assert_int_equal(chmod(path, 0644), 0);
    assert_int_equal(api_jwk_load_or_create(sub, &k2, &e), RS_OK);
    assert_string_equal(api_jwk_kid(k1), api_jwk_kid(k2));
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    json_t *c = json_pack("{s:s}", "sub", "x");
    char *jwt = api_jwt_sign(k1, c);
    json_t *back = api_jwt_verify(k2, jwt);
    assert_non_null(back);
    json_decref(back);
    free(jwt);
    json_decref(c);
    api_jwk_free(k1);
    api_jwk_free(k2);
    /* a damaged key file is an error, never silently replaced */
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n", f);
    fclose(f);
    assert_int_not_equal(api_jwk_load_or_create(sub, &k1, &e), RS_OK);
    assert_null(k1);
    assert_non_null(strstr(e.msg, "does not load"));
    unlink(path);
    rmdir(sub);
    rmdir(dir);
    free(path);
    free(sub);
}

/* kids of a JWKS document, in order, joined by ',' into out */
static void jwks_kids(api_jwks *ks, char *out, size_t cap)
{
    json_t *o = api_jwks_public(ks);
    json_t *keys = json_object_get(o, "keys");
    out[0] = '\0';
    size_t i;
    json_t *k;
    json_array_foreach(keys, i, k)
    {
        size_t n = strlen(out);
        snprintf(out + n, cap - n, "%s%s", i ? "," : "",
                 json_string_value(json_object_get(k, "kid")));
    }
    json_decref(o);
}

static bool verifies(api_jwks *ks, const char *jwt)
{
    json_t *c = api_jwks_verify(ks, jwt);
    json_decref(c);
    return c != NULL;
}

/* Rotation: next becomes current, current previous; tokens signed before
 * keep verifying until a second rotation drops their key; unknown kids are
 * refused; the set survives a restart; a rotation due at start happens. */
static void test_keyset_rotation(void **state)
{
    (void)state;
    char dir[] = "/tmp/rs-jwks-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *sub = rs_asprintf("%s/tls", dir);
    rs_err e;
    api_jwks *ks;
    int64_t t0 = (int64_t)time(NULL);
    assert_int_equal(api_jwks_open(sub, 100, t0, &ks, &e), RS_OK);
    /* the new key's age counts from its file's time, which may be a second
     * later than t0 when making the key crossed a second */
    t0 = api_jwks_current_since(ks);
    char k1[32], k2[32], k3[32], kids[256];
    api_jwks_current_kid(ks, k1);
    jwks_kids(ks, kids, sizeof kids);
    assert_int_equal(strncmp(kids, k1, strlen(k1)), 0); /* current first, then next */
    assert_int_equal(strlen(kids), 2 * strlen(k1) + 1);
    snprintf(k2, sizeof k2, "%s", kids + strlen(k1) + 1); /* the published next key */

    json_t *c = json_pack("{s:s}", "sub", "before");
    char *old = api_jwks_sign(ks, c);
    assert_true(verifies(ks, old));

    bool rotated = true;
    assert_int_equal(api_jwks_rotate_if_due(ks, t0 + 50, &rotated, &e), RS_OK);
    assert_false(rotated); /* not due yet */
    assert_int_equal(api_jwks_rotate_if_due(ks, t0 + 100, &rotated, &e), RS_OK);
    assert_true(rotated);
    api_jwks_current_kid(ks, k3);
    assert_string_equal(k3, k2); /* the announced next key is the new current one */
    assert_int_equal(api_jwks_current_since(ks), t0 + 100);
    jwks_kids(ks, kids, sizeof kids);
    char want[256];
    snprintf(want, sizeof want, "%s,%s,", k2, k1);
    assert_int_equal(strncmp(kids, want, strlen(want)), 0); /* current, previous, next */
    assert_true(verifies(ks, old)); /* signed with the previous key: still valid */
    char *fresh = api_jwks_sign(ks, c);
    json_t *hdr = part_json(fresh, 0);
    assert_string_equal(json_string_value(json_object_get(hdr, "kid")), k2);
    json_decref(hdr);

    /* an unknown kid is refused, even with a valid signature of another key */
    char *alien = api_jwt_sign(key, c);
    assert_false(verifies(ks, alien));
    /* and so is a known kid pasted on a token another key signed */
    json_t *h2 = json_pack("{s:s,s:s,s:s}", "typ", "JWT", "alg", "RS256", "kid", k2);
    char *hs = json_dumps(h2, JSON_COMPACT);
    char hb[256];
    rs_base64url(hs, strlen(hs), hb);
    char *forged = rs_asprintf("%s%s", hb, strchr(alien, '.'));
    assert_false(verifies(ks, forged));
    free(hs);
    json_decref(h2);

    /* a restart finds the same set and does not rotate again */
    api_jwks_free(ks);
    assert_int_equal(api_jwks_open(sub, 100, t0 + 150, &ks, &e), RS_OK);
    char k4[32];
    api_jwks_current_kid(ks, k4);
    assert_string_equal(k4, k2);
    assert_true(verifies(ks, old));
    assert_true(verifies(ks, fresh));

    /* a second rotation drops the first key: its tokens stop verifying */
    assert_int_equal(api_jwks_rotate(ks, t0 + 200, &e), RS_OK);
    assert_false(verifies(ks, old));
    assert_true(verifies(ks, fresh));
    char kx[32];
    api_jwks_current_kid(ks, kx);
    char *mid = api_jwks_sign(ks, c);
    api_jwks_free(ks);

    /* due at start (the daemon was down): rotates while opening */
    char *cur = rs_asprintf("%s/%s", sub, API_JWK_FILE);
    struct stat sb;
    assert_int_equal(stat(cur, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(api_jwks_open(sub, 100, (int64_t)sb.st_mtime + 100, &ks, &e), RS_OK);
    char k5[32];
    api_jwks_current_kid(ks, k5);
    assert_string_not_equal(k5, kx);
    assert_true(verifies(ks, mid));    /* kx is the previous key now */
    assert_false(verifies(ks, fresh)); /* and k2 is gone */
    /* never rotating (0): the age does not matter */
    api_jwks_free(ks);
    assert_int_equal(api_jwks_open(sub, 0, t0 + 100000000, &ks, &e), RS_OK);
    char k6[32];
    api_jwks_current_kid(ks, k6);
    assert_string_equal(k6, k5);
    api_jwks_free(ks);

    /* a rotation cut short (next written over current): the duplicate next is replaced */
    char *nxt = rs_asprintf("%s/%s", sub, API_JWK_NEXT_FILE);
    char *prv = rs_asprintf("%s/%s", sub, API_JWK_PREV_FILE);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", cur, nxt);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(api_jwks_open(sub, 0, t0, &ks, &e), RS_OK);
    jwks_kids(ks, kids, sizeof kids);
    assert_int_equal(strlen(kids), 3 * strlen(k5) + 2); /* three distinct keys */
    assert_null(strstr(kids + strlen(k5), k5));
    api_jwks_free(ks);

    free(fresh);
    free(mid);
    free(old);
    free(alien);
    free(forged);
    json_decref(c);
    unlink(cur);
    unlink(nxt);
    unlink(prv);
    free(cur);
    free(nxt);
    free(prv);
    rmdir(sub);
    rmdir(dir);
    free(sub);
}

typedef struct race {
    api_jwks *ks;
    int64_t now;
    bool rotated;
} race;

static void *race_rotate(void *ud)
{
    race *r = ud;
    rs_err e;
    (void)api_jwks_rotate_if_due(r->ks, r->now, &r->rotated, &e);
    return NULL;
}

/* Many workers find a rotation due at once: exactly one rotates, so the key
 * that signed the tokens before stays published as the previous one. */
static void test_keyset_one_rotation(void **state)
{
    (void)state;
    char dir[] = "/tmp/rs-jwks-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *sub = rs_asprintf("%s/tls", dir);
    rs_err e;
    api_jwks *ks;
    int64_t t0 = (int64_t)time(NULL);
    assert_int_equal(api_jwks_open(sub, 10, t0, &ks, &e), RS_OK);
    json_t *c = json_pack("{s:s}", "sub", "x");
    char *before = api_jwks_sign(ks, c);
    race r[6];
    pthread_t th[6];
    for (int i = 0; i < 6; i++) {
        r[i] = (race){.ks = ks, .now = t0 + 10};
        assert_int_equal(pthread_create(&th[i], NULL, race_rotate, &r[i]), 0);
    }
    int n = 0;
    for (int i = 0; i < 6; i++) {
        pthread_join(th[i], NULL);
        n += r[i].rotated;
    }
    assert_int_equal(n, 1);
    assert_true(verifies(ks, before));
    free(before);
    json_decref(c);
    api_jwks_free(ks);
    static const char *const files[] = {API_JWK_FILE, API_JWK_PREV_FILE, API_JWK_NEXT_FILE};
    for (size_t i = 0; i < 3; i++) {
        char *f = rs_asprintf("%s/%s", sub, files[i]);
        unlink(f);
        free(f);
    }
    rmdir(sub);
    rmdir(dir);
    free(sub);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_b64url),          cmocka_unit_test(test_sign_and_verify),
        cmocka_unit_test(test_public_jwk),      cmocka_unit_test(test_persisted),
        cmocka_unit_test(test_keyset_rotation), cmocka_unit_test(test_keyset_one_rotation),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

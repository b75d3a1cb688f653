/* test_api_jwt.c - the OIDC signing key and RS256 JWTs (api/jwt.c): JWS
 * shape, base64url encoding, signature verification (and its failure on any
 * change), key persistence with mode 0600 and reuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_b64url),
        cmocka_unit_test(test_sign_and_verify),
        cmocka_unit_test(test_public_jwk),
        cmocka_unit_test(test_persisted),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

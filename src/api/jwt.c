/* jwt.c - the OIDC signing key and RS256 JWTs (see jwt.h). */
#include "jwt.h"
#include "api_internal.h"

#include <errno.h>
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rs_log.h"
#include "rs_util.h"

struct api_jwk {
    gnutls_privkey_t priv;
    gnutls_pubkey_t pub;
    pthread_mutex_t mu; /* around signing: one gnutls_privkey_t, many workers */
    char kid[32];
    char *n, *e; /* base64url of the modulus and exponent, no leading zeros */
};

void api_jwk_free(api_jwk *k)
{
    if (!k)
        return;
    if (k->priv)
        gnutls_privkey_deinit(k->priv);
    if (k->pub)
        gnutls_pubkey_deinit(k->pub);
    pthread_mutex_destroy(&k->mu);
    free(k->n);
    free(k->e);
    free(k);
}

static char *b64url_datum(const gnutls_datum_t *d)
{
    char *s = rs_malloc(4 * ((d->size + 2) / 3) + 1);
    rs_base64url(d->data, d->size, s);
    return s;
}

/* Wrap an x509 private key (taken: freed here on every path). */
static rs_status jwk_wrap(gnutls_x509_privkey_t x, api_jwk **out, rs_err *err)
{
    *out = NULL;
    if (gnutls_x509_privkey_get_pk_algorithm(x) != GNUTLS_PK_RSA) {
        gnutls_x509_privkey_deinit(x);
        return rs_errf(err, RS_EINVAL, "the OIDC signing key is not an RSA key");
    }
    api_jwk *k = rs_calloc(1, sizeof *k);
    pthread_mutex_init(&k->mu, NULL);
    int rc = gnutls_privkey_init(&k->priv);
    if (rc >= 0)
        rc = gnutls_privkey_import_x509(k->priv, x, GNUTLS_PRIVKEY_IMPORT_COPY);
    gnutls_x509_privkey_deinit(x);
    if (rc >= 0)
        rc = gnutls_pubkey_init(&k->pub);
    if (rc >= 0)
        rc = gnutls_pubkey_import_privkey(k->pub, k->priv, 0, 0);
    gnutls_datum_t m = {0}, e = {0};
    if (rc >= 0)
        rc = gnutls_pubkey_export_rsa_raw2(k->pub, &m, &e, GNUTLS_EXPORT_FLAG_NO_LZ);
    if (rc < 0) {
        api_jwk_free(k);
        return rs_errf(err, RS_EINTERNAL, "cannot use the OIDC signing key: %s",
                       gnutls_strerror(rc));
    }
    k->n = b64url_datum(&m);
    k->e = b64url_datum(&e);
    rs_buf b = {0};
    rs_buf_append(&b, (const char *)m.data, m.size);
    rs_buf_append(&b, (const char *)e.data, e.size);
    unsigned char h[32];
    rs_sha256(b.data, b.len, h);
    rs_buf_free(&b);
    rs_base64url(h, 16, k->kid);
    gnutls_free(m.data);
    gnutls_free(e.data);
    *out = k;
    return RS_OK;
}

rs_status api_jwk_from_pem(const char *pem, api_jwk **out, rs_err *err)
{
    *out = NULL;
    gnutls_x509_privkey_t x;
    if (gnutls_x509_privkey_init(&x) < 0)
        return rs_errf(err, RS_EINTERNAL, "out of memory");
    gnutls_datum_t d = {.data = (unsigned char *)pem, .size = (unsigned)strlen(pem)};
    int rc = gnutls_x509_privkey_import2(x, &d, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN);
    if (rc < 0) {
        gnutls_x509_privkey_deinit(x);
        return rs_errf(err, RS_EPARSE, "the OIDC signing key does not load: %s",
                       gnutls_strerror(rc));
    }
    return jwk_wrap(x, out, err);
}

rs_status api_jwk_generate(api_jwk **out, rs_err *err)
{
    *out = NULL;
    gnutls_x509_privkey_t x;
    if (gnutls_x509_privkey_init(&x) < 0)
        return rs_errf(err, RS_EINTERNAL, "out of memory");
    int rc = gnutls_x509_privkey_generate(x, GNUTLS_PK_RSA, 2048, 0);
    if (rc < 0) {
        gnutls_x509_privkey_deinit(x);
        return rs_errf(err, RS_EINTERNAL, "cannot generate the OIDC signing key: %s",
                       gnutls_strerror(rc));
    }
    return jwk_wrap(x, out, err);
}

char *api_jwk_pem(const api_jwk *k)
{
    gnutls_x509_privkey_t x = NULL;
    gnutls_datum_t d = {0};
    char *pem = NULL;
    if (gnutls_privkey_export_x509(k->priv, &x) >= 0 &&
        gnutls_x509_privkey_export2_pkcs8(x, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN, &d) >=
            0) {
        pem = rs_strndup((const char *)d.data, d.size);
        rs_wipe(d.data, d.size);
        gnutls_free(d.data);
    }
    if (x)
        gnutls_x509_privkey_deinit(x);
    return pem;
}

rs_status api_jwk_load_or_create(const char *dir, api_jwk **out, rs_err *err)
{
    *out = NULL;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return rs_errf(err, RS_EIO, "cannot create %s: %s", dir, strerror(errno));
    char *path = rs_asprintf("%s/%s", dir, API_JWK_FILE);
    char *pem = NULL;
    rs_status st = api_file_read(path, true, &pem, err);
    if (st == RS_OK) {
        struct stat sb;
        if (stat(path, &sb) == 0 && (sb.st_mode & 077)) {
            rs_log(RS_LOG_WARNING, NULL, "%s was readable by others; mode reset to 0600", path);
            (void)chmod(path, 0600);
        }
        st = api_jwk_from_pem(pem, out, err);
        if (st != RS_OK)
            rs_errf(err, st, "%s does not load (%s); move it away to generate a new key", path,
                    err->msg);
        rs_wipe(pem, strlen(pem));
        free(pem);
    } else if (st == RS_ENOTFOUND) {
        st = api_jwk_generate(out, err);
        char *newpem = st == RS_OK ? api_jwk_pem(*out) : NULL;
        if (st == RS_OK && !newpem)
            st = rs_errf(err, RS_EINTERNAL, "cannot export the OIDC signing key");
        if (st == RS_OK)
            st = api_file_write_atomic(path, newpem, strlen(newpem), 0600, err);
        if (st == RS_OK)
            api_dir_sync(dir);
        if (newpem) {
            rs_wipe(newpem, strlen(newpem));
            free(newpem);
        }
        if (st == RS_OK)
            rs_log(RS_LOG_INFO, NULL, "created the OIDC signing key %s (kid %s)", path,
                   api_jwk_kid(*out));
        else {
            api_jwk_free(*out);
            *out = NULL;
        }
    }
    free(path);
    return st;
}

const char *api_jwk_kid(const api_jwk *k)
{
    return k->kid;
}

json_t *api_jwk_public(const api_jwk *k)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "kty", "RSA", "use", "sig", "alg", "RS256", "kid",
                     k->kid, "n", k->n, "e", k->e);
}

static char *b64url_str(const char *s, size_t n)
{
    char *o = rs_malloc(4 * ((n + 2) / 3) + 1);
    rs_base64url(s, n, o);
    return o;
}

char *api_jwt_sign(api_jwk *k, json_t *claims)
{
    json_t *hdr = json_pack("{s:s,s:s,s:s}", "typ", "JWT", "alg", "RS256", "kid", k->kid);
    char *h = json_dumps(hdr, JSON_COMPACT);
    char *p = json_dumps(claims, JSON_COMPACT);
    json_decref(hdr);
    if (!h || !p) {
        free(h);
        free(p);
        return NULL;
    }
    char *hb = b64url_str(h, strlen(h)), *pb = b64url_str(p, strlen(p));
    free(h);
    free(p);
    char *input = rs_asprintf("%s.%s", hb, pb);
    free(hb);
    free(pb);
    gnutls_datum_t data = {.data = (unsigned char *)input, .size = (unsigned)strlen(input)};
    gnutls_datum_t sig = {0};
    pthread_mutex_lock(&k->mu);
    int rc = gnutls_privkey_sign_data(k->priv, GNUTLS_DIG_SHA256, 0, &data, &sig);
    pthread_mutex_unlock(&k->mu);
    if (rc < 0) {
        rs_log(RS_LOG_ERROR, NULL, "cannot sign a token: %s", gnutls_strerror(rc));
        free(input);
        return NULL;
    }
    char *sb = b64url_datum(&sig);
    gnutls_free(sig.data);
    char *jwt = rs_asprintf("%s.%s", input, sb);
    free(input);
    free(sb);
    return jwt;
}

static int b64url_val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

unsigned char *api_b64url_decode(const char *s, size_t len, size_t *out_len)
{
    while (len > 0 && s[len - 1] == '=')
        len--;
    if (len % 4 == 1)
        return NULL;
    unsigned char *o = rs_malloc(len * 3 / 4 + 2);
    size_t n = 0;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        int v = b64url_val((unsigned char)s[i]);
        if (v < 0) {
            free(o);
            return NULL;
        }
        acc = (acc << 6) | (unsigned)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            o[n++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    o[n] = '\0';
    *out_len = n;
    return o;
}

static json_t *b64_json(const char *s, size_t len)
{
    size_t n;
    unsigned char *d = api_b64url_decode(s, len, &n);
    if (!d)
        return NULL;
    json_t *j = json_loadb((const char *)d, n, JSON_REJECT_DUPLICATES, NULL);
    free(d);
    if (j && !json_is_object(j)) {
        json_decref(j);
        j = NULL;
    }
    return j;
}

json_t *api_jwt_verify(const api_jwk *k, const char *jwt)
{
    const char *d1 = jwt ? strchr(jwt, '.') : NULL;
    const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    if (!d2 || strchr(d2 + 1, '.'))
        return NULL;
    json_t *hdr = b64_json(jwt, (size_t)(d1 - jwt));
    const char *alg = json_string_value(json_object_get(hdr, "alg"));
    const char *kid = json_string_value(json_object_get(hdr, "kid"));
    bool hdr_ok = alg && kid && !strcmp(alg, "RS256") && !strcmp(kid, k->kid);
    json_decref(hdr);
    if (!hdr_ok)
        return NULL;
    size_t slen;
    unsigned char *sig = api_b64url_decode(d2 + 1, strlen(d2 + 1), &slen);
    if (!sig)
        return NULL;
    gnutls_datum_t data = {.data = (unsigned char *)jwt, .size = (unsigned)(d2 - jwt)};
    gnutls_datum_t sd = {.data = sig, .size = (unsigned)slen};
    int rc = gnutls_pubkey_verify_data2(k->pub, GNUTLS_SIGN_RSA_SHA256, 0, &data, &sd);
    free(sig);
    if (rc < 0)
        return NULL;
    return b64_json(d1 + 1, (size_t)(d2 - d1 - 1));
}

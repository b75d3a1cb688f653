/* jwt.c - the OIDC signing key and RS256 JWTs (see jwt.h). */
#include "jwt.h"
#include "api_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

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

/* ------------------------------------------------------------------------- */
/* the key set (jwt.h)                                                       */

struct api_jwks {
    pthread_mutex_t mu;     /* the three pointers and since_s */
    pthread_mutex_t rot_mu; /* one rotation at a time */
    api_jwk *prev, *cur, *next;
    int64_t since_s;        /* when cur became current */
    int64_t rotate_after_s; /* 0 = never */
    char *dir;
};

void api_jwks_free(api_jwks *ks)
{
    if (!ks)
        return;
    api_jwk_free(ks->prev);
    api_jwk_free(ks->cur);
    api_jwk_free(ks->next);
    pthread_mutex_destroy(&ks->mu);
    pthread_mutex_destroy(&ks->rot_mu);
    free(ks->dir);
    free(ks);
}

/* Write k's PEM to dir/name (0600, atomic). */
static rs_status jwk_write(const char *dir, const char *name, const api_jwk *k, rs_err *err)
{
    char *pem = api_jwk_pem(k);
    if (!pem)
        return rs_errf(err, RS_EINTERNAL, "cannot export an OIDC signing key");
    char *path = rs_asprintf("%s/%s", dir, name);
    rs_status st = api_file_write_atomic(path, pem, strlen(pem), 0600, err);
    free(path);
    rs_wipe(pem, strlen(pem));
    free(pem);
    return st;
}

/* Load dir/name into *out; RS_ENOTFOUND when absent. */
static rs_status jwk_read(const char *dir, const char *name, api_jwk **out, rs_err *err)
{
    *out = NULL;
    char *path = rs_asprintf("%s/%s", dir, name);
    char *pem = NULL;
    rs_status st = api_file_read(path, true, &pem, err);
    if (st == RS_OK) {
        (void)chmod(path, 0600);
        st = api_jwk_from_pem(pem, out, err);
        rs_wipe(pem, strlen(pem));
        free(pem);
    }
    free(path);
    return st;
}

rs_status api_jwks_open(const char *dir, int64_t rotate_after_s, int64_t now_s, api_jwks **out,
                        rs_err *err)
{
    *out = NULL;
    api_jwks *ks = rs_calloc(1, sizeof *ks);
    pthread_mutex_init(&ks->mu, NULL);
    pthread_mutex_init(&ks->rot_mu, NULL);
    ks->dir = rs_strdup(dir);
    ks->rotate_after_s = rotate_after_s > 0 ? rotate_after_s : 0;
    rs_status st = api_jwk_load_or_create(dir, &ks->cur, err);
    if (st != RS_OK) {
        api_jwks_free(ks);
        return st;
    }
    char *path = rs_asprintf("%s/%s", dir, API_JWK_FILE);
    struct stat sb;
    ks->since_s = stat(path, &sb) == 0 ? (int64_t)sb.st_mtime : now_s;
    free(path);
    rs_err e;
    rs_status pst = jwk_read(dir, API_JWK_PREV_FILE, &ks->prev, &e);
    if (pst != RS_OK && pst != RS_ENOTFOUND)
        rs_log(RS_LOG_WARNING, NULL, "the previous OIDC signing key is dropped: %s", e.msg);
    if (ks->prev && !strcmp(ks->prev->kid, ks->cur->kid)) { /* a rotation cut short */
        api_jwk_free(ks->prev);
        ks->prev = NULL;
    }
    rs_status nst = jwk_read(dir, API_JWK_NEXT_FILE, &ks->next, &e);
    if (nst != RS_OK && nst != RS_ENOTFOUND)
        rs_log(RS_LOG_WARNING, NULL,
               "the next OIDC signing key does not load (%s); a new one is made", e.msg);
    if (ks->next && !strcmp(ks->next->kid, ks->cur->kid)) {
        api_jwk_free(ks->next);
        ks->next = NULL;
    }
    if (!ks->next) {
        st = api_jwk_generate(&ks->next, err);
        if (st == RS_OK)
            st = jwk_write(dir, API_JWK_NEXT_FILE, ks->next, err);
        if (st != RS_OK) {
            api_jwks_free(ks);
            return st;
        }
        api_dir_sync(dir);
    }
    if (ks->rotate_after_s && now_s - ks->since_s >= ks->rotate_after_s) {
        st = api_jwks_rotate(ks, now_s, err);
        if (st != RS_OK) {
            api_jwks_free(ks);
            return st;
        }
    }
    *out = ks;
    return RS_OK;
}

/* The rotation itself, with ks->rot_mu held by the caller. */
static rs_status rotate_locked(api_jwks *ks, int64_t now_s, rs_err *err)
{
    api_jwk *fresh = NULL;
    /* only this thread changes the pointers (rot_mu): reading them without
     * ks->mu is safe here */
    rs_status st = api_jwk_generate(&fresh, err);
    /* the files first, in an order a crash cannot hurt: prev := cur (cur
     * still current), cur := next, next := fresh; a load after a crash
     * between two steps sees a duplicate key, which it drops or replaces */
    if (st == RS_OK)
        st = jwk_write(ks->dir, API_JWK_PREV_FILE, ks->cur, err);
    if (st == RS_OK)
        st = jwk_write(ks->dir, API_JWK_FILE, ks->next, err);
    if (st == RS_OK) { /* the file's mtime says when the key became current */
        char *path = rs_asprintf("%s/%s", ks->dir, API_JWK_FILE);
        struct timespec ts[2] = {{.tv_sec = (time_t)now_s}, {.tv_sec = (time_t)now_s}};
        (void)utimensat(AT_FDCWD, path, ts, 0);
        free(path);
    }
    if (st == RS_OK)
        st = jwk_write(ks->dir, API_JWK_NEXT_FILE, fresh, err);
    if (st == RS_OK)
        api_dir_sync(ks->dir);
    if (st != RS_OK) {
        api_jwk_free(fresh);
        return st;
    }
    pthread_mutex_lock(&ks->mu);
    api_jwk *dropped = ks->prev;
    ks->prev = ks->cur;
    ks->cur = ks->next;
    ks->next = fresh;
    ks->since_s = now_s;
    char kid[32], prev[32];
    snprintf(kid, sizeof kid, "%s", ks->cur->kid);
    snprintf(prev, sizeof prev, "%s", ks->prev->kid);
    pthread_mutex_unlock(&ks->mu);
    api_jwk_free(dropped); /* nobody holds it: every use is under ks->mu */
    rs_log(RS_LOG_INFO, "\"event\":\"oidc.key.rotated\"",
           "rotated the OIDC signing key: kid %s is current, %s previous (still published)", kid,
           prev);
    return RS_OK;
}

rs_status api_jwks_rotate(api_jwks *ks, int64_t now_s, rs_err *err)
{
    pthread_mutex_lock(&ks->rot_mu);
    rs_status st = rotate_locked(ks, now_s, err);
    pthread_mutex_unlock(&ks->rot_mu);
    return st;
}

rs_status api_jwks_rotate_if_due(api_jwks *ks, int64_t now_s, bool *rotated, rs_err *err)
{
    if (rotated)
        *rotated = false;
    if (!ks->rotate_after_s)
        return RS_OK;
    pthread_mutex_lock(&ks->mu);
    bool due = now_s - ks->since_s >= ks->rotate_after_s;
    pthread_mutex_unlock(&ks->mu);
    if (!due)
        return RS_OK;
    if (pthread_mutex_trylock(&ks->rot_mu) != 0)
        return RS_OK; /* another thread is rotating: the current key stays valid meanwhile */
    pthread_mutex_lock(&ks->mu);
    due = now_s - ks->since_s >= ks->rotate_after_s; /* not rotated meanwhile */
    pthread_mutex_unlock(&ks->mu);
    rs_status st = due ? rotate_locked(ks, now_s, err) : RS_OK;
    pthread_mutex_unlock(&ks->rot_mu);
    if (due && st == RS_OK && rotated)
        *rotated = true;
    return st;
}

json_t *api_jwks_public(api_jwks *ks)
{
    json_t *keys = json_array();
    pthread_mutex_lock(&ks->mu);
    json_array_append_new(keys, api_jwk_public(ks->cur));
    if (ks->prev)
        json_array_append_new(keys, api_jwk_public(ks->prev));
    json_array_append_new(keys, api_jwk_public(ks->next));
    pthread_mutex_unlock(&ks->mu);
    return json_pack("{s:o}", "keys", keys);
}

void api_jwks_current_kid(api_jwks *ks, char out[32])
{
    pthread_mutex_lock(&ks->mu);
    snprintf(out, 32, "%s", ks->cur->kid);
    pthread_mutex_unlock(&ks->mu);
}

int64_t api_jwks_current_since(api_jwks *ks)
{
    pthread_mutex_lock(&ks->mu);
    int64_t s = ks->since_s;
    pthread_mutex_unlock(&ks->mu);
    return s;
}

char *api_jwks_sign(api_jwks *ks, json_t *claims)
{
    pthread_mutex_lock(&ks->mu);
    char *jwt = api_jwt_sign(ks->cur, claims);
    pthread_mutex_unlock(&ks->mu);
    return jwt;
}

json_t *api_jwks_verify(api_jwks *ks, const char *jwt)
{
    /* the kid from the header picks the key; api_jwt_verify checks it again */
    const char *d1 = jwt ? strchr(jwt, '.') : NULL;
    if (!d1)
        return NULL;
    json_t *hdr = b64_json(jwt, (size_t)(d1 - jwt));
    const char *kid = json_string_value(json_object_get(hdr, "kid"));
    json_t *claims = NULL;
    pthread_mutex_lock(&ks->mu);
    const api_jwk *keys[] = {ks->cur, ks->prev, ks->next};
    for (size_t i = 0; kid && i < sizeof keys / sizeof keys[0]; i++)
        if (keys[i] && !strcmp(keys[i]->kid, kid)) {
            claims = api_jwt_verify(keys[i], jwt);
            break;
        }
    pthread_mutex_unlock(&ks->mu);
    json_decref(hdr);
    return claims;
}

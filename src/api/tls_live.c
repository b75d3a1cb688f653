/* tls_live.c - the HTTPS certificate as a swappable pair (ops.h): libmicrohttpd
 * asks for it per handshake through MHD_OPTION_HTTPS_CERT_CALLBACK, so SIGHUP
 * can put a renewed certificate in place without closing the listener or any
 * connection. */
#include "ops.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "rs_util.h"

#define MAX_CHAIN 8

typedef struct tls_pair {
    struct tls_pair *older; /* kept until api_tls_live_free: handshakes may still use it */
    gnutls_pcert_st pcert[MAX_CHAIN];
    unsigned npcert;
    gnutls_privkey_t key;
} tls_pair;

struct api_tls_live {
    pthread_mutex_t mu; /* swaps */
    _Atomic(tls_pair *) cur;
};

/* One server per process serves HTTPS; the retrieve function has no user data. */
static _Atomic(api_tls_live *) g_live;

static void pair_free(tls_pair *p)
{
    while (p) {
        tls_pair *o = p->older;
        for (unsigned i = 0; i < p->npcert; i++)
            gnutls_pcert_deinit(&p->pcert[i]);
        if (p->key)
            gnutls_privkey_deinit(p->key);
        free(p);
        p = o;
    }
}

static rs_status pair_load(const char *cert_pem, const char *key_pem, tls_pair **out, rs_err *err)
{
    *out = NULL;
    if (!cert_pem || !key_pem)
        return rs_errf(err, RS_EINVAL, "TLS: no certificate or key");
    tls_pair *p = rs_calloc(1, sizeof *p);
    gnutls_datum_t c = {(unsigned char *)cert_pem, (unsigned)strlen(cert_pem)};
    gnutls_datum_t k = {(unsigned char *)key_pem, (unsigned)strlen(key_pem)};
    p->npcert = MAX_CHAIN;
    int rc = gnutls_pcert_list_import_x509_raw(p->pcert, &p->npcert, &c, GNUTLS_X509_FMT_PEM, 0);
    if (rc < 0) {
        p->npcert = 0;
        pair_free(p);
        return rs_errf(err, RS_EINVAL, "TLS: the certificate cannot be read: %s",
                       gnutls_strerror(rc));
    }
    if ((rc = gnutls_privkey_init(&p->key)) < 0 ||
        (rc = gnutls_privkey_import_x509_raw(p->key, &k, GNUTLS_X509_FMT_PEM, NULL, 0)) < 0) {
        pair_free(p);
        return rs_errf(err, RS_EINVAL, "TLS: the private key cannot be read: %s",
                       gnutls_strerror(rc));
    }
    /* the key must belong to the leaf certificate */
    gnutls_certificate_credentials_t probe;
    if (gnutls_certificate_allocate_credentials(&probe) >= 0) {
        rc = gnutls_certificate_set_x509_key_mem2(probe, &c, &k, GNUTLS_X509_FMT_PEM, NULL, 0);
        gnutls_certificate_free_credentials(probe);
        if (rc < 0) {
            pair_free(p);
            return rs_errf(err, RS_EINVAL, "TLS: the certificate and key do not match: %s",
                           gnutls_strerror(rc));
        }
    }
    *out = p;
    return RS_OK;
}

rs_status api_tls_live_new(const char *cert_pem, const char *key_pem, api_tls_live **out,
                           rs_err *err)
{
    *out = NULL;
    tls_pair *p;
    rs_status st = pair_load(cert_pem, key_pem, &p, err);
    if (st != RS_OK)
        return st;
    api_tls_live *l = rs_calloc(1, sizeof *l);
    pthread_mutex_init(&l->mu, NULL);
    atomic_init(&l->cur, p);
    atomic_store(&g_live, l);
    *out = l;
    return RS_OK;
}

rs_status api_tls_live_swap(api_tls_live *l, const char *cert_pem, const char *key_pem, rs_err *err)
{
    tls_pair *p;
    rs_status st = pair_load(cert_pem, key_pem, &p, err);
    if (st != RS_OK)
        return st;
    pthread_mutex_lock(&l->mu);
    p->older = atomic_load(&l->cur);
    atomic_store(&l->cur, p);
    pthread_mutex_unlock(&l->mu);
    return RS_OK;
}

void api_tls_live_free(api_tls_live *l)
{
    if (!l)
        return;
    api_tls_live *expect = l;
    atomic_compare_exchange_strong(&g_live, &expect, NULL);
    pair_free(atomic_load(&l->cur));
    pthread_mutex_destroy(&l->mu);
    free(l);
}

int api_tls_live_retrieve(gnutls_session_t s, const gnutls_datum_t *req_ca_dn, int nreqs,
                          const gnutls_pk_algorithm_t *pk_algos, int pk_algos_len,
                          gnutls_pcert_st **pcert, unsigned int *pcert_len, gnutls_privkey_t *pkey)
{
    (void)s, (void)req_ca_dn, (void)nreqs, (void)pk_algos, (void)pk_algos_len;
    api_tls_live *l = atomic_load(&g_live);
    tls_pair *p = l ? atomic_load(&l->cur) : NULL;
    if (!p)
        return -1;
    *pcert = p->pcert;
    *pcert_len = p->npcert;
    *pkey = p->key;
    return 0;
}

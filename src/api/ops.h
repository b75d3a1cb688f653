/* ops.h - operations pieces of the HTTPS server that the daemon drives:
 * the live TLS certificate (swapped on SIGHUP without dropping connections)
 * and the live settings of /metrics. */
#ifndef RS_API_OPS_H
#define RS_API_OPS_H

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>

#include "rs_err.h"

/* ---- tls_live.c: the certificate libmicrohttpd serves ---- */

typedef struct api_tls_live api_tls_live;

/* Load cert_pem (a chain, leaf first) and key_pem (both borrowed) and make
 * them the pair every new HTTPS handshake uses (one per process). */
rs_status api_tls_live_new(const char *cert_pem, const char *key_pem, api_tls_live **out,
                           rs_err *err);

/* Replace the pair; on error nothing changes. Handshakes already running
 * keep the old pair, which is released by api_tls_live_free. Thread-safe. */
rs_status api_tls_live_swap(api_tls_live *l, const char *cert_pem, const char *key_pem,
                            rs_err *err);

/* Release every pair ever loaded. No handshake may be running. NULL-safe. */
void api_tls_live_free(api_tls_live *l);

/* libmicrohttpd's MHD_OPTION_HTTPS_CERT_CALLBACK (gnutls retrieve function 2). */
int api_tls_live_retrieve(gnutls_session_t s, const gnutls_datum_t *req_ca_dn, int nreqs,
                          const gnutls_pk_algorithm_t *pk_algos, int pk_algos_len,
                          gnutls_pcert_st **pcert, unsigned int *pcert_len, gnutls_privkey_t *pkey);

/* Mozilla "intermediate" (reliability.md section 7) as a GnuTLS priority
 * string: TLS 1.2 and 1.3, ECDHE with AEAD suites only, no CBC, no RSA key
 * exchange, groups X25519, P-256, P-384. Used for HTTPS and SIP-TLS. */
#define API_TLS_PRIORITIES                                                                         \
    "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM:"            \
    "+CHACHA20-POLY1305:-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:-GROUP-ALL:"                \
    "+GROUP-X25519:+GROUP-SECP256R1:+GROUP-SECP384R1"

/* ---- metrics.c ---- */

/* Who may read /metrics: a CIDR list ("127.0.0.1, 10.0.0.0/8, ::1"); NULL or
 * "" lets everybody. Copied; takes effect for the next request. */
void api_metrics_set_allow(const char *cidrs);

#endif

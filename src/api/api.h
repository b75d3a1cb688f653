/* api.h - roomsysd's HTTPS front end (admin API, OAuth2 token endpoint, health).
 *
 * Serves, over TLS only (spec/admin-api.md):
 *   /{tenant}/oauth2/v2.0/token, OIDC metadata, JWKS   OAuth2/OIDC (oauth.c)
 *   POST /adminapi/beta/{tenant}/InvokeCommand          Exchange Online cmdlets
 *   POST /sfb/adminapi/beta/{tenant}/InvokeCommand      Skype for Business Online cmdlets
 *   POST /msol/adminapi/beta/{tenant}/InvokeCommand     MSOnline cmdlets
 *   GET  /livez, /readyz, /healthz                      operations, no auth
 *
 * Network threads (libmicrohttpd) only parse HTTP and move bytes; every request
 * that may block (token checks, password hashing, cmdlets) runs on a bounded
 * worker pool while its connection is suspended. See docs/internals/api.md.
 */
#ifndef RS_API_H
#define RS_API_H

#include "rs_config.h"
#include "rs_err.h"

typedef struct rs_services rs_services; /* cmdlets/services.h */
typedef struct api_server api_server;

/* Ensure TLS material (api_tls_ensure with cfg's files), bind
 * cfg->https_address:cfg->https_port and start serving. cfg and svc are
 * borrowed and must outlive the server. On RS_OK *out is the running server
 * (owned by the caller, released with api_stop); on error *out is NULL and err
 * says why (bind failure, unreadable certificate, ...). */
rs_status api_start(const rs_config *cfg, rs_services *svc, api_server **out, rs_err *err);

/* From now on /readyz and /healthz answer 503 (first step of a graceful stop).
 * Thread-safe; srv borrowed. */
void api_set_draining(api_server *srv);

/* SIGHUP: apply what can change live from cfg (borrowed for the call): the
 * certificate and key (re-read; handshakes from now on use them, open
 * connections keep theirs), [https] max_header_count and metrics_allow. On
 * error nothing changes and err says why. Other keys need a restart. */
rs_status api_reload(api_server *srv, const rs_config *cfg, rs_err *err);

/* Stop accepting connections, finish the jobs already accepted and send their
 * responses (bounded wait), stop the network and worker threads and free srv.
 * NULL-safe. srv must not be used afterwards. */
void api_stop(api_server *srv);

/* Path of the PEM certificate clients should trust (the self-signed one in
 * <state_dir>/tls or cfg->tls_cert_file). Borrowed; valid until api_stop. */
const char *api_ca_file(const api_server *srv);

/* The TCP port actually bound (useful when cfg->https_port is 0). */
int api_port(const api_server *srv);

/* Make sure a certificate and key exist and load them.
 * When cert_file and key_file are both NULL, use <state_dir>/tls/cert.pem and
 * <state_dir>/tls/key.pem, generating them on first use (ECDSA P-256, self-signed
 * X.509 v3 CA:TRUE, CN=roomsysd, SAN IP:127.0.0.1, IP:::1, DNS:localhost and the
 * host name, serverAuth, 825 days; key 0600 in a 0700 directory; written
 * atomically) and reusing them afterwards (regenerated when missing, unreadable
 * by GnuTLS as a pair, or expiring within 30 days). When both are given, they
 * are only read. Giving only one of them is an error.
 * On RS_OK the caller owns *out_cert_pem, *out_key_pem (wipe before free) and
 * *out_cert_path (each may be NULL when the caller does not want it). */
rs_status api_tls_ensure(const char *state_dir, const char *cert_file, const char *key_file,
                         char **out_cert_pem, char **out_key_pem, char **out_cert_path,
                         rs_err *err);

#endif

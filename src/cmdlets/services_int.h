/* services_int.h - private to cmdlets/ and daemon/: the inside of rs_services. */
#ifndef RS_SERVICES_INT_H
#define RS_SERVICES_INT_H

#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>

#include "../directory/directory.h"
#include "../store/store.h"
#include "services.h"
#include "token_cache.h"

/* One registrar pool's live figures (Get-CsRegistrarStatus; sip.h
 * sip_pool_stats has the meaning of each counter). */
typedef struct rs_pool_status {
    uint64_t bindings, aors; /* current */
    uint64_t registered, challenged, auth_failed, refused, stale, redirected, rejected, malformed,
        banned, retransmissions, evicted; /* since start */
    uint64_t banned_sources;              /* registrar-wide, current */
} rs_pool_status;

/* Hooks the daemon installs so cmdlets can act on live registrations. */
typedef struct rs_registrar_hooks {
    void *ud;
    void (*drop)(void *ud, const char *aor);
    int (*bindings)(void *ud, const char *aor,
                    void (*cb)(void *cbud, const char *contact, int expires_in, const char *pool),
                    void *cbud);
    /* Optional: a real sign-in probe of `aor` with `password` at registrar
     * pool `pool` (Test-RoomSystemAccount -SignIn). Returns the final SIP
     * status (0: no answer) and fills reason. Blocking; never called with the
     * store locked. */
    int (*probe)(void *ud, const char *pool, const char *aor, const char *password, char *reason,
                 size_t reason_sz);
    /* Optional: live figures of registrar pool `fqdn` (borrowed). Returns 0
     * and fills *out, or -1 when the registrar does not serve that pool.
     * Scans the location store: admin views only. */
    int (*pool_status)(void *ud, const char *fqdn, rs_pool_status *out);
} rs_registrar_hooks;

struct rs_services {
    const rs_config *cfg;
    store_t *st;
    dir_settings ds;
    rs_registrar_hooks reg;
    dir_lockout *lockout; /* smart lockout, shared by API and SIP sign-in */
    token_cache *tokens;  /* svc_token_check answers from memory (token_cache.h) */
    /* at most one argon2 hash per core at a time (directory.md section 7):
     * more workers than cores then keep the cores busy with the cheap
     * requests instead of making hashes fight for caches and memory */
    sem_t hash_slots;
    int hash_slots_ok;
    pthread_t sync_thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int stopping;
    int sync_started;
};

/* argon2id verifier of a password (caller frees), waiting for a free core
 * (hash_slots). Blocking: worker threads only. */
char *svc_password_hash(rs_services *svc, const char *password);

/* Install registrar hooks (daemon start-up, before serving). */
void rs_services_set_registrar(rs_services *svc, const rs_registrar_hooks *hooks);

#endif

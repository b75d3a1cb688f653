/* services_int.h - private to cmdlets/ and daemon/: the inside of rs_services. */
#ifndef RS_SERVICES_INT_H
#define RS_SERVICES_INT_H

#include <pthread.h>

#include "../directory/directory.h"
#include "../store/store.h"
#include "services.h"

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
} rs_registrar_hooks;

struct rs_services {
    const rs_config *cfg;
    store_t *st;
    dir_settings ds;
    rs_registrar_hooks reg;
    dir_lockout *lockout; /* smart lockout, shared by API and SIP sign-in */
    pthread_t sync_thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int stopping;
    int sync_started;
};

/* Install registrar hooks (daemon start-up, before serving). */
void rs_services_set_registrar(rs_services *svc, const rs_registrar_hooks *hooks);

#endif

/* services.c - open the store, create configured tenants, run the sync pump,
 * and the sign-in/token entry points api/ uses (see services.h). */
#include "services_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../base/rs_log.h"
#include "../base/rs_util.h"
#include "../sfb/sfb.h"
#include "../sync/sync.h"

static void *sync_main(void *arg)
{
    rs_services *svc = arg;
    pthread_mutex_lock(&svc->lock);
    while (!svc->stopping) {
        pthread_mutex_unlock(&svc->lock);
        rs_err err;
        int n = 0;
        if (sync_pump(svc->st, rs_time_now_ms(), &n, &err) == RS_OK && n)
            rs_log(RS_LOG_DEBUG, NULL, "sync: applied %d event(s)", n);
        pthread_mutex_lock(&svc->lock);
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 200 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        if (!svc->stopping)
            pthread_cond_timedwait(&svc->cond, &svc->lock, &ts);
    }
    pthread_mutex_unlock(&svc->lock);
    return NULL;
}

rs_status rs_services_open(const rs_config *cfg, rs_services **out, rs_err *err)
{
    *out = NULL;
    if (mkdir(cfg->state_dir, 0700) != 0 && errno != EEXIST)
        return rs_errf(err, RS_EIO, "cannot create state folder %s: %s", cfg->state_dir,
                       strerror(errno));
    rs_services *svc = rs_calloc(1, sizeof *svc);
    svc->cfg = cfg;
    svc->ds = (dir_settings){cfg->argon2_t, cfg->argon2_m_kib, cfg->argon2_p, cfg->token_lifetime_s,
                             cfg->sync_lag_s};
    pthread_mutex_init(&svc->lock, NULL);
    pthread_cond_init(&svc->cond, NULL);
    svc->lockout = dir_lockout_new();
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    svc->hash_slots_ok = sem_init(&svc->hash_slots, 0, cores > 0 ? (unsigned)cores : 1) == 0;
    char *path = rs_asprintf("%s/roomsys.db", cfg->state_dir);
    rs_status rc = store_open(path, &svc->st, err);
    free(path);
    if (rc == RS_OK && cfg->token_cache_entries > 0)
        svc->tokens = token_cache_new(svc->st, (size_t)cfg->token_cache_entries, 0);
    for (int i = 0; rc == RS_OK && i < cfg->ntenants; i++)
        rc = dir_tenant_ensure(svc->st, &cfg->tenants[i], &svc->ds, err);
    if (rc == RS_OK)
        rc = sync_pump(svc->st, rs_time_now_ms(), NULL, err);
    if (rc == RS_OK) {
        if (pthread_create(&svc->sync_thread, NULL, sync_main, svc) != 0)
            rc = rs_errf(err, RS_EINTERNAL, "cannot start the sync thread");
        else
            svc->sync_started = 1;
    }
    if (rc) {
        rs_services_close(svc);
        return rc;
    }
    *out = svc;
    return RS_OK;
}

void rs_services_close(rs_services *svc)
{
    if (!svc)
        return;
    if (svc->sync_started) {
        pthread_mutex_lock(&svc->lock);
        svc->stopping = 1;
        pthread_cond_broadcast(&svc->cond);
        pthread_mutex_unlock(&svc->lock);
        pthread_join(svc->sync_thread, NULL);
    }
    token_cache_free(svc->tokens);
    store_close(svc->st);
    dir_lockout_free(svc->lockout);
    if (svc->hash_slots_ok)
        sem_destroy(&svc->hash_slots);
    pthread_mutex_destroy(&svc->lock);
    pthread_cond_destroy(&svc->cond);
    free(svc);
}

const rs_config *rs_services_config(const rs_services *svc)
{
    return svc->cfg;
}

void rs_services_set_registrar(rs_services *svc, const rs_registrar_hooks *hooks)
{
    svc->reg = *hooks;
}

rs_status svc_token_issue(rs_services *svc, const char *src_ip, const char *tenant, const char *upn,
                          const char *password, const char *scope, char **out_token,
                          int *out_expires_in, rs_err *err)
{
    return dir_token_issue(svc->st, &svc->ds, svc->lockout, src_ip, tenant, upn, password, scope,
                           out_token, out_expires_in, err);
}

void svc_signin_failed(rs_services *svc, const char *aor, const char *src_ip)
{
    char tid[37], oid[37];
    if (sfb_signin_account(svc->st, aor, tid, oid) != RS_OK)
        return; /* unknown users have no lockout state */
    json_t *t = NULL;
    dir_tenant_get(svc->st, tid, &t, NULL);
    dir_lockout_policy pol;
    dir_lockout_policy_of(t, &pol);
    json_decref(t);
    if (dir_lockout_fail(svc->lockout, &pol, oid, src_ip, NULL, rs_time_now_ms()))
        rs_log(RS_LOG_WARNING, "\"event\":\"sip.auth.locked\"",
               "a room account was locked out for one source after repeated failures");
}

int svc_signin_locked(rs_services *svc, const char *user_id, const char *src_ip)
{
    if (!user_id || !*user_id)
        return 0;
    if (dir_lockout_is_locked(svc->lockout, user_id, src_ip, rs_time_now_ms()))
        return 1;
    dir_lockout_success(svc->lockout, user_id, src_ip);
    return 0;
}

rs_status svc_token_check(rs_services *svc, const char *token, rs_principal *out, rs_err *err)
{
    if (svc->tokens)
        return token_cache_check(svc->tokens, token, out, err);
    return dir_token_check(svc->st, token, out, err);
}

int svc_tenant_matches(rs_services *svc, const rs_principal *who, const char *tenant)
{
    /* The principal was just read with its tenant (a cached check is as fresh
     * as a store read: token_cache.h), so its GUID and initial domain name it
     * without another look-up; other domains and spellings are resolved. */
    if (tenant && *tenant &&
        (rs_streq_ci(tenant, who->tenant_id) ||
         (who->tenant_domain[0] && rs_streq_ci(tenant, who->tenant_domain))))
        return 1;
    char tid[37];
    return dir_tenant_resolve(svc->st, tenant, tid, NULL) == RS_OK && !strcmp(tid, who->tenant_id);
}

char *svc_password_hash(rs_services *svc, const char *password)
{
    if (svc->hash_slots_ok)
        while (sem_wait(&svc->hash_slots) != 0)
            ; /* EINTR */
    char *phc = dir_password_hash(&svc->ds, password);
    if (svc->hash_slots_ok)
        sem_post(&svc->hash_slots);
    return phc;
}

struct store *svc_store(rs_services *svc)
{
    return svc->st;
}

int svc_ready(rs_services *svc)
{
    int64_t n;
    return !store_failed(svc->st) && store_count(svc->st, "", "tenant", &n, NULL) == RS_OK;
}

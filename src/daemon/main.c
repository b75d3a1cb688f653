/* main.c - roomsysd: load the configuration, open the services, start the
 * HTTPS admin API and the SIP registrar pools, run until SIGTERM/SIGINT.
 * Exit codes follow sysexits.h (docs/operations.md). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sysexits.h>
#include <unistd.h>

#include "../api/api.h"
#include "../api/api_internal.h"
#include "../base/rs_config.h"
#include "../base/rs_log.h"
#include "../base/rs_metrics.h"
#include "../base/rs_util.h"
#include "../cmdlets/services_int.h"
#include "../sfb/sfb.h"
#include "../sfb/signin_cache.h"
#include "../sip/sip.h"
#include "bindings.h"
#include "daemon_ops.h"

static volatile sig_atomic_t stop_signal, reload_signal;

static void on_signal(int sig)
{
    if (sig == SIGHUP)
        reload_signal = 1;
    else
        stop_signal = sig;
}

static rs_loglevel parse_level(const char *s)
{
    return !strcmp(s, "debug")     ? RS_LOG_DEBUG
           : !strcmp(s, "warning") ? RS_LOG_WARNING
           : !strcmp(s, "error")   ? RS_LOG_ERROR
                                   : RS_LOG_INFO;
}

static void usage(FILE *f)
{
    fprintf(f, "Usage: roomsysd [-c FILE] [--check-config] [--help] [--version]\n"
               "\n"
               "The roomsys daemon: tenant directory, room mailboxes, Skype for Business\n"
               "registrar pools and the HTTPS admin API the roomsys shell talks to.\n"
               "\n"
               "  -c, --config FILE   configuration file (default /etc/roomsys/roomsysd.conf)\n"
               "      --check-config  validate the configuration and exit\n"
               "  -h, --help          show this help and exit\n"
               "  -V, --version       show the version and exit\n"
               "\n"
               "Secrets are never taken from the command line: the first admin's password\n"
               "comes from the file or environment variable the configuration names.\n"
               "Signals: SIGHUP reloads the configuration and certificates, SIGTERM stops\n"
               "gracefully. Exit codes: 0 ok, 64 usage, 69 unavailable, 70 internal, 74 I/O,\n"
               "78 configuration error. See roomsysd(8) and docs/operations.md.\n");
}

/* ---- the registrar's view of the services (sip.h provider) ---- */

/* Sign-in facts cached in memory, invalidated by the store's commit
 * generation (sfb/signin_cache.h); lives from before the SIP start to after
 * its stop. */
static signin_cache *signin;

static int provider_lookup(void *ud, const char *aor, const char *username, const char *realm,
                           sip_account *out)
{
    rs_services *svc = ud;
    sfb_signin s;
    rs_status rc = signin ? signin_cache_lookup(signin, aor, username, realm, rs_time_now_ms(), &s)
                          : sfb_signin_lookup(svc->st, aor, username, realm, &s);
    if (rc != RS_OK)
        return 0; /* looks like an unknown user */
    out->known = s.known;
    memcpy(out->ha1_md5, s.ha1_md5, sizeof out->ha1_md5);
    memcpy(out->ha1_sha256, s.ha1_sha256, sizeof out->ha1_sha256);
    out->refusal = s.refusal;
    snprintf(out->home_pool, sizeof out->home_pool, "%s", s.home_pool);
    snprintf(out->user_id, sizeof out->user_id, "%s", s.user_id);
    snprintf(out->tenant_id, sizeof out->tenant_id, "%s", s.tenant_id);
    rs_wipe(&s, sizeof s);
    return 0;
}

static int provider_domain(void *ud, const char *domain)
{
    rs_services *svc = ud;
    return sfb_domain_served(svc->st, domain);
}

static void provider_auth_failed(void *ud, const char *aor, const char *src_ip)
{
    svc_signin_failed(ud, aor, src_ip);
}

static int provider_locked(void *ud, const char *user_id, const char *src_ip)
{
    return svc_signin_locked(ud, user_id, src_ip);
}

/* ---- what cmdlets may ask of the registrar (rs_registrar_hooks) ---- */

typedef struct registrar_ctx {
    sip_server *sip;
    const rs_config *cfg;
} registrar_ctx;

static void hook_drop(void *ud, const char *aor)
{
    registrar_ctx *r = ud;
    sip_server_drop(r->sip, aor);
}

static int hook_bindings(void *ud, const char *aor,
                         void (*cb)(void *cbud, const char *contact, int expires_in,
                                    const char *pool),
                         void *cbud)
{
    registrar_ctx *r = ud;
    return sip_server_bindings(r->sip, aor, cb, cbud);
}

/* Get-CsRegistrarStatus: the core's per-pool counters. */
static int hook_pool_status(void *ud, const char *fqdn, rs_pool_status *out)
{
    registrar_ctx *r = ud;
    sip_core *core = sip_server_core(r->sip);
    sip_pool_stats ps;
    sip_stats st;
    if (sip_core_pool_stats(core, fqdn, &ps) != 0)
        return -1;
    sip_core_stats(core, &st);
    *out = (rs_pool_status){.bindings = ps.bindings,
                            .aors = ps.aors,
                            .registered = ps.registered,
                            .challenged = ps.challenged,
                            .auth_failed = ps.auth_failed,
                            .refused = ps.refused,
                            .stale = ps.stale,
                            .redirected = ps.redirected,
                            .rejected = ps.rejected,
                            .malformed = ps.malformed,
                            .banned = ps.banned,
                            .retransmissions = ps.retransmissions,
                            .evicted = ps.evicted,
                            .banned_sources = st.banned_sources};
    return 0;
}

/* Test-RoomSystemAccount -SignIn: a real REGISTER over UDP to the pool's
 * first listen address (a wildcard address means loopback). */
static int hook_probe(void *ud, const char *pool, const char *aor, const char *password,
                      char *reason, size_t reason_sz)
{
    registrar_ctx *r = ud;
    for (int i = 0; i < r->cfg->npools; i++) {
        const rs_pool_conf *pc = &r->cfg->pools[i];
        if (!rs_streq_ci(pc->fqdn, pool))
            continue;
        char ip[64];
        snprintf(ip, sizeof ip, "%.*s", (int)strcspn(pc->address, ", "), pc->address);
        if (!strcmp(ip, "0.0.0.0") || !*ip)
            snprintf(ip, sizeof ip, "127.0.0.1");
        else if (!strcmp(ip, "::"))
            snprintf(ip, sizeof ip, "::1");
        else if (ip[0] == '[') { /* "[::1]" */
            memmove(ip, ip + 1, strlen(ip));
            ip[strcspn(ip, "]")] = '\0';
        }
        return sip_probe_register(ip, sip_server_port(r->sip, i), aor, password, 2000, reason,
                                  reason_sz);
    }
    snprintf(reason, reason_sz, "The registrar pool %s is not served by this daemon.", pool);
    return 0;
}

/* ---- registrar figures for /metrics (read at scrape time) ---- */

static rs_mfamily m_reg_active = {.name = "roomsys_sip_registrations_active",
                                  .help = "Unexpired SIP bindings (registered devices), by pool.",
                                  .type = RS_M_GAUGE,
                                  .labels = {"pool"}};
static rs_mfamily m_reg_rooms = {.name = "roomsys_sip_registered_aors",
                                 .help = "Accounts (rooms) holding at least one binding, by pool.",
                                 .type = RS_M_GAUGE,
                                 .labels = {"pool"}};
static rs_mfamily m_signins = {
    .name = "roomsys_sip_signins_total",
    .help = "REGISTER outcomes by pool: ok (200), challenged (401), failed (wrong digest), "
            "refused (a sign-in gate), stale, redirected (301), rejected, retransmission.",
    .type = RS_M_COUNTER,
    .labels = {"pool", "outcome"}};
static rs_mfamily m_banned = {.name = "roomsys_sip_banned_sources",
                              .help = "Source addresses currently banned by flood protection.",
                              .type = RS_M_GAUGE};
static rs_mfamily m_sip_conns = {.name = "roomsys_sip_connections",
                                 .help = "Open SIP TCP and TLS connections.",
                                 .type = RS_M_GAUGE};

static void collect_sip(void *ud)
{
    registrar_ctx *r = ud;
    sip_core *core = sip_server_core(r->sip);
    for (int i = 0; i < r->cfg->npools; i++) {
        const char *fqdn = r->cfg->pools[i].fqdn;
        sip_pool_stats ps;
        if (sip_core_pool_stats(core, fqdn, &ps) != 0)
            continue;
        rs_metric_set(&m_reg_active, (const char *[]){fqdn}, (double)ps.bindings);
        rs_metric_set(&m_reg_rooms, (const char *[]){fqdn}, (double)ps.aors);
        const struct {
            const char *outcome;
            uint64_t v;
        } o[] = {{"ok", ps.registered},      {"challenged", ps.challenged},
                 {"failed", ps.auth_failed}, {"refused", ps.refused},
                 {"stale", ps.stale},        {"redirected", ps.redirected},
                 {"rejected", ps.rejected},  {"retransmission", ps.retransmissions}};
        for (size_t k = 0; k < sizeof o / sizeof *o; k++)
            rs_metric_counter_set(&m_signins, (const char *[]){fqdn, o[k].outcome}, o[k].v);
    }
    sip_stats st;
    sip_core_stats(core, &st);
    rs_metric_set(&m_banned, NULL, (double)st.banned_sources);
    rs_metric_set(&m_sip_conns, NULL, (double)sip_server_connections(r->sip));
}

/* ---- SIGHUP ---- */

/* Re-read the configuration file and apply what can change live: log level,
 * HTTPS and SIP-TLS certificates, [https] max_header_count and metrics_allow.
 * A file that does not load or check keeps the running configuration.
 * Registrations, listeners and connections are untouched. */
static void reload(const char *path, const rs_config *cfg, api_server *api, sip_server *sip,
                   int want_tls)
{
    rs_sd_notify_reloading();
    rs_log(RS_LOG_INFO, NULL, "reloading %s", path);
    rs_config next;
    rs_err err;
    rs_err_clear(&err);
    char *sip_cert = NULL, *sip_key = NULL;
    int loaded = 0;
    if (rs_config_load(path, &next, &err) != RS_OK)
        goto reject;
    loaded = 1;
    if (rs_config_check_files(&next, &err) != RS_OK)
        goto reject;
    if (want_tls) {
        const char *names[RS_MAX_POOLS + 2] = {cfg->https_address};
        for (int i = 0; i < cfg->npools; i++)
            names[i + 1] = cfg->pools[i].fqdn;
        if (api_tls_ensure_ex(cfg->state_dir, next.sip_tls_cert, next.sip_tls_key, names, &sip_cert,
                              &sip_key, NULL, &err) != RS_OK)
            goto reject;
    }
    if (api_reload(api, &next, &err) != RS_OK)
        goto reject;
    if (want_tls && sip_server_reload_tls(sip, sip_cert, sip_key, &err) != RS_OK)
        rs_log(RS_LOG_ERROR, NULL, "reload: SIP-TLS keeps its certificate: %s", err.msg);
    rs_log_set_level(parse_level(next.log_level));
    rs_config_log_restart_needed(cfg, &next);
    rs_log(RS_LOG_INFO, NULL, "reloaded %s (log level %s, certificates re-read)", path,
           next.log_level);
    rs_sd_notifyf("READY=1\nSTATUS=serving; configuration reloaded");
    goto done;
reject:
    rs_log(RS_LOG_ERROR, NULL, "reload rejected, keeping the running configuration: %s", err.msg);
    rs_sd_notifyf("READY=1\nSTATUS=serving; reload rejected: %.400s", err.msg);
done:
    if (sip_key)
        rs_wipe(sip_key, strlen(sip_key));
    free(sip_key);
    free(sip_cert);
    if (loaded)
        rs_config_free(&next);
}

int main(int argc, char **argv)
{
    const char *config_path = "/etc/roomsys/roomsysd.conf";
    int check_only = 0;
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                         {"check-config", no_argument, NULL, 'C'},
                                         {"help", no_argument, NULL, 'h'},
                                         {"version", no_argument, NULL, 'V'},
                                         {NULL, 0, NULL, 0}};
    int ch;
    while ((ch = getopt_long(argc, argv, "c:hV", opts, NULL)) != -1) {
        switch (ch) {
        case 'c':
            config_path = optarg;
            break;
        case 'C':
            check_only = 1;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf("roomsysd %s\n", RS_VERSION);
            return 0;
        default:
            usage(stderr);
            return EX_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "roomsysd: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return EX_USAGE;
    }
    rs_config cfg;
    rs_err err;
    rs_err_clear(&err);
    if (rs_config_load(config_path, &cfg, &err) != RS_OK) {
        fprintf(stderr, "roomsysd: %s\n", err.msg);
        return EX_CONFIG;
    }
    if (check_only) {
        rs_status cst = rs_config_check_files(&cfg, &err);
        if (cst != RS_OK)
            fprintf(stderr, "roomsysd: %s: %s\n", config_path, err.msg);
        else
            printf("roomsysd: configuration %s is valid\n", config_path);
        rs_config_free(&cfg);
        return cst == RS_OK ? 0 : EX_CONFIG;
    }
    rs_log_set_level(parse_level(cfg.log_level));
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    rs_sd_notify("STATUS=starting: opening the store");
    signal(SIGPIPE, SIG_IGN);

    int code = 0;
    rs_services *svc = NULL;
    api_server *api = NULL;
    sip_server *sip = NULL;
    rs_bindings *binds = NULL; /* write-behind SIP bindings (bindings.h) */
    if (rs_services_open(&cfg, &svc, &err) != RS_OK) {
        rs_log(RS_LOG_ERROR, NULL, "cannot start: %s", err.msg);
        code = err.code == RS_EINVAL ? EX_CONFIG : err.code == RS_EIO ? EX_IOERR : EX_UNAVAILABLE;
        goto out;
    }
    /* every TCP/TLS connection is a descriptor: use the hard limit */
    struct rlimit nofile;
    if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
        nofile.rlim_cur = nofile.rlim_max;
        (void)setrlimit(RLIMIT_NOFILE, &nofile);
    }
    sip_pool_listen pools[RS_MAX_POOLS];
    int want_tls = 0;
    for (int i = 0; i < cfg.npools; i++) {
        pools[i] = (sip_pool_listen){.fqdn = cfg.pools[i].fqdn,
                                     .address = cfg.pools[i].address,
                                     .udp_port = cfg.pools[i].udp_port,
                                     .backup_fqdn = cfg.pools[i].backup,
                                     .tcp_port = cfg.pools[i].tcp_port,
                                     .tls_port = cfg.pools[i].tls_port};
        want_tls |= cfg.pools[i].tls_port != 0;
    }
    /* SIP-TLS: [sip] tls_cert/tls_key, else the self-signed pair in
     * <state_dir>/tls that the HTTPS API uses too (made here when missing,
     * naming the pool FQDNs) */
    char *sip_cert = NULL, *sip_key = NULL;
    if (want_tls) {
        const char *names[RS_MAX_POOLS + 2] = {cfg.https_address};
        for (int i = 0; i < cfg.npools; i++)
            names[i + 1] = cfg.pools[i].fqdn;
        if (api_tls_ensure_ex(cfg.state_dir, cfg.sip_tls_cert, cfg.sip_tls_key, names, &sip_cert,
                              &sip_key, NULL, &err) != RS_OK) {
            rs_log(RS_LOG_ERROR, NULL, "cannot load the SIP-TLS certificate: %s", err.msg);
            code = err.code == RS_EINVAL ? EX_CONFIG : EX_IOERR;
            goto out;
        }
    }
    sip_settings ss = {.pools = pools,
                       .npools = cfg.npools,
                       .nonce_lifetime_s = cfg.sip_nonce_lifetime_s,
                       .min_expires = cfg.sip_min_expires,
                       .max_expires = cfg.sip_max_expires,
                       .default_expires = cfg.sip_default_expires,
                       .tls_cert_pem = sip_cert,
                       .tls_key_pem = sip_key,
                       .max_connections_per_ip = cfg.sip_max_conn_per_ip,
                       .max_connections = cfg.sip_max_conn,
                       .idle_timeout_s = cfg.sip_idle_timeout_s,
                       .unauth_timeout_s = cfg.sip_unauth_timeout_s,
                       .tls_handshake_timeout_s = cfg.sip_tls_handshake_s,
                       .udp_threads = cfg.sip_udp_threads,
                       .stream_threads = cfg.sip_stream_threads};
    sip_provider prov = {.ud = svc,
                         .lookup = provider_lookup,
                         .domain_served = provider_domain,
                         .auth_failed = provider_auth_failed,
                         .locked = provider_locked};
    sip_options so = {0};
    so.algorithms = cfg.sip_algorithms;
    so.rate_limit_requests = cfg.sip_rate_limit_requests;
    so.rate_limit_window_s = cfg.sip_rate_limit_window_s;
    so.ban_seconds = cfg.sip_ban_s;
    so.failure_ban_threshold = cfg.sip_failure_ban_threshold;
    so.failure_window_s = cfg.sip_failure_window_s;
    so.rate_limit_exempt = cfg.sip_rate_limit_exempt;
    if (rs_bindings_open(cfg.state_dir, &binds, &err) != RS_OK) {
        rs_log(RS_LOG_ERROR, NULL, "cannot open the bindings database: %s", err.msg);
        code = EX_IOERR;
        goto out;
    }
    rs_bindings_options(binds, &so);
    signin = signin_cache_new(svc->st, 0);
    if (signin_cache_prime_async(signin) != 0)
        rs_log(RS_LOG_WARNING, NULL, "sign-in cache: cannot start priming; filled on demand");
    rs_status sst = sip_server_start_opts(&ss, &prov, &so, &sip, &err);
    if (sip_key)
        rs_wipe(sip_key, strlen(sip_key));
    free(sip_key);
    free(sip_cert);
    if (sst != RS_OK) {
        rs_log(RS_LOG_ERROR, NULL, "cannot start the SIP registrar: %s", err.msg);
        code = err.code == RS_EINVAL ? EX_CONFIG : EX_UNAVAILABLE;
        goto out;
    }
    if (rs_bindings_start(binds, sip_server_core(sip), 500, &err) != RS_OK) {
        rs_log(RS_LOG_ERROR, NULL, "%s", err.msg);
        code = EX_UNAVAILABLE;
        goto out;
    }
    registrar_ctx reg = {.sip = sip, .cfg = &cfg};
    rs_registrar_hooks hooks = {.ud = &reg,
                                .drop = hook_drop,
                                .bindings = hook_bindings,
                                .probe = hook_probe,
                                .pool_status = hook_pool_status};
    rs_services_set_registrar(svc, &hooks);
    if (api_start(&cfg, svc, &api, &err) != RS_OK) {
        rs_log(RS_LOG_ERROR, NULL, "cannot start the HTTPS admin API: %s", err.msg);
        code = EX_UNAVAILABLE;
        goto out;
    }
    char *pidpath = rs_asprintf("%s/roomsysd.pid", cfg.state_dir);
    FILE *pf = fopen(pidpath, "w");
    if (pf) {
        fprintf(pf, "%ld\n", (long)getpid());
        fclose(pf);
    }
    rs_metrics_collector_add(collect_sip, &reg);
    rs_log(RS_LOG_INFO, NULL, "roomsysd %s ready: https://%s:%d (trust %s), %d SIP pool(s)",
           RS_VERSION, cfg.https_address, cfg.https_port, api_ca_file(api), cfg.npools);
    /* listeners bound, store open: tell systemd (Type=notify) */
    rs_sd_notifyf("READY=1\nSTATUS=serving https port %d, %d SIP pool(s)\nMAINPID=%ld",
                  api_port(api), cfg.npools, (long)getpid());
    while (!stop_signal) {
        if (store_failed(svc_store(svc))) {
            /* A failed sync: what the kernel still holds cannot be trusted
             * to reach the disk. Stop (draining) and let the supervisor
             * restart us; SQLite recovers from what the disk holds. */
            rs_log(RS_LOG_ERROR, NULL,
                   "stopping: the store can no longer make changes durable; restart to recover");
            code = EX_IOERR;
            break;
        }
        if (reload_signal) {
            reload_signal = 0;
            reload(config_path, &cfg, api, sip, want_tls);
            continue;
        }
        sleep(1); /* interrupted by the signals */
    }
    if (stop_signal)
        rs_log(RS_LOG_INFO, NULL, "stopping on signal %d", (int)stop_signal);
    rs_sd_notify("STOPPING=1\nSTATUS=stopping: draining requests, saving registrations");
    api_set_draining(api);
    if (cfg.shutdown_grace_s > 0) {
        /* load balancers see /readyz 503 while requests are still served;
         * a second SIGTERM/SIGINT ends the grace at once */
        rs_log(RS_LOG_INFO, NULL, "draining: /readyz answers 503 for %d s before stopping",
               cfg.shutdown_grace_s);
        stop_signal = 0;
        for (int i = 0; i < cfg.shutdown_grace_s * 10 && !stop_signal; i++)
            usleep(100000);
    }
    rs_metrics_collector_remove(collect_sip, &reg);
    unlink(pidpath);
    free(pidpath);
out:
    api_stop(api);
    if (svc)
        rs_services_set_registrar(svc, &(rs_registrar_hooks){0});
    rs_bindings_stop(binds);
    sip_server_stop(sip); /* its core writes the last binding changes */
    rs_bindings_close(binds);
    signin_cache_free(signin);
    signin = NULL;
    rs_services_close(svc);
    rs_config_free(&cfg);
    if (!code)
        rs_log(RS_LOG_INFO, NULL, "stopped");
    return code;
}

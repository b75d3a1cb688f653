/* metrics.c - GET /metrics: Prometheus text 0.0.4 (spec/admin-api.md section
 * 6). The counters and histograms are updated by one-line hooks in their
 * modules (base/rs_metrics.h); the figures that live in the store (licences
 * per SKU, sync lag) and the process's own are computed here at scrape time.
 * Unauthenticated like /livez; [https] metrics_allow restricts it to CIDRs. */
#include "api_ext.h"
#include "ops.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../cmdlets/services.h"
#include "rs_log.h"
#include "rs_metrics.h"
#include "rs_util.h"

static rs_mfamily m_lic_consumed = {.name = "roomsys_licenses_consumed",
                                    .help = "Licences assigned, by SKU, summed over every tenant.",
                                    .type = RS_M_GAUGE,
                                    .labels = {"sku"}};
static rs_mfamily m_lic_enabled = {
    .name = "roomsys_licenses_enabled",
    .help = "Licences purchased (active units), by SKU, summed over every tenant.",
    .type = RS_M_GAUGE,
    .labels = {"sku"}};
static rs_mfamily m_sync_lag = {
    .name = "roomsys_sync_lag_seconds",
    .help = "Age of the oldest directory change that is due but not yet applied (0: none).",
    .type = RS_M_GAUGE};
static rs_mfamily m_sync_pending = {.name = "roomsys_sync_pending_changes",
                                    .help = "Directory changes not yet applied (due or not).",
                                    .type = RS_M_GAUGE};
static rs_mfamily m_scrape_errors = {.name = "roomsys_metrics_scrape_errors_total",
                                     .help = "Scrapes whose store figures could not be read.",
                                     .type = RS_M_COUNTER};
static rs_mfamily m_start = {.name = "process_start_time_seconds",
                             .help = "Start time of the process since the Unix epoch.",
                             .type = RS_M_GAUGE};
static rs_mfamily m_rss = {
    .name = "process_resident_memory_bytes", .help = "Resident memory size.", .type = RS_M_GAUGE};
static rs_mfamily m_fds = {
    .name = "process_open_fds", .help = "Open file descriptors.", .type = RS_M_GAUGE};

/* ---- who may scrape ---- */

static pthread_mutex_t allow_mu = PTHREAD_MUTEX_INITIALIZER;
static char *allow_list; /* NULL: everybody */

void api_metrics_set_allow(const char *cidrs)
{
    pthread_mutex_lock(&allow_mu);
    free(allow_list);
    allow_list = cidrs && *cidrs ? rs_strdup(cidrs) : NULL;
    pthread_mutex_unlock(&allow_mu);
}

/* Parse "addr" (IPv4, IPv6, IPv4-mapped IPv6) into 16 bytes of IPv6. */
static int to_v6(const char *s, unsigned char out[16])
{
    unsigned char a4[4];
    if (inet_pton(AF_INET, s, a4) == 1) {
        memset(out, 0, 10);
        out[10] = out[11] = 0xff;
        memcpy(out + 12, a4, 4);
        return 4;
    }
    return inet_pton(AF_INET6, s, out) == 1 ? 6 : 0;
}

static int prefix_eq(const unsigned char *a, const unsigned char *b, int bits)
{
    int bytes = bits / 8, rest = bits % 8;
    if (memcmp(a, b, (size_t)bytes))
        return 0;
    if (!rest)
        return 1;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return (a[bytes] & mask) == (b[bytes] & mask);
}

/* Is peer inside one of the comma-separated CIDRs? Malformed entries match nothing. */
static int peer_allowed(const char *list, const char *peer)
{
    unsigned char p[16];
    if (!peer || !to_v6(peer, p))
        return 0;
    char *copy = rs_strdup(list), *save = NULL;
    int ok = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok && !ok; tok = strtok_r(NULL, ",", &save)) {
        tok = rs_trim(tok);
        char *slash = strchr(tok, '/');
        int bits = -1;
        if (slash) {
            *slash = '\0';
            bits = atoi(slash + 1);
        }
        size_t tl = strlen(tok);
        if (tl >= 2 && tok[0] == '[' && tok[tl - 1] == ']') {
            tok[tl - 1] = '\0';
            tok++;
        }
        unsigned char a[16];
        int fam = to_v6(tok, a);
        if (!fam)
            continue;
        if (bits < 0)
            bits = fam == 4 ? 32 : 128;
        if (fam == 4)
            bits += 96;
        if (bits > 128)
            continue;
        ok = prefix_eq(a, p, bits);
    }
    free(copy);
    return ok;
}

/* ---- scrape-time figures ---- */

static double start_time_s;

static double process_start(void)
{
    /* /proc/self/stat field 22 (clock ticks after boot) + btime of /proc/stat */
    double t = 0;
    FILE *f = fopen("/proc/self/stat", "r");
    char buf[1024];
    unsigned long long ticks = 0;
    if (f && fgets(buf, sizeof buf, f)) {
        char *p = strrchr(buf, ')'); /* the command name may hold spaces */
        if (p && sscanf(p + 2,
                        "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
                        "%*d %*d %*d %llu",
                        &ticks) != 1)
            ticks = 0;
    }
    if (f)
        fclose(f);
    unsigned long long btime = 0;
    if ((f = fopen("/proc/stat", "r"))) {
        while (fgets(buf, sizeof buf, f))
            if (sscanf(buf, "btime %llu", &btime) == 1)
                break;
        fclose(f);
    }
    long hz = sysconf(_SC_CLK_TCK);
    if (ticks && btime && hz > 0)
        t = (double)btime + (double)ticks / (double)hz;
    return t > 0 ? t : (double)time(NULL);
}

static void collect_process(void)
{
    rs_metric_set(&m_start, NULL, start_time_s);
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long long size = 0, res = 0;
    if (f) {
        if (fscanf(f, "%llu %llu", &size, &res) == 2)
            rs_metric_set(&m_rss, NULL, (double)res * (double)sysconf(_SC_PAGESIZE));
        fclose(f);
    }
    long n = 0;
    DIR *d = opendir("/proc/self/fd");
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)))
            n += de->d_name[0] != '.';
        closedir(d);
        n--; /* the directory stream's own descriptor */
    }
    rs_metric_set(&m_fds, NULL, (double)n);
}

static void collect(void *ud)
{
    const api_env *env = ud;
    collect_process();
    svc_ops *f = rs_calloc(1, sizeof *f);
    rs_err e;
    rs_err_clear(&e);
    if (svc_ops_figures(env->svc, f, &e) == RS_OK) {
        rs_metric_clear(&m_lic_consumed);
        rs_metric_clear(&m_lic_enabled);
        for (int i = 0; i < f->nskus; i++) {
            const char *sku[] = {f->skus[i].sku};
            rs_metric_set(&m_lic_consumed, sku, (double)f->skus[i].consumed);
            rs_metric_set(&m_lic_enabled, sku, (double)f->skus[i].enabled);
        }
        rs_metric_set(&m_sync_lag, NULL, f->sync_lag_s);
        rs_metric_set(&m_sync_pending, NULL, (double)f->sync_pending);
    } else {
        rs_metric_inc(&m_scrape_errors, NULL);
        rs_log(RS_LOG_WARNING, NULL, "metrics: cannot read the store figures: %s", e.msg);
    }
    free(f);
}

/* ---- the route family ---- */

static rs_status init(const api_env *env, void **state, rs_err *err)
{
    (void)err;
    *state = (void *)env; /* the collector's argument, removed again in fini */
    start_time_s = process_start();
    rs_metrics_register_catalog();
    rs_mfamily *mine[] = {&m_lic_consumed,  &m_lic_enabled, &m_sync_lag, &m_sync_pending,
                          &m_scrape_errors, &m_start,       &m_rss,      &m_fds};
    for (size_t i = 0; i < sizeof mine / sizeof *mine; i++)
        rs_metrics_register(mine[i]);
    api_metrics_set_allow(env->cfg->metrics_allow);
    rs_metrics_collector_add(collect, (void *)env);
    return RS_OK;
}

static void fini(void *state)
{
    rs_metrics_collector_remove(collect, state);
}

static void handle(const api_env *env, void *state, const api_req *req, api_resp *resp)
{
    (void)state;
    if (strcmp(req->path, "/metrics") != 0) {
        api_resp_json(
            resp, 404,
            api_simple_error_body(404, "The requested resource does not exist on this server."));
        return;
    }
    if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
        api_resp_json(resp, 405,
                      api_simple_error_body(
                          405, "The HTTP method is not allowed for this resource; use GET."));
        resp->allow = "GET, HEAD";
        return;
    }
    pthread_mutex_lock(&allow_mu);
    int ok = !allow_list || peer_allowed(allow_list, req->peer);
    pthread_mutex_unlock(&allow_mu);
    if (!ok) {
        api_resp_json(resp, 403,
                      api_simple_error_body(403, "This address may not read the metrics "
                                                 "([https] metrics_allow)."));
        return;
    }
    (void)env;
    resp->status = 200;
    resp->body = rs_metrics_render();
    resp->ctype = RS_METRICS_CTYPE;
    resp->no_store = true;
}

const api_ext_ops api_ext_metrics = {
    .name = "metrics", .init = init, .fini = fini, .handle = handle};

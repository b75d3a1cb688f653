/* rs_metrics_catalog.c - the metric families roomsys's modules update on
 * their hot paths (rs_metrics.h). Scrape-time families (registrations,
 * licences, sync lag, process) live with their collectors (api/metrics.c,
 * daemon/main.c). */
#include "rs_metrics.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

rs_mfamily rs_m_http_requests = {.name = "roomsys_http_requests_total",
                                 .help =
                                     "HTTP requests answered, by route, method and status code.",
                                 .type = RS_M_COUNTER,
                                 .labels = {"route", "method", "code"}};
rs_mfamily rs_m_http_duration = {.name = "roomsys_http_request_duration_seconds",
                                 .help =
                                     "Time from the request's headers to its completed response.",
                                 .type = RS_M_HISTOGRAM,
                                 .labels = {"route"}};
rs_mfamily rs_m_cmdlet_invocations = {
    .name = "roomsys_cmdlet_invocations_total",
    .help = "Cmdlets run through InvokeCommand, by service, cmdlet and outcome.",
    .type = RS_M_COUNTER,
    .labels = {"service", "cmdlet", "outcome"}};
rs_mfamily rs_m_sip_requests = {
    .name = "roomsys_sip_requests_total",
    .help = "SIP requests handled by the registrar, by method and response code (0: no response).",
    .type = RS_M_COUNTER,
    .labels = {"method", "code"}};
rs_mfamily rs_m_store_commit = {.name = "roomsys_store_commit_duration_seconds",
                                .help = "Time spent committing a store transaction.",
                                .type = RS_M_HISTOGRAM};
rs_mfamily rs_m_store_sync = {.name = "roomsys_store_sync_duration_seconds",
                              .help = "Time the group commit spent syncing the write-ahead log, "
                                      "per pass (one pass serves every commit since the last).",
                              .type = RS_M_HISTOGRAM};

#ifndef RS_COMMIT
#define RS_COMMIT "unknown"
#endif
#ifndef RS_VERSION
#define RS_VERSION "0"
#endif

static rs_mfamily build_info = {.name = "roomsys_build_info",
                                .help = "The running build: always 1.",
                                .type = RS_M_GAUGE,
                                .labels = {"version", "commit"}};

void rs_metrics_register_catalog(void)
{
    rs_metric_set(&build_info, (const char *[]){RS_VERSION, RS_COMMIT}, 1);
    rs_metrics_register(&rs_m_http_requests);
    rs_metrics_register(&rs_m_http_duration);
    rs_metrics_register(&rs_m_cmdlet_invocations);
    rs_metrics_register(&rs_m_sip_requests);
    rs_metrics_register(&rs_m_store_commit);
    rs_metrics_register(&rs_m_store_sync);
}

/* status as decimal text (0..999; anything else is "0"); buf has room for 4. */
static void code_str(int status, char *buf)
{
    if (status < 0 || status > 999)
        status = 0;
    char *p = buf;
    if (status >= 100)
        *p++ = (char)('0' + status / 100);
    if (status >= 10)
        *p++ = (char)('0' + status / 10 % 10);
    *p++ = (char)('0' + status % 10);
    *p = '\0';
}

void rs_metrics_http(const char *route, const char *method, int status, double seconds)
{
    static const char *const known[] = {"GET",    "POST", "PUT",     "PATCH",
                                        "DELETE", "HEAD", "OPTIONS", NULL};
    const char *m = "other";
    for (int i = 0; method && known[i]; i++)
        if (!strcmp(method, known[i]))
            m = known[i];
    char code[8];
    code_str(status, code);
    const char *r = route && *route ? route : "none";
    rs_metric_inc(&rs_m_http_requests, (const char *[]){r, m, code});
    rs_metric_observe(&rs_m_http_duration, (const char *[]){r}, seconds);
}

void rs_metrics_cmdlet(const char *service, const char *cmdlet, const char *outcome)
{
    rs_metric_inc(&rs_m_cmdlet_invocations,
                  (const char *[]){service, cmdlet ? cmdlet : "unknown", outcome});
}

void rs_metrics_sip_request(const char *method, int status)
{
    char code[8];
    code_str(status, code);
    rs_metric_inc(&rs_m_sip_requests, (const char *[]){method ? method : "other", code});
}

void rs_metrics_store_commit(double seconds)
{
    rs_metric_observe(&rs_m_store_commit, NULL, seconds);
}

void rs_metrics_store_sync(double seconds)
{
    rs_metric_observe(&rs_m_store_sync, NULL, seconds);
}

double rs_metrics_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* rs_metrics.h - a small process-wide metrics registry rendered as
 * Prometheus text format 0.0.4 (spec/admin-api.md section 6).
 *
 * A family (name, help, type, label names) is a statically initialised
 * rs_mfamily; it registers itself on first use (or with rs_metrics_register).
 * Series are created on first use of a label-value combination and live for
 * the life of the process, in a fixed-size lock-free table per family
 * (RS_M_MAX_SERIES): label values must come from bounded sets (route names,
 * HTTP codes, SIP methods, pool FQDNs, SKUs) and never carry UPNs or
 * addresses. When a family's table is full, further combinations are dropped
 * and counted (roomsys_metrics_series_dropped_total).
 *
 * Hot path (rs_metric_inc, _add, _observe, _set): no lock, no allocation;
 * formatting the label key, a hash probe and atomic adds. Thread-safe.
 *
 *   static rs_mfamily reqs = {.name = "roomsys_x_total", .help = "...",
 *                             .type = RS_M_COUNTER, .labels = {"code"}};
 *   rs_metric_inc(&reqs, (const char *[]){"200"});
 */
#ifndef RS_METRICS_H
#define RS_METRICS_H

#include <stdatomic.h>
#include <stdint.h>

#define RS_M_MAX_LABELS  4
#define RS_M_MAX_BUCKETS 16
#define RS_M_MAX_SERIES  1024 /* per family, a power of two */
#define RS_M_KEY_MAX     192  /* rendered label pairs of one series */

typedef enum rs_mtype { RS_M_COUNTER, RS_M_GAUGE, RS_M_HISTOGRAM } rs_mtype;

typedef struct rs_mseries rs_mseries; /* private */

typedef struct rs_mfamily {
    const char *name; /* e.g. roomsys_http_requests_total (static) */
    const char *help; /* one line (static) */
    rs_mtype type;
    const char *labels[RS_M_MAX_LABELS]; /* label names, unused ones NULL (static) */
    const double *buckets; /* histogram upper bounds, ascending; NULL: rs_m_seconds_buckets */
    int nbuckets;          /* entries in buckets (<= RS_M_MAX_BUCKETS) */
    /* private, zero-initialised */
    _Atomic(rs_mseries *) series_;
    _Atomic(uint64_t *) hist_;
    int nlabels_;
    struct rs_mfamily *next_;
} rs_mfamily;

/* Default histogram bounds in seconds: 0.0005 .. 10. */
extern const double rs_m_seconds_buckets[];
extern const int rs_m_seconds_nbuckets;

/* Register f (idempotent; also done on first use). f must be static or
 * otherwise live until exit. Thread-safe. */
void rs_metrics_register(rs_mfamily *f);

/* values: one string per label name, in order (NULL for a family without
 * labels); each borrowed for the call. NULL values render as "". */
void rs_metric_inc(rs_mfamily *f, const char *const *values);
void rs_metric_add(rs_mfamily *f, const char *const *values, uint64_t n);
/* Counters mirrored from another source (scrape-time collectors): set the
 * running total. */
void rs_metric_counter_set(rs_mfamily *f, const char *const *values, uint64_t total);
/* Gauges. */
void rs_metric_set(rs_mfamily *f, const char *const *values, double v);
/* Histograms (seconds; v < 0 counts as 0). */
void rs_metric_observe(rs_mfamily *f, const char *const *values, double v);
/* Gauges: hide every series until it is set again (a collector calls this
 * before refilling a family whose label set may shrink). */
void rs_metric_clear(rs_mfamily *f);

/* Scrape-time collectors: fn runs (serialised, under the render lock) at the
 * start of every rs_metrics_render, typically to set gauges from the store or
 * the registrar. ud is borrowed until the matching remove. */
void rs_metrics_collector_add(void (*fn)(void *ud), void *ud);
void rs_metrics_collector_remove(void (*fn)(void *ud), void *ud);

/* Run the collectors and render every registered family (HELP, TYPE, series)
 * as Prometheus text 0.0.4. Returns a malloc'd string the caller frees. */
char *rs_metrics_render(void);

/* Content-Type of rs_metrics_render's output. */
#define RS_METRICS_CTYPE "text/plain; version=0.0.4; charset=utf-8"

#endif

/* ---- roomsys's own families (rs_metrics_catalog.c; docs/operations.md) ----
 * The hooks other modules call: one line each, lock-free. */

extern rs_mfamily rs_m_http_requests; /* roomsys_http_requests_total{route,method,code} */
extern rs_mfamily rs_m_http_duration; /* roomsys_http_request_duration_seconds{route} */
extern rs_mfamily
    rs_m_cmdlet_invocations;         /* roomsys_cmdlet_invocations_total{service,cmdlet,outcome} */
extern rs_mfamily rs_m_sip_requests; /* roomsys_sip_requests_total{method,code} */
extern rs_mfamily rs_m_store_commit; /* roomsys_store_commit_duration_seconds */
extern rs_mfamily rs_m_store_sync;   /* roomsys_store_sync_duration_seconds */

/* Register the catalog so every family shows HELP/TYPE before first use. */
void rs_metrics_register_catalog(void);

/* An HTTP request answered: route is a route-table name (static), method is
 * folded to GET/POST/PUT/PATCH/DELETE/HEAD/OPTIONS or "other". */
void rs_metrics_http(const char *route, const char *method, int status, double seconds);

/* A cmdlet run through InvokeCommand: cmdlet must be a cmdlet-table name (or
 * NULL when the name was not found: "unknown"); outcome "success", "error"
 * or "denied". */
void rs_metrics_cmdlet(const char *service, const char *cmdlet, const char *outcome);

/* A SIP request handled by the core: method a static name ("REGISTER", ...,
 * "other"); status the response code, 0 when nothing was sent. */
void rs_metrics_sip_request(const char *method, int status);

/* Monotonic clock in seconds, for timing a hook's operation. */
double rs_metrics_now(void);

/* A store transaction that wrote committed (seconds spent in COMMIT). */
void rs_metrics_store_commit(double seconds);
/* The group commit synced the write-ahead log once (seconds in fdatasync). */
void rs_metrics_store_sync(double seconds);

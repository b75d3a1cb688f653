/* rs_metrics.c - lock-free metrics registry and Prometheus text rendering
 * (see rs_metrics.h). */
#include "rs_metrics.h"
#include "rs_log.h"
#include "rs_util.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { S_EMPTY = 0, S_CLAIMED = 1, S_READY = 2 };

struct rs_mseries {
    _Atomic int state;
    _Atomic int present; /* gauges: shown when set since the last clear */
    uint32_t hash;
    _Atomic uint64_t value;  /* counter total; gauge double bits; histogram count */
    _Atomic uint64_t sum_ns; /* histogram sum, nanoseconds */
    char key[RS_M_KEY_MAX];  /* name="value",... (escaped) */
};

const double rs_m_seconds_buckets[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                       0.1,    0.25,  0.5,    1,     2.5,  5,     10};
const int rs_m_seconds_nbuckets = (int)(sizeof rs_m_seconds_buckets / sizeof *rs_m_seconds_buckets);

static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static rs_mfamily *reg_head, *reg_tail;

static rs_mfamily dropped = {.name = "roomsys_metrics_series_dropped_total",
                             .help = "Label combinations not recorded because the family's "
                                     "series table was full.",
                             .type = RS_M_COUNTER,
                             .labels = {"family"}};

static const double *bounds(const rs_mfamily *f, int *n)
{
    if (f->buckets && f->nbuckets > 0) {
        *n = f->nbuckets > RS_M_MAX_BUCKETS ? RS_M_MAX_BUCKETS : f->nbuckets;
        return f->buckets;
    }
    *n = rs_m_seconds_nbuckets;
    return rs_m_seconds_buckets;
}

static uint32_t fnv1a(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static rs_mseries *find(rs_mfamily *f, const char *key, int create);

static rs_mseries *reg_slow(rs_mfamily *f)
{
    pthread_mutex_lock(&reg_mu);
    rs_mseries *t = atomic_load_explicit(&f->series_, memory_order_acquire);
    if (!t) {
        int n = 0;
        while (n < RS_M_MAX_LABELS && f->labels[n])
            n++;
        f->nlabels_ = n;
        if (f->type == RS_M_HISTOGRAM) {
            int nb;
            bounds(f, &nb);
            atomic_store_explicit(
                &f->hist_, rs_calloc((size_t)RS_M_MAX_SERIES * (size_t)(nb + 1), sizeof(uint64_t)),
                memory_order_relaxed);
        }
        t = rs_calloc(RS_M_MAX_SERIES, sizeof *t);
        atomic_store_explicit(&f->series_, t, memory_order_release);
        f->next_ = NULL;
        if (reg_tail)
            reg_tail->next_ = f;
        else
            reg_head = f;
        reg_tail = f;
    }
    pthread_mutex_unlock(&reg_mu);
    if (f->nlabels_ == 0 && f->type != RS_M_GAUGE)
        find(f, "", 1); /* a family without labels always shows its one series */
    return t;
}

void rs_metrics_register(rs_mfamily *f)
{
    if (!atomic_load_explicit(&f->series_, memory_order_acquire))
        reg_slow(f);
}

/* Render label pairs for values into key (escaped). No snprintf: this runs
 * on every increment. */
static void make_key(const rs_mfamily *f, const char *const *values, char *key)
{
    size_t o = 0;
    for (int i = 0; i < f->nlabels_; i++) {
        const char *name = f->labels[i];
        size_t nl = strlen(name);
        if (o + nl + 4 >= RS_M_KEY_MAX)
            goto trunc;
        if (i)
            key[o++] = ',';
        memcpy(key + o, name, nl);
        o += nl;
        key[o++] = '=';
        key[o++] = '"';
        for (const char *v = values && values[i] ? values[i] : ""; *v; v++) {
            char c = *v;
            if (o + 4 >= RS_M_KEY_MAX)
                goto trunc;
            if (c == '\\' || c == '"') {
                key[o++] = '\\';
                key[o++] = c;
            } else if (c == '\n') {
                key[o++] = '\\';
                key[o++] = 'n';
            } else {
                key[o++] = c;
            }
        }
        key[o++] = '"';
    }
    key[o] = '\0';
    return;
trunc:
    /* an over-long value is a caller bug: keep the series but mark it */
    snprintf(key, RS_M_KEY_MAX, "%s=\"(too long)\"", f->labels[0]);
}

static rs_mseries *find(rs_mfamily *f, const char *key, int create)
{
    rs_mseries *t = atomic_load_explicit(&f->series_, memory_order_acquire);
    uint32_t h = fnv1a(key);
    for (unsigned i = 0; i < RS_M_MAX_SERIES; i++) {
        rs_mseries *s = &t[(h + i) & (RS_M_MAX_SERIES - 1)];
        int st = atomic_load_explicit(&s->state, memory_order_acquire);
        if (st == S_EMPTY) {
            if (!create)
                return NULL;
            int expect = S_EMPTY;
            if (atomic_compare_exchange_strong_explicit(
                    &s->state, &expect, S_CLAIMED, memory_order_acq_rel, memory_order_acquire)) {
                s->hash = h;
                snprintf(s->key, sizeof s->key, "%s", key);
                atomic_store_explicit(&s->state, S_READY, memory_order_release);
                return s;
            }
            st = expect;
        }
        while (st == S_CLAIMED) /* another thread is writing this slot's key */
            st = atomic_load_explicit(&s->state, memory_order_acquire);
        if (s->hash == h && !strcmp(s->key, key))
            return s;
    }
    if (f != &dropped)
        rs_metric_inc(&dropped, (const char *[]){f->name});
    return NULL;
}

static rs_mseries *series(rs_mfamily *f, const char *const *values)
{
    if (!atomic_load_explicit(&f->series_, memory_order_acquire))
        reg_slow(f);
    char key[RS_M_KEY_MAX];
    make_key(f, values, key);
    return find(f, key, 1);
}

void rs_metric_add(rs_mfamily *f, const char *const *values, uint64_t n)
{
    rs_mseries *s = series(f, values);
    if (s)
        atomic_fetch_add_explicit(&s->value, n, memory_order_relaxed);
}

void rs_metric_inc(rs_mfamily *f, const char *const *values)
{
    rs_metric_add(f, values, 1);
}

void rs_metric_counter_set(rs_mfamily *f, const char *const *values, uint64_t total)
{
    rs_mseries *s = series(f, values);
    if (s)
        atomic_store_explicit(&s->value, total, memory_order_relaxed);
}

void rs_metric_set(rs_mfamily *f, const char *const *values, double v)
{
    rs_mseries *s = series(f, values);
    if (!s)
        return;
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    atomic_store_explicit(&s->value, bits, memory_order_relaxed);
    atomic_store_explicit(&s->present, 1, memory_order_release);
}

void rs_metric_observe(rs_mfamily *f, const char *const *values, double v)
{
    rs_mseries *s = series(f, values);
    if (!s)
        return;
    if (!(v > 0)) /* also NaN */
        v = 0;
    int nb;
    const double *b = bounds(f, &nb);
    int i = 0;
    while (i < nb && v > b[i])
        i++;
    uint64_t *hist = atomic_load_explicit(&f->hist_, memory_order_relaxed);
    size_t idx = (size_t)(s - atomic_load_explicit(&f->series_, memory_order_relaxed));
    _Atomic uint64_t *cell = (_Atomic uint64_t *)&hist[idx * (size_t)(nb + 1) + (size_t)i];
    atomic_fetch_add_explicit(cell, 1, memory_order_relaxed);
    double ns = v * 1e9;
    atomic_fetch_add_explicit(&s->sum_ns, ns > 1.8e19 ? (uint64_t)1.8e19 : (uint64_t)ns,
                              memory_order_relaxed);
    atomic_fetch_add_explicit(&s->value, 1, memory_order_relaxed);
}

void rs_metric_clear(rs_mfamily *f)
{
    rs_mseries *t = atomic_load_explicit(&f->series_, memory_order_acquire);
    if (!t)
        return;
    for (int i = 0; i < RS_M_MAX_SERIES; i++)
        atomic_store_explicit(&t[i].present, 0, memory_order_relaxed);
}

/* ---- collectors and rendering ---- */

#define MAX_COLLECTORS 16
static pthread_mutex_t render_mu = PTHREAD_MUTEX_INITIALIZER;
static struct {
    void (*fn)(void *);
    void *ud;
} collectors[MAX_COLLECTORS];

void rs_metrics_collector_add(void (*fn)(void *ud), void *ud)
{
    pthread_mutex_lock(&render_mu);
    int i = 0;
    while (i < MAX_COLLECTORS && collectors[i].fn)
        i++;
    if (i < MAX_COLLECTORS) {
        collectors[i].fn = fn;
        collectors[i].ud = ud;
    } else {
        rs_log(RS_LOG_ERROR, NULL, "metrics: too many collectors");
    }
    pthread_mutex_unlock(&render_mu);
}

void rs_metrics_collector_remove(void (*fn)(void *ud), void *ud)
{
    pthread_mutex_lock(&render_mu);
    for (int i = 0; i < MAX_COLLECTORS; i++)
        if (collectors[i].fn == fn && collectors[i].ud == ud)
            collectors[i].fn = NULL, collectors[i].ud = NULL;
    pthread_mutex_unlock(&render_mu);
}

static void put_double(rs_buf *b, double v)
{
    if (isnan(v))
        rs_buf_puts(b, "NaN");
    else if (isinf(v))
        rs_buf_puts(b, v > 0 ? "+Inf" : "-Inf");
    else
        rs_buf_printf(b, "%.15g", v);
}

static void put_help(rs_buf *b, const char *help)
{
    for (; help && *help; help++) {
        if (*help == '\\')
            rs_buf_puts(b, "\\\\");
        else if (*help == '\n')
            rs_buf_puts(b, "\\n");
        else
            rs_buf_putc(b, *help);
    }
}

static void render_family(rs_buf *b, rs_mfamily *f)
{
    static const char *const tname[] = {"counter", "gauge", "histogram"};
    rs_buf_printf(b, "# HELP %s ", f->name);
    put_help(b, f->help);
    rs_buf_printf(b, "\n# TYPE %s %s\n", f->name, tname[f->type]);
    rs_mseries *t = atomic_load_explicit(&f->series_, memory_order_acquire);
    int nb;
    const double *bd = bounds(f, &nb);
    uint64_t *hist = atomic_load_explicit(&f->hist_, memory_order_relaxed);
    for (int i = 0; i < RS_M_MAX_SERIES; i++) {
        rs_mseries *s = &t[i];
        if (atomic_load_explicit(&s->state, memory_order_acquire) != S_READY)
            continue;
        const char *k = s->key;
        const char *open = *k ? "{" : "", *close = *k ? "}" : "";
        uint64_t v = atomic_load_explicit(&s->value, memory_order_relaxed);
        if (f->type == RS_M_COUNTER) {
            rs_buf_printf(b, "%s%s%s%s %llu\n", f->name, open, k, close, (unsigned long long)v);
        } else if (f->type == RS_M_GAUGE) {
            if (!atomic_load_explicit(&s->present, memory_order_acquire))
                continue;
            double d;
            memcpy(&d, &v, sizeof d);
            rs_buf_printf(b, "%s%s%s%s ", f->name, open, k, close);
            put_double(b, d);
            rs_buf_putc(b, '\n');
        } else {
            uint64_t cum = 0;
            _Atomic uint64_t *cells = (_Atomic uint64_t *)&hist[(size_t)i * (size_t)(nb + 1)];
            for (int j = 0; j <= nb; j++) {
                cum += atomic_load_explicit(&cells[j], memory_order_relaxed);
                rs_buf_printf(b, "%s_bucket{%s%sle=\"", f->name, k, *k ? "," : "");
                if (j < nb)
                    put_double(b, bd[j]);
                else
                    rs_buf_puts(b, "+Inf");
                rs_buf_printf(b, "\"} %llu\n", (unsigned long long)cum);
            }
            uint64_t ns = atomic_load_explicit(&s->sum_ns, memory_order_relaxed);
            rs_buf_printf(b, "%s_sum%s%s%s %.9f\n", f->name, open, k, close, (double)ns / 1e9);
            /* count = sum of buckets, so a concurrent observe never makes
             * _count disagree with the +Inf bucket */
            rs_buf_printf(b, "%s_count%s%s%s %llu\n", f->name, open, k, close,
                          (unsigned long long)cum);
        }
    }
}

char *rs_metrics_render(void)
{
    rs_buf b = {0};
    rs_metrics_register(&dropped);
    pthread_mutex_lock(&render_mu);
    for (int i = 0; i < MAX_COLLECTORS; i++)
        if (collectors[i].fn)
            collectors[i].fn(collectors[i].ud);
    pthread_mutex_lock(&reg_mu);
    rs_mfamily *head = reg_head;
    pthread_mutex_unlock(&reg_mu);
    /* families are only ever appended: walking without the lock is safe
     * once next_ is read under it */
    for (rs_mfamily *f = head; f;) {
        render_family(&b, f);
        pthread_mutex_lock(&reg_mu);
        f = f->next_;
        pthread_mutex_unlock(&reg_mu);
    }
    pthread_mutex_unlock(&render_mu);
    return rs_buf_take(&b);
}

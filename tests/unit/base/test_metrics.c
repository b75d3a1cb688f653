/* test_metrics.c - the metrics registry and its Prometheus text rendering. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rs_metrics.h"

static rs_mfamily t_counter = {.name = "t_requests_total",
                               .help = "Requests.",
                               .type = RS_M_COUNTER,
                               .labels = {"route", "code"}};
static rs_mfamily t_plain = {.name = "t_plain_total", .help = "No labels.", .type = RS_M_COUNTER};
static rs_mfamily t_gauge = {
    .name = "t_active", .help = "Active things.", .type = RS_M_GAUGE, .labels = {"pool"}};
static const double t_bounds[] = {0.1, 1};
static rs_mfamily t_hist = {.name = "t_duration_seconds",
                            .help = "Durations.",
                            .type = RS_M_HISTOGRAM,
                            .labels = {"route"},
                            .buckets = t_bounds,
                            .nbuckets = 2};
static rs_mfamily t_small = {
    .name = "t_many_total", .help = "Overflow.", .type = RS_M_COUNTER, .labels = {"k"}};

static int contains(const char *hay, const char *needle)
{
    return strstr(hay, needle) != NULL;
}

static void test_counter_render(void **state)
{
    (void)state;
    rs_metric_inc(&t_counter, (const char *[]){"invoke", "200"});
    rs_metric_inc(&t_counter, (const char *[]){"invoke", "200"});
    rs_metric_add(&t_counter, (const char *[]){"token", "400"}, 5);
    rs_metrics_register(&t_plain);
    char *txt = rs_metrics_render();
    assert_true(
        contains(txt, "# HELP t_requests_total Requests.\n# TYPE t_requests_total counter\n"));
    assert_true(contains(txt, "t_requests_total{route=\"invoke\",code=\"200\"} 2\n"));
    assert_true(contains(txt, "t_requests_total{route=\"token\",code=\"400\"} 5\n"));
    /* a family without labels shows 0 before its first use */
    assert_true(contains(txt, "# TYPE t_plain_total counter\nt_plain_total 0\n"));
    free(txt);
}

static void test_escaping(void **state)
{
    (void)state;
    rs_metric_inc(&t_counter, (const char *[]){"a\"b\\c\nd", "500"});
    char *txt = rs_metrics_render();
    assert_true(contains(txt, "t_requests_total{route=\"a\\\"b\\\\c\\nd\",code=\"500\"} 1\n"));
    free(txt);
}

static void test_gauge_clear(void **state)
{
    (void)state;
    rs_metric_set(&t_gauge, (const char *[]){"pool1"}, 3);
    rs_metric_set(&t_gauge, (const char *[]){"pool2"}, 0.5);
    char *txt = rs_metrics_render();
    assert_true(contains(txt, "t_active{pool=\"pool1\"} 3\n"));
    assert_true(contains(txt, "t_active{pool=\"pool2\"} 0.5\n"));
    free(txt);
    rs_metric_clear(&t_gauge);
    rs_metric_set(&t_gauge, (const char *[]){"pool1"}, 4);
    txt = rs_metrics_render();
    assert_true(contains(txt, "t_active{pool=\"pool1\"} 4\n"));
    assert_false(contains(txt, "pool2"));
    free(txt);
}

static void test_histogram(void **state)
{
    (void)state;
    rs_metric_observe(&t_hist, (const char *[]){"x"}, 0.05);
    rs_metric_observe(&t_hist, (const char *[]){"x"}, 0.5);
    rs_metric_observe(&t_hist, (const char *[]){"x"}, 3);
    rs_metric_observe(&t_hist, (const char *[]){"x"}, -1); /* counts as 0 */
    char *txt = rs_metrics_render();
    assert_true(contains(txt, "# TYPE t_duration_seconds histogram\n"));
    assert_true(contains(txt, "t_duration_seconds_bucket{route=\"x\",le=\"0.1\"} 2\n"));
    assert_true(contains(txt, "t_duration_seconds_bucket{route=\"x\",le=\"1\"} 3\n"));
    assert_true(contains(txt, "t_duration_seconds_bucket{route=\"x\",le=\"+Inf\"} 4\n"));
    assert_true(contains(txt, "t_duration_seconds_sum{route=\"x\"} 3.550000000\n"));
    assert_true(contains(txt, "t_duration_seconds_count{route=\"x\"} 4\n"));
    free(txt);
}

static void test_overflow(void **state)
{
    (void)state;
    char k[32];
    for (int i = 0; i < RS_M_MAX_SERIES + 10; i++) {
        snprintf(k, sizeof k, "v%d", i);
        rs_metric_inc(&t_small, (const char *[]){k});
    }
    /* the table is full: existing series still count, new ones are dropped */
    rs_metric_inc(&t_small, (const char *[]){"v0"});
    char *txt = rs_metrics_render();
    assert_true(contains(txt, "t_many_total{k=\"v0\"} 2\n"));
    snprintf(k, sizeof k, "k=\"v%d\"", RS_M_MAX_SERIES + 5);
    assert_false(contains(txt, k));
    snprintf(k, sizeof k, "k=\"v%d\"", RS_M_MAX_SERIES - 1);
    assert_true(contains(txt, k));
    assert_true(
        contains(txt, "roomsys_metrics_series_dropped_total{family=\"t_many_total\"} 10\n"));
    free(txt);
}

static rs_mfamily t_conc = {
    .name = "t_concurrent_total", .help = "Threads.", .type = RS_M_COUNTER, .labels = {"k"}};

static void *hammer(void *arg)
{
    (void)arg;
    static const char *const keys[] = {"a", "b", "c", "d"};
    for (int i = 0; i < 100000; i++)
        rs_metric_inc(&t_conc, (const char *[]){keys[i & 3]});
    return NULL;
}

static void test_concurrency(void **state)
{
    (void)state;
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, hammer, NULL);
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    char *txt = rs_metrics_render();
    assert_true(contains(txt, "t_concurrent_total{k=\"a\"} 100000\n"));
    assert_true(contains(txt, "t_concurrent_total{k=\"d\"} 100000\n"));
    free(txt);
}

static int collected;
static void collector(void *ud)
{
    collected++;
    rs_metric_set(&t_gauge, (const char *[]){"fromcollector"}, *(double *)ud);
}

static void test_collector(void **state)
{
    (void)state;
    double v = 7;
    rs_metrics_collector_add(collector, &v);
    char *txt = rs_metrics_render();
    assert_int_equal(collected, 1);
    assert_true(contains(txt, "t_active{pool=\"fromcollector\"} 7\n"));
    free(txt);
    rs_metrics_collector_remove(collector, &v);
    free(rs_metrics_render());
    assert_int_equal(collected, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counter_render), cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_gauge_clear),    cmocka_unit_test(test_histogram),
        cmocka_unit_test(test_overflow),       cmocka_unit_test(test_concurrency),
        cmocka_unit_test(test_collector),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

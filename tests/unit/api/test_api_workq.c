/* test_api_workq.c - the bounded worker queue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "api_internal.h"

static atomic_int ran;
static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static bool gate_open;
static atomic_int blocked;

static void count_job(void *arg)
{
    (void)arg;
    atomic_fetch_add(&ran, 1);
}

static void gated_job(void *arg)
{
    (void)arg;
    atomic_fetch_add(&blocked, 1);
    pthread_mutex_lock(&gate_mu);
    while (!gate_open)
        pthread_cond_wait(&gate_cv, &gate_mu);
    pthread_mutex_unlock(&gate_mu);
    atomic_fetch_add(&ran, 1);
}

static void test_runs_everything(void **state)
{
    (void)state;
    api_workq *q;
    rs_err e;
    atomic_store(&ran, 0);
    assert_int_equal(api_workq_create(4, 1000, &q, &e), RS_OK);
    for (int i = 0; i < 1000; i++)
        assert_true(api_workq_submit(q, count_job, NULL));
    api_workq_destroy(q); /* drains */
    assert_int_equal(atomic_load(&ran), 1000);
}

static void test_bounded_and_drain(void **state)
{
    (void)state;
    api_workq *q;
    rs_err e;
    atomic_store(&ran, 0);
    atomic_store(&blocked, 0);
    gate_open = false;
    assert_int_equal(api_workq_create(2, 3, &q, &e), RS_OK);
    /* two jobs occupy the workers ... */
    assert_true(api_workq_submit(q, gated_job, NULL));
    assert_true(api_workq_submit(q, gated_job, NULL));
    while (atomic_load(&blocked) < 2)
        usleep(1000);
    /* ... three fill the queue, the fourth is refused */
    assert_true(api_workq_submit(q, gated_job, NULL));
    assert_true(api_workq_submit(q, gated_job, NULL));
    assert_true(api_workq_submit(q, gated_job, NULL));
    assert_int_equal(api_workq_pending(q), 3);
    assert_false(api_workq_submit(q, gated_job, NULL));

    pthread_mutex_lock(&gate_mu);
    gate_open = true;
    pthread_cond_broadcast(&gate_cv);
    pthread_mutex_unlock(&gate_mu);
    api_workq_shutdown(q);
    assert_int_equal(atomic_load(&ran), 5);
    /* after shutdown: refused, still safe to call */
    assert_false(api_workq_submit(q, count_job, NULL));
    api_workq_shutdown(q);
    api_workq_destroy(q);
    api_workq_destroy(NULL);
}

static void test_bad_args(void **state)
{
    (void)state;
    api_workq *q = (api_workq *)1;
    rs_err e;
    assert_int_equal(api_workq_create(0, 10, &q, &e), RS_EINVAL);
    assert_null(q);
    assert_int_equal(api_workq_create(1, 0, &q, &e), RS_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runs_everything),
        cmocka_unit_test(test_bounded_and_drain),
        cmocka_unit_test(test_bad_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

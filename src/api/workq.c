/* workq.c - bounded job queue served by a fixed pool of worker threads.
 *
 * A ring buffer of (fn, arg) under one mutex; workers wait on `nonempty`.
 * Submission never blocks: a full queue is refused so the network thread can
 * answer 503 at once. Destruction refuses new jobs, lets the workers finish
 * everything already queued, and joins them. */
#include "api_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "rs_util.h"

typedef struct job {
    api_job_fn fn;
    void *arg;
} job;

struct api_workq {
    pthread_mutex_t mu;
    pthread_cond_t nonempty;
    job *ring;
    size_t cap, head, count;
    bool stopping;
    int nthreads;
    pthread_t *threads;
};

static void *worker_main(void *arg)
{
    api_workq *q = arg;
    for (;;) {
        pthread_mutex_lock(&q->mu);
        while (q->count == 0 && !q->stopping)
            pthread_cond_wait(&q->nonempty, &q->mu);
        if (q->count == 0) { /* stopping and drained */
            pthread_mutex_unlock(&q->mu);
            return NULL;
        }
        job j = q->ring[q->head];
        q->head = (q->head + 1) % q->cap;
        q->count--;
        pthread_mutex_unlock(&q->mu);
        j.fn(j.arg);
    }
}

rs_status api_workq_create(int nthreads, size_t capacity, api_workq **out, rs_err *err)
{
    *out = NULL;
    if (nthreads < 1 || capacity < 1)
        return rs_errf(err, RS_EINVAL, "worker pool needs at least one thread and one slot");
    api_workq *q = rs_calloc(1, sizeof *q);
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->nonempty, NULL);
    q->ring = rs_calloc(capacity, sizeof *q->ring);
    q->cap = capacity;
    q->threads = rs_calloc((size_t)nthreads, sizeof *q->threads);
    for (int i = 0; i < nthreads; i++) {
        int rc = pthread_create(&q->threads[i], NULL, worker_main, q);
        if (rc != 0) {
            api_workq_destroy(q);
            return rs_errf(err, RS_EINTERNAL, "cannot start worker thread: %s", strerror(rc));
        }
        q->nthreads = i + 1;
    }
    *out = q;
    return RS_OK;
}

bool api_workq_submit(api_workq *q, api_job_fn fn, void *arg)
{
    bool ok = false;
    pthread_mutex_lock(&q->mu);
    if (!q->stopping && q->count < q->cap) {
        q->ring[(q->head + q->count) % q->cap] = (job){fn, arg};
        q->count++;
        ok = true;
        pthread_cond_signal(&q->nonempty);
    }
    pthread_mutex_unlock(&q->mu);
    return ok;
}

size_t api_workq_pending(api_workq *q)
{
    pthread_mutex_lock(&q->mu);
    size_t n = q->count;
    pthread_mutex_unlock(&q->mu);
    return n;
}

void api_workq_shutdown(api_workq *q)
{
    if (!q)
        return;
    pthread_mutex_lock(&q->mu);
    q->stopping = true;
    pthread_cond_broadcast(&q->nonempty);
    int n = q->nthreads;
    q->nthreads = 0; /* joined below; a second shutdown joins nothing */
    pthread_mutex_unlock(&q->mu);
    for (int i = 0; i < n; i++)
        pthread_join(q->threads[i], NULL);
}

void api_workq_destroy(api_workq *q)
{
    if (!q)
        return;
    api_workq_shutdown(q);
    pthread_cond_destroy(&q->nonempty);
    pthread_mutex_destroy(&q->mu);
    free(q->threads);
    free(q->ring);
    free(q);
}

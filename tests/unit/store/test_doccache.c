/* Unit tests for store/store_doccache and its use by store_get(): repeated
 * reads are served from memory, every answer equals what SQLite holds through
 * puts, deletes, commits and rollbacks (a transaction that wrote never reads
 * the cache), callers own what they get, and the cache stays bounded. Real
 * SQLite file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "store_doccache.h"

#define STORE_FIXTURE_NAME "doccache"
#include "store_fixture.h"

static uint64_t hits(store_t *st)
{
    uint64_t h, m;
    size_t b;
    store_doccache_counts(store_doccache_of(st), &h, &m, &b);
    return h;
}

/* store_get must answer name's current value (or ENOTFOUND when want is NULL). */
static void expect(store_t *st, const char *id, const char *want)
{
    json_t *got = NULL;
    if (!want) {
        assert_int_equal(store_get(st, "t1", "mailbox", id, &got, NULL), RS_ENOTFOUND);
        assert_null(got);
        return;
    }
    assert_int_equal(store_get(st, "t1", "mailbox", id, &got, NULL), RS_OK);
    assert_string_equal(json_string_value(json_object_get(got, "Name")), want);
    json_decref(got);
}

static void put(store_t *st, const char *id, const char *name)
{
    json_t *doc = json_pack("{s:s,s:i}", "Name", name, "Capacity", 8);
    assert_int_equal(store_put(st, "t1", "mailbox", id, doc, NULL), RS_OK);
    json_decref(doc);
}

static void test_repeated_reads_hit(void **state)
{
    store_t *st = *state;
    assert_non_null(store_doccache_of(st));
    put(st, "id1", "Room A");
    expect(st, "id1", "Room A"); /* read from SQLite, kept */
    uint64_t h0 = hits(st);
    expect(st, "id1", "Room A");
    expect(st, "id1", "Room A");
    assert_int_equal(hits(st), h0 + 2);
    /* the caller owns its copy: changing it changes nothing stored or cached */
    json_t *got = NULL;
    assert_int_equal(store_get(st, "t1", "mailbox", "id1", &got, NULL), RS_OK);
    json_object_set_new(got, "Name", json_string("Scribbled"));
    json_object_clear(got);
    json_decref(got);
    expect(st, "id1", "Room A");
    /* other scopes and kinds are other documents */
    assert_int_equal(store_get(st, "t2", "mailbox", "id1", &got, NULL), RS_ENOTFOUND);
    assert_int_equal(store_get(st, "t1", "user", "id1", &got, NULL), RS_ENOTFOUND);
}

static void test_changes_seen(void **state)
{
    store_t *st = *state;
    put(st, "id1", "Room A");
    put(st, "id2", "Room B");
    expect(st, "id1", "Room A");
    expect(st, "id2", "Room B");
    put(st, "id1", "Room A2"); /* autocommit write */
    expect(st, "id1", "Room A2");
    uint64_t h1 = hits(st);
    expect(st, "id2", "Room B"); /* a change elsewhere leaves the entry good */
    assert_int_equal(hits(st), h1 + 1);
    assert_int_equal(store_del(st, "t1", "mailbox", "id2", NULL), RS_OK);
    expect(st, "id2", NULL);
    expect(st, "id1", "Room A2");
    /* a committed transaction */
    assert_int_equal(store_begin(st, NULL), RS_OK);
    expect(st, "id1", "Room A2"); /* before writing: from the cache */
    put(st, "id1", "Room A3");
    expect(st, "id1", "Room A3"); /* our own write, not the cached value */
    assert_int_equal(store_commit(st, NULL), RS_OK);
    expect(st, "id1", "Room A3");
    expect(st, "id1", "Room A3");
}

static void test_rollback_seen(void **state)
{
    store_t *st = *state;
    put(st, "id1", "Room A");
    expect(st, "id1", "Room A");
    expect(st, "id1", "Room A");
    assert_int_equal(store_begin(st, NULL), RS_OK);
    put(st, "id1", "Room Z");
    put(st, "id3", "Room C");
    expect(st, "id1", "Room Z");
    expect(st, "id3", "Room C");
    store_rollback(st);
    expect(st, "id1", "Room A"); /* nothing read while dirty was kept */
    expect(st, "id3", NULL);
    expect(st, "id1", "Room A");
    /* a transaction that only read leaves entries valid */
    uint64_t h0 = hits(st);
    assert_int_equal(store_begin(st, NULL), RS_OK);
    expect(st, "id1", "Room A");
    assert_int_equal(store_commit(st, NULL), RS_OK);
    expect(st, "id1", "Room A");
    assert_true(hits(st) >= h0 + 2);
}

/* Another thread's commit is seen by the next read. */
typedef struct writer {
    store_t *st;
    atomic_int go, done;
} writer;

static void *write_main(void *arg)
{
    writer *w = arg;
    while (!atomic_load(&w->go))
        usleep(100);
    put(w->st, "id1", "Room W");
    atomic_store(&w->done, 1);
    return NULL;
}

static void test_other_thread(void **state)
{
    store_t *st = *state;
    put(st, "id1", "Room A");
    expect(st, "id1", "Room A");
    writer w = {.st = st};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, write_main, &w), 0);
    expect(st, "id1", "Room A");
    atomic_store(&w.go, 1);
    pthread_join(th, NULL);
    assert_true(atomic_load(&w.done));
    expect(st, "id1", "Room W");
}

/* The module alone: generations, collisions, size limits, budget. */
static void test_module_bounds(void **state)
{
    (void)state;
    store_doccache *c = store_doccache_new(4);
    json_t *doc = json_pack("{s:s}", "Name", "x");
    store_doccache_put(c, 7, "t", "k", "a", doc, 20);
    json_t *got = store_doccache_get(c, 7, "t", "k", "a");
    assert_non_null(got);
    assert_true(json_equal(got, doc));
    assert_ptr_not_equal(got, doc);
    json_decref(got);
    assert_null(store_doccache_get(c, 8, "t", "k", "a")); /* changed after it was read */
    got = store_doccache_get(c, 5, "t", "k", "a");        /* changed before it was read */
    assert_non_null(got);
    json_decref(got);
    assert_null(store_doccache_get(c, 7, "t", "k", "b"));
    assert_null(store_doccache_get(c, 7, "t", "ka", "")); /* the key's parts are not run together */
    /* too large a document is not kept */
    store_doccache_put(c, 7, "t", "k", "big", doc, STORE_DOCCACHE_MAX_TEXT + 1);
    assert_null(store_doccache_get(c, 7, "t", "k", "big"));
    /* four slots hold at most four documents; text bytes follow what is kept */
    char id[16];
    for (int i = 0; i < 100; i++) {
        snprintf(id, sizeof id, "id%d", i);
        store_doccache_put(c, 9, "t", "k", id, doc, 100);
    }
    uint64_t h, m;
    size_t bytes;
    store_doccache_counts(c, &h, &m, &bytes);
    assert_true(bytes <= 4 * 100);
    assert_true(bytes >= 100);
    int kept = 0;
    for (int i = 0; i < 100; i++) {
        snprintf(id, sizeof id, "id%d", i);
        json_t *g = store_doccache_get(c, 9, "t", "k", id);
        kept += g != NULL;
        json_decref(g);
    }
    assert_true(kept >= 1 && kept <= 4);
    store_doccache_free(c);
    /* the text budget */
    c = store_doccache_new(4096);
    for (int i = 0; i < 4096; i++) {
        snprintf(id, sizeof id, "id%d", i);
        store_doccache_put(c, 1, "t", "k", id, doc, STORE_DOCCACHE_MAX_TEXT);
    }
    store_doccache_counts(c, &h, &m, &bytes);
    assert_true(bytes <= STORE_DOCCACHE_BUDGET);
    assert_true(bytes > 0);
    store_doccache_free(c);
    store_doccache_free(NULL);
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_repeated_reads_hit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_changes_seen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback_seen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_thread, setup, teardown),
        cmocka_unit_test(test_module_bounds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

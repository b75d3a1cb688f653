/* Unit tests for store/ on a real SQLite file: documents, unique keys,
 * transactions, the change feed, schema versioning. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"

#define STORE_FIXTURE_NAME "store"
#include "store_fixture.h"

static void test_documents(void **state)
{
    store_t *st = *state;
    json_t *doc = json_pack("{s:s,s:i}", "Name", "Room", "Capacity", 8), *got = NULL;
    assert_int_equal(store_put(st, "t1", "mailbox", "id1", doc, NULL), RS_OK);
    assert_int_equal(store_get(st, "t1", "mailbox", "id1", &got, NULL), RS_OK);
    assert_true(json_equal(doc, got));
    json_decref(got);
    /* scoped by tenant */
    assert_int_equal(store_get(st, "t2", "mailbox", "id1", &got, NULL), RS_ENOTFOUND);
    assert_int_equal(store_del(st, "t1", "mailbox", "id1", NULL), RS_OK);
    assert_int_equal(store_get(st, "t1", "mailbox", "id1", &got, NULL), RS_ENOTFOUND);
    json_decref(doc);
}

static void test_keys(void **state)
{
    store_t *st = *state;
    char *owner = NULL, *id = NULL;
    assert_int_equal(store_key_set(st, "t1", "user", "upn:a@x", "u1", NULL, NULL), RS_OK);
    assert_int_equal(store_key_set(st, "t1", "user", "upn:a@x", "u1", NULL, NULL), RS_OK);
    assert_int_equal(store_key_set(st, "t1", "user", "upn:a@x", "u2", &owner, NULL), RS_ECONFLICT);
    assert_string_equal(owner, "u1");
    free(owner);
    assert_int_equal(store_key_set(st, "t2", "user", "upn:a@x", "u9", NULL, NULL), RS_OK);
    assert_int_equal(store_key_get(st, "t1", "user", "upn:a@x", &id, NULL), RS_OK);
    assert_string_equal(id, "u1");
    free(id);
    assert_int_equal(store_key_del_id(st, "t1", "user", "u1", NULL), RS_OK);
    assert_int_equal(store_key_get(st, "t1", "user", "upn:a@x", &id, NULL), RS_ENOTFOUND);
}

static void test_rollback(void **state)
{
    store_t *st = *state;
    json_t *doc = json_pack("{s:s}", "a", "b"), *got = NULL;
    assert_int_equal(store_begin(st, NULL), RS_OK);
    assert_int_equal(store_put(st, "t1", "k", "x", doc, NULL), RS_OK);
    store_rollback(st);
    assert_int_equal(store_get(st, "t1", "k", "x", &got, NULL), RS_ENOTFOUND);
    assert_int_equal(store_begin(st, NULL), RS_OK);
    assert_int_equal(store_put(st, "t1", "k", "x", doc, NULL), RS_OK);
    assert_int_equal(store_commit(st, NULL), RS_OK);
    assert_int_equal(store_get(st, "t1", "k", "x", &got, NULL), RS_OK);
    json_decref(got);
    json_decref(doc);
}

static int collect(void *ud, int64_t seq, const char *tenant, const char *topic, const char *id,
                   int64_t due_ms, json_t *doc)
{
    int *n = ud;
    (*n)++;
    return 0;
}

static void test_feed_due(void **state)
{
    store_t *st = *state;
    json_t *doc = json_object();
    assert_int_equal(store_feed_append(st, "t1", "user", "u1", 100, doc, NULL), RS_OK);
    assert_int_equal(store_feed_append(st, "t1", "user", "u2", 200, doc, NULL), RS_OK);
    assert_int_equal(store_feed_append(st, "t1", "user", "u3", 150, doc, NULL), RS_OK);
    int n = 0;
    assert_int_equal(store_feed_read(st, 0, 50, 10, collect, &n, NULL), RS_OK);
    assert_int_equal(n, 0);
    n = 0; /* ordered: stops at the first event not due yet */
    assert_int_equal(store_feed_read(st, 0, 160, 10, collect, &n, NULL), RS_OK);
    assert_int_equal(n, 1);
    n = 0;
    assert_int_equal(store_feed_read(st, 0, 1000, 10, collect, &n, NULL), RS_OK);
    assert_int_equal(n, 3);
    assert_int_equal(store_feed_trim(st, 2, NULL), RS_OK);
    n = 0;
    assert_int_equal(store_feed_read(st, 0, 1000, 10, collect, &n, NULL), RS_OK);
    assert_int_equal(n, 1);
    int64_t cur = -1;
    assert_int_equal(store_cursor_set(st, "c", 2, NULL), RS_OK);
    assert_int_equal(store_cursor_get(st, "c", &cur, NULL), RS_OK);
    assert_int_equal(cur, 2);
    json_decref(doc);
}

static void test_newer_schema_refused(void **state)
{
    store_close(*state);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version=999", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    store_t *st = NULL;
    rs_err err;
    assert_int_equal(store_open(path, &st, &err), RS_ESTORE);
    assert_non_null(strstr(err.msg, "newer than this roomsysd"));
    assert_int_equal(store_open(":memory:", (store_t **)state, NULL), RS_OK);
}

/* store_open_soft: same documents, WAL, but synchronous=NORMAL (1), and it
 * survives a reopen. */
static void test_soft_store(void **state)
{
    store_close(*state);
    unlink(path);
    store_t *st = NULL;
    assert_int_equal(store_open_soft(path, &st, NULL), RS_OK);
    json_t *doc = json_pack("{s:i}", "n", 7);
    assert_int_equal(store_put(st, "", "binding", "room@contoso.com", doc, NULL), RS_OK);
    json_decref(doc);
    store_close(st);
    sqlite3 *db;
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(s, 0), "wal");
    sqlite3_finalize(s);
    sqlite3_close(db);
    assert_int_equal(store_open_soft(path, &st, NULL), RS_OK);
    json_t *got = NULL;
    assert_int_equal(store_get(st, "", "binding", "room@contoso.com", &got, NULL), RS_OK);
    assert_int_equal(json_integer_value(json_object_get(got, "n")), 7);
    json_decref(got);
    *state = st;
}

/* Group commit: a commit that does not defer returns only once the sync
 * thread has synced past it, from any number of threads. */
typedef struct {
    store_t *st;
    int fails;
} committer;

static void *commit_many(void *arg)
{
    committer *c = arg;
    for (int i = 0; i < 100; i++) {
        uint64_t before = store_generation(c->st);
        json_t *doc = json_pack("{s:i}", "i", i);
        char id[32];
        snprintf(id, sizeof id, "%p-%d", (void *)c, i);
        if (store_begin(c->st, NULL) || store_put(c->st, "t", "k", id, doc, NULL) ||
            store_commit(c->st, NULL))
            c->fails++;
        json_decref(doc);
        /* our ticket is above `before`, and it is durable */
        if (store_durable_generation(c->st) <= before)
            c->fails++;
    }
    return NULL;
}

static void test_group_commit_waits(void **state)
{
    store_t *st = *state;
    json_t *doc = json_pack("{s:i}", "n", 1);
    assert_int_equal(store_put(st, "t", "k", "implicit", doc, NULL), RS_OK);
    /* an implicit transaction waits too */
    assert_true(store_durable_generation(st) >= store_generation(st));
    json_decref(doc);
    committer c[4] = {{st, 0}, {st, 0}, {st, 0}, {st, 0}};
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, commit_many, &c[i]), 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(c[i].fails, 0);
    }
    int64_t n = 0;
    assert_int_equal(store_count(st, "t", "k", &n, NULL), RS_OK);
    assert_int_equal(n, 401);
    assert_false(store_failed(st));
}

typedef struct {
    int calls;
    rs_status status;
    uint64_t durable_at_call;
    store_t *st;
} durable_seen;

static void on_durable_count(void *ud, rs_status status)
{
    durable_seen *d = ud;
    d->calls++;
    d->status = status;
}

static void on_durable(void *ud, rs_status status)
{
    durable_seen *d = ud;
    d->calls++;
    d->status = status;
    d->durable_at_call = store_durable_generation(d->st);
}

/* A deferring thread's commit returns at once; store_when_durable calls back
 * once the sync covers it, exactly once. */
static void test_group_commit_deferred(void **state)
{
    store_t *st = *state;
    store_defer_durability(1);
    durable_seen d[20];
    uint64_t ticket[20];
    memset(d, 0, sizeof d);
    for (int i = 0; i < 20; i++) {
        json_t *doc = json_pack("{s:i}", "i", i);
        char id[16];
        snprintf(id, sizeof id, "d%d", i);
        assert_int_equal(store_begin(st, NULL), RS_OK);
        assert_int_equal(store_put(st, "t", "k", id, doc, NULL), RS_OK);
        assert_int_equal(store_commit(st, NULL), RS_OK);
        json_decref(doc);
        ticket[i] = store_generation(st);
        d[i].st = st;
        store_when_durable(st, ticket[i], on_durable, &d[i]);
    }
    store_defer_durability(0);
    store_durable_drain(st);
    for (int i = 0; i < 20; i++) {
        assert_int_equal(d[i].calls, 1);
        assert_int_equal(d[i].status, RS_OK);
        assert_true(d[i].durable_at_call >= ticket[i]);
    }
    /* already durable: called at once, on this thread */
    durable_seen now = {.st = st};
    store_when_durable(st, store_generation(st), on_durable, &now);
    assert_int_equal(now.calls, 1);
    assert_int_equal(now.status, RS_OK);
}

/* What a deferred commit wrote survives closing the store: close syncs what
 * is left and runs the callbacks still waiting. */
static void test_group_commit_close(void **state)
{
    store_t *st = *state;
    store_defer_durability(1);
    json_t *doc = json_pack("{s:i}", "n", 42);
    assert_int_equal(store_put(st, "t", "k", "last", doc, NULL), RS_OK);
    json_decref(doc);
    durable_seen d = {.st = NULL};
    store_when_durable(st, store_generation(st), on_durable_count, &d);
    store_defer_durability(0);
    store_close(st);
    assert_int_equal(d.calls, 1);
    assert_int_equal(store_open(path, &st, NULL), RS_OK);
    json_t *got = NULL;
    assert_int_equal(store_get(st, "t", "k", "last", &got, NULL), RS_OK);
    assert_int_equal(json_integer_value(json_object_get(got, "n")), 42);
    json_decref(got);
    *state = st;
}

/* The sync thread checkpoints: the WAL's frames reach the database file
 * while commits go on (SQLite's own automatic checkpoint is off). */
static void test_checkpoints(void **state)
{
    store_t *st = *state;
    char big[4001];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    json_t *doc = json_pack("{s:s}", "pad", big);
    for (int i = 0; i < 4000; i++) { /* about 16 MB of WAL frames */
        char id[16];
        snprintf(id, sizeof id, "c%d", i);
        assert_int_equal(store_put(st, "t", "k", id, doc, NULL), RS_OK);
    }
    json_decref(doc);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_true(sb.st_size > (4 << 20)); /* checkpointed into the database */
    char wal[80];
    snprintf(wal, sizeof wal, "%s-wal", path);
    assert_int_equal(stat(wal, &sb), 0);
    assert_true(sb.st_size < (14 << 20)); /* and the WAL restarted */
    int64_t n = 0;
    assert_int_equal(store_count(st, "t", "k", &n, NULL), RS_OK);
    assert_int_equal(n, 4000);
}

/* Read sets: stale when what was read changes, not when anything changes. */
static void test_readsets(void **state)
{
    store_t *st = *state;
    json_t *doc = json_pack("{s:i}", "n", 1);
    assert_int_equal(store_put(st, "t", "user", "a", doc, NULL), RS_OK);
    assert_int_equal(store_put(st, "t", "user", "b", doc, NULL), RS_OK);
    assert_int_equal(store_key_set(st, "t", "upn", "a@x", "a", NULL, NULL), RS_OK);
    assert_int_equal(store_key_set(st, "t", "upn", "b@x", "b", NULL, NULL), RS_OK);

    store_readset rs;
    json_t *got = NULL;
    char *id = NULL;
    store_track_begin(st, &rs);
    assert_int_equal(store_key_get(st, "t", "upn", "a@x", &id, NULL), RS_OK);
    assert_int_equal(store_get(st, "t", "user", id, &got, NULL), RS_OK);
    store_track_end();
    free(id);
    json_decref(got);
    assert_int_equal(rs.n, 2);
    assert_false(rs.all);
    assert_true(store_readset_current(st, &rs));
    /* other documents and keys change: still current */
    assert_int_equal(store_put(st, "t", "user", "b", doc, NULL), RS_OK);
    assert_int_equal(store_key_del(st, "t", "upn", "b@x", NULL), RS_OK);
    assert_true(store_readset_current(st, &rs));
    /* a rolled-back write to what was read makes it stale (early, never late) */
    store_readset rs2 = rs;
    assert_int_equal(store_begin(st, NULL), RS_OK);
    assert_int_equal(store_put(st, "t", "user", "a", doc, NULL), RS_OK);
    store_rollback(st);
    assert_false(store_readset_current(st, &rs2));
    /* the document read changes */
    store_track_begin(st, &rs);
    assert_int_equal(store_get(st, "t", "user", "a", &got, NULL), RS_OK);
    store_track_end();
    json_decref(got);
    assert_true(store_readset_current(st, &rs));
    assert_int_equal(store_put(st, "t", "user", "a", doc, NULL), RS_OK);
    assert_false(store_readset_current(st, &rs));
    /* a key read goes when its id's keys are removed */
    store_track_begin(st, &rs);
    assert_int_equal(store_key_get(st, "t", "upn", "a@x", &id, NULL), RS_OK);
    store_track_end();
    free(id);
    assert_true(store_readset_current(st, &rs));
    assert_int_equal(store_key_del_id(st, "t", "upn", "a", NULL), RS_OK);
    assert_false(store_readset_current(st, &rs));
    /* a scan cannot be tracked: any commit makes the set stale */
    int64_t n;
    store_track_begin(st, &rs);
    assert_int_equal(store_count(st, "t", "user", &n, NULL), RS_OK);
    store_track_end();
    assert_true(rs.all);
    assert_true(store_readset_current(st, &rs));
    assert_int_equal(store_put(st, "t", "other", "z", doc, NULL), RS_OK);
    assert_false(store_readset_current(st, &rs));
    /* reads after store_track_end are not recorded */
    store_track_begin(st, &rs);
    store_track_end();
    assert_int_equal(store_get(st, "t", "user", "a", &got, NULL), RS_OK);
    json_decref(got);
    assert_int_equal(rs.n, 0);
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_documents, setup, teardown),
        cmocka_unit_test_setup_teardown(test_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_feed_due, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_soft_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_group_commit_waits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_group_commit_deferred, setup, teardown),
        cmocka_unit_test_setup_teardown(test_group_commit_close, setup, teardown),
        cmocka_unit_test_setup_teardown(test_readsets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checkpoints, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

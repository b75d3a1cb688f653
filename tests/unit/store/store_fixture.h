/* store_fixture.h - the cmocka fixture the store's unit tests share: a fresh
 * store on a real SQLite file under /tmp named after the test and the
 * process, removed with its WAL and shared-memory files afterwards.
 * Include after cmocka.h and store.h; define STORE_FIXTURE_NAME first. */
#ifndef STORE_FIXTURE_H
#define STORE_FIXTURE_H

#include <stdio.h>
#include <unistd.h>

static char path[64];

static int setup(void **state)
{
    snprintf(path, sizeof path, "/tmp/rs_%s_%d.db", STORE_FIXTURE_NAME, (int)getpid());
    unlink(path);
    store_t *st;
    assert_int_equal(store_open(path, &st, NULL), RS_OK);
    *state = st;
    return 0;
}

static int teardown(void **state)
{
    store_close(*state);
    char buf[80];
    unlink(path);
    snprintf(buf, sizeof buf, "%s-wal", path);
    unlink(buf);
    snprintf(buf, sizeof buf, "%s-shm", path);
    unlink(buf);
    return 0;
}

#endif

/* test_sip_persist.c - write-behind binding persistence in the core
 * (src/sip/sip_loc.c dirty tracking, sip_core.c take/load): which AoRs are
 * handed over and when, what a snapshot holds, and what a restart restores. */
#include "sip_test.h"

static const char *ROOM = "room00042@contoso.onmicrosoft.com";
static const char *PW = "Pw-00042-x9";
static const char *ROOM2 = "room00043@contoso.onmicrosoft.com";
static const char *PW2 = "Pw-00043-x9";

/* ---- a fake saved copy: AoR -> bindings, as a persister would keep it ---- */
enum { SAVED_MAX = 8, SAVED_B = 12 };
typedef struct saved_b {
    char uri[256], call_id[128], instance[128], pool[64], src_ip[46];
    int has_instance, reg_id, q, src_port, transport;
    uint32_t cseq;
    int64_t expires_ms;
} saved_b;
typedef struct saved {
    char aor[128];
    int n;
    saved_b b[SAVED_B];
} saved;
typedef struct db {
    saved s[SAVED_MAX];
    int n;
    int calls;      /* callback invocations in the last take */
    int loads;      /* persist_load calls */
    int finals;     /* persist_final calls */
    int final_aors; /* AoRs written by persist_final */
} db;

static void db_put(void *ud, const char *aor, const unsigned char *rec, size_t len)
{
    db *d = ud;
    d->calls++;
    sip_binding_rec b[SAVED_B];
    char *arena = NULL;
    int n = 0;
    if (len) { /* a saved record always holds at least one binding */
        n = sip_bindings_decode(rec, len, b, SAVED_B, &arena);
        assert_true(n > 0);
    }
    saved *s = NULL;
    for (int i = 0; i < d->n; i++)
        if (!strcmp(d->s[i].aor, aor))
            s = &d->s[i];
    if (!s) {
        assert_true(d->n < SAVED_MAX);
        s = &d->s[d->n++];
        snprintf(s->aor, sizeof s->aor, "%s", aor);
    }
    s->n = n;
    for (int i = 0; i < n && i < SAVED_B; i++) {
        saved_b *o = &s->b[i];
        memset(o, 0, sizeof *o);
        snprintf(o->uri, sizeof o->uri, "%s", b[i].uri);
        snprintf(o->call_id, sizeof o->call_id, "%s", b[i].call_id);
        o->has_instance = b[i].instance != NULL;
        snprintf(o->instance, sizeof o->instance, "%s", b[i].instance ? b[i].instance : "");
        snprintf(o->pool, sizeof o->pool, "%s", b[i].pool);
        snprintf(o->src_ip, sizeof o->src_ip, "%s", b[i].src_ip);
        o->reg_id = b[i].reg_id;
        o->q = b[i].q;
        o->src_port = b[i].src_port;
        o->transport = b[i].transport;
        o->cseq = b[i].cseq;
        o->expires_ms = b[i].expires_ms;
    }
    free(arena);
}

static const saved *db_get(const db *d, const char *aor)
{
    for (int i = 0; i < d->n; i++)
        if (!strcmp(d->s[i].aor, aor))
            return &d->s[i];
    return NULL;
}

static void db_load(void *ud, sip_core *c)
{
    db *d = ud;
    d->loads++;
    for (int i = 0; i < d->n; i++) {
        sip_binding_rec r[SAVED_B];
        const saved *s = &d->s[i];
        for (int k = 0; k < s->n; k++) {
            const saved_b *o = &s->b[k];
            r[k] = (sip_binding_rec){.uri = o->uri,
                                     .call_id = o->call_id,
                                     .instance = o->has_instance ? o->instance : NULL,
                                     .cseq = o->cseq,
                                     .reg_id = o->reg_id,
                                     .q = o->q,
                                     .pool = o->pool,
                                     .expires_ms = o->expires_ms,
                                     .src_ip = o->src_ip,
                                     .src_port = o->src_port,
                                     .transport = o->transport};
        }
        sip_core_load(c, s->aor, r, s->n);
    }
}

static void db_final(void *ud, sip_core *c)
{
    db *d = ud;
    d->finals++;
    d->final_aors += (int)sip_core_take_dirty(c, db_put, d);
}

static size_t take(sip_core *c, db *d)
{
    d->calls = 0;
    size_t n = sip_core_take_dirty(c, db_put, d);
    assert_int_equal((int)n, d->calls);
    return n;
}

static sip_core *core_with(db *d)
{
    sip_settings s = {.pools = t_pools,
                      .npools = 2,
                      .nonce_lifetime_s = 300,
                      .min_expires = 60,
                      .max_expires = 3600,
                      .default_expires = 3600};
    sip_provider p = {.lookup = t_lookup, .domain_served = t_domain_served};
    sip_options o;
    memset(&o, 0, sizeof o);
    o.secret = "unit-test-secret";
    o.secret_len = 16;
    o.nc_slots = 1024;
    o.security_log = t_logfn;
    o.clock_ms = t_clock;
    if (d) {
        o.persist_load = db_load;
        o.persist_final = db_final;
        o.persist_ud = d;
    }
    sip_core *c = NULL;
    rs_err err;
    assert_int_equal(sip_core_new(&s, &p, &o, &c, &err), RS_OK);
    return c;
}

static int signin(sip_core *c, t_ua *u, int pool)
{
    sip_recv_info ri = t_ri(pool, "192.0.2.7", 40000);
    sip_reply rep;
    memset(&rep, 0, sizeof rep);
    sip_msg *r = t_ua_signin(c, &ri, u, &rep);
    int code = r->status_code;
    sip_msg_free(r);
    sip_reply_free(&rep);
    return code;
}

typedef struct seen {
    int n;
    char contact[4][256];
    int expires[4];
    char pool[4][64];
} seen;

static void seen_cb(void *ud, const char *contact, int expires_in, const char *pool)
{
    seen *s = ud;
    if (s->n < 4) {
        snprintf(s->contact[s->n], sizeof s->contact[0], "%s", contact);
        s->expires[s->n] = expires_in;
        snprintf(s->pool[s->n], sizeof s->pool[0], "%s", pool);
    }
    s->n++;
}

static seen listed(sip_core *c, const char *aor)
{
    seen s;
    memset(&s, 0, sizeof s);
    sip_core_bindings(c, aor, seen_cb, &s);
    return s;
}

static void test_changes_are_handed_over_once(void **state)
{
    (void)state;
    t_now = 1767604443000LL;
    db d;
    memset(&d, 0, sizeof d);
    sip_core *c = core_with(&d);
    assert_int_equal(d.loads, 1);
    assert_int_equal(take(c, &d), 0); /* nothing changed yet */

    t_ua u;
    t_ua_init(&u, ROOM, PW);
    assert_int_equal(signin(c, &u, 0), 200);
    assert_int_equal(take(c, &d), 1);
    const saved *s = db_get(&d, ROOM);
    assert_non_null(s);
    assert_int_equal(s->n, 1);
    assert_string_equal(s->b[0].uri, "sip:room00042@10.0.0.9:5062;transport=udp");
    assert_string_equal(s->b[0].call_id, u.call_id);
    assert_string_equal(s->b[0].pool, "pool01.contoso.com");
    assert_string_equal(s->b[0].src_ip, "192.0.2.7");
    assert_int_equal(s->b[0].src_port, 40000);
    assert_int_equal(s->b[0].cseq, 2);
    /* absolute wall-clock expiry */
    assert_true(s->b[0].expires_ms == t_now + 3600 * 1000LL);
    assert_int_equal(take(c, &d), 0); /* handed over once */

    /* a challenge alone changes nothing */
    t_ua u2;
    t_ua_init(&u2, ROOM2, PW2);
    char *req = t_ua_register(&u2, NULL, 0);
    sip_recv_info ri = t_ri(0, "192.0.2.8", 40000);
    sip_reply rep;
    memset(&rep, 0, sizeof rep);
    sip_msg *r = t_send(c, &ri, req, &rep);
    free(req);
    assert_int_equal(r->status_code, 401);
    sip_msg_free(r);
    sip_reply_free(&rep);
    assert_int_equal(take(c, &d), 0);

    /* a refresh 200 s later (nonce still fresh) and a second room: two AoRs, each once */
    t_now += 200 * 1000;
    char *az = t_ua_authz(&u, ++u.nc, NULL, NULL);
    req = t_ua_register(&u, az, 0);
    memset(&rep, 0, sizeof rep);
    ri = t_ri(0, "192.0.2.7", 40000);
    r = t_send(c, &ri, req, &rep);
    assert_int_equal(r->status_code, 200);
    sip_msg_free(r);
    free(req);
    free(az);
    sip_reply_free(&rep);
    assert_int_equal(signin(c, &u2, 0), 200);
    assert_int_equal(take(c, &d), 2);
    assert_true(db_get(&d, ROOM)->b[0].expires_ms == t_now + 3600 * 1000LL);
    assert_int_equal(db_get(&d, ROOM)->b[0].cseq, 3);
    assert_int_equal(db_get(&d, ROOM2)->n, 1);

    /* an admin drop is a change too: n == 0 deletes the saved copy */
    sip_core_drop(c, ROOM2);
    assert_int_equal(take(c, &d), 1);
    assert_int_equal(db_get(&d, ROOM2)->n, 0);
    /* dropping an AoR without bindings is not */
    sip_core_drop(c, "nobody@contoso.onmicrosoft.com");
    assert_int_equal(take(c, &d), 0);

    /* sign-out (Expires: 0) */
    u.expires = 0;
    az = t_ua_authz(&u, ++u.nc, NULL, NULL);
    req = t_ua_register(&u, az, 0);
    memset(&rep, 0, sizeof rep);
    r = t_send(c, &ri, req, &rep);
    assert_int_equal(r->status_code, 200);
    sip_msg_free(r);
    free(req);
    free(az);
    sip_reply_free(&rep);
    assert_int_equal(take(c, &d), 1);
    assert_int_equal(db_get(&d, ROOM)->n, 0);

    /* change, then free: persist_final writes it */
    u.expires = 3600;
    assert_int_equal(signin(c, &u, 1), 301); /* pool02 is not its home: no change */
    assert_int_equal(signin(c, &u, 0), 200);
    sip_core_free(c);
    assert_int_equal(d.finals, 1);
    assert_int_equal(d.final_aors, 1);
    assert_int_equal(db_get(&d, ROOM)->n, 1);
}

static void test_restart_restores_unexpired(void **state)
{
    (void)state;
    t_now = 1767604443000LL;
    db d;
    memset(&d, 0, sizeof d);
    sip_core *c = core_with(&d);
    t_ua u, u2;
    t_ua_init(&u, ROOM, PW);
    t_ua_init(&u2, ROOM2, PW2);
    snprintf(u.contact, sizeof u.contact,
             "<sip:room00042@10.0.0.9:5062>;+sip.instance=\"<urn:uuid:00000000-0000-4000-8000-"
             "000000000042>\";q=0.5");
    assert_int_equal(signin(c, &u, 0), 200);
    u2.expires = 120;
    assert_int_equal(signin(c, &u2, 0), 200);
    sip_core_free(c); /* the final write saves both */
    assert_int_equal(d.n, 2);

    /* a "restart" 100 s later: both come back with their time left */
    t_now += 100 * 1000;
    sip_core *c2 = core_with(&d);
    assert_int_equal(take(c2, &d), 0); /* loading is not a change */
    seen s = listed(c2, ROOM);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.contact[0], "sip:room00042@10.0.0.9:5062");
    assert_int_equal(s.expires[0], 3500);
    assert_string_equal(s.pool[0], "pool01.contoso.com");
    s = listed(c2, ROOM2);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.expires[0], 20);
    sip_stats st;
    sip_core_stats(c2, &st);
    assert_int_equal((int)st.bindings, 2);
    assert_int_equal((int)st.aors, 2);
    /* instance and q survive: a refresh of the same instance replaces it */
    sip_core_free(c2);

    /* later than ROOM2's expiry: it is gone, ROOM stays */
    t_now += 30 * 1000;
    sip_core *c3 = core_with(&d);
    assert_int_equal(listed(c3, ROOM2).n, 0);
    assert_int_equal(listed(c3, ROOM).n, 1);
    sip_core_stats(c3, &st);
    assert_int_equal((int)st.bindings, 1);
    /* a REGISTER with the same instance from another contact replaces the
     * restored binding (so instance was restored) */
    snprintf(u.contact, sizeof u.contact,
             "<sip:room00042@10.0.0.10:5062>;+sip.instance=\"<urn:uuid:00000000-0000-4000-8000-"
             "000000000042>\"");
    t_ua_init(&u2, ROOM, PW);
    snprintf(u2.contact, sizeof u2.contact, "%s", u.contact);
    assert_int_equal(signin(c3, &u2, 0), 200);
    s = listed(c3, ROOM);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.contact[0], "sip:room00042@10.0.0.10:5062");
    sip_core_free(c3);
}

static void test_load_skips_bad_records(void **state)
{
    (void)state;
    t_now = 1767604443000LL;
    db d;
    memset(&d, 0, sizeof d);
    saved *s = &d.s[d.n++];
    snprintf(s->aor, sizeof s->aor, "%s", ROOM);
    s->n = 3;
    for (int i = 0; i < 3; i++) {
        snprintf(s->b[i].uri, sizeof s->b[i].uri, "sip:room00042@10.0.0.%d:5062", i + 1);
        snprintf(s->b[i].call_id, sizeof s->b[i].call_id, "cid-%d", i);
        snprintf(s->b[i].pool, sizeof s->b[i].pool, "pool01.contoso.com");
        s->b[i].expires_ms = t_now + 60000;
        s->b[i].reg_id = -1;
        s->b[i].q = -1;
    }
    s->b[1].expires_ms = t_now;                                          /* expired */
    snprintf(s->b[2].pool, sizeof s->b[2].pool, "pool77.elsewhere.com"); /* not served here */
    sip_core *c = core_with(&d);
    seen l = listed(c, ROOM);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.contact[0], "sip:room00042@10.0.0.1:5062");
    assert_int_equal(sip_core_load(c, ROOM2, NULL, 0), 0);
    assert_int_equal(listed(c, ROOM2).n, 0);
    sip_core_free(c);
}

static void test_no_tracking_without_persister(void **state)
{
    (void)state;
    t_now = 1767604443000LL;
    db d;
    memset(&d, 0, sizeof d);
    sip_core *c = core_with(NULL);
    t_ua u;
    t_ua_init(&u, ROOM, PW);
    assert_int_equal(signin(c, &u, 0), 200);
    assert_int_equal(take(c, &d), 0);
    sip_core_free(c);
}

/* The saved record: round trip, NULL vs empty strings, and every truncation
 * or corruption refused (never read past the record). */
static void test_record_codec(void **state)
{
    (void)state;
    sip_binding_rec in[2] = {
        {.uri = "sip:room1@192.0.2.1:5060;transport=tcp",
         .call_id = "abc@host",
         .instance = "<urn:uuid:00000000-0000-0000-0000-000000000001>",
         .cseq = 4000000000u,
         .reg_id = 1,
         .q = -1,
         .pool = "pool1.contoso.com",
         .expires_ms = 1800000000123LL,
         .src_ip = "2001:db8::1",
         .src_port = 65535,
         .transport = 2},
        {.uri = "sip:r@h",
         .call_id = "",
         .instance = NULL,
         .reg_id = -1,
         .q = 500,
         .pool = "p",
         .expires_ms = -5,
         .src_ip = NULL},
    };
    unsigned char *buf = NULL;
    size_t n = sip_bindings_encode(in, 2, &buf);
    sip_binding_rec out[3];
    char *arena = NULL;
    assert_int_equal(sip_bindings_decode(buf, n, out, 3, &arena), 2);
    assert_string_equal(out[0].uri, in[0].uri);
    assert_string_equal(out[0].instance, in[0].instance);
    assert_int_equal(out[0].cseq, 4000000000u);
    assert_int_equal(out[0].reg_id, 1);
    assert_int_equal(out[0].q, -1);
    assert_true(out[0].expires_ms == 1800000000123LL);
    assert_string_equal(out[0].src_ip, "2001:db8::1");
    assert_int_equal(out[0].src_port, 65535);
    assert_int_equal(out[0].transport, 2);
    assert_string_equal(out[1].call_id, "");
    assert_null(out[1].instance);
    assert_null(out[1].src_ip);
    assert_int_equal(out[1].q, 500);
    assert_true(out[1].expires_ms == -5);
    free(arena);
    /* more bindings than the caller takes */
    assert_int_equal(sip_bindings_decode(buf, n, out, 1, &arena), -1);
    assert_null(arena);
    /* every prefix is refused, and so is trailing garbage */
    for (size_t k = 0; k < n; k++) {
        assert_int_equal(sip_bindings_decode(buf, k, out, 3, &arena), -1);
        assert_null(arena);
    }
    unsigned char *longer = malloc(n + 1);
    memcpy(longer, buf, n);
    longer[n] = 0;
    assert_int_equal(sip_bindings_decode(longer, n + 1, out, 3, &arena), -1);
    /* a NUL inside a string, a wrong version */
    memcpy(longer, buf, n);
    longer[3 + 23 + 2] = '\0';
    assert_int_equal(sip_bindings_decode(longer, n, out, 3, &arena), -1);
    memcpy(longer, buf, n);
    longer[1] = 2;
    assert_int_equal(sip_bindings_decode(longer, n, out, 3, &arena), -1);
    free(longer);
    free(buf);
    /* no bindings at all */
    n = sip_bindings_encode(NULL, 0, &buf);
    assert_int_equal(sip_bindings_decode(buf, n, out, 3, &arena), 0);
    free(arena);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_changes_are_handed_over_once),
        cmocka_unit_test(test_restart_restores_unexpired),
        cmocka_unit_test(test_load_skips_bad_records),
        cmocka_unit_test(test_no_tracking_without_persister),
        cmocka_unit_test(test_record_codec),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

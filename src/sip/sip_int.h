/* sip_int.h - private to src/sip: character classes, the core structure and
 * the interfaces between sip_core.c (dispatch, responses, logs), sip_reg.c
 * (REGISTER: auth + registrar), sip_digest.c (nonces), sip_loc.c (location
 * store), sip_txc.c (transaction cache) and sip_udp.c (server).
 * Design notes: docs/internals/sip.md. Never include from outside src/sip.
 */
#ifndef SIP_INT_H
#define SIP_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "sip.h"
#include "sip_msg.h"

/* ---- character classes (RFC 3261 §25.1) ---- */
enum {
    SIP_C_ALNUM = 1 << 0,
    SIP_C_MARK = 1 << 1,  /* - _ . ! ~ * ' ( )   (unreserved = ALNUM|MARK) */
    SIP_C_TOKEN = 1 << 2, /* alphanum - . ! % * _ + ` ' ~ */
    SIP_C_USER = 1 << 3,  /* user-unreserved & = + $ , ; ? / */
    SIP_C_PASS = 1 << 4,  /* & = + $ , */
    SIP_C_PARAM = 1 << 5, /* param-unreserved [ ] / : & + $ */
    SIP_C_HNV = 1 << 6,   /* hnv-unreserved [ ] / ? : + $ */
    SIP_C_WORD = 1 << 7,  /* Call-ID word */
    SIP_C_HOST = 1 << 8,  /* alphanum - . _ */
    SIP_C_HEX = 1 << 9,
    SIP_C_SCHEME = 1 << 10, /* alphanum + - . */
    SIP_C_WS = 1 << 11,     /* SP HT */
    SIP_C_URIC = 1 << 12    /* printable, not SP < > " (generic absolute URI) */
};
extern uint16_t sip__ctype[256];
/* Fill sip__ctype once (thread-safe). */
void sip__ctype_init(void);

static inline int sip__is(unsigned char c, int cls)
{
    return (sip__ctype[c] & cls) != 0;
}

/* Value of a hex digit (caller checked SIP_C_HEX). */
static inline int sip__hexval(unsigned char c)
{
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* Append a view to a buffer (nothing for an empty view, whose pointer may be NULL). */
static inline void sip__buf_put(rs_buf *b, sip_str v)
{
    if (v.len)
        rs_buf_append(b, v.s, v.len);
}

/* Case-insensitive comparison of a view with a C string. */
int sip__str_ieq(sip_str a, const char *b);
/* Case-insensitive comparison of two views. */
int sip__str_ieq2(sip_str a, sip_str b);
/* Compare two escaped strings after decoding %XX; ci = case-insensitive. */
int sip__esc_eq(sip_str a, sip_str b, int ci);

/* Parse one name-addr/addr-spec with header params starting at *pp (leading
 * LWS allowed); an addr-spec ends at ',', ';' or LWS, so Contact lists work.
 * na's views point into the input (borrowed, must outlive na). Returns 0 and
 * advances *pp past trailing LWS on success, -1 on a syntax error. */
int sip__parse_nameaddr(const char **pp, const char *end, sip_nameaddr *na);
/* Skip a quoted-string starting at p (*p == '"'); returns the position after
 * the closing quote or NULL when malformed. */
const char *sip__skip_quoted(const char *p, const char *end);
/* Parse header params *(SEMI generic-param) starting at *pp; returns 0/-1.
 * Leaves *pp at the first character that does not continue the params. */
int sip__parse_hparams(const char **pp, const char *end);

/* ---- digest / nonce (sip_digest.c) ---- */
enum { SIP_NONCE_RAW = 36, SIP_NONCE_LEN = 48 };

typedef enum sip_nonce_check {
    SIP_NONCE_OK = 0,
    SIP_NONCE_BAD,     /* not ours, forged, or bound to another request/secret */
    SIP_NONCE_EXPIRED, /* ours, but past its lifetime */
    SIP_NONCE_REPLAY,  /* nc not above the highest seen */
    SIP_NONCE_SLOT     /* its nc slot was reused (too many nonces since) or nc > 255 */
} sip_nonce_check;

/* ---- location store (sip_loc.c) ---- */
typedef struct sip__loc sip__loc;

typedef struct sip__binding {
    char *uri; /* contact URI as received */
    char *call_id;
    char *instance; /* +sip.instance or NULL */
    uint32_t cseq;
    int reg_id;         /* -1 none */
    int q;              /* -1 none */
    int pool;           /* index of the pool that accepted it */
    int64_t expires_at; /* monotonic ms */
    char src_ip[46];
    int src_port;
    int transport;
} sip__binding;

/* ---- transaction cache (sip_txc.c) ---- */
typedef struct sip__txc sip__txc;

/* ---- the core ---- */
/* Outcome counters of one pool (sip_pool_stats). */
typedef struct sip__pool_st {
    _Atomic uint64_t registered, challenged, auth_failed, refused, stale, redirected, rejected,
        malformed, banned, retransmissions, evicted;
} sip__pool_st;

typedef struct sip__pool {
    char *fqdn;
    char *address;     /* the configured list, lower case (one or more addresses) */
    char (*addrs)[46]; /* each listen address, without brackets */
    int naddrs;
    char *backup; /* NULL when none */
    int udp_port;
    int tcp_port; /* stream ports the server bound (0: none); set before traffic */
    int tls_port;
} sip__pool;

struct sip_core {
    sip__pool *pools;
    int npools;
    int nonce_lifetime_s, min_expires, max_expires, default_expires;
    sip_provider prov;

    unsigned char secret[32];
    rs_hmac *nonce_key; /* HMAC keyed with secret: signs and checks nonces */
    uint64_t tag_seed;  /* from secret: To tags (not a secret's job, see make_tag) */
    unsigned char log_key[32];
    sip_digest_alg algs[2];
    int nalgs;
    char dummy_ha1[2][65]; /* per algorithm */

    int64_t (*clock_ms)(void *ud);
    void *clock_ud;
    void (*logfn)(void *ud, const char *line);
    void *log_ud;
    int tx_lifetime_ms;

    /* nonce counts: slot = seq % nc_slots */
    _Atomic uint64_t nonce_seq;
    _Atomic uint8_t *nc;
    size_t nc_slots;

    sip__loc *loc;
    sip__txc *txc;

    struct {
        _Atomic uint64_t received, dropped, malformed, responses, challenges, auth_ok, auth_failed,
            auth_refused, stale, replay, redirects, cache_hits, bindings_evicted;
    } st;

    /* binding persistence (sip_options.persist_*) */
    void (*persist_final)(void *ud, sip_core *c);
    void *persist_ud;

    /* flood protection (sip_rate.c); NULL when off */
    struct sip__rate *rate;
    _Atomic uint64_t rate_dropped, bans;

    /* REGISTER outcomes per pool (npools entries; sip_core_pool_stats) */
    struct sip__pool_st *pst;
};

/* Wall-clock and monotonic milliseconds; both come from options.clock_ms
 * when a test set it. */
int64_t sip__now_wall_ms(const sip_core *c);
int64_t sip__now_mono_ms(const sip_core *c);

/* Make a nonce bound to (ruri, call_id, src_ip) and reset its nc slot.
 * Inputs borrowed; out (caller's) has SIP_NONCE_LEN + 1 bytes. Thread-safe. */
void sip__nonce_make(sip_core *c, sip_str ruri, sip_str call_id, const char *src_ip, char *out);
/* Check a nonce's MAC against (ruri, call_id, src_ip) and its age; on OK or
 * EXPIRED *out_seq gets its sequence number. Inputs borrowed. No nc check. */
sip_nonce_check sip__nonce_verify(sip_core *c, sip_str nonce, sip_str ruri, sip_str call_id,
                                  const char *src_ip, uint64_t *out_seq);
/* Record nonce-count nc for nonce seq: SIP_NONCE_OK when nc is above the
 * highest seen (then it becomes the highest), else REPLAY or SLOT. */
sip_nonce_check sip__nonce_count(sip_core *c, uint64_t seq, uint32_t nc);

/* Location store. Every function locks internally; `aor` arguments are
 * canonical AoR strings (sip_uri_aor), borrowed. */
/* New empty store (caller frees with sip__loc_free, NULL-safe). */
sip__loc *sip__loc_new(void);
void sip__loc_free(sip__loc *l);

/* Result of applying one REGISTER to an AoR. */
typedef struct sip__reg_result {
    int status; /* 200, or 400 (CSeq order) */
    const char *reason;
    sip__binding *list; /* copies of the bindings after the change (caller frees) */
    int nlist;
    int evicted;  /* bindings dropped by the 10-contact limit */
    int outbound; /* a reg-id was honoured */
} sip__reg_result;

/* One requested change (a Contact of the REGISTER). Strings borrowed. */
typedef struct sip__reg_change {
    const sip_contact *ct;
    int64_t expires_s; /* 0 = remove */
    int use_reg_id;
} sip__reg_change;

/* Apply a REGISTER to aor atomically: star (remove all), or the contact
 * changes; a query when nchanges == 0 and !star. All inputs borrowed (strings
 * copied into the store). Fills *res (caller frees with sip__reg_result_free).
 * Rules: docs/internals/sip.md "Registrar and location store". */
void sip__loc_apply(sip__loc *l, const char *aor, int star, const sip__reg_change *ch, int nchanges,
                    const sip_str call_id, uint32_t cseq, int pool, const sip_recv_info *ri,
                    int64_t now, int max_contacts, sip__reg_result *res);
/* Free the binding copies of a result (the struct itself is the caller's). */
void sip__reg_result_free(sip__reg_result *r);
/* Copies of the unexpired bindings of aor into a new array *out_list (caller
 * frees with sip__binding_free_list); returns their number. */
int sip__loc_get(sip__loc *l, const char *aor, int64_t now, sip__binding **out_list);
/* Remove every binding of aor. */
void sip__loc_drop(sip__loc *l, const char *aor);
/* Free bindings that expired at `now` and AoRs left without any. */
void sip__loc_sweep(sip__loc *l, int64_t now);
/* Current numbers of bindings and AoRs (expired ones count until swept). */
void sip__loc_count(sip__loc *l, uint64_t *bindings, uint64_t *aors);
/* Free n bindings' strings and the array (taken). NULL-safe. */
void sip__binding_free_list(sip__binding *list, int n);
/* Write-behind persistence (docs/internals/sip.md "Binding persistence").
 * sip__loc_track turns dirty tracking on (before any traffic): from then on
 * every AoR whose bindings change (REGISTER, drop) is queued once.
 * sip__loc_take_dirty empties the queues: for each queued AoR it calls enc
 * under the stripe's lock with the record's bindings (b borrowed, n == 0 when
 * the AoR has none left; expired ones included) to make its saved form (a
 * malloc'd record, or NULL/len 0 for "delete the saved copy"), then, with no
 * lock held, emit with that record (borrowed for the call). Encoding under
 * the lock costs less than copying every string out. Returns the AoRs. */
typedef unsigned char *(*sip__loc_encode_cb)(void *ud, const sip__binding *b, int n, size_t *len);
typedef void (*sip__loc_emit_cb)(void *ud, const char *aor, const unsigned char *rec, size_t len);
void sip__loc_track(sip__loc *l);
size_t sip__loc_take_dirty(sip__loc *l, sip__loc_encode_cb enc, sip__loc_emit_cb emit, void *ud);
/* Add saved bindings to aor (start-up): expired ones and those past
 * max_contacts are skipped; nothing is queued. b borrowed (strings copied). */
void sip__loc_load(sip__loc *l, const char *aor, const sip__binding *b, int n, int64_t now,
                   int max_contacts);
/* Unexpired bindings accepted by pool index `pool`, and AoRs holding at least
 * one of them (a full scan, for admin views). */
void sip__loc_pool_counts(sip__loc *l, int64_t now, int pool, uint64_t *bindings, uint64_t *aors);

/* Transaction cache: one mutex; keys and responses are copied in and out. */
/* New cache holding at most max_bytes (caller frees with sip__txc_free, NULL-safe). */
sip__txc *sip__txc_new(size_t max_bytes);
void sip__txc_free(sip__txc *t);
/* Look up key (borrowed); on an unexpired hit copy the response, its
 * destination and status into out and return 1, else 0. */
int sip__txc_get(sip__txc *t, const char *key, size_t keylen, int64_t now, sip_reply *out);
/* Like sip__txc_get, and when there is no answer yet, claim the transaction
 * for the calling thread: returns 1 (hit, out filled), 0 (claimed: the
 * caller works on it, then sip__txc_put()s its answer if it has one and
 * always sip__txc_release()s), or -1 (another thread is working on this very
 * transaction: a retransmission that raced its original; drop it, the
 * original's answer is on its way). key borrowed. */
int sip__txc_claim(sip__txc *t, const char *key, size_t keylen, int64_t now, sip_reply *out);
void sip__txc_release(sip__txc *t, const char *key, size_t keylen);
/* Store copies of key and of r's bytes until expires_at; evicts the oldest
 * entries beyond the byte budget. */
void sip__txc_put(sip__txc *t, const char *key, size_t keylen, int64_t expires_at,
                  const sip_reply *r);
/* Drop entries expired at `now`. */
void sip__txc_sweep(sip__txc *t, int64_t now);

/* Answer a well-formed REGISTER (sip_reg.c): m and ri borrowed; out gets the
 * response bytes, destination and status (status 0: nothing to send). */
void sip__handle_register(sip_core *c, const sip_msg *m, const sip_recv_info *ri, sip_reply *out);

/* Response building (sip_core.c). sip__resp_begin() resets out->data and
 * writes the status line and the headers copied from m (Via with
 * received/rport, From, To with a tag, Call-ID, CSeq), and sets the
 * destination and status; the caller appends extra header lines, then
 * sip__resp_end() adds Content-Length and the blank line. m, ri and reason
 * are borrowed. */
void sip__resp_begin(sip_core *c, const sip_msg *m, const sip_recv_info *ri, int code,
                     const char *reason, sip_reply *out);
void sip__resp_end(sip_reply *out);

/* Security log (sip_core.c): one JSON line per sign-in.md §8 to the
 * configured sink. Strings borrowed; NULL values are written as ""; the
 * username only as its keyed hash. */
void sip__seclog(sip_core *c, const char *level, const char *event, const sip_recv_info *ri,
                 const char *reason, const char *tenant, const char *realm, const char *username);

/* ---- server internals (sip_udp.c owns the server, sip_stream.c TCP/TLS) ---- */
#include <sys/socket.h>

enum { SIP__MAX_ADDRS = 8 }; /* addresses per pool */

/* Split a pool's address list ("127.0.0.1, [::1]") into numeric literals
 * without brackets; returns how many (0 when empty or malformed, too many, or
 * one is not an IPv4/IPv6 literal). out has SIP__MAX_ADDRS slots. */
int sip__split_addresses(const char *list, char out[][46]);

/* Fill *ss for ip:port; returns AF_INET, AF_INET6, or -1 when ip is not a
 * numeric address. */
int sip__sockaddr(const char *ip, int port, struct sockaddr_storage *ss, socklen_t *len);

/* Numeric address and port of a socket address into ip (46 bytes) / *port;
 * returns 0, or -1 for another family. */
int sip__addr_str(const struct sockaddr_storage *ss, char *ip, int *port);

/* The TCP/TLS side of a server: listeners and epoll I/O threads. */
typedef struct sip__stream sip__stream;

/* Bind the TCP/TLS listeners of every pool that has a tcp_port/tls_port and
 * start the I/O threads, which stop when wake_fd becomes readable. c and
 * wake_fd are borrowed (must outlive the stream); s is read during the call.
 * *out is NULL (and RS_OK returned) when no pool has a stream listener. */
rs_status sip__stream_start(sip_core *c, const sip_settings *s, int wake_fd, sip__stream **out,
                            rs_err *err);
/* Join the threads (the caller made wake_fd readable), close everything. NULL-safe. */
void sip__stream_free(sip__stream *st);
/* Port of pool i's first TCP (tls = 0) or TLS (tls = 1) listener, or -1. */
int sip__stream_port(const sip__stream *st, int pool_index, int tls);
/* Open connections. */
int sip__stream_connections(const sip__stream *st);
/* Replace the TLS certificate for new handshakes (SIGHUP); PEMs borrowed.
 * Open connections keep theirs. On error nothing changes. */
rs_status sip__stream_set_tls(sip__stream *st, const char *cert_pem, const char *key_pem,
                              rs_err *err);
/* Stream framing (sip_stream.c; exposed for tests and the fuzzer). */
typedef enum sip__frame_kind {
    SIP__FR_NEED = 0, /* more bytes needed */
    SIP__FR_SKIP,     /* n bytes of CR/LF before a message */
    SIP__FR_PING,     /* n = 4: CRLF CRLF keep-alive */
    SIP__FR_MSG,      /* a whole message of n bytes */
    SIP__FR_BAD,      /* framing lost: the n header bytes get a 400, then close */
    SIP__FR_TOOBIG    /* above SIP_MAX_MSG: n header bytes (0: none) get a 513, then close */
} sip__frame_kind;
/* The next frame at the start of b[0..n) (borrowed); *out gets its length.
 * *scanned (0 for a new frame) remembers how far the header end was searched,
 * so a message arriving byte by byte is scanned once. */
sip__frame_kind sip__frame(const char *b, size_t n, size_t *scanned, size_t *out);

#endif

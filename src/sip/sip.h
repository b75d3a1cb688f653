/* sip.h - roomsys SIP sign-in: registrar pools answering REGISTER with digest
 * authentication (sign-in.md §1-§8, reliability.md §4-§5).
 *
 * Two layers:
 *   - sip_core: the transport-free registrar. Every transport hands each
 *     received message as (buf, len, sip_recv_info) to sip_receive(), which
 *     returns at most one response to send. Pure apart from the provider
 *     callbacks and the in-memory state (nonce counts, bindings, response
 *     cache); unit tests and the fuzzer drive it directly.
 *   - sip_server: per pool and address a UDP socket (udp_threads receive
 *     threads each) and TCP/TLS listeners served by a few epoll I/O threads
 *     (sip_stream.c), plus a sweeper thread, on top of one sip_core.
 * Parser API: sip_msg.h. Design: docs/internals/sip.md.
 */
#ifndef SIP_H
#define SIP_H

#include <stddef.h>
#include <stdint.h>

#include "rs_err.h"
#include "rs_util.h"

/* ---- provider interface (implemented by the daemon over directory/ and sfb/) ---- */

typedef struct sip_account {
    int known;        /* 0: no such SIP address -> verify against a dummy HA1 so timing/answers are
                         identical */
    char ha1_md5[33]; /* HA1 = MD5(username:realm:password), hex, for the username as given; "" if
                         none */
    char ha1_sha256[65]; /* same with SHA-256; "" if none */
    const char *refusal; /* NULL when gates G1-G7 of sign-in.md §1 pass, else a static reason:
                            "not_enabled", "not_licensed", "blocked", "password_expired",
                            "no_credential", "locked" */
    char home_pool[256]; /* FQDN of the account's home registrar pool */
    char tenant_id[37];
    char user_id[37]; /* the account's id for lockout accounting ("" if unknown) */
} sip_account;

typedef struct sip_provider {
    void *ud;
    /* Look up SIP address `aor` ("user@domain", lower-case) for digest username `username` (as
     * sent) in `realm`. Fill *out (zeroed by caller). Return 0. May block briefly (an SQLite read).
     */
    int (*lookup)(void *ud, const char *aor, const char *username, const char *realm,
                  sip_account *out);
    /* 1 if `domain` is a SIP domain (realm) of some tenant served here. */
    int (*domain_served)(void *ud, const char *domain);
    /* Optional (may be NULL): report a failed digest for lockout accounting. */
    void (*auth_failed)(void *ud, const char *aor, const char *src_ip);
    /* Optional (may be NULL): gate G5, smart lockout. Called after a correct
     * digest whose account passed the other gates, with the account's
     * sip_account.user_id (no lookup needed): return 1 when the account is
     * locked out for this source (the REGISTER is then refused like a wrong
     * password and the AoR's bindings are dropped), 0 otherwise (a successful
     * sign-in: the provider may forget this source's failures). */
    int (*locked)(void *ud, const char *user_id, const char *src_ip);
} sip_provider;

typedef struct sip_pool_listen {
    const char *fqdn;
    const char *address;
    int udp_port;
    const char *backup_fqdn;
    /* Stream listeners on the same address(es): 0 = none, SIP_PORT_ANY = an
     * ephemeral port (tests; see sip_server_tcp_port), else the port. */
    int tcp_port;
    int tls_port;
} sip_pool_listen;

typedef struct sip_settings {
    const sip_pool_listen *pools;
    int npools;
    int nonce_lifetime_s;
    int min_expires;
    int max_expires;
    int default_expires;
    /* ---- transports (sip_udp.c, sip_stream.c); 0/NULL = the default ---- */
    /* TLS certificate and key (PEM text, borrowed during sip_server_start, which
     * copies what it needs); required when a pool has a tls_port. */
    const char *tls_cert_pem;
    const char *tls_key_pem;
    int max_connections_per_ip;  /* TCP+TLS connections from one source IP; default 1024 */
    int max_connections;         /* TCP+TLS connections in total; default 65536 */
    int idle_timeout_s;          /* close a signed-in connection idle this long; default
                                    max_expires + 5 (sign-in.md §6) */
    int unauth_timeout_s;        /* close a connection idle this long before its first 2xx
                                    REGISTER; default 30 */
    int tls_handshake_timeout_s; /* TLS handshake must finish within; default 10 */
    int udp_threads;             /* receive threads per UDP socket; default online CPUs */
    int stream_threads;          /* epoll I/O threads for TCP/TLS; default online CPUs */
} sip_settings;

/* sip_pool_listen.tcp_port/tls_port: bind an ephemeral port. */
#define SIP_PORT_ANY (-1)

typedef struct sip_server sip_server;

rs_status sip_server_start(const sip_settings *s, const sip_provider *p, sip_server **out,
                           rs_err *err); /* binds every pool's UDP socket(s) (IPv4 or IPv6
                                            literals, comma-separated) with udp_threads receive
                                            threads each, and its TCP/TLS listeners */
void sip_server_stop(sip_server *srv);   /* NULL-safe; joins threads */
/* Bindings of an AoR for admin views: calls cb once per binding (contact URI, seconds left, pool
 * fqdn). Thread-safe. */
int sip_server_bindings(sip_server *srv, const char *aor,
                        void (*cb)(void *ud, const char *contact, int expires_in, const char *pool),
                        void *ud);
/* Drop every binding of an AoR (account disabled/unlicensed/moved). */
void sip_server_drop(sip_server *srv, const char *aor);

/* ---- additions ---- */

/* Optional knobs; a zeroed struct (or NULL) means the defaults. Everything is
 * copied at creation; callbacks and their ud must outlive the core. */
struct sip_core; /* typedef'd below */

typedef struct sip_options {
    const void *secret; /* nonce/tag HMAC key; NULL = 32 random bytes per start */
    size_t secret_len;
    const void *log_key; /* key of user_hmac in security logs; NULL = derived from secret */
    size_t log_key_len;
    const char *algorithms; /* offered digest algorithms in challenge order, "MD5,SHA-256"
                               (default: MD5 first, as SIPp 3.6.1 answers only the first) */
    size_t nc_slots;        /* nonce-count slots (1 byte each); default 4194304 */
    size_t tx_cache_bytes;  /* response cache budget; default 64 MiB */
    int tx_lifetime_ms;     /* completed-transaction lifetime on UDP (Timer J); default 32000 */
    int sweep_interval_ms;  /* server sweeper period; default 1000 */
    /* Security log sink: one JSON line (no newline) per event. NULL = stderr. */
    void (*security_log)(void *ud, const char *line);
    void *security_log_ud;
    /* Clock override for tests: milliseconds, used as wall and monotonic clock. */
    int64_t (*clock_ms)(void *ud);
    void *clock_ud;
    /* Binding persistence (optional; docs/internals/sip.md). When either is
     * set the core tracks changed AoRs for sip_core_take_dirty(). persist_load
     * runs once at the end of sip_core_new (before any transport starts) to
     * restore saved bindings with sip_core_load(); persist_final runs once in
     * sip_core_free after every transport stopped, for the last write. */
    void (*persist_load)(void *ud, struct sip_core *c);
    void (*persist_final)(void *ud, struct sip_core *c);
    void *persist_ud;
    /* Flood protection (sign-in.md §7; docs/internals/sip.md "Flood
     * protection"). A source is an IPv4 address or an IPv6 /64. More than
     * rate_limit_requests requests in rate_limit_window_s seconds, or
     * failure_ban_threshold failed digests (the warning-level sip.auth.failed
     * reasons fail2ban matches) in failure_window_s seconds, ban it for
     * ban_seconds: no reply at all. Both limits 0 (a zeroed struct) = off. */
    int rate_limit_requests;       /* 0 = no request-rate limit */
    int rate_limit_window_s;       /* default 10 */
    int ban_seconds;               /* default 300 */
    int failure_ban_threshold;     /* 0 = no failure bans */
    int failure_window_s;          /* default 600 */
    const char *rate_limit_exempt; /* CIDR list never limited, "127.0.0.1, ::1, 10.0.0.0/8" */
    size_t rate_limit_sources;     /* sources tracked at once (fixed table); default 32768 */
} sip_options;

typedef enum sip_transport {
    SIP_TRANSPORT_UDP = 0,
    SIP_TRANSPORT_TCP,
    SIP_TRANSPORT_TLS
} sip_transport;

/* Where a message came from; filled by the transport. */
typedef struct sip_recv_info {
    sip_transport transport;
    int pool_index;  /* index in settings.pools of the receiving socket */
    char src_ip[46]; /* numeric, IPv6 without brackets */
    int src_port;
    int local_port; /* port the message arrived on */
} sip_recv_info;

/* The response to send, if any. `data` is reused across calls: zero the struct
 * once, pass it to many sip_receive() calls, then sip_reply_free(). */
typedef struct sip_reply {
    rs_buf data;     /* the response bytes (data.len == 0 when nothing to send) */
    char dst_ip[46]; /* UDP destination (RFC 3261 §18.2.2, RFC 3581) */
    int dst_port;
    int status;     /* status code of the response, 0 when dropped */
    int from_cache; /* 1 when answered from the transaction cache */
} sip_reply;

/* Counters for /metrics (monotonic since start). */
typedef struct sip_stats {
    uint64_t received, dropped, malformed, responses;
    uint64_t challenges, auth_ok, auth_failed, auth_refused, stale, replay, redirects;
    uint64_t cache_hits, bindings_evicted;
    uint64_t bindings, aors; /* current */
    uint64_t rate_dropped;   /* requests dropped because their source was banned */
    uint64_t bans;           /* bans since start (rate and failure) */
    uint64_t banned_sources; /* current */
} sip_stats;

typedef struct sip_core sip_core;

/* Create a registrar core. s, p and o (o may be NULL) are copied; p->ud is
 * borrowed and must outlive the core. The provider must be thread-safe when
 * several transports call sip_receive() concurrently. */
rs_status sip_core_new(const sip_settings *s, const sip_provider *p, const sip_options *o,
                       sip_core **out, rs_err *err);

/* Free a core and all its state. NULL-safe. No sip_receive() may be running. */
void sip_core_free(sip_core *c);

/* The one receive function every transport calls with a whole message
 * (UDP datagram; TCP/TLS message after framing). buf and ri are borrowed.
 * Returns 1 and fills *out when a response must be sent, 0 when the message
 * is dropped (responses, ACK, unaddressable garbage, keep-alives).
 * Thread-safe. */
int sip_receive(sip_core *c, const char *buf, size_t len, const sip_recv_info *ri, sip_reply *out);

/* Free the buffer of a sip_reply (not the struct). NULL-safe. */
void sip_reply_free(sip_reply *r);

/* Remove expired bindings and transaction-cache entries. Thread-safe; the
 * server calls it periodically. */
void sip_core_sweep(sip_core *c);

/* As sip_server_bindings / sip_server_drop, on a core. aor borrowed. */
int sip_core_bindings(sip_core *c, const char *aor,
                      void (*cb)(void *ud, const char *contact, int expires_in, const char *pool),
                      void *ud);
void sip_core_drop(sip_core *c, const char *aor);

/* Snapshot of the counters. */
void sip_core_stats(sip_core *c, sip_stats *out);

/* Tell the core the real port of pool i after binding port 0. */
void sip_core_set_pool_port(sip_core *c, int pool_index, int port);

/* sip_server_start with options (o may be NULL; copied). */
rs_status sip_server_start_opts(const sip_settings *s, const sip_provider *p, const sip_options *o,
                                sip_server **out, rs_err *err);

/* UDP port pool i is bound to (useful after asking for port 0), or -1. */
int sip_server_port(const sip_server *srv, int pool_index);

/* The server's core (borrowed; lives until sip_server_stop). */
sip_core *sip_server_core(sip_server *srv);

/* TCP / TLS port pool i listens on, or -1 when it has none. A pool whose
 * address lists several addresses ("127.0.0.1, ::1") uses the same ports on
 * each; these return the first one's. */
int sip_server_tcp_port(const sip_server *srv, int pool_index);
int sip_server_tls_port(const sip_server *srv, int pool_index);

/* SIGHUP: use cert_pem/key_pem (borrowed) for new TLS handshakes; bindings,
 * listeners and open connections are untouched. RS_ESTATE when no pool has a
 * TLS port; on error nothing changes. Thread-safe. */
rs_status sip_server_reload_tls(sip_server *srv, const char *cert_pem, const char *key_pem,
                                rs_err *err);

/* Number of open TCP+TLS connections (for tests and metrics). */
int sip_server_connections(const sip_server *srv);

/* ---- binding persistence (write-behind soft state) ---- */

/* One binding as saved: strings borrowed for the call they appear in. */
typedef struct sip_binding_rec {
    const char *uri;      /* Contact URI as received */
    const char *call_id;  /* Call-ID of the REGISTER that made it */
    const char *instance; /* +sip.instance, or NULL */
    uint32_t cseq;
    int reg_id;         /* -1: none */
    int q;              /* q x 1000, -1: none */
    const char *pool;   /* FQDN of the pool that accepted it */
    int64_t expires_ms; /* absolute wall-clock expiry (Unix ms) */
    const char *src_ip; /* where the REGISTER came from */
    int src_port;
    int transport; /* sip_transport */
} sip_binding_rec;

typedef void (*sip_bindings_cb)(void *ud, const char *aor, const unsigned char *rec, size_t len);

/* Hand every AoR changed since the last call to cb with the saved form of its
 * current unexpired bindings (sip_bindings_encode; rec borrowed for the call;
 * len == 0: the AoR has none left, delete its saved copy). Records are made
 * under the stripe locks; cb runs with no lock held, so it may block (a
 * database write). Only useful when the options set persist_*. Returns the
 * number of AoRs handed over. Thread-safe; one caller at a time. */
size_t sip_core_take_dirty(sip_core *c, sip_bindings_cb cb, void *ud);

/* ---- registrar metrics per pool (admin views; docs/internals/sip.md "Metrics") ---- */

/* Monotonic counters since start, except bindings/aors (current). */
typedef struct sip_pool_stats {
    uint64_t bindings;        /* unexpired bindings this pool accepted */
    uint64_t aors;            /* AoRs (rooms) holding at least one of them */
    uint64_t registered;      /* 200 to a REGISTER: sign-in, refresh, sign-out, query */
    uint64_t challenged;      /* 401 to a REGISTER (first leg, failures, refusals, stale) */
    uint64_t auth_failed;     /* warning-level sip.auth.failed (wrong password, unknown user...) */
    uint64_t refused;         /* sip.auth.refused: right password, a sign-in gate failed */
    uint64_t stale;           /* stale nonce (the client re-authenticates) */
    uint64_t redirected;      /* 301 to the home pool */
    uint64_t rejected;        /* other final answers to a REGISTER (400, 403, 404, 423...) */
    uint64_t malformed;       /* unparsable requests (400/505/513 or dropped) */
    uint64_t banned;          /* requests dropped because their source was banned */
    uint64_t retransmissions; /* REGISTERs answered from the response cache */
    uint64_t evicted;         /* bindings evicted by the 10-contact limit */
} sip_pool_stats;

/* Fill *out for the pool named fqdn (case-insensitive; borrowed). Returns 0,
 * or -1 (out zeroed) when the core serves no such pool. Counting the current
 * bindings scans the location store (admin views, not per request).
 * Thread-safe. */
int sip_core_pool_stats(sip_core *c, const char *fqdn, sip_pool_stats *out);

/* Restore saved bindings of aor (canonical "user@domain"; borrowed, as is b):
 * expired ones, those of a pool this core does not serve and those past the
 * 10-contact limit are skipped; the AoR is not marked changed. Call from
 * persist_load, before traffic. Returns the number restored. */
int sip_core_load(sip_core *c, const char *aor, const sip_binding_rec *b, int n);

/* A real sign-in probe (Test-RoomSystemAccount -SignIn): send a query
 * REGISTER (no Contact: no binding changes) for `aor` ("user@domain", also the
 * digest username) to ip:port over UDP, answer one digest challenge with
 * `password`, and return the final status code (200 signed in, 401 refused,
 * 301 homed elsewhere ...), or 0 when nothing usable came back within
 * timeout_ms per request. *reason gets "200 OK"-style text or why it failed.
 * Blocking; all strings borrowed. Never call it while holding a lock the
 * registrar's provider needs. */
int sip_probe_register(const char *ip, int port, const char *aor, const char *password,
                       int timeout_ms, char *reason, size_t reason_sz);

/* The saved form of one AoR's bindings (sip_bindrec.c): a compact versioned
 * binary record. encode writes at most 255 bindings of b (borrowed) into *out
 * (malloc'd, caller frees) and returns its size; strings longer than 65534
 * bytes are cut. decode reads a record of len bytes into recs[0..max) and
 * returns how many, or -1 when the record is malformed, of another version or
 * holds more than max bindings (nothing to free then). On success the strings
 * point into *arena (malloc'd; the caller frees it when done with recs). */
size_t sip_bindings_encode(const sip_binding_rec *b, int n, unsigned char **out);
int sip_bindings_decode(const void *v, size_t len, sip_binding_rec *recs, int max, char **arena);

#endif

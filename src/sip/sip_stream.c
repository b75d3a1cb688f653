/* sip_stream.c - the TCP and TLS transports (sign-in.md §6, reliability.md
 * §6-§7): listeners on every pool address with a tcp_port/tls_port, and a few
 * epoll I/O threads (stream_threads, default online CPUs) that each own the
 * connections they accepted. A connection is never served by two threads and
 * no thread is made per connection.
 *
 * Framing (RFC 3261 §18.3): leading CRLFs are skipped, CRLF CRLF is an RFC
 * 5626 keep-alive answered with CRLF, a message ends at the blank line plus
 * exactly Content-Length bytes. A missing, repeated or malformed
 * Content-Length loses the framing: 400 (from sip_receive, the stream parser
 * makes Content-Length mandatory), then close. A message above SIP_MAX_MSG:
 * 513 when its headers can be addressed, then close. Every whole message goes
 * to sip_receive() and its answer is written on the same connection.
 *
 * Limits: connections per source IP and in total (over the limit: accepted
 * and closed at once), idle timeouts (before the first 2xx to a REGISTER,
 * after it, TLS handshake), 1 MiB of unsent output. Idle connections hold no
 * input buffer; GnuTLS keeps no record buffers between records.
 * Design: docs/internals/sip.md. */
#include "sip_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include "rs_log.h"

enum {
    K_WAKE = 1,
    K_LISTEN,
    K_CONN,
    IN_MAX = SIP_MAX_MSG + 1, /* 64 KiB: a message plus nothing, or headers seen so far */
    OUT_MAX = 1 << 20,        /* unsent bytes before we give up on a reader */
    IP_BUCKETS = 4096,
    MAX_EVENTS = 64
};

/* TLS 1.2/1.3, AEAD suites with ECDHE, groups X25519/P-256/P-384 (reliability.md §7). */
static const char TLS_PRIORITIES[] =
    "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM:"
    "+CHACHA20-POLY1305:-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:-GROUP-ALL:"
    "+GROUP-X25519:+GROUP-SECP256R1:+GROUP-SECP384R1";

typedef struct iothr iothr;

typedef struct lsock {
    int kind; /* K_LISTEN */
    int fd;
    int pool;
    int tls;
    int port;
} lsock;

typedef struct sconn {
    int kind; /* K_CONN */
    struct sconn *prev, *next;
    int fd;
    gnutls_session_t ses; /* NULL for TCP */
    int handshaken;
    int authed;  /* a REGISTER got a 2xx on this connection */
    int closing; /* framing lost: close once the output is written */
    char *in;    /* NULL when empty (idle connections hold no buffer) */
    size_t inlen, incap, scanned;
    rs_buf out;
    size_t outoff;
    size_t tls_again; /* length of a gnutls_record_send that returned AGAIN */
    uint32_t events;
    int64_t opened_ms, last_ms;
    int64_t partial_ms; /* when the buffered partial message began, 0: none */
    sip_recv_info ri;
} sconn;

struct iothr {
    sip__stream *st;
    pthread_t th;
    int started;
    int ep;
    sconn *head;
    sip_reply rep;
};

typedef struct ipent {
    struct ipent *next;
    int n;
    char ip[46];
} ipent;

struct sip__stream {
    sip_core *core;
    int wake_kind; /* K_WAKE: epoll data for the wake fd */
    int wake_fd;
    lsock *ls;
    int nls;
    iothr *th;
    int nth;
    gnutls_certificate_credentials_t cred;     /* new handshakes (atomic; swapped on reload) */
    gnutls_certificate_credentials_t *retired; /* replaced ones, under ipmu, freed at stop */
    int nretired;
    gnutls_priority_t prio;
    int per_ip, max_conn;
    int64_t idle_ms, unauth_ms, hs_ms;
    int tick_ms;
    _Atomic int nconn;
    _Atomic int emfile_logged;
    pthread_mutex_t ipmu;
    ipent *ips[IP_BUCKETS];
};

/* ---- per-IP accounting ---- */

static unsigned ip_hash(const char *ip)
{
    unsigned h = 2166136261u;
    for (; *ip; ip++)
        h = (h ^ (unsigned char)*ip) * 16777619u;
    return h % IP_BUCKETS;
}

/* Count a new connection from ip; 0 when a limit refuses it. */
static int admit(sip__stream *st, const char *ip)
{
    int ok = 0;
    pthread_mutex_lock(&st->ipmu);
    ipent **b = &st->ips[ip_hash(ip)], *e = *b;
    while (e && strcmp(e->ip, ip))
        e = e->next;
    if ((!e || e->n < st->per_ip) && atomic_load(&st->nconn) < st->max_conn) {
        if (!e) {
            e = rs_calloc(1, sizeof *e);
            snprintf(e->ip, sizeof e->ip, "%s", ip);
            e->next = *b;
            *b = e;
        }
        e->n++;
        atomic_fetch_add(&st->nconn, 1);
        ok = 1;
    }
    pthread_mutex_unlock(&st->ipmu);
    return ok;
}

static void release(sip__stream *st, const char *ip)
{
    pthread_mutex_lock(&st->ipmu);
    for (ipent **pp = &st->ips[ip_hash(ip)]; *pp; pp = &(*pp)->next) {
        ipent *e = *pp;
        if (strcmp(e->ip, ip))
            continue;
        if (--e->n == 0) {
            *pp = e->next;
            free(e);
        }
        break;
    }
    atomic_fetch_sub(&st->nconn, 1);
    pthread_mutex_unlock(&st->ipmu);
}

/* ---- framing ---- */

static int ieq(const char *a, size_t n, const char *b)
{
    if (strlen(b) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((a[i] | 0x20) != b[i])
            return 0;
    return 1;
}

/* Content-Length of the header block b[0..n) (start line included): the value,
 * -1 when absent, -2 when repeated or malformed. Folded lines are LWS. */
static long content_length(const char *b, size_t n)
{
    long cl = -1;
    const char *p = memchr(b, '\n', n), *e = b + n;
    if (!p)
        return -1;
    for (p++; p < e;) {
        const char *le = memchr(p, '\n', (size_t)(e - p));
        if (!le)
            le = e;
        const char *q = p;
        while (q < le && *q != ':' && *q != ' ' && *q != '\t')
            q++;
        size_t nl = (size_t)(q - p);
        if (nl && (ieq(p, nl, "content-length") || ieq(p, nl, "l"))) {
            while (q < le && (*q == ' ' || *q == '\t'))
                q++;
            if (q == le || *q != ':')
                return -2;
            q++;
            /* the value, continuing on folded lines */
            long v = -1;
            int digits = 0, done = 0;
            for (;;) {
                for (; q < le; q++) {
                    char ch = *q;
                    if (ch == ' ' || ch == '\t' || ch == '\r') {
                        if (digits)
                            done = 1;
                    } else if (ch >= '0' && ch <= '9' && !done && digits < 9) {
                        v = (v < 0 ? 0 : v * 10) + (ch - '0');
                        digits++;
                    } else {
                        return -2;
                    }
                }
                if (le + 1 < e && (le[1] == ' ' || le[1] == '\t')) {
                    q = le + 1;
                    le = memchr(q, '\n', (size_t)(e - q));
                    if (!le)
                        le = e;
                    continue;
                }
                break;
            }
            if (!digits || cl != -1)
                return -2;
            cl = v;
        }
        p = le + 1;
        while (p < e && (*p == ' ' || *p == '\t')) { /* skip the rest of a folded header */
            const char *n2 = memchr(p, '\n', (size_t)(e - p));
            p = n2 ? n2 + 1 : e;
        }
    }
    return cl;
}

sip__frame_kind sip__frame(const char *b, size_t n, size_t *scanned, size_t *out)
{
    *out = 0;
    if (!n)
        return SIP__FR_NEED;
    if (b[0] == '\r' || b[0] == '\n') {
        if (n >= 4 && !memcmp(b, "\r\n\r\n", 4)) {
            *out = 4;
            return SIP__FR_PING;
        }
        if (b[0] == '\n') {
            *out = 1;
            return SIP__FR_SKIP;
        }
        if (n < 2 || (b[1] == '\n' && (n < 3 || (b[2] == '\r' && n < 4))))
            return SIP__FR_NEED;
        if (b[1] == '\n') {
            *out = 2;
            return SIP__FR_SKIP;
        }
        *out = 1; /* a lone CR */
        return SIP__FR_SKIP;
    }
    size_t from = *scanned > 2 ? *scanned - 2 : 0, hend = 0;
    for (size_t i = from; i + 1 < n; i++) {
        if (b[i] != '\n')
            continue;
        if (b[i + 1] == '\n') {
            hend = i + 2;
            break;
        }
        if (b[i + 1] == '\r' && i + 2 < n && b[i + 2] == '\n') {
            hend = i + 3;
            break;
        }
    }
    if (!hend) {
        *scanned = n;
        if (n >= IN_MAX)
            return SIP__FR_TOOBIG; /* no end of headers within the limit: nothing to address */
        return SIP__FR_NEED;
    }
    long cl = content_length(b, hend);
    if (cl < 0) {
        *out = hend;
        return SIP__FR_BAD;
    }
    if (hend + (size_t)cl > SIP_MAX_MSG) {
        *out = hend;
        return SIP__FR_TOOBIG;
    }
    if (n < hend + (size_t)cl)
        return SIP__FR_NEED;
    *out = hend + (size_t)cl;
    return SIP__FR_MSG;
}

/* ---- connections ---- */

static void conn_close(iothr *t, sconn *c)
{
    sip__stream *st = t->st;
    if (c->ses) {
        if (c->handshaken)
            gnutls_bye(c->ses, GNUTLS_SHUT_WR); /* non-blocking: best effort */
        gnutls_deinit(c->ses);
    }
    epoll_ctl(t->ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    release(st, c->ri.src_ip);
    if (c->prev)
        c->prev->next = c->next;
    else
        t->head = c->next;
    if (c->next)
        c->next->prev = c->prev;
    free(c->in);
    rs_buf_free(&c->out);
    free(c);
}

static void set_events(iothr *t, sconn *c, uint32_t ev)
{
    if (ev == c->events)
        return;
    struct epoll_event e = {.events = ev, .data.ptr = c};
    epoll_ctl(t->ep, EPOLL_CTL_MOD, c->fd, &e);
    c->events = ev;
}

/* Write pending output. 0 ok (maybe partial), -1 the connection failed. */
static int flush(iothr *t, sconn *c)
{
    while (c->outoff < c->out.len) {
        size_t left = c->out.len - c->outoff;
        ssize_t w;
        if (c->ses) {
            size_t len = c->tls_again ? c->tls_again : left;
            w = gnutls_record_send(c->ses, c->out.data + c->outoff, len);
            if (w == GNUTLS_E_AGAIN || w == GNUTLS_E_INTERRUPTED) {
                c->tls_again = len;
                break;
            }
            c->tls_again = 0;
            if (w < 0)
                return -1;
        } else {
            w = send(c->fd, c->out.data + c->outoff, left, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
                break;
            if (w < 0)
                return -1;
        }
        c->outoff += (size_t)w;
    }
    if (c->outoff >= c->out.len) {
        rs_buf_free(&c->out); /* idle connections keep no output buffer */
        c->outoff = 0;
        set_events(t, c, EPOLLIN);
        return 0;
    }
    if (c->out.len - c->outoff > OUT_MAX)
        return -1;
    set_events(t, c, c->closing ? EPOLLOUT : EPOLLIN | EPOLLOUT); /* closing: read no more */
    return 0;
}

static void put_reply(sconn *c, const sip_reply *r)
{
    rs_buf_append(&c->out, r->data.data, r->data.len);
}

/* Answer a message whose size is above the limit with 513 when its headers
 * (b[0..n), may be empty) can be addressed. */
static void too_big(iothr *t, sconn *c, const char *b, size_t n)
{
    if (!n)
        return;
    sip_msg *m = sip_msg_parse(b, n, 0);
    if (m->kind == SIP_MSG_REQUEST && m->method_id != SIP_METHOD_ACK && m->nvias && !m->via_err) {
        sip__resp_begin(t->st->core, m, &c->ri, 513, "Message Too Large", &t->rep);
        sip__resp_end(&t->rep);
        put_reply(c, &t->rep);
    }
    sip_msg_free(m);
}

/* Handle every whole frame in the input buffer; returns the bytes used. */
static size_t consume(iothr *t, sconn *c)
{
    size_t off = 0;
    while (!c->closing) {
        size_t n;
        sip__frame_kind k = sip__frame(c->in + off, c->inlen - off, &c->scanned, &n);
        if (k == SIP__FR_NEED)
            break;
        const char *b = c->in + off;
        switch (k) {
        case SIP__FR_SKIP:
            break;
        case SIP__FR_PING:
            rs_buf_append(&c->out, "\r\n", 2); /* RFC 5626 §3.5.1 pong */
            break;
        case SIP__FR_MSG:
            if (sip_receive(t->st->core, b, n, &c->ri, &t->rep)) {
                put_reply(c, &t->rep);
                if (t->rep.status >= 200 && t->rep.status < 300 && n > 9 &&
                    !memcmp(b, "REGISTER ", 9))
                    c->authed = 1;
            }
            break;
        case SIP__FR_BAD:
            if (sip_receive(t->st->core, b, n, &c->ri, &t->rep))
                put_reply(c, &t->rep);
            c->closing = 1;
            break;
        case SIP__FR_TOOBIG:
            too_big(t, c, b, n);
            c->closing = 1;
            break;
        default:
            break;
        }
        off += n;
        c->scanned = 0;
    }
    if (off && off < c->inlen)
        memmove(c->in, c->in + off, c->inlen - off);
    c->inlen -= off < c->inlen ? off : c->inlen;
    if (c->inlen == 0 || c->closing) {
        free(c->in); /* idle connections hold no input buffer */
        c->in = NULL;
        c->inlen = c->incap = c->scanned = 0;
    }
    return off;
}

/* Read what is there; returns -1 when the connection is to be closed now. */
static int on_readable(iothr *t, sconn *c, int64_t now)
{
    if (c->ses && !c->handshaken) {
        int r = gnutls_handshake(c->ses);
        if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) {
            set_events(t, c, gnutls_record_get_direction(c->ses) ? EPOLLIN | EPOLLOUT : EPOLLIN);
            return 0;
        }
        if (r < 0)
            return -1;
        c->handshaken = 1;
        c->last_ms = now;
        set_events(t, c, EPOLLIN);
    }
    int eof = 0;
    /* TCP: a bounded number of reads per wake-up (epoll is level-triggered);
     * TLS: until GnuTLS says AGAIN, as it may hold decrypted records epoll
     * cannot see */
    for (int rounds = 0; (rounds < 64 || c->ses) && !c->closing; rounds++) {
        if (!c->in || c->incap == c->inlen) {
            size_t cap = c->incap ? c->incap * 2 : 4096;
            if (cap > IN_MAX)
                cap = IN_MAX;
            c->in = rs_realloc(c->in, cap);
            c->incap = cap;
        }
        ssize_t n;
        if (c->ses) {
            n = gnutls_record_recv(c->ses, c->in + c->inlen, c->incap - c->inlen);
            if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
                break;
            if (n < 0) {
                eof = 1;
                break;
            }
        } else {
            n = recv(c->fd, c->in + c->inlen, c->incap - c->inlen, MSG_DONTWAIT);
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
                break;
            if (n < 0) {
                eof = 1;
                break;
            }
        }
        if (n == 0) {
            eof = 1;
            break;
        }
        c->inlen += (size_t)n;
        c->last_ms = now;
        size_t used = consume(t, c);
        if (c->inlen == 0)
            c->partial_ms = 0;
        else if (used || !c->partial_ms)
            c->partial_ms = now; /* a new partial message: its clock starts */
    }
    if (c->inlen == 0 && c->in) {
        free(c->in);
        c->in = NULL;
        c->incap = 0;
    }
    if (flush(t, c) < 0)
        return -1;
    if (eof && c->outoff < c->out.len) {
        c->closing = 1; /* the peer half-closed: write the answers, then close */
        return 0;
    }
    if (eof)
        return -1; /* a partial message at EOF is dropped */
    if (c->closing && c->outoff >= c->out.len)
        return -1;
    return 0;
}

static void on_accept(iothr *t, lsock *l, int64_t now)
{
    sip__stream *st = t->st;
    for (int i = 0; i < 64; i++) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        int fd = accept4(l->fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE) {
                /* out of descriptors: the listener stays readable, so do not
                 * spin on it; max_connections is normally kept below the limit */
                if (!atomic_exchange(&st->emfile_logged, 1))
                    rs_log(RS_LOG_WARNING, NULL, "sip: cannot accept: %s", strerror(errno));
                usleep(10000);
            }
            return; /* EAGAIN: another thread took it */
        }
        char ip[46];
        int port;
        if (sip__addr_str(&ss, ip, &port) < 0 || !admit(st, ip)) {
            close(fd); /* over a connection limit */
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        sconn *c = rs_calloc(1, sizeof *c);
        c->kind = K_CONN;
        c->fd = fd;
        c->opened_ms = c->last_ms = now;
        c->ri.transport = l->tls ? SIP_TRANSPORT_TLS : SIP_TRANSPORT_TCP;
        c->ri.pool_index = l->pool;
        c->ri.local_port = l->port;
        c->ri.src_port = port;
        memcpy(c->ri.src_ip, ip, sizeof ip);
        if (l->tls) {
            if (gnutls_init(&c->ses, GNUTLS_SERVER | GNUTLS_NONBLOCK | GNUTLS_NO_SIGNAL) < 0 ||
                gnutls_priority_set(c->ses, st->prio) < 0 ||
                gnutls_credentials_set(c->ses, GNUTLS_CRD_CERTIFICATE,
                                       __atomic_load_n(&st->cred, __ATOMIC_ACQUIRE)) < 0) {
                if (c->ses)
                    gnutls_deinit(c->ses);
                close(fd);
                release(st, ip);
                free(c);
                continue;
            }
            gnutls_certificate_server_set_request(c->ses, GNUTLS_CERT_IGNORE);
            gnutls_transport_set_int(c->ses, fd);
        }
        c->events = EPOLLIN;
        struct epoll_event e = {.events = EPOLLIN, .data.ptr = c};
        if (epoll_ctl(t->ep, EPOLL_CTL_ADD, fd, &e) < 0) {
            if (c->ses)
                gnutls_deinit(c->ses);
            close(fd);
            release(st, ip);
            free(c);
            continue;
        }
        c->next = t->head;
        if (t->head)
            t->head->prev = c;
        t->head = c;
    }
}

static void expire(iothr *t, int64_t now)
{
    sip__stream *st = t->st;
    for (sconn *c = t->head, *next; c; c = next) {
        next = c->next;
        int64_t limit = c->ses && !c->handshaken ? st->hs_ms
                        : c->authed              ? st->idle_ms
                                                 : st->unauth_ms;
        int64_t since = c->ses && !c->handshaken ? c->opened_ms : c->last_ms;
        /* slow senders: a message must arrive whole within unauth_ms of its
         * first byte, however steadily it trickles in */
        if (now - since >= limit || (c->partial_ms && now - c->partial_ms >= st->unauth_ms))
            conn_close(t, c);
    }
}

static void *io_loop(void *arg)
{
    iothr *t = arg;
    sip__stream *st = t->st;
    struct epoll_event ev[MAX_EVENTS];
    int64_t last_tick = rs_time_mono_ms();
    for (;;) {
        int n = epoll_wait(t->ep, ev, MAX_EVENTS, st->tick_ms);
        if (n < 0 && errno != EINTR)
            break;
        int64_t now = rs_time_mono_ms();
        int stop = 0;
        for (int i = 0; i < n; i++) {
            int kind = *(int *)ev[i].data.ptr;
            if (kind == K_WAKE) {
                stop = 1;
            } else if (kind == K_LISTEN) {
                on_accept(t, ev[i].data.ptr, now);
            } else {
                sconn *c = ev[i].data.ptr;
                int r = 0;
                if (ev[i].events & EPOLLOUT) {
                    if (c->ses && !c->handshaken)
                        r = on_readable(t, c, now); /* the handshake wanted to write */
                    else
                        r = flush(t, c) < 0 || (c->closing && c->outoff >= c->out.len) ? -1 : 0;
                }
                if (!r && (ev[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
                    r = on_readable(t, c, now);
                if (r < 0)
                    conn_close(t, c);
            }
        }
        if (stop)
            break;
        if (now - last_tick >= st->tick_ms) {
            expire(t, now);
            last_tick = now;
        }
    }
    while (t->head)
        conn_close(t, t->head);
    return NULL;
}

/* ---- start / stop ---- */

static rs_status open_listener(lsock *l, const char *fqdn, const char *ip, int port, rs_err *err)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    int fam = sip__sockaddr(ip, port, &ss, &sl);
    const char *what = l->tls ? "tls" : "tcp";
    if (fam < 0)
        return rs_errf(err, RS_EINVAL, "sip: pool %s: '%s' is not an IPv4 or IPv6 address", fqdn,
                       ip);
    l->fd = socket(fam, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (l->fd < 0)
        return rs_errf(err, RS_EIO, "sip: socket: %s", strerror(errno));
    int one = 1;
    setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fam == AF_INET6)
        setsockopt(l->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(l->fd, (struct sockaddr *)&ss, sl) < 0 || listen(l->fd, 1024) < 0)
        return rs_errf(err, RS_EIO, "sip: pool %s: bind %s %s port %d: %s", fqdn, what, ip, port,
                       strerror(errno));
    struct sockaddr_storage got;
    socklen_t gl = sizeof got;
    getsockname(l->fd, (struct sockaddr *)&got, &gl);
    char gip[46];
    sip__addr_str(&got, gip, &l->port);
    rs_log(RS_LOG_INFO, NULL, "sip: pool %s listening on %s %s port %d", fqdn, what, ip, l->port);
    return RS_OK;
}

static rs_status load_tls(sip__stream *st, const sip_settings *s, rs_err *err)
{
    if (!s->tls_cert_pem || !*s->tls_cert_pem || !s->tls_key_pem || !*s->tls_key_pem)
        return rs_errf(err, RS_EINVAL, "sip: a pool has a tls_port but no certificate and key");
    if (gnutls_certificate_allocate_credentials(&st->cred) < 0)
        return rs_errf(err, RS_ENOMEM, "sip: cannot allocate TLS credentials");
    gnutls_datum_t c = {(unsigned char *)s->tls_cert_pem, (unsigned)strlen(s->tls_cert_pem)};
    gnutls_datum_t k = {(unsigned char *)s->tls_key_pem, (unsigned)strlen(s->tls_key_pem)};
    int rc = gnutls_certificate_set_x509_key_mem2(st->cred, &c, &k, GNUTLS_X509_FMT_PEM, NULL, 0);
    if (rc < 0)
        return rs_errf(err, RS_EINVAL, "sip: the TLS certificate and key cannot be used: %s",
                       gnutls_strerror(rc));
    const char *where = NULL;
    rc = gnutls_priority_init2(&st->prio, TLS_PRIORITIES, &where, 0);
    if (rc < 0)
        return rs_errf(err, RS_EINTERNAL, "sip: TLS priorities at '%s': %s", where ? where : "",
                       gnutls_strerror(rc));
    return RS_OK;
}

rs_status sip__stream_start(sip_core *c, const sip_settings *s, int wake_fd, sip__stream **out,
                            rs_err *err)
{
    *out = NULL;
    int nls = 0, need_tls = 0;
    char addrs[SIP__MAX_ADDRS][46];
    for (int i = 0; i < s->npools; i++) {
        int na = sip__split_addresses(s->pools[i].address, addrs);
        for (int tls = 0; tls < 2; tls++) {
            int port = tls ? s->pools[i].tls_port : s->pools[i].tcp_port;
            if (port < SIP_PORT_ANY || port > 65535)
                return rs_errf(err, RS_EINVAL, "sip: pool %s: bad %s port %d", s->pools[i].fqdn,
                               tls ? "tls" : "tcp", port);
            if (port) {
                nls += na;
                need_tls |= tls;
            }
        }
    }
    if (!nls)
        return RS_OK;
    sip__stream *st = rs_calloc(1, sizeof *st);
    st->core = c;
    st->wake_kind = K_WAKE;
    st->wake_fd = wake_fd;
    pthread_mutex_init(&st->ipmu, NULL);
    st->per_ip = s->max_connections_per_ip > 0 ? s->max_connections_per_ip : 1024;
    st->max_conn = s->max_connections > 0 ? s->max_connections : 65536;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        (rlim_t)st->max_conn + 256 > rl.rlim_cur) {
        int cap = rl.rlim_cur > 256 + 16 ? (int)(rl.rlim_cur - 256) : 16;
        rs_log(RS_LOG_WARNING, NULL,
               "sip: max_connections %d lowered to %d: the open-file limit is %llu (raise "
               "LimitNOFILE / ulimit -n)",
               st->max_conn, cap, (unsigned long long)rl.rlim_cur);
        st->max_conn = cap;
    }
    int maxexp = s->max_expires > 0 ? s->max_expires : 3600;
    st->idle_ms = 1000LL * (s->idle_timeout_s > 0 ? s->idle_timeout_s : maxexp + 5);
    st->unauth_ms = 1000LL * (s->unauth_timeout_s > 0 ? s->unauth_timeout_s : 30);
    st->hs_ms = 1000LL * (s->tls_handshake_timeout_s > 0 ? s->tls_handshake_timeout_s : 10);
    int64_t shortest = st->idle_ms < st->unauth_ms ? st->idle_ms : st->unauth_ms;
    if (st->hs_ms < shortest)
        shortest = st->hs_ms;
    st->tick_ms = shortest < 5000 ? 100 : 1000;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    st->nth = s->stream_threads > 0 ? s->stream_threads : cpus < 1 ? 1 : cpus > 64 ? 64 : (int)cpus;
    st->ls = rs_calloc((size_t)nls, sizeof *st->ls);
    st->th = rs_calloc((size_t)st->nth, sizeof *st->th);
    for (int i = 0; i < nls; i++)
        st->ls[i].fd = -1;
    for (int i = 0; i < st->nth; i++)
        st->th[i].ep = -1;
    *out = st; /* from here on the caller frees with sip__stream_free */
    rs_status r;
    if (need_tls && (r = load_tls(st, s, err)) != RS_OK)
        return r;
    for (int i = 0; i < s->npools; i++) {
        int na = sip__split_addresses(s->pools[i].address, addrs);
        for (int tls = 0; tls < 2; tls++) {
            int port = tls ? s->pools[i].tls_port : s->pools[i].tcp_port;
            if (!port)
                continue;
            int first = -1;
            for (int a = 0; a < na; a++) {
                lsock *l = &st->ls[st->nls++];
                l->kind = K_LISTEN;
                l->pool = i;
                l->tls = tls;
                /* a pool's later addresses reuse the port the first one got */
                int p = first > 0 ? first : port == SIP_PORT_ANY ? 0 : port;
                if ((r = open_listener(l, s->pools[i].fqdn, addrs[a], p, err)) != RS_OK)
                    return r;
                if (first < 0)
                    first = l->port;
            }
        }
    }
    for (int i = 0; i < st->nth; i++) {
        iothr *t = &st->th[i];
        t->st = st;
        t->ep = epoll_create1(EPOLL_CLOEXEC);
        if (t->ep < 0)
            return rs_errf(err, RS_EIO, "sip: epoll: %s", strerror(errno));
        struct epoll_event e = {.events = EPOLLIN, .data.ptr = &st->wake_kind};
        epoll_ctl(t->ep, EPOLL_CTL_ADD, wake_fd, &e);
        for (int k = 0; k < st->nls; k++) {
            struct epoll_event le = {.events = EPOLLIN | EPOLLEXCLUSIVE, .data.ptr = &st->ls[k]};
            epoll_ctl(t->ep, EPOLL_CTL_ADD, st->ls[k].fd, &le);
        }
    }
    for (int i = 0; i < st->nth; i++) {
        if (pthread_create(&st->th[i].th, NULL, io_loop, &st->th[i]) != 0)
            return rs_errf(err, RS_EIO, "sip: cannot start a TCP/TLS thread");
        st->th[i].started = 1;
    }
    rs_log(RS_LOG_INFO, NULL,
           "sip: %d TCP/TLS thread(s); limits %d connections per IP, %d in total; idle %llds, "
           "before sign-in %llds, TLS handshake %llds",
           st->nth, st->per_ip, st->max_conn, (long long)(st->idle_ms / 1000),
           (long long)(st->unauth_ms / 1000), (long long)(st->hs_ms / 1000));
    return RS_OK;
}

void sip__stream_free(sip__stream *st)
{
    if (!st)
        return;
    for (int i = 0; i < st->nth; i++)
        if (st->th[i].started)
            pthread_join(st->th[i].th, NULL);
    for (int i = 0; i < st->nth; i++) {
        if (st->th[i].ep >= 0)
            close(st->th[i].ep);
        sip_reply_free(&st->th[i].rep);
    }
    for (int i = 0; i < st->nls; i++)
        if (st->ls[i].fd >= 0)
            close(st->ls[i].fd);
    for (int b = 0; b < IP_BUCKETS; b++)
        for (ipent *e = st->ips[b], *n; e; e = n) {
            n = e->next;
            free(e);
        }
    if (st->prio)
        gnutls_priority_deinit(st->prio);
    if (st->cred)
        gnutls_certificate_free_credentials(st->cred);
    for (int i = 0; i < st->nretired; i++)
        gnutls_certificate_free_credentials(st->retired[i]);
    free(st->retired);
    pthread_mutex_destroy(&st->ipmu);
    free(st->ls);
    free(st->th);
    free(st);
}

rs_status sip__stream_set_tls(sip__stream *st, const char *cert_pem, const char *key_pem,
                              rs_err *err)
{
    if (!st || !__atomic_load_n(&st->cred, __ATOMIC_ACQUIRE))
        return rs_errf(err, RS_ESTATE, "sip: no pool serves TLS");
    gnutls_certificate_credentials_t n;
    if (gnutls_certificate_allocate_credentials(&n) < 0)
        return rs_errf(err, RS_ENOMEM, "sip: cannot allocate TLS credentials");
    gnutls_datum_t c = {(unsigned char *)cert_pem, (unsigned)strlen(cert_pem)};
    gnutls_datum_t k = {(unsigned char *)key_pem, (unsigned)strlen(key_pem)};
    int rc = gnutls_certificate_set_x509_key_mem2(n, &c, &k, GNUTLS_X509_FMT_PEM, NULL, 0);
    if (rc < 0) {
        gnutls_certificate_free_credentials(n);
        return rs_errf(err, RS_EINVAL, "sip: the TLS certificate and key cannot be used: %s",
                       gnutls_strerror(rc));
    }
    /* sessions keep a pointer to their credentials: the old ones stay until stop */
    pthread_mutex_lock(&st->ipmu);
    st->retired = rs_realloc(st->retired, (size_t)(st->nretired + 1) * sizeof *st->retired);
    st->retired[st->nretired++] = __atomic_exchange_n(&st->cred, n, __ATOMIC_ACQ_REL);
    pthread_mutex_unlock(&st->ipmu);
    return RS_OK;
}

int sip__stream_port(const sip__stream *st, int pool_index, int tls)
{
    if (!st)
        return -1;
    for (int i = 0; i < st->nls; i++)
        if (st->ls[i].pool == pool_index && st->ls[i].tls == tls)
            return st->ls[i].port;
    return -1;
}

int sip__stream_connections(const sip__stream *st)
{
    return st ? atomic_load(&((sip__stream *)st)->nconn) : 0;
}

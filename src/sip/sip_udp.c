/* sip_udp.c - the server: one sip_core, per pool and address a UDP socket
 * with udp_threads receive threads, the TCP/TLS side (sip_stream.c) and a
 * sweeper thread. Every datagram goes to sip_receive(); its answer is sent
 * back from the same socket. Design: docs/internals/sip.md. */
#include "sip_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rs_log.h"

typedef struct udp_sock {
    struct sip_server *srv;
    int fd;
    int family;
    int pool;
    int port;
    char ip[46];
    pthread_t *th; /* nth receive threads sharing fd */
    int nth;
} udp_sock;

/* Longest a receive thread blocks before it looks at the stop flag. */
enum { RX_WAKE_MS = 200 };

struct sip_server {
    sip_core *core;
    udp_sock *socks; /* one per (pool, address) */
    int nsocks;
    int wake[2];
    atomic_bool stop; /* receive threads leave at their next wake-up */
    pthread_t sweeper;
    int sweeper_started;
    int sweep_ms;
    sip__stream *stream; /* NULL when no pool has TCP/TLS */
};

int sip__sockaddr(const char *ip, int port, struct sockaddr_storage *ss, socklen_t *len)
{
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, ip, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        *len = sizeof *a4;
        return AF_INET;
    }
    if (inet_pton(AF_INET6, ip, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        *len = sizeof *a6;
        return AF_INET6;
    }
    return -1;
}

/* Dotted-quad text of an IPv4 address (out >= 16 bytes). glibc's inet_ntop
 * formats with sprintf, which showed in the receive threads' profile. */
static void ipv4_text(const struct in_addr *a, char *out)
{
    const unsigned char *b = (const unsigned char *)&a->s_addr;
    char *p = out;
    for (int i = 0; i < 4; i++) {
        unsigned v = b[i];
        if (v >= 100)
            *p++ = (char)('0' + v / 100);
        if (v >= 10)
            *p++ = (char)('0' + v / 10 % 10);
        *p++ = (char)('0' + v % 10);
        *p++ = i < 3 ? '.' : '\0';
    }
}

/* Source address of a datagram into ri; 0 when it is not IPv4/IPv6. */
static int fill_source(const struct sockaddr_storage *ss, sip_recv_info *ri)
{
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
        ipv4_text(&a->sin_addr, ri->src_ip);
        ri->src_port = ntohs(a->sin_port);
        return 1;
    }
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &a->sin6_addr, ri->src_ip, sizeof ri->src_ip);
        ri->src_port = ntohs(a->sin6_port);
        return 1;
    }
    return 0;
}

/* Receive thread: up to RX_BATCH datagrams per recvmmsg(2), each handed to
 * sip_receive(), the answers of a batch sent with one sendmmsg(2). The
 * recvmmsg blocks for the first datagram (MSG_WAITFORONE) instead of a
 * poll(2) before it: one system call per batch, not two. The socket's receive
 * timeout (RX_WAKE_MS) bounds the wait, so a stop request is seen. */
static void *recv_loop(void *arg)
{
    udp_sock *s = arg;
    sip_core *c = s->srv->core;
    pthread_setname_np(pthread_self(), "sip-udp"); /* top, perf and bench/sip tell them apart */
    enum { BUFSZ = 65536, RX_BATCH = 16, RX_ROUNDS = 4 };
    char *bufs = rs_malloc((size_t)BUFSZ * RX_BATCH);
    struct mmsghdr in[RX_BATCH], out[RX_BATCH];
    struct iovec iin[RX_BATCH], iout[RX_BATCH];
    struct sockaddr_storage src[RX_BATCH], dst[RX_BATCH];
    sip_reply rep[RX_BATCH];
    memset(rep, 0, sizeof rep);
    memset(in, 0, sizeof in);
    for (int i = 0; i < RX_BATCH; i++) {
        iin[i] = (struct iovec){.iov_base = bufs + (size_t)i * BUFSZ, .iov_len = BUFSZ};
        in[i].msg_hdr.msg_iov = &iin[i];
        in[i].msg_hdr.msg_iovlen = 1;
    }
    while (!atomic_load_explicit(&s->srv->stop, memory_order_relaxed)) {
        for (int round = 0; round < RX_ROUNDS; round++) {
            for (int i = 0; i < RX_BATCH; i++) {
                in[i].msg_hdr.msg_name = &src[i];
                in[i].msg_hdr.msg_namelen = sizeof src[i];
                in[i].msg_hdr.msg_flags = 0;
            }
            int n = recvmmsg(s->fd, in, RX_BATCH, round ? MSG_DONTWAIT : MSG_WAITFORONE, NULL);
            if (n <= 0)
                break; /* timeout (EAGAIN), drained, EINTR: check stop, wait again */
            int nout = 0;
            for (int i = 0; i < n; i++) {
                size_t len = in[i].msg_len;
                if ((in[i].msg_hdr.msg_flags & MSG_TRUNC) || len > SIP_MAX_MSG || len >= BUFSZ)
                    continue; /* truncated: not a whole message */
                sip_recv_info ri;
                memset(&ri, 0, sizeof ri);
                ri.transport = SIP_TRANSPORT_UDP;
                ri.pool_index = s->pool;
                ri.local_port = s->port;
                if (!fill_source(&src[i], &ri))
                    continue;
                sip_reply *r = &rep[nout];
                if (!sip_receive(c, iin[i].iov_base, len, &ri, r))
                    continue;
                socklen_t dl;
                if (r->dst_port == ri.src_port && strcmp(r->dst_ip, ri.src_ip) == 0) {
                    /* the usual case (rport): answer the source, no address parsing */
                    dst[nout] = src[i];
                    dl = in[i].msg_hdr.msg_namelen;
                } else if (sip__sockaddr(r->dst_ip, r->dst_port, &dst[nout], &dl) != s->family) {
                    continue;
                }
                iout[nout] = (struct iovec){.iov_base = r->data.data, .iov_len = r->data.len};
                out[nout] = (struct mmsghdr){.msg_hdr = {.msg_name = &dst[nout],
                                                         .msg_namelen = dl,
                                                         .msg_iov = &iout[nout],
                                                         .msg_iovlen = 1}};
                nout++;
            }
            /* UDP: an answer the kernel refuses is retransmitted for by the client */
            for (int sent = 0; sent < nout;) {
                int w = sendmmsg(s->fd, out + sent, (unsigned)(nout - sent), MSG_DONTWAIT);
                if (w <= 0) {
                    if (w < 0 && errno == EINTR)
                        continue;
                    sent++; /* skip the one that failed, try the rest */
                    continue;
                }
                sent += w;
            }
            if (n < RX_BATCH)
                break; /* drained */
        }
    }
    for (int i = 0; i < RX_BATCH; i++)
        sip_reply_free(&rep[i]);
    free(bufs);
    return NULL;
}

static void *sweep_loop(void *arg)
{
    sip_server *srv = arg;
    struct pollfd pf = {.fd = srv->wake[0], .events = POLLIN};
    for (;;) {
        int r = poll(&pf, 1, srv->sweep_ms);
        if (r > 0)
            break;
        sip_core_sweep(srv->core);
    }
    return NULL;
}

int sip__addr_str(const struct sockaddr_storage *ss, char *ip, int *port)
{
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
        inet_ntop(AF_INET, &a->sin_addr, ip, 46);
        *port = ntohs(a->sin_port);
        return 0;
    }
    if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
        inet_ntop(AF_INET6, &a->sin6_addr, ip, 46);
        *port = ntohs(a->sin6_port);
        return 0;
    }
    return -1;
}

int sip__split_addresses(const char *list, char out[][46])
{
    int n = 0;
    const char *p = list ? list : "";
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            break;
        const char *e = p;
        while (*e && *e != ',' && *e != ' ' && *e != '\t')
            e++;
        size_t len = (size_t)(e - p);
        if (len >= 2 && p[0] == '[' && p[len - 1] == ']') {
            p++;
            len -= 2;
        }
        if (n == SIP__MAX_ADDRS || len == 0 || len >= 46)
            return 0;
        memcpy(out[n], p, len);
        out[n][len] = '\0';
        struct sockaddr_storage ss;
        socklen_t sl;
        if (sip__sockaddr(out[n], 0, &ss, &sl) < 0)
            return 0;
        for (int i = 0; i < n; i++)
            if (!strcmp(out[i], out[n]))
                return 0;
        n++;
        p = e;
    }
    return n;
}

static rs_status open_socket(udp_sock *s, const char *fqdn, int port, rs_err *err)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    s->family = sip__sockaddr(s->ip, port, &ss, &sl);
    if (s->family < 0)
        return rs_errf(err, RS_EINVAL, "sip: pool %s: '%s' is not an IPv4 or IPv6 address", fqdn,
                       s->ip);
    s->fd = socket(s->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s->fd < 0)
        return rs_errf(err, RS_EIO, "sip: socket: %s", strerror(errno));
    if (s->family == AF_INET6) {
        int one = 1;
        setsockopt(s->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    }
    /* Room for ~100-200 ms of requests at 10,000+ exchanges/s, so a receive
     * thread that loses its core briefly does not cost drops (and client
     * retransmissions); still well under T1 (500 ms). The kernel caps it at
     * net.core.rmem_max. */
    int rcvbuf = 4 << 20;
    setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    struct timeval tv = {.tv_sec = 0, .tv_usec = RX_WAKE_MS * 1000};
    setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (bind(s->fd, (struct sockaddr *)&ss, sl) < 0)
        return rs_errf(err, RS_EIO, "sip: pool %s: bind udp %s port %d: %s", fqdn, s->ip, port,
                       strerror(errno));
    struct sockaddr_storage got;
    socklen_t gl = sizeof got;
    getsockname(s->fd, (struct sockaddr *)&got, &gl);
    char ip[46];
    sip__addr_str(&got, ip, &s->port);
    return RS_OK;
}

static int online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

rs_status sip_server_start_opts(const sip_settings *s, const sip_provider *p, const sip_options *o,
                                sip_server **out, rs_err *err)
{
    *out = NULL;
    if (!s || s->npools < 1 || !s->pools)
        return rs_errf(err, RS_EINVAL, "sip: at least one pool is needed");
    /* the core knows each pool by its first address (Request-URI matching) */
    sip_pool_listen *cp = rs_calloc((size_t)s->npools, sizeof *cp);
    char(*addrs)[SIP__MAX_ADDRS][46] = rs_calloc((size_t)s->npools, sizeof *addrs);
    int *naddrs = rs_calloc((size_t)s->npools, sizeof *naddrs);
    int total = 0;
    for (int i = 0; i < s->npools; i++) {
        cp[i] = s->pools[i];
        naddrs[i] = sip__split_addresses(s->pools[i].address, addrs[i]);
        if (!naddrs[i]) {
            rs_status st = rs_errf(err, RS_EINVAL,
                                   "sip: pool %s: address '%s' must be one to %d IPv4/IPv6 "
                                   "literals, comma-separated, each once",
                                   s->pools[i].fqdn ? s->pools[i].fqdn : "?",
                                   s->pools[i].address ? s->pools[i].address : "", SIP__MAX_ADDRS);
            free(cp);
            free(addrs);
            free(naddrs);
            return st;
        }
        cp[i].address = addrs[i][0];
        total += naddrs[i];
    }
    sip_settings cs = *s;
    cs.pools = cp;
    sip_server *srv = rs_calloc(1, sizeof *srv);
    srv->wake[0] = srv->wake[1] = -1;
    srv->sweep_ms = o && o->sweep_interval_ms > 0 ? o->sweep_interval_ms : 1000;
    rs_status st = sip_core_new(&cs, p, o, &srv->core, err);
    if (st != RS_OK) {
        free(srv);
        free(cp);
        free(addrs);
        free(naddrs);
        return st;
    }
    int nth = s->udp_threads > 0 ? s->udp_threads : online_cpus();
    srv->nsocks = total;
    srv->socks = rs_calloc((size_t)total, sizeof *srv->socks);
    for (int i = 0, k = 0; i < s->npools; i++)
        for (int a = 0; a < naddrs[i]; a++, k++) {
            srv->socks[k].fd = -1;
            srv->socks[k].pool = i;
            srv->socks[k].srv = srv;
            memcpy(srv->socks[k].ip, addrs[i][a], 46);
        }
    if (pipe2(srv->wake, O_CLOEXEC) < 0) {
        st = rs_errf(err, RS_EIO, "sip: pipe: %s", strerror(errno));
        goto fail;
    }
    for (int k = 0; k < srv->nsocks; k++) {
        udp_sock *u = &srv->socks[k];
        const sip__pool *pl = &srv->core->pools[u->pool];
        /* the pool's later addresses reuse the port the first one got */
        int port =
            k > 0 && srv->socks[k - 1].pool == u->pool ? srv->socks[k - 1].port : pl->udp_port;
        st = open_socket(u, pl->fqdn, port, err);
        if (st != RS_OK)
            goto fail;
        if (port == 0)
            sip_core_set_pool_port(srv->core, u->pool, u->port);
    }
    for (int k = 0; k < srv->nsocks; k++) {
        udp_sock *u = &srv->socks[k];
        u->th = rs_calloc((size_t)nth, sizeof *u->th);
        for (int t = 0; t < nth; t++) {
            if (pthread_create(&u->th[t], NULL, recv_loop, u) != 0) {
                st = rs_errf(err, RS_EIO, "sip: cannot start a receive thread");
                goto fail;
            }
            u->nth++;
        }
        rs_log(RS_LOG_INFO, NULL, "sip: pool %s listening on udp %s port %d (%d threads)",
               srv->core->pools[u->pool].fqdn, u->ip, u->port, nth);
    }
    /* stream listeners: the pools as configured, with the UDP ports now known */
    for (int i = 0; i < s->npools; i++)
        cp[i].address = s->pools[i].address;
    st = sip__stream_start(srv->core, &cs, srv->wake[0], &srv->stream, err);
    if (st != RS_OK)
        goto fail;
    for (int i = 0; i < s->npools; i++) { /* for 301 Contacts over TCP/TLS */
        int tp = sip__stream_port(srv->stream, i, 0), sp = sip__stream_port(srv->stream, i, 1);
        srv->core->pools[i].tcp_port = tp > 0 ? tp : 0;
        srv->core->pools[i].tls_port = sp > 0 ? sp : 0;
    }
    if (pthread_create(&srv->sweeper, NULL, sweep_loop, srv) != 0) {
        st = rs_errf(err, RS_EIO, "sip: cannot start the sweeper thread");
        goto fail;
    }
    srv->sweeper_started = 1;
    free(cp);
    free(addrs);
    free(naddrs);
    *out = srv;
    return RS_OK;
fail:
    free(cp);
    free(addrs);
    free(naddrs);
    sip_server_stop(srv);
    return st;
}

rs_status sip_server_start(const sip_settings *s, const sip_provider *p, sip_server **out,
                           rs_err *err)
{
    return sip_server_start_opts(s, p, NULL, out, err);
}

void sip_server_stop(sip_server *srv)
{
    if (!srv)
        return;
    atomic_store(&srv->stop, true); /* receive threads: within RX_WAKE_MS */
    if (srv->wake[1] >= 0) {
        ssize_t w = write(srv->wake[1], "x", 1); /* stays readable: wakes every thread */
        (void)w;
    }
    for (int i = 0; i < srv->nsocks; i++)
        for (int t = 0; t < srv->socks[i].nth; t++)
            pthread_join(srv->socks[i].th[t], NULL);
    if (srv->sweeper_started)
        pthread_join(srv->sweeper, NULL);
    sip__stream_free(srv->stream);
    for (int i = 0; i < srv->nsocks; i++) {
        if (srv->socks[i].fd >= 0)
            close(srv->socks[i].fd);
        free(srv->socks[i].th);
    }
    if (srv->wake[0] >= 0)
        close(srv->wake[0]);
    if (srv->wake[1] >= 0)
        close(srv->wake[1]);
    free(srv->socks);
    sip_core_free(srv->core);
    free(srv);
}

int sip_server_bindings(sip_server *srv, const char *aor,
                        void (*cb)(void *ud, const char *contact, int expires_in, const char *pool),
                        void *ud)
{
    return srv ? sip_core_bindings(srv->core, aor, cb, ud) : 0;
}

void sip_server_drop(sip_server *srv, const char *aor)
{
    if (srv)
        sip_core_drop(srv->core, aor);
}

int sip_server_port(const sip_server *srv, int pool_index)
{
    if (!srv)
        return -1;
    for (int i = 0; i < srv->nsocks; i++)
        if (srv->socks[i].pool == pool_index)
            return srv->socks[i].port;
    return -1;
}

int sip_server_tcp_port(const sip_server *srv, int pool_index)
{
    return srv ? sip__stream_port(srv->stream, pool_index, 0) : -1;
}

int sip_server_tls_port(const sip_server *srv, int pool_index)
{
    return srv ? sip__stream_port(srv->stream, pool_index, 1) : -1;
}

rs_status sip_server_reload_tls(sip_server *srv, const char *cert_pem, const char *key_pem,
                                rs_err *err)
{
    return sip__stream_set_tls(srv ? srv->stream : NULL, cert_pem, key_pem, err);
}

int sip_server_connections(const sip_server *srv)
{
    return srv ? sip__stream_connections(srv->stream) : 0;
}

sip_core *sip_server_core(sip_server *srv)
{
    return srv ? srv->core : NULL;
}

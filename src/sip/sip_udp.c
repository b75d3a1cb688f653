/* sip_udp.c - the UDP transport: one socket and one receive thread per pool,
 * plus a sweeper thread, around one sip_core. Every datagram goes to
 * sip_receive(); its answer is sent back from the same socket. TCP/TLS will
 * plug in the same way (framing, then sip_receive()). Design:
 * docs/internals/sip.md. */
#include "sip_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
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
    pthread_t th;
    int started;
} udp_sock;

struct sip_server {
    sip_core *core;
    udp_sock *socks;
    int nsocks;
    int wake[2];
    pthread_t sweeper;
    int sweeper_started;
    int sweep_ms;
};

static int fill_addr(const char *ip, int port, struct sockaddr_storage *ss, socklen_t *len)
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

static void *recv_loop(void *arg)
{
    udp_sock *s = arg;
    sip_core *c = s->srv->core;
    enum { BUFSZ = 65536 };
    char *buf = rs_malloc(BUFSZ);
    sip_reply rep;
    memset(&rep, 0, sizeof rep);
    struct pollfd pf[2] = {{.fd = s->fd, .events = POLLIN},
                           {.fd = s->srv->wake[0], .events = POLLIN}};
    for (;;) {
        if (poll(pf, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (pf[1].revents)
            break;
        for (int batch = 0; batch < 64; batch++) {
            struct sockaddr_storage ss;
            socklen_t sl = sizeof ss;
            ssize_t n =
                recvfrom(s->fd, buf, BUFSZ, MSG_DONTWAIT | MSG_TRUNC, (struct sockaddr *)&ss, &sl);
            if (n < 0)
                break;
            if (n > SIP_MAX_MSG || n >= BUFSZ)
                continue; /* truncated: not a whole message */
            sip_recv_info ri;
            memset(&ri, 0, sizeof ri);
            ri.transport = SIP_TRANSPORT_UDP;
            ri.pool_index = s->pool;
            ri.local_port = s->port;
            if (ss.ss_family == AF_INET) {
                struct sockaddr_in *a = (struct sockaddr_in *)&ss;
                inet_ntop(AF_INET, &a->sin_addr, ri.src_ip, sizeof ri.src_ip);
                ri.src_port = ntohs(a->sin_port);
            } else if (ss.ss_family == AF_INET6) {
                struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
                inet_ntop(AF_INET6, &a->sin6_addr, ri.src_ip, sizeof ri.src_ip);
                ri.src_port = ntohs(a->sin6_port);
            } else {
                continue;
            }
            if (!sip_receive(c, buf, (size_t)n, &ri, &rep))
                continue;
            struct sockaddr_storage dst;
            socklen_t dl;
            if (fill_addr(rep.dst_ip, rep.dst_port, &dst, &dl) != s->family)
                continue;
            ssize_t w = sendto(s->fd, rep.data.data, rep.data.len, MSG_DONTWAIT,
                               (struct sockaddr *)&dst, dl);
            (void)w; /* UDP: a lost response is retransmitted by the client */
        }
    }
    sip_reply_free(&rep);
    free(buf);
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

static rs_status open_socket(udp_sock *s, const sip__pool *p, rs_err *err)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    s->family = fill_addr(p->address, p->udp_port, &ss, &sl);
    if (s->family < 0)
        return rs_errf(err, RS_EINVAL, "sip: pool %s: '%s' is not an IPv4 or IPv6 address", p->fqdn,
                       p->address);
    s->fd = socket(s->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s->fd < 0)
        return rs_errf(err, RS_EIO, "sip: socket: %s", strerror(errno));
    if (s->family == AF_INET6) {
        int one = 1;
        setsockopt(s->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    }
    if (bind(s->fd, (struct sockaddr *)&ss, sl) < 0)
        return rs_errf(err, RS_EIO, "sip: pool %s: bind %s port %d: %s", p->fqdn, p->address,
                       p->udp_port, strerror(errno));
    struct sockaddr_storage got;
    socklen_t gl = sizeof got;
    getsockname(s->fd, (struct sockaddr *)&got, &gl);
    s->port = ntohs(got.ss_family == AF_INET ? ((struct sockaddr_in *)&got)->sin_port
                                             : ((struct sockaddr_in6 *)&got)->sin6_port);
    return RS_OK;
}

rs_status sip_server_start_opts(const sip_settings *s, const sip_provider *p, const sip_options *o,
                                sip_server **out, rs_err *err)
{
    *out = NULL;
    if (!s || s->npools < 1)
        return rs_errf(err, RS_EINVAL, "sip: at least one pool is needed");
    sip_server *srv = rs_calloc(1, sizeof *srv);
    srv->wake[0] = srv->wake[1] = -1;
    srv->sweep_ms = o && o->sweep_interval_ms > 0 ? o->sweep_interval_ms : 1000;
    rs_status st = sip_core_new(s, p, o, &srv->core, err);
    if (st != RS_OK) {
        free(srv);
        return st;
    }
    srv->nsocks = s->npools;
    srv->socks = rs_calloc((size_t)srv->nsocks, sizeof *srv->socks);
    for (int i = 0; i < srv->nsocks; i++)
        srv->socks[i].fd = -1;
    if (pipe2(srv->wake, O_CLOEXEC) < 0) {
        st = rs_errf(err, RS_EIO, "sip: pipe: %s", strerror(errno));
        goto fail;
    }
    for (int i = 0; i < srv->nsocks; i++) {
        udp_sock *u = &srv->socks[i];
        u->srv = srv;
        u->pool = i;
        st = open_socket(u, &srv->core->pools[i], err);
        if (st != RS_OK)
            goto fail;
        sip_core_set_pool_port(srv->core, i, u->port);
    }
    for (int i = 0; i < srv->nsocks; i++) {
        if (pthread_create(&srv->socks[i].th, NULL, recv_loop, &srv->socks[i]) != 0) {
            st = rs_errf(err, RS_EIO, "sip: cannot start a receive thread");
            goto fail;
        }
        srv->socks[i].started = 1;
        rs_log(RS_LOG_INFO, NULL, "sip: pool %s listening on udp %s port %d",
               srv->core->pools[i].fqdn, srv->core->pools[i].address, srv->socks[i].port);
    }
    if (pthread_create(&srv->sweeper, NULL, sweep_loop, srv) != 0) {
        st = rs_errf(err, RS_EIO, "sip: cannot start the sweeper thread");
        goto fail;
    }
    srv->sweeper_started = 1;
    *out = srv;
    return RS_OK;
fail:
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
    if (srv->wake[1] >= 0) {
        ssize_t w = write(srv->wake[1], "x", 1); /* stays readable: wakes every thread */
        (void)w;
    }
    for (int i = 0; i < srv->nsocks; i++)
        if (srv->socks[i].started)
            pthread_join(srv->socks[i].th, NULL);
    if (srv->sweeper_started)
        pthread_join(srv->sweeper, NULL);
    for (int i = 0; i < srv->nsocks; i++)
        if (srv->socks[i].fd >= 0)
            close(srv->socks[i].fd);
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
    if (!srv || pool_index < 0 || pool_index >= srv->nsocks)
        return -1;
    return srv->socks[pool_index].port;
}

sip_core *sip_server_core(sip_server *srv)
{
    return srv ? srv->core : NULL;
}

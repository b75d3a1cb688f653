/* sip_test_net.h - network fixtures for the rs_sip server tests: a real
 * sip_server on loopback with UDP, TCP and TLS listeners on ephemeral ports,
 * its certificate (the daemon's own self-signed one, api_tls_ensure in a temp
 * folder), and blocking test clients over TCP and TLS (GnuTLS) with
 * generous timeouts. Header-only; include after sip_test.h. */
#ifndef SIP_TEST_NET_H
#define SIP_TEST_NET_H

#include <arpa/inet.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "api.h"

enum { T_NET_WAIT_MS = 5000 };

static T_UNUSED char *t_cert_pem, *t_key_pem;
static T_UNUSED char t_cert_dir[64];

/* The daemon's self-signed certificate, made once per test binary. */
static T_UNUSED void t_net_cert(void)
{
    if (t_cert_pem)
        return;
    snprintf(t_cert_dir, sizeof t_cert_dir, "/tmp/rs-sip-test.XXXXXX");
    assert_non_null(mkdtemp(t_cert_dir));
    rs_err err;
    assert_int_equal(api_tls_ensure(t_cert_dir, NULL, NULL, &t_cert_pem, &t_key_pem, NULL, &err),
                     RS_OK);
}

static T_UNUSED void t_net_cert_cleanup(void)
{
    if (!t_cert_pem)
        return;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", t_cert_dir);
    int r = system(cmd);
    (void)r;
    free(t_cert_pem);
    free(t_key_pem);
    t_cert_pem = t_key_pem = NULL;
}

/* 1 when this host can bind ::1. */
static T_UNUSED int t_have_ipv6(void)
{
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    int ok = bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

/* Start a server with one pool "pool01.contoso.com" on `address` (UDP, TCP and
 * TLS on ephemeral ports); tweak (may be NULL) adjusts the settings first. */
static T_UNUSED sip_server *t_net_server(const char *address, void (*tweak)(sip_settings *))
{
    t_net_cert();
    static sip_pool_listen pool;
    pool = (sip_pool_listen){.fqdn = "pool01.contoso.com",
                             .address = address,
                             .udp_port = 0,
                             .tcp_port = SIP_PORT_ANY,
                             .tls_port = SIP_PORT_ANY};
    sip_settings s = {.pools = &pool,
                      .npools = 1,
                      .nonce_lifetime_s = 300,
                      .min_expires = 60,
                      .max_expires = 3600,
                      .default_expires = 3600,
                      .tls_cert_pem = t_cert_pem,
                      .tls_key_pem = t_key_pem,
                      .udp_threads = 2,
                      .stream_threads = 2};
    if (tweak)
        tweak(&s);
    sip_provider p = {.lookup = t_lookup, .domain_served = t_domain_served};
    sip_options o;
    memset(&o, 0, sizeof o);
    o.security_log = t_logfn;
    o.algorithms = "MD5";
    sip_server *srv = NULL;
    rs_err err;
    rs_status st = sip_server_start_opts(&s, &p, &o, &srv, &err);
    if (st != RS_OK)
        print_error("sip_server_start: %s\n", err.msg);
    assert_int_equal(st, RS_OK);
    return srv;
}

/* ---- a client connection (TCP, or TLS over it) ---- */
typedef struct t_conn {
    int fd;
    gnutls_session_t ses; /* NULL: plain TCP */
    gnutls_certificate_credentials_t cred;
    char buf[140000];
    size_t len;
    int eof;
} t_conn;

static T_UNUSED int64_t t_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Connect to ip:port (IPv4 or IPv6 literal); NULL when refused. With tls (1:
 * GnuTLS defaults, 2: TLS 1.2 only), do
 * the handshake (no certificate verification: the test checks the server,
 * not the PKI) and return NULL when it fails. Caller frees with t_conn_close. */
static T_UNUSED t_conn *t_conn_open(const char *ip, int port, int tls)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t sl;
    int fam = strchr(ip, ':') ? AF_INET6 : AF_INET;
    if (fam == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_port = htons((uint16_t)port);
        inet_pton(AF_INET, ip, &a->sin_addr);
        sl = sizeof *a;
    } else {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        inet_pton(AF_INET6, ip, &a->sin6_addr);
        sl = sizeof *a;
    }
    int fd = socket(fam, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    if (connect(fd, (struct sockaddr *)&ss, sl) < 0) {
        close(fd);
        return NULL;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    t_conn *c = calloc(1, sizeof *c);
    c->fd = fd;
    if (tls) {
        assert_int_equal(gnutls_certificate_allocate_credentials(&c->cred), 0);
        assert_int_equal(gnutls_init(&c->ses, GNUTLS_CLIENT | GNUTLS_NO_SIGNAL), 0);
        if (tls == 2)
            assert_int_equal(
                gnutls_priority_set_direct(c->ses, "NORMAL:-VERS-ALL:+VERS-TLS1.2", NULL), 0);
        else
            assert_int_equal(gnutls_set_default_priority(c->ses), 0);
        assert_int_equal(gnutls_credentials_set(c->ses, GNUTLS_CRD_CERTIFICATE, c->cred), 0);
        gnutls_transport_set_int(c->ses, fd);
        gnutls_handshake_set_timeout(c->ses, T_NET_WAIT_MS);
        int r;
        do
            r = gnutls_handshake(c->ses);
        while (r < 0 && !gnutls_error_is_fatal(r));
        if (r < 0) {
            print_error("TLS handshake: %s\n", gnutls_strerror(r));
            gnutls_deinit(c->ses);
            gnutls_certificate_free_credentials(c->cred);
            close(fd);
            free(c);
            return NULL;
        }
    }
    return c;
}

static T_UNUSED void t_conn_close(t_conn *c)
{
    if (!c)
        return;
    if (c->ses) {
        gnutls_deinit(c->ses);
        gnutls_certificate_free_credentials(c->cred);
    }
    close(c->fd);
    free(c);
}

/* Send n bytes; 0 ok, -1 when the server has closed. */
static T_UNUSED int t_conn_send(t_conn *c, const void *data, size_t n)
{
    const char *p = data;
    while (n) {
        ssize_t w = c->ses ? gnutls_record_send(c->ses, p, n) : send(c->fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && (w == GNUTLS_E_AGAIN || w == GNUTLS_E_INTERRUPTED || errno == EINTR))
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* No more requests from us (TCP half-close / TLS close_notify). */
static T_UNUSED void t_conn_shut(t_conn *c)
{
    if (c->ses)
        gnutls_bye(c->ses, GNUTLS_SHUT_WR);
    else
        shutdown(c->fd, SHUT_WR);
}

/* Read once, waiting up to ms; sets eof. Returns bytes read (0 on timeout/EOF). */
static T_UNUSED size_t t_conn_read(t_conn *c, int ms)
{
    if (c->eof || c->len + 1 >= sizeof c->buf)
        return 0;
    if (!c->ses || !gnutls_record_check_pending(c->ses)) {
        struct pollfd pf = {.fd = c->fd, .events = POLLIN};
        if (poll(&pf, 1, ms) != 1)
            return 0;
    }
    ssize_t n;
    if (c->ses) {
        do
            n = gnutls_record_recv(c->ses, c->buf + c->len, sizeof c->buf - 1 - c->len);
        while (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED);
    } else {
        n = recv(c->fd, c->buf + c->len, sizeof c->buf - 1 - c->len, 0);
    }
    if (n <= 0) {
        c->eof = 1;
        return 0;
    }
    c->len += (size_t)n;
    c->buf[c->len] = '\0';
    return (size_t)n;
}

/* Messages (header blocks; our responses have no body) received so far. */
static T_UNUSED int t_conn_count(const t_conn *c)
{
    int n = 0;
    for (const char *p = c->buf; (p = strstr(p, "\r\n\r\n")) != NULL; p += 4)
        n++;
    return n;
}

/* Wait until `want` responses arrived, EOF, or T_NET_WAIT_MS; returns the count. */
static T_UNUSED int t_conn_wait(t_conn *c, int want)
{
    int64_t end = t_ms() + T_NET_WAIT_MS;
    while (t_conn_count(c) < want && !c->eof && t_ms() < end)
        t_conn_read(c, 100);
    return t_conn_count(c);
}

/* Wait until the server closes the connection (or ms pass); returns eof. */
static T_UNUSED int t_conn_wait_eof(t_conn *c, int ms)
{
    int64_t end = t_ms() + ms;
    while (!c->eof && t_ms() < end)
        if (!t_conn_read(c, 100) && c->len + 1 >= sizeof c->buf)
            break;
    return c->eof;
}

/* Status code of the k-th response received (0 when none). */
static T_UNUSED int t_conn_status(const t_conn *c, int k)
{
    const char *p = c->buf;
    for (int i = 0; i < k && p; i++) {
        p = strstr(p, "\r\n\r\n");
        if (p)
            p += 4;
    }
    if (!p || strncmp(p, "SIP/2.0 ", 8))
        return 0;
    return atoi(p + 8);
}

/* The k-th response parsed (caller frees), or NULL. */
static T_UNUSED sip_msg *t_conn_msg(const t_conn *c, int k)
{
    const char *p = c->buf;
    for (int i = 0; i < k && p; i++) {
        p = strstr(p, "\r\n\r\n");
        if (p)
            p += 4;
    }
    const char *e = p ? strstr(p, "\r\n\r\n") : NULL;
    return e ? sip_msg_parse(p, (size_t)(e + 4 - p), 0) : NULL;
}

/* Forget what was received. */
static T_UNUSED void t_conn_clear(t_conn *c)
{
    c->len = 0;
    c->buf[0] = '\0';
}

/* Wait until sip_server_connections(srv) == n (or 10 s); returns the last count. */
static T_UNUSED int t_wait_connections(sip_server *srv, int n)
{
    int64_t end = t_ms() + 10000;
    int got;
    while ((got = sip_server_connections(srv)) != n && t_ms() < end)
        usleep(10000);
    return got;
}

#endif

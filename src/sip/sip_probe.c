/* sip_probe.c - a real sign-in probe for Test-RoomSystemAccount -SignIn: a
 * query REGISTER (no Contact, so no binding changes) over UDP, one digest
 * challenge answered, the final status returned. A small UAC, not a stack:
 * one socket, one exchange, bounded waits. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rs_util.h"
#include "sip.h"
#include "sip_msg.h"

/* The value of `name` in a challenge ("Digest realm=\"x\", nonce=..."), quotes
 * removed, into out; 0 when absent or too long. */
static int challenge_param(const char *h, size_t hl, const char *name, char *out, size_t outsz)
{
    size_t nl = strlen(name);
    for (size_t i = 0; i + nl < hl; i++) {
        if (strncasecmp(h + i, name, nl) || h[i + nl] != '=' ||
            (i > 0 && h[i - 1] != ' ' && h[i - 1] != ',' && h[i - 1] != '\t'))
            continue;
        const char *v = h + i + nl + 1, *end = h + hl;
        size_t n;
        if (v < end && *v == '"') {
            v++;
            const char *q = memchr(v, '"', (size_t)(end - v));
            if (!q)
                return 0;
            n = (size_t)(q - v);
        } else {
            n = 0;
            while (v + n < end && v[n] != ',' && v[n] != ' ')
                n++;
        }
        if (n >= outsz)
            return 0;
        memcpy(out, v, n);
        out[n] = '\0';
        return 1;
    }
    return 0;
}

typedef struct probe {
    int fd;
    struct sockaddr_storage to;
    socklen_t tolen;
    char local[INET6_ADDRSTRLEN + 8];
    const char *aor, *host;
    char call_id[40], tag[24];
} probe;

/* Send one REGISTER (with `authz` when non-NULL) and wait for its final
 * response. Returns the parsed response (caller frees) or NULL on timeout. */
static sip_msg *exchange(probe *p, int cseq, const char *authz, int timeout_ms)
{
    char branch[24], req[4096];
    unsigned char rnd[8];
    rs_random(rnd, sizeof rnd);
    snprintf(branch, sizeof branch, "z9hG4bK%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2],
             rnd[3], rnd[4], rnd[5]);
    int n = snprintf(req, sizeof req,
                     "REGISTER sip:%s SIP/2.0\r\n"
                     "Via: SIP/2.0/UDP %s;branch=%s;rport\r\n"
                     "Max-Forwards: 70\r\n"
                     "From: <sip:%s>;tag=%s\r\n"
                     "To: <sip:%s>\r\n"
                     "Call-ID: %s\r\n"
                     "CSeq: %d REGISTER\r\n"
                     "%s%s%s"
                     "User-Agent: roomsys Test-RoomSystemAccount\r\n"
                     "Content-Length: 0\r\n\r\n",
                     p->host, p->local, branch, p->aor, p->tag, p->aor, p->call_id, cseq,
                     authz ? "Authorization: " : "", authz ? authz : "", authz ? "\r\n" : "");
    if (n <= 0 || (size_t)n >= sizeof req)
        return NULL;
    /* Timer E: retransmit at 500 ms, 1 s, 2 s ... until the deadline */
    int waited = 0, interval = 500;
    while (waited < timeout_ms) {
        if (sendto(p->fd, req, (size_t)n, 0, (struct sockaddr *)&p->to, p->tolen) < 0)
            return NULL;
        int slice = interval < timeout_ms - waited ? interval : timeout_ms - waited;
        struct pollfd pfd = {.fd = p->fd, .events = POLLIN};
        while (slice > 0 && poll(&pfd, 1, slice) == 1) {
            char buf[8192];
            ssize_t got = recv(p->fd, buf, sizeof buf, 0);
            if (got <= 0)
                break;
            sip_msg *m = sip_msg_parse(buf, (size_t)got, 0);
            if (m->kind == SIP_MSG_RESPONSE && m->status_code >= 200 && m->has_cseq &&
                m->cseq == (uint32_t)cseq && m->call_id.len == strlen(p->call_id) &&
                !memcmp(m->call_id.s, p->call_id, m->call_id.len))
                return m;
            sip_msg_free(m); /* provisional, stray or garbage: keep waiting */
            slice /= 2;      /* bounded: a flood cannot keep us here */
        }
        waited += interval;
        interval = interval * 2 > 4000 ? 4000 : interval * 2;
    }
    return NULL;
}

/* The Authorization value answering the first challenge of r whose
 * algorithm we know; 0 when r has none. */
static int answer(const probe *p, const sip_msg *r, const char *password, char *out, size_t outsz)
{
    for (int i = 0; i < r->nhdrs; i++) {
        const sip_header *h = &r->hdrs[i];
        if (h->name.len != 16 || strncasecmp(h->name.s, "WWW-Authenticate", 16))
            continue;
        char realm[256], nonce[256], alg[32] = "MD5", qop[64] = "";
        if (!challenge_param(h->value.s, h->value.len, "realm", realm, sizeof realm) ||
            !challenge_param(h->value.s, h->value.len, "nonce", nonce, sizeof nonce))
            continue;
        challenge_param(h->value.s, h->value.len, "algorithm", alg, sizeof alg);
        challenge_param(h->value.s, h->value.len, "qop", qop, sizeof qop);
        sip_digest_alg a;
        if (!strcasecmp(alg, "MD5"))
            a = SIP_DIGEST_MD5;
        else if (!strcasecmp(alg, "SHA-256"))
            a = SIP_DIGEST_SHA256;
        else
            continue;
        char ha1[65], resp[65], cnonce[17], uri[300];
        unsigned char rnd[8];
        rs_random(rnd, sizeof rnd);
        for (int k = 0; k < 8; k++)
            snprintf(cnonce + 2 * k, 3, "%02x", rnd[k]);
        snprintf(uri, sizeof uri, "sip:%s", p->host);
        sip_digest_ha1(a, p->aor, realm, password, ha1);
        int has_qop = strstr(qop, "auth") != NULL;
        sip_digest_response(a, ha1, nonce, "00000001", cnonce, has_qop ? "auth" : NULL, "REGISTER",
                            uri, resp);
        rs_wipe(ha1, sizeof ha1);
        char qpart[64] = "";
        if (has_qop)
            snprintf(qpart, sizeof qpart, ", qop=auth, nc=00000001, cnonce=\"%s\"", cnonce);
        int n = snprintf(out, outsz,
                         "Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", "
                         "response=\"%s\", algorithm=%s%s",
                         p->aor, realm, nonce, uri, resp, alg, qpart);
        return n > 0 && (size_t)n < outsz;
    }
    return 0;
}

int sip_probe_register(const char *ip, int port, const char *aor, const char *password,
                       int timeout_ms, char *reason, size_t reason_sz)
{
    snprintf(reason, reason_sz, "%s", "");
    probe p = {.fd = -1, .aor = aor};
    const char *at = strchr(aor, '@');
    if (!at || !at[1] || strlen(aor) > 250 || strpbrk(aor, " \t\r\n\"<>")) {
        snprintf(reason, reason_sz, "\"%s\" is not a SIP address.", aor);
        return 0;
    }
    p.host = at + 1;
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_DGRAM,
                             .ai_flags = AI_NUMERICHOST},
                    *ai = NULL;
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%d", port);
    if (getaddrinfo(ip, portstr, &hints, &ai) != 0) {
        snprintf(reason, reason_sz, "The registrar address %s is not a numeric IP address.", ip);
        return 0;
    }
    memcpy(&p.to, ai->ai_addr, ai->ai_addrlen);
    p.tolen = ai->ai_addrlen;
    p.fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    freeaddrinfo(ai);
    struct sockaddr_storage me;
    socklen_t melen = sizeof me;
    char host[INET6_ADDRSTRLEN], serv[8];
    if (p.fd < 0 || connect(p.fd, (struct sockaddr *)&p.to, p.tolen) != 0 ||
        getsockname(p.fd, (struct sockaddr *)&me, &melen) != 0 ||
        getnameinfo((struct sockaddr *)&me, melen, host, sizeof host, serv, sizeof serv,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        snprintf(reason, reason_sz, "Cannot reach the registrar at %s port %d: %s.", ip, port,
                 strerror(errno));
        if (p.fd >= 0)
            close(p.fd);
        return 0;
    }
    snprintf(p.local, sizeof p.local, strchr(host, ':') ? "[%s]:%s" : "%s:%s", host, serv);
    char guid[37];
    rs_guid(guid);
    snprintf(p.call_id, sizeof p.call_id, "%s", guid);
    snprintf(p.tag, sizeof p.tag, "%.8s", guid + 24);

    int status = 0;
    char authz[1024];
    sip_msg *r = exchange(&p, 1, NULL, timeout_ms);
    if (r && r->status_code == 401 && answer(&p, r, password, authz, sizeof authz)) {
        sip_msg_free(r);
        r = exchange(&p, 2, authz, timeout_ms);
        rs_wipe(authz, sizeof authz);
    }
    if (!r) {
        snprintf(reason, reason_sz, "The registrar at %s port %d did not answer within %d ms.", ip,
                 port, timeout_ms);
    } else {
        status = r->status_code;
        snprintf(reason, reason_sz, "%d %.*s", r->status_code, (int)r->reason.len, r->reason.s);
    }
    sip_msg_free(r);
    close(p.fd);
    return status;
}

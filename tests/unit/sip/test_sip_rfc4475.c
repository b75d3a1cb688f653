/* test_sip_rfc4475.c - the RFC 4475 torture messages through the receive
 * path, with one committed expectation per message (reliability.md §5.3).
 * The files are read from RS_RFC4475_DIR (environment, else the build-time
 * default); the test is skipped when the folder is absent.
 *
 * Expectation = the status roomsys answers (0: dropped) and whether the parser
 * accepts the message. roomsys is a registrar: it answers REGISTER and
 * OPTIONS; RFC 3261 §8.2.1 checks the method before URI, header and body
 * checks, so valid or application-layer-invalid INVITEs get 405.
 *
 * test_transports sends every message to a real sip_server over UDP, TCP and
 * TLS with the same table: on a stream the first answer must be the table's,
 * except that framing comes first (RFC 3261 §18.3): no Content-Length -> 400
 * and close, more Content-Length than bytes -> no answer (the client closes).
 * UDP answers go to the Via address, which these messages set to hosts
 * elsewhere: the server is bound to 127.0.0.1, so the kernel never lets such
 * an answer leave the machine, and the test checks the server's counters
 * (answered or dropped) instead of reading the answer. */
#include "sip_test.h"
#include "sip_test_net.h"

#include <sys/stat.h>

typedef struct tcase {
    const char *file;
    int status;   /* 0: no response (dropped) */
    int parse_ok; /* the parser accepts the message */
    const char *why;
} tcase;

static const tcase cases[] = {
    /* §3.1.1 valid: must parse and round-trip */
    {"wsinv", 405, 1, "valid; folding, odd LWS, compact forms; INVITE is not ours"},
    {"intmeth", 405, 1, "valid; unusual method and characters; extension method"},
    {"esc01", 405, 1, "valid; escapes in URIs"},
    {"escnull", 401, 1, "valid REGISTER with %00 in the user part: challenged"},
    {"esc02", 405, 1, "valid; RE%47IST%45R is an extension method, not REGISTER"},
    {"lwsdisp", 200, 1, "valid OPTIONS; display name without LWS before <"},
    {"longreq", 405, 1, "valid; long values, 34 Vias"},
    {"dblreq", 401, 1, "valid REGISTER; only Content-Length bytes used, the glued INVITE ignored"},
    {"semiuri", 200, 1, "valid OPTIONS; ';' in the user part"},
    {"transports", 200, 1, "valid OPTIONS; unknown transports in lower Vias"},
    {"mpart01", 405, 1, "valid MESSAGE with a binary multipart body"},
    {"unreason", 0, 1, "valid response with UTF-8 reason: responses are dropped"},
    {"noreason", 0, 1, "valid response with an empty reason: dropped"},
    /* §3.1.2 invalid */
    {"badinv01", 400, 0, "empty Via and Contact parameters"},
    {"clerr", 400, 0, "Content-Length larger than the datagram"},
    {"ncl", 400, 0, "negative Content-Length"},
    {"scalar02", 400, 0, "CSeq above 2^31"},
    {"scalarlg", 0, 0, "invalid response (huge CSeq): dropped"},
    {"quotbal", 400, 0, "unbalanced quotes in To"},
    {"ltgtruri", 400, 0, "Request-URI in <>"},
    {"lwsruri", 400, 0, "LWS inside the Request-URI"},
    {"lwsstart", 400, 0, "strict: extra SP in the Request-Line"},
    {"trws", 400, 0, "strict: trailing SP after SIP-Version"},
    {"escruri", 400, 0, "strict: headers in the Request-URI (RFC 3261 §19.1.1)"},
    {"baddate", 405, 1, "liberal: Date is never interpreted by the registrar"},
    {"regbadct", 400, 0, "strict: '?' in an addr-spec Contact (must be name-addr)"},
    {"badaspec", 400, 0, "strict: LWS inside <> in To"},
    {"baddn", 400, 0, "unquoted display name with a comma"},
    {"badvers", 505, 0, "SIP/7.0"},
    {"mismatch01", 400, 0, "CSeq method differs from the Request-Line"},
    {"mismatch02", 400, 0, "CSeq method differs (unknown method)"},
    {"bigcode", 0, 0, "invalid response code: dropped"},
    /* §3.2 transaction layer */
    {"badbranch", 200, 1, "branch without the magic cookie: still answered"},
    /* §3.3 application layer */
    {"insuf", 400, 0, "missing To, From, Call-ID"},
    {"unkscm", 416, 1, "unknown Request-URI scheme"},
    {"novelsc", 416, 1, "Request-URI scheme we do not serve"},
    {"unksm2", 404, 1, "REGISTER whose To is not a SIP URI: no AoR (RFC 3261 §10.3 step 5)"},
    {"bext01", 420, 1, "Require with unknown options; Proxy-Require ignored by a UAS"},
    {"invut", 405, 1, "method check before Content-Type (415 needs an INVITE handler)"},
    {"regaut01", 401, 1, "unknown Authorization scheme on REGISTER: normal challenge"},
    {"multi01", 400, 0, "repeated single-value headers"},
    {"mcl01", 400, 0, "two Content-Length headers"},
    {"bcast", 0, 1, "response: dropped"},
    {"zeromf", 200, 1, "Max-Forwards 0: we are the endpoint, not a proxy"},
    {"cparam01", 401, 1, "REGISTER with a Contact header parameter: challenged"},
    {"cparam02", 401, 1, "REGISTER with a Contact URI parameter: challenged"},
    {"regescrt", 401, 1, "REGISTER with escaped headers in a name-addr Contact: challenged"},
    {"sdp01", 405, 1, "method check before Accept (406 needs an INVITE handler)"},
    /* §3.4 backward compatibility */
    {"inv2543", 405, 1, "RFC 2543 syntax handled (no branch, no Max-Forwards)"},
    /* extra archive file */
    {"test", 0, 0, "no SIP-Version and no Via: not addressable, dropped"},
};

static const char *dir(void)
{
    const char *d = getenv("RS_RFC4475_DIR");
    return d && *d ? d : RS_RFC4475_DIR;
}

static char *load(const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.dat", dir(), name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(70000);
    *len = fread(buf, 1, 70000, f);
    fclose(f);
    return buf;
}

static int have_dir(void)
{
    struct stat st;
    return stat(dir(), &st) == 0 && S_ISDIR(st.st_mode);
}

static void test_expectations(void **state)
{
    (void)state;
    if (!have_dir())
        skip();
    sip_core *c = t_core();
    sip_recv_info ri = t_ri(0, "192.0.2.7", 40000);
    sip_reply rep;
    memset(&rep, 0, sizeof rep);
    int failures = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t len;
        char *buf = load(cases[i].file, &len);
        if (!buf) {
            print_error("missing %s.dat\n", cases[i].file);
            failures++;
            continue;
        }
        sip_msg *m = sip_msg_parse(buf, len, 0);
        int parse_ok = m->kind != SIP_MSG_NONE && m->err_status == 0;
        int sent = sip_receive(c, buf, len, &ri, &rep);
        int got = sent ? rep.status : 0;
        if (got != cases[i].status || parse_ok != cases[i].parse_ok) {
            print_error("%s: got status %d parse_ok %d, want %d / %d (%s; parser says %d %s)\n",
                        cases[i].file, got, parse_ok, cases[i].status, cases[i].parse_ok,
                        cases[i].why, m->err_status, m->err_reason ? m->err_reason : "");
            failures++;
        }
        if (sent) {
            /* every response parses; one to a malformed request echoes the bad
             * headers (Via, From, To, Call-ID, CSeq) as received, so only its
             * status line is checked */
            sip_msg *r = sip_msg_parse(rep.data.data, rep.data.len, 0);
            if (r->kind != SIP_MSG_RESPONSE || r->status_code != got ||
                (parse_ok && r->err_status)) {
                print_error("%s: response does not parse\n", cases[i].file);
                failures++;
            }
            sip_msg_free(r);
        }
        if (parse_ok) {
            /* round trip: serialise and parse again to the same headers and body */
            size_t n;
            char *s = sip_msg_serialize(m, &n);
            sip_msg *m2 = sip_msg_parse(s, n, 0);
            int same = m2->err_status == 0 && m2->nhdrs == m->nhdrs && m2->kind == m->kind &&
                       m2->body.len == m->body.len &&
                       memcmp(m2->body.s, m->body.s, m->body.len) == 0;
            for (int h = 0; same && h < m->nhdrs; h++)
                same = m2->hdrs[h].value.len == m->hdrs[h].value.len &&
                       memcmp(m2->hdrs[h].value.s, m->hdrs[h].value.s, m->hdrs[h].value.len) == 0;
            if (!same) {
                print_error("%s: round trip differs\n", cases[i].file);
                failures++;
            }
            sip_msg_free(m2);
            free(s);
        }
        sip_msg_free(m);
        free(buf);
    }
    sip_reply_free(&rep);
    sip_core_free(c);
    assert_int_equal(failures, 0);
}

static void test_details(void **state)
{
    (void)state;
    if (!have_dir())
        skip();
    size_t len;
    char *buf = load("dblreq", &len);
    assert_non_null(buf);
    sip_msg *m = sip_msg_parse(buf, len, 0);
    assert_int_equal(m->method_id, SIP_METHOD_REGISTER);
    assert_int_equal(m->body.len, 0);
    sip_msg_free(m);
    free(buf);

    buf = load("wsinv", &len);
    m = sip_msg_parse(buf, len, 0);
    assert_int_equal(m->nvias, 3);
    assert_int_equal(m->vias[0].host.len, strlen("192.0.2.2"));
    assert_int_equal(m->cseq, 9);
    assert_int_equal(m->ncontacts, 1);
    assert_int_equal(m->contacts[0].q, 330);
    assert_int_equal(m->body.len, 150);
    sip_msg_free(m);
    free(buf);

    buf = load("esc02", &len);
    m = sip_msg_parse(buf, len, 0);
    assert_int_equal(m->method_id, SIP_METHOD_OTHER);
    assert_int_equal(m->ncontacts, 2); /* C%6Fntact is another header */
    sip_msg_free(m);
    free(buf);

    buf = load("intmeth", &len);
    m = sip_msg_parse(buf, len, 0);
    assert_int_equal(m->err_status, 0);
    assert_true(m->to.display.len > 0);
    assert_true(m->ruri.has_password);
    sip_msg_free(m);
    free(buf);
}

/* Every prefix of every message, as datagram and as stream: nothing crashes. */
static void test_prefixes(void **state)
{
    (void)state;
    if (!have_dir())
        skip();
    sip_core *c = t_core();
    sip_recv_info ri = t_ri(0, "192.0.2.7", 40000);
    sip_reply rep;
    memset(&rep, 0, sizeof rep);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t len;
        char *buf = load(cases[i].file, &len);
        assert_non_null(buf);
        for (size_t n = 0; n <= len; n++) {
            ri.transport = SIP_TRANSPORT_UDP;
            sip_receive(c, buf, n, &ri, &rep);
            ri.transport = SIP_TRANSPORT_TCP;
            sip_receive(c, buf, n, &ri, &rep);
        }
        free(buf);
    }
    sip_reply_free(&rep);
    sip_core_free(c);
}

/* What a stream connection answers first (see the header comment). */
static int stream_expectation(const tcase *tc, const char *buf, size_t len)
{
    const char *p = buf, *e = buf + len;
    while (p < e && (*p == '\r' || *p == '\n'))
        p++;
    const char *hend = NULL;
    for (const char *q = p; q + 1 < e; q++)
        if (q[0] == '\n' && (q[1] == '\n' || (q[1] == '\r' && q + 2 < e && q[2] == '\n'))) {
            hend = q + (q[1] == '\n' ? 2 : 3);
            break;
        }
    if (!hend)
        return 0; /* never a whole header block: closed without an answer */
    sip_msg *m = sip_msg_parse(p, (size_t)(hend - p), SIP_PARSE_STREAM);
    int addressable = m->kind == SIP_MSG_REQUEST && m->method_id != SIP_METHOD_ACK &&
                      sip_msg_header(m, SIP_HDR_VIA, NULL) != NULL;
    int64_t cl = m->content_length;
    int missing = !sip_msg_header(m, SIP_HDR_CONTENT_LENGTH, NULL);
    sip_msg_free(m);
    if (missing)
        return addressable ? 400 : 0;
    if (cl >= 0 && (size_t)cl > (size_t)(e - hend))
        return 0;
    return tc->status;
}

static void udp_send(int port, const char *buf, size_t len)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_true(sendto(fd, buf, len, 0, (struct sockaddr *)&a, sizeof a) == (ssize_t)len);
    close(fd);
}

static void test_transports(void **state)
{
    (void)state;
    if (!have_dir())
        skip();
    sip_server *srv = t_net_server("127.0.0.1", NULL);
    sip_core *core = sip_server_core(srv);
    int uport = sip_server_port(srv, 0), tport = sip_server_tcp_port(srv, 0),
        sport = sip_server_tls_port(srv, 0);
    int failures = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t len;
        char *buf = load(cases[i].file, &len);
        assert_non_null(buf);
        /* UDP: answered or dropped as the table says */
        sip_stats before, after;
        sip_core_stats(core, &before);
        udp_send(uport, buf, len);
        int64_t end = t_ms() + T_NET_WAIT_MS;
        do {
            sip_core_stats(core, &after);
        } while (after.responses + after.dropped == before.responses + before.dropped &&
                 t_ms() < end && !usleep(2000));
        int answered = after.responses > before.responses;
        if (after.received != before.received + 1 || answered != (cases[i].status != 0)) {
            print_error("%s over udp: received %d answered %d, want 1 / %d\n", cases[i].file,
                        (int)(after.received - before.received), answered, cases[i].status != 0);
            failures++;
        }
        /* TCP and TLS: the first answer on the connection, then it closes */
        int want = stream_expectation(&cases[i], buf, len);
        for (int tls = 0; tls < 2; tls++) {
            t_conn *c = t_conn_open("127.0.0.1", tls ? sport : tport, tls);
            assert_non_null(c);
            (void)t_conn_send(c, buf, len);
            t_conn_shut(c);
            int closed = t_conn_wait_eof(c, 10000);
            int got = t_conn_status(c, 0);
            if (!closed || got != want) {
                print_error("%s over %s: got %d (closed %d), want %d (%s)\n", cases[i].file,
                            tls ? "tls" : "tcp", got, closed, want, cases[i].why);
                failures++;
            }
            t_conn_close(c);
        }
        free(buf);
    }
    /* still serving on every transport */
    const char *opt = "OPTIONS sip:pool01.contoso.com SIP/2.0\r\n"
                      "Via: SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bK-after\r\n"
                      "From: <sip:p@contoso.onmicrosoft.com>;tag=a\r\n"
                      "To: <sip:pool01.contoso.com>\r\nCall-ID: after@test\r\n"
                      "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    for (int tls = 0; tls < 2; tls++) {
        t_conn *c = t_conn_open("127.0.0.1", tls ? sport : tport, tls);
        assert_non_null(c);
        assert_int_equal(t_conn_send(c, opt, strlen(opt)), 0);
        assert_int_equal(t_conn_wait(c, 1), 1);
        assert_int_equal(t_conn_status(c, 0), 200);
        t_conn_close(c);
    }
    assert_int_equal(t_wait_connections(srv, 0), 0);
    sip_server_stop(srv);
    t_net_cert_cleanup();
    assert_int_equal(failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expectations),
        cmocka_unit_test(test_details),
        cmocka_unit_test(test_prefixes),
        cmocka_unit_test(test_transports),
    };
    return cmocka_run_group_tests_name("sip_rfc4475", tests, NULL, NULL);
}

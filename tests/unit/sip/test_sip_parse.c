/* test_sip_parse.c - message framing, header parsers and SIP URIs
 * (src/sip/sip_parse.c, src/sip/sip_uri.c). */
#include "sip_test.h"

static sip_msg *parse(const char *s)
{
    return sip_msg_parse(s, strlen(s), 0);
}

static int str_is(sip_str v, const char *s)
{
    return v.len == strlen(s) && memcmp(v.s, s, v.len) == 0;
}

#define BASE_HDRS                                                                                  \
    "Via: SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bKabc;rport\r\n"                                   \
    "From: <sip:a@example.com>;tag=1\r\n"                                                          \
    "To: <sip:a@example.com>\r\n"                                                                  \
    "Call-ID: x@y\r\n"

static void test_request_line(void **state)
{
    (void)state;
    sip_msg *m = parse("REGISTER sip:example.com SIP/2.0\r\n" BASE_HDRS
                       "CSeq: 7 REGISTER\r\nContent-Length: 0\r\n\r\n");
    assert_int_equal(m->kind, SIP_MSG_REQUEST);
    assert_int_equal(m->err_status, 0);
    assert_int_equal(m->method_id, SIP_METHOD_REGISTER);
    assert_true(str_is(m->ruri_raw, "sip:example.com"));
    assert_int_equal(m->ruri.scheme, SIP_SCHEME_SIP);
    assert_int_equal(m->cseq, 7);
    assert_true(str_is(m->cseq_method, "REGISTER"));
    assert_int_equal(m->nvias, 1);
    assert_true(str_is(m->vias[0].branch, "z9hG4bKabc"));
    assert_true(m->vias[0].has_rport);
    assert_int_equal(m->vias[0].rport, -1);
    assert_int_equal(m->vias[0].port, 5062);
    assert_int_equal(m->content_length, 0);
    sip_msg_free(m);

    const char *bad[] = {
        "REGISTER  sip:example.com SIP/2.0\r\n",    /* two spaces */
        "REGISTER sip:example.com SIP/2.0 \r\n",    /* trailing space */
        "REGISTER <sip:example.com> SIP/2.0\r\n",   /* <> around the URI */
        "REGISTER sip:example.com\r\n",             /* no version */
        "REG(ISTER sip:example.com SIP/2.0\r\n",    /* not a token */
        "REGISTER sip:example.com?a=b SIP/2.0\r\n", /* headers in the R-URI */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *t = rs_asprintf("%s" BASE_HDRS "CSeq: 1 REGISTER\r\n\r\n", bad[i]);
        m = parse(t);
        assert_int_equal(m->kind, SIP_MSG_REQUEST);
        assert_int_equal(m->err_status, 400);
        sip_msg_free(m);
        free(t);
    }
    m = parse("OPTIONS sip:example.com SIP/3.0\r\n" BASE_HDRS "CSeq: 1 OPTIONS\r\n\r\n");
    assert_int_equal(m->err_status, 505);
    sip_msg_free(m);
}

static void test_status_line_and_garbage(void **state)
{
    (void)state;
    sip_msg *m = parse("SIP/2.0 200 OK\r\n" BASE_HDRS "CSeq: 1 REGISTER\r\n\r\n");
    assert_int_equal(m->kind, SIP_MSG_RESPONSE);
    assert_int_equal(m->status_code, 200);
    assert_true(str_is(m->reason, "OK"));
    sip_msg_free(m);
    m = parse("\r\n\r\n"); /* keep-alive */
    assert_int_equal(m->kind, SIP_MSG_NONE);
    sip_msg_free(m);
    m = sip_msg_parse("", 0, 0);
    assert_int_equal(m->kind, SIP_MSG_NONE);
    sip_msg_free(m);
    m = parse("no newline at all");
    assert_int_equal(m->kind, SIP_MSG_NONE);
    sip_msg_free(m);
}

static void test_compact_and_folding(void **state)
{
    (void)state;
    sip_msg *m = parse("REGISTER sip:example.com SIP/2.0\r\n"
                       "v: SIP/2.0/UDP 10.0.0.1\r\n"
                       "  ;branch=z9hG4bK1\r\n"
                       "f: <sip:a@example.com>\r\n\t;tag=99\r\n"
                       "t: sip:a@example.com\r\n"
                       "i: abc@host\r\n"
                       "CSeq: 1\r\n REGISTER\r\n"
                       "m: <sip:a@10.0.0.1>;expires=60\r\n"
                       "k: outbound, path\r\n"
                       "l: 0\r\n\r\n");
    assert_int_equal(m->err_status, 0);
    assert_int_equal(m->nvias, 1);
    assert_true(str_is(m->vias[0].branch, "z9hG4bK1"));
    assert_true(str_is(m->from.tag, "99"));
    assert_true(str_is(m->call_id, "abc@host"));
    assert_true(str_is(m->cseq_method, "REGISTER"));
    assert_int_equal(m->ncontacts, 1);
    assert_int_equal(m->contacts[0].expires, 60);
    assert_non_null(sip_msg_header(m, SIP_HDR_SUPPORTED, NULL));
    assert_int_equal(m->to.bracketed, 0);
    assert_true(str_is(m->to.uri.user, "a"));
    sip_msg_free(m);
}

static void test_bare_lf(void **state)
{
    (void)state;
    sip_msg *m = parse("OPTIONS sip:example.com SIP/2.0\n"
                       "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK2\n"
                       "From: <sip:a@example.com>;tag=1\nTo: <sip:a@example.com>\n"
                       "Call-ID: c\nCSeq: 1 OPTIONS\n\n");
    assert_int_equal(m->err_status, 0);
    assert_int_equal(m->nhdrs, 5);
    sip_msg_free(m);
}

static void test_via(void **state)
{
    (void)state;
    sip_msg *m = parse("OPTIONS sip:example.com SIP/2.0\r\n"
                       "Via: SIP / 2.0 / UDP [2001:db8::1]:5070 ; branch = z9hG4bKx ; "
                       "received=192.0.2.1;rport=5071, SIP/2.0/TCP h2.example.com\r\n"
                       "Via: SIP/2.0/TLS h3.example.com:5061;maddr=1.2.3.4\r\n"
                       "From: <sip:a@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\n"
                       "Call-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n");
    assert_int_equal(m->err_status, 0);
    assert_int_equal(m->nvias, 3);
    assert_true(m->vias[0].host_ipv6);
    assert_true(str_is(m->vias[0].host, "2001:db8::1"));
    assert_int_equal(m->vias[0].port, 5070);
    assert_true(str_is(m->vias[0].branch, "z9hG4bKx"));
    assert_true(str_is(m->vias[0].received, "192.0.2.1"));
    assert_int_equal(m->vias[0].rport, 5071);
    assert_true(str_is(m->vias[1].transport, "TCP"));
    assert_int_equal(m->vias[1].port, -1);
    assert_true(str_is(m->vias[2].host, "h3.example.com"));
    sip_msg_free(m);

    const char *bad[] = {"SIP/2.0/UDP",
                         "SIP/2.0/UDP 1.2.3.4;;",
                         "SIP/2.0/UDP 1.2.3.4,",
                         "SIP/2.0 1.2.3.4",
                         "SIP/2.0/UDP1.2.3.4",
                         "SIP/2.0/UDP h:99999",
                         "SIP/2.0/UDP 1.2.3.4;rport=x"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *t =
            rs_asprintf("OPTIONS sip:e.com SIP/2.0\r\nVia: %s\r\nFrom: <sip:a@e.com>;tag=1\r\n"
                        "To: <sip:a@e.com>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n",
                        bad[i]);
        m = parse(t);
        assert_int_equal(m->err_status, 400);
        assert_true(m->via_err);
        sip_msg_free(m);
        free(t);
    }
}

static void test_nameaddr(void **state)
{
    (void)state;
    sip_msg *m =
        parse("OPTIONS sip:example.com SIP/2.0\r\n"
              "Via: SIP/2.0/UDP h;branch=z9hG4bK3\r\n"
              "From: \"Bob \\\"B\\\" \" <sip:bob@example.com;transport=tcp>;tag=a1;x=\"q;v\"\r\n"
              "To: Alice Liddell <sips:alice@example.com:5061>\r\n"
              "Call-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n");
    assert_int_equal(m->err_status, 0);
    assert_true(str_is(m->from.display, "\"Bob \\\"B\\\" \""));
    assert_true(str_is(m->from.tag, "a1"));
    assert_true(str_is(m->from.uri.transport, "tcp"));
    assert_true(str_is(m->to.display, "Alice Liddell"));
    assert_int_equal(m->to.uri.scheme, SIP_SCHEME_SIPS);
    assert_int_equal(m->to.uri.port, 5061);
    assert_false(m->to.has_tag);
    sip_msg_free(m);

    const char *bad[] = {"\"unbalanced <sip:a@b.com>",
                         "Bell, Alexander <sip:a@b.com>",
                         "< sip:a@b.com >",
                         "sip:a@b.com?x=y",
                         "<sip:a@b.com>;;",
                         "<sip:a@b.com>;tag=",
                         "<sip:a@b.com",
                         ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *t = rs_asprintf("OPTIONS sip:e.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK4\r\n"
                              "From: <sip:a@e.com>;tag=1\r\nTo: %s\r\nCall-ID: c\r\n"
                              "CSeq: 1 OPTIONS\r\n\r\n",
                              bad[i]);
        m = parse(t);
        assert_int_equal(m->err_status, 400);
        sip_msg_free(m);
        free(t);
    }
}

static void test_contact(void **state)
{
    (void)state;
    sip_msg *m = parse(
        "REGISTER sip:example.com SIP/2.0\r\n" BASE_HDRS "CSeq: 2 REGISTER\r\n"
        "Contact: <sip:a@10.0.0.1:5062;ob>;expires=120;q=0.7;reg-id=1;"
        "+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000000000001>\", sip:b@10.0.0.2\r\n"
        "Contact: \"C\" <sip:c@10.0.0.3>;expires=abc, <sip:d@h>;q=1\r\n"
        "Expires: 300\r\n\r\n");
    assert_int_equal(m->err_status, 0);
    assert_int_equal(m->ncontacts, 4);
    assert_int_equal(m->contact_total, 4);
    sip_contact *c = &m->contacts[0];
    assert_int_equal(c->expires, 120);
    assert_int_equal(c->q, 700);
    assert_int_equal(c->reg_id, 1);
    assert_true(str_is(c->instance, "<urn:uuid:00000000-0000-1000-8000-000000000001>"));
    assert_true(c->na.uri.ob);
    assert_int_equal(m->contacts[1].expires, -1);
    assert_true(str_is(m->contacts[1].na.uri.user, "b"));
    assert_int_equal(m->contacts[2].expires, -2);
    assert_int_equal(m->contacts[3].q, 1000);
    assert_int_equal(m->expires, 300);
    sip_msg_free(m);

    m = parse("REGISTER sip:example.com SIP/2.0\r\n" BASE_HDRS
              "CSeq: 2 REGISTER\r\nContact: *\r\nExpires: 0\r\n\r\n");
    assert_int_equal(m->err_status, 0);
    assert_true(m->contact_star);
    assert_int_equal(m->expires, 0);
    sip_msg_free(m);

    /* more contacts than kept: all counted */
    rs_buf b = {0};
    rs_buf_puts(&b,
                "REGISTER sip:example.com SIP/2.0\r\n" BASE_HDRS "CSeq: 2 REGISTER\r\nContact: ");
    for (int i = 0; i < 40; i++)
        rs_buf_printf(&b, "%s<sip:u%d@10.0.0.1>", i ? "," : "", i);
    rs_buf_puts(&b, "\r\n\r\n");
    m = parse(b.data);
    assert_int_equal(m->err_status, 0);
    assert_int_equal(m->ncontacts, SIP_MAX_CONTACTS);
    assert_int_equal(m->contact_total, 40);
    sip_msg_free(m);
    rs_buf_free(&b);

    m = parse("REGISTER sip:example.com SIP/2.0\r\n" BASE_HDRS
              "CSeq: 2 REGISTER\r\nContact: <sip:a@h>;;\r\n\r\n");
    assert_int_equal(m->err_status, 400);
    sip_msg_free(m);
}

static void test_authorization(void **state)
{
    (void)state;
    sip_msg *m = parse("REGISTER sip:example.com SIP/2.0\r\n" BASE_HDRS "CSeq: 2 REGISTER\r\n"
                       "Authorization: Digest username=\"a\\\\b\\\"c\", realm=\"example.com\",\r\n"
                       "  nonce=\"n1\", uri=\"sip:example.com\", response=\"abc\",\r\n"
                       "  algorithm=SHA-256, qop=auth, nc=00000001, cnonce=\"cn\", opaque=\"\"\r\n"
                       "Authorization: NoOneKnowsThisScheme opaque-data=here\r\n\r\n");
    assert_int_equal(m->err_status, 0);
    assert_int_equal(m->nauth, 2);
    sip_auth *a = &m->auth[0];
    assert_true(a->is_digest);
    assert_false(a->malformed);
    assert_false(a->duplicate);
    assert_true(str_is(a->username, "a\\b\"c"));
    assert_true(str_is(a->realm, "example.com"));
    assert_true(str_is(a->algorithm, "SHA-256"));
    assert_true(str_is(a->nc, "00000001"));
    assert_true(str_is(a->opaque, ""));
    assert_int_equal(a->present & SIP_DIGEST_QOP, SIP_DIGEST_QOP);
    assert_false(m->auth[1].is_digest);
    assert_true(str_is(m->auth[1].scheme, "NoOneKnowsThisScheme"));
    sip_msg_free(m);

    m = parse("REGISTER sip:example.com SIP/2.0\r\n" BASE_HDRS "CSeq: 2 REGISTER\r\n"
              "Authorization: Digest username=\"a\", username=\"b\"\r\n\r\n");
    assert_true(m->auth[0].duplicate);
    sip_msg_free(m);
    m = parse("REGISTER sip:example.com SIP/2.0\r\n" BASE_HDRS "CSeq: 2 REGISTER\r\n"
              "Authorization: Digest username=\"a, realm\r\n\r\n");
    assert_true(m->auth[0].malformed);
    sip_msg_free(m);
    m = parse("REGISTER sip:example.com SIP/2.0\r\n" BASE_HDRS "CSeq: 2 REGISTER\r\n"
              "Authorization: Digest username=\"a\" realm=\"b\"\r\n\r\n");
    assert_true(m->auth[0].malformed);
    sip_msg_free(m);
}

static void test_single_value_headers(void **state)
{
    (void)state;
    const char *cases[] = {
        "CSeq: 1 REGISTER\r\nCSeq: 2 REGISTER\r\n",
        "CSeq: 2147483648 REGISTER\r\n",
        "CSeq: -1 REGISTER\r\n",
        "CSeq: 1REGISTER\r\n",
        "CSeq: 1 OPTIONS\r\n", /* method mismatch */
        "CSeq: 1 REGISTER\r\nContent-Length: 1\r\nContent-Length: 1\r\n",
        "CSeq: 1 REGISTER\r\nContent-Length: -5\r\n",
        "CSeq: 1 REGISTER\r\nContent-Length: 10\r\n", /* more than the datagram */
        "CSeq: 1 REGISTER\r\nMax-Forwards: ten\r\n",
        "CSeq: 1 REGISTER\r\nCall-ID: other\r\n",
        "CSeq: 1 REGISTER\r\nTo: <sip:b@example.com>\r\n",
        "CSeq: 1 REGISTER\r\nRequire: \r\n",
        "CSeq: 1 REGISTER\r\nNo colon here\r\n",
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *t = rs_asprintf("REGISTER sip:example.com SIP/2.0\r\n" BASE_HDRS "%s\r\n", cases[i]);
        sip_msg *m = parse(t);
        if (m->err_status != 400)
            fail_msg("case %zu not rejected: %s", i, cases[i]);
        sip_msg_free(m);
        free(t);
    }
    /* missing required headers */
    sip_msg *m =
        parse("OPTIONS sip:example.com SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nCSeq: 1 OPTIONS\r\n\r\n");
    assert_int_equal(m->err_status, 400);
    sip_msg_free(m);
    /* a large Max-Forwards is ignored, a large Expires clamps */
    m = parse("REGISTER sip:example.com SIP/2.0\r\n" BASE_HDRS
              "CSeq: 1 REGISTER\r\nMax-Forwards: 300\r\nExpires: 99999999999999999999\r\n\r\n");
    assert_int_equal(m->err_status, 0);
    assert_int_equal(m->max_forwards, -1);
    assert_int_equal(m->expires, 4294967295LL);
    sip_msg_free(m);
}

static void test_body_framing(void **state)
{
    (void)state;
    const char *two = "OPTIONS sip:e.com SIP/2.0\r\n" BASE_HDRS "CSeq: 1 OPTIONS\r\n"
                      "Content-Length: 4\r\n\r\nbodyEXTRA";
    sip_msg *m = parse(two);
    assert_int_equal(m->err_status, 0);
    assert_true(str_is(m->body, "body"));
    sip_msg_free(m);
    /* UDP without Content-Length: the rest of the datagram */
    m = parse("OPTIONS sip:e.com SIP/2.0\r\n" BASE_HDRS "CSeq: 1 OPTIONS\r\n\r\nxyz");
    assert_int_equal(m->err_status, 0);
    assert_true(str_is(m->body, "xyz"));
    sip_msg_free(m);
    /* stream without Content-Length */
    const char *s = "OPTIONS sip:e.com SIP/2.0\r\n" BASE_HDRS "CSeq: 1 OPTIONS\r\n\r\n";
    m = sip_msg_parse(s, strlen(s), SIP_PARSE_STREAM);
    assert_int_equal(m->err_status, 400);
    sip_msg_free(m);
    /* no blank line */
    m = parse("OPTIONS sip:e.com SIP/2.0\r\n" BASE_HDRS "CSeq: 1 OPTIONS\r\n");
    assert_int_equal(m->err_status, 400);
    sip_msg_free(m);
}

static void test_limits(void **state)
{
    (void)state;
    rs_buf b = {0};
    rs_buf_puts(&b, "OPTIONS sip:e.com SIP/2.0\r\n" BASE_HDRS "CSeq: 1 OPTIONS\r\n");
    for (int i = 0; i < 100; i++)
        rs_buf_printf(&b, "X-H%d: v\r\n", i);
    rs_buf_puts(&b, "\r\n");
    sip_msg *m = parse(b.data);
    assert_int_equal(m->err_status, 400);
    assert_int_equal(m->nhdrs, SIP_MAX_HEADERS);
    assert_int_equal(m->nvias, 1); /* still addressable */
    sip_msg_free(m);
    rs_buf_free(&b);

    size_t big = SIP_MAX_MSG + 100;
    char *huge = malloc(big);
    memset(huge, 'a', big);
    m = sip_msg_parse(huge, big, 0);
    assert_int_equal(m->err_status, 513);
    sip_msg_free(m);
    free(huge);
}

static void test_serialize_roundtrip(void **state)
{
    (void)state;
    const char *t = "REGISTER sip:example.com SIP/2.0\r\nv: SIP/2.0/UDP h\r\n ;branch=z9hG4bK5\r\n"
                    "f: <sip:a@example.com>;tag=1\r\nt: <sip:a@example.com>\r\ni: c\r\n"
                    "CSeq: 1 REGISTER\r\nl: 2\r\n\r\nhi";
    sip_msg *m = parse(t);
    size_t n;
    char *s = sip_msg_serialize(m, &n);
    sip_msg *m2 = sip_msg_parse(s, n, 0);
    assert_int_equal(m2->err_status, 0);
    assert_int_equal(m2->nhdrs, m->nhdrs);
    for (int i = 0; i < m->nhdrs; i++)
        assert_memory_equal(m->hdrs[i].value.s, m2->hdrs[i].value.s, m->hdrs[i].value.len);
    assert_true(str_is(m2->body, "hi"));
    sip_msg_free(m);
    sip_msg_free(m2);
    free(s);
}

/* ---- URIs ---- */

static sip_uri uri(const char *s)
{
    sip_uri u;
    if (sip_uri_parse(s, strlen(s), &u) != RS_OK)
        fail_msg("URI did not parse: %s", s);
    return u;
}

static void test_uri_parse(void **state)
{
    (void)state;
    sip_uri u = uri("sip:alice:secret@atlanta.com:5061;transport=TCP;lr;maddr=239.255.255.1?"
                    "subject=project%20x&priority=urgent");
    assert_int_equal(u.scheme, SIP_SCHEME_SIP);
    assert_true(str_is(u.user, "alice"));
    assert_true(u.has_password);
    assert_true(str_is(u.password, "secret"));
    assert_true(str_is(u.host, "atlanta.com"));
    assert_int_equal(u.port, 5061);
    assert_true(str_is(u.transport, "TCP"));
    assert_true(str_is(u.maddr, "239.255.255.1"));
    assert_true(u.lr);
    assert_int_equal(u.nparams, 3);
    assert_true(str_is(u.headers, "subject=project%20x&priority=urgent"));

    u = uri("sips:[2001:db8::10]:5061");
    assert_true(u.host_ipv6);
    assert_true(str_is(u.host, "2001:db8::10"));
    assert_int_equal(u.port, 5061);
    assert_false(u.has_user);

    u = uri("sip:user;par=u%40example.net@example.com");
    assert_true(str_is(u.user, "user;par=u%40example.net"));
    assert_true(str_is(u.host, "example.com"));

    u = uri("sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too."
            "(doesn't-it)@example.com");
    assert_true(str_is(u.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*"));
    assert_true(u.has_password);

    u = uri("soap.beep://192.0.2.103:3002");
    assert_int_equal(u.scheme, SIP_SCHEME_OTHER);
    assert_true(str_is(u.scheme_str, "soap.beep"));
    u = uri("sip:%00@host5.example.com");
    assert_true(str_is(u.user, "%00"));

    const char *bad[] = {
        "sip:",        "sip:@host",   "sip:a@",      "sip:a b@h",     "sip:h:99999",  "sip:h:",
        "sip:[::1",    "sip:[zz::1]", "sip:h;",      "sip:h;a=",      "sip:h?",       "sip:h?a",
        "sip:%zz@h",   "sip:%4@h",    "1sip:h",      "sip:h:50a",     "nocolon",      "x:",
        "sip:h;a=b c", "sip:a@h@i",   "sip:h;lr;lr", "sip:h;a=1;A=2", "sip:h;%6cr;lr"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        sip_uri b;
        if (sip_uri_parse(bad[i], strlen(bad[i]), &b) == RS_OK)
            fail_msg("URI should not parse: %s", bad[i]);
    }
}

static void test_uri_equal(void **state)
{
    (void)state;
    /* RFC 3261 §19.1.4 equal pairs */
    const char *eq[][2] = {
        {"sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp"},
        {"sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5"},
        {"sip:carol@chicago.com;security=on", "sip:carol@chicago.com;newparam=5"},
        {"sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
         "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com"},
        {"sip:alice@atlanta.com?subject=project%20x&priority=urgent",
         "sip:alice@atlanta.com?priority=urgent&subject=project%20x"},
        {"sip:127.0.0.1:5060", "sip:127.0.0.1:5060"},
        {"sip:h?a=1&a=2", "sip:h?a=2&a=1"},
    };
    for (size_t i = 0; i < sizeof eq / sizeof *eq; i++) {
        sip_uri a = uri(eq[i][0]), b = uri(eq[i][1]);
        if (!sip_uri_equal(&a, &b) || !sip_uri_equal(&b, &a))
            fail_msg("should be equal: %s %s", eq[i][0], eq[i][1]);
    }
    /* and the unequal ones */
    const char *ne[][2] = {
        {"SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"},
        {"sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"},
        {"sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"},
        {"sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp"},
        {"sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting"},
        {"sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"},
        {"sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off"},
        {"sip:a@h", "sips:a@h"},
        {"sip:a:pw@h", "sip:a@h"},
    };
    for (size_t i = 0; i < sizeof ne / sizeof *ne; i++) {
        sip_uri a = uri(ne[i][0]), b = uri(ne[i][1]);
        if (sip_uri_equal(&a, &b) || sip_uri_equal(&b, &a))
            fail_msg("should differ: %s %s", ne[i][0], ne[i][1]);
    }
}

static void test_aor(void **state)
{
    (void)state;
    char out[128];
    sip_uri u = uri("sip:Room%30042@Contoso.OnMicrosoft.com:5060;transport=udp");
    assert_int_equal(sip_uri_aor(&u, out, sizeof out), strlen("room0042@contoso.onmicrosoft.com"));
    assert_string_equal(out, "room0042@contoso.onmicrosoft.com");
    u = uri("sip:null-%00-null@example.com");
    sip_uri_aor(&u, out, sizeof out);
    assert_string_equal(out, "null-%00-null@example.com");
    u = uri("sip:a%20b@example.com");
    sip_uri_aor(&u, out, sizeof out);
    assert_string_equal(out, "a%20b@example.com");
    u = uri("sip:example.com");
    sip_uri_aor(&u, out, sizeof out);
    assert_string_equal(out, "example.com");
    /* truncation reports the needed size */
    u = uri("sip:averyveryverylonguser@example.com");
    assert_true(sip_uri_aor(&u, out, 8) >= 8);
    assert_int_equal(strlen(out), 7);

    sip_username_canon("Room0042@Contoso.OnMicrosoft.com", 32, out, sizeof out);
    assert_string_equal(out, "room0042@contoso.onmicrosoft.com");
    sip_username_canon("a b@x", 5, out, sizeof out);
    assert_string_equal(out, "a%20b@x");
}

static void test_iterators(void **state)
{
    (void)state;
    sip_str rest = {" ; a = 1 ;b; c=\"x;y\"", 20}, n, v;
    int hv;
    assert_true(sip_param_next(&rest, &n, &v, &hv));
    assert_true(str_is(n, "a") && str_is(v, "1") && hv);
    assert_true(sip_param_next(&rest, &n, &v, &hv));
    assert_true(str_is(n, "b") && !hv);
    assert_true(sip_param_next(&rest, &n, &v, &hv));
    assert_true(str_is(n, "c") && str_is(v, "\"x;y\""));
    assert_false(sip_param_next(&rest, &n, &v, &hv));
    sip_str toks = {"a, b ,c", 7}, t;
    int k = 0;
    while (sip_token_next(&toks, &t))
        k++;
    assert_int_equal(k, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_line),
        cmocka_unit_test(test_status_line_and_garbage),
        cmocka_unit_test(test_compact_and_folding),
        cmocka_unit_test(test_bare_lf),
        cmocka_unit_test(test_via),
        cmocka_unit_test(test_nameaddr),
        cmocka_unit_test(test_contact),
        cmocka_unit_test(test_authorization),
        cmocka_unit_test(test_single_value_headers),
        cmocka_unit_test(test_body_framing),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_serialize_roundtrip),
        cmocka_unit_test(test_uri_parse),
        cmocka_unit_test(test_uri_equal),
        cmocka_unit_test(test_aor),
        cmocka_unit_test(test_iterators),
    };
    return cmocka_run_group_tests_name("sip_parse", tests, NULL, NULL);
}

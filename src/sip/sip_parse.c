/* sip_parse.c - SIP message framing and header parsing (RFC 3261 §7, §20,
 * §25; RFC 3581 rport; RFC 5626 Contact params; RFC 7616 credentials).
 * Hand-written scanners over one owned copy of the message; every result is a
 * view into it. Design notes: docs/internals/sip.md. */
#include "sip_int.h"

#include <stdlib.h>
#include <string.h>

static void fail(sip_msg *m, int status, const char *why)
{
    if (!m->err_status) {
        m->err_status = status;
        m->err_reason = why;
    }
}

static const char *skip_ws(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

static const char *skip_token(const char *p, const char *e)
{
    while (p < e && sip__is((unsigned char)*p, SIP_C_TOKEN))
        p++;
    return p;
}

static sip_str trim(const char *s, const char *e)
{
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    sip_str r = {s, (size_t)(e - s)};
    return r;
}

const char *sip__skip_quoted(const char *p, const char *e)
{
    p++; /* opening DQUOTE */
    while (p < e) {
        unsigned char c = (unsigned char)*p;
        if (c == '"')
            return p + 1;
        if (c == '\\') {
            /* quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F) */
            if (p + 1 >= e || p[1] == '\r' || p[1] == '\n' || (unsigned char)p[1] > 0x7f)
                return NULL;
            p += 2;
            continue;
        }
        /* qdtext = LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII */
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return NULL;
        p++;
    }
    return NULL;
}

/* gen-value = token / host / quoted-string; returns end or NULL. */
static const char *skip_gen_value(const char *p, const char *e)
{
    if (p < e && *p == '"')
        return sip__skip_quoted(p, e);
    const char *q = p;
    while (q < e &&
           (sip__is((unsigned char)*q, SIP_C_TOKEN) || *q == ':' || *q == '[' || *q == ']'))
        q++;
    return q == p ? NULL : q;
}

int sip__parse_hparams(const char **pp, const char *end)
{
    const char *p = *pp;
    for (;;) {
        const char *q = skip_ws(p, end);
        if (q >= end || *q != ';')
            break;
        q = skip_ws(q + 1, end);
        const char *n = q;
        q = skip_token(q, end);
        if (q == n)
            return -1;
        const char *r = skip_ws(q, end);
        if (r < end && *r == '=') {
            r = skip_ws(r + 1, end);
            q = skip_gen_value(r, end);
            if (!q)
                return -1;
        }
        p = q;
    }
    *pp = p;
    return 0;
}

int sip__parse_nameaddr(const char **pp, const char *e, sip_nameaddr *na)
{
    memset(na, 0, sizeof *na);
    const char *p = skip_ws(*pp, e), *start = p;
    if (p >= e)
        return -1;
    if (*p == '"') {
        const char *q = sip__skip_quoted(p, e);
        if (!q)
            return -1;
        na->display.s = p;
        na->display.len = (size_t)(q - p);
        p = skip_ws(q, e);
        if (p >= e || *p != '<')
            return -1;
    } else if (*p != '<') {
        /* display-name = *(token LWS): tokens followed by "<" make a name-addr */
        const char *q = p;
        while (q < e && sip__is((unsigned char)*q, SIP_C_TOKEN)) {
            const char *te = skip_token(q, e);
            q = skip_ws(te, e);
            if (q < e && *q == '<') {
                na->display.s = p;
                na->display.len = (size_t)(te - p);
                p = q;
                break;
            }
            if (q == te) /* no LWS: the token is not followed by another one */
                break;
        }
    }
    if (p < e && *p == '<') {
        const char *q = memchr(p + 1, '>', (size_t)(e - p - 1));
        if (!q || sip_uri_parse(p + 1, (size_t)(q - p - 1), &na->uri) != RS_OK)
            return -1;
        na->bracketed = 1;
        p = q + 1;
    } else {
        /* addr-spec: no ',', ';' or '?' inside (RFC 3261 §20) */
        const char *q = p;
        while (q < e && *q != ';' && *q != ',' && *q != ' ' && *q != '\t')
            q++;
        if (q == p || memchr(p, '?', (size_t)(q - p)) ||
            sip_uri_parse(p, (size_t)(q - p), &na->uri) != RS_OK)
            return -1;
        p = q;
    }
    const char *ps = p;
    if (sip__parse_hparams(&p, e) < 0)
        return -1;
    na->params = trim(ps, p);
    sip_str rest = na->params, n, v;
    int hv;
    while (sip_param_next(&rest, &n, &v, &hv)) {
        if (sip__str_ieq(n, "tag") && hv) {
            na->tag = v;
            na->has_tag = 1;
        }
    }
    na->raw = trim(start, p);
    *pp = skip_ws(p, e);
    return 0;
}

/* delta-seconds, clamped to 2^32-1; -2 when not digits. */
static int64_t parse_delta(sip_str v)
{
    if (!v.len)
        return -2;
    int64_t x = 0;
    for (size_t i = 0; i < v.len; i++) {
        if (v.s[i] < '0' || v.s[i] > '9')
            return -2;
        if (x < 4294967295LL)
            x = x * 10 + (v.s[i] - '0');
    }
    return x > 4294967295LL ? 4294967295LL : x;
}

/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ); -1 invalid. */
static int parse_q(sip_str v)
{
    if (!v.len || (v.s[0] != '0' && v.s[0] != '1'))
        return -1;
    int q = (v.s[0] - '0') * 1000, scale = 100;
    if (v.len == 1)
        return q;
    if (v.s[1] != '.' || v.len > 5)
        return -1;
    for (size_t i = 2; i < v.len; i++, scale /= 10) {
        if (v.s[i] < '0' || v.s[i] > '9')
            return -1;
        q += (v.s[i] - '0') * scale;
    }
    return q > 1000 ? -1 : q;
}

static void contact_params(sip_contact *c)
{
    c->expires = -1;
    c->q = -1;
    c->reg_id = -1;
    sip_str rest = c->na.params, n, v;
    int hv;
    while (sip_param_next(&rest, &n, &v, &hv)) {
        if (sip__str_ieq(n, "expires")) {
            c->expires = hv ? parse_delta(v) : -2;
        } else if (sip__str_ieq(n, "q")) {
            c->q = hv ? parse_q(v) : -1;
        } else if (sip__str_ieq(n, "+sip.instance") && hv) {
            if (v.len >= 2 && v.s[0] == '"') {
                v.s++;
                v.len -= 2;
            }
            c->instance = v;
        } else if (sip__str_ieq(n, "reg-id") && hv) {
            int64_t r = parse_delta(v);
            c->reg_id = (r >= 1 && r <= 2147483647) ? (int)r : -1;
        }
    }
}

static void parse_contact(sip_msg *m, sip_str v)
{
    m->has_contact = 1;
    if (v.len == 1 && v.s[0] == '*') {
        m->contact_star = 1;
        m->contact_total++;
        return;
    }
    const char *p = v.s, *e = v.s + v.len;
    for (;;) {
        sip_contact tmp, *c = m->ncontacts < SIP_MAX_CONTACTS ? &m->contacts[m->ncontacts] : &tmp;
        memset(c, 0, sizeof *c);
        if (sip__parse_nameaddr(&p, e, &c->na) < 0) {
            fail(m, 400, "Bad Contact");
            return;
        }
        contact_params(c);
        if (c != &tmp)
            m->ncontacts++;
        m->contact_total++;
        if (p >= e)
            return;
        if (*p != ',') {
            fail(m, 400, "Bad Contact");
            return;
        }
        p++;
    }
}

static void parse_via(sip_msg *m, sip_str v)
{
    const char *p = v.s, *e = v.s + v.len;
    for (;;) {
        sip_via tmp, *via = m->nvias < SIP_MAX_VIAS ? &m->vias[m->nvias] : &tmp;
        memset(via, 0, sizeof *via);
        via->port = -1;
        p = skip_ws(p, e);
        const char *start = p, *t;
        /* sent-protocol = protocol-name SLASH protocol-version SLASH transport */
        t = skip_token(p, e);
        if (t == p)
            goto bad;
        p = skip_ws(t, e);
        if (p >= e || *p != '/')
            goto bad;
        p = skip_ws(p + 1, e);
        t = skip_token(p, e);
        if (t == p)
            goto bad;
        via->version.s = p;
        via->version.len = (size_t)(t - p);
        p = skip_ws(t, e);
        if (p >= e || *p != '/')
            goto bad;
        p = skip_ws(p + 1, e);
        t = skip_token(p, e);
        if (t == p)
            goto bad;
        via->transport.s = p;
        via->transport.len = (size_t)(t - p);
        p = skip_ws(t, e);
        if (p == t)
            goto bad; /* LWS required before sent-by */
        /* sent-by = host [ COLON port ] */
        const char *hs = p;
        if (p < e && *p == '[') {
            const char *q = memchr(p, ']', (size_t)(e - p));
            if (!q)
                goto bad;
            p = q + 1;
        } else {
            while (p < e && sip__is((unsigned char)*p, SIP_C_HOST))
                p++;
        }
        sip_uri hu;
        char hostbuf[300];
        if (p == hs || (size_t)(p - hs) + 8 > sizeof hostbuf)
            goto bad;
        /* validate the host with the URI grammar */
        memcpy(hostbuf, "sip:", 4);
        memcpy(hostbuf + 4, hs, (size_t)(p - hs));
        if (sip_uri_parse(hostbuf, (size_t)(p - hs) + 4, &hu) != RS_OK || hu.has_user)
            goto bad;
        via->host_ipv6 = hu.host_ipv6;
        via->host.s = hs + (hu.host_ipv6 ? 1 : 0);
        via->host.len = hu.host.len;
        const char *q = skip_ws(p, e);
        if (q < e && *q == ':') {
            q = skip_ws(q + 1, e);
            long port = 0;
            const char *d = q;
            while (q < e && *q >= '0' && *q <= '9' && q - d < 6)
                port = port * 10 + (*q++ - '0');
            if (q == d || port > 65535 || (q < e && *q >= '0' && *q <= '9'))
                goto bad;
            via->port = (int)port;
            p = q;
        }
        const char *ps = p;
        if (sip__parse_hparams(&p, e) < 0)
            goto bad;
        via->params = trim(ps, p);
        sip_str rest = via->params, n, pv;
        int hv;
        while (sip_param_next(&rest, &n, &pv, &hv)) {
            if (sip__str_ieq(n, "branch") && hv) {
                via->branch = pv;
            } else if (sip__str_ieq(n, "received") && hv) {
                via->received = pv;
            } else if (sip__str_ieq(n, "rport")) {
                via->has_rport = 1;
                via->rport = -1;
                if (hv) {
                    int64_t r = parse_delta(pv);
                    if (r < 0 || r > 65535)
                        goto bad;
                    via->rport = (int)r;
                }
            }
        }
        via->raw = trim(start, p);
        if (via != &tmp)
            m->nvias++;
        else
            fail(m, 400, "Too Many Via");
        p = skip_ws(p, e);
        if (p >= e)
            return;
        if (*p != ',')
            goto bad;
        p++;
    }
bad:
    m->via_err = 1;
    fail(m, 400, "Bad Via");
}

static void parse_cseq(sip_msg *m, sip_str v)
{
    const char *p = v.s, *e = v.s + v.len, *d = p;
    uint64_t n = 0;
    while (p < e && *p >= '0' && *p <= '9' && p - d < 11)
        n = n * 10 + (uint64_t)(*p++ - '0');
    /* RFC 3261 §8.1.1.5: the number MUST be less than 2^31 */
    if (p == d || n > 2147483647u || (p < e && *p >= '0' && *p <= '9')) {
        fail(m, 400, "Bad CSeq");
        return;
    }
    const char *t = skip_ws(p, e);
    if (t == p) {
        fail(m, 400, "Bad CSeq");
        return;
    }
    p = skip_token(t, e);
    if (p == t || skip_ws(p, e) != e) {
        fail(m, 400, "Bad CSeq");
        return;
    }
    m->cseq = (uint32_t)n;
    m->cseq_method.s = t;
    m->cseq_method.len = (size_t)(p - t);
    m->has_cseq = 1;
}

static void parse_call_id(sip_msg *m, sip_str v)
{
    /* callid = word [ "@" word ] */
    size_t i = 0, at = 0;
    while (i < v.len && sip__is((unsigned char)v.s[i], SIP_C_WORD))
        i++;
    if (i == 0) {
        fail(m, 400, "Bad Call-ID");
        return;
    }
    if (i < v.len && v.s[i] == '@') {
        at = ++i;
        while (i < v.len && sip__is((unsigned char)v.s[i], SIP_C_WORD))
            i++;
        if (i == at) {
            fail(m, 400, "Bad Call-ID");
            return;
        }
    }
    if (i != v.len) {
        fail(m, 400, "Bad Call-ID");
        return;
    }
    m->call_id = v;
    m->has_call_id = 1;
}

/* Copy an auth-param value, unescaping a quoted-string, into the arena. */
static sip_str auth_value(sip_msg *m, const char *s, const char *e)
{
    sip_str r = {m->arena + m->arena_used, 0};
    char *o = m->arena + m->arena_used;
    if (s < e && *s == '"') {
        s++;
        e--; /* closing quote, checked by the caller */
        while (s < e) {
            if (*s == '\\' && s + 1 < e)
                s++;
            *o++ = *s++;
        }
    } else {
        memcpy(o, s, (size_t)(e - s));
        o += e - s;
    }
    r.len = (size_t)(o - r.s);
    *o++ = '\0';
    m->arena_used = (size_t)(o - m->arena);
    return r;
}

static void parse_authorization(sip_msg *m, sip_str v)
{
    if (m->nauth >= SIP_MAX_AUTH)
        return;
    sip_auth *a = &m->auth[m->nauth++];
    memset(a, 0, sizeof *a);
    const char *p = v.s, *e = v.s + v.len, *t = skip_token(p, e);
    a->scheme.s = p;
    a->scheme.len = (size_t)(t - p);
    if (t == p) {
        a->malformed = 1;
        return;
    }
    if (!sip__str_ieq(a->scheme, "digest"))
        return;
    a->is_digest = 1;
    p = skip_ws(t, e);
    if (p == t) {
        a->malformed = 1;
        return;
    }
    static const struct {
        const char *name;
        unsigned bit;
        size_t off;
    } fields[] = {
        {"username", SIP_DIGEST_USERNAME, offsetof(sip_auth, username)},
        {"realm", SIP_DIGEST_REALM, offsetof(sip_auth, realm)},
        {"nonce", SIP_DIGEST_NONCE, offsetof(sip_auth, nonce)},
        {"uri", SIP_DIGEST_URI, offsetof(sip_auth, uri)},
        {"response", SIP_DIGEST_RESPONSE, offsetof(sip_auth, response)},
        {"algorithm", SIP_DIGEST_ALGORITHM, offsetof(sip_auth, algorithm)},
        {"cnonce", SIP_DIGEST_CNONCE, offsetof(sip_auth, cnonce)},
        {"opaque", SIP_DIGEST_OPAQUE, offsetof(sip_auth, opaque)},
        {"qop", SIP_DIGEST_QOP, offsetof(sip_auth, qop)},
        {"nc", SIP_DIGEST_NC, offsetof(sip_auth, nc)},
    };
    for (;;) {
        p = skip_ws(p, e);
        const char *n = p;
        p = skip_token(p, e);
        sip_str name = {n, (size_t)(p - n)};
        p = skip_ws(p, e);
        if (!name.len || p >= e || *p != '=') {
            a->malformed = 1;
            return;
        }
        p = skip_ws(p + 1, e);
        const char *vs = p;
        if (p < e && *p == '"') {
            p = sip__skip_quoted(p, e);
            if (!p) {
                a->malformed = 1;
                return;
            }
        } else {
            p = skip_token(p, e);
            if (p == vs) {
                a->malformed = 1;
                return;
            }
        }
        for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
            if (sip__str_ieq(name, fields[i].name)) {
                if (a->present & fields[i].bit)
                    a->duplicate = 1;
                a->present |= fields[i].bit;
                *(sip_str *)((char *)a + fields[i].off) = auth_value(m, vs, p);
                break;
            }
        }
        p = skip_ws(p, e);
        if (p >= e)
            return;
        if (*p != ',') {
            a->malformed = 1;
            return;
        }
        p++;
    }
}

static void parse_tokens(sip_msg *m, sip_str v, int allow_empty)
{
    const char *p = v.s, *e = v.s + v.len;
    if (p == e) {
        if (!allow_empty)
            fail(m, 400, "Bad Option Tags");
        return;
    }
    for (;;) {
        p = skip_ws(p, e);
        const char *t = skip_token(p, e);
        if (t == p) {
            fail(m, 400, "Bad Option Tags");
            return;
        }
        p = skip_ws(t, e);
        if (p >= e)
            return;
        if (*p != ',') {
            fail(m, 400, "Bad Option Tags");
            return;
        }
        p++;
    }
}

#define HDR(name, compact, id)                                                                     \
    {                                                                                              \
        name, sizeof name - 1, compact, id                                                         \
    }
static const struct {
    const char *name;
    size_t len;
    char compact;
    sip_hdr_id id;
} hdr_names[] = {
    HDR("Via", 'v', SIP_HDR_VIA),
    HDR("From", 'f', SIP_HDR_FROM),
    HDR("To", 't', SIP_HDR_TO),
    HDR("Call-ID", 'i', SIP_HDR_CALL_ID),
    HDR("CSeq", 0, SIP_HDR_CSEQ),
    HDR("Contact", 'm', SIP_HDR_CONTACT),
    HDR("Expires", 0, SIP_HDR_EXPIRES),
    HDR("Content-Length", 'l', SIP_HDR_CONTENT_LENGTH),
    HDR("Authorization", 0, SIP_HDR_AUTHORIZATION),
    HDR("Require", 0, SIP_HDR_REQUIRE),
    HDR("Proxy-Require", 0, SIP_HDR_PROXY_REQUIRE),
    HDR("Supported", 'k', SIP_HDR_SUPPORTED),
    HDR("Max-Forwards", 0, SIP_HDR_MAX_FORWARDS),
    HDR("Content-Type", 'c', SIP_HDR_CONTENT_TYPE),
};
#undef HDR

/* Every header line goes through here: compare lengths and first letters
 * before the case-insensitive comparison. */
static sip_hdr_id header_id(sip_str name)
{
    if (name.len == 1) {
        char c = (char)(name.s[0] | 0x20);
        for (size_t i = 0; i < sizeof hdr_names / sizeof *hdr_names; i++)
            if (hdr_names[i].compact == c)
                return hdr_names[i].id;
        return SIP_HDR_OTHER;
    }
    char first = (char)(name.s[0] | 0x20);
    for (size_t i = 0; i < sizeof hdr_names / sizeof *hdr_names; i++)
        if (hdr_names[i].len == name.len && (hdr_names[i].name[0] | 0x20) == first &&
            sip__str_ieq(name, hdr_names[i].name))
            return hdr_names[i].id;
    return SIP_HDR_OTHER;
}

static void header_value(sip_msg *m, sip_header *h)
{
    sip_str v = h->value;
    switch (h->id) {
    case SIP_HDR_VIA:
        parse_via(m, v);
        break;
    case SIP_HDR_FROM:
    case SIP_HDR_TO: {
        int is_from = h->id == SIP_HDR_FROM;
        sip_nameaddr *na = is_from ? &m->from : &m->to;
        int *has = is_from ? &m->has_from : &m->has_to;
        if (*has) {
            fail(m, 400, is_from ? "Multiple From" : "Multiple To");
            break;
        }
        const char *p = v.s;
        if (sip__parse_nameaddr(&p, v.s + v.len, na) < 0 || p != v.s + v.len) {
            memset(na, 0, sizeof *na);
            fail(m, 400, is_from ? "Bad From" : "Bad To");
            break;
        }
        *has = 1;
        break;
    }
    case SIP_HDR_CALL_ID:
        if (m->has_call_id)
            fail(m, 400, "Multiple Call-ID");
        else
            parse_call_id(m, v);
        break;
    case SIP_HDR_CSEQ:
        if (m->has_cseq)
            fail(m, 400, "Multiple CSeq");
        else
            parse_cseq(m, v);
        break;
    case SIP_HDR_CONTACT:
        parse_contact(m, v);
        break;
    case SIP_HDR_EXPIRES:
        if (m->expires != -1)
            fail(m, 400, "Multiple Expires");
        else
            m->expires = parse_delta(v);
        break;
    case SIP_HDR_CONTENT_LENGTH: {
        int64_t cl = parse_delta(v);
        if (m->content_length != -1)
            fail(m, 400, "Multiple Content-Length");
        else if (cl < 0 || v.len > 9)
            fail(m, 400, "Bad Content-Length");
        else
            m->content_length = cl;
        break;
    }
    case SIP_HDR_AUTHORIZATION:
        parse_authorization(m, v);
        break;
    case SIP_HDR_REQUIRE:
    case SIP_HDR_PROXY_REQUIRE:
        parse_tokens(m, v, 0);
        break;
    case SIP_HDR_SUPPORTED:
        parse_tokens(m, v, 1);
        break;
    case SIP_HDR_MAX_FORWARDS: {
        int64_t mf = parse_delta(v);
        if (mf == -2)
            fail(m, 400, "Bad Max-Forwards");
        else if (m->max_forwards != -1)
            fail(m, 400, "Multiple Max-Forwards");
        else
            m->max_forwards = mf <= 255 ? (int)mf : -1; /* too large: as if absent */
        break;
    }
    default:
        break;
    }
}

static sip_method_id method_id(sip_str mth)
{
    static const struct {
        const char *s;
        sip_method_id id;
    } t[] = {{"REGISTER", SIP_METHOD_REGISTER}, {"OPTIONS", SIP_METHOD_OPTIONS},
             {"INVITE", SIP_METHOD_INVITE},     {"ACK", SIP_METHOD_ACK},
             {"CANCEL", SIP_METHOD_CANCEL},     {"BYE", SIP_METHOD_BYE}};
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        if (mth.len == strlen(t[i].s) && memcmp(mth.s, t[i].s, mth.len) == 0)
            return t[i].id;
    return SIP_METHOD_OTHER;
}

/* SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT; returns 0 bad, 1 ok, 2 not 2.0 */
static int check_version(sip_str v)
{
    if (v.len < 7 || !sip__str_ieq((sip_str){v.s, 4}, "SIP/"))
        return 0;
    size_t i = 4, d = i;
    while (i < v.len && v.s[i] >= '0' && v.s[i] <= '9')
        i++;
    if (i == d || i >= v.len || v.s[i] != '.')
        return 0;
    d = ++i;
    while (i < v.len && v.s[i] >= '0' && v.s[i] <= '9')
        i++;
    if (i == d || i != v.len)
        return 0;
    return (v.len == 7 && memcmp(v.s + 4, "2.0", 3) == 0) ? 1 : 2;
}

static void parse_start_line(sip_msg *m, const char *s, const char *e)
{
    if (e - s >= 4 && sip__str_ieq((sip_str){s, 4}, "SIP/")) {
        /* Status-Line = SIP-Version SP Status-Code SP Reason-Phrase */
        m->kind = SIP_MSG_RESPONSE;
        const char *sp = memchr(s, ' ', (size_t)(e - s));
        if (!sp || e - sp < 5 || sp[4] != ' ') {
            fail(m, 400, "Bad Status Line");
            return;
        }
        m->version.s = s;
        m->version.len = (size_t)(sp - s);
        int code = 0;
        for (int i = 1; i <= 3; i++) {
            if (sp[i] < '0' || sp[i] > '9') {
                fail(m, 400, "Bad Status Line");
                return;
            }
            code = code * 10 + (sp[i] - '0');
        }
        if (code < 100 || !check_version(m->version)) {
            fail(m, 400, "Bad Status Line");
            return;
        }
        m->status_code = code;
        m->reason.s = sp + 5;
        m->reason.len = (size_t)(e - sp - 5);
        return;
    }
    /* Request-Line = Method SP Request-URI SP SIP-Version */
    m->kind = SIP_MSG_REQUEST;
    const char *sp1 = memchr(s, ' ', (size_t)(e - s));
    const char *me = sp1 ? sp1 : e;
    m->method.s = s;
    m->method.len = (size_t)(me - s);
    if (me == s || skip_token(s, me) != me) {
        fail(m, 400, "Bad Request Line");
        return;
    }
    m->method_id = method_id(m->method);
    const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(e - sp1 - 1)) : NULL;
    if (!sp2) {
        fail(m, 400, "Bad Request Line");
        return;
    }
    m->ruri_raw.s = sp1 + 1;
    m->ruri_raw.len = (size_t)(sp2 - sp1 - 1);
    m->version.s = sp2 + 1;
    m->version.len = (size_t)(e - sp2 - 1);
    int vr = check_version(m->version);
    if (!vr) {
        fail(m, 400, "Bad Request Line");
        return;
    }
    if (sip_uri_parse(m->ruri_raw.s, m->ruri_raw.len, &m->ruri) != RS_OK) {
        fail(m, 400, "Bad Request-URI");
    } else if (m->ruri.scheme != SIP_SCHEME_OTHER && m->ruri.headers.len) {
        /* RFC 3261 §19.1.1: headers are not allowed in a Request-URI */
        fail(m, 400, "Bad Request-URI");
    } else {
        m->ruri_ok = 1;
    }
    if (vr == 2)
        fail(m, 505, "Version Not Supported");
}

sip_msg *sip_msg_parse(const char *buf, size_t len, unsigned flags)
{
    sip__ctype_init();
    sip_msg *m = rs_malloc(sizeof *m);
    memset(m, 0, offsetof(sip_msg, hdrs)); /* the arrays are filled as counted */
    m->expires = -1;
    m->content_length = -1;
    m->max_forwards = -1;
    if (len > SIP_MAX_MSG) {
        fail(m, 513, "Message Too Large");
        len = SIP_MAX_MSG;
    }
    m->buf = rs_malloc(len + 1);
    memcpy(m->buf, buf, len);
    m->buf[len] = '\0';
    m->len = len;
    m->arena_cap = len + 1;
    m->arena = rs_malloc(m->arena_cap);

    char *p = m->buf, *e = m->buf + len;
    /* RFC 3261 §7.5: ignore CRLFs before the start line (and keep-alives) */
    while (p < e && (*p == '\r' || *p == '\n'))
        p++;
    char *lf = p < e ? memchr(p, '\n', (size_t)(e - p)) : NULL;
    if (!lf)
        return m; /* kind NONE: nothing that could be answered */
    char *le = (lf > p && lf[-1] == '\r') ? lf - 1 : lf;
    parse_start_line(m, p, le);
    p = lf + 1;

    /* header lines, unfolding continuation lines in place */
    int ended = 0;
    while (p < e) {
        char *ls = p;
        lf = memchr(p, '\n', (size_t)(e - p));
        if (!lf)
            break;
        if (lf == ls || (lf == ls + 1 && *ls == '\r')) {
            p = lf + 1;
            ended = 1;
            break;
        }
        while (lf + 1 < e && (lf[1] == ' ' || lf[1] == '\t')) {
            *lf = ' ';
            if (lf > ls && lf[-1] == '\r')
                lf[-1] = ' ';
            char *n = memchr(lf + 1, '\n', (size_t)(e - lf - 1));
            if (!n) {
                lf = NULL;
                break;
            }
            lf = n;
        }
        if (!lf)
            break;
        char *hend = (lf > ls && lf[-1] == '\r') ? lf - 1 : lf;
        p = lf + 1;
        if (m->nhdrs >= SIP_MAX_HEADERS) {
            fail(m, 400, "Too Many Headers");
            continue; /* keep scanning for the end of the headers */
        }
        const char *n = ls, *ne = skip_token(ls, hend), *c = skip_ws(ne, hend);
        if (ne == n || c >= hend || *c != ':') {
            fail(m, 400, "Bad Header");
            continue;
        }
        sip_header *h = &m->hdrs[m->nhdrs++];
        memset(h, 0, sizeof *h);
        h->name.s = n;
        h->name.len = (size_t)(ne - n);
        h->value = trim(c + 1, hend);
        h->id = header_id(h->name);
        header_value(m, h);
    }
    if (!ended) {
        fail(m, 400, "Incomplete Message");
        return m;
    }

    size_t avail = (size_t)(e - p);
    if (m->content_length >= 0) {
        if ((uint64_t)m->content_length > avail)
            fail(m, 400, "Content-Length Too Large");
        else {
            m->body.s = p;
            m->body.len = (size_t)m->content_length;
        }
    } else if (flags & SIP_PARSE_STREAM) {
        fail(m, 400, "Missing Content-Length");
    } else {
        m->body.s = p;
        m->body.len = avail;
    }

    if (m->kind == SIP_MSG_REQUEST) {
        if (!m->has_to || !m->has_from || !m->has_call_id || !m->has_cseq ||
            (!m->nvias && !m->via_err))
            fail(m, 400, "Missing Required Header");
        else if (m->cseq_method.len != m->method.len ||
                 memcmp(m->cseq_method.s, m->method.s, m->method.len) != 0)
            fail(m, 400, "CSeq Method Mismatch");
    }
    return m;
}

void sip_msg_free(sip_msg *m)
{
    if (!m)
        return;
    free(m->buf);
    free(m->arena);
    free(m);
}

const sip_header *sip_msg_header(const sip_msg *m, sip_hdr_id id, const char *name)
{
    for (int i = 0; i < m->nhdrs; i++) {
        const sip_header *h = &m->hdrs[i];
        if (id != SIP_HDR_OTHER ? h->id == id : (name && sip__str_ieq(h->name, name)))
            return h;
    }
    return NULL;
}

char *sip_msg_serialize(const sip_msg *m, size_t *out_len)
{
    rs_buf b = {0};
    if (m->kind == SIP_MSG_REQUEST) {
        sip__buf_put(&b, m->method);
        rs_buf_putc(&b, ' ');
        sip__buf_put(&b, m->ruri_raw);
        rs_buf_putc(&b, ' ');
        sip__buf_put(&b, m->version);
    } else if (m->kind == SIP_MSG_RESPONSE) {
        sip__buf_put(&b, m->version);
        rs_buf_printf(&b, " %03d ", m->status_code);
        sip__buf_put(&b, m->reason);
    }
    rs_buf_puts(&b, "\r\n");
    for (int i = 0; i < m->nhdrs; i++) {
        sip__buf_put(&b, m->hdrs[i].name);
        rs_buf_puts(&b, ": ");
        sip__buf_put(&b, m->hdrs[i].value);
        rs_buf_puts(&b, "\r\n");
    }
    rs_buf_puts(&b, "\r\n");
    if (m->body.len)
        sip__buf_put(&b, m->body);
    if (out_len)
        *out_len = b.len;
    return rs_buf_take(&b);
}

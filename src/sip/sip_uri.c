/* sip_uri.c - character classes, SIP URI parsing (RFC 3261 §19.1, §25),
 * URI equality (§19.1.4), canonical AoRs and parameter iterators.
 * Design notes: docs/internals/sip.md. */
#include "sip_int.h"

#include <ctype.h>
#include <string.h>

uint16_t sip__ctype[256];
static pthread_once_t ctype_once = PTHREAD_ONCE_INIT;

static void set_chars(const char *chars, int cls)
{
    for (; *chars; chars++)
        sip__ctype[(unsigned char)*chars] |= (uint16_t)cls;
}

static void ctype_fill(void)
{
    for (int c = 0; c < 256; c++) {
        if (isalnum(c) && c < 128)
            sip__ctype[c] |= SIP_C_ALNUM | SIP_C_TOKEN | SIP_C_WORD | SIP_C_HOST | SIP_C_SCHEME;
        if (isxdigit(c) && c < 128)
            sip__ctype[c] |= SIP_C_HEX;
        if (c > 0x20 && c < 0x7f && c != '<' && c != '>' && c != '"')
            sip__ctype[c] |= SIP_C_URIC;
    }
    set_chars("-_.!~*'()", SIP_C_MARK);
    set_chars("-.!%*_+`'~", SIP_C_TOKEN);
    set_chars("&=+$,;?/", SIP_C_USER);
    set_chars("&=+$,", SIP_C_PASS);
    set_chars("[]/:&+$", SIP_C_PARAM);
    set_chars("[]/?:+$", SIP_C_HNV);
    set_chars("-.!%*_+`'~()<>:\\\"/[]?{}", SIP_C_WORD);
    set_chars("-._", SIP_C_HOST);
    set_chars("+-.", SIP_C_SCHEME);
    set_chars(" \t", SIP_C_WS);
}

void sip__ctype_init(void)
{
    pthread_once(&ctype_once, ctype_fill);
}

int sip__str_ieq(sip_str a, const char *b)
{
    size_t n = strlen(b);
    if (a.len != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)a.s[i]) != tolower((unsigned char)b[i]))
            return 0;
    return 1;
}

int sip__str_ieq2(sip_str a, sip_str b)
{
    if (a.len != b.len)
        return 0;
    for (size_t i = 0; i < a.len; i++)
        if (tolower((unsigned char)a.s[i]) != tolower((unsigned char)b.s[i]))
            return 0;
    return 1;
}

/* Next decoded byte of an escaped string; advances *i. Caller validated escapes. */
static int esc_next(sip_str s, size_t *i)
{
    unsigned char c = (unsigned char)s.s[*i];
    if (c == '%' && *i + 2 < s.len && sip__is((unsigned char)s.s[*i + 1], SIP_C_HEX) &&
        sip__is((unsigned char)s.s[*i + 2], SIP_C_HEX)) {
        int v =
            sip__hexval((unsigned char)s.s[*i + 1]) * 16 + sip__hexval((unsigned char)s.s[*i + 2]);
        *i += 3;
        return v;
    }
    (*i)++;
    return c;
}

int sip__esc_eq(sip_str a, sip_str b, int ci)
{
    size_t i = 0, j = 0;
    while (i < a.len && j < b.len) {
        int x = esc_next(a, &i), y = esc_next(b, &j);
        if (ci) {
            x = tolower(x);
            y = tolower(y);
        }
        if (x != y)
            return 0;
    }
    return i == a.len && j == b.len;
}

/* Validate an escaped run: every byte in `cls` or a %HH escape. */
static int valid_run(const char *p, const char *e, int cls)
{
    while (p < e) {
        unsigned char c = (unsigned char)*p;
        if (c == '%') {
            if (e - p < 3 || !sip__is((unsigned char)p[1], SIP_C_HEX) ||
                !sip__is((unsigned char)p[2], SIP_C_HEX))
                return 0;
            p += 3;
            continue;
        }
        if (!sip__is(c, cls))
            return 0;
        p++;
    }
    return 1;
}

/* host = hostname / IPv4address / IPv6reference; returns end or NULL. */
static const char *parse_host(const char *p, const char *e, sip_str *host, int *ipv6)
{
    *ipv6 = 0;
    if (p < e && *p == '[') {
        const char *q = p + 1;
        int colons = 0;
        while (q < e && *q != ']') {
            if (*q == ':')
                colons++;
            else if (!sip__is((unsigned char)*q, SIP_C_HEX) && *q != '.')
                return NULL;
            q++;
        }
        if (q >= e || colons < 2 || q - p - 1 > 45)
            return NULL;
        host->s = p + 1;
        host->len = (size_t)(q - p - 1);
        *ipv6 = 1;
        return q + 1;
    }
    const char *q = p;
    while (q < e && sip__is((unsigned char)*q, SIP_C_HOST))
        q++;
    if (q == p || q - p > 255)
        return NULL;
    host->s = p;
    host->len = (size_t)(q - p);
    return q;
}

/* ":" port; returns end or NULL. port -1 when absent. */
static const char *parse_port(const char *p, const char *e, int *port)
{
    *port = -1;
    if (p >= e || *p != ':')
        return p;
    p++;
    long v = 0;
    const char *q = p;
    while (q < e && *q >= '0' && *q <= '9' && q - p < 6) {
        v = v * 10 + (*q - '0');
        q++;
    }
    if (q == p || (q < e && *q >= '0' && *q <= '9') || v > 65535)
        return NULL;
    *port = (int)v;
    return q;
}

/* Decoded comparison of a param name with a lower-case literal. */
static int pname_is(sip_str name, const char *lit)
{
    sip_str l = {lit, strlen(lit)};
    return sip__esc_eq(name, l, 1);
}

static rs_status parse_sip_uri(const char *s, const char *e, sip_uri *u)
{
    const char *p = s;
    /* userinfo: up to the first '@' (neither user nor password may hold one) */
    const char *at = memchr(p, '@', (size_t)(e - p));
    if (at) {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        const char *ue = colon ? colon : at;
        if (ue == p || !valid_run(p, ue, SIP_C_ALNUM | SIP_C_MARK | SIP_C_USER))
            return RS_EPARSE;
        u->user.s = p;
        u->user.len = (size_t)(ue - p);
        u->has_user = 1;
        if (colon) {
            if (!valid_run(colon + 1, at, SIP_C_ALNUM | SIP_C_MARK | SIP_C_PASS))
                return RS_EPARSE;
            u->password.s = colon + 1;
            u->password.len = (size_t)(at - colon - 1);
            u->has_password = 1;
        }
        p = at + 1;
    }
    p = parse_host(p, e, &u->host, &u->host_ipv6);
    if (!p)
        return RS_EPARSE;
    p = parse_port(p, e, &u->port);
    if (!p)
        return RS_EPARSE;
    const char *ps = p;
    while (p < e && *p == ';') {
        const char *n = ++p;
        while (p < e && *p != ';' && *p != '?' && *p != '=')
            p++;
        sip_str name = {n, (size_t)(p - n)}, val = {p, 0};
        if (!name.len || !valid_run(n, p, SIP_C_ALNUM | SIP_C_MARK | SIP_C_PARAM))
            return RS_EPARSE;
        if (p < e && *p == '=') {
            const char *v = ++p;
            while (p < e && *p != ';' && *p != '?')
                p++;
            val.s = v;
            val.len = (size_t)(p - v);
            if (!val.len || !valid_run(v, p, SIP_C_ALNUM | SIP_C_MARK | SIP_C_PARAM))
                return RS_EPARSE;
        }
        if (++u->nparams > SIP_MAX_URI_PARAMS)
            return RS_EPARSE;
        /* a parameter name appears at most once (equality is undefined otherwise) */
        sip_str seen = {ps, (size_t)(n - 1 - ps)}, sn, sv;
        int shv;
        while (sip_param_next(&seen, &sn, &sv, &shv))
            if (sip__esc_eq(sn, name, 1))
                return RS_EPARSE;
        if (pname_is(name, "transport"))
            u->transport = val;
        else if (pname_is(name, "user"))
            u->user_param = val;
        else if (pname_is(name, "method"))
            u->method = val;
        else if (pname_is(name, "maddr"))
            u->maddr = val;
        else if (pname_is(name, "ttl"))
            u->ttl = val;
        else if (pname_is(name, "lr"))
            u->lr = 1;
        else if (pname_is(name, "ob"))
            u->ob = 1;
    }
    u->params.s = ps;
    u->params.len = (size_t)(p - ps);
    if (p < e && *p == '?') {
        const char *h = ++p;
        /* header *( "&" header ), header = hname "=" hvalue */
        for (;;) {
            const char *n = p;
            while (p < e && *p != '=' && *p != '&')
                p++;
            if (p == n || p >= e || *p != '=' ||
                !valid_run(n, p, SIP_C_ALNUM | SIP_C_MARK | SIP_C_HNV))
                return RS_EPARSE;
            const char *v = ++p;
            while (p < e && *p != '&')
                p++;
            if (!valid_run(v, p, SIP_C_ALNUM | SIP_C_MARK | SIP_C_HNV))
                return RS_EPARSE;
            if (p >= e)
                break;
            p++;
        }
        u->headers.s = h;
        u->headers.len = (size_t)(e - h);
    }
    return p == e ? RS_OK : RS_EPARSE;
}

rs_status sip_uri_parse(const char *s, size_t len, sip_uri *out)
{
    sip__ctype_init();
    memset(out, 0, sizeof *out);
    out->port = -1;
    out->raw.s = s;
    out->raw.len = len;
    const char *e = s + len, *p = s;
    if (len == 0 || !isalpha((unsigned char)*p))
        return RS_EPARSE;
    while (p < e && sip__is((unsigned char)*p, SIP_C_SCHEME))
        p++;
    if (p >= e || *p != ':')
        return RS_EPARSE;
    out->scheme_str.s = s;
    out->scheme_str.len = (size_t)(p - s);
    p++;
    if (sip__str_ieq(out->scheme_str, "sip"))
        out->scheme = SIP_SCHEME_SIP;
    else if (sip__str_ieq(out->scheme_str, "sips"))
        out->scheme = SIP_SCHEME_SIPS;
    else {
        out->scheme = SIP_SCHEME_OTHER;
        if (p == e)
            return RS_EPARSE;
        for (; p < e; p++)
            if (!sip__is((unsigned char)*p, SIP_C_URIC))
                return RS_EPARSE;
        return RS_OK;
    }
    return parse_sip_uri(p, e, out);
}

/* Find parameter `name` (decoded, case-insensitive) in a params view. */
static int find_param(sip_str params, sip_str name, sip_str *value, int *has_value)
{
    sip_str rest = params, n, v;
    int hv;
    while (sip_param_next(&rest, &n, &v, &hv)) {
        if (sip__esc_eq(n, name, 1)) {
            *value = v;
            *has_value = hv;
            return 1;
        }
    }
    return 0;
}

/* Is there a URI header with this name (decoded ci) and value (decoded)? */
static int has_header(sip_str headers, sip_str name, sip_str value)
{
    const char *p = headers.s, *e = headers.s + headers.len;
    while (p < e) {
        const char *n = p;
        while (p < e && *p != '=')
            p++;
        sip_str hn = {n, (size_t)(p - n)};
        const char *v = p < e ? p + 1 : e;
        p = v;
        while (p < e && *p != '&')
            p++;
        sip_str hv = {v, (size_t)(p - v)};
        if (sip__esc_eq(hn, name, 1) && sip__esc_eq(hv, value, 0))
            return 1;
        if (p < e)
            p++;
    }
    return 0;
}

/* Every header of a appears in b with an equal value. */
static int headers_subset(sip_str a, sip_str b)
{
    if (!a.len)
        return 1; /* a.s may be NULL: no arithmetic on it */
    const char *p = a.s, *e = a.s + a.len;
    while (p < e) {
        const char *n = p;
        while (p < e && *p != '=')
            p++;
        sip_str hn = {n, (size_t)(p - n)};
        const char *v = p < e ? p + 1 : e;
        p = v;
        while (p < e && *p != '&')
            p++;
        sip_str hv = {v, (size_t)(p - v)};
        if (!has_header(b, hn, hv))
            return 0;
        if (p < e)
            p++;
    }
    return 1;
}

/* Params present in both must match; `special` ones must be in both or none. */
static int params_match(const sip_uri *a, const sip_uri *b)
{
    static const char *const special[] = {"user", "ttl", "method", "maddr", "transport"};
    for (size_t i = 0; i < sizeof special / sizeof *special; i++) {
        sip_str n = {special[i], strlen(special[i])}, va, vb;
        int ha, hb;
        int ia = find_param(a->params, n, &va, &ha), ib = find_param(b->params, n, &vb, &hb);
        if (ia != ib)
            return 0;
        if (ia && !sip__esc_eq(va, vb, 1))
            return 0;
    }
    sip_str rest = a->params, n, v, v2;
    int hv, hv2;
    while (sip_param_next(&rest, &n, &v, &hv)) {
        if (find_param(b->params, n, &v2, &hv2) && (hv != hv2 || !sip__esc_eq(v, v2, 1)))
            return 0;
    }
    return 1;
}

int sip_uri_equal(const sip_uri *a, const sip_uri *b)
{
    if (a->scheme != b->scheme)
        return 0;
    if (a->scheme == SIP_SCHEME_OTHER)
        return sip__str_ieq2(a->scheme_str, b->scheme_str) && a->raw.len == b->raw.len &&
               memcmp(a->raw.s + a->scheme_str.len, b->raw.s + b->scheme_str.len,
                      a->raw.len - a->scheme_str.len) == 0;
    if (a->has_user != b->has_user || (a->has_user && !sip__esc_eq(a->user, b->user, 0)))
        return 0;
    if (a->has_password != b->has_password ||
        (a->has_password && !sip__esc_eq(a->password, b->password, 0)))
        return 0;
    if (!sip__esc_eq(a->host, b->host, 1) || a->port != b->port)
        return 0;
    if (!params_match(a, b))
        return 0;
    return headers_subset(a->headers, b->headers) && headers_subset(b->headers, a->headers);
}

/* Append canonical bytes of a decoded user character. */
static size_t canon_put(unsigned char c, char *out, size_t o, size_t outsz)
{
    static const char hex[] = "0123456789ABCDEF";
    c = (unsigned char)tolower(c);
    if (c < 128 && sip__is(c, SIP_C_ALNUM | SIP_C_MARK | SIP_C_USER)) {
        if (o + 1 < outsz)
            out[o] = (char)c;
        return o + 1;
    }
    if (o + 3 < outsz) {
        out[o] = '%';
        out[o + 1] = hex[c >> 4];
        out[o + 2] = hex[c & 15];
    }
    return o + 3;
}

static size_t canon_host(sip_str host, char *out, size_t o, size_t outsz)
{
    for (size_t i = 0; i < host.len; i++, o++)
        if (o + 1 < outsz)
            out[o] = (char)tolower((unsigned char)host.s[i]);
    return o;
}

size_t sip_uri_aor(const sip_uri *u, char *out, size_t outsz)
{
    size_t o = 0;
    if (u->has_user) {
        size_t i = 0;
        while (i < u->user.len)
            o = canon_put((unsigned char)esc_next(u->user, &i), out, o, outsz);
        if (o + 1 < outsz)
            out[o] = '@';
        o++;
    }
    o = canon_host(u->host, out, o, outsz);
    if (outsz)
        out[o < outsz ? o : outsz - 1] = '\0';
    return o;
}

size_t sip_username_canon(const char *s, size_t len, char *out, size_t outsz)
{
    sip__ctype_init();
    size_t o = 0;
    const char *at = NULL;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '@')
            at = s + i; /* the last '@' separates the host */
    size_t ulen = at ? (size_t)(at - s) : 0;
    for (size_t i = 0; i < ulen; i++)
        o = canon_put((unsigned char)s[i], out, o, outsz);
    if (at) {
        if (o + 1 < outsz)
            out[o] = '@';
        o++;
        sip_str h = {at + 1, len - ulen - 1};
        o = canon_host(h, out, o, outsz);
    } else {
        sip_str h = {s, len};
        o = canon_host(h, out, o, outsz);
    }
    if (outsz)
        out[o < outsz ? o : outsz - 1] = '\0';
    return o;
}

int sip_param_next(sip_str *rest, sip_str *name, sip_str *value, int *has_value)
{
    const char *p = rest->s, *e = rest->s + rest->len;
    while (p < e && (*p == ' ' || *p == '\t'))
        p++;
    if (p >= e || *p != ';')
        return 0;
    p++;
    while (p < e && (*p == ' ' || *p == '\t'))
        p++;
    const char *n = p;
    while (p < e && *p != '=' && *p != ';' && *p != ' ' && *p != '\t' && *p != '?')
        p++;
    name->s = n;
    name->len = (size_t)(p - n);
    value->s = p;
    value->len = 0;
    *has_value = 0;
    while (p < e && (*p == ' ' || *p == '\t'))
        p++;
    if (p < e && *p == '=') {
        p++;
        while (p < e && (*p == ' ' || *p == '\t'))
            p++;
        const char *v = p;
        if (p < e && *p == '"') {
            const char *q = sip__skip_quoted(p, e);
            p = q ? q : e;
        } else {
            while (p < e && *p != ';' && *p != ' ' && *p != '\t' && *p != '?')
                p++;
        }
        value->s = v;
        value->len = (size_t)(p - v);
        *has_value = 1;
    }
    rest->s = p;
    rest->len = (size_t)(e - p);
    return 1;
}

int sip_token_next(sip_str *rest, sip_str *tok)
{
    const char *p = rest->s, *e = rest->s + rest->len;
    for (;;) {
        while (p < e && (*p == ' ' || *p == '\t' || *p == ','))
            p++;
        if (p >= e)
            return 0;
        const char *t = p;
        while (p < e && *p != ',' && *p != ' ' && *p != '\t')
            p++;
        tok->s = t;
        tok->len = (size_t)(p - t);
        rest->s = p;
        rest->len = (size_t)(e - p);
        return 1;
    }
}

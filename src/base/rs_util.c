/* rs_util.c - see rs_util.h. */
#include "rs_util.h"

#include <ctype.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void oom(void)
{
    fputs("roomsys: out of memory\n", stderr);
    abort();
}

void *rs_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *rs_calloc(size_t n, size_t m)
{
    void *p = calloc(n ? n : 1, m ? m : 1);
    if (!p)
        oom();
    return p;
}

void *rs_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom();
    return q;
}

char *rs_strdup(const char *s)
{
    return s ? rs_strndup(s, strlen(s)) : NULL;
}

char *rs_strndup(const char *s, size_t n)
{
    char *d = rs_malloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *rs_asprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = rs_malloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

static void buf_reserve(rs_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->data = rs_realloc(b->data, cap);
    b->cap = cap;
}

void rs_buf_append(rs_buf *b, const char *s, size_t n)
{
    buf_reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void rs_buf_puts(rs_buf *b, const char *s)
{
    rs_buf_append(b, s, strlen(s));
}

void rs_buf_putc(rs_buf *b, char c)
{
    rs_buf_append(b, &c, 1);
}

void rs_buf_printf(rs_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    buf_reserve(b, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void rs_buf_reset(rs_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void rs_buf_free(rs_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

char *rs_buf_take(rs_buf *b)
{
    char *s = b->data ? b->data : rs_strdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return s;
}

bool rs_streq_ci(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    while (*a && *b) {
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
        a++, b++;
    }
    return *a == *b;
}

bool rs_prefix_ci(const char *s, const char *prefix)
{
    while (*prefix) {
        if (tolower((unsigned char)*s) != tolower((unsigned char)*prefix))
            return false;
        s++, prefix++;
    }
    return true;
}

void rs_lower(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

char *rs_lower_dup(const char *s)
{
    char *d = rs_strdup(s ? s : "");
    rs_lower(d);
    return d;
}

static bool wild(const char *p, const char *s, int depth)
{
    if (depth > 64)
        return false;
    for (; *p; p++, s++) {
        if (*p == '*') {
            while (p[1] == '*')
                p++;
            if (!p[1])
                return true;
            for (; *s; s++)
                if (wild(p + 1, s, depth + 1))
                    return true;
            return false;
        }
        if (!*s)
            return false;
        if (*p == '?')
            continue;
        if (*p == '[') {
            const char *q = p + 1;
            bool match = false;
            while (*q && *q != ']') {
                if (q[1] == '-' && q[2] && q[2] != ']') {
                    if (tolower((unsigned char)*s) >= tolower((unsigned char)q[0]) &&
                        tolower((unsigned char)*s) <= tolower((unsigned char)q[2]))
                        match = true;
                    q += 3;
                } else {
                    if (tolower((unsigned char)*s) == tolower((unsigned char)*q))
                        match = true;
                    q++;
                }
            }
            if (!*q) { /* unterminated: literal '[' */
                if (*s != '[')
                    return false;
                continue;
            }
            if (!match)
                return false;
            p = q;
            continue;
        }
        if (*p == '`' && p[1])
            p++;
        if (tolower((unsigned char)*p) != tolower((unsigned char)*s))
            return false;
    }
    return *s == '\0';
}

bool rs_wildcard_match(const char *pattern, const char *s)
{
    return wild(pattern ? pattern : "", s ? s : "", 0);
}

bool rs_has_wildcard(const char *s)
{
    return s && strpbrk(s, "*?[") != NULL;
}

void rs_json_escape(const char *s, char *out, size_t outsz)
{
    size_t o = 0;
    if (!outsz)
        return;
    for (; s && *s && o + 7 < outsz; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c < 0x20) {
            o += (size_t)snprintf(out + o, outsz - o, "\\u%04x", c);
        } else {
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
}

char *rs_trim(char *s)
{
    char *e;
    while (*s && isspace((unsigned char)*s))
        s++;
    e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

int64_t rs_time_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t rs_time_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void rs_time_iso8601_ms(int64_t ms, char *out, size_t outsz)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, outsz, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

void rs_time_ps(int64_t ms, char *out, size_t outsz)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    int h = tm.tm_hour % 12;
    snprintf(out, outsz, "%d/%d/%04d %d:%02d:%02d %s", tm.tm_mon + 1, tm.tm_mday, tm.tm_year + 1900,
             h ? h : 12, tm.tm_min, tm.tm_sec, tm.tm_hour < 12 ? "AM" : "PM");
}

bool rs_time_parse(const char *s, int64_t *out_ms)
{
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, n = 0;
    char ampm[3] = "";
    const char *rest;
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3) {
        rest = s + n;
        if (*rest == 'T' || *rest == ' ') {
            int k = 0;
            if (sscanf(rest + 1, "%2d:%2d%n", &h, &mi, &k) != 2)
                return false;
            rest += 1 + k;
            if (*rest == ':') {
                if (sscanf(rest + 1, "%2d%n", &sec, &k) != 1)
                    return false;
                rest += 1 + k;
                if (*rest == '.')
                    for (rest++; isdigit((unsigned char)*rest); rest++)
                        ;
            }
            if (*rest == 'Z')
                rest++;
        }
    } else if (sscanf(s, "%2d/%2d/%4d%n", &mo, &d, &y, &n) == 3) {
        rest = s + n;
        if (*rest == ' ') {
            int k = 0;
            if (sscanf(rest + 1, "%2d:%2d%n", &h, &mi, &k) != 2)
                return false;
            rest += 1 + k;
            if (*rest == ':') {
                if (sscanf(rest + 1, "%2d%n", &sec, &k) != 1)
                    return false;
                rest += 1 + k;
            }
            if (*rest == ' ' && sscanf(rest + 1, "%2[AaPp]%*[Mm]%n", ampm, &k) == 1) {
                ampm[0] = (char)toupper((unsigned char)ampm[0]);
                if (h < 1 || h > 12)
                    return false;
                h = h % 12 + (ampm[0] == 'P' ? 12 : 0);
                rest += 1 + k;
            }
        }
    } else {
        return false;
    }
    if (*rest || y < 1900 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
        mi > 59 || sec > 59)
        return false;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap))
        return false;
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = sec};
    *out_ms = (int64_t)timegm(&tm) * 1000;
    return true;
}

void rs_random(void *buf, size_t n)
{
    if (gnutls_rnd(GNUTLS_RND_KEY, buf, n) != 0) {
        fputs("roomsys: no randomness\n", stderr);
        abort();
    }
}

void rs_hex(const void *buf, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    const unsigned char *p = buf;
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

void rs_guid(char out[37])
{
    unsigned char b[16];
    char h[33];
    rs_random(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    rs_hex(b, 16, h);
    snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
}

bool rs_is_guid(const char *s)
{
    if (!s || strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return false;
        } else if (!isxdigit((unsigned char)s[i])) {
            return false;
        }
    }
    return true;
}

void rs_md5_hex(const void *data, size_t n, char out[33])
{
    unsigned char d[16];
    gnutls_hash_fast(GNUTLS_DIG_MD5, data, n, d);
    rs_hex(d, 16, out);
}

void rs_sha256(const void *data, size_t n, unsigned char out[32])
{
    gnutls_hash_fast(GNUTLS_DIG_SHA256, data, n, out);
}

void rs_sha256_hex(const void *data, size_t n, char out[65])
{
    unsigned char d[32];
    rs_sha256(data, n, d);
    rs_hex(d, 32, out);
}

void rs_hmac_sha256(const void *key, size_t keylen, const void *data, size_t n,
                    unsigned char out[32])
{
    gnutls_hmac_fast(GNUTLS_MAC_SHA256, key, keylen, data, n, out);
}

struct rs_hmac {
    gnutls_hmac_hd_t keyed; /* key absorbed, no data: copied for each message */
    unsigned char key[64];  /* for the fallback when a copy cannot be made */
    size_t keylen;
};

rs_hmac *rs_hmac_new(const void *key, size_t keylen)
{
    if (keylen > sizeof((rs_hmac *)0)->key)
        return NULL;
    rs_hmac *h = rs_calloc(1, sizeof *h);
    memcpy(h->key, key, keylen);
    h->keylen = keylen;
    if (gnutls_hmac_init(&h->keyed, GNUTLS_MAC_SHA256, key, keylen) < 0) {
        rs_hmac_free(h);
        return NULL;
    }
    return h;
}

void rs_hmac_sign(const rs_hmac *h, const void *data, size_t n, unsigned char out[32])
{
    gnutls_hmac_hd_t c = gnutls_hmac_copy(h->keyed);
    if (!c) {
        rs_hmac_sha256(h->key, h->keylen, data, n, out);
        return;
    }
    gnutls_hmac(c, data, n);
    gnutls_hmac_deinit(c, out);
}

void rs_hmac_free(rs_hmac *h)
{
    if (!h)
        return;
    if (h->keyed)
        gnutls_hmac_deinit(h->keyed, NULL);
    rs_wipe(h->key, sizeof h->key);
    free(h);
}

bool rs_ct_equal(const void *a, const void *b, size_t n)
{
    const volatile unsigned char *x = a, *y = b;
    unsigned char acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= (unsigned char)(x[i] ^ y[i]);
    return acc == 0;
}

void rs_wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
}

void rs_base64url(const void *buf, size_t n, char *out)
{
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const unsigned char *p = buf;
    size_t o = 0, i = 0;
    for (; i + 2 < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
        out[o++] = t[v >> 18];
        out[o++] = t[(v >> 12) & 63];
        out[o++] = t[(v >> 6) & 63];
        out[o++] = t[v & 63];
    }
    if (i < n) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0);
        out[o++] = t[v >> 18];
        out[o++] = t[(v >> 12) & 63];
        if (i + 1 < n)
            out[o++] = t[(v >> 6) & 63];
    }
    out[o] = '\0';
}

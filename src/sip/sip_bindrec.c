/* sip_bindrec.c - the saved form of one AoR's bindings (see sip.h,
 * sip_bindings_encode). A compact, versioned binary record instead of a JSON
 * document: the write-behind persister rewrites one per REGISTER refresh, so
 * its cost is paid tens of thousands of times a second at full load.
 *
 * Layout (integers little-endian):
 *   'B' 1 <count:u8>
 *   count x { <cseq:u32> <reg_id:i32> <q:i32> <expires_ms:i64> <src_port:u16>
 *             <transport:u8> 5 x <string> }        uri call_id instance pool src_ip
 *   string = <len:u16> <bytes>, len 0xFFFF = NULL; bytes never hold a NUL.
 */
#include "sip.h"

#include <stdlib.h>
#include <string.h>

#include "rs_util.h"

enum { REC_MAGIC = 'B', REC_VERSION = 1, STR_NULL = 0xFFFF, FIXED = 4 + 4 + 4 + 8 + 2 + 1 };

static void put_le(unsigned char *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static size_t str_size(const char *s)
{
    size_t n = s ? strnlen(s, STR_NULL - 1) : 0;
    return 2 + n;
}

static unsigned char *put_str(unsigned char *p, const char *s)
{
    if (!s) {
        put_le(p, STR_NULL, 2);
        return p + 2;
    }
    size_t n = strnlen(s, STR_NULL - 1);
    put_le(p, n, 2);
    memcpy(p + 2, s, n);
    return p + 2 + n;
}

size_t sip_bindings_encode(const sip_binding_rec *b, int n, unsigned char **out)
{
    if (n < 0)
        n = 0;
    if (n > 255)
        n = 255;
    size_t size = 3;
    for (int i = 0; i < n; i++)
        size += FIXED + str_size(b[i].uri) + str_size(b[i].call_id) + str_size(b[i].instance) +
                str_size(b[i].pool) + str_size(b[i].src_ip);
    unsigned char *buf = rs_malloc(size), *p = buf;
    *p++ = REC_MAGIC;
    *p++ = REC_VERSION;
    *p++ = (unsigned char)n;
    for (int i = 0; i < n; i++) {
        put_le(p, b[i].cseq, 4);
        put_le(p + 4, (uint32_t)b[i].reg_id, 4);
        put_le(p + 8, (uint32_t)b[i].q, 4);
        put_le(p + 12, (uint64_t)b[i].expires_ms, 8);
        put_le(p + 20, (uint16_t)b[i].src_port, 2);
        p[22] = (unsigned char)b[i].transport;
        p += FIXED;
        p = put_str(p, b[i].uri);
        p = put_str(p, b[i].call_id);
        p = put_str(p, b[i].instance);
        p = put_str(p, b[i].pool);
        p = put_str(p, b[i].src_ip);
    }
    *out = buf;
    return size;
}

/* Read one string at *pp (bounds end) into the arena at *ap. */
static int get_str(const unsigned char **pp, const unsigned char *end, char **ap, const char **out)
{
    const unsigned char *p = *pp;
    if (end - p < 2)
        return -1;
    size_t n = (size_t)get_le(p, 2);
    p += 2;
    if (n == STR_NULL) {
        *out = NULL;
        *pp = p;
        return 0;
    }
    if ((size_t)(end - p) < n || memchr(p, '\0', n))
        return -1;
    memcpy(*ap, p, n);
    (*ap)[n] = '\0';
    *out = *ap;
    *ap += n + 1;
    *pp = p + n;
    return 0;
}

int sip_bindings_decode(const void *v, size_t len, sip_binding_rec *recs, int max, char **arena)
{
    const unsigned char *p = v, *end = p + len;
    *arena = NULL;
    if (!v || len < 3 || p[0] != REC_MAGIC || p[1] != REC_VERSION)
        return -1;
    int n = p[2];
    if (n > max)
        return -1;
    p += 3;
    /* every string fits in len bytes plus one terminator each */
    char *a = rs_malloc(len + (size_t)n * 5 + 1), *ap = a;
    for (int i = 0; i < n; i++) {
        if (end - p < FIXED)
            goto bad;
        sip_binding_rec *r = &recs[i];
        memset(r, 0, sizeof *r);
        r->cseq = (uint32_t)get_le(p, 4);
        r->reg_id = (int32_t)(uint32_t)get_le(p + 4, 4);
        r->q = (int32_t)(uint32_t)get_le(p + 8, 4);
        r->expires_ms = (int64_t)get_le(p + 12, 8);
        r->src_port = (int)get_le(p + 20, 2);
        r->transport = p[22];
        p += FIXED;
        if (get_str(&p, end, &ap, &r->uri) || get_str(&p, end, &ap, &r->call_id) ||
            get_str(&p, end, &ap, &r->instance) || get_str(&p, end, &ap, &r->pool) ||
            get_str(&p, end, &ap, &r->src_ip))
            goto bad;
    }
    if (p != end)
        goto bad;
    *arena = a;
    return n;
bad:
    free(a);
    return -1;
}

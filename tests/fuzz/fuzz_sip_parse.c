/* fuzz_sip_parse.c - libFuzzer target for the SIP parser and the whole
 * receive path (reliability.md §5.2): message framing and headers, URIs,
 * the parse -> serialise -> parse round trip, and sip_receive() over a
 * datagram and a stream with a small in-process provider, and the stream
 * framer (sip__frame) over the input as a TCP byte stream. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sip.h"
#include "sip_int.h"
#include "sip_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int lookup(void *ud, const char *aor, const char *username, const char *realm,
                  sip_account *out)
{
    (void)ud;
    (void)username;
    if (strcmp(aor, "room00042@contoso.onmicrosoft.com") != 0)
        return 0;
    out->known = 1;
    sip_digest_ha1(SIP_DIGEST_MD5, aor, realm, "Pw-00042-x9", out->ha1_md5);
    sip_digest_ha1(SIP_DIGEST_SHA256, aor, realm, "Pw-00042-x9", out->ha1_sha256);
    strcpy(out->home_pool, "pool01.contoso.com");
    return 0;
}

static int served(void *ud, const char *domain)
{
    (void)ud;
    return strcmp(domain, "contoso.onmicrosoft.com") == 0;
}

static void quiet(void *ud, const char *line)
{
    (void)ud;
    (void)line;
}

static int64_t fixed_clock(void *ud)
{
    (void)ud;
    return 1767604443000LL;
}

static sip_core *core(void)
{
    static sip_core *c;
    if (!c) {
        static const sip_pool_listen pools[] = {
            {.fqdn = "pool01.contoso.com",
             .address = "127.0.0.1",
             .udp_port = 5060,
             .backup_fqdn = "pool01b.contoso.com"},
            {.fqdn = "pool02.contoso.com", .address = "::1", .udp_port = 5060}};
        sip_settings s = {.pools = pools,
                          .npools = 2,
                          .nonce_lifetime_s = 300,
                          .min_expires = 60,
                          .max_expires = 3600,
                          .default_expires = 3600};
        sip_provider p = {.lookup = lookup, .domain_served = served};
        sip_options o;
        memset(&o, 0, sizeof o);
        o.secret = "fuzz";
        o.secret_len = 4;
        o.nc_slots = 4096;
        o.tx_cache_bytes = 1 << 20;
        o.security_log = quiet;
        o.clock_ms = fixed_clock;
        if (sip_core_new(&s, &p, &o, &c, NULL) != RS_OK)
            abort();
    }
    return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;
    sip_msg *m = sip_msg_parse(buf, size, 0);
    if (m->kind != SIP_MSG_NONE && m->err_status == 0) {
        /* a message that parses must survive its own serialisation */
        size_t n;
        char *s = sip_msg_serialize(m, &n);
        sip_msg *m2 = sip_msg_parse(s, n, 0);
        if (m2->err_status != 0 || m2->nhdrs != m->nhdrs || m2->kind != m->kind)
            abort();
        sip_msg_free(m2);
        free(s);
    }
    sip_msg_free(m);

    sip_uri u, v;
    if (sip_uri_parse(buf, size, &u) == RS_OK) {
        char aor[256];
        sip_uri_aor(&u, aor, sizeof aor);
        if (!sip_uri_equal(&u, &u))
            abort();
        if (sip_uri_parse(buf, size, &v) == RS_OK && !sip_uri_equal(&u, &v))
            abort();
    }

    static sip_reply rep;
    sip_recv_info ri;
    memset(&ri, 0, sizeof ri);
    ri.transport = SIP_TRANSPORT_UDP;
    strcpy(ri.src_ip, "192.0.2.7");
    ri.src_port = 5062;
    ri.local_port = 5060;
    sip_receive(core(), buf, size, &ri, &rep);
    ri.transport = SIP_TRANSPORT_TCP;
    ri.pool_index = 1;
    sip_receive(core(), buf, size, &ri, &rep);

    /* the stream framer: frames stay inside the input, the resumed scan
     * agrees with a fresh one, and each message frame goes to the core */
    size_t off = 0, scanned = 0;
    while (off < size) {
        size_t n, fresh = 0, n2;
        sip__frame_kind k = sip__frame(buf + off, size - off, &scanned, &n);
        if (k == SIP__FR_NEED || n > size - off)
            break;
        if (sip__frame(buf + off, size - off, &fresh, &n2) != k || n2 != n)
            abort();
        if (k == SIP__FR_MSG)
            sip_receive(core(), buf + off, n, &ri, &rep);
        if (k == SIP__FR_BAD || k == SIP__FR_TOOBIG || n == 0)
            break;
        off += n;
        scanned = 0;
    }
    return 0;
}

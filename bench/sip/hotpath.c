/* hotpath.c - the registrar's work per sign-in, without a network: N accounts
 * each do REGISTER -> 401 -> REGISTER with digest -> 200 straight through
 * sip_receive(), as SIPp's scenario does. Run under callgrind, it counts the
 * instructions the server spends per registration, a figure that does not
 * move with other load on the machine (bench/sip/README.md "Hot path"):
 *
 *   valgrind --tool=callgrind --toggle-collect=sip_receive \
 *       build/tests/unit/sip/bench_sip_hotpath 20000 2000
 *
 * Arguments: sign-ins (default 20000), accounts (default 2000). The provider
 * answers from a table made before the first request, as the daemon's
 * sign-in cache does once warm. */
#include "sip_test.h"

enum { MAX_ACCTS = 100000 };

typedef struct hp_acct {
    char aor[64];
    char ha1_md5[33], ha1_sha[65];
} hp_acct;

static hp_acct *accts;
static int naccts;

static int hp_lookup(void *ud, const char *aor, const char *username, const char *realm,
                     sip_account *out)
{
    (void)ud;
    (void)username;
    (void)realm;
    int k = atoi(aor + 4); /* "roomNNNNN@..." */
    if (strncmp(aor, "room", 4) != 0 || k < 0 || k >= naccts || strcmp(accts[k].aor, aor) != 0)
        return 0;
    out->known = 1;
    memcpy(out->ha1_md5, accts[k].ha1_md5, sizeof accts[k].ha1_md5);
    memcpy(out->ha1_sha256, accts[k].ha1_sha, sizeof accts[k].ha1_sha);
    snprintf(out->home_pool, sizeof out->home_pool, "pool01.contoso.com");
    snprintf(out->tenant_id, sizeof out->tenant_id, "6c1e0000-0000-4000-8000-000000000001");
    snprintf(out->user_id, sizeof out->user_id, "%s", aor);
    return 0;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 20000;
    naccts = argc > 2 ? atoi(argv[2]) : 2000;
    if (n <= 0 || naccts <= 0 || naccts > MAX_ACCTS) {
        fprintf(stderr, "usage: %s [sign-ins] [accounts <= %d]\n", argv[0], MAX_ACCTS);
        return 64;
    }
    accts = calloc((size_t)naccts, sizeof *accts);
    t_ua *ua = calloc((size_t)naccts, sizeof *ua);
    for (int i = 0; i < naccts; i++) {
        snprintf(accts[i].aor, sizeof accts[i].aor, "room%05d@contoso.onmicrosoft.com", i);
        sip_digest_ha1(SIP_DIGEST_MD5, accts[i].aor, "contoso.onmicrosoft.com", "Pw-secret",
                       accts[i].ha1_md5);
        sip_digest_ha1(SIP_DIGEST_SHA256, accts[i].aor, "contoso.onmicrosoft.com", "Pw-secret",
                       accts[i].ha1_sha);
        t_ua_init(&ua[i], accts[i].aor, "Pw-secret");
    }
    sip_settings s = {.pools = t_pools,
                      .npools = 2,
                      .nonce_lifetime_s = 300,
                      .min_expires = 60,
                      .max_expires = 3600,
                      .default_expires = 3600};
    sip_provider p = {.lookup = hp_lookup, .domain_served = t_domain_served};
    sip_options o;
    memset(&o, 0, sizeof o);
    o.secret = "hot-path-secret";
    o.secret_len = 15;
    o.nc_slots = 1 << 16;
    sip_core *c = NULL;
    rs_err err;
    if (sip_core_new(&s, &p, &o, &c, &err) != RS_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    sip_recv_info ri = t_ri(0, "127.0.0.1", 5062);
    sip_reply rep;
    memset(&rep, 0, sizeof rep);
    int ok = 0;
    for (int i = 0; i < n; i++) {
        t_ua *u = &ua[i % naccts];
        sip_msg *r = t_ua_signin(c, &ri, u, &rep);
        ok += r->status_code == 200;
        sip_msg_free(r);
    }
    sip_reply_free(&rep);
    sip_core_free(c);
    free(ua);
    free(accts);
    printf("%d sign-ins, %d answered 200\n", n, ok);
    return ok == n ? 0 : 1;
}

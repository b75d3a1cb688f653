/* rs_config.c - INI configuration with strict validation (see rs_config.h). */
#include "rs_config.h"
#include "rs_util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

typedef struct load_ctx {
    rs_config *cfg;
    rs_err *err;
    int failed;
    char where[160];   /* "[section] key" being parsed, for messages */
    char section[128]; /* the section entries currently belong to */
} load_ctx;

/* Record the first error: fmt has up to two %s conversions. */
static int fail(load_ctx *c, const char *fmt, const char *a, const char *b)
{
    if (!c->failed) {
        char m[512];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        snprintf(m, sizeof m, fmt, a ? a : "", b ? b : "");
#pragma GCC diagnostic pop
        rs_errf(c->err, RS_EINVAL, "%s: %s: %s", c->cfg->path, c->where, m);
    }
    c->failed = 1;
    return 0;
}

static int parse_int(load_ctx *c, const char *key, const char *v, int min, int max, int *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *rs_trim(end) || n < min || n > max) {
        char range[64];
        snprintf(range, sizeof range, "%d..%d", min, max);
        return fail(c, "'%s' must be an integer in %s", key, range);
    }
    *out = (int)n;
    return 1;
}

static int parse_bool(load_ctx *c, const char *key, const char *v, int *out)
{
    if (rs_streq_ci(v, "true") || rs_streq_ci(v, "yes") || !strcmp(v, "1")) {
        *out = 1;
        return 1;
    }
    if (rs_streq_ci(v, "false") || rs_streq_ci(v, "no") || !strcmp(v, "0")) {
        *out = 0;
        return 1;
    }
    return fail(c, "'%s' must be true or false, not '%s'", key, v);
}

static void set_str(char **dst, const char *v)
{
    free(*dst);
    *dst = *v ? rs_strdup(v) : NULL;
}

/* "SKU:units, SKU:units" */
static int parse_subs(load_ctx *c, rs_tenant_conf *t, const char *v)
{
    char *copy = rs_strdup(v), *save = NULL;
    t->nsubs = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        tok = rs_trim(tok);
        if (!*tok)
            continue;
        char *colon = strchr(tok, ':');
        if (!colon || t->nsubs >= RS_MAX_SUBS) {
            free(copy);
            return fail(c, "subscriptions: expected SKU:units, got '%s'", tok, NULL);
        }
        *colon = '\0';
        rs_sub_conf *s = &t->subs[t->nsubs];
        if (!parse_int(c, "subscriptions", colon + 1, 0, 1000000000, &s->units)) {
            free(copy);
            return 0;
        }
        s->sku = rs_strdup(rs_trim(tok));
        t->nsubs++;
    }
    free(copy);
    return 1;
}

/* "127.0.0.1, ::1, 10.0.0.0/8, [2001:db8::]/32": at most 64 addresses or
 * ranges (the SIP core's limit); "" = none. */
static int valid_cidr_list(const char *v)
{
    char *copy = rs_strdup(v), *save = NULL;
    int ok = 1, n = 0;
    for (char *tok = strtok_r(copy, ",", &save); ok && tok; tok = strtok_r(NULL, ",", &save)) {
        tok = rs_trim(tok);
        if (!*tok)
            continue;
        char *slash = strchr(tok, '/'), *end = NULL;
        long bits = -1;
        if (slash) {
            *slash = '\0';
            bits = strtol(slash + 1, &end, 10);
            ok = slash[1] && !*end && bits >= 0;
        }
        size_t tl = strlen(tok);
        if (tl >= 2 && tok[0] == '[' && tok[tl - 1] == ']') {
            tok[tl - 1] = '\0';
            tok++;
        }
        unsigned char a[16];
        if (ok && inet_pton(AF_INET, tok, a) == 1)
            ok = bits <= 32;
        else if (ok && inet_pton(AF_INET6, tok, a) == 1)
            ok = bits <= 128;
        else
            ok = 0;
        ok = ok && ++n <= 64;
    }
    free(copy);
    return ok;
}

static int on_entry(void *user, const char *section, const char *name, const char *value);

/* Split a pool address list into out (numeric, no brackets); count or 0 when malformed. */
static int split_addresses(const char *v, char out[8][46])
{
    int n = 0;
    const char *p = v;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            return n;
        const char *e = p;
        while (*e && *e != ',' && *e != ' ' && *e != '\t')
            e++;
        size_t len = (size_t)(e - p);
        if (len >= 2 && p[0] == '[' && p[len - 1] == ']') {
            p++;
            len -= 2;
        }
        unsigned char bin[16];
        if (n == 8 || len == 0 || len >= 46)
            return 0;
        memcpy(out[n], p, len);
        out[n][len] = '\0';
        if (inet_pton(AF_INET, out[n], bin) != 1 && inet_pton(AF_INET6, out[n], bin) != 1)
            return 0;
        for (int i = 0; i < n; i++)
            if (!strcmp(out[i], out[n]))
                return 0;
        n++;
        p = e;
    }
}

static int addresses_ok(const char *v)
{
    char a[8][46];
    return split_addresses(v, a) > 0;
}

/* Two pools that share an address may not share a port of one protocol
 * (TCP and TLS both take TCP ports). */
static int pools_clash(const rs_pool_conf *x, const rs_pool_conf *y, char *why, size_t whysz)
{
    char ax[8][46], ay[8][46];
    int nx = split_addresses(x->address, ax), ny = split_addresses(y->address, ay);
    for (int i = 0; i < nx; i++)
        for (int j = 0; j < ny; j++) {
            if (strcmp(ax[i], ay[j]))
                continue;
            int tx[2] = {x->tcp_port, x->tls_port}, ty[2] = {y->tcp_port, y->tls_port};
            if (x->udp_port == y->udp_port) {
                snprintf(why, whysz, "udp port %d on %.45s", x->udp_port, ax[i]);
                return 1;
            }
            for (int a = 0; a < 2; a++)
                for (int b = 0; b < 2; b++)
                    if (tx[a] && tx[a] == ty[b]) {
                        snprintf(why, whysz, "tcp port %d on %.45s", tx[a], ax[i]);
                        return 1;
                    }
        }
    return 0;
}

static int on_entry(void *user, const char *section, const char *name, const char *value)
{
    load_ctx *c = user;
    rs_config *cfg = c->cfg;
    snprintf(c->where, sizeof c->where, "[%s]%s%s", section, name ? " " : "", name ? name : "");
    if (c->failed)
        return 0;
    /* Debian's libinih reports only keys: a section starts at its first key. */
    if (name && strcmp(section, c->section) != 0) {
        snprintf(c->section, sizeof c->section, "%s", section);
        if (!on_entry(user, section, NULL, NULL))
            return 0;
        snprintf(c->where, sizeof c->where, "[%s] %s", section, name);
    }
    if (!name) { /* a new section */
        if (!strncmp(section, "pool ", 5)) {
            if (cfg->npools >= RS_MAX_POOLS)
                return fail(c, "too many pools", NULL, NULL);
            rs_pool_conf *p = &cfg->pools[cfg->npools++];
            p->fqdn = rs_lower_dup(section + 5);
            p->udp_port = 5060;
            p->tcp_port = -1; /* unset: resolved after parsing */
            p->tls_port = -1;
            p->address = rs_strdup("127.0.0.1");
        } else if (!strncmp(section, "tenant ", 7)) {
            if (cfg->ntenants >= RS_MAX_TENANTS)
                return fail(c, "too many tenants", NULL, NULL);
            rs_tenant_conf *t = &cfg->tenants[cfg->ntenants++];
            t->domain = rs_lower_dup(section + 7);
            t->password_validity_days = 90;
            t->exchange_enabled = 1;
            t->conferencing_enabled = 1;
            t->country = rs_strdup("US");
        } else if (strcmp(section, "daemon") && strcmp(section, "https") &&
                   strcmp(section, "sip") && strcmp(section, "sync") &&
                   strcmp(section, "password")) {
            return fail(c, "unknown section [%s]", section, NULL);
        }
        return 1;
    }
    if (!strcmp(section, "daemon")) {
        if (!strcmp(name, "state_dir"))
            set_str(&cfg->state_dir, value);
        else if (!strcmp(name, "log_level")) {
            if (strcmp(value, "debug") && strcmp(value, "info") && strcmp(value, "warning") &&
                strcmp(value, "error"))
                return fail(c, "log_level must be debug, info, warning or error, not '%s'", value,
                            NULL);
            set_str(&cfg->log_level, value);
        } else if (!strcmp(name, "workers"))
            return parse_int(c, name, value, 1, 256, &cfg->workers);
        else if (!strcmp(name, "shutdown_grace_seconds"))
            return parse_int(c, name, value, 0, 300, &cfg->shutdown_grace_s);
        else
            return fail(c, "unknown key '%s' in [%s]", name, section);
    } else if (!strcmp(section, "https")) {
        if (!strcmp(name, "address"))
            set_str(&cfg->https_address, value);
        else if (!strcmp(name, "port"))
            return parse_int(c, name, value, 1, 65535, &cfg->https_port);
        else if (!strcmp(name, "cert_file"))
            set_str(&cfg->tls_cert_file, value);
        else if (!strcmp(name, "key_file"))
            set_str(&cfg->tls_key_file, value);
        else if (!strcmp(name, "threads"))
            return parse_int(c, name, value, 1, 256, &cfg->http_threads);
        else if (!strcmp(name, "token_lifetime_seconds"))
            return parse_int(c, name, value, 60, 86400 * 30, &cfg->token_lifetime_s);
        else if (!strcmp(name, "refresh_token_lifetime_seconds"))
            return parse_int(c, name, value, 300, 86400 * 90, &cfg->refresh_token_lifetime_s);
        else if (!strcmp(name, "portal_idle_timeout_seconds"))
            return parse_int(c, name, value, 1, 86400, &cfg->portal_idle_s);
        else if (!strcmp(name, "portal_absolute_timeout_seconds"))
            return parse_int(c, name, value, 1, 86400 * 7, &cfg->portal_absolute_s);
        else if (!strcmp(name, "oidc_key_rotation_days"))
            return parse_int(c, name, value, 0, 3650, &cfg->oidc_key_rotation_days);
        else if (!strcmp(name, "token_cache_entries"))
            return parse_int(c, name, value, 0, 1000000, &cfg->token_cache_entries);
        else if (!strcmp(name, "metrics_allow")) {
            if (!valid_cidr_list(value))
                return fail(c, "metrics_allow: expected addresses or CIDR ranges, not '%s'", value,
                            NULL);
            set_str(&cfg->metrics_allow, value);
        } else if (!strcmp(name, "max_connections"))
            return parse_int(c, name, value, 1, 1000000, &cfg->http_max_conn);
        else if (!strcmp(name, "max_connections_per_client"))
            return parse_int(c, name, value, 1, 1000000, &cfg->http_max_conn_per_ip);
        else if (!strcmp(name, "connection_timeout_seconds"))
            return parse_int(c, name, value, 1, 3600, &cfg->http_conn_timeout_s);
        else if (!strcmp(name, "max_header_count"))
            return parse_int(c, name, value, 8, 10000, &cfg->http_max_headers);
        else if (!strcmp(name, "max_header_bytes"))
            return parse_int(c, name, value, 4096, 1048576, &cfg->http_max_header_bytes);
        else
            return fail(c, "unknown key '%s' in [%s]", name, section);
    } else if (!strcmp(section, "sip")) {
        if (!strcmp(name, "nonce_lifetime_seconds"))
            return parse_int(c, name, value, 1, 3600, &cfg->sip_nonce_lifetime_s);
        else if (!strcmp(name, "min_expires"))
            return parse_int(c, name, value, 1, 86400, &cfg->sip_min_expires);
        else if (!strcmp(name, "max_expires"))
            return parse_int(c, name, value, 1, 86400 * 7, &cfg->sip_max_expires);
        else if (!strcmp(name, "default_expires"))
            return parse_int(c, name, value, 1, 86400 * 7, &cfg->sip_default_expires);
        else if (!strcmp(name, "digest_algorithms"))
            set_str(&cfg->sip_algorithms, value);
        else if (!strcmp(name, "tls_cert"))
            set_str(&cfg->sip_tls_cert, value);
        else if (!strcmp(name, "tls_key"))
            set_str(&cfg->sip_tls_key, value);
        else if (!strcmp(name, "max_connections_per_ip"))
            return parse_int(c, name, value, 1, 1000000, &cfg->sip_max_conn_per_ip);
        else if (!strcmp(name, "max_connections"))
            return parse_int(c, name, value, 1, 10000000, &cfg->sip_max_conn);
        else if (!strcmp(name, "idle_timeout_seconds"))
            return parse_int(c, name, value, 1, 86400 * 7, &cfg->sip_idle_timeout_s);
        else if (!strcmp(name, "unauthenticated_timeout_seconds"))
            return parse_int(c, name, value, 1, 3600, &cfg->sip_unauth_timeout_s);
        else if (!strcmp(name, "tls_handshake_timeout_seconds"))
            return parse_int(c, name, value, 1, 300, &cfg->sip_tls_handshake_s);
        else if (!strcmp(name, "udp_threads"))
            return parse_int(c, name, value, 1, 256, &cfg->sip_udp_threads);
        else if (!strcmp(name, "stream_threads"))
            return parse_int(c, name, value, 1, 256, &cfg->sip_stream_threads);
        else if (!strcmp(name, "rate_limit_requests"))
            return parse_int(c, name, value, 0, 1000000, &cfg->sip_rate_limit_requests);
        else if (!strcmp(name, "rate_limit_window_seconds"))
            return parse_int(c, name, value, 1, 3600, &cfg->sip_rate_limit_window_s);
        else if (!strcmp(name, "ban_seconds"))
            return parse_int(c, name, value, 1, 86400 * 7, &cfg->sip_ban_s);
        else if (!strcmp(name, "failure_ban_threshold"))
            return parse_int(c, name, value, 0, 1000000, &cfg->sip_failure_ban_threshold);
        else if (!strcmp(name, "failure_window_seconds"))
            return parse_int(c, name, value, 1, 86400, &cfg->sip_failure_window_s);
        else if (!strcmp(name, "rate_limit_exempt")) {
            if (!valid_cidr_list(value))
                return fail(c,
                            "rate_limit_exempt must be a comma-separated list of IPv4/IPv6 "
                            "addresses or CIDR ranges, not '%s'",
                            value, NULL);
            set_str(&cfg->sip_rate_limit_exempt, value);
        } else
            return fail(c, "unknown key '%s' in [%s]", name, section);
    } else if (!strcmp(section, "sync")) {
        if (!strcmp(name, "lag_seconds"))
            return parse_int(c, name, value, 0, 86400, &cfg->sync_lag_s);
        else
            return fail(c, "unknown key '%s' in [%s]", name, section);
    } else if (!strcmp(section, "password")) {
        if (!strcmp(name, "argon2_t_cost"))
            return parse_int(c, name, value, 1, 100, &cfg->argon2_t);
        else if (!strcmp(name, "argon2_m_cost_kib"))
            return parse_int(c, name, value, 8, 4 * 1024 * 1024, &cfg->argon2_m_kib);
        else if (!strcmp(name, "argon2_parallelism"))
            return parse_int(c, name, value, 1, 64, &cfg->argon2_p);
        else
            return fail(c, "unknown key '%s' in [%s]", name, section);
    } else if (!strncmp(section, "pool ", 5)) {
        rs_pool_conf *p = &cfg->pools[cfg->npools - 1];
        if (!strcmp(name, "address")) {
            if (!addresses_ok(value))
                return fail(c,
                            "address must be one to 8 IPv4/IPv6 literals, comma-separated, each "
                            "once (e.g. 127.0.0.1, ::1), not '%s'",
                            value, NULL);
            set_str(&p->address, value);
        } else if (!strcmp(name, "udp_port"))
            return parse_int(c, name, value, 1, 65535, &p->udp_port);
        else if (!strcmp(name, "tcp_port"))
            return parse_int(c, name, value, 0, 65535, &p->tcp_port);
        else if (!strcmp(name, "tls_port"))
            return parse_int(c, name, value, 0, 65535, &p->tls_port);
        else if (!strcmp(name, "backup"))
            set_str(&p->backup, value);
        else
            return fail(c, "unknown key '%s' in [%s]", name, section);
    } else if (!strncmp(section, "tenant ", 7)) {
        rs_tenant_conf *t = &cfg->tenants[cfg->ntenants - 1];
        if (!strcmp(name, "display_name"))
            set_str(&t->display_name, value);
        else if (!strcmp(name, "country"))
            set_str(&t->country, value);
        else if (!strcmp(name, "admin_upn"))
            set_str(&t->admin_upn, value);
        else if (!strcmp(name, "admin_password_file"))
            set_str(&t->admin_password_file, value);
        else if (!strcmp(name, "admin_password_env"))
            set_str(&t->admin_password_env, value);
        else if (!strcmp(name, "default_pool"))
            set_str(&t->default_pool, value);
        else if (!strcmp(name, "password_validity_days"))
            return parse_int(c, name, value, 0, 730, &t->password_validity_days);
        else if (!strcmp(name, "banned_passwords")) {
            /* Entra's custom list: up to 1000 terms of 4 to 16 characters */
            int n = 0;
            for (const char *p = value; *p;) {
                size_t len = strcspn(p, ",");
                while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
                    len--;
                const char *q = p;
                while (*q == ' ' || *q == '\t')
                    q++, len--;
                int ok = len >= 4 && len <= 16;
                for (size_t k = 0; ok && k < len; k++)
                    ok = q[k] > 0x20 && q[k] < 0x7f;
                if (!ok || ++n > 1000)
                    return fail(c,
                                "banned_passwords must be a comma-separated list of up to 1000 "
                                "terms of 4 to 16 printable characters, not '%s'",
                                value, NULL);
                p += strcspn(p, ",");
                if (*p)
                    p++;
            }
            set_str(&t->banned_passwords, value);
        } else if (!strcmp(name, "exchange_enabled"))
            return parse_bool(c, name, value, &t->exchange_enabled);
        else if (!strcmp(name, "conferencing_enabled"))
            return parse_bool(c, name, value, &t->conferencing_enabled);
        else if (!strcmp(name, "subscriptions"))
            return parse_subs(c, t, value);
        else
            return fail(c, "unknown key '%s' in [%s]", name, section);
    }
    return 1;
}

rs_status rs_config_load(const char *path, rs_config *out, rs_err *err)
{
    memset(out, 0, sizeof *out);
    out->path = rs_strdup(path);
    out->state_dir = rs_strdup("state");
    out->log_level = rs_strdup("info");
    out->https_address = rs_strdup("127.0.0.1");
    out->https_port = 8443;
    out->http_threads = 2;
    out->workers = 2;
    out->token_lifetime_s = 3600;
    out->refresh_token_lifetime_s = 86400 * 14;
    out->token_cache_entries = 16384;
    out->portal_idle_s = 1800;
    out->portal_absolute_s = 28800;
    out->oidc_key_rotation_days = 90;
    out->http_max_conn = 2048;
    out->http_max_conn_per_ip = 256;
    out->http_conn_timeout_s = 30;
    out->http_max_headers = 100;
    out->http_max_header_bytes = 32768;
    out->argon2_t = 2;
    out->argon2_m_kib = 19456;
    out->argon2_p = 1;
    out->sip_nonce_lifetime_s = 300;
    out->sip_min_expires = 60;
    out->sip_max_expires = 3600;
    out->sip_default_expires = 3600;
    out->sip_algorithms = rs_strdup("MD5,SHA-256");
    out->sip_rate_limit_requests = 1000;
    out->sip_rate_limit_window_s = 10;
    out->sip_ban_s = 300;
    out->sip_failure_ban_threshold = 100;
    out->sip_failure_window_s = 600;
    out->sip_rate_limit_exempt = rs_strdup("127.0.0.1, ::1");

    FILE *f = fopen(path, "r");
    if (!f) {
        rs_errf(err, RS_EIO, "cannot open config file %s: %s", path, strerror(errno));
        rs_config_free(out);
        return RS_EIO;
    }
    load_ctx c = {out, err, 0, "", ""};
    int rc = ini_parse_file(f, on_entry, &c);
    fclose(f);
    if (!c.failed && rc != 0)
        rs_errf(err, RS_EINVAL, "%s:%d: syntax error (expected [section] or key = value)", path,
                rc);
    if (c.failed || rc != 0)
        goto bad;
    /* cross checks */
    for (int i = 0; i < out->ntenants; i++) {
        rs_tenant_conf *t = &out->tenants[i];
        if (!t->admin_upn) {
            rs_errf(err, RS_EINVAL, "%s: [tenant %s] needs admin_upn", path, t->domain);
            goto bad;
        }
        if (!t->admin_password_file && !t->admin_password_env) {
            rs_errf(err, RS_EINVAL,
                    "%s: [tenant %s] needs admin_password_file or admin_password_env", path,
                    t->domain);
            goto bad;
        }
        if (!t->default_pool || !rs_config_pool(out, t->default_pool)) {
            rs_errf(err, RS_EINVAL, "%s: [tenant %s] default_pool '%s' is not a configured [pool]",
                    path, t->domain, t->default_pool ? t->default_pool : "");
            goto bad;
        }
        if (!t->display_name)
            t->display_name = rs_strdup(t->domain);
    }
    for (int i = 0; i < out->npools; i++) {
        rs_pool_conf *p = &out->pools[i];
        if (p->tcp_port < 0)
            p->tcp_port = p->udp_port;
        if (p->tls_port < 0)
            p->tls_port = p->udp_port < 65535 ? p->udp_port + 1 : 0;
        if (p->tcp_port && p->tcp_port == p->tls_port) {
            rs_errf(err, RS_EINVAL, "%s: [pool %s] tcp_port and tls_port are both %d", path,
                    p->fqdn, p->tcp_port);
            goto bad;
        }
        for (int j = 0; j < i; j++) {
            char why[128];
            if (pools_clash(&out->pools[j], p, why, sizeof why)) {
                rs_errf(err, RS_EINVAL, "%s: [pool %s] and [pool %s] both listen on %s", path,
                        out->pools[j].fqdn, p->fqdn, why);
                goto bad;
            }
        }
    }
    if ((out->sip_tls_cert != NULL) != (out->sip_tls_key != NULL)) {
        rs_errf(err, RS_EINVAL, "%s: [sip] tls_cert and tls_key must be set together", path);
        goto bad;
    }
    if (out->portal_idle_s > out->portal_absolute_s) {
        rs_errf(err, RS_EINVAL,
                "%s: [https] portal_idle_timeout_seconds is above portal_absolute_timeout_seconds",
                path);
        goto bad;
    }
    if (out->sip_min_expires > out->sip_max_expires) {
        rs_errf(err, RS_EINVAL, "%s: [sip] min_expires is above max_expires", path);
        goto bad;
    }
    return RS_OK;
bad:
    rs_config_free(out);
    return err ? err->code : RS_EINVAL;
}

void rs_config_free(rs_config *cfg)
{
    free(cfg->path);
    free(cfg->state_dir);
    free(cfg->log_level);
    free(cfg->https_address);
    free(cfg->tls_cert_file);
    free(cfg->tls_key_file);
    free(cfg->metrics_allow);
    free(cfg->sip_algorithms);
    free(cfg->sip_rate_limit_exempt);
    free(cfg->sip_tls_cert);
    free(cfg->sip_tls_key);
    for (int i = 0; i < cfg->npools; i++) {
        free(cfg->pools[i].fqdn);
        free(cfg->pools[i].address);
        free(cfg->pools[i].backup);
    }
    for (int i = 0; i < cfg->ntenants; i++) {
        rs_tenant_conf *t = &cfg->tenants[i];
        free(t->domain);
        free(t->display_name);
        free(t->country);
        free(t->admin_upn);
        free(t->admin_password_file);
        free(t->admin_password_env);
        free(t->default_pool);
        free(t->banned_passwords);
        for (int j = 0; j < t->nsubs; j++)
            free(t->subs[j].sku);
    }
    memset(cfg, 0, sizeof *cfg);
}

const rs_pool_conf *rs_config_pool(const rs_config *cfg, const char *fqdn)
{
    for (int i = 0; i < cfg->npools; i++)
        if (rs_streq_ci(cfg->pools[i].fqdn, fqdn))
            return &cfg->pools[i];
    return NULL;
}

/* rs_config.h - roomsysd's configuration file (INI, parsed with libinih).
 *
 * Strict: an unknown section or key, a malformed number or a missing required
 * value is an error naming the file and line; nothing is half-applied.
 * The commented example is etc/roomsysd.conf.example.
 */
#ifndef RS_CONFIG_H
#define RS_CONFIG_H

#include "rs_err.h"

#define RS_MAX_POOLS   16
#define RS_MAX_TENANTS 16
#define RS_MAX_SUBS    32

typedef struct rs_pool_conf {
    char *fqdn;    /* pool FQDN, e.g. sippoolbl20a04.infra.lync.com */
    char *address; /* IP address to listen on for this pool */
    int udp_port;  /* SIP UDP port */
    char *backup;  /* FQDN of the backup pool, or NULL */
    /* address may list several IPv4/IPv6 literals: "127.0.0.1, ::1" */
    int tcp_port; /* SIP TCP port, 0 = none; default: udp_port */
    int tls_port; /* SIP TLS port, 0 = none; default: udp_port + 1 (5061) */
} rs_pool_conf;

typedef struct rs_sub_conf {
    char *sku; /* SkuPartNumber */
    int units; /* ActiveUnits (seats) */
} rs_sub_conf;

typedef struct rs_tenant_conf {
    char *domain; /* initial domain, e.g. contoso.onmicrosoft.com */
    char *display_name;
    char *country; /* CountryAbbreviation, ISO 3166-1 alpha-2 */
    char *admin_upn;
    char *admin_password_file;  /* file holding the admin's initial password */
    char *admin_password_env;   /* or the name of an environment variable */
    char *default_pool;         /* pool FQDN new users are homed on */
    int password_validity_days; /* 0 = never expires; default 90 */
    char *banned_passwords;     /* the tenant's own banned terms, comma-separated, or NULL */
    int exchange_enabled;       /* 1/0 */
    int conferencing_enabled;   /* 1/0 */
    rs_sub_conf subs[RS_MAX_SUBS];
    int nsubs;
} rs_tenant_conf;

typedef struct rs_config {
    char *path;           /* the file this came from */
    char *state_dir;      /* created on first start */
    char *log_level;      /* debug, info, warning, error */
    int shutdown_grace_s; /* SIGTERM: /readyz 503 this long before draining (0) */
    char *https_address;
    int https_port;
    char *tls_cert_file; /* NULL: self-signed, made on first start in state_dir/tls */
    char *tls_key_file;
    int http_threads;             /* libmicrohttpd thread pool size */
    char *metrics_allow;          /* CIDRs that may GET /metrics; NULL: everybody */
    int http_max_conn;            /* connections in total (2048) */
    int http_max_conn_per_ip;     /* connections per client address (256) */
    int http_conn_timeout_s;      /* idle/slow connection cut after this (30) */
    int http_max_headers;         /* request header lines; 431 beyond (100) */
    int http_max_header_bytes;    /* connection memory: request line + headers (32768) */
    int workers;                  /* cmdlet worker threads (password hashing, store) */
    int token_lifetime_s;         /* admin session token lifetime */
    int refresh_token_lifetime_s; /* OAuth2 refresh token lifetime (inactivity) */
    int token_cache_entries;      /* bearer-token checks kept in memory; 0 = no cache */
    int portal_idle_s;            /* portal session ends this long after its last use (1800) */
    int portal_absolute_s;        /* ... and this long after sign-in, whatever its use (28800) */
    int oidc_key_rotation_days;   /* OIDC signing key replaced at this age; 0 = never (90) */
    int sync_lag_s;               /* directory sync lag: 0 = immediate */
    int argon2_t, argon2_m_kib, argon2_p;
    int sip_nonce_lifetime_s;
    int sip_min_expires, sip_max_expires, sip_default_expires;
    char *sip_algorithms; /* digest algorithms offered, in order: "MD5,SHA-256" */
    char *sip_tls_cert;   /* SIP-TLS certificate/key files; NULL: the HTTPS one */
    char *sip_tls_key;
    int sip_max_conn_per_ip;  /* TCP+TLS connections per source IP (1024) */
    int sip_max_conn;         /* TCP+TLS connections in total (65536) */
    int sip_idle_timeout_s;   /* 0: max_expires + 5 */
    int sip_unauth_timeout_s; /* idle limit before the first 2xx REGISTER (30) */
    int sip_tls_handshake_s;  /* TLS handshake limit (10) */
    int sip_udp_threads;      /* 0: online CPUs */
    int sip_stream_threads;   /* 0: online CPUs */
    rs_pool_conf pools[RS_MAX_POOLS];
    int npools;
    rs_tenant_conf tenants[RS_MAX_TENANTS];
    int ntenants;
    /* [sip] flood protection (sign-in.md §7, docs/internals/sip.md) */
    int sip_rate_limit_requests;   /* per source per window; 0 = off (default 1000) */
    int sip_rate_limit_window_s;   /* default 10 */
    int sip_ban_s;                 /* default 300 */
    int sip_failure_ban_threshold; /* failed digests per source per window; 0 = off (100) */
    int sip_failure_window_s;      /* default 600 */
    char *sip_rate_limit_exempt;   /* CIDR list never limited (default "127.0.0.1, ::1") */
} rs_config;

/* Load `path` into *out (zeroed first, defaults applied). On error *out is
 * freed and err names the line. The caller frees with rs_config_free. */
rs_status rs_config_load(const char *path, rs_config *out, rs_err *err);
void rs_config_free(rs_config *cfg);

/* Find a configured pool by FQDN (case-insensitive); NULL if none. Borrowed. */
const rs_pool_conf *rs_config_pool(const rs_config *cfg, const char *fqdn);

#endif

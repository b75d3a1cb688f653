/* daemon_ops.c - sd_notify, configuration checks, reload bookkeeping (see
 * daemon_ops.h). */
#include "daemon_ops.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../api/api.h"
#include "../api/api_internal.h"
#include "../base/rs_log.h"
#include "../base/rs_util.h"

int rs_sd_notify(const char *state)
{
    const char *path = getenv("NOTIFY_SOCKET");
    if (!path || !*path)
        return 0;
    size_t plen = strlen(path);
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    if ((path[0] != '/' && path[0] != '@') || plen >= sizeof sa.sun_path)
        return -1;
    memcpy(sa.sun_path, path, plen);
    if (path[0] == '@')
        sa.sun_path[0] = '\0'; /* abstract namespace */
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    socklen_t sl = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen);
    ssize_t n = sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, sl);
    close(fd);
    return n == (ssize_t)strlen(state) ? 1 : -1;
}

int rs_sd_notifyf(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    vsnprintf(buf, sizeof buf, fmt, ap);
#pragma GCC diagnostic pop
    va_end(ap);
    return rs_sd_notify(buf);
}

int rs_sd_notify_reloading(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    unsigned long long us =
        (unsigned long long)t.tv_sec * 1000000ull + (unsigned long long)t.tv_nsec / 1000ull;
    return rs_sd_notifyf("RELOADING=1\nMONOTONIC_USEC=%llu", us);
}

static rs_status check_pair(const char *what, const char *cert, const char *key, rs_err *err)
{
    if ((cert && *cert) != (key && *key))
        return rs_errf(err, RS_EINVAL, "%s: the certificate and the key must be set together",
                       what);
    if (!cert || !*cert)
        return RS_OK;
    char *c = NULL, *k = NULL;
    rs_err e;
    rs_err_clear(&e);
    rs_status st = api_tls_ensure_ex(NULL, cert, key, NULL, &c, &k, NULL, &e);
    free(c);
    if (k) {
        rs_wipe(k, strlen(k));
        free(k);
    }
    if (st != RS_OK)
        return rs_errf(err, RS_EINVAL, "%s (%s, %s): %s", what, cert, key, e.msg);
    return RS_OK;
}

rs_status rs_config_check_files(const rs_config *cfg, rs_err *err)
{
    rs_status st =
        check_pair("[https] cert_file/key_file", cfg->tls_cert_file, cfg->tls_key_file, err);
    if (st == RS_OK)
        st = check_pair("[sip] tls_cert/tls_key", cfg->sip_tls_cert, cfg->sip_tls_key, err);
    if (st != RS_OK)
        return st;
    const char *dir = cfg->state_dir;
    struct stat sb;
    if (stat(dir, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode))
            return rs_errf(err, RS_EINVAL, "[daemon] state_dir %s is not a directory", dir);
        if (access(dir, R_OK | W_OK | X_OK) != 0)
            return rs_errf(err, RS_EINVAL, "[daemon] state_dir %s is not writable: %s", dir,
                           strerror(errno));
        return RS_OK;
    }
    if (errno != ENOENT)
        return rs_errf(err, RS_EINVAL, "[daemon] state_dir %s: %s", dir, strerror(errno));
    /* made on first start: its parent must let us */
    char *parent = rs_strdup(dir);
    char *slash = strrchr(parent, '/');
    if (!slash)
        snprintf(parent, strlen(parent) + 1, ".");
    else if (slash == parent)
        slash[1] = '\0';
    else
        *slash = '\0';
    int ok = access(parent, W_OK | X_OK) == 0;
    int e = errno;
    if (!ok)
        rs_errf(err, RS_EINVAL,
                "[daemon] state_dir %s does not exist and cannot be created in %s: %s", dir, parent,
                strerror(e));
    free(parent);
    return ok ? RS_OK : RS_EINVAL;
}

static int str_differs(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") != 0;
}

int rs_config_log_restart_needed(const rs_config *a, const rs_config *b)
{
    int n = 0;
#define RESTART_STR(field, key)                                                                    \
    if (str_differs(a->field, b->field)) {                                                         \
        rs_log(RS_LOG_WARNING, NULL, "reload: %s changed; it takes effect after a restart", key);  \
        n++;                                                                                       \
    }
#define RESTART_INT(field, key)                                                                    \
    if (a->field != b->field) {                                                                    \
        rs_log(RS_LOG_WARNING, NULL, "reload: %s changed; it takes effect after a restart", key);  \
        n++;                                                                                       \
    }
    RESTART_STR(state_dir, "[daemon] state_dir")
    RESTART_INT(workers, "[daemon] workers")
    RESTART_INT(shutdown_grace_s, "[daemon] shutdown_grace_seconds")
    RESTART_STR(https_address, "[https] address")
    RESTART_INT(https_port, "[https] port")
    RESTART_INT(http_threads, "[https] threads")
    RESTART_INT(http_max_conn, "[https] max_connections")
    RESTART_INT(http_max_conn_per_ip, "[https] max_connections_per_client")
    RESTART_INT(http_conn_timeout_s, "[https] connection_timeout_seconds")
    RESTART_INT(http_max_header_bytes, "[https] max_header_bytes")
    RESTART_INT(token_lifetime_s, "[https] token_lifetime_seconds")
    RESTART_INT(token_cache_entries, "[https] token_cache_entries")
    RESTART_INT(portal_idle_s, "[https] portal_idle_timeout_seconds")
    RESTART_INT(portal_absolute_s, "[https] portal_absolute_timeout_seconds")
    RESTART_INT(oidc_key_rotation_days, "[https] oidc_key_rotation_days")
    RESTART_INT(sync_lag_s, "[sync] lag_seconds")
    RESTART_INT(sip_nonce_lifetime_s, "[sip] nonce_lifetime_seconds")
    RESTART_INT(sip_min_expires, "[sip] min_expires")
    RESTART_INT(sip_max_expires, "[sip] max_expires")
    RESTART_INT(sip_default_expires, "[sip] default_expires")
    RESTART_STR(sip_algorithms, "[sip] digest_algorithms")
    RESTART_INT(sip_max_conn_per_ip, "[sip] max_connections_per_ip")
    RESTART_INT(sip_max_conn, "[sip] max_connections")
    RESTART_INT(sip_rate_limit_requests, "[sip] rate_limit_requests")
    RESTART_INT(sip_ban_s, "[sip] ban_seconds")
    RESTART_STR(sip_rate_limit_exempt, "[sip] rate_limit_exempt")
    RESTART_INT(npools, "the number of [pool ...] sections")
    for (int i = 0; i < a->npools && i < b->npools; i++) {
        RESTART_STR(pools[i].fqdn, "a [pool] FQDN")
        RESTART_STR(pools[i].address, "a [pool] address")
        RESTART_INT(pools[i].udp_port, "a [pool] udp_port")
        RESTART_INT(pools[i].tcp_port, "a [pool] tcp_port")
        RESTART_INT(pools[i].tls_port, "a [pool] tls_port")
    }
    RESTART_INT(ntenants, "the number of [tenant ...] sections")
#undef RESTART_STR
#undef RESTART_INT
    return n;
}

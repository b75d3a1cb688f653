/* tls.c - the HTTPS certificate: load the configured one, or make and keep a
 * self-signed one in <state_dir>/tls (see api.h, api_tls_ensure). GnuTLS only. */
#include "api.h"
#include "api_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rs_log.h"
#include "rs_util.h"

#define PEM_MAX        (1024 * 1024)
#define VALIDITY_DAYS  825
#define RENEW_BEFORE_S (30 * 86400)
#define BACKDATE_S     300

rs_status api_file_read(const char *path, bool nofollow, char **out, rs_err *err)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0));
    if (fd < 0)
        return rs_errf(err, errno == ENOENT ? RS_ENOTFOUND : RS_EIO, "cannot open %s: %s", path,
                       strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > PEM_MAX) {
        close(fd);
        return rs_errf(err, RS_EIO, "%s is not a regular file of at most %d bytes", path, PEM_MAX);
    }
    size_t cap = (size_t)st.st_size + 1, len = 0;
    char *buf = rs_malloc(cap);
    for (;;) {
        if (len + 1 >= cap) {
            if (cap > PEM_MAX) {
                rs_wipe(buf, len);
                free(buf);
                close(fd);
                return rs_errf(err, RS_EIO, "%s is larger than %d bytes", path, PEM_MAX);
            }
            cap *= 2;
            buf = rs_realloc(buf, cap);
        }
        ssize_t n = read(fd, buf + len, cap - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            rs_wipe(buf, len);
            free(buf);
            close(fd);
            return rs_errf(err, RS_EIO, "cannot read %s: %s", path, strerror(e));
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    buf[len] = '\0';
    *out = buf;
    return RS_OK;
}

rs_status api_file_write_atomic(const char *path, const char *data, size_t len, mode_t mode,
                                rs_err *err)
{
    char *tmp = rs_asprintf("%s.tmp", path);
    unlink(tmp);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0) {
        rs_status st = rs_errf(err, RS_EIO, "cannot create %s: %s", tmp, strerror(errno));
        free(tmp);
        return st;
    }
    rs_status st = RS_OK;
    if (fchmod(fd, mode) != 0)
        st = rs_errf(err, RS_EIO, "cannot chmod %s: %s", tmp, strerror(errno));
    size_t off = 0;
    while (st == RS_OK && off < len) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            st = rs_errf(err, RS_EIO, "cannot write %s: %s", tmp, strerror(errno));
        else
            off += (size_t)n;
    }
    if (st == RS_OK && fsync(fd) != 0)
        st = rs_errf(err, RS_EIO, "cannot sync %s: %s", tmp, strerror(errno));
    if (close(fd) != 0 && st == RS_OK)
        st = rs_errf(err, RS_EIO, "cannot close %s: %s", tmp, strerror(errno));
    if (st == RS_OK && rename(tmp, path) != 0)
        st = rs_errf(err, RS_EIO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
    if (st != RS_OK)
        unlink(tmp);
    free(tmp);
    return st;
}

void api_dir_sync(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

/* mkdir -p with mode for each created component. */
static rs_status make_dirs(const char *path, mode_t mode, rs_err *err)
{
    char *p = rs_strdup(path);
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        p[--n] = '\0';
    for (char *s = p + 1;; s++) {
        bool end = *s == '\0';
        if (*s == '/' || end) {
            char saved = *s;
            *s = '\0';
            if (mkdir(p, mode) != 0 && errno != EEXIST) {
                rs_status st =
                    rs_errf(err, RS_EIO, "cannot create directory %s: %s", p, strerror(errno));
                free(p);
                return st;
            }
            *s = saved;
        }
        if (end)
            break;
    }
    struct stat st;
    if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
        rs_status rc = rs_errf(err, RS_EIO, "%s is not a directory", p);
        free(p);
        return rc;
    }
    free(p);
    return RS_OK;
}

/* Parse the pair as MHD will (GnuTLS checks that the key matches the
 * certificate) and report the certificate's expiry. */
static rs_status check_pair(const char *cert_pem, const char *key_pem, time_t *expires, rs_err *err)
{
    gnutls_certificate_credentials_t cred;
    if (gnutls_certificate_allocate_credentials(&cred) < 0)
        return rs_errf(err, RS_ENOMEM, "cannot allocate TLS credentials");
    gnutls_datum_t c = {(unsigned char *)cert_pem, (unsigned)strlen(cert_pem)};
    gnutls_datum_t k = {(unsigned char *)key_pem, (unsigned)strlen(key_pem)};
    int rc = gnutls_certificate_set_x509_key_mem2(cred, &c, &k, GNUTLS_X509_FMT_PEM, NULL, 0);
    gnutls_certificate_free_credentials(cred);
    if (rc < 0)
        return rs_errf(err, RS_EINVAL, "the TLS certificate and key cannot be used: %s",
                       gnutls_strerror(rc));
    gnutls_x509_crt_t crt;
    gnutls_x509_crt_init(&crt);
    rc = gnutls_x509_crt_import(crt, &c, GNUTLS_X509_FMT_PEM);
    if (rc < 0) {
        gnutls_x509_crt_deinit(crt);
        return rs_errf(err, RS_EINVAL, "the TLS certificate cannot be parsed: %s",
                       gnutls_strerror(rc));
    }
    *expires = gnutls_x509_crt_get_expiration_time(crt);
    gnutls_x509_crt_deinit(crt);
    return RS_OK;
}

static bool dns_name_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 253 || s[0] == '-' || s[0] == '.' || s[n - 1] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.'))
            return false;
        if (c == '.' && s[i + 1] == '.')
            return false;
    }
    return true;
}

typedef struct san_ctx {
    gnutls_x509_crt_t crt;
    unsigned flags; /* GNUTLS_FSAN_SET for the first, then APPEND */
    int rc;
    char seen[16][256];
    int nseen;
} san_ctx;

static void san_add(san_ctx *s, const char *name)
{
    if (s->rc < 0 || !name || !*name || s->nseen == 16)
        return;
    for (int i = 0; i < s->nseen; i++)
        if (rs_streq_ci(s->seen[i], name))
            return;
    unsigned char ip[16];
    int rc;
    if (inet_pton(AF_INET, name, ip) == 1) {
        if (memcmp(ip, "\0\0\0\0", 4) == 0)
            return; /* 0.0.0.0: bind-all, not an address */
        rc = gnutls_x509_crt_set_subject_alt_name(s->crt, GNUTLS_SAN_IPADDRESS, ip, 4, s->flags);
    } else if (inet_pton(AF_INET6, name, ip) == 1) {
        static const unsigned char any6[16];
        if (memcmp(ip, any6, 16) == 0)
            return;
        rc = gnutls_x509_crt_set_subject_alt_name(s->crt, GNUTLS_SAN_IPADDRESS, ip, 16, s->flags);
    } else if (dns_name_ok(name)) {
        rc = gnutls_x509_crt_set_subject_alt_name(s->crt, GNUTLS_SAN_DNSNAME, name,
                                                  (unsigned)strlen(name), s->flags);
    } else {
        return;
    }
    if (rc < 0) {
        s->rc = rc;
        return;
    }
    s->flags = GNUTLS_FSAN_APPEND;
    snprintf(s->seen[s->nseen++], sizeof s->seen[0], "%s", name);
}

/* Copy a gnutls datum into a NUL-terminated malloc'd string, wiping and
 * freeing the datum. */
static char *take_datum(gnutls_datum_t *d)
{
    char *s = rs_strndup((const char *)d->data, d->size);
    rs_wipe(d->data, d->size);
    gnutls_free(d->data);
    d->data = NULL;
    d->size = 0;
    return s;
}

#define GT(call)                                                                                   \
    do {                                                                                           \
        rc = (call);                                                                               \
        if (rc < 0) {                                                                              \
            what = #call;                                                                          \
            goto fail;                                                                             \
        }                                                                                          \
    } while (0)

/* Generate a self-signed ECDSA P-256 certificate; PEM outputs malloc'd. */
static rs_status generate(const char *const *extra_names, char **cert_pem, char **key_pem,
                          rs_err *err)
{
    gnutls_x509_privkey_t key = NULL;
    gnutls_x509_crt_t crt = NULL;
    gnutls_datum_t d = {NULL, 0};
    const char *what = "";
    int rc;
    *cert_pem = *key_pem = NULL;

    GT(gnutls_x509_privkey_init(&key));
    GT(gnutls_x509_privkey_generate2(key, GNUTLS_PK_ECDSA,
                                     GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0, NULL, 0));
    GT(gnutls_x509_crt_init(&crt));
    GT(gnutls_x509_crt_set_version(crt, 3));
    unsigned char serial[16];
    rs_random(serial, sizeof serial);
    serial[0] = (unsigned char)((serial[0] & 0x3f) | 0x40); /* positive, no leading zero */
    GT(gnutls_x509_crt_set_serial(crt, serial, sizeof serial));
    time_t now = time(NULL);
    GT(gnutls_x509_crt_set_activation_time(crt, now - BACKDATE_S));
    GT(gnutls_x509_crt_set_expiration_time(crt, now + (time_t)VALIDITY_DAYS * 86400));
    GT(gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, "roomsysd", 8));
    GT(gnutls_x509_crt_set_key(crt, key));

    san_ctx san = {.crt = crt, .flags = GNUTLS_FSAN_SET};
    san_add(&san, "127.0.0.1");
    san_add(&san, "::1");
    san_add(&san, "localhost");
    char host[256];
    if (gethostname(host, sizeof host) == 0) {
        host[sizeof host - 1] = '\0';
        san_add(&san, host);
    }
    for (size_t i = 0; extra_names && extra_names[i]; i++)
        san_add(&san, extra_names[i]);
    GT(san.rc);

    GT(gnutls_x509_crt_set_basic_constraints(crt, 1, -1));
    GT(gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_CERT_SIGN));
    GT(gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0));
    unsigned char kid[64];
    size_t kidlen = sizeof kid;
    GT(gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA1, kid, &kidlen));
    GT(gnutls_x509_crt_set_subject_key_id(crt, kid, kidlen));
    GT(gnutls_x509_crt_set_authority_key_id(crt, kid, kidlen));
    GT(gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0));

    GT(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &d));
    *cert_pem = take_datum(&d);
    GT(gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN, &d));
    *key_pem = take_datum(&d);
    gnutls_x509_crt_deinit(crt);
    gnutls_x509_privkey_deinit(key);
    return RS_OK;
fail:
    if (crt)
        gnutls_x509_crt_deinit(crt);
    if (key)
        gnutls_x509_privkey_deinit(key);
    free(*cert_pem);
    *cert_pem = NULL;
    return rs_errf(err, RS_EINTERNAL, "cannot generate the TLS certificate (%s): %s", what,
                   gnutls_strerror(rc));
}

static void free_key(char *key_pem)
{
    if (key_pem) {
        rs_wipe(key_pem, strlen(key_pem));
        free(key_pem);
    }
}

/* Hand the results to the caller's pointers (each may be NULL). */
static rs_status deliver(char *cert_pem, char *key_pem, const char *cert_path, char **out_cert_pem,
                         char **out_key_pem, char **out_cert_path)
{
    if (out_cert_pem)
        *out_cert_pem = cert_pem;
    else
        free(cert_pem);
    if (out_key_pem)
        *out_key_pem = key_pem;
    else
        free_key(key_pem);
    if (out_cert_path)
        *out_cert_path = rs_strdup(cert_path);
    return RS_OK;
}

/* Load an existing generated pair; false (with the reason in why) when it is
 * missing, unusable or about to expire and must be regenerated. */
static bool load_existing(const char *cert_path, const char *key_path, char **cert_pem,
                          char **key_pem, char *why, size_t whysz)
{
    rs_err e;
    rs_err_clear(&e);
    *cert_pem = *key_pem = NULL;
    if (api_file_read(cert_path, false, cert_pem, &e) != RS_OK ||
        api_file_read(key_path, false, key_pem, &e) != RS_OK) {
        snprintf(why, whysz, "%s", e.msg);
        goto bad;
    }
    time_t expires = 0;
    if (check_pair(*cert_pem, *key_pem, &expires, &e) != RS_OK) {
        snprintf(why, whysz, "%s", e.msg);
        goto bad;
    }
    if (expires < time(NULL) + RENEW_BEFORE_S) {
        snprintf(why, whysz, "the certificate expires within %d days", RENEW_BEFORE_S / 86400);
        goto bad;
    }
    struct stat st;
    if (stat(key_path, &st) == 0 && (st.st_mode & 077) != 0) {
        rs_log(RS_LOG_WARNING, NULL, "%s was readable by others; setting mode 0600", key_path);
        (void)chmod(key_path, 0600);
    }
    return true;
bad:
    free(*cert_pem);
    free_key(*key_pem);
    *cert_pem = *key_pem = NULL;
    return false;
}

rs_status api_tls_ensure_ex(const char *state_dir, const char *cert_file, const char *key_file,
                            const char *const *extra_names, char **out_cert_pem, char **out_key_pem,
                            char **out_cert_path, rs_err *err)
{
    if (out_cert_pem)
        *out_cert_pem = NULL;
    if (out_key_pem)
        *out_key_pem = NULL;
    if (out_cert_path)
        *out_cert_path = NULL;
    char *cert_pem = NULL, *key_pem = NULL;
    rs_status st;

    if ((cert_file && *cert_file) != (key_file && *key_file))
        return rs_errf(err, RS_EINVAL, "tls_cert_file and tls_key_file must be set together");
    if (cert_file && *cert_file) {
        if ((st = api_file_read(cert_file, false, &cert_pem, err)) != RS_OK)
            return st;
        if ((st = api_file_read(key_file, false, &key_pem, err)) != RS_OK) {
            free(cert_pem);
            return st;
        }
        time_t expires = 0;
        if ((st = check_pair(cert_pem, key_pem, &expires, err)) != RS_OK) {
            free(cert_pem);
            free_key(key_pem);
            return st;
        }
        if (expires < time(NULL))
            rs_log(RS_LOG_WARNING, NULL, "the TLS certificate %s has expired", cert_file);
        return deliver(cert_pem, key_pem, cert_file, out_cert_pem, out_key_pem, out_cert_path);
    }

    if (!state_dir || !*state_dir)
        return rs_errf(err, RS_EINVAL, "no state directory for the self-signed TLS certificate");
    char *dir = rs_asprintf("%s/tls", state_dir);
    char *cert_path = rs_asprintf("%s/cert.pem", dir);
    char *key_path = rs_asprintf("%s/key.pem", dir);
    if ((st = make_dirs(dir, 0700, err)) != RS_OK)
        goto out;
    (void)chmod(dir, 0700);

    char why[sizeof(((rs_err *)0)->msg)] = "";
    bool have_cert = access(cert_path, F_OK) == 0, have_key = access(key_path, F_OK) == 0;
    if ((have_cert || have_key) &&
        load_existing(cert_path, key_path, &cert_pem, &key_pem, why, sizeof why)) {
        st = deliver(cert_pem, key_pem, cert_path, out_cert_pem, out_key_pem, out_cert_path);
        goto out;
    }
    if (have_cert || have_key)
        rs_log(RS_LOG_WARNING, NULL, "regenerating the self-signed TLS certificate in %s: %s", dir,
               why);
    if ((st = generate(extra_names, &cert_pem, &key_pem, err)) != RS_OK)
        goto out;
    /* The key first: a present cert.pem then always has its key.pem. */
    if ((st = api_file_write_atomic(key_path, key_pem, strlen(key_pem), 0600, err)) != RS_OK ||
        (st = api_file_write_atomic(cert_path, cert_pem, strlen(cert_pem), 0644, err)) != RS_OK) {
        free(cert_pem);
        free_key(key_pem);
        goto out;
    }
    api_dir_sync(dir);
    rs_log(RS_LOG_INFO, NULL,
           "created a self-signed TLS certificate %s (trust it with curl --cacert "
           "or NODE_EXTRA_CA_CERTS)",
           cert_path);
    st = deliver(cert_pem, key_pem, cert_path, out_cert_pem, out_key_pem, out_cert_path);
out:
    free(dir);
    free(cert_path);
    free(key_path);
    return st;
}

rs_status api_tls_ensure(const char *state_dir, const char *cert_file, const char *key_file,
                         char **out_cert_pem, char **out_key_pem, char **out_cert_path, rs_err *err)
{
    return api_tls_ensure_ex(state_dir, cert_file, key_file, NULL, out_cert_pem, out_key_pem,
                             out_cert_path, err);
}

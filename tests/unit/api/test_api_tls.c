/* test_api_tls.c - api_tls_ensure: generation, file modes, reuse, regeneration,
 * configured files; the certificate is checked with GnuTLS. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "api_internal.h"
#include "rs_util.h"

static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/rs_api_tls_XXXXXX", base && *base ? base : "/tmp");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static void rm(const char *dir, const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    unlink(p);
    rmdir(p);
}

static int teardown(void **state)
{
    (void)state;
    char tls[300];
    snprintf(tls, sizeof tls, "%s/tls", tmpdir);
    rm(tls, "cert.pem");
    rm(tls, "key.pem");
    rm(tmpdir, "tls");
    rm(tmpdir, "state/tls/cert.pem");
    rm(tmpdir, "state/tls/key.pem");
    rm(tmpdir, "state/tls");
    rm(tmpdir, "state");
    rmdir(tmpdir);
    return 0;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    rs_buf b = {0};
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        rs_buf_append(&b, buf, n);
    fclose(f);
    return rs_buf_take(&b);
}

static void spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void check_cert(const char *pem, const char *key_pem)
{
    gnutls_x509_crt_t crt;
    assert_int_equal(gnutls_x509_crt_init(&crt), 0);
    gnutls_datum_t d = {(unsigned char *)pem, (unsigned)strlen(pem)};
    assert_int_equal(gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM), 0);
    assert_int_equal(gnutls_x509_crt_get_version(crt), 3);

    char cn[64];
    size_t cnlen = sizeof cn;
    assert_int_equal(
        gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &cnlen), 0);
    assert_string_equal(cn, "roomsysd");

    /* ECDSA P-256 */
    unsigned bits = 0;
    assert_int_equal(gnutls_x509_crt_get_pk_algorithm(crt, &bits), GNUTLS_PK_ECDSA);
    assert_int_equal(bits, 256);

    /* SANs */
    bool ip4 = false, ip6 = false, localhost = false, hostname = false;
    char host[256] = "";
    gethostname(host, sizeof host);
    for (unsigned i = 0;; i++) {
        char san[256];
        size_t sz = sizeof san;
        int type = gnutls_x509_crt_get_subject_alt_name(crt, i, san, &sz, NULL);
        if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
            break;
        assert_true(type >= 0);
        if (type == GNUTLS_SAN_IPADDRESS && sz == 4 && memcmp(san, "\x7f\0\0\x01", 4) == 0)
            ip4 = true;
        if (type == GNUTLS_SAN_IPADDRESS && sz == 16) {
            unsigned char one[16] = {0};
            one[15] = 1;
            ip6 = ip6 || memcmp(san, one, 16) == 0;
        }
        if (type == GNUTLS_SAN_DNSNAME && sz == 9 && memcmp(san, "localhost", 9) == 0)
            localhost = true;
        if (type == GNUTLS_SAN_DNSNAME && sz == strlen(host) && memcmp(san, host, sz) == 0)
            hostname = true;
    }
    assert_true(ip4);
    assert_true(ip6);
    assert_true(localhost);
    /* the host name is included when it is a usable DNS name */
    bool dns_ok = host[0] && host[0] != '-' && host[0] != '.' && strcmp(host, "localhost") != 0;
    for (const char *p = host; *p && dns_ok; p++)
        dns_ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                 *p == '-' || (*p == '.' && p[1] != '.' && p[1] != '\0');
    if (dns_ok)
        assert_true(hostname);

    /* CA:TRUE, keyUsage, serverAuth */
    unsigned critical = 0, ca = 0;
    int pathlen = 0;
    assert_true(gnutls_x509_crt_get_basic_constraints(crt, &critical, &ca, &pathlen) >= 0);
    assert_int_equal(ca, 1);
    unsigned ku = 0;
    assert_true(gnutls_x509_crt_get_key_usage(crt, &ku, &critical) >= 0);
    assert_true(ku & GNUTLS_KEY_DIGITAL_SIGNATURE);
    assert_true(ku & GNUTLS_KEY_KEY_CERT_SIGN);
    char oid[128];
    size_t oidsz = sizeof oid;
    assert_int_equal(gnutls_x509_crt_get_key_purpose_oid(crt, 0, oid, &oidsz, NULL), 0);
    assert_string_equal(oid, GNUTLS_KP_TLS_WWW_SERVER);

    /* 825 days (activation back-dated a few minutes) */
    time_t from = gnutls_x509_crt_get_activation_time(crt);
    time_t to = gnutls_x509_crt_get_expiration_time(crt);
    assert_true(to - from >= 825L * 86400);
    assert_true(to - from <= 825L * 86400 + 3600);
    assert_true(from <= time(NULL));

    /* self-signed and valid as its own trust anchor, for its host names */
    unsigned status = 99;
    assert_int_equal(gnutls_x509_crt_verify(crt, &crt, 1, 0, &status), 0);
    assert_int_equal(status, 0);
    assert_true(gnutls_x509_crt_check_hostname(crt, "localhost"));
    assert_true(gnutls_x509_crt_check_hostname(crt, "127.0.0.1"));
    assert_false(gnutls_x509_crt_check_hostname(crt, "example.com"));

    /* the key belongs to the certificate */
    gnutls_certificate_credentials_t cred;
    gnutls_certificate_allocate_credentials(&cred);
    gnutls_datum_t k = {(unsigned char *)key_pem, (unsigned)strlen(key_pem)};
    assert_true(gnutls_certificate_set_x509_key_mem2(cred, &d, &k, GNUTLS_X509_FMT_PEM, NULL, 0) >=
                0);
    gnutls_certificate_free_credentials(cred);
    gnutls_x509_crt_deinit(crt);
}

static void test_generate_and_reuse(void **state)
{
    (void)state;
    char *cert = NULL, *key = NULL, *path = NULL;
    rs_err e;
    char state_dir[300], tls[320], certp[340], keyp[340];
    snprintf(state_dir, sizeof state_dir, "%s/state", tmpdir); /* created on demand */
    snprintf(tls, sizeof tls, "%s/tls", state_dir);
    snprintf(certp, sizeof certp, "%s/cert.pem", tls);
    snprintf(keyp, sizeof keyp, "%s/key.pem", tls);

    assert_int_equal(api_tls_ensure(state_dir, NULL, NULL, &cert, &key, &path, &e), RS_OK);
    assert_string_equal(path, certp);
    assert_non_null(strstr(cert, "-----BEGIN CERTIFICATE-----"));
    assert_non_null(strstr(key, "-----BEGIN PRIVATE KEY-----"));
    check_cert(cert, key);

    struct stat st;
    assert_int_equal(stat(tls, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0700);
    assert_int_equal(stat(keyp, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(stat(certp, &st), 0);
    assert_int_equal(st.st_mode & 0077 & ~0044, 0); /* not writable by others */
    char *on_disk = slurp(certp);
    assert_string_equal(on_disk, cert);
    free(on_disk);
    on_disk = slurp(keyp);
    assert_string_equal(on_disk, key);
    free(on_disk);
    /* no temporary files left */
    char tmp[360];
    snprintf(tmp, sizeof tmp, "%s.tmp", certp);
    assert_int_not_equal(access(tmp, F_OK), 0);

    /* second start: the same material, untouched; a loose key mode is fixed */
    chmod(keyp, 0644);
    char *cert2 = NULL, *key2 = NULL, *path2 = NULL;
    assert_int_equal(api_tls_ensure(state_dir, NULL, NULL, &cert2, &key2, &path2, &e), RS_OK);
    assert_string_equal(cert2, cert);
    assert_string_equal(key2, key);
    assert_string_equal(path2, path);
    assert_int_equal(stat(keyp, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    free(cert2);
    free(key2);
    free(path2);

    /* outputs are optional */
    assert_int_equal(api_tls_ensure(state_dir, NULL, NULL, NULL, NULL, NULL, &e), RS_OK);

    /* a damaged certificate is replaced by a new pair */
    spit(certp, "garbage\n");
    assert_int_equal(api_tls_ensure(state_dir, NULL, NULL, &cert2, &key2, NULL, &e), RS_OK);
    assert_string_not_equal(cert2, cert);
    check_cert(cert2, key2);
    free(cert2);
    free(key2);

    /* a missing key is replaced too */
    unlink(keyp);
    assert_int_equal(api_tls_ensure(state_dir, NULL, NULL, &cert2, &key2, NULL, &e), RS_OK);
    check_cert(cert2, key2);
    assert_int_equal(stat(keyp, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);

    /* configured files are only read */
    char *cert3 = NULL, *key3 = NULL, *path3 = NULL;
    assert_int_equal(api_tls_ensure(NULL, certp, keyp, &cert3, &key3, &path3, &e), RS_OK);
    assert_string_equal(cert3, cert2);
    assert_string_equal(key3, key2);
    assert_string_equal(path3, certp);
    free(cert3);
    free(key3);
    free(path3);

    free(cert2);
    free(key2);
    free(cert);
    free(key);
    free(path);
}

static void test_errors(void **state)
{
    (void)state;
    char *cert = (char *)1, *key = (char *)1, *path = (char *)1;
    rs_err e;
    assert_int_equal(api_tls_ensure(tmpdir, "/nonexistent/cert.pem", NULL, &cert, &key, &path, &e),
                     RS_EINVAL);
    assert_null(cert);
    assert_null(key);
    assert_null(path);
    assert_int_equal(api_tls_ensure(tmpdir, NULL, "/nonexistent/key.pem", &cert, &key, &path, &e),
                     RS_EINVAL);
    assert_int_not_equal(api_tls_ensure(tmpdir, "/nonexistent/cert.pem", "/nonexistent/key.pem",
                                        &cert, &key, &path, &e),
                         RS_OK);
    assert_non_null(strstr(e.msg, "/nonexistent/cert.pem"));
    assert_int_equal(api_tls_ensure(NULL, NULL, NULL, &cert, &key, &path, &e), RS_EINVAL);

    /* a configured pair that does not match is refused, never replaced */
    char a[300], b[300];
    snprintf(a, sizeof a, "%s/tls/cert.pem", tmpdir);
    snprintf(b, sizeof b, "%s/tls/key.pem", tmpdir);
    assert_int_equal(api_tls_ensure(tmpdir, NULL, NULL, NULL, NULL, NULL, &e), RS_OK);
    char *orig = slurp(a);
    spit(b, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    assert_int_equal(api_tls_ensure(NULL, a, b, &cert, &key, &path, &e), RS_EINVAL);
    char *now = slurp(a);
    assert_string_equal(orig, now);
    free(orig);
    free(now);
}

static void test_extra_names(void **state)
{
    (void)state;
    char dir[300];
    snprintf(dir, sizeof dir, "%s", tmpdir);
    const char *extra[] = {"192.0.2.7", "0.0.0.0", "::", "rooms.example.org", "bad name", NULL};
    char *cert = NULL, *key = NULL;
    rs_err e;
    assert_int_equal(api_tls_ensure_ex(dir, NULL, NULL, extra, &cert, &key, NULL, &e), RS_OK);
    gnutls_x509_crt_t crt;
    gnutls_x509_crt_init(&crt);
    gnutls_datum_t d = {(unsigned char *)cert, (unsigned)strlen(cert)};
    assert_int_equal(gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM), 0);
    assert_true(gnutls_x509_crt_check_hostname(crt, "192.0.2.7"));
    assert_true(gnutls_x509_crt_check_hostname(crt, "rooms.example.org"));
    assert_false(gnutls_x509_crt_check_hostname(crt, "0.0.0.0"));
    gnutls_x509_crt_deinit(crt);
    check_cert(cert, key);
    free(cert);
    free(key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_generate_and_reuse, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_extra_names, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

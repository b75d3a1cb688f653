/* client.c - HTTPS client on libcurl (see client.h). */
#include "client.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eval.h"
#include "rs_util.h"

#define MAX_BODY (64u << 20) /* refuse responses larger than 64 MiB */

struct shell_client {
    char *server;
    char *ca_file;
    CURL *curl;
};

static bool curl_ready;

shell_client *shell_client_new(const char *server, const char *ca_file)
{
    if (!curl_ready) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        curl_ready = true;
    }
    shell_client *c = rs_calloc(1, sizeof *c);
    c->server = rs_strdup(server);
    size_t n = strlen(c->server);
    while (n > 0 && c->server[n - 1] == '/')
        c->server[--n] = '\0';
    c->ca_file = ca_file && *ca_file ? rs_strdup(ca_file) : NULL;
    c->curl = curl_easy_init();
    return c;
}

void shell_client_free(shell_client *c)
{
    if (!c)
        return;
    if (c->curl)
        curl_easy_cleanup(c->curl);
    free(c->server);
    free(c->ca_file);
    free(c);
}

const char *shell_client_server(const shell_client *c)
{
    return c->server;
}

const char *shell_client_ca_file(const shell_client *c)
{
    return c->ca_file;
}

void shell_http_clear(shell_http *r)
{
    json_decref(r->json);
    free(r->error);
    memset(r, 0, sizeof *r);
    r->retry_after = -1;
}

typedef struct sink {
    rs_buf body;
    bool too_big;
    long retry_after;
} sink;

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
    sink *s = ud;
    size_t n = size * nmemb;
    if (s->body.len + n > MAX_BODY) {
        s->too_big = true;
        return 0;
    }
    rs_buf_append(&s->body, ptr, n);
    return n;
}

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
    sink *s = ud;
    size_t n = size * nmemb;
    if (n > 12 && !strncasecmp(ptr, "Retry-After:", 12))
        s->retry_after = strtol(ptr + 12, NULL, 10);
    return n;
}

/* Abort a transfer when Ctrl-C was pressed in the REPL. */
static int on_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    (void)ud;
    (void)dt;
    (void)dn;
    (void)ut;
    (void)un;
    return lang_interrupted ? 1 : 0;
}

/* One request; body NULL = GET. */
static int perform(shell_client *c, const char *url, const char *auth, const char *content_type,
                   const char *body, size_t body_len, const char *cmdlet, shell_http *out)
{
    memset(out, 0, sizeof *out);
    out->retry_after = -1;
    CURL *h = c->curl;
    if (!h) {
        out->error = rs_strdup("The HTTPS client could not be initialized.");
        out->unreachable = true;
        return -1;
    }
    curl_easy_reset(h);
    sink s = {.retry_after = -1};
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *hdrs = NULL;
    char *authz = NULL, *cmdhdr = NULL;
    if (auth) {
        authz = rs_asprintf("Authorization: Bearer %s", auth);
        hdrs = curl_slist_append(hdrs, authz);
    }
    if (content_type) {
        char *ct = rs_asprintf("Content-Type: %s", content_type);
        hdrs = curl_slist_append(hdrs, ct);
        free(ct);
    }
    if (cmdlet) {
        cmdhdr = rs_asprintf("X-CmdletName: %s", cmdlet);
        hdrs = curl_slist_append(hdrs, cmdhdr);
        hdrs = curl_slist_append(hdrs, "X-ResponseFormat: json");
        hdrs = curl_slist_append(hdrs, "Prefer: odata.maxpagesize=1000");
    }
    hdrs = curl_slist_append(hdrs, "Accept: application/json");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &s);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 300L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "roomsys-shell/" RS_VERSION);
    /* That file alone: each new connection also loaded the system's trust
     * directory (18 % of the shell's CPU, 1,000 rooms in bench/provision). */
    if (c->ca_file) {
        curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
        curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
    }
    if (body) {
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)body_len);
    }
    CURLcode rc = curl_easy_perform(h);
    curl_slist_free_all(hdrs);
    if (authz) {
        rs_wipe(authz, strlen(authz));
        free(authz);
    }
    free(cmdhdr);
    if (rc != CURLE_OK) {
        const char *msg = s.too_big   ? "The server's response is too large."
                          : errbuf[0] ? errbuf
                                      : curl_easy_strerror(rc);
        bool tls = rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
                   rc == CURLE_SSL_CONNECT_ERROR;
        out->error = tls ? rs_asprintf("%s (is the server's CA certificate given with --ca-file "
                                       "or ROOMSYS_CA_FILE?)",
                                       msg)
                         : rs_strdup(msg);
        out->unreachable = !s.too_big && rc != CURLE_WRITE_ERROR;
        rs_buf_free(&s.body);
        return -1;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
    out->retry_after = s.retry_after;
    if (s.body.len) {
        json_error_t jerr;
        out->json = json_loadb(s.body.data, s.body.len, 0, &jerr);
    }
    rs_buf_free(&s.body);
    return 0;
}

/* Append application/x-www-form-urlencoded "key=value". */
static void form_add(rs_buf *b, CURL *h, const char *k, const char *v)
{
    char *ev = curl_easy_escape(h, v ? v : "", 0);
    rs_buf_printf(b, "%s%s=%s", b->len ? "&" : "", k, ev ? ev : "");
    if (ev) {
        rs_wipe(ev, strlen(ev));
        curl_free(ev);
    }
}

int shell_client_token(shell_client *c, const char *tenant, const char *user, const char *password,
                       const char *scope, char **token, long *expires_in, char **why,
                       bool *unreachable)
{
    *token = NULL;
    *why = NULL;
    *unreachable = false;
    *expires_in = 0;
    rs_buf form = {0};
    form_add(&form, c->curl, "grant_type", "password");
    form_add(&form, c->curl, "username", user);
    form_add(&form, c->curl, "password", password);
    form_add(&form, c->curl, "scope", scope);
    form_add(&form, c->curl, "client_id", "roomsys-shell");
    char *et = curl_easy_escape(c->curl, tenant, 0);
    char *url = rs_asprintf("%s/%s/oauth2/v2.0/token", c->server, et ? et : "");
    curl_free(et);
    shell_http r;
    int rc =
        perform(c, url, NULL, "application/x-www-form-urlencoded", form.data, form.len, NULL, &r);
    rs_wipe(form.data, form.len);
    rs_buf_free(&form);
    free(url);
    if (rc != 0) {
        *why = rs_strdup(r.error ? r.error : "connection failed");
        *unreachable = r.unreachable;
        shell_http_clear(&r);
        return -1;
    }
    const char *tok = json_string_value(json_object_get(r.json, "access_token"));
    if (r.status == 200 && tok) {
        *token = rs_strdup(tok);
        json_t *ei = json_object_get(r.json, "expires_in");
        *expires_in = json_is_integer(ei) ? (long)json_integer_value(ei) : 3599;
        shell_http_clear(&r);
        return 0;
    }
    const char *desc = json_string_value(json_object_get(r.json, "error_description"));
    if (!desc)
        desc = json_string_value(json_object_get(r.json, "error"));
    if (desc) {
        size_t n = strcspn(desc, "\r\n");
        *why = rs_strndup(desc, n);
    } else {
        *why = rs_asprintf("The server answered HTTP %ld to the sign-in request.", r.status);
    }
    shell_http_clear(&r);
    return -1;
}

int shell_client_post_json(shell_client *c, const char *url_or_path, const char *token,
                           const char *cmdlet, json_t *body, shell_http *out)
{
    char *url = !strncmp(url_or_path, "https://", 8) || !strncmp(url_or_path, "http://", 7)
                    ? rs_strdup(url_or_path)
                    : rs_asprintf("%s%s", c->server, url_or_path);
    char *text = json_dumps(body, JSON_COMPACT);
    int rc = perform(c, url, token, "application/json", text ? text : "{}", text ? strlen(text) : 2,
                     cmdlet, out);
    if (text) {
        rs_wipe(text, strlen(text)); /* may hold a RoomMailboxPassword */
        free(text);
    }
    free(url);
    return rc;
}

/* shape.c - JSON response shapes of the admin API (see api_internal.h). */
#include "api_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "rs_util.h"

#define DUMP_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER)

/* Dump and release j. Never NULL (abort on OOM like rs_malloc). */
static char *dump_free(json_t *j)
{
    char *s = json_dumps(j, DUMP_FLAGS);
    json_decref(j);
    if (!s) {
        fputs("roomsys: out of memory\n", stderr);
        abort();
    }
    return s;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t utf8_seq(const unsigned char *s)
{
    unsigned char c = s[0];
    size_t n;
    unsigned min;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2, cp = c & 0x1fu, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3, cp = c & 0x0fu, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4, cp = c & 0x07u, min = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

/* A JSON string from s, replacing invalid UTF-8 (e.g. a message truncated in
 * the middle of a character) with U+FFFD. Never NULL. */
static json_t *jstr(const char *s)
{
    if (!s)
        s = "";
    json_t *j = json_string(s);
    if (j)
        return j;
    rs_buf b = {0};
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = utf8_seq(p);
        if (n) {
            rs_buf_append(&b, (const char *)p, n);
            p += n;
        } else {
            rs_buf_puts(&b, "\xEF\xBF\xBD");
            p++;
        }
    }
    char *t = rs_buf_take(&b);
    j = json_string(t);
    free(t);
    return j ? j : json_string("");
}

const char *api_http_error_code(int http_status)
{
    switch (http_status) {
    case 400:
        return "BadRequest";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "NotFound";
    case 405:
        return "MethodNotAllowed";
    case 413:
        return "RequestEntityTooLarge";
    case 429:
        return "TooManyRequests";
    case 503:
    case 507:
        return "ServiceUnavailable";
    default:
        return http_status >= 400 && http_status < 500 ? "BadRequest" : "InternalServerError";
    }
}

char *api_invoke_error_body(const rs_err *err, int http_status)
{
    const char *msg = err && err->msg[0] ? err->msg : rs_strerror(err ? err->code : RS_EINTERNAL);
    const char *exc = err && err->exception ? err->exception : "";
    const char *eid = err && err->error_id ? err->error_id : "";
    const char *cat = err && err->category && err->category[0] ? err->category : "NotSpecified";
    bool binding = http_status == 400 && err && (err->code == RS_EINVAL || err->code == RS_EPARSE);
    const char *top = binding ? "Invalid Operation" : "Error executing cmdlet";

    char *detail = rs_asprintf("%s|%s|%s", eid, exc, msg);
    json_t *details = json_array();
    json_array_append_new(details, json_pack("{s:s, s:s, s:o, s:s}", "code", "Client", "target", "",
                                             "message", jstr(detail), "category", cat));
    free(detail);
    json_t *internal =
        json_pack("{s:o, s:s, s:s}", "message", jstr(msg), "type", exc, "stacktrace", "");
    json_t *inner = json_pack("{s:s, s:s, s:s, s:o}", "message", top, "type",
                              "Microsoft.Exchange.Admin.OData.Core.ODataServiceException",
                              "stacktrace", "", "internalexception", internal);
    json_t *e = json_pack("{s:s, s:s, s:o, s:o}", "code", api_http_error_code(http_status),
                          "message", top, "details", details, "innererror", inner);
    return dump_free(json_pack("{s:o}", "error", e));
}

char *api_simple_error_body(int http_status, const char *msg)
{
    return dump_free(json_pack("{s:{s:s, s:o}}", "error", "code", api_http_error_code(http_status),
                               "message", jstr(msg)));
}

char *api_invoke_success_body(const char *host, const char *service, const char *tenant,
                              json_t *warnings, json_t *value)
{
    char *ctx = rs_asprintf("https://%s%s/%s/$metadata#Collection(Exchange.GenericHashTable)", host,
                            api_service_prefix(service), tenant);
    json_t *o = json_object();
    json_object_set_new(o, "@odata.context", jstr(ctx));
    json_object_set_new(o, "adminapi.warnings@odata.type", json_string("#Collection(String)"));
    json_object_set_new(o, "@adminapi.warnings", warnings ? json_incref(warnings) : json_array());
    json_object_set_new(o, "value", value ? json_incref(value) : json_array());
    free(ctx);
    return dump_free(o);
}

char *api_token_success_body(const char *scope, int expires_in, const char *access_token)
{
    return dump_free(json_pack("{s:s, s:o, s:i, s:i, s:o}", "token_type", "Bearer", "scope",
                               jstr(scope), "expires_in", expires_in, "ext_expires_in", expires_in,
                               "access_token", jstr(access_token)));
}

char *api_aad_error_body(const char *error, int code, const char *text, const char *trace_id,
                         const char *correlation_id, int64_t now_ms)
{
    char ts[32];
    time_t t = (time_t)(now_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%SZ", &tm);
    char *desc = rs_asprintf("AADSTS%d: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s",
                             code, text, trace_id, correlation_id, ts);
    json_t *o = json_pack("{s:s, s:o, s:[i], s:s, s:s, s:s}", "error", error, "error_description",
                          jstr(desc), "error_codes", code, "timestamp", ts, "trace_id", trace_id,
                          "correlation_id", correlation_id);
    free(desc);
    return dump_free(o);
}

char *api_log_members(json_t *obj)
{
    char *s = json_dumps(obj, DUMP_FLAGS | JSON_REAL_PRECISION(6));
    if (!s || strlen(s) < 2) {
        free(s);
        return rs_strdup("");
    }
    size_t n = strlen(s);
    char *m = rs_strndup(s + 1, n - 2);
    free(s);
    return m;
}

bool api_header_token_ok(const char *s)
{
    if (!s)
        return false;
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

bool api_host_ok(const char *s)
{
    if (!s)
        return false;
    size_t n = strlen(s);
    if (n == 0 || n > 255)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == ':' || c == '[' || c == ']' || c == '-'))
            return false;
    }
    return true;
}

const char *api_bearer_token(const char *hdr, size_t *len)
{
    if (!hdr || strncasecmp(hdr, "Bearer", 6) != 0 || (hdr[6] != ' ' && hdr[6] != '\t'))
        return NULL;
    const char *t = hdr + 6;
    while (*t == ' ' || *t == '\t')
        t++;
    size_t n = strlen(t);
    while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\t'))
        n--;
    if (n == 0 || n > API_TOKEN_MAX)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)t[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
        /* '=' only as trailing padding */
        if (!ok && c == '=') {
            for (size_t j = i; j < n; j++)
                if (t[j] != '=')
                    return NULL;
            break;
        }
        if (!ok)
            return NULL;
    }
    if (len)
        *len = n;
    return t;
}

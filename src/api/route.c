/* route.c - request path routing for api/ (see api_internal.h). */
#include "api_internal.h"

#include <string.h>

#define MAX_SEGS 8

typedef struct seg {
    const char *p;
    size_t n;
} seg;

/* Split "/a/b/c" into segments. Returns the count, or -1 when the path does not
 * start with '/', has an empty segment ("//", trailing '/') or too many. */
static int split_path(const char *path, seg *segs)
{
    if (!path || path[0] != '/')
        return -1;
    int n = 0;
    const char *p = path + 1;
    if (*p == '\0')
        return 0;
    for (;;) {
        const char *e = strchr(p, '/');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == 0 || n == MAX_SEGS)
            return -1;
        segs[n].p = p;
        segs[n].n = len;
        n++;
        if (!e)
            break;
        p = e + 1;
    }
    return n;
}

static bool seg_is(const seg *s, const char *lit)
{
    size_t n = strlen(lit);
    if (s->n != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char a = s->p[i], b = lit[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (char)(b - 'A' + 'a');
        if (a != b)
            return false;
    }
    return true;
}

bool api_tenant_valid(const char *tenant, size_t len)
{
    if (!tenant || len == 0 || len > API_TENANT_MAX)
        return false;
    if (tenant[0] == '.' || tenant[0] == '-')
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)tenant[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '-' || c == '_';
        if (!ok)
            return false;
        if (c == '.' && i + 1 < len && tenant[i + 1] == '.')
            return false;
    }
    return true;
}

static bool set_tenant(api_route *r, const seg *s)
{
    if (!api_tenant_valid(s->p, s->n))
        return false;
    memcpy(r->tenant, s->p, s->n);
    r->tenant[s->n] = '\0';
    return true;
}

static api_route_kind set_ext(api_route *r, api_ext_id ext)
{
    r->kind = API_R_EXT;
    r->ext = ext;
    r->name = "ext"; /* server.c names it after the family */
    r->allow = "";   /* the family checks methods itself */
    return r->kind;
}

api_route_kind api_route_match(const char *path, api_route *r)
{
    seg s[MAX_SEGS];
    memset(r, 0, sizeof *r);
    r->kind = API_R_NOTFOUND;
    r->name = "notfound";
    r->allow = "";
    r->service = "";
    if (!path || strlen(path) > API_PATH_MAX)
        return r->kind;
    /* route families whose files check the rest of the path (api_ext.h) */
    if (strcmp(path, "/") == 0 || strcmp(path, "/portal") == 0 || strncmp(path, "/portal/", 8) == 0)
        return set_ext(r, API_X_PORTAL);
    if (strcmp(path, "/v1.0") == 0 || strncmp(path, "/v1.0/", 6) == 0)
        return set_ext(r, API_X_GRAPH);
    int n = split_path(path, s);
    if (n <= 0)
        return r->kind;

    if (n == 1) {
        if (seg_is(&s[0], "livez")) {
            r->kind = API_R_LIVEZ;
            r->name = "livez";
            r->allow = "GET, HEAD";
        } else if (seg_is(&s[0], "readyz") || seg_is(&s[0], "healthz")) {
            r->kind = API_R_READYZ;
            r->name = "readyz";
            r->allow = "GET, HEAD";
        } else if (seg_is(&s[0], "metrics")) {
            set_ext(r, API_X_METRICS);
        }
        return r->kind;
    }
    /* /{tenant}/v2.0/.well-known/openid-configuration, /{tenant}/discovery/v2.0/keys */
    if (n == 4 &&
        ((seg_is(&s[1], "v2.0") && seg_is(&s[2], ".well-known") &&
          seg_is(&s[3], "openid-configuration")) ||
         (seg_is(&s[1], "discovery") && seg_is(&s[2], "v2.0") && seg_is(&s[3], "keys")))) {
        if (set_tenant(r, &s[0]))
            set_ext(r, API_X_OAUTH);
        return r->kind;
    }
    /* /{tenant}/oauth2/v2.0/token, /{tenant}/oauth2/v2.0/authorize (oauth.c) */
    if (n == 4 && seg_is(&s[1], "oauth2") && seg_is(&s[2], "v2.0") &&
        (seg_is(&s[3], "token") || seg_is(&s[3], "authorize") || seg_is(&s[3], "logout"))) {
        if (set_tenant(r, &s[0]))
            set_ext(r, API_X_OAUTH);
        return r->kind;
    }
    /* [/sfb|/msol]/adminapi/beta/{tenant}/InvokeCommand */
    int base = 0;
    const char *service = "exchange";
    if (n == 5 && seg_is(&s[0], "sfb")) {
        base = 1;
        service = "sfb";
    } else if (n == 5 && seg_is(&s[0], "msol")) {
        base = 1;
        service = "msol";
    } else if (n != 4) {
        return r->kind;
    }
    if (seg_is(&s[base], "adminapi") && seg_is(&s[base + 1], "beta") &&
        seg_is(&s[base + 3], "InvokeCommand") && set_tenant(r, &s[base + 2])) {
        r->kind = API_R_INVOKE;
        r->name = "InvokeCommand";
        r->allow = "POST";
        r->service = service;
    }
    return r->kind;
}

bool api_route_method_ok(const api_route *r, const char *method)
{
    if (!method)
        return false;
    switch (r->kind) {
    case API_R_LIVEZ:
    case API_R_READYZ:
        return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    case API_R_INVOKE:
        return strcmp(method, "POST") == 0;
    default:
        return true;
    }
}

const char *api_service_prefix(const char *service)
{
    if (service && strcmp(service, "sfb") == 0)
        return "/sfb/adminapi/beta";
    if (service && strcmp(service, "msol") == 0)
        return "/msol/adminapi/beta";
    return "/adminapi/beta";
}

const char *api_service_title(const char *service)
{
    if (service && strcmp(service, "exchange") == 0)
        return "Exchange Online";
    if (service && strcmp(service, "sfb") == 0)
        return "Skype for Business Online";
    if (service && strcmp(service, "msol") == 0)
        return "Azure Active Directory (MSOnline)";
    return "another service";
}

const char *api_service_connect(const char *service)
{
    if (service && strcmp(service, "sfb") == 0)
        return "New-CsOnlineSession";
    if (service && strcmp(service, "msol") == 0)
        return "Connect-MsolService";
    return "Connect-ExchangeOnline";
}

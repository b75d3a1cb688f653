/* grant.h - an OAuth2 token request and what it grants (the token endpoint's
 * view of the directory: dir_session.c implements it, cmdlets/services.h
 * passes it through to api/oauth.c). Plain data, no store types. */
#ifndef DIR_GRANT_H
#define DIR_GRANT_H

#include <stdbool.h>
#include <stdint.h>

/* One token request (everything borrowed; unused fields NULL). */
typedef struct rs_grant_req {
    const char *grant;         /* "password", "refresh_token" or "client_credentials" */
    const char *src_ip;        /* numeric client address, or NULL */
    const char *tenant;        /* {tenant}: GUID, a domain, "organizations"/"common" */
    const char *scope;         /* as sent (space separated); NULL = the refresh token's */
    const char *client_id;     /* the app (ROPC: the public client; may be NULL) */
    const char *username;      /* password */
    const char *password;      /* password */
    const char *refresh_token; /* refresh_token */
    const char *client_secret; /* client_credentials */
    bool want_refresh;         /* issue a refresh token (scope has offline_access) */
} rs_grant_req;

/* What was granted. Strings are owned by the struct (rs_grant_clear wipes and
 * frees them). */
typedef struct rs_grant {
    char *access_token;     /* opaque "rs1." token; only its SHA-256 is stored */
    char *refresh_token;    /* opaque "rs1r." token or NULL; only its SHA-256 is stored */
    int expires_in;         /* access token lifetime, seconds */
    int refresh_expires_in; /* refresh token lifetime, seconds (0: none issued) */
    char service[16];       /* exchange, sfb, msol or graph */
    char scope[512];        /* the scope granted (the request's, or the refresh token's) */
    bool is_app;            /* client_credentials: the token is an app's */
    char tenant_id[37];
    char tenant_domain[256];
    char object_id[37];   /* the user's or the service principal's ObjectId */
    char upn[256];        /* the user's UPN ("" for an app) */
    char name[256];       /* display name */
    char app_id[37];      /* the service principal's AppPrincipalId ("" for a user) */
    int64_t auth_time_ms; /* when the user last proved the password */
} rs_grant;

void rs_grant_clear(rs_grant *g);

#endif

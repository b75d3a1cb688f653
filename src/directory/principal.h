/* principal.h - who is calling: the result of checking a bearer token. */
#ifndef DIR_PRINCIPAL_H
#define DIR_PRINCIPAL_H

#include <stdbool.h>

/* Remote PowerShell access rights (directory.md section 8, seed prerequisite T4). */
enum {
    RIGHT_EXCHANGE = 1u << 0, /* Exchange remote PowerShell */
    RIGHT_SFB = 1u << 1,      /* Skype for Business Online remote PowerShell */
    RIGHT_MSOL = 1u << 2      /* Azure AD (MSOnline) directory access */
};

/* Admin roles (Entra names). */
enum {
    ROLE_GLOBAL_ADMIN = 1u << 0,
    ROLE_USER_ADMIN = 1u << 1,
    ROLE_LICENSE_ADMIN = 1u << 2,
    ROLE_EXCHANGE_ADMIN = 1u << 3,
    ROLE_SFB_ADMIN = 1u << 4,
    ROLE_GLOBAL_READER = 1u << 5
};

typedef struct rs_principal {
    char tenant_id[37];      /* tenant GUID */
    char tenant_domain[256]; /* initial domain, e.g. contoso.onmicrosoft.com */
    char upn[256];           /* the signed-in admin */
    char object_id[37];      /* the admin's ObjectId */
    char service[16];        /* service the token was issued for: exchange, sfb, msol, graph */
    unsigned rights;         /* RIGHT_* */
    unsigned roles;          /* ROLE_* */
    /* appended for app registrations (client credentials) */
    bool is_app;     /* the caller is a service principal: upn holds its AppPrincipalId,
                        object_id its ObjectId, roles its roles */
    char app_id[37]; /* AppPrincipalId ("" for a user) */
} rs_principal;

#endif

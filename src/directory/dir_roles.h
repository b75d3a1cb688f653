/* dir_roles.h - the admin role catalog (directory.md section 8): Entra role
 * names, their MSOnline names, the role template ids Microsoft uses, and the
 * ROLE_* bit each grants. Users keep role names in their "Roles" list. */
#ifndef DIR_ROLES_H
#define DIR_ROLES_H

#include <jansson.h>

typedef struct dir_role {
    const char *name;      /* Entra name, stored on users: "Exchange Administrator" */
    const char *msol_name; /* MSOnline's name: "Exchange Service Administrator" */
    const char *object_id; /* Microsoft's role template id */
    unsigned bit;          /* ROLE_* (principal.h) */
    const char *description;
} dir_role;

extern const dir_role dir_roles[];
extern const int dir_nroles;

/* A role by Entra name, MSOnline name or object id (case-insensitive); NULL
 * when unknown. */
const dir_role *dir_role_find(const char *name_or_id);

/* The ROLE_* bits of a user document's "Roles" (borrowed). */
unsigned dir_user_roles(json_t *user);

/* The remote-PowerShell access rights (RIGHT_*) of a user document. */
unsigned dir_user_rights(json_t *user);

#endif

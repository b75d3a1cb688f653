/* handlers.h - private to cmdlets/: the context a server cmdlet handler runs
 * in, and the handler registry. */
#ifndef CMDLET_HANDLERS_H
#define CMDLET_HANDLERS_H

#include <jansson.h>

#include "../base/rs_err.h"
#include "../directory/directory.h"
#include "../store/store.h"
#include "cmdlet_table.h"
#include "services_int.h"

/* Everything a handler may use. A handler runs inside one store transaction
 * that invoke.c opens and commits (or rolls back on error or -WhatIf). */
typedef struct hctx {
    rs_services *svc;
    store_t *st;
    const dir_settings *ds;
    const rs_principal *who;
    const cmdlet_def_t *def;
    const char *tid; /* tenant id */
    json_t *tenant;  /* tenant record; set tenant_dirty after changing it */
    int tenant_dirty;
    json_t *p;         /* bound parameters (borrowed) */
    json_t *hashes;    /* parameter name -> argon2id PHC computed before the transaction */
    json_t *out;       /* output objects: append */
    json_t *warnings;  /* warning texts: append */
    json_t *drop_aors; /* SIP addresses whose registrations must go after commit */
    /* Optional: runs after a successful commit (never for -WhatIf or on
     * error), outside the store lock, before the result is returned: for work
     * that must not hold the store or must not happen before the change is
     * durable. May append to out/warnings. after_data is owned by invoke. */
    void (*after)(struct hctx *c);
    json_t *after_data;
    char dc[300]; /* "domain controller" named in E1 texts */
} hctx;

typedef rs_status (*handler_fn)(hctx *c, rs_err *err);

typedef struct handler_entry {
    const char *name;
    handler_fn fn;
    unsigned roles; /* ROLE_* bits allowed to run it (Global Administrator always may) */
} handler_entry;

extern const handler_entry exchange_handlers[];
extern const handler_entry msol_handlers[];
extern const handler_entry sfb_handlers[];
extern const handler_entry role_handlers[];     /* msol: roles and access rights */
extern const handler_entry calendar_handlers[]; /* exchange: calendar processing */
extern const handler_entry app_handlers[];      /* msol: service principals (handlers_apps.c) */
extern const handler_entry place_handlers[];    /* exchange: Set-Place, Get-Place */
extern const handler_entry group_handlers[];    /* exchange: distribution groups, room lists */

/* Only a Global Administrator changes an account that holds an admin role
 * (directory.md section 8); RS_OK or ACCESS_DENIED naming both users. */
rs_status h_check_can_change(hctx *c, json_t *user, rs_err *err);

/* roomsys's own room cmdlets (handlers_validate.c). */
rs_status h_test_room(hctx *c, rs_err *err);
rs_status h_unlock_account(hctx *c, rs_err *err);
rs_status h_sync_status(hctx *c, rs_err *err);
/* Search-AdminAuditLog (handlers_audit.c). */
rs_status h_search_audit(hctx *c, rs_err *err);

/* Append a warning (printf-style). */
void h_warn(hctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Schedule the registrations of the directory user `object_id` for removal
 * after commit (sign-in gates changed). */
void h_drop_user(hctx *c, const char *object_id);
/* Password for a PF_SECRET parameter: the plain text (borrowed from c->p) and
 * its precomputed verifier (borrowed from c->hashes), or NULL/NULL. */
const char *h_secret(hctx *c, const char *param, const char **out_phc);

#endif

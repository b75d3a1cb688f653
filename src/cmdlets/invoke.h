/* invoke.h - run one server cmdlet for an authenticated principal.
 *
 * The single entry point api/ uses for InvokeCommand: it checks that the
 * cmdlet belongs to the endpoint's service and that the principal may run it,
 * binds and validates the parameters against cmdlet_table, runs the handler in
 * one store transaction (rolled back for -WhatIf or on error), writes the audit
 * record in that same transaction, and commits durably before returning.
 * Blocking (disk, password hashing): call from a worker thread, never a network loop.
 */
#ifndef CMDLET_INVOKE_H
#define CMDLET_INVOKE_H

#include <jansson.h>

#include "../base/rs_err.h"
#include "../directory/principal.h"

typedef struct rs_services rs_services; /* services.h */

typedef struct invoke_result {
    json_t *value;     /* new reference: JSON array of output objects (may be empty) */
    json_t *warnings;  /* new reference: JSON array of warning strings */
    double hash_s;     /* seconds spent hashing passwords (argon2); set on errors too */
    double hash_cpu_s; /* ... CPU seconds of the calling thread */
} invoke_result;

/* Run `cmdlet` with JSON `params` (borrowed; an object, names matched
 * case-insensitively) as `who` (borrowed) on the endpoint of `service`
 * ("exchange", "sfb" or "msol"). On RS_OK, *out holds new references the caller
 * must json_decref. On error, *out is zeroed and err says why. A cmdlet sent to
 * the wrong service's endpoint is answered as an unknown command. */
rs_status cmdlet_invoke(rs_services *svc, const rs_principal *who, const char *service,
                        const char *cmdlet, json_t *params, invoke_result *out, rs_err *err);

/* Release the references in r (safe on a zeroed result). */
void invoke_result_clear(invoke_result *r);

#endif

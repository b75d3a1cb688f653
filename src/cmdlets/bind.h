/* bind.h - parameter binding against cmdlet_table, shared by the server and
 * the shell: canonical names, type conversion and the PowerShell binder's
 * error texts (spec/cmdlets.md section 3). */
#ifndef CMDLET_BIND_H
#define CMDLET_BIND_H

#include <jansson.h>
#include <stdbool.h>

#include "../base/rs_err.h"
#include "cmdlet_table.h"

/* Bind `in` (borrowed JSON object: parameter name -> value; full names
 * matched case-insensitively; abbreviations are resolved by the shell with
 * cmdlet_param_resolve, as PowerShell's parser does) to def's parameters.
 * On RS_OK *out is a new object keyed by canonical parameter names holding
 * converted values (strings, integers, booleans, arrays, objects; null only
 * where PF_ALLOW_EMPTY). Unknown names, ambiguous prefixes, bad values and
 * missing mandatory parameters fail with PowerShell's texts. */
rs_status cmdlet_bind(const cmdlet_def_t *def, json_t *in, json_t **out, rs_err *err);

/* Accessors on a bound object (borrowed results, valid while b lives). */
bool bp_has(json_t *b, const char *name);
const char *bp_str(json_t *b, const char *name);    /* NULL if absent or null */
int bp_bool(json_t *b, const char *name, int dflt); /* dflt if absent */
long long bp_int(json_t *b, const char *name, long long dflt);
json_t *bp_get(json_t *b, const char *name); /* NULL if absent */

/* Is `s` a syntactically valid FQDN (labels of letters, digits and hyphens)? */
bool cmdlet_valid_fqdn(const char *s);

#endif

/* handlers_audit.c - Search-AdminAuditLog: the audit log of every change an
 * admin made or tried (invoke.c writes one row per change, "Success" or
 * "Error: <text>", secrets masked), filtered as Exchange's cmdlet does. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/rs_util.h"
#include "bind.h"
#include "handlers.h"

#define DEFAULT_DAYS 14 /* without -StartDate/-EndDate, Exchange Online returns 14 days */

static rs_status date_param(hctx *c, const char *name, int64_t *out, rs_err *err)
{
    const char *s = bp_str(c->p, name);
    if (!s)
        return RS_OK;
    if (!rs_time_parse(s, out))
        return rs_raise(err, RS_E_PARAM_CONVERT, name, s,
                        "Microsoft.Exchange.ExchangeSystem.ExDateTime",
                        "String was not recognized as a valid DateTime.");
    return RS_OK;
}

/* Does any element of the string list `filter` match s (case-insensitive,
 * wildcards allowed)? An absent filter matches everything. */
static int matches_any(json_t *filter, const char *s)
{
    if (!filter)
        return 1;
    size_t i;
    json_t *f;
    json_array_foreach(filter, i, f)
    {
        const char *fs = json_string_value(f);
        if (fs && s && rs_wildcard_match(fs, s))
            return 1;
    }
    return 0;
}

/* The object a change was made to, from its parameters. */
static const char *object_of(json_t *params)
{
    static const char *const names[] = {"Identity", "UserPrincipalName", "Name",
                                        "MicrosoftOnlineServicesID", NULL};
    for (const char *const *n = names; *n; n++) {
        const char *key;
        json_t *v;
        json_object_foreach(params, key, v)
        {
            if (rs_streq_ci(key, *n) && json_is_string(v))
                return json_string_value(v);
        }
    }
    return "";
}

typedef struct search_ctx {
    hctx *c;
    int64_t start, end;
    long long skip, limit, count;
    int success; /* -1 any, 0 failures, 1 successes */
    json_t *cmdlets, *params, *objects, *users;
} search_ctx;

static int one_row(void *ud, int64_t seq, int64_t ts_ms, const char *actor, const char *service,
                   const char *cmdlet, json_t *params, const char *outcome)
{
    (void)service;
    search_ctx *x = ud;
    if (ts_ms < x->start)
        return 1; /* newest first: nothing older can match */
    if (ts_ms > x->end)
        return 0;
    int ok = outcome && !strcmp(outcome, "Success");
    const char *object = object_of(params);
    if ((x->success >= 0 && ok != x->success) || !matches_any(x->cmdlets, cmdlet) ||
        !matches_any(x->users, actor) || !matches_any(x->objects, object))
        return 0;
    if (x->params) { /* every named parameter must have been used */
        size_t i;
        json_t *f;
        json_array_foreach(x->params, i, f)
        {
            int used = 0;
            const char *key;
            json_t *v;
            json_object_foreach(params, key, v) used |=
                rs_wildcard_match(json_string_value(f), key);
            if (!used)
                return 0;
        }
    }
    if (x->skip > 0) {
        x->skip--;
        return 0;
    }
    json_t *plist = json_array();
    const char *key;
    json_t *v;
    json_object_foreach(params, key, v)
    {
        char *text = json_is_string(v) ? rs_strdup(json_string_value(v))
                                       : json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
        json_array_append_new(plist, json_pack("{s:s,s:s}", "Name", key, "Value", text));
        free(text);
    }
    char when[64], id[32];
    rs_time_ps(ts_ms, when, sizeof when);
    snprintf(id, sizeof id, "%lld", (long long)seq);
    json_t *o = json_pack(
        "{s:s,s:s,s:s,s:o,s:[],s:s,s:b,s:b,s:s?,s:s,s:s,s:s,s:b,s:s}", "ObjectModified", object,
        "ModifiedObjectResolvedName", object, "CmdletName", cmdlet, "CmdletParameters", plist,
        "ModifiedProperties", "Caller", actor, "ExternalAccess", 0, "Succeeded", ok, "Error",
        ok || !outcome ? NULL : (strncmp(outcome, "Error: ", 7) ? outcome : outcome + 7), "RunDate",
        when, "OriginatingServer", "roomsys", "Identity", id, "IsValid", 1, "ObjectState",
        "Unchanged");
    if (!json_object_get(o, "Error"))
        json_object_set_new(o, "Error", json_null());
    json_array_append_new(x->c->out, o);
    return ++x->count >= x->limit;
}

rs_status h_search_audit(hctx *c, rs_err *err)
{
    int64_t now = rs_time_now_ms();
    search_ctx x = {.c = c,
                    .start = now - DEFAULT_DAYS * 86400000LL,
                    .end = now,
                    .skip = bp_int(c->p, "StartIndex", 0),
                    .limit = bp_int(c->p, "ResultSize", 1000),
                    .success = bp_has(c->p, "IsSuccess") ? bp_bool(c->p, "IsSuccess", 1) : -1,
                    .cmdlets = bp_get(c->p, "Cmdlets"),
                    .params = bp_get(c->p, "Parameters"),
                    .objects = bp_get(c->p, "ObjectIds"),
                    .users = bp_get(c->p, "UserIds")};
    int has_start = bp_has(c->p, "StartDate"), has_end = bp_has(c->p, "EndDate");
    if (has_start || has_end)
        x.start = 0, x.end = INT64_MAX;
    rs_status rc = date_param(c, "StartDate", &x.start, err);
    if (rc == RS_OK)
        rc = date_param(c, "EndDate", &x.end, err);
    if (rc)
        return rc;
    if (x.end < x.start)
        return rs_raise(err, RS_E_EXO_VALUE_INVALID,
                        "The EndDate is earlier than the StartDate; nothing can match.");
    if (bp_bool(c->p, "ExternalAccess", 0) || x.limit == 0)
        return RS_OK; /* no change here is made by Microsoft-internal (external) access */
    return store_audit_each(c->st, c->tid, 1 << 30, one_row, &x, err);
}

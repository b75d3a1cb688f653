/* invoke.c - run one server cmdlet (see invoke.h): service and role checks,
 * binding, password hashing outside the store lock, one transaction with the
 * audit record, durable commit, then registrar side effects. */
#include "invoke.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/rs_log.h"
#include "../base/rs_metrics.h"
#include "../base/rs_util.h"
#include "../sync/sync.h"
#include "bind.h"
#include "handlers.h"

void invoke_result_clear(invoke_result *r)
{
    json_decref(r->value);
    json_decref(r->warnings);
    r->value = r->warnings = NULL;
}

void h_warn(hctx *c, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    json_array_append_new(c->warnings, json_string(buf));
}

void h_drop_user(hctx *c, const char *object_id)
{
    json_t *cs = NULL;
    if (object_id && store_get(c->st, c->tid, "csuser", object_id, &cs, NULL) == RS_OK) {
        const char *sip = json_string_value(json_object_get(cs, "SipAddress"));
        if (sip)
            json_array_append_new(c->drop_aors,
                                  json_string(rs_prefix_ci(sip, "sip:") ? sip + 4 : sip));
    }
    json_decref(cs);
}

const char *h_secret(hctx *c, const char *param, const char **out_phc)
{
    *out_phc = json_string_value(json_object_get(c->hashes, param));
    return bp_str(c->p, param);
}

static const handler_entry *find_handler(const char *service, const char *name)
{
    static const struct {
        const char *service;
        const handler_entry *table;
    } tabs[] = {{"exchange", exchange_handlers}, {"exchange", calendar_handlers},
                {"exchange", place_handlers},    {"exchange", group_handlers},
                {"msol", msol_handlers},         {"msol", role_handlers},
                {"msol", app_handlers},          {"sfb", sfb_handlers}};
    for (size_t t = 0; t < sizeof tabs / sizeof tabs[0]; t++) {
        if (strcmp(service, tabs[t].service))
            continue;
        for (const handler_entry *h = tabs[t].table; h->name; h++)
            if (rs_streq_ci(h->name, name))
                return h;
    }
    return NULL;
}

/* PowerShell common parameters: the shell acts on them; the server accepts
 * them and honours WhatIf. */
static const char *const common_params[] = {"WhatIf",
                                            "Confirm",
                                            "Verbose",
                                            "Debug",
                                            "ErrorAction",
                                            "WarningAction",
                                            "ErrorVariable",
                                            "WarningVariable",
                                            "OutVariable",
                                            "OutBuffer",
                                            "InformationAction",
                                            "InformationVariable",
                                            "PipelineVariable",
                                            NULL};

static const char *service_title(const char *service)
{
    if (!strcmp(service, "exchange"))
        return "Exchange Online remote PowerShell";
    if (!strcmp(service, "sfb"))
        return "Skype for Business Online remote PowerShell";
    return "Azure Active Directory (MSOnline) PowerShell";
}

static unsigned service_right(const char *service)
{
    if (!strcmp(service, "exchange"))
        return RIGHT_EXCHANGE;
    if (!strcmp(service, "sfb"))
        return RIGHT_SFB;
    return RIGHT_MSOL;
}

/* A copy of params (bound, or as sent: names in any case) with secrets
 * replaced, for the audit record. */
static json_t *redact(const cmdlet_def_t *def, json_t *params)
{
    json_t *r = json_deep_copy(params);
    const char *key;
    json_t *v;
    json_object_foreach(r, key, v)
    {
        const cmdlet_param_t *p = cmdlet_param_find(def, key);
        if (p && (p->flags & PF_SECRET))
            json_object_set_new(r, key, json_string("********"));
    }
    return r;
}

/* A change that was refused or failed is audited too ("Error: <text>"), in
 * a transaction of its own since the cmdlet's was rolled back. Best effort:
 * the caller's answer does not depend on it. */
static void audit_failure(rs_services *svc, const rs_principal *who, const char *service,
                          const cmdlet_def_t *def, json_t *params, const rs_err *e)
{
    if (!(def->flags & CF_CHANGES))
        return;
    json_t *red = redact(def, params);
    char *outcome = rs_asprintf("Error: %s", e->msg);
    rs_err e2;
    if (store_begin(svc->st, &e2) == RS_OK) {
        if (store_audit_append(svc->st, who->tenant_id, who->upn, service, def->name, red, outcome,
                               &e2) == RS_OK)
            store_commit(svc->st, &e2);
        else
            store_rollback(svc->st);
    }
    free(outcome);
    json_decref(red);
}

static rs_status invoke_run(rs_services *svc, const rs_principal *who, const char *service,
                            const char *cmdlet, json_t *params, invoke_result *out, rs_err *err);

/* cmdlet_invoke counted in roomsys_cmdlet_invocations_total (the cmdlet label
 * only for names in the cmdlet table, so it stays bounded). */
rs_status cmdlet_invoke(rs_services *svc, const rs_principal *who, const char *service,
                        const char *cmdlet, json_t *params, invoke_result *out, rs_err *err)
{
    rs_status rc = invoke_run(svc, who, service, cmdlet, params, out, err);
    const cmdlet_def_t *def = cmdlet_find(cmdlet);
    rs_metrics_cmdlet(service, def && !strcmp(def->service, service) ? def->name : NULL,
                      rc == RS_OK      ? "success"
                      : rc == RS_EPERM ? "denied"
                                       : "error");
    return rc;
}

static rs_status invoke_run(rs_services *svc, const rs_principal *who, const char *service,
                            const char *cmdlet, json_t *params, invoke_result *out, rs_err *err)
{
    memset(out, 0, sizeof *out);
    const cmdlet_def_t *def = cmdlet_find(cmdlet);
    const handler_entry *h = def ? find_handler(service, def->name) : NULL;
    if (!def || !h || (def->flags & CF_LOCAL) || strcmp(def->service, service))
        return rs_raise(err, RS_E_COMMAND_NOT_FOUND, cmdlet ? cmdlet : "");
    /* The remote-PowerShell access rights (directory.md section 8) gate the
     * PowerShell endpoints only. A Microsoft Graph token (service "graph",
     * admin-api.md section 2) is not a PowerShell session: its holder is
     * checked by role alone, below, as Graph checks directory roles. */
    if (strcmp(who->service, "graph") != 0 && !(who->rights & service_right(service))) {
        rs_raisef(err, RS_E_ACCESS_DENIED,
                  "The user \"%s\" doesn't have %s access. Ask a global administrator to "
                  "grant it, then connect again.",
                  who->upn, service_title(service));
        audit_failure(svc, who, service, def, params, err);
        return err->code;
    }
    if (!(who->roles & (h->roles | ROLE_GLOBAL_ADMIN))) {
        rs_raisef(err, RS_E_ACCESS_DENIED,
                  "The user \"%s\" isn't assigned to any management roles that allow "
                  "running \"%s\". It needs the Global Administrator role%s.",
                  who->upn, def->name,
                  (h->roles & ROLE_EXCHANGE_ADMIN) ? " or the Exchange Administrator role"
                  : (h->roles & ROLE_SFB_ADMIN)    ? " or the Skype for Business Administrator role"
                  : (h->roles & (ROLE_USER_ADMIN | ROLE_LICENSE_ADMIN))
                      ? ", User Administrator or License Administrator role"
                      : "");
        audit_failure(svc, who, service, def, params, err);
        return err->code;
    }

    /* Split off common parameters. */
    json_t *p = json_object();
    int whatif = 0;
    const char *key;
    json_t *v;
    json_object_foreach(params, key, v)
    {
        int common = 0;
        for (const char *const *c = common_params; *c; c++)
            if (rs_streq_ci(key, *c))
                common = 1;
        if (!common) {
            json_object_set(p, key, v);
        } else if (rs_streq_ci(key, "WhatIf") || rs_streq_ci(key, "Confirm")) {
            if (!(def->flags & CF_CHANGES)) {
                json_decref(p);
                return rs_raise(err, RS_E_PARAM_NOT_FOUND, key);
            }
            if (rs_streq_ci(key, "WhatIf"))
                whatif = json_is_true(v);
        }
    }
    json_t *bound = NULL;
    rs_status rc = cmdlet_bind(def, p, &bound, err);
    if (rc && !whatif)
        audit_failure(svc, who, service, def, p, err);
    json_decref(p);
    if (rc)
        return rc;

    /* Hash passwords before taking the store (argon2 is slow by design). */
    json_t *hashes = json_object();
    for (size_t i = 0; i < def->nparams; i++) {
        const char *pw = bp_str(bound, def->params[i].name);
        if ((def->flags & CF_CHANGES) && (def->params[i].flags & PF_SECRET) && pw && *pw) {
            struct timespec h0, h1, c0, c1; /* in the request's log line (hash_s) */
            clock_gettime(CLOCK_MONOTONIC, &h0);
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
            char *phc = svc_password_hash(svc, pw);
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
            clock_gettime(CLOCK_MONOTONIC, &h1);
            out->hash_s +=
                (double)(h1.tv_sec - h0.tv_sec) + (double)(h1.tv_nsec - h0.tv_nsec) / 1e9;
            out->hash_cpu_s +=
                (double)(c1.tv_sec - c0.tv_sec) + (double)(c1.tv_nsec - c0.tv_nsec) / 1e9;
            json_object_set_new(hashes, def->params[i].name, json_string(phc));
            free(phc);
        }
    }
    /* With zero lag, changes reach Skype for Business before any SfB cmdlet. */
    if (!strcmp(service, "sfb"))
        sync_pump(svc->st, rs_time_now_ms(), NULL, NULL);

    hctx c = {0};
    c.svc = svc;
    c.st = svc->st;
    c.ds = &svc->ds;
    c.who = who;
    c.def = def;
    c.tid = who->tenant_id;
    c.p = bound;
    c.hashes = hashes;
    c.out = json_array();
    c.warnings = json_array();
    c.drop_aors = json_array();
    snprintf(c.dc, sizeof c.dc, "DC1.%s", who->tenant_domain);

    if ((rc = store_begin(svc->st, err)))
        goto done;
    rc = dir_tenant_get(svc->st, c.tid, &c.tenant, err);
    if (rc == RS_OK && !strcmp(service, "exchange") &&
        !json_is_true(json_object_get(c.tenant, "ExchangeEnabled")))
        rc = rs_raisef(err, RS_E_TENANT_PREREQ,
                       "Exchange Online is not enabled for the tenant \"%s\". Enable it "
                       "(exchange_enabled = true in the tenant's configuration), then run the "
                       "command again.",
                       who->tenant_domain);
    if (rc == RS_OK)
        rc = h->fn(&c, err);
    if (rc == RS_OK && c.tenant_dirty)
        rc = dir_tenant_put(svc->st, c.tenant, err);
    if (rc == RS_OK && (def->flags & CF_CHANGES) && !whatif) {
        json_t *red = redact(def, bound);
        rc = store_audit_append(svc->st, c.tid, who->upn, service, def->name, red, "Success", err);
        json_decref(red);
    }
    if (rc || whatif) {
        store_rollback(svc->st);
        if (rc && !whatif)
            audit_failure(svc, who, service, def, bound, err);
        if (rc == RS_OK) { /* -WhatIf: report, change nothing */
            /* PowerShell's ShouldProcess text; the shell prints warnings that start
             * with "What if: " as host lines, as PowerShell does */
            const char *tp = cmdlet_target_param(def);
            const char *target = tp ? bp_str(bound, tp) : NULL;
            json_decref(c.out);
            c.out = json_array();
            json_array_clear(c.warnings);
            h_warn(&c, "What if: Performing the operation \"%s\" on target \"%s\".",
                   cmdlet_action(def), target ? target : "");
        }
    } else {
        rc = store_commit(svc->st, err);
    }
    if (rc == RS_OK && !whatif && svc->reg.drop) {
        size_t i;
        json_array_foreach(c.drop_aors, i, v) svc->reg.drop(svc->reg.ud, json_string_value(v));
    }
    if (rc == RS_OK && !whatif && c.after)
        c.after(&c);
done:
    rs_log(rc ? RS_LOG_WARNING : RS_LOG_INFO, NULL, "cmdlet %s by %s: %s", def->name, who->upn,
           rc ? rs_strerror(rc) : "ok");
    if (rc == RS_OK) {
        out->value = c.out;
        out->warnings = c.warnings;
    } else {
        json_decref(c.out);
        json_decref(c.warnings);
    }
    json_decref(c.drop_aors);
    json_decref(c.after_data);
    json_decref(c.tenant);
    json_decref(hashes);
    json_decref(bound);
    return rc;
}

/* services_ops.c - figures for operations (/metrics): licences per SKU over
 * all tenants and the directory-sync lag (services.h svc_ops_figures). */
#include <stdio.h>
#include <string.h>

#include "../base/rs_util.h"
#include "../sync/sync.h"
#include "services_int.h"

typedef struct ops_ctx {
    rs_services *svc;
    svc_ops *out;
    int64_t now;
    rs_status rc;
    rs_err *err;
} ops_ctx;

static void add_sku(svc_ops *f, const char *sku, long long enabled, long long consumed)
{
    int i = 0;
    while (i < f->nskus && strcmp(f->skus[i].sku, sku))
        i++;
    if (i == f->nskus) {
        if (f->nskus == SVC_OPS_MAX_SKUS)
            return;
        f->nskus++;
        snprintf(f->skus[i].sku, sizeof f->skus[i].sku, "%s", sku);
    }
    f->skus[i].enabled += enabled;
    f->skus[i].consumed += consumed;
}

static int one_tenant(void *ud, const char *id, json_t *doc)
{
    ops_ctx *x = ud;
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(doc, "Subscriptions"), i, s)
    {
        const char *part = json_string_value(json_object_get(s, "SkuPartNumber"));
        json_t *cat = part ? dir_sku_find(part) : NULL;
        const char *name = json_string_value(json_object_get(cat, "SkuPartNumber"));
        if (!name) /* only catalogue SKUs: the label set stays bounded */
            continue;
        add_sku(x->out, name, json_integer_value(json_object_get(s, "ActiveUnits")),
                json_integer_value(json_object_get(s, "ConsumedUnits")));
    }
    sync_status ss;
    rs_status rc = sync_tenant_status(x->svc->st, id, x->now, &ss, x->err);
    if (rc != RS_OK) {
        x->rc = rc;
        return 1;
    }
    x->out->sync_pending += ss.pending;
    if (ss.oldest_due_ms > 0 && ss.oldest_due_ms <= x->now) {
        double lag = (double)(x->now - ss.oldest_due_ms) / 1000.0;
        if (lag > x->out->sync_lag_s)
            x->out->sync_lag_s = lag;
    }
    return 0;
}

rs_status svc_ops_figures(rs_services *svc, svc_ops *out, rs_err *err)
{
    memset(out, 0, sizeof *out);
    ops_ctx x = {.svc = svc, .out = out, .now = rs_time_now_ms(), .rc = RS_OK, .err = err};
    rs_status rc = dir_tenant_each(svc->st, one_tenant, &x, err);
    return rc != RS_OK ? rc : x.rc;
}

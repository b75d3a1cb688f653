/* handlers_apps.c - app registrations (MSOnline service principals) and
 * their password credentials, for the OAuth2 client-credentials grant:
 * New-, Get-, Remove-MsolServicePrincipal and New-, Get-,
 * Remove-MsolServicePrincipalCredential. A secret is shown once, when roomsys
 * generates it; only verifiers are stored (dir_app.c says which). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/rs_util.h"
#include "../directory/dir_app.h"
#include "bind.h"
#include "handlers.h"

#define YEAR_MS (365LL * 86400 * 1000)

/* The service principal named by -ObjectId, -AppPrincipalId or -ServicePrincipalName. */
static rs_status param_app(hctx *c, json_t **out, rs_err *err)
{
    const char *id = bp_str(c->p, "ObjectId");
    if (!id)
        id = bp_str(c->p, "AppPrincipalId");
    if (!id)
        id = bp_str(c->p, "ServicePrincipalName");
    if (!id)
        return rs_raise(err, RS_E_PARAM_SET,
                        "Specify -ObjectId, -AppPrincipalId or -ServicePrincipalName.");
    rs_status rc = dir_app_find(c->st, c->tid, id, out, err);
    return rc == RS_ENOTFOUND ? rs_raise(err, RS_E_MSOL_SP_NOT_FOUND, id) : rc;
}

/* Add the password credential that -Type/-Value/-StartDate/-EndDate describe
 * (a generated one when -Value is absent: *generated then receives it). */
static rs_status add_credential(hctx *c, json_t *app, char generated[48], rs_err *err)
{
    generated[0] = '\0';
    const char *type = bp_str(c->p, "Type");
    if (type && !rs_streq_ci(type, "Password"))
        return rs_raisef(err, RS_E_EXO_VALUE_INVALID,
                         "Credential type '%s' is not supported by roomsys: use -Type Password "
                         "(client secrets for the client-credentials grant).",
                         type);
    const char *usage = bp_str(c->p, "Usage");
    if (usage && !rs_streq_ci(usage, "Verify"))
        return rs_raisef(err, RS_E_EXO_VALUE_INVALID,
                         "A password credential is used to verify the app's sign-in: -Usage "
                         "must be Verify, not '%s'.",
                         usage);
    int64_t now = rs_time_now_ms(), start = now, end;
    const char *s = bp_str(c->p, "StartDate"), *e = bp_str(c->p, "EndDate");
    if (s && !rs_time_parse(s, &start))
        return rs_raisef(err, RS_E_EXO_VALUE_INVALID, "StartDate '%s' is not a date.", s);
    end = start + YEAR_MS;
    if (e && !rs_time_parse(e, &end))
        return rs_raisef(err, RS_E_EXO_VALUE_INVALID, "EndDate '%s' is not a date.", e);
    if (end <= start)
        return rs_raise(err, RS_E_EXO_VALUE_INVALID, "EndDate must be later than StartDate.");
    const char *phc = NULL;
    const char *value = h_secret(c, "Value", &phc);
    char key_id[37];
    if (value && *value) {
        if (strlen(value) < 16)
            return rs_raise(err, RS_E_EXO_VALUE_INVALID,
                            "A client secret must have at least 16 characters. Leave -Value out "
                            "to have roomsys generate a strong one.");
        if (!phc)
            return rs_errf(err, RS_EINTERNAL, "the secret was not hashed");
        dir_app_add_password(app, phc, start, end, key_id);
    } else {
        dir_app_secret_new(generated);
        char *v = dir_app_secret_hash(generated);
        dir_app_add_password(app, v, start, end, key_id);
        free(v);
    }
    return RS_OK;
}

static void show_generated(hctx *c, json_t *view, char generated[48])
{
    if (!generated[0])
        return;
    json_object_set_new(view, "GeneratedSecret", json_string(generated));
    /* MSOnline's own words; the secret is in this answer only (never stored,
     * logged or audited) */
    h_warn(c,
           "The following password was created as one was not supplied: %s (also in the "
           "GeneratedSecret property). It is shown only this once: store it now.",
           generated);
    rs_wipe(generated, 48);
}

static rs_status h_new_sp(hctx *c, rs_err *err)
{
    const char *name = bp_str(c->p, "DisplayName");
    const char *aid = bp_str(c->p, "AppPrincipalId");
    if (!name || !*name || strlen(name) > 256)
        return rs_raise(err, RS_E_EXO_VALUE_INVALID,
                        "DisplayName must have between 1 and 256 characters.");
    if (aid && !rs_is_guid(aid))
        return rs_raisef(err, RS_E_EXO_VALUE_INVALID, "AppPrincipalId '%s' is not a GUID.", aid);
    json_t *app = dir_app_new(name, aid), *existing = NULL;
    const char *app_id = json_string_value(json_object_get(app, "AppPrincipalId"));
    rs_status rc = RS_OK;
    if (dir_app_find(c->st, c->tid, app_id, &existing, NULL) == RS_OK)
        rc = rs_raise(err, RS_E_MSOL_SP_EXISTS, app_id);
    json_decref(existing);
    json_t *spns = bp_get(c->p, "ServicePrincipalNames");
    size_t i;
    json_t *v;
    json_array_foreach(spns, i, v)
    {
        if (json_is_string(v) && strcmp(json_string_value(v), app_id))
            json_array_append(json_object_get(app, "ServicePrincipalNames"), v);
    }
    if (json_is_string(spns) && strcmp(json_string_value(spns), app_id))
        json_array_append(json_object_get(app, "ServicePrincipalNames"), spns);
    if (bp_has(c->p, "AccountEnabled"))
        json_object_set_new(app, "AccountEnabled",
                            json_boolean(bp_bool(c->p, "AccountEnabled", 1)));
    char generated[48];
    if (rc == RS_OK)
        rc = add_credential(c, app, generated, err);
    if (rc == RS_OK)
        rc = dir_app_create(c->st, c->tid, app, err);
    if (rc == RS_ECONFLICT)
        rc = rs_raise(err, RS_E_MSOL_SP_EXISTS, app_id);
    if (rc == RS_OK) {
        json_t *view = dir_app_msol_view(app);
        show_generated(c, view, generated);
        json_array_append_new(c->out, view);
    }
    rs_wipe(generated, sizeof generated);
    json_decref(app);
    return rc;
}

static int list_app(void *ud, const char *id, json_t *app)
{
    (void)id;
    hctx *c = ud;
    json_array_append_new(c->out, dir_app_msol_view(app));
    return 0;
}

static rs_status h_get_sp(hctx *c, rs_err *err)
{
    if (bp_str(c->p, "ObjectId") || bp_str(c->p, "AppPrincipalId") ||
        bp_str(c->p, "ServicePrincipalName")) {
        json_t *app = NULL;
        rs_status rc = param_app(c, &app, err);
        if (rc == RS_OK)
            json_array_append_new(c->out, dir_app_msol_view(app));
        json_decref(app);
        return rc;
    }
    rs_status rc = dir_app_each(c->st, c->tid, list_app, c, err);
    long long max = bp_int(c->p, "MaxResults", 500);
    if (rc == RS_OK && !bp_bool(c->p, "All", 0))
        while (json_array_size(c->out) > (size_t)max)
            json_array_remove(c->out, json_array_size(c->out) - 1);
    return rc;
}

static rs_status h_remove_sp(hctx *c, rs_err *err)
{
    json_t *app = NULL;
    rs_status rc = param_app(c, &app, err);
    if (rc == RS_OK)
        rc = dir_app_delete(c->st, c->tid, app, err);
    json_decref(app);
    return rc;
}

static rs_status h_new_cred(hctx *c, rs_err *err)
{
    json_t *app = NULL;
    char generated[48] = "";
    rs_status rc = param_app(c, &app, err);
    if (rc == RS_OK)
        rc = add_credential(c, app, generated, err);
    if (rc == RS_OK)
        rc = dir_app_save(c->st, c->tid, app, err);
    if (rc == RS_OK && generated[0]) {
        json_t *views = dir_app_credential_views(app);
        json_t *view = json_incref(json_array_get(views, json_array_size(views) - 1));
        json_decref(views);
        show_generated(c, view, generated);
        json_array_append_new(c->out, view);
    }
    rs_wipe(generated, sizeof generated);
    json_decref(app);
    return rc;
}

static rs_status h_get_cred(hctx *c, rs_err *err)
{
    json_t *app = NULL;
    rs_status rc = param_app(c, &app, err);
    if (rc == RS_OK) {
        json_t *views = dir_app_credential_views(app);
        json_array_extend(c->out, views);
        json_decref(views);
    }
    json_decref(app);
    return rc;
}

static rs_status h_remove_cred(hctx *c, rs_err *err)
{
    json_t *app = NULL;
    rs_status rc = param_app(c, &app, err);
    json_t *ids = bp_get(c->p, "KeyIds");
    json_t *one = json_is_string(ids) ? json_pack("[O]", ids) : json_incref(ids);
    json_t *creds = json_object_get(app, "Credentials");
    size_t i;
    json_t *v;
    json_array_foreach(one, i, v)
    {
        if (rc != RS_OK)
            break;
        const char *kid = json_string_value(v);
        bool found = false;
        for (size_t k = 0; kid && k < json_array_size(creds); k++) {
            if (rs_streq_ci(json_string_value(json_object_get(json_array_get(creds, k), "KeyId")),
                            kid)) {
                json_array_remove(creds, k);
                found = true;
                break;
            }
        }
        if (!found)
            rc = rs_raise(err, RS_E_MSOL_SP_CREDENTIAL_NOT_FOUND, kid ? kid : "");
    }
    if (rc == RS_OK)
        rc = dir_app_save(c->st, c->tid, app, err);
    json_decref(one);
    json_decref(app);
    return rc;
}

const handler_entry app_handlers[] = {
    {"New-MsolServicePrincipal", h_new_sp, 0}, /* Global Administrator only */
    {"Get-MsolServicePrincipal", h_get_sp, ROLE_GLOBAL_READER},
    {"Remove-MsolServicePrincipal", h_remove_sp, 0},
    {"New-MsolServicePrincipalCredential", h_new_cred, 0},
    {"Get-MsolServicePrincipalCredential", h_get_cred, ROLE_GLOBAL_READER},
    {"Remove-MsolServicePrincipalCredential", h_remove_cred, 0},
    {NULL, NULL, 0},
};

/* handlers_exchange.c - Exchange Online cmdlets (cmdlets.md section 6):
 * New-, Set-, Get-, Remove-Mailbox and Set-/Get-CalendarProcessing. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/rs_util.h"
#include "../exchange/exchange.h"
#include "bind.h"
#include "handlers.h"

#define MAILTIP_MAX 175

/* The directory user behind a mailbox (new reference) or NULL. */
static json_t *mailbox_user(hctx *c, json_t *mbx)
{
    json_t *u = NULL;
    dir_user_find(c->st, c->tid,
                  json_string_value(json_object_get(mbx, "ExternalDirectoryObjectId")), &u, NULL);
    return u;
}

/* Set the room account's password from -RoomMailboxPassword (or -Password). */
static rs_status set_room_password(hctx *c, json_t *user, const char *param, rs_err *err)
{
    const char *phc;
    const char *pw = h_secret(c, param, &phc);
    if (!pw || !phc)
        return RS_OK;
    rs_status rc = dir_password_check(
        c->tenant, json_string_value(json_object_get(user, "UserPrincipalName")), pw, err);
    if (rc)
        return rc;
    dir_user_set_password(user, phc, pw, rs_time_now_ms());
    json_object_set_new(user, "ForceChangePassword", json_false());
    return RS_OK;
}

/* Alias from a name: spaces removed, characters outside the alias set -> '?'
 * (cmdlets.md 6.1). Caller frees. */
static char *alias_from(const char *s, size_t n)
{
    rs_buf b = {0};
    for (size_t i = 0; i < n && s[i]; i++) {
        char ch = s[i];
        if (ch == ' ')
            continue;
        rs_buf_putc(&b,
                    (isalnum((unsigned char)ch) || strchr("!#$%&'*+-/=?^_`{|}~.", ch)) ? ch : '?');
    }
    return rs_buf_take(&b);
}

static rs_status h_new_mailbox(hctx *c, rs_err *err)
{
    const char *name = bp_str(c->p, "Name");
    if (!bp_bool(c->p, "Room", 0))
        return rs_raise(err, RS_E_EXO_VALUE_INVALID,
                        "roomsys provisions room mailboxes only: add -Room to New-Mailbox.");
    rs_status rc = exo_check_name(name, err);
    if (rc)
        return rc;
    const char *upn = bp_str(c->p, "MicrosoftOnlineServicesID");
    if (!upn)
        upn = bp_str(c->p, "UserPrincipalName");
    if (!upn)
        upn = bp_str(c->p, "PrimarySmtpAddress");
    char *alias = bp_str(c->p, "Alias") ? rs_strdup(bp_str(c->p, "Alias"))
                  : upn                 ? alias_from(upn, strcspn(upn, "@"))
                                        : alias_from(name, strlen(name));
    char *smtp = upn ? rs_strdup(upn)
                     : rs_asprintf("%s@%s", alias,
                                   json_string_value(json_object_get(c->tenant, "InitialDomain")));
    json_t *user = NULL, *mbx = NULL;
    /* the address's domain first: nothing about this tenant's (or any other
     * tenant's) names may show through for an address it does not own */
    const char *at = strchr(smtp, '@');
    if (!at || !dir_tenant_has_domain(c->tenant, at + 1)) {
        rc = rs_raise(err, RS_E_MSOL_DOMAIN_UNKNOWN, smtp);
        goto out;
    }
    if ((rc = exo_check_alias(alias, err)))
        goto out;
    int enable = bp_bool(c->p, "EnableRoomMailboxAccount", -1);
    const char *pwparam = bp_has(c->p, "RoomMailboxPassword") ? "RoomMailboxPassword" : "Password";
    if (enable == 1 && !bp_str(c->p, pwparam)) {
        rc = rs_raise(err, RS_E_EXO_ROOM_PASSWORD_REQUIRED);
        goto out;
    }
    user = dir_user_new(smtp, bp_str(c->p, "DisplayName") ? bp_str(c->p, "DisplayName") : name);
    json_object_set_new(user, "IsResource", json_true());
    json_object_set_new(user, "AccountEnabled", json_boolean(enable != 0));
    if ((rc = set_room_password(c, user, pwparam, err)))
        goto out;
    mbx = exo_room_new(name, alias, bp_str(c->p, "DisplayName"), smtp,
                       json_string_value(json_object_get(user, "ObjectId")));
    if (bp_has(c->p, "ResourceCapacity"))
        json_object_set(mbx, "ResourceCapacity", bp_get(c->p, "ResourceCapacity"));
    if (bp_has(c->p, "Office"))
        json_object_set(mbx, "Office", bp_get(c->p, "Office"));
    if (bp_has(c->p, "Phone"))
        json_object_set(mbx, "Phone", bp_get(c->p, "Phone"));
    /* The mailbox first, so a used address gets Exchange's error (E12). */
    if ((rc = exo_mailbox_create(c->st, c->tid, mbx, err)) ||
        (rc = dir_user_create(c->st, c->tid, c->tenant, user, c->ds, err)))
        goto out;
    json_array_append_new(c->out, exo_mailbox_view(mbx, user));
out:
    json_decref(user);
    json_decref(mbx);
    free(alias);
    free(smtp);
    return rc;
}

/* Validate "Culture:Text" MailTip translations. */
static rs_status check_translation(const char *t, rs_err *err)
{
    const char *colon = t ? strchr(t, ':') : NULL;
    size_t cl = colon ? (size_t)(colon - t) : 0;
    if (!colon || !(cl == 2 || (cl == 7 && !strncasecmp(t, "default", 7))) ||
        strlen(colon + 1) > MAILTIP_MAX)
        return rs_raise(err, RS_E_EXO_VALUE_INVALID,
                        "MailTipTranslations entries must look like \"ES:text\" (a two-letter "
                        "language code, a colon, and at most 175 characters of text).");
    return RS_OK;
}

static rs_status apply_translations(json_t *mbx, json_t *v, rs_err *err)
{
    json_t *list = json_object_get(mbx, "MailTipTranslations");
    json_t *add = NULL, *remove = NULL;
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x)
        {
            if (rs_streq_ci(k, "Add"))
                add = x;
            else if (rs_streq_ci(k, "Remove"))
                remove = x;
            else if (strcmp(k, "@odata.type"))
                return rs_raise(err, RS_E_EXO_VALUE_INVALID,
                                "A multi-valued property hashtable may contain only the keys "
                                "Add and Remove.");
        }
    } else {
        list = json_array();
        json_object_set_new(mbx, "MailTipTranslations", list);
        add = v;
    }
    json_t *adds = json_is_array(add) ? json_incref(add)
                   : add              ? json_pack("[O]", add)
                                      : json_array();
    json_t *rems = json_is_array(remove) ? json_incref(remove)
                   : remove              ? json_pack("[O]", remove)
                                         : json_array();
    size_t i, j;
    json_t *x, *y;
    rs_status rc = RS_OK;
    json_array_foreach(rems, i, x)
    {
        for (j = 0; j < json_array_size(list); j++) {
            y = json_array_get(list, j);
            if (rs_streq_ci(json_string_value(y), json_string_value(x))) {
                json_array_remove(list, j);
                break;
            }
        }
    }
    json_array_foreach(adds, i, x)
    {
        if ((rc = check_translation(json_string_value(x), err)))
            break;
        json_array_append(list, x);
    }
    json_decref(adds);
    json_decref(rems);
    return rc;
}

static rs_status h_set_mailbox(hctx *c, rs_err *err)
{
    json_t *mbx = NULL, *user = NULL, *old = NULL;
    rs_status rc = exo_mailbox_resolve(c->st, c->tid, bp_str(c->p, "Identity"), c->dc, &mbx, err);
    if (rc)
        return rc;
    old = json_deep_copy(mbx);
    user = mailbox_user(c, mbx);
    json_t *user_before = json_deep_copy(user);
    int is_room =
        rs_streq_ci(json_string_value(json_object_get(mbx, "RecipientTypeDetails")), "RoomMailbox");
    if (bp_has(c->p, "Type")) {
        static const struct {
            const char *type, *details, *resource;
        } types[] = {{"Regular", "UserMailbox", NULL},
                     {"Room", "RoomMailbox", "Room"},
                     {"Equipment", "EquipmentMailbox", "Equipment"},
                     {"Shared", "SharedMailbox", NULL},
                     {"Workspace", "WorkspaceMailbox", "Room"},
                     {"Desk", "DeskMailbox", NULL}};
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
            if (!rs_streq_ci(types[i].type, bp_str(c->p, "Type")))
                continue;
            json_object_set_new(mbx, "RecipientTypeDetails", json_string(types[i].details));
            json_object_set_new(mbx, "ResourceType",
                                types[i].resource ? json_string(types[i].resource) : json_null());
            json_object_set_new(mbx, "IsResource", json_boolean(types[i].resource != NULL));
        }
        is_room = rs_streq_ci(json_string_value(json_object_get(mbx, "RecipientTypeDetails")),
                              "RoomMailbox");
    }
    if (bp_has(c->p, "EnableRoomMailboxAccount") || bp_has(c->p, "RoomMailboxPassword")) {
        if (!is_room) {
            rc = rs_raise(err, RS_E_EXO_ROOM_ONLY,
                          bp_has(c->p, "EnableRoomMailboxAccount") ? "EnableRoomMailboxAccount"
                                                                   : "RoomMailboxPassword");
            goto out;
        }
        int enable = bp_bool(c->p, "EnableRoomMailboxAccount", -1);
        if (enable == 1 && !bp_str(c->p, "RoomMailboxPassword") &&
            !json_is_string(json_object_get(user, "PasswordVerifier"))) {
            rc = rs_raise(err, RS_E_EXO_ROOM_PASSWORD_REQUIRED);
            goto out;
        }
        if (enable != -1) {
            json_object_set_new(user, "AccountEnabled", json_boolean(enable));
            if (!enable)
                h_drop_user(c,
                            json_string_value(json_object_get(mbx, "ExternalDirectoryObjectId")));
        }
        if ((rc = set_room_password(c, user, "RoomMailboxPassword", err)))
            goto out;
    }
    if (bp_has(c->p, "MailTip")) {
        const char *tip = bp_str(c->p, "MailTip");
        if (tip && strlen(tip) > MAILTIP_MAX) {
            rc = rs_raise(err, RS_E_EXO_VALUE_INVALID,
                          "The MailTip is too long: at most 175 characters are allowed.");
            goto out;
        }
        json_object_set_new(mbx, "MailTip", tip && *tip ? json_string(tip) : json_null());
        json_t *list = json_object_get(mbx, "MailTipTranslations");
        for (size_t i = 0; i < json_array_size(list); i++)
            if (rs_prefix_ci(json_string_value(json_array_get(list, i)), "default:"))
                json_array_remove(list, i--);
        if (tip && *tip) {
            char *d = rs_asprintf("default:%s", tip);
            json_array_insert_new(list, 0, json_string(d));
            free(d);
        }
    }
    if (bp_has(c->p, "MailTipTranslations") &&
        (rc = apply_translations(mbx, bp_get(c->p, "MailTipTranslations"), err)))
        goto out;
    if (bp_has(c->p, "ResourceCapacity"))
        json_object_set(mbx, "ResourceCapacity", bp_get(c->p, "ResourceCapacity"));
    if (bp_has(c->p, "Name")) {
        if ((rc = exo_check_name(bp_str(c->p, "Name"), err)))
            goto out;
        json_object_set(mbx, "Name", bp_get(c->p, "Name"));
    }
    if (bp_has(c->p, "Alias")) {
        if ((rc = exo_check_alias(bp_str(c->p, "Alias"), err)))
            goto out;
        json_object_set(mbx, "Alias", bp_get(c->p, "Alias"));
    }
    if (bp_has(c->p, "DisplayName")) {
        json_object_set(mbx, "DisplayName", bp_get(c->p, "DisplayName"));
        if (user)
            json_object_set(user, "DisplayName", bp_get(c->p, "DisplayName"));
    }
    int mbx_changed = !json_equal(old, mbx);
    int user_changed = user && !json_equal(user_before, user);
    if (mbx_changed && (rc = exo_mailbox_save(c->st, c->tid, old, mbx, err)))
        goto out;
    if (user_changed && (rc = dir_user_save(c->st, c->tid, user, c->ds, err)))
        goto out;
    if (!mbx_changed && !user_changed)
        h_warn(c, "The command completed successfully but no settings of '%s' have been modified.",
               bp_str(c->p, "Identity"));
out:
    json_decref(user_before);
    json_decref(old);
    json_decref(mbx);
    json_decref(user);
    return rc;
}

typedef struct list_ctx {
    hctx *c;
    const char *type;
    const char *anr;
    long long limit;
    long long count;
    int calproc;
} list_ctx;

static int list_one(void *ud, const char *id, json_t *mbx)
{
    list_ctx *l = ud;
    if (l->type &&
        !rs_streq_ci(l->type, json_string_value(json_object_get(mbx, "RecipientTypeDetails"))))
        return 0;
    if (l->anr && !rs_prefix_ci(json_string_value(json_object_get(mbx, "Name")), l->anr) &&
        !rs_prefix_ci(json_string_value(json_object_get(mbx, "DisplayName")), l->anr) &&
        !rs_prefix_ci(json_string_value(json_object_get(mbx, "Alias")), l->anr))
        return 0;
    if (l->limit >= 0 && l->count >= l->limit) {
        l->count++;
        return 1;
    }
    l->count++;
    if (l->calproc) {
        json_array_append_new(l->c->out, exo_calproc_view(mbx));
    } else {
        json_t *user = mailbox_user(l->c, mbx);
        json_array_append_new(l->c->out, exo_mailbox_view(mbx, user));
        json_decref(user);
    }
    return 0;
}

static rs_status parse_result_size(hctx *c, long long *out, rs_err *err)
{
    const char *rs = bp_str(c->p, "ResultSize");
    *out = 1000;
    if (!rs)
        return RS_OK;
    if (rs_streq_ci(rs, "Unlimited")) {
        *out = -1;
        return RS_OK;
    }
    char *end;
    long long n = strtoll(rs, &end, 10);
    if (!*rs || *end || n < 0 || n > 4294967295LL)
        return rs_raise(err, RS_E_PARAM_CONVERT, "ResultSize", rs,
                        "Microsoft.Exchange.Data.Unlimited`1[System.UInt32]",
                        "The value must be a number or Unlimited.");
    *out = n;
    return RS_OK;
}

static rs_status list_or_one(hctx *c, int calproc, rs_err *err)
{
    const char *id = bp_str(c->p, "Identity");
    if (id) {
        json_t *mbx = NULL;
        rs_status rc = exo_mailbox_resolve(c->st, c->tid, id, c->dc, &mbx, err);
        if (rc)
            return rc;
        list_ctx l = {c, NULL, NULL, -1, 0, calproc};
        list_one(&l, NULL, mbx);
        json_decref(mbx);
        return RS_OK;
    }
    list_ctx l = {c, bp_str(c->p, "RecipientTypeDetails"), bp_str(c->p, "Anr"), 0, 0, calproc};
    rs_status rc = parse_result_size(c, &l.limit, err);
    if (rc == RS_OK)
        rc = exo_mailbox_each(c->st, c->tid, list_one, &l, err);
    if (rc == RS_OK && l.limit >= 0 && l.count > l.limit && !bp_has(c->p, "ResultSize"))
        h_warn(c, "By default, only the first 1000 items are returned. Use the ResultSize "
                  "parameter to specify the number of items returned. To return all items, "
                  "specify \"-ResultSize Unlimited\". Be aware that, depending on the actual "
                  "number of items, returning all items can take a long time and consume a "
                  "large amount of memory.");
    return rc;
}

static rs_status h_get_mailbox(hctx *c, rs_err *err)
{
    return list_or_one(c, 0, err);
}

static rs_status h_get_calproc(hctx *c, rs_err *err)
{
    return list_or_one(c, 1, err);
}

static rs_status h_remove_mailbox(hctx *c, rs_err *err)
{
    json_t *mbx = NULL;
    rs_status rc = exo_mailbox_resolve(c->st, c->tid, bp_str(c->p, "Identity"), c->dc, &mbx, err);
    if (rc)
        return rc;
    json_t *user = mailbox_user(c, mbx);
    rc = exo_mailbox_delete(c->st, c->tid, mbx, err);
    if (rc == RS_OK && user)
        rc = dir_user_delete(c->st, c->tid, user, c->ds, err);
    h_drop_user(c, json_string_value(json_object_get(mbx, "ExternalDirectoryObjectId")));
    json_decref(user);
    json_decref(mbx);
    return rc;
}

/* Resolve recipient lists (BookInPolicy, ...) to primary SMTP addresses; E2 when unknown. */
static rs_status resolve_recipients(hctx *c, json_t *in, json_t **out, rs_err *err)
{
    *out = json_array();
    size_t i;
    json_t *v;
    json_array_foreach(in, i, v)
    {
        const char *id = json_string_value(v);
        json_t *m = NULL, *u = NULL;
        if (exo_mailbox_resolve(c->st, c->tid, id, c->dc, &m, NULL) == RS_OK) {
            json_array_append(*out, json_object_get(m, "PrimarySmtpAddress"));
            json_decref(m);
        } else if (dir_user_find(c->st, c->tid, id, &u, NULL) == RS_OK) {
            json_array_append(*out, json_object_get(u, "UserPrincipalName"));
            json_decref(u);
        } else {
            json_decref(*out);
            *out = NULL;
            return rs_raise(err, RS_E_EXO_REF_NOT_FOUND, id);
        }
    }
    return RS_OK;
}

static rs_status h_set_calproc(hctx *c, rs_err *err)
{
    json_t *mbx = NULL;
    rs_status rc = exo_mailbox_resolve(c->st, c->tid, bp_str(c->p, "Identity"), c->dc, &mbx, err);
    if (rc)
        return rc;
    if (!json_is_true(json_object_get(mbx, "IsResource"))) {
        rc = rs_raise(err, RS_E_EXO_NOT_RESOURCE, bp_str(c->p, "Identity"));
        json_decref(mbx);
        return rc;
    }
    json_t *cp = json_object_get(mbx, "CalendarProcessing");
    json_t *before = json_deep_copy(cp);
    const char *key;
    json_t *v;
    json_object_foreach(c->p, key, v)
    {
        if (!strcmp(key, "Identity") || !strcmp(key, "DomainController"))
            continue;
        const cmdlet_param_t *pd = cmdlet_param_find(c->def, key);
        if (pd && pd->type == PT_IDENTITIES) {
            json_t *list = NULL;
            if (!json_is_null(v) && (rc = resolve_recipients(c, v, &list, err)))
                break;
            json_object_set_new(cp, key, list ? list : json_array());
        } else {
            json_object_set(cp, key, json_is_null(v) ? json_string("") : v);
        }
    }
    if (rc == RS_OK && json_equal(before, cp))
        h_warn(c, "The command completed successfully but no settings of '%s' have been modified.",
               bp_str(c->p, "Identity"));
    else if (rc == RS_OK)
        rc = exo_mailbox_save(c->st, c->tid, NULL, mbx, err);
    json_decref(before);
    json_decref(mbx);
    return rc;
}

#define EXO_ROLES (ROLE_EXCHANGE_ADMIN)
const handler_entry exchange_handlers[] = {
    {"New-Mailbox", h_new_mailbox, EXO_ROLES},
    {"Set-Mailbox", h_set_mailbox, EXO_ROLES},
    {"Get-Mailbox", h_get_mailbox, EXO_ROLES | ROLE_GLOBAL_READER},
    {"Remove-Mailbox", h_remove_mailbox, EXO_ROLES},
    {"Set-CalendarProcessing", h_set_calproc, EXO_ROLES},
    {"Get-CalendarProcessing", h_get_calproc, EXO_ROLES | ROLE_GLOBAL_READER},
    {"Search-AdminAuditLog", h_search_audit, ROLE_GLOBAL_READER}, /* directory.md section 9 */
    {NULL, NULL, 0},
};

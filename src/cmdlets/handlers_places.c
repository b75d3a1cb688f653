/* handlers_places.c - Set-Place and Get-Place (Exchange Online; Microsoft's
 * Set-Place reference): a room mailbox's place metadata (building, floor,
 * devices, accessibility, address, tags) as Graph's /places serves it. The
 * fields live on the mailbox record in a "Place" object; Capacity is the
 * mailbox's ResourceCapacity, as in Exchange Online. */
#include <stdlib.h>
#include <string.h>

#include "../base/rs_util.h"
#include "../exchange/exchange.h"
#include "bind.h"
#include "handlers.h"

#define PLACE_TEXT_MAX 256
#define PLACE_TAGS_MAX 64

static const char *const place_strings[] = {
    "Building",          "FloorLabel", "AudioDeviceName", "VideoDeviceName",
    "DisplayDeviceName", "City",       "Street",          "State",
    "PostalCode",        "Phone",      "Label",           NULL};

static bool is_place(json_t *mbx)
{
    const char *t = json_string_value(json_object_get(mbx, "RecipientTypeDetails"));
    return rs_streq_ci(t, "RoomMailbox") || rs_streq_ci(t, "WorkspaceMailbox");
}

/* The Get-Place object of a room mailbox (borrowed). New reference. */
static json_t *place_view(json_t *mbx)
{
    json_t *pl = json_object_get(mbx, "Place");
#define PF(k) (json_object_get(pl, k) ? json_object_get(pl, k) : json_null())
    const char *rtd = json_string_value(json_object_get(mbx, "RecipientTypeDetails"));
    json_t *bt = json_object_get(json_object_get(mbx, "CalendarProcessing"), "BookingType");
    json_t *tags = json_object_get(pl, "Tags");
    json_t *v = json_pack(
        "{s:O,s:O,s:O,s:s,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:o,s:"
        "s}",
        "Identity", json_object_get(mbx, "Name"), "DisplayName",
        json_object_get(mbx, "DisplayName"), "PrimarySmtpAddress",
        json_object_get(mbx, "PrimarySmtpAddress"), "Type",
        rs_streq_ci(rtd, "WorkspaceMailbox") ? "Workspace" : "Room", "Capacity",
        json_object_get(mbx, "ResourceCapacity") ? json_object_get(mbx, "ResourceCapacity")
                                                 : json_null(),
        "Building", PF("Building"), "Floor", PF("Floor"), "FloorLabel", PF("FloorLabel"), "Street",
        PF("Street"), "City", PF("City"), "State", PF("State"), "PostalCode", PF("PostalCode"),
        "CountryOrRegion", PF("CountryOrRegion"), "Phone", PF("Phone"), "Label", PF("Label"),
        "IsWheelChairAccessible",
        json_is_boolean(json_object_get(pl, "IsWheelChairAccessible"))
            ? json_object_get(pl, "IsWheelChairAccessible")
            : json_false(),
        "AudioDeviceName", PF("AudioDeviceName"), "VideoDeviceName", PF("VideoDeviceName"),
        "DisplayDeviceName", PF("DisplayDeviceName"), "ExternalDirectoryObjectId",
        json_object_get(mbx, "ExternalDirectoryObjectId")
            ? json_object_get(mbx, "ExternalDirectoryObjectId")
            : json_null(),
        "Tags", json_is_array(tags) ? json_incref(tags) : json_array(), "BookingType",
        json_is_string(bt) ? json_string_value(bt) : "Standard");
#undef PF
    return v;
}

static rs_status h_set_place(hctx *c, rs_err *err)
{
    const char *id = bp_str(c->p, "Identity");
    json_t *mbx = NULL;
    rs_status rc = exo_mailbox_resolve(c->st, c->tid, id, c->dc, &mbx, err);
    if (rc)
        return rc;
    json_t *old = json_deep_copy(mbx);
    if (!is_place(mbx)) {
        rc = rs_raise(err, RS_E_EXO_NOT_RESOURCE, id);
        goto out;
    }
    json_t *pl = json_object_get(mbx, "Place");
    if (!json_is_object(pl)) {
        pl = json_object();
        json_object_set_new(mbx, "Place", pl);
    }
    for (const char *const *k = place_strings; *k; k++) {
        if (!bp_has(c->p, *k))
            continue;
        const char *s = bp_str(c->p, *k);
        if (s && strlen(s) > PLACE_TEXT_MAX) {
            rc = rs_raisef(err, RS_E_EXO_VALUE_INVALID,
                           "The value of %s is too long: at most %d characters are allowed.", *k,
                           PLACE_TEXT_MAX);
            goto out;
        }
        json_object_set_new(pl, *k, s && *s ? json_string(s) : json_null());
    }
    if (bp_has(c->p, "CountryOrRegion")) {
        const char *s = bp_str(c->p, "CountryOrRegion");
        if (s && *s && !dir_valid_country(s)) {
            rc = rs_raisef(err, RS_E_EXO_VALUE_INVALID,
                           "The value \"%s\" of CountryOrRegion is not a two-letter ISO 3166-1 "
                           "country code.",
                           s);
            goto out;
        }
        char up[3] = {0};
        if (s && *s)
            up[0] = (char)(s[0] & ~0x20), up[1] = (char)(s[1] & ~0x20);
        json_object_set_new(pl, "CountryOrRegion", *up ? json_string(up) : json_null());
    }
    if (bp_has(c->p, "Floor"))
        json_object_set(pl, "Floor", bp_get(c->p, "Floor"));
    if (bp_has(c->p, "IsWheelChairAccessible"))
        json_object_set_new(pl, "IsWheelChairAccessible",
                            json_boolean(bp_bool(c->p, "IsWheelChairAccessible", 0)));
    if (bp_has(c->p, "Capacity"))
        json_object_set(mbx, "ResourceCapacity", bp_get(c->p, "Capacity"));
    if (bp_has(c->p, "Tags")) {
        json_t *t = bp_get(c->p, "Tags"), *list = json_array();
        json_t *in = json_is_string(t) ? json_pack("[O]", t) : json_incref(t);
        size_t i;
        json_t *v;
        json_array_foreach(in, i, v)
        {
            const char *s = json_string_value(v);
            if (s && *s && strlen(s) <= PLACE_TEXT_MAX)
                json_array_append(list, v);
        }
        json_decref(in);
        if (json_array_size(list) > PLACE_TAGS_MAX) {
            json_decref(list);
            rc = rs_raisef(err, RS_E_EXO_VALUE_INVALID, "At most %d Tags are allowed.",
                           PLACE_TAGS_MAX);
            goto out;
        }
        json_object_set_new(pl, "Tags", list);
    }
    if (json_equal(old, mbx))
        h_warn(c, "The command completed successfully but no settings of '%s' have been modified.",
               id);
    else
        rc = exo_mailbox_save(c->st, c->tid, old, mbx, err);
out:
    json_decref(old);
    json_decref(mbx);
    return rc;
}

typedef struct place_list {
    hctx *c;
    const char *type;
} place_list;

static int list_place(void *ud, const char *id, json_t *mbx)
{
    (void)id;
    place_list *l = ud;
    if (!is_place(mbx))
        return 0;
    json_t *v = place_view(mbx);
    if (!l->type || rs_streq_ci(l->type, json_string_value(json_object_get(v, "Type"))))
        json_array_append(l->c->out, v);
    json_decref(v);
    return 0;
}

static rs_status h_get_place(hctx *c, rs_err *err)
{
    const char *id = bp_str(c->p, "Identity");
    if (id) {
        json_t *mbx = NULL;
        rs_status rc = exo_mailbox_resolve(c->st, c->tid, id, c->dc, &mbx, err);
        if (rc)
            return rc;
        if (!is_place(mbx))
            rc = rs_raise(err, RS_E_EXO_NOT_RESOURCE, id);
        else
            json_array_append_new(c->out, place_view(mbx));
        json_decref(mbx);
        return rc;
    }
    place_list l = {c, bp_str(c->p, "Type")};
    return exo_mailbox_each(c->st, c->tid, list_place, &l, err);
}

const handler_entry place_handlers[] = {
    {"Set-Place", h_set_place, ROLE_EXCHANGE_ADMIN},
    {"Get-Place", h_get_place, ROLE_EXCHANGE_ADMIN | ROLE_GLOBAL_READER},
    {NULL, NULL, 0},
};

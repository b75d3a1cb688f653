/* graph_places.c - Graph places (admin-api.md section 2.3):
 * /places/microsoft.graph.room, /places/microsoft.graph.roomlist and
 * /places/{roomlist}/microsoft.graph.roomlist/rooms. Rooms are room mailboxes
 * with their Set-Place metadata, read with Get-Place; room lists are the
 * distribution groups of type RoomList (Get-DistributionGroup), their rooms
 * the members (Get-DistributionGroupMember) that are rooms. */
#include <stdlib.h>
#include <string.h>

#include "graph_int.h"
#include "rs_util.h"

#define PLACES_TOP_DEFAULT 100
#define PLACES_TOP_MAX     999

static const char *const room_filter_props[] = {"id",
                                                "emailAddress",
                                                "displayName",
                                                "nickname",
                                                "building",
                                                "floorNumber",
                                                "floorLabel",
                                                "label",
                                                "capacity",
                                                "phone",
                                                "isWheelChairAccessible",
                                                "bookingType",
                                                "audioDeviceName",
                                                "videoDeviceName",
                                                "displayDeviceName",
                                                NULL};

static json_t *or_null(json_t *v)
{
    return v ? v : json_null();
}

/* Graph's room from Get-Place's object (borrowed). New reference. */
static json_t *room_of(json_t *p)
{
#define P(k) or_null(json_object_get(p, k))
    const char *bt = json_string_value(json_object_get(p, "BookingType"));
    json_t *r = json_pack(
        "{s:s,s:O,s:O,s:O,s:{s:O,s:O,s:O,s:O,s:O},s:n,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:s,s:O,s:O,s:O,"
        "s:O,s:O}",
        "@odata.type", "#microsoft.graph.room", "id", P("ExternalDirectoryObjectId"),
        "emailAddress", P("PrimarySmtpAddress"), "displayName", P("DisplayName"), "address",
        "street", P("Street"), "city", P("City"), "state", P("State"), "postalCode",
        P("PostalCode"), "countryOrRegion", P("CountryOrRegion"), "geoCoordinates", "phone",
        P("Phone"), "nickname", P("DisplayName"), "building", P("Building"), "floorNumber",
        P("Floor"), "floorLabel", P("FloorLabel"), "label", P("Label"), "capacity", P("Capacity"),
        "bookingType", bt && rs_streq_ci(bt, "Reserved") ? "reserved" : "standard",
        "audioDeviceName", P("AudioDeviceName"), "videoDeviceName", P("VideoDeviceName"),
        "displayDeviceName", P("DisplayDeviceName"), "isWheelChairAccessible",
        P("IsWheelChairAccessible"), "tags", P("Tags"));
#undef P
    return r;
}

/* Percent-encode s for a query string (malloc'd). */
static char *qenc(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = rs_calloc(strlen(s) * 3 + 1, 1), *w = out;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p)) {
            *w++ = (char)*p;
        } else {
            *w++ = '%';
            *w++ = hex[*p >> 4];
            *w++ = hex[*p & 15];
        }
    }
    return out;
}

/* Answer one page of `items` (borrowed; full Graph objects of `type`, e.g.
 * "room") with $filter over `props`, $skip, $top, $select and $count, as the
 * collection at `path` ("places/microsoft.graph.room" ...). */
static void page_out(gctx *g, json_t *items, const char *const *props, const char *type,
                     const char *path)
{
    int top;
    if (!g_top(g, PLACES_TOP_DEFAULT, PLACES_TOP_MAX, &top))
        return;
    const char *skip_s = g_arg(g, "$skip"), *flt = g_arg(g, "$filter");
    const char *sel = g_arg(g, "$select"), *cnt = g_arg(g, "$count");
    long skip = 0;
    if (skip_s) {
        char *end;
        skip = strtol(skip_s, &end, 10);
        if (!*skip_s || *end || skip < 0 || skip > 1000000) {
            g_error(g, 400, "Request_BadRequest", "Invalid value for the $skip parameter.");
            return;
        }
    }
    if (cnt && !rs_streq_ci(cnt, "true") && !rs_streq_ci(cnt, "false")) {
        g_error(g, 400, "Request_BadRequest", "Invalid value for the $count parameter.");
        return;
    }
    gf_node *f = NULL;
    rs_err e;
    rs_err_clear(&e);
    if (flt) {
        rs_status rc = gf_parse(flt, props, type, &f, &e);
        if (rc) {
            g_error(g, 400, rc == RS_EINVAL ? "Request_UnsupportedQuery" : "Request_BadRequest",
                    "%s", e.msg);
            return;
        }
    }
    char *otype = rs_asprintf("microsoft.graph.%s", type);
    char *atype = rs_asprintf("#%s", otype);
    json_t *page = json_array();
    long matched = 0;
    bool more = false;
    size_t i;
    json_t *r;
    json_array_foreach(items, i, r)
    {
        if (f && !gf_eval(f, r))
            continue;
        if (matched >= skip && matched < skip + top) {
            json_t *proj = g_project(g, r, sel, NULL, otype);
            if (!proj)
                goto out;
            if (sel && *sel) /* Graph keeps the type annotation with $select */
                json_object_set_new(proj, "@odata.type", json_string(atype));
            json_array_append_new(page, proj);
        } else if (matched >= skip + top) {
            more = true;
        }
        matched++;
    }
    char *ctx = g_url(g, "$metadata#%s", path);
    json_t *out = json_pack("{s:s}", "@odata.context", ctx);
    free(ctx);
    if (cnt && rs_streq_ci(cnt, "true"))
        json_object_set_new(out, "@odata.count", json_integer(matched));
    if (more) {
        char *ef = flt ? qenc(flt) : NULL, *es = sel ? qenc(sel) : NULL;
        char *next = g_url(g, "%s?$top=%d&$skip=%ld%s%s%s%s%s", path, top, skip + top,
                           ef ? "&$filter=" : "", ef ? ef : "", es ? "&$select=" : "", es ? es : "",
                           cnt && rs_streq_ci(cnt, "true") ? "&$count=true" : "");
        json_object_set_new(out, "@odata.nextLink", json_string(next));
        free(next);
        free(ef);
        free(es);
    }
    json_object_set(out, "value", page);
    g_json(g, 200, out);
out:
    free(otype);
    free(atype);
    gf_free(f);
    json_decref(page);
}

/* The rooms (Get-Place -Type Room), only those whose address is a key of
 * `only` (borrowed) when not NULL; as Graph rooms. New reference or NULL
 * after answering. */
static json_t *rooms_of(gctx *g, json_t *only)
{
    json_t *val = NULL;
    rs_err e;
    rs_err_clear(&e);
    if (g_invoke(g, "exchange", "Get-Place", json_pack("{s:s}", "Type", "Room"), &val, &e)) {
        g_fail(g, &e, NULL);
        return NULL;
    }
    json_t *rooms = json_array();
    size_t i;
    json_t *p;
    json_array_foreach(val, i, p)
    {
        const char *a = json_string_value(json_object_get(p, "PrimarySmtpAddress"));
        char *addr = rs_lower_dup(a ? a : "");
        if (!only || json_object_get(only, addr))
            json_array_append_new(rooms, room_of(p));
        free(addr);
    }
    json_decref(val);
    return rooms;
}

static void list_rooms(gctx *g)
{
    json_t *rooms = rooms_of(g, NULL);
    if (rooms)
        page_out(g, rooms, room_filter_props, "room", "places/microsoft.graph.room");
    json_decref(rooms);
}

static const char *const roomlist_filter_props[] = {"id", "emailAddress", "displayName", "phone",
                                                    NULL};

/* Graph's roomList from Get-DistributionGroup's object (borrowed). New
 * reference. roomsys keeps no address, coordinates or phone for a list. */
static json_t *roomlist_of(json_t *d)
{
#define P(k) or_null(json_object_get(d, k))
    return json_pack("{s:s,s:O,s:O,s:O,s:{s:n,s:n,s:n,s:n,s:n},s:n,s:n}", "@odata.type",
                     "#microsoft.graph.roomList", "id", P("ExternalDirectoryObjectId"),
                     "displayName", P("DisplayName"), "emailAddress", P("PrimarySmtpAddress"),
                     "address", "street", "city", "state", "postalCode", "countryOrRegion",
                     "geoCoordinates", "phone");
#undef P
}

static void list_roomlists(gctx *g)
{
    json_t *val = NULL;
    rs_err e;
    rs_err_clear(&e);
    if (g_invoke(g, "exchange", "Get-DistributionGroup",
                 json_pack("{s:s}", "RecipientTypeDetails", "RoomList"), &val, &e)) {
        g_fail(g, &e, NULL);
        return;
    }
    json_t *lists = json_array();
    size_t i;
    json_t *d;
    json_array_foreach(val, i, d) json_array_append_new(lists, roomlist_of(d));
    page_out(g, lists, roomlist_filter_props, "roomList", "places/microsoft.graph.roomList");
    json_decref(lists);
    json_decref(val);
}

static void not_found(gctx *g, const char *id)
{
    g_error(g, 404, "Request_ResourceNotFound",
            "Resource '%s' does not exist or one of its queried reference-property objects "
            "are not present.",
            id);
}

/* /places/{roomlist}/microsoft.graph.roomlist/rooms: the list is named by its
 * email address or id. */
static void list_roomlist_rooms(gctx *g, const char *id)
{
    json_t *val = NULL, *mem = NULL, *only = NULL, *rooms = NULL;
    rs_err e;
    rs_err_clear(&e);
    if (g_invoke(g, "exchange", "Get-DistributionGroup",
                 json_pack("{s:s,s:s}", "Identity", id, "RecipientTypeDetails", "RoomList"), &val,
                 &e)) {
        if (e.code == RS_ENOTFOUND)
            not_found(g, id);
        else
            g_fail(g, &e, id);
        return;
    }
    json_t *d = json_array_get(val, 0);
    if (!rs_streq_ci(json_string_value(json_object_get(d, "PrimarySmtpAddress")), id) &&
        !rs_streq_ci(json_string_value(json_object_get(d, "ExternalDirectoryObjectId")), id)) {
        not_found(g, id);
        goto out;
    }
    if (g_invoke(g, "exchange", "Get-DistributionGroupMember",
                 json_pack("{s:O}", "Identity", json_object_get(d, "Guid")), &mem, &e)) {
        g_fail(g, &e, id);
        goto out;
    }
    only = json_object();
    size_t i;
    json_t *m;
    json_array_foreach(mem, i, m)
    {
        const char *a = json_string_value(json_object_get(m, "PrimarySmtpAddress"));
        if (a) {
            char *l = rs_lower_dup(a);
            json_object_set_new(only, l, json_true());
            free(l);
        }
    }
    rooms = rooms_of(g, only);
    if (rooms) {
        char *enc = qenc(id);
        char *path = rs_asprintf("places/%s/microsoft.graph.roomList/rooms", enc);
        page_out(g, rooms, room_filter_props, "room", path);
        free(path);
        free(enc);
    }
out:
    json_decref(rooms);
    json_decref(only);
    json_decref(mem);
    json_decref(val);
}

void graph_places(gctx *g)
{
    if (strcmp(g->req->method, "GET") && strcmp(g->req->method, "HEAD")) {
        g_method(g, "GET");
        return;
    }
    if (g->nseg == 2 && rs_streq_ci(g->seg[1], "microsoft.graph.room")) {
        list_rooms(g);
    } else if (g->nseg == 2 && rs_streq_ci(g->seg[1], "microsoft.graph.roomlist")) {
        list_roomlists(g);
    } else if (g->nseg == 4 && rs_streq_ci(g->seg[2], "microsoft.graph.roomlist") &&
               rs_streq_ci(g->seg[3], "rooms")) {
        list_roomlist_rooms(g, g->seg[1]);
    } else {
        g_error(g, 400, "BadRequest", "Resource not found for the segment '%s'.",
                g->seg[g->nseg > 1 ? 1 : 0]);
    }
}

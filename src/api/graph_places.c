/* graph_places.c - Graph places (admin-api.md section 2.3):
 * /places/microsoft.graph.room, /places/microsoft.graph.roomlist and
 * /places/{roomlist}/microsoft.graph.roomlist/rooms. Rooms are room mailboxes
 * with their Set-Place metadata, read with Get-Place. roomsys has no room
 * lists (distribution groups of type RoomList) yet: the room-list collection
 * is honestly empty and a named room list is not found. */
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

static void list_rooms(gctx *g)
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
        rs_status rc = gf_parse(flt, room_filter_props, "Room", &f, &e);
        if (rc) {
            g_error(g, 400, rc == RS_EINVAL ? "Request_UnsupportedQuery" : "Request_BadRequest",
                    "%s", e.msg);
            return;
        }
    }
    json_t *val = NULL, *page = json_array();
    if (g_invoke(g, "exchange", "Get-Place", json_pack("{s:s}", "Type", "Room"), &val, &e)) {
        g_fail(g, &e, NULL);
        goto out;
    }
    long matched = 0;
    bool more = false;
    size_t i;
    json_t *p;
    json_array_foreach(val, i, p)
    {
        json_t *r = room_of(p);
        if (!f || gf_eval(f, r)) {
            if (matched >= skip && matched < skip + top) {
                json_t *proj = g_project(g, r, sel, NULL, "microsoft.graph.room");
                if (!proj) {
                    json_decref(r);
                    goto out;
                }
                if (sel && *sel) /* Graph keeps the type annotation with $select */
                    json_object_set_new(proj, "@odata.type", json_string("#microsoft.graph.room"));
                json_array_append_new(page, proj);
            } else if (matched >= skip + top) {
                more = true;
            }
            matched++;
        }
        json_decref(r);
    }
    char *ctx = g_url(g, "$metadata#places/microsoft.graph.room");
    json_t *out = json_pack("{s:s}", "@odata.context", ctx);
    free(ctx);
    if (cnt && rs_streq_ci(cnt, "true"))
        json_object_set_new(out, "@odata.count", json_integer(matched));
    if (more) {
        char *ef = flt ? qenc(flt) : NULL, *es = sel ? qenc(sel) : NULL;
        char *next = g_url(g, "places/microsoft.graph.room?$top=%d&$skip=%ld%s%s%s%s%s", top,
                           skip + top, ef ? "&$filter=" : "", ef ? ef : "", es ? "&$select=" : "",
                           es ? es : "", cnt && rs_streq_ci(cnt, "true") ? "&$count=true" : "");
        json_object_set_new(out, "@odata.nextLink", json_string(next));
        free(next);
        free(ef);
        free(es);
    }
    json_object_set(out, "value", page);
    g_json(g, 200, out);
out:
    gf_free(f);
    json_decref(val);
    json_decref(page);
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
        /* no RoomList distribution groups in roomsys: an empty collection, as a
         * tenant without room lists answers */
        char *ctx = g_url(g, "$metadata#places/microsoft.graph.roomList");
        g_json(g, 200, json_pack("{s:s,s:[]}", "@odata.context", ctx, "value"));
        free(ctx);
    } else if (g->nseg == 4 && rs_streq_ci(g->seg[2], "microsoft.graph.roomlist") &&
               rs_streq_ci(g->seg[3], "rooms")) {
        g_error(g, 404, "Request_ResourceNotFound",
                "Resource '%s' does not exist or one of its queried reference-property objects "
                "are not present.",
                g->seg[1]);
    } else {
        g_error(g, 400, "BadRequest", "Resource not found for the segment '%s'.",
                g->seg[g->nseg > 1 ? 1 : 0]);
    }
}

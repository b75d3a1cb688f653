/* handlers_calendar.c - calendar processing cmdlets (src/calendar):
 * Submit-RoomMeetingRequest, Get-RoomCalendar, Get-RoomFreeBusy,
 * Approve-/Deny-RoomMeetingRequest (roomsys's own names: Exchange has no
 * cmdlets for these; a room receives mail there) and
 * Set-/Get-MailboxCalendarConfiguration (Exchange's, working-hours subset).
 * Each runs in invoke.c's one store transaction: a booking commits together
 * with the answer before the API returns it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/rs_util.h"
#include "../calendar/calendar.h"
#include "../exchange/exchange.h"
#include "bind.h"
#include "handlers.h"

/* The room mailbox `identity` (new reference) and its engine view (fields
 * borrowed from *mbx). */
static rs_status room_of(hctx *c, const char *identity, json_t **mbx, cal_room *r, rs_err *err)
{
    rs_status rc = exo_mailbox_resolve(c->st, c->tid, identity, c->dc, mbx, err);
    if (rc)
        return rc;
    if (!json_is_true(json_object_get(*mbx, "IsResource"))) {
        json_decref(*mbx);
        *mbx = NULL;
        return rs_raise(err, RS_E_EXO_NOT_RESOURCE, identity);
    }
    json_t *cc = json_object_get(*mbx, "CalendarConfiguration");
    if (!json_is_object(cc)) {
        cc = cal_config_defaults();
        json_object_set_new(*mbx, "CalendarConfiguration", cc);
    }
    *r = (cal_room){
        .tid = c->tid,
        .guid = json_string_value(json_object_get(*mbx, "ExchangeGuid")),
        .smtp = json_string_value(json_object_get(*mbx, "PrimarySmtpAddress")),
        .name = json_string_value(json_object_get(*mbx, "Name")),
        .calproc = json_object_get(*mbx, "CalendarProcessing"),
        .calconfig = cc,
        .capacity = (int)json_integer_value(json_object_get(*mbx, "ResourceCapacity")),
    };
    return RS_OK;
}

static int64_t now_s(void)
{
    return rs_time_now_ms() / 1000;
}

static rs_status h_submit(hctx *c, rs_err *err)
{
    json_t *ids = bp_get(c->p, "Identity");
    json_t *one = json_is_string(ids) ? json_pack("[O]", ids) : NULL;
    if (one)
        ids = one;
    const char *ical = bp_str(c->p, "ICalendar");
    const char *sender = bp_str(c->p, "Sender");
    int64_t now = now_s();
    rs_status rc = RS_OK;
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v)
    {
        json_t *mbx = NULL, *res = NULL;
        cal_room r;
        if ((rc = room_of(c, json_string_value(v), &mbx, &r, err)))
            break;
        rc = cal_engine_submit(c->st, &r, ical, sender, json_object_get(c->tenant, "Domains"), now,
                               &res, err);
        json_decref(mbx);
        if (rc)
            break;
        json_array_append_new(c->out, res);
    }
    json_decref(one);
    return rc;
}

static rs_status range(hctx *c, int64_t *from, int64_t *to, rs_err *err)
{
    int64_t now = now_s();
    *from = now - now % 86400;
    rs_status rc;
    if (bp_str(c->p, "Start") && (rc = cal_parse_utc(bp_str(c->p, "Start"), from, err)))
        return rc;
    *to = *from + 7 * 86400;
    if (bp_str(c->p, "End") && (rc = cal_parse_utc(bp_str(c->p, "End"), to, err)))
        return rc;
    return RS_OK;
}

static rs_status h_get_calendar(hctx *c, rs_err *err)
{
    int64_t from, to;
    json_t *mbx = NULL, *rows = NULL;
    cal_room r;
    rs_status rc = range(c, &from, &to, err);
    if (rc || (rc = room_of(c, bp_str(c->p, "Identity"), &mbx, &r, err)))
        return rc;
    rc = cal_engine_list(c->st, &r, from, to, &rows, err);
    if (rc == RS_OK)
        json_array_extend(c->out, rows);
    json_decref(rows);
    json_decref(mbx);
    return rc;
}

static rs_status h_get_freebusy(hctx *c, rs_err *err)
{
    int64_t from, to;
    json_t *mbx = NULL, *fb = NULL;
    cal_room r;
    rs_status rc = range(c, &from, &to, err);
    if (rc || (rc = room_of(c, bp_str(c->p, "Identity"), &mbx, &r, err)))
        return rc;
    rc = cal_engine_freebusy(c->st, &r, from, to, (int)bp_int(c->p, "IntervalMinutes", 30), &fb,
                             err);
    if (rc == RS_OK)
        json_array_append_new(c->out, fb);
    json_decref(mbx);
    return rc;
}

/* A delegate's address as Set-CalendarProcessing stores it. */
static rs_status delegate_of(hctx *c, const char *id, char **out, rs_err *err)
{
    json_t *m = NULL, *u = NULL;
    if (exo_mailbox_resolve(c->st, c->tid, id, c->dc, &m, NULL) == RS_OK) {
        *out = rs_strdup(json_string_value(json_object_get(m, "PrimarySmtpAddress")));
        json_decref(m);
        return RS_OK;
    }
    if (dir_user_find(c->st, c->tid, id, &u, NULL) == RS_OK) {
        *out = rs_strdup(json_string_value(json_object_get(u, "UserPrincipalName")));
        json_decref(u);
        return RS_OK;
    }
    return rs_raise(err, RS_E_EXO_REF_NOT_FOUND, id);
}

static rs_status decide_pending(hctx *c, bool approve, rs_err *err)
{
    json_t *mbx = NULL, *res = NULL;
    cal_room r;
    char *del = NULL;
    rs_status rc = room_of(c, bp_str(c->p, "Identity"), &mbx, &r, err);
    if (rc == RS_OK)
        rc = delegate_of(c, bp_str(c->p, "Delegate"), &del, err);
    if (rc == RS_OK)
        rc = cal_engine_decide_pending(c->st, &r, bp_str(c->p, "Uid"), del, approve,
                                       bp_str(c->p, "Comment"), now_s(), &res, err);
    if (rc == RS_OK)
        json_array_append_new(c->out, res);
    free(del);
    json_decref(mbx);
    return rc;
}

static rs_status h_approve(hctx *c, rs_err *err)
{
    return decide_pending(c, true, err);
}

static rs_status h_deny(hctx *c, rs_err *err)
{
    return decide_pending(c, false, err);
}

static rs_status h_set_calconfig(hctx *c, rs_err *err)
{
    json_t *mbx = NULL;
    cal_room r;
    rs_status rc = room_of(c, bp_str(c->p, "Identity"), &mbx, &r, err);
    if (rc)
        return rc;
    json_t *cc = json_object_get(mbx, "CalendarConfiguration");
    json_t *before = json_deep_copy(cc);
    rc = cal_config_set(cc, bp_str(c->p, "WorkingHoursStartTime"),
                        bp_str(c->p, "WorkingHoursEndTime"), bp_get(c->p, "WorkingHoursDaysOfWeek"),
                        bp_str(c->p, "WorkingHoursTimeZone"), err);
    if (rc == RS_OK && json_equal(before, cc))
        h_warn(c, "The command completed successfully but no settings of '%s' have been modified.",
               bp_str(c->p, "Identity"));
    else if (rc == RS_OK)
        rc = exo_mailbox_save(c->st, c->tid, NULL, mbx, err);
    json_decref(before);
    json_decref(mbx);
    return rc;
}

static rs_status h_get_calconfig(hctx *c, rs_err *err)
{
    json_t *mbx = NULL;
    cal_room r;
    rs_status rc = room_of(c, bp_str(c->p, "Identity"), &mbx, &r, err);
    if (rc)
        return rc;
    json_array_append_new(c->out, cal_config_view(r.name, r.calconfig));
    json_decref(mbx);
    return RS_OK;
}

#define CAL_ROLES (ROLE_EXCHANGE_ADMIN)
const handler_entry calendar_handlers[] = {
    {"Submit-RoomMeetingRequest", h_submit, CAL_ROLES},
    {"Get-RoomCalendar", h_get_calendar, CAL_ROLES | ROLE_GLOBAL_READER},
    {"Get-RoomFreeBusy", h_get_freebusy, CAL_ROLES | ROLE_GLOBAL_READER},
    {"Approve-RoomMeetingRequest", h_approve, CAL_ROLES},
    {"Deny-RoomMeetingRequest", h_deny, CAL_ROLES},
    {"Set-MailboxCalendarConfiguration", h_set_calconfig, CAL_ROLES},
    {"Get-MailboxCalendarConfiguration", h_get_calconfig, CAL_ROLES | ROLE_GLOBAL_READER},
    {NULL, NULL, 0},
};

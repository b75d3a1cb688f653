/* cal_engine.c - the room's calendar on top of src/store: one document per
 * meeting (kind "booking:<room ExchangeGuid>", id = UID, tenant-scoped),
 * written in the caller's store transaction together with the answer, so an
 * answered request survives kill -9 (spec sections 3, 6). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../base/rs_util.h"
#include "cal_int.h"
#include "calendar.h"

#define MAX_LIST     20000
#define MAX_FB_SLOTS 20000

static const char *const reason_texts[CAL_R_COUNT] = {
    "conflicts with another meeting",
    "is longer than the allowed",
    "is shorter than the allowed minimum",
    "starts or ends after the booking window of",
    "is a series that ends after the booking window of",
    "is outside the room's working hours",
    "is a recurring meeting and recurring meetings are not allowed",
    "you do not have permission to book this room",
    "comes from outside the organization",
    "the room cannot be reserved",
    "has more attendees than the room holds",
};

static char *kind_of(const cal_room *r)
{
    return rs_asprintf("booking:%s", r->guid);
}

static const char *jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static bool list_has(json_t *list, const char *a)
{
    size_t i;
    json_t *v;
    if (!a || !*a)
        return false;
    json_array_foreach(list, i, v)
    {
        if (json_is_string(v) && !strcasecmp(json_string_value(v), a))
            return true;
    }
    return false;
}

static bool domain_internal(json_t *domains, const char *addr)
{
    const char *at = addr ? strrchr(addr, '@') : NULL;
    return at && list_has(domains, at + 1);
}

/* Busy set of the room (every blocking instance), sorted; docs (new
 * reference) holds the bookings the refs point into. */
typedef struct busyload {
    cal_busy_item *v;
    size_t n, cap;
    int64_t max_len;
    json_t *docs;
} busyload;

static bool blocks(json_t *doc)
{
    const char *st = jstr(doc, "State");
    if (json_is_true(json_object_get(doc, "Free")))
        return false;
    return !strcmp(st, "Accepted") || !strcmp(st, "Pending") || !strcmp(st, "Tentative");
}

static int load_one(void *ud, const char *id, json_t *doc)
{
    (void)id;
    busyload *b = ud;
    if (!blocks(doc))
        return 0;
    uint64_t uh = cal_uid_hash(jstr(doc, "Uid"));
    uint32_t ref = (uint32_t)json_array_size(b->docs);
    json_array_append(b->docs, doc);
    size_t i;
    json_t *in;
    json_array_foreach(json_object_get(doc, "Instances"), i, in)
    {
        if (json_integer_value(json_array_get(in, 3)) != CAL_I_BOOKED)
            continue;
        if (b->n == b->cap) {
            b->cap = b->cap ? b->cap * 2 : 64;
            b->v = rs_realloc(b->v, b->cap * sizeof *b->v);
        }
        int64_t s = json_integer_value(json_array_get(in, 0));
        int64_t e = json_integer_value(json_array_get(in, 1));
        b->v[b->n++] = (cal_busy_item){.s = s, .e = e, .uid = uh, .ref = ref};
        if (e - s > b->max_len)
            b->max_len = e - s;
    }
    return 0;
}

static int cmp_busy(const void *a, const void *b)
{
    const cal_busy_item *x = a, *y = b;
    return x->s < y->s ? -1 : x->s > y->s;
}

static rs_status load_busy(store_t *st, const cal_room *r, busyload *b, rs_err *err)
{
    memset(b, 0, sizeof *b);
    b->docs = json_array();
    char *kind = kind_of(r);
    rs_status rc = store_each(st, r->tid, kind, load_one, b, err);
    free(kind);
    if (b->n)
        qsort(b->v, b->n, sizeof *b->v, cmp_busy);
    return rc;
}

static void busy_free(busyload *b)
{
    free(b->v);
    json_decref(b->docs);
}

static json_t *inst_json(const cal_inst *in, size_t n, const uint8_t *state)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("[I,I,I,i]", (json_int_t)in[i].s, (json_int_t)in[i].e,
                                           (json_int_t)in[i].rid, state ? state[i] : 0));
    return a;
}

/* Do the stored instances have the same times as the new ones? */
static bool same_times(json_t *stored, const cal_inst *in, size_t n)
{
    if (json_array_size(stored) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        json_t *x = json_array_get(stored, i);
        if (json_integer_value(json_array_get(x, 0)) != in[i].s ||
            json_integer_value(json_array_get(x, 1)) != in[i].e)
            return false;
    }
    return true;
}

static void reasons_out(json_t *o, unsigned why, const cal_policy *p, const char *conflict_org,
                        size_t conflicts, size_t considered, bool details)
{
    json_t *codes = json_array();
    char text[1024] = "";
    for (unsigned b = 0; b < CAL_R_COUNT; b++) {
        if (!(why & (1u << b)))
            continue;
        json_array_append_new(codes, json_string(cal_reason_code(b)));
        char one[300];
        unsigned bit = 1u << b;
        if (bit == CAL_R_TOO_LONG)
            snprintf(one, sizeof one, "%s %d minutes", reason_texts[b], p->max_minutes);
        else if (bit == CAL_R_OUTSIDE_WINDOW || bit == CAL_R_HORIZON)
            snprintf(one, sizeof one, "%s %d days", reason_texts[b], p->window_days);
        else
            snprintf(one, sizeof one, "%s", reason_texts[b]);
        if ((1u << b) == CAL_R_CONFLICT && considered > 1) {
            char more[200];
            snprintf(more, sizeof more, " (%zu of %zu occurrences)", conflicts, considered);
            strncat(one, more, sizeof one - strlen(one) - 1);
        }
        if ((1u << b) == CAL_R_CONFLICT && conflict_org && *conflict_org) {
            char more[300];
            snprintf(more, sizeof more, " organized by %s", conflict_org);
            strncat(one, more, sizeof one - strlen(one) - 1);
        }
        size_t l = strlen(text);
        snprintf(text + l, sizeof text - l, "%s%s", l ? "; " : "", one);
    }
    json_object_set_new(o, "Reasons", codes);
    json_object_set_new(o, "ReasonText", details && *text ? json_string(text) : json_null());
}

static json_t *occurrences(const cal_inst *in, size_t n, const uint8_t *state, const char *resp)
{
    json_t *a = json_array();
    char s[32], e[32], r[32];
    for (size_t i = 0; i < n; i++) {
        cal_fmt_utc(in[i].s, s, sizeof s);
        cal_fmt_utc(in[i].e, e, sizeof e);
        cal_fmt_utc(in[i].rid, r, sizeof r);
        const char *st = state[i] == CAL_I_DECLINED    ? "Declined"
                         : state[i] == CAL_I_TRUNCATED ? "OutsideWindow"
                                                       : resp;
        json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s}", "RecurrenceId", r, "Start", s,
                                           "End", e, "Response", st));
    }
    return a;
}

static json_t *result_base(const cal_room *r, const cal_msg *m)
{
    return json_pack("{s:s,s:s,s:s?,s:i,s:s,s:s,s:[],s:n,s:[],s:n,s:n,s:i}", "Identity",
                     r->name ? r->name : "", "Room", r->smtp ? r->smtp : "", "Uid",
                     m ? m->uid : NULL, "Sequence", m ? m->sequence : 0, "Response", "None",
                     "Action", "None", "Reasons", "ReasonText", "Occurrences", "AdditionalResponse",
                     "Reply", "DeclinedOccurrences", 0);
}

/* Post-processing on an accepted item (AutoAccept only, spec section 2). */
static void post_process(json_t *doc, json_t *cp, bool autoaccept)
{
    if (!autoaccept)
        return;
    bool add_org = !json_is_false(json_object_get(cp, "AddOrganizerToSubject"));
    bool del_subj = !json_is_false(json_object_get(cp, "DeleteSubject"));
    if (add_org) { /* roomsys choice: the organizer's name replaces the subject */
        const char *cn = jstr(doc, "OrganizerName");
        json_object_set_new(doc, "Subject", json_string(*cn ? cn : jstr(doc, "Organizer")));
    } else if (del_subj) {
        json_object_set_new(doc, "Subject", json_string(""));
    }
    if (!json_is_false(json_object_get(cp, "DeleteComments")))
        json_object_set_new(doc, "Description", json_string(""));
    if (!json_is_false(json_object_get(cp, "DeleteAttachments")))
        json_object_set_new(doc, "Attachments", json_integer(0));
    if (!json_is_false(json_object_get(cp, "RemovePrivateProperty")))
        json_object_set_new(doc, "Private", json_false());
}

static const char *additional(json_t *cp, bool autoaccept)
{
    if (!autoaccept || !json_is_true(json_object_get(cp, "AddAdditionalResponse")))
        return NULL;
    const char *t = json_string_value(json_object_get(cp, "AdditionalResponse"));
    return t && *t ? t : NULL;
}

static void set_reply(json_t *o, const cal_room *r, const char *uid, int seq, const char *org,
                      const char *partstat, int64_t main_rid, const int64_t *declined, size_t nd,
                      const char *comment, int64_t now)
{
    char *t = cal_reply_text(uid, seq, org, r->smtp ? r->smtp : "", partstat, main_rid, declined,
                             nd, comment, now);
    json_object_set_new(o, "Reply", json_string(t));
    free(t);
}

static json_t *new_doc(const cal_msg *m, const char *sender, int64_t now)
{
    return json_pack("{s:s,s:i,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:i,s:b,s:b,s:I}", "Uid", m->uid,
                     "Sequence", m->sequence, "DtStamp", (json_int_t)m->dtstamp, "Organizer",
                     m->organizer, "OrganizerName", m->organizer_cn, "Sender", sender, "Subject",
                     m->summary, "Location", m->location, "Description", m->description, "Private",
                     m->private_class, "Attachments", m->attachments, "Free", m->transparent,
                     "Recurring", m->recurring, "Updated", (json_int_t)now);
}

/* CANCEL (spec section 6): whole meeting, one instance or this-and-future. */
static rs_status do_cancel(store_t *st, const cal_room *r, const char *kind, const cal_msg *m,
                           json_t *doc, json_t *o, rs_err *err)
{
    json_object_set_new(o, "Action", json_string("Cancelled"));
    if (!m->has_master && m->nrids) {
        size_t i;
        json_t *in;
        size_t hit = 0;
        json_array_foreach(json_object_get(doc, "Instances"), i, in)
        {
            int64_t rid = json_integer_value(json_array_get(in, 2));
            for (size_t k = 0; k < m->nrids; k++)
                if (rid == m->rids[k] || (m->this_and_future && rid > m->rids[k])) {
                    json_array_set_new(in, 3, json_integer(CAL_I_CANCELLED));
                    hit++;
                    break;
                }
        }
        json_object_set_new(o, "Action", json_string(hit ? "OccurrencesCancelled" : "Ignored"));
        json_object_set_new(doc, "Sequence", json_integer(m->sequence));
        return store_put(st, r->tid, kind, m->uid, doc, err);
    }
    if (json_is_true(json_object_get(r->calproc, "RemoveCanceledMeetings"))) {
        json_object_set_new(o, "Action", json_string("Deleted"));
        return store_del(st, r->tid, kind, m->uid, err);
    }
    json_object_set_new(doc, "State", json_string("Cancelled"));
    json_object_set_new(doc, "Sequence", json_integer(m->sequence));
    return store_put(st, r->tid, kind, m->uid, doc, err);
}

rs_status cal_engine_submit(store_t *st, const cal_room *r, const char *text, const char *sender,
                            json_t *domains, int64_t now, json_t **out, rs_err *err)
{
    *out = NULL;
    const cal_zone *zone = cal_zone_get(cal_config_zone(r->calconfig), err);
    if (!zone)
        return RS_EINVAL;
    cal_policy p;
    cal_policy_from_json(r->calproc, r->calconfig, r->capacity, zone, &p);
    int64_t W = cal_window_end(&p, now);
    cal_msg *m = NULL;
    rs_status rc = cal_msg_parse(text, zone->name, W, &m, err);
    if (rc)
        return rc;
    json_t *o = result_base(r, m);
    char *kind = kind_of(r);
    json_t *doc = NULL;
    busyload bl = {0};
    uint8_t *state = NULL;
    char *snd = rs_lower_dup(sender && *sender ? sender : m->sent_by ? m->sent_by : m->organizer);
    bool autoaccept = p.mode == CAL_MODE_AUTOACCEPT;
    bool details = !json_is_false(json_object_get(r->calproc, "EnableResponseDetails"));
    if (store_get(st, r->tid, kind, m->uid, &doc, NULL) != RS_OK)
        doc = NULL;

    if (p.mode == CAL_MODE_NONE) {
        json_object_set_new(o, "Action", json_string("KeptInInbox"));
        goto done;
    }
    if (p.mode == CAL_MODE_AUTOACCEPT && !p.process_external && !domain_internal(domains, snd)) {
        json_object_set_new(o, "Action", json_string("SkippedExternal"));
        json_array_append_new(json_object_get(o, "Reasons"), json_string("EXTERNAL"));
        goto done;
    }
    if (doc) { /* out of date (spec section 6): lower SEQUENCE, or equal and older DTSTAMP */
        int seq = (int)json_integer_value(json_object_get(doc, "Sequence"));
        int64_t stamp = json_integer_value(json_object_get(doc, "DtStamp"));
        if (m->sequence < seq || (m->sequence == seq && m->dtstamp < stamp)) {
            json_object_set_new(o, "Action", json_string("IgnoredOutOfDate"));
            goto done;
        }
    }
    if (m->method == CAL_M_CANCEL) {
        if (!doc)
            json_object_set_new(o, "Action", json_string("Ignored"));
        else
            rc = do_cancel(st, r, kind, m, doc, o, err);
        goto done;
    }

    /* the instances to decide on: the series, or (an update of one
     * occurrence, no master) the overriding instances */
    const cal_inst *inst = m->inst;
    size_t n = m->n;
    bool recurring = m->recurring, instance_only = !m->has_master;
    if (instance_only) {
        inst = m->rinst;
        n = m->nrids;
        recurring = false;
    }
    if (p.mode == CAL_MODE_AUTOUPDATE) { /* Calendar Attendant only: no reply */
        bool tentative = !json_is_false(json_object_get(r->calproc, "AddNewRequestsTentatively"));
        if (!doc && !tentative) {
            json_object_set_new(o, "Action", json_string("KeptInInbox"));
            goto done;
        }
        json_t *nd = new_doc(m, snd, now);
        json_object_set_new(nd, "State", json_string(doc ? jstr(doc, "State") : "Tentative"));
        json_object_set_new(nd, "Instances", inst_json(inst, n, NULL));
        json_object_set_new(o, "Action", json_string(doc ? "Updated" : "AddedTentatively"));
        json_decref(doc);
        doc = nd;
        rc = store_put(st, r->tid, kind, m->uid, doc, err);
        goto done;
    }

    /* unchanged times: update in place, keep the answer (roomsys choice) */
    if (doc && !instance_only && same_times(json_object_get(doc, "Instances"), inst, n) &&
        (!strcmp(jstr(doc, "State"), "Accepted") || !strcmp(jstr(doc, "State"), "Pending"))) {
        const char *prev = jstr(doc, "State");
        bool acc = !strcmp(prev, "Accepted");
        json_t *nd = new_doc(m, snd, now);
        json_object_set(nd, "State", json_object_get(doc, "State"));
        json_object_set(nd, "Instances", json_object_get(doc, "Instances"));
        json_object_set(nd, "Delegates", json_object_get(doc, "Delegates"));
        if (acc)
            post_process(nd, r->calproc, autoaccept);
        json_object_set_new(o, "Response", json_string(acc ? "Accepted" : "Tentative"));
        json_object_set_new(o, "Action", json_string("UpdatedInPlace"));
        set_reply(o, r, m->uid, m->sequence, m->organizer, acc ? "ACCEPTED" : "TENTATIVE",
                  INT64_MIN, NULL, 0, additional(r->calproc, autoaccept), now);
        json_decref(doc);
        doc = nd;
        rc = store_put(st, r->tid, kind, m->uid, doc, err);
        goto done;
    }

    if ((rc = load_busy(st, r, &bl, err)))
        goto done;
    cal_busy busy = {.v = bl.v, .n = bl.n, .max_len = bl.max_len};
    const char *principal = m->organizer;
    cal_req rq = {
        .uid = cal_uid_hash(m->uid),
        .recurring = recurring,
        .past_window = instance_only ? false : m->past_window,
        .inst = inst,
        .n = n,
        .attendees = m->attendees,
        .book_in = list_has(json_object_get(r->calproc, "BookInPolicy"), snd) ||
                   list_has(json_object_get(r->calproc, "BookInPolicy"), principal),
        .request_in = list_has(json_object_get(r->calproc, "RequestInPolicy"), snd) ||
                      list_has(json_object_get(r->calproc, "RequestInPolicy"), principal),
        .request_out = list_has(json_object_get(r->calproc, "RequestOutOfPolicy"), snd) ||
                       list_has(json_object_get(r->calproc, "RequestOutOfPolicy"), principal),
    };
    state = rs_calloc(n ? n : 1, 1);
    cal_decision d;
    cal_decide(&p, &busy, &rq, now, state, &d);
    const char *conflict_org = NULL;
    if (d.conflict_ref != UINT32_MAX &&
        !json_is_false(json_object_get(r->calproc, "OrganizerInfo"))) {
        json_t *cd = json_array_get(bl.docs, d.conflict_ref);
        conflict_org =
            *jstr(cd, "OrganizerName") ? jstr(cd, "OrganizerName") : jstr(cd, "Organizer");
    }
    reasons_out(o, d.why, &p, conflict_org, d.conflicts, d.considered, details);

    /* the stored item: a new document, or for an occurrence update the
     * stored series with those occurrences replaced */
    json_t *nd;
    if (instance_only && doc) {
        nd = json_deep_copy(doc);
        json_object_set_new(nd, "Sequence", json_integer(m->sequence));
        json_object_set_new(nd, "DtStamp", json_integer(m->dtstamp));
        json_t *ins = json_object_get(nd, "Instances");
        for (size_t k = 0; k < n; k++) {
            size_t i;
            json_t *x;
            bool found = false;
            int st2 = d.resp == CAL_DECLINE ? CAL_I_DECLINED : state[k];
            json_array_foreach(ins, i, x)
            {
                if (json_integer_value(json_array_get(x, 2)) == inst[k].rid) {
                    json_array_set_new(x, 0, json_integer(inst[k].s));
                    json_array_set_new(x, 1, json_integer(inst[k].e));
                    json_array_set_new(x, 3, json_integer(st2));
                    found = true;
                }
            }
            if (!found)
                json_array_append_new(ins, json_pack("[I,I,I,i]", (json_int_t)inst[k].s,
                                                     (json_int_t)inst[k].e, (json_int_t)inst[k].rid,
                                                     st2));
        }
    } else {
        nd = new_doc(m, snd, now);
        json_object_set_new(nd, "Instances", inst_json(inst, n, state));
    }
    json_decref(doc);
    doc = nd;

    const char *partstat;
    size_t ndecl = 0;
    int64_t *declined = rs_calloc(n ? n : 1, sizeof *declined);
    for (size_t i = 0; i < n; i++)
        if (state[i] == CAL_I_DECLINED)
            declined[ndecl++] = inst[i].rid;
    const char *extra = additional(r->calproc, autoaccept);
    char *comment = NULL;
    if (d.resp == CAL_ACCEPT) {
        partstat = "ACCEPTED";
        json_object_set_new(o, "Response", json_string("Accepted"));
        json_object_set_new(o, "Action",
                            json_string(ndecl ? "AcceptedWithDeclinedOccurrences" : "Accepted"));
        if (!instance_only)
            json_object_set_new(doc, "State", json_string("Accepted"));
        post_process(doc, r->calproc, autoaccept);
        comment = rs_strdup(extra ? extra : "");
    } else if (d.resp == CAL_PENDING) {
        partstat = "TENTATIVE";
        ndecl = 0;
        json_object_set_new(o, "Response", json_string("Tentative"));
        json_t *dl = json_object_get(r->calproc, "ResourceDelegates");
        bool fwd = !json_is_false(json_object_get(r->calproc, "ForwardRequestsToDelegates")) &&
                   json_array_size(dl) > 0;
        json_object_set_new(o, "Action",
                            json_string(fwd ? "ForwardedToDelegates" : "PendingApproval"));
        json_object_set(o, "Delegates", fwd ? dl : json_array());
        json_object_set_new(o, "ForwardText",
                            json_string(d.why ? "This out-of-policy resource request was "
                                                "forwarded to you for your approval."
                                              : "This in-policy resource request was forwarded "
                                                "to you for approval."));
        if (!instance_only)
            json_object_set_new(doc, "State", json_string("Pending"));
        json_object_set_new(doc, "PendingReasons", json_copy(json_object_get(o, "Reasons")));
        if (!p.tentative_pending)
            json_object_set_new(doc, "Free", json_true());
        comment = rs_strdup(extra ? extra : "");
    } else {
        partstat = "DECLINED";
        ndecl = 0;
        json_object_set_new(o, "Response", json_string("Declined"));
        json_object_set_new(
            o, "Action",
            json_string(recurring && (d.why & CAL_R_CONFLICT) ? "DeclinedAll" : "Declined"));
        if (!instance_only)
            json_object_set_new(doc, "State", json_string("Declined"));
        const char *rt = json_string_value(json_object_get(o, "ReasonText"));
        comment = rs_asprintf("%s%s%s", rt ? rt : "", rt && extra ? " " : "", extra ? extra : "");
    }
    if (extra)
        json_object_set_new(o, "AdditionalResponse", json_string(extra));
    if (recurring || instance_only || ndecl)
        json_object_set_new(o, "Occurrences",
                            occurrences(inst, n, state,
                                        d.resp == CAL_ACCEPT    ? "Accepted"
                                        : d.resp == CAL_PENDING ? "Tentative"
                                                                : "Declined"));
    json_object_set_new(o, "DeclinedOccurrences", json_integer((json_int_t)ndecl));
    set_reply(o, r, m->uid, m->sequence, m->organizer, partstat,
              instance_only && n == 1 ? inst[0].rid : INT64_MIN, declined, ndecl,
              *comment ? comment : NULL, now);
    free(comment);
    free(declined);
    json_object_set(doc, "Reasons", json_object_get(o, "Reasons"));
    rc = store_put(st, r->tid, kind, m->uid, doc, err);

done:
    if (rc == RS_OK)
        *out = json_incref(o);
    json_decref(o);
    json_decref(doc);
    busy_free(&bl);
    free(state);
    free(snd);
    free(kind);
    cal_msg_free(m);
    return rc;
}

rs_status cal_engine_decide_pending(store_t *st, const cal_room *r, const char *uid,
                                    const char *delegate, bool approve, const char *comment,
                                    int64_t now, json_t **out, rs_err *err)
{
    *out = NULL;
    char *kind = kind_of(r);
    json_t *doc = NULL;
    rs_status rc = store_get(st, r->tid, kind, uid, &doc, NULL);
    if (rc || strcmp(jstr(doc, "State"), "Pending")) {
        rc = rs_errf(err, RS_ENOTFOUND,
                     "The room \"%s\" has no request waiting for approval with UID \"%s\".",
                     r->name ? r->name : "", uid);
        goto done;
    }
    if (!list_has(json_object_get(r->calproc, "ResourceDelegates"), delegate)) {
        rc = rs_errf(err, RS_EINVAL,
                     "\"%s\" is not a resource delegate of the room \"%s\" "
                     "(Set-CalendarProcessing -ResourceDelegates).",
                     delegate ? delegate : "", r->name ? r->name : "");
        goto done;
    }
    json_t *o =
        json_pack("{s:s,s:s,s:s,s:I,s:s,s:s,s:s}", "Identity", r->name ? r->name : "", "Room",
                  r->smtp ? r->smtp : "", "Uid", uid, "Sequence",
                  json_integer_value(json_object_get(doc, "Sequence")), "Response",
                  approve ? "Accepted" : "Declined", "Action",
                  approve ? "ApprovedByDelegate" : "DeclinedByDelegate", "Delegate", delegate);
    json_object_set_new(doc, "State", json_string(approve ? "Accepted" : "Declined"));
    json_object_set_new(doc, "Free", json_false());
    json_object_set_new(doc, "ApprovedBy", json_string(delegate));
    json_object_set_new(doc, "Updated", json_integer(now));
    if (approve)
        post_process(doc, r->calproc, true);
    set_reply(o, r, uid, (int)json_integer_value(json_object_get(doc, "Sequence")),
              jstr(doc, "Organizer"), approve ? "ACCEPTED" : "DECLINED", INT64_MIN, NULL, 0,
              comment && *comment ? comment : NULL, now);
    rc = store_put(st, r->tid, kind, uid, doc, err);
    if (rc == RS_OK)
        *out = o;
    else
        json_decref(o);
done:
    json_decref(doc);
    free(kind);
    return rc;
}

typedef struct listctx {
    int64_t from, to;
    json_t *rows;
    size_t n;
    bool too_many;
} listctx;

static const char *status_of(json_t *doc, int ist)
{
    const char *st = jstr(doc, "State");
    if (!strcmp(st, "Cancelled") || ist == CAL_I_CANCELLED)
        return "Cancelled";
    if (json_is_true(json_object_get(doc, "Free")))
        return "Free";
    if (!strcmp(st, "Accepted"))
        return "Busy";
    return "Tentative";
}

static int list_one(void *ud, const char *id, json_t *doc)
{
    (void)id;
    listctx *l = ud;
    const char *st = jstr(doc, "State");
    if (!strcmp(st, "Declined"))
        return 0;
    size_t i;
    json_t *in;
    json_array_foreach(json_object_get(doc, "Instances"), i, in)
    {
        int64_t s = json_integer_value(json_array_get(in, 0));
        int64_t e = json_integer_value(json_array_get(in, 1));
        int ist = (int)json_integer_value(json_array_get(in, 3));
        if (ist == CAL_I_DECLINED || ist == CAL_I_TRUNCATED)
            continue;
        if (!(s < l->to && (e > l->from || (e == s && s >= l->from))))
            continue;
        if (++l->n > MAX_LIST) {
            l->too_many = true;
            return 1;
        }
        char a[32], b[32], rid[32];
        cal_fmt_utc(s, a, sizeof a);
        cal_fmt_utc(e, b, sizeof b);
        cal_fmt_utc(json_integer_value(json_array_get(in, 2)), rid, sizeof rid);
        bool rec = json_is_true(json_object_get(doc, "Recurring"));
        json_array_append_new(
            l->rows, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s?,s:b,s:b,s:I}", "Start", a, "End", b,
                               "Subject", jstr(doc, "Subject"), "Organizer", jstr(doc, "Organizer"),
                               "Status", status_of(doc, ist), "Uid", jstr(doc, "Uid"),
                               "RecurrenceId", rec ? rid : NULL, "IsRecurring", rec,
                               "PendingApproval", !strcmp(st, "Pending"), "_s", (json_int_t)s));
    }
    return 0;
}

static int cmp_rows(const void *a, const void *b)
{
    json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    int64_t p = json_integer_value(json_object_get(x, "_s"));
    int64_t q = json_integer_value(json_object_get(y, "_s"));
    if (p != q)
        return p < q ? -1 : 1;
    return strcmp(jstr(x, "Uid"), jstr(y, "Uid"));
}

static rs_status collect(store_t *st, const cal_room *r, int64_t from, int64_t to, json_t **out,
                         rs_err *err)
{
    *out = NULL;
    if (to <= from)
        return rs_errf(err, RS_EINVAL, "The End time must be later than the Start time.");
    if (to - from > (int64_t)(CAL_MAX_WINDOW_DAYS + 366) * 86400)
        return rs_errf(err, RS_EINVAL, "The time range is longer than %d days.",
                       CAL_MAX_WINDOW_DAYS + 366);
    char *kind = kind_of(r);
    listctx l = {.from = from, .to = to, .rows = json_array()};
    rs_status rc = store_each(st, r->tid, kind, list_one, &l, err);
    free(kind);
    if (rc == RS_OK && l.too_many)
        rc = rs_errf(err, RS_EINVAL, "More than %d bookings in the range: narrow it.", MAX_LIST);
    if (rc) {
        json_decref(l.rows);
        return rc;
    }
    size_t n = json_array_size(l.rows);
    json_t **v = rs_calloc(n ? n : 1, sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = json_incref(json_array_get(l.rows, i));
    qsort(v, n, sizeof *v, cmp_rows);
    json_array_clear(l.rows);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(l.rows, v[i]);
    free(v);
    *out = l.rows;
    return RS_OK;
}

rs_status cal_engine_list(store_t *st, const cal_room *r, int64_t from, int64_t to, json_t **out,
                          rs_err *err)
{
    rs_status rc = collect(st, r, from, to, out, err);
    if (rc)
        return rc;
    size_t i;
    json_t *row;
    json_array_foreach(*out, i, row)
    {
        json_object_del(row, "_s");
        json_object_set_new(row, "Room", json_string(r->smtp ? r->smtp : ""));
    }
    return RS_OK;
}

rs_status cal_engine_freebusy(store_t *st, const cal_room *r, int64_t from, int64_t to,
                              int slot_minutes, json_t **out, rs_err *err)
{
    *out = NULL;
    if (slot_minutes < 5 || slot_minutes > 1440)
        return rs_errf(err, RS_EINVAL, "The interval must be between 5 and 1440 minutes.");
    int64_t slot = (int64_t)slot_minutes * 60;
    int64_t nslots = (to - from + slot - 1) / slot;
    if (to > from && nslots > MAX_FB_SLOTS)
        return rs_errf(err, RS_EINVAL, "The range has more than %d intervals: use a longer one.",
                       MAX_FB_SLOTS);
    json_t *rows = NULL;
    rs_status rc = collect(st, r, from, to, &rows, err);
    if (rc)
        return rc;
    char *digits = rs_calloc((size_t)nslots + 1, 1);
    memset(digits, '0', (size_t)nslots);
    json_t *busy = json_array();
    int64_t cs = 0, ce = 0;
    int cl = 0;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        const char *stt = jstr(row, "Status");
        int level = !strcmp(stt, "Busy") ? 2 : !strcmp(stt, "Tentative") ? 1 : 0;
        if (!level)
            continue;
        int64_t s = json_integer_value(json_object_get(row, "_s")), e;
        cal_parse_utc(jstr(row, "End"), &e, NULL);
        for (int64_t k = (s > from ? (s - from) / slot : 0); k < nslots && from + k * slot < e; k++)
            if (digits[k] - '0' < level)
                digits[k] = (char)('0' + level);
        if (cl && s <= ce && level == cl) { /* merge */
            if (e > ce)
                ce = e;
            continue;
        }
        if (cl) {
            char a[32], b[32];
            cal_fmt_utc(cs, a, sizeof a);
            cal_fmt_utc(ce, b, sizeof b);
            json_array_append_new(busy, json_pack("{s:s,s:s,s:s}", "Start", a, "End", b, "Status",
                                                  cl == 2 ? "Busy" : "Tentative"));
        }
        cs = s, ce = e, cl = level;
    }
    if (cl) {
        char a[32], b[32];
        cal_fmt_utc(cs, a, sizeof a);
        cal_fmt_utc(ce, b, sizeof b);
        json_array_append_new(busy, json_pack("{s:s,s:s,s:s}", "Start", a, "End", b, "Status",
                                              cl == 2 ? "Busy" : "Tentative"));
    }
    char a[32], b[32];
    cal_fmt_utc(from, a, sizeof a);
    cal_fmt_utc(to, b, sizeof b);
    *out = json_pack("{s:s,s:s,s:s,s:s,s:i,s:s,s:o}", "Identity", r->name ? r->name : "", "Room",
                     r->smtp ? r->smtp : "", "Start", a, "End", b, "IntervalMinutes", slot_minutes,
                     "MergedFreeBusy", digits, "Busy", busy);
    free(digits);
    json_decref(rows);
    return RS_OK;
}

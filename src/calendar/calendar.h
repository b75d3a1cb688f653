/* calendar.h - calendar processing: a room books itself (spec
 * calendar-processing.md). Four layers, each usable alone:
 *
 *   zones     room and message time zones as UTC-offset tables (cal_zone_*),
 *             Windows zone names mapped to IANA ones, libical underneath;
 *   intake    iCalendar (iTIP REQUEST/CANCEL) parsed with libical and
 *             expanded to UTC instances bounded by the booking window
 *             (cal_msg_*), iTIP REPLY text (cal_reply_text);
 *   core      the decision as a pure function over (policy, busy intervals,
 *             request) -> ACCEPT / PENDING / DECLINE with reasons and
 *             per-occurrence results (cal_decide): no I/O, no allocation;
 *   engine    the room's calendar on top of src/store (kind "booking:<room
 *             ExchangeGuid>", tenant-scoped): busy set, updates, SEQUENCE,
 *             CANCEL, delegates, listing and free/busy (cal_engine_*).
 *
 * Times are int64 seconds since the epoch, UTC; intervals are half-open
 * [s, e). Every loop is bounded (CAL_MAX_INSTANCES, CAL_MAX_RRULE_STEPS).
 * Thread safety: the core and zone tables are re-entrant; libical's built-in
 * zone cache is initialised once (cal_init) before threads use it.
 */
#ifndef RS_CALENDAR_H
#define RS_CALENDAR_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/rs_err.h"
#include "../store/store.h"

#define CAL_MAX_INSTANCES   4000    /* per series, inside the window */
#define CAL_MAX_RRULE_STEPS 100000  /* iterator steps per RRULE */
#define CAL_MAX_ICAL_BYTES  1048576 /* one iCalendar object */
#define CAL_MAX_WINDOW_DAYS 1080

/* ---- reasons (spec section 4); bit mask ---- */
enum {
    CAL_R_CONFLICT = 1u << 0,
    CAL_R_TOO_LONG = 1u << 1,
    CAL_R_TOO_SHORT = 1u << 2,
    CAL_R_OUTSIDE_WINDOW = 1u << 3,
    CAL_R_HORIZON = 1u << 4,
    CAL_R_WORK_HOURS = 1u << 5,
    CAL_R_RECURRENCE_NOT_ALLOWED = 1u << 6,
    CAL_R_NO_PERMISSION = 1u << 7,
    CAL_R_EXTERNAL = 1u << 8,
    CAL_R_RESERVED = 1u << 9,
    CAL_R_CAPACITY = 1u << 10,
};
#define CAL_R_COUNT 11
/* Stable code of reason bit i ("CONFLICT", ...), or NULL. Static. */
const char *cal_reason_code(unsigned bit);

/* ---- zones ---- */

/* A zone as a table of UTC offsets: off[i] applies from at[i] (UTC) on;
 * before at[0], off[0]. Built for a bounded range. */
typedef struct cal_zone {
    size_t n;
    int64_t *at;
    int32_t *off;
    char name[64]; /* IANA name */
} cal_zone;

/* Once per process, before threads: libical's zone directory. */
void cal_init(void);
/* The IANA name for a Windows zone name ("W. Europe Standard Time"), an IANA
 * name itself, or "UTC"; NULL when unknown. Static. */
const char *cal_zone_iana(const char *name);
/* The offset table of zone `name` (Windows or IANA), built once and cached
 * for the process (1990-2060); borrowed, never freed. Unknown: NULL with
 * RS_EINVAL in err. */
const cal_zone *cal_zone_get(const char *name, rs_err *err);
int32_t cal_zone_offset(const cal_zone *z, int64_t utc);
/* Local midnight that starts the local day containing `utc`. */
int64_t cal_zone_day_start(const cal_zone *z, int64_t utc);

/* ---- core ---- */

typedef enum cal_mode { CAL_MODE_NONE, CAL_MODE_AUTOUPDATE, CAL_MODE_AUTOACCEPT } cal_mode;
/* AllowConflicts with a series: Exchange is ambiguous (spec section 5). */
typedef enum cal_rcm { CAL_RCM_DECLINE_INSTANCES, CAL_RCM_DOUBLE_BOOK } cal_rcm;

typedef struct cal_policy {
    cal_mode mode;
    bool all_book_in, all_request_in, all_request_out;
    bool allow_conflicts, allow_recurring, enforce_horizon, work_hours_only;
    bool process_external, tentative_pending, reserved, enforce_capacity;
    int window_days;  /* BookingWindowInDays */
    int max_minutes;  /* 0 = unlimited */
    int conflict_pct; /* ConflictPercentageAllowed */
    int max_conflicts;
    int capacity; /* ResourceCapacity, 0 = unknown */
    cal_rcm rcm;
    unsigned work_days;       /* bit d = weekday d (0 Sunday .. 6 Saturday) */
    int work_start, work_end; /* minutes after local midnight, [start, end) */
    const cal_zone *zone;     /* room zone (borrowed) */
} cal_policy;

typedef struct cal_inst {
    int64_t s, e;
    int64_t rid; /* RECURRENCE-ID: the original start (UTC); s for single meetings */
} cal_inst;

typedef struct cal_busy_item {
    int64_t s, e;
    uint64_t uid; /* cal_uid_hash of the booking */
    uint32_t ref; /* caller's reference (index of the booking) */
} cal_busy_item;

/* Busy set of a room: items sorted by s; max_len >= every e - s. */
typedef struct cal_busy {
    const cal_busy_item *v;
    size_t n;
    int64_t max_len;
} cal_busy;

typedef struct cal_req {
    uint64_t uid;
    bool recurring;   /* RRULE or RDATE present */
    bool past_window; /* instances exist after the window (unbounded series too) */
    const cal_inst *inst;
    size_t n;
    int attendees;
    bool book_in, request_in, request_out; /* sender or principal in BookInPolicy, ... */
} cal_req;

typedef enum cal_resp { CAL_ACCEPT, CAL_PENDING, CAL_DECLINE } cal_resp;
/* Per-instance state in a decision and in a stored booking. */
enum { CAL_I_BOOKED = 0, CAL_I_DECLINED = 1, CAL_I_CANCELLED = 2, CAL_I_TRUNCATED = 3 };

typedef struct cal_decision {
    cal_resp resp;
    unsigned why;      /* CAL_R_* */
    size_t considered; /* instances after truncation (the denominator) */
    size_t conflicts;  /* of those, conflicting */
    size_t checks;     /* occurrence checks made */
    bool truncated;
    int64_t window_end;    /* W */
    uint32_t conflict_ref; /* ref of the first conflicting busy item, or UINT32_MAX */
} cal_decision;

/* FNV-1a of a UID. */
uint64_t cal_uid_hash(const char *uid);
/* End of the booking window: end of the room-local day now + window_days. */
int64_t cal_window_end(const cal_policy *p, int64_t now);
/* Does [s, e) overlap a busy item of another UID? Returns the item's index
 * or -1. */
long cal_busy_find(const cal_busy *b, int64_t s, int64_t e, uint64_t own_uid);
/* Decide (spec 3.1, policy phase and routing; mode, CANCEL, SEQUENCE and
 * external handling are the engine's). state[i] (caller's array of r->n)
 * receives CAL_I_BOOKED, CAL_I_DECLINED (conflict) or CAL_I_TRUNCATED. */
void cal_decide(const cal_policy *p, const cal_busy *b, const cal_req *r, int64_t now,
                uint8_t *state, cal_decision *out);

/* ---- intake ---- */

typedef enum cal_method { CAL_M_REQUEST, CAL_M_CANCEL } cal_method;

typedef struct cal_msg {
    cal_method method;
    char *uid;
    int sequence;
    int64_t dtstamp;
    char *organizer;                        /* lower-case address without mailto:, or "" */
    char *organizer_cn;                     /* display name or "" */
    char *sent_by;                          /* ORGANIZER;SENT-BY address or NULL */
    char *summary, *description, *location; /* "" when absent */
    bool private_class, transparent;
    int attachments, attendees;
    char **attendee; /* lower-case addresses (n = attendees) */
    bool has_master, recurring, past_window, this_and_future;
    cal_inst *inst; /* sorted by s; merged with overrides */
    size_t n;
    int64_t *rids; /* instance-only messages (no master): their RECURRENCE-IDs */
    size_t nrids;
    cal_inst *rinst; /* instance-only: the overriding instances (n = nrids; REQUEST) */
} cal_msg;

/* Parse one iCalendar object (METHOD REQUEST or CANCEL; one UID) and expand
 * it up to window_end (UTC) with floating and DATE times in `room_zone`
 * (Windows or IANA name). text borrowed; *out new (cal_msg_free). Bad input:
 * RS_EINVAL with a clear text, nothing allocated. */
rs_status cal_msg_parse(const char *text, const char *room_zone, int64_t window_end, cal_msg **out,
                        rs_err *err);
void cal_msg_free(cal_msg *m); /* NULL-safe */

/* iTIP REPLY text for one room: PARTSTAT partstat ("ACCEPTED", "TENTATIVE",
 * "DECLINED") on the master (main_rid INT64_MIN) or on the instance
 * main_rid, and for each rid in declined (n) an override component
 * DECLINED. Text values escaped, lines folded. comment may be NULL. New
 * string (free). */
char *cal_reply_text(const char *uid, int sequence, const char *organizer, const char *room,
                     const char *partstat, int64_t main_rid, const int64_t *declined, size_t n,
                     const char *comment, int64_t now);

/* ---- engine (store) ---- */

/* Room settings from the mailbox document's CalendarProcessing and
 * CalendarConfiguration (borrowed). zone borrowed into p. */
void cal_policy_from_json(json_t *calproc, json_t *calconfig, int capacity, const cal_zone *zone,
                          cal_policy *p);
/* The room's time zone name (CalendarConfiguration.WorkingHoursTimeZone) or
 * "UTC". Borrowed from calconfig. */
const char *cal_config_zone(json_t *calconfig);
/* Working-hours configuration: defaults (new reference), validation and
 * Get-MailboxCalendarConfiguration view (new reference). */
json_t *cal_config_defaults(void);
rs_status cal_config_set(json_t *calconfig, const char *start, const char *end, json_t *days,
                         const char *zone, rs_err *err);
json_t *cal_config_view(const char *identity, json_t *calconfig);

/* A room as the engine sees it (all borrowed). */
typedef struct cal_room {
    const char *tid;
    const char *guid; /* ExchangeGuid */
    const char *smtp; /* PrimarySmtpAddress */
    const char *name;
    json_t *calproc, *calconfig;
    int capacity;
} cal_room;

/* Process one iTIP message for one room inside the caller's store
 * transaction: decide, write the booking and return the response object
 * (new reference): Identity, Response, Action, Reasons, ReasonText,
 * Occurrences, Delegates, Reply, Uid, Sequence. `text` borrowed; `sender`
 * is the transport sender (NULL: the organizer); internal_domains is the
 * tenant's Domains array (borrowed). Bad iCalendar: RS_EINVAL. */
rs_status cal_engine_submit(store_t *st, const cal_room *room, const char *text, const char *sender,
                            json_t *internal_domains, int64_t now, json_t **out, rs_err *err);
/* A resource delegate approves (approve=true) or declines a pending
 * request. RS_ENOTFOUND when no pending request has that UID. */
rs_status cal_engine_decide_pending(store_t *st, const cal_room *room, const char *uid,
                                    const char *delegate, bool approve, const char *comment,
                                    int64_t now, json_t **out, rs_err *err);
/* Bookings (instances) overlapping [from, to), sorted; new reference. */
rs_status cal_engine_list(store_t *st, const cal_room *room, int64_t from, int64_t to, json_t **out,
                          rs_err *err);
/* Free/busy over [from, to) in slots of `slot_minutes`: MergedFreeBusy
 * digits (0 free, 1 tentative, 2 busy) and merged busy intervals. */
rs_status cal_engine_freebusy(store_t *st, const cal_room *room, int64_t from, int64_t to,
                              int slot_minutes, json_t **out, rs_err *err);

/* ---- formatting ---- */
/* "2026-12-01T09:00:00Z" into out (>= 21 bytes). */
void cal_fmt_utc(int64_t t, char *out, size_t outsz);
/* Parse "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS][Z]" (UTC) or an iCalendar UTC
 * "YYYYMMDDTHHMMSSZ". RS_EINVAL when malformed. */
rs_status cal_parse_utc(const char *s, int64_t *out, rs_err *err);

#endif

/* fuzz_ical_parse.c - libFuzzer target for the iCalendar intake
 * (src/calendar): prefilter + libical parse + bounded expansion
 * (cal_msg_parse) in a UTC and a Berlin room, then the decision core against
 * a small busy set and the REPLY writer on what was parsed. Bad input must
 * be a clear error, never a crash, a leak or a hang. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    if (!init) {
        cal_init();
        init = 1;
    }
    if (size > 65536)
        return 0;
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    static const char *const rooms[] = {"UTC", "W. Europe Standard Time"};
    const int64_t now = 1796040000; /* 2026-11-30T12:00:00Z */
    for (int r = 0; r < 2; r++) {
        const cal_zone *z = cal_zone_get(rooms[r], NULL);
        cal_policy p;
        cal_policy_from_json(NULL, NULL, 10, z, &p);
        p.work_hours_only = r == 1;
        cal_msg *m = NULL;
        rs_err err = {0};
        if (cal_msg_parse(text, rooms[r], cal_window_end(&p, now), &m, &err) != RS_OK)
            continue;
        static const cal_busy_item items[] = {
            {.s = 1796112000, .e = 1796115600, .uid = 1, .ref = 0},
            {.s = 1796716800, .e = 1796803200, .uid = 2, .ref = 1},
        };
        cal_busy b = {.v = items, .n = 2, .max_len = 86400};
        cal_req rq = {.uid = cal_uid_hash(m->uid),
                      .recurring = m->recurring,
                      .past_window = m->past_window,
                      .inst = m->inst,
                      .n = m->n,
                      .attendees = m->attendees};
        uint8_t *state = calloc(m->n ? m->n : 1, 1);
        cal_decision d;
        cal_decide(&p, &b, &rq, now, state, &d);
        int64_t rids[4];
        size_t nr = 0;
        for (size_t i = 0; i < m->n && nr < 4; i++)
            if (state[i] == CAL_I_DECLINED)
                rids[nr++] = m->inst[i].rid;
        char *reply = cal_reply_text(m->uid, m->sequence, m->organizer, "room@contoso.com",
                                     "ACCEPTED", INT64_MIN, rids, nr, m->summary, now);
        free(reply);
        free(state);
        cal_msg_free(m);
    }
    free(text);
    return 0;
}

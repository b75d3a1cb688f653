/* cal_expand.c - print the instances roomsys expands from an iCalendar file,
 * one "start end" (UTC epoch seconds) per line, for the independent check
 * against python3-recurring-ical-events (check_recurrence.py).
 * Usage: cal_expand FILE WINDOW_END_EPOCH [ROOM_ZONE] */
#include <stdio.h>
#include <stdlib.h>

#include "../../../src/calendar/calendar.h"

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: cal_expand FILE WINDOW_END [ROOM_ZONE]\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    static char buf[CAL_MAX_ICAL_BYTES + 1];
    size_t n = fread(buf, 1, CAL_MAX_ICAL_BYTES, f);
    fclose(f);
    buf[n] = '\0';
    cal_init();
    cal_msg *m = NULL;
    rs_err err = {0};
    if (cal_msg_parse(buf, argc > 3 ? argv[3] : "UTC", strtoll(argv[2], NULL, 10), &m, &err)) {
        fprintf(stderr, "error: %s\n", err.msg);
        return 1;
    }
    for (size_t i = 0; i < m->n; i++)
        printf("%lld %lld\n", (long long)m->inst[i].s, (long long)m->inst[i].e);
    cal_msg_free(m);
    return 0;
}

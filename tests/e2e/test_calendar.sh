#!/bin/bash
# Calendar processing against the real daemon (spec calendar-processing.md):
# one check per row of the conformance matrix (section 13) plus DST,
# override, update, multi-room, AutomateProcessing modes, delegates, free/busy,
# working-hours settings, bad iCalendar and kill -9 after an answer.
. "$(dirname "$0")/lib.sh"
write_config
start_daemon || exit 1

CONNECT='$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred
Connect-MsolService -Credential $cred'
# A summary line per room answer: R <room> <Response> <Action> [<reasons>] <declined>
SUMMARY='ForEach-Object { "R " + $_.Identity + " " + $_.Response + " " + $_.Action + " [" + ($_.Reasons -join ",") + "] " + $_.DeclinedOccurrences }'

d() { date -u -d "$1" +%Y%m%d; }      # iCalendar date
iso() { date -u -d "$1" +%Y-%m-%d; }  # cmdlet date
TOM=$(d tomorrow)
MON=$(d "next monday + 7 days") # a Monday one to two weeks ahead

# ics FILE UID START END [EXTRA [ORGANIZER [SEQ [METHOD [CN]]]]]: an iTIP message
ics() {
    local f=$WORK/$1.ics
    {
        printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//roomsys e2e//EN\r\nMETHOD:%s\r\n' "${8:-REQUEST}"
        printf 'BEGIN:VEVENT\r\nUID:%s\r\nSEQUENCE:%s\r\nDTSTAMP:20261101T100000Z\r\n' "$2" "${7:-0}"
        printf '%s\r\n%s\r\n' "$3" "$4"
        [ -n "${5:-}" ] && printf '%b\r\n' "$5"
        printf 'SUMMARY:Team sync\r\nCLASS:PRIVATE\r\n'
        printf 'ORGANIZER;CN=%s:mailto:%s\r\n' "${9:-Alice Adams}" "${6:-alice@contoso.onmicrosoft.com}"
        printf 'ATTENDEE;CUTYPE=ROOM:mailto:room@contoso.onmicrosoft.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n'
    } > "$f"
}
# submit ROOM[,ROOM] NAME [extra params]: a PowerShell line submitting NAME.ics
submit() { echo "Submit-RoomMeetingRequest -Identity $1 -ICalendar (Get-Content -Raw $WORK/$2.ics) ${3:-} | $SUMMARY"; }

rooms=""
for r in rma rmb rmc rmd rme rmf rmg rmh rmi rmj rmk rml rmm; do
    rooms="$rooms
New-Mailbox -Name $r -MicrosoftOnlineServicesID $r@contoso.onmicrosoft.com -Room | Out-Null"
done
rs setup <<PS
$CONNECT
$rooms
foreach (\$u in 'alice','bob','carol','dave') { New-MsolUser -UserPrincipalName "\$u@contoso.onmicrosoft.com" -DisplayName \$u -Password 'Pass@word1234' | Out-Null }
Set-CalendarProcessing -Identity rmb -MaximumDurationInMinutes 0 -EnforceSchedulingHorizon \$false
Set-CalendarProcessing -Identity rmc -ConflictPercentageAllowed 40 -MaximumConflictInstances 6
Set-CalendarProcessing -Identity rmd -AllowRecurringMeetings \$false
Set-CalendarProcessing -Identity rme -ScheduleOnlyDuringWorkHours \$true -BookingWindowInDays 400
Set-MailboxCalendarConfiguration -Identity rme -WorkingHoursTimeZone "W. Europe Standard Time"
Set-CalendarProcessing -Identity rmf -AllBookInPolicy \$false -BookInPolicy alice@contoso.onmicrosoft.com
Set-CalendarProcessing -Identity rmg -AllBookInPolicy \$false -AllRequestInPolicy \$true -ResourceDelegates dave@contoso.onmicrosoft.com
Set-CalendarProcessing -Identity rmh -RequestOutOfPolicy bob@contoso.onmicrosoft.com -ResourceDelegates dave@contoso.onmicrosoft.com
Set-CalendarProcessing -Identity rmi -AllowConflicts \$true
Set-CalendarProcessing -Identity rmj -AllowConflicts \$true -RecurringConflictMode DoubleBook
Set-CalendarProcessing -Identity rmk -AllRequestInPolicy \$true -BookingWindowInDays 0
Set-CalendarProcessing -Identity rml -AutomateProcessing AutoUpdate
Set-CalendarProcessing -Identity rmm -AutomateProcessing None -RemoveCanceledMeetings \$true
PS
check "rooms, users and settings are set up" test "$RS_RC" -eq 0
[ "$RS_RC" -eq 0 ] || cat "$WORK/setup.err"

# ---- matrix rows 1-7 on room rma (defaults) ----
ics c1 c1 "DTSTART:${TOM}T100000Z" "DTEND:${TOM}T110000Z"
ics c2 c2 "DTSTART:${TOM}T103000Z" "DTEND:${TOM}T113000Z"
ics c3 c3 "DTSTART:${TOM}T110000Z" "DTEND:${TOM}T120000Z"
ics c4 c4 "DTSTART:${TOM}T130000Z" "DURATION:PT1441M"
ics c5 c5 "DTSTART:$(d '+181 days')T100000Z" "DTEND:$(d '+181 days')T110000Z"
ics c6 c6 "DTSTART:${MON}T140000Z" "DTEND:${MON}T150000Z" "RRULE:FREQ=WEEKLY;COUNT=52"
ics c6t c6t "DTSTART:${MON}T160000Z" "DTEND:${MON}T163000Z" "RRULE:FREQ=WEEKLY;COUNT=52"
ics c7busy c7busy "DTSTART:$(d "$MON + 21 days")T160000Z" "DTEND:$(d "$MON + 21 days")T170000Z"
ics c7 c7 "DTSTART:${MON}T163000Z" "DTEND:${MON}T173000Z" "RRULE:FREQ=WEEKLY;COUNT=10"
rs rows1 <<PS
$CONNECT
$(submit rma c1)
$(submit rma c2)
$(submit rma c3)
$(submit rma c4)
$(submit rmb c4)
$(submit rma c5)
$(submit rma c6)
$(submit rmb c6)
$(submit rma c7busy)
$(submit rma c7)
(Submit-RoomMeetingRequest -Identity rmb -ICalendar (Get-Content -Raw $WORK/c6t.ics)).Occurrences | Where-Object Response -eq Accepted | Measure-Object | ForEach-Object { "truncated " + \$_.Count }
Get-RoomCalendar -Identity rma -Start $(iso tomorrow) -End $(iso '+2 days') | ForEach-Object { "B " + \$_.Start + " " + \$_.Status + " " + \$_.Subject + " " + \$_.Uid }
PS
O=$WORK/rows1.out
contains "1: single 1 h tomorrow is accepted" "$O" "R rma Accepted Accepted [] 0"
contains "1: ... its subject becomes the organizer's name" "$O" "B $(iso tomorrow)T10:00:00Z Busy Alice Adams c1"
contains "2: an overlap is declined (CONFLICT)" "$O" "R rma Declined Declined [CONFLICT] 0"
contains "3: touching meetings do not conflict (half-open)" "$O" "B $(iso tomorrow)T11:00:00Z Busy Alice Adams c3"
contains "4: 1441 minutes is declined (TOO_LONG)" "$O" "R rma Declined Declined [TOO_LONG] 0"
contains "4: MaximumDurationInMinutes 0 accepts it" "$O" "R rmb Accepted Accepted [] 0"
contains "5: today + 181 days is declined (OUTSIDE_WINDOW)" "$O" "R rma Declined Declined [OUTSIDE_WINDOW] 0"
contains "6: weekly x52 is declined (HORIZON)" "$O" "R rma Declined Declined [HORIZON] 0"
lacks "2: the declined request is not on the calendar" "$O" " c2"
check "6: EnforceSchedulingHorizon \$false accepts the series truncated at the window" \
    grep -qE '^truncated (2[0-9]|3[0-9])$' "$O"
contains "7: one conflicting week declines the whole series (Declined All)" "$O" "R rma Declined DeclinedAll [CONFLICT] 0"

# ---- 8, 9: thresholds on rmc (40 %, 6) ----
busy=""
for w in 0 7 14 21 28; do
    ics "t$w" "t$w" "DTSTART:$(d "$MON + $w days")T100000Z" "DTEND:$(d "$MON + $w days")T103000Z"
    busy="$busy
$(submit rmc "t$w")"
done
ics series10 series10 "DTSTART:${MON}T100000Z" "DTEND:${MON}T110000Z" "RRULE:FREQ=WEEKLY;COUNT=10"
ics cancel_t0 t0 "DTSTART:${MON}T100000Z" "DTEND:${MON}T103000Z" "" "" 1 CANCEL
ics cancel_t7 t7 "DTSTART:$(d "$MON + 7 days")T100000Z" "DTEND:$(d "$MON + 7 days")T103000Z" "" "" 1 CANCEL
rs thresholds <<PS
$CONNECT
$busy
$(submit rmc series10)
$(submit rmc cancel_t0)
$(submit rmc cancel_t7)
Set-CalendarProcessing -Identity rmc -ConflictPercentageAllowed 50 -MaximumConflictInstances 5
\$r = Submit-RoomMeetingRequest -Identity rmc -ICalendar (Get-Content -Raw $WORK/series10.ics)
\$r | $SUMMARY
\$r.Occurrences | ForEach-Object { "O " + \$_.RecurrenceId + " " + \$_.Response }
\$r.Reply
PS
O=$WORK/thresholds.out
contains "8: 5 of 10 conflicting with 40 %/6 is Declined All" "$O" "R rmc Declined DeclinedAll [CONFLICT] 0"
contains "16: a CANCEL is answered Cancelled" "$O" "R rmc None Cancelled [] "
contains "9: 3 of 10 with 50 %/5: series accepted, 3 occurrences declined" "$O" "R rmc Accepted AcceptedWithDeclinedOccurrences [] 3"
contains "9: ... the conflicting occurrence is declined" "$O" "O $(iso "$MON + 14 days")T10:00:00Z Declined"
contains "9: ... a free occurrence is accepted" "$O" "O $(iso "$MON")T10:00:00Z Accepted"
contains "9: ... the REPLY declines that occurrence by RECURRENCE-ID" "$O" "RECURRENCE-ID:$(d "$MON + 14 days")T100000Z"
check "9: ... three DECLINED override components" test "$(grep -c 'PARTSTAT=DECLINED' "$O")" -eq 3

# ---- 10, 11, DST; 12-14 routing; 15 external; 18 conflicts ----
ics c10 c10 "DTSTART:${MON}T100000Z" "DTEND:${MON}T110000Z" "RRULE:FREQ=WEEKLY;COUNT=4"
TUE=$(d "$MON + 1 day")
ics c11 c11 "DTSTART;TZID=Europe/Berlin:${TUE}T163000" "DTEND;TZID=Europe/Berlin:${TUE}T173000"
ics c11b c11b "DTSTART;TZID=Europe/Berlin:${TUE}T080000" "DTEND;TZID=Europe/Berlin:${TUE}T090000"
# a weekly Tuesday 09:00 series (Windows TZID + VTIMEZONE) across the next
# spring DST change in Berlin, inside working hours all along
DSTDAY=$(python3 -c "
import datetime as d
t=d.date.today()+d.timedelta(days=14)
y=t.year if t<=d.date(t.year,3,20) else t.year+1
s=d.date(y,3,31)
while s.weekday()!=6: s-=d.timedelta(days=1)
a=s-d.timedelta(days=12)
while a.weekday()!=1: a+=d.timedelta(days=1)
print(a.strftime('%Y%m%d'))")
VTZ='BEGIN:VTIMEZONE\r\nTZID:W. Europe Standard Time\r\nBEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE'
ics dst dst "DTSTART;TZID=W. Europe Standard Time:${DSTDAY}T090000" "DTEND;TZID=W. Europe Standard Time:${DSTDAY}T100000" "RRULE:FREQ=WEEKLY;COUNT=4"
sed -i "s|^METHOD:REQUEST\r$|METHOD:REQUEST\r\n$(printf '%b' "$VTZ" | sed 's/$/\\r/' | tr '\n' '\001' | sed 's/\x01/\\n/g')|" "$WORK/dst.ics"
ics c12 c12 "DTSTART:${TOM}T100000Z" "DTEND:${TOM}T110000Z" "" bob@contoso.onmicrosoft.com 0 REQUEST Bob
ics c12b c12b "DTSTART:${TOM}T120000Z" "DTEND:${TOM}T130000Z"
ics c13 c13 "DTSTART:${TOM}T100000Z" "DTEND:${TOM}T110000Z" "" bob@contoso.onmicrosoft.com 0 REQUEST Bob
ics c13g c13g "DTSTART:${TOM}T160000Z" "DTEND:${TOM}T170000Z" "" bob@contoso.onmicrosoft.com 0 REQUEST Bob
ics c13b c13b "DTSTART:${TOM}T140000Z" "DTEND:${TOM}T150000Z" "" bob@contoso.onmicrosoft.com 0 REQUEST Bob
ics c14a c14a "DTSTART:${TOM}T100000Z" "DTEND:${TOM}T110000Z"
ics c14b c14b "DTSTART:${TOM}T103000Z" "DTEND:${TOM}T113000Z" "" bob@contoso.onmicrosoft.com 0 REQUEST Bob
ics c14c c14c "DTSTART:${TOM}T103000Z" "DTEND:${TOM}T113000Z" "" carol@contoso.onmicrosoft.com 0 REQUEST Carol
ics c15 c15 "DTSTART:$(d '+4 days')T150000Z" "DTEND:$(d '+4 days')T160000Z" "" mallory@fabrikam.com 0 REQUEST Mallory
ics c18a c18a "DTSTART:${MON}T100000Z" "DTEND:${MON}T110000Z"
ics c18 c18 "DTSTART:${MON}T103000Z" "DTEND:${MON}T113000Z"
ics c18s c18s "DTSTART:${MON}T103000Z" "DTEND:${MON}T113000Z" "RRULE:FREQ=WEEKLY;COUNT=3"
ics trap trap "DTSTART:${TOM}T100000Z" "DTEND:${TOM}T110000Z"
rs rows2 <<PS
$CONNECT
$(submit rmd c10)
$(submit rme c11)
$(submit rme c11b)
$(submit rme dst)
Get-RoomCalendar -Identity rme -Start $(iso "$DSTDAY") -End $(iso "$DSTDAY + 28 days") | ForEach-Object { "D " + \$_.Start }
$(submit rmf c12)
$(submit rmf c12b)
$(submit rmg c13)
Submit-RoomMeetingRequest -Identity rmg -ICalendar (Get-Content -Raw $WORK/c13g.ics) -Sender bob@contoso.onmicrosoft.com | ForEach-Object { "G " + (\$_.Delegates -join ",") + " | " + \$_.ForwardText }
$(submit rmg c13b)
$(submit rmh c14a)
$(submit rmh c14b)
$(submit rmh c14c)
$(submit rma c15)
Set-CalendarProcessing -Identity rmb -ProcessExternalMeetingMessages \$true
$(submit rmb c15)
Get-RoomCalendar -Identity rma -Start $(iso tomorrow) -End $(iso '+5 days') | ForEach-Object { "A " + \$_.Uid }
$(submit rmi c18a)
$(submit rmi c18)
$(submit rmi c18s)
$(submit rmj c18a)
$(submit rmj c18s)
Set-CalendarProcessing -Identity rmf -AllBookInPolicy \$true -AllRequestInPolicy \$true
$(submit rmf trap)
PS
O=$WORK/rows2.out
contains "10: AllowRecurringMeetings \$false declines a series" "$O" "R rmd Declined Declined [RECURRENCE_NOT_ALLOWED] 0"
contains "11: 16:30-17:30 Berlin time is outside working hours" "$O" "R rme Declined Declined [WORK_HOURS] 0"
contains "11: 08:00-09:00 Berlin time is inside" "$O" "R rme Accepted Accepted [] 0"
check "DST: the weekly 09:00 Berlin series across the change is accepted in working hours" \
    test "$(grep -c '^R rme Accepted' "$O")" -eq 2
contains "DST: ... before the change at 08:00 UTC" "$O" "D $(iso "$DSTDAY")T08:00:00Z"
contains "DST: ... after the change at 07:00 UTC" "$O" "D $(iso "$DSTDAY + 21 days")T07:00:00Z"
contains "12: bob is not in BookInPolicy (NO_PERMISSION)" "$O" "R rmf Declined Declined [NO_PERMISSION] 0"
contains "12: alice is" "$O" "R rmf Accepted Accepted [] 0"
contains "13: AllRequestInPolicy: tentative, forwarded to the delegate" "$O" "R rmg Tentative ForwardedToDelegates [] 0"
contains "13: ... the delegate and the in-policy forwarding text" "$O" "G dave@contoso.onmicrosoft.com | This in-policy resource request was forwarded to you for approval."
contains "14: conflicting from bob (RequestOutOfPolicy): tentative, forwarded" "$O" "R rmh Tentative ForwardedToDelegates [CONFLICT] 0"
contains "14: conflicting from carol: declined" "$O" "R rmh Declined Declined [CONFLICT] 0"
contains "15: an external request is not processed" "$O" "R rma None SkippedExternal [EXTERNAL] 0"
lacks "15: ... and not booked" "$O" "A c15"
contains "15: ProcessExternalMeetingMessages \$true processes it" "$O" "R rmb Accepted Accepted [] 0"
check "18: AllowConflicts: a single overlapping meeting is accepted (double-booked)" \
    test "$(grep -c '^R rmi Accepted Accepted \[\] 0' "$O")" -eq 2
contains "18: a series under DeclineInstances: accepted, the conflicting occurrence declined" "$O" "R rmi Accepted AcceptedWithDeclinedOccurrences [] 1"
check "18: a series under DoubleBook: accepted whole" test "$(grep -c '^R rmj Accepted Accepted \[\] 0' "$O")" -eq 2
contains "trap: AllRequestInPolicy without AllBookInPolicy \$false still accepts" "$O" "R rmf Accepted Accepted [] 0"

# ---- delegates approve / decline ----
rs delegates <<PS
$CONNECT
Approve-RoomMeetingRequest -Identity rmg -Uid c13 -Delegate dave@contoso.onmicrosoft.com | $SUMMARY
Deny-RoomMeetingRequest -Identity rmg -Uid c13b -Delegate dave@contoso.onmicrosoft.com -Comment 'Room is closed that day' | ForEach-Object { \$_.Reply }
Approve-RoomMeetingRequest -Identity rmg -Uid c13b -Delegate dave@contoso.onmicrosoft.com
Approve-RoomMeetingRequest -Identity rmh -Uid c14b -Delegate alice@contoso.onmicrosoft.com
Approve-RoomMeetingRequest -Identity rmh -Uid c14b -Delegate nobody
Get-RoomCalendar -Identity rmg -Start $(iso tomorrow) -End $(iso '+2 days') | ForEach-Object { "P " + \$_.Uid + " " + \$_.Status }
PS
O=$WORK/delegates.out
contains "delegate approves a pending request" "$O" "R rmg Accepted ApprovedByDelegate [] "
contains "... it is busy on the calendar" "$O" "P c13 Busy"
contains "delegate declines: REPLY DECLINED with the comment" "$O" "COMMENT:Room is closed that day"
lacks "... the declined request leaves the calendar" "$O" "P c13b"
contains "a decided request cannot be decided again" "$WORK/delegates.err" "has no request waiting for approval with UID \"c13b\""
contains "only a resource delegate decides" "$WORK/delegates.err" "\"alice@contoso.onmicrosoft.com\" is not a resource delegate of the room \"rmh\""
contains "an unknown delegate is Exchange's not-found error" "$WORK/delegates.err" "Couldn't find object \"nobody\""

# ---- 16, 17, updates and overrides on rma ----
ics c16 c1 "DTSTART:${TOM}T100000Z" "DTEND:${TOM}T110000Z" "" "" 1 CANCEL
ics c16b c16b "DTSTART:${TOM}T100000Z" "DTEND:${TOM}T110000Z"
ics c17 c3 "DTSTART:${TOM}T150000Z" "DTEND:${TOM}T160000Z" "" "" 0
ics c17up c3 "DTSTART:${TOM}T113000Z" "DTEND:${TOM}T123000Z" "" "" 2 REQUEST
ics c17same c3 "DTSTART:${TOM}T113000Z" "DTEND:${TOM}T123000Z" "" "" 3 REQUEST
ics c17old c3 "DTSTART:${TOM}T150000Z" "DTEND:${TOM}T160000Z" "" "" 1 REQUEST
ics ser ser "DTSTART:${MON}T080000Z" "DTEND:${MON}T090000Z" "RRULE:FREQ=WEEKLY;COUNT=3"
# occurrence update (RECURRENCE-ID, no master) and occurrence cancel
cat > "$WORK/ser_move.ics" <<ICS
BEGIN:VCALENDAR
VERSION:2.0
METHOD:REQUEST
BEGIN:VEVENT
UID:ser
SEQUENCE:1
DTSTAMP:20261101T110000Z
RECURRENCE-ID:${MON}T080000Z
DTSTART:${MON}T070000Z
DTEND:${MON}T073000Z
ORGANIZER:mailto:alice@contoso.onmicrosoft.com
END:VEVENT
END:VCALENDAR
ICS
cat > "$WORK/ser_cancel.ics" <<ICS
BEGIN:VCALENDAR
VERSION:2.0
METHOD:CANCEL
BEGIN:VEVENT
UID:ser
SEQUENCE:2
DTSTAMP:20261101T120000Z
RECURRENCE-ID:$(d "$MON + 14 days")T080000Z
DTSTART:$(d "$MON + 14 days")T080000Z
ORGANIZER:mailto:alice@contoso.onmicrosoft.com
END:VEVENT
END:VCALENDAR
ICS
rs updates <<PS
$CONNECT
$(submit rma c16)
$(submit rma c16b)
$(submit rma c17up)
$(submit rma c17old)
$(submit rma c17same)
$(submit rma c17)
$(submit rma ser)
$(submit rma ser_move)
$(submit rma ser_cancel)
$(submit rma,rmb c12b)
Get-RoomCalendar -Identity rma -Start $(iso tomorrow) -End $(iso '+2 days') | ForEach-Object { "U " + \$_.Uid + " " + \$_.Start + " " + \$_.Status }
Get-RoomCalendar -Identity rma -Start $(iso "$MON") -End $(iso "$MON + 21 days") | Where-Object Uid -eq ser | ForEach-Object { "S " + \$_.Start + " " + \$_.Status }
Get-RoomFreeBusy -Identity rma -Start $(iso tomorrow) -End $(iso '+2 days') -IntervalMinutes 60 | ForEach-Object { "F " + \$_.MergedFreeBusy }
PS
O=$WORK/updates.out
contains "16: the accepted item is kept as cancelled" "$O" "U c1 $(iso tomorrow)T10:00:00Z Cancelled"
contains "16: ... and no longer blocks: a new request at its time is accepted" "$O" "U c16b $(iso tomorrow)T10:00:00Z Busy"
contains "17: a REQUEST with a lower SEQUENCE is ignored (out of date)" "$O" "R rma None IgnoredOutOfDate [] 0"
contains "update: a higher SEQUENCE moving the meeting is re-evaluated and moves it" "$O" "U c3 $(iso tomorrow)T11:30:00Z Busy"
contains "update: same times, higher SEQUENCE: updated in place" "$O" "R rma Accepted UpdatedInPlace [] 0"
lacks "update: the old time is gone" "$O" "U c3 $(iso tomorrow)T11:00:00Z"
contains "override: one occurrence moved by RECURRENCE-ID" "$O" "S $(iso "$MON")T07:00:00Z Busy"
contains "override: a cancelled occurrence" "$O" "S $(iso "$MON + 14 days")T08:00:00Z Cancelled"
contains "override: the other occurrence stays" "$O" "S $(iso "$MON + 7 days")T08:00:00Z Busy"
contains "several rooms: one answer per room (rma)" "$O" "R rma Accepted Accepted [] 0"
check "several rooms: ... and rmb" grep -q "^R rmb " "$O"
contains "free/busy: 24 hourly digits, busy 10:00-13:00 (c16b, c3 moved, c12b)" "$O" "F 000000000022200000000000"

# ---- AutomateProcessing modes, RemoveCanceledMeetings, AdditionalResponse ----
ics m1 m1 "DTSTART:${TOM}T100000Z" "DTEND:${TOM}T110000Z"
ics m1c m1 "DTSTART:${TOM}T100000Z" "DTEND:${TOM}T110000Z" "" "" 1 CANCEL
rs modes <<PS
$CONNECT
$(submit rml m1)
(Submit-RoomMeetingRequest -Identity rml -ICalendar (Get-Content -Raw $WORK/m1.ics)).Reply -eq \$null
$(submit rmm m1)
Set-CalendarProcessing -Identity rmm -AutomateProcessing AutoAccept -DeleteSubject \$false -AddOrganizerToSubject \$false -AddAdditionalResponse \$true -AdditionalResponse 'Please book catering separately.'
\$r = Submit-RoomMeetingRequest -Identity rmm -ICalendar (Get-Content -Raw $WORK/m1.ics)
\$r | $SUMMARY
"AR " + \$r.AdditionalResponse
\$r.Reply
Get-RoomCalendar -Identity rmm -Start $(iso tomorrow) -End $(iso '+2 days') | ForEach-Object { "K " + \$_.Subject }
Get-RoomCalendar -Identity rml -Start $(iso tomorrow) -End $(iso '+2 days') | ForEach-Object { "T " + \$_.Status }
$(submit rmm m1c)
"left " + @(Get-RoomCalendar -Identity rmm -Start $(iso tomorrow) -End $(iso '+2 days')).Count
PS
O=$WORK/modes.out
contains "AutoUpdate: added tentatively, no reply" "$O" "R rml None AddedTentatively [] 0"
contains "... no iTIP reply" "$O" "True"
contains "... tentative on the calendar" "$O" "T Tentative"
contains "None: kept in the inbox" "$O" "R rmm None KeptInInbox [] 0"
contains "AddAdditionalResponse: the text is returned" "$O" "AR Please book catering separately."
contains "... and in the REPLY" "$O" "COMMENT:Please book catering separately."
contains "AddOrganizerToSubject/DeleteSubject \$false: the subject stays" "$O" "K Team sync"
contains "RemoveCanceledMeetings: a cancelled meeting is deleted" "$O" "R rmm None Deleted [] 0"
contains "... and gone from the calendar" "$O" "left 0"

# ---- settings, bad input and errors ----
rs bad <<PS
$CONNECT
Submit-RoomMeetingRequest -Identity rma -ICalendar 'BEGIN:VCALENDAR'
Submit-RoomMeetingRequest -Identity rma -ICalendar "BEGIN:VCALENDAR\`r\`nMETHOD:REQUEST\`r\`nBEGIN:VEVENT\`r\`nUID:x\`r\`nDTSTART:20261201T100000Z\`r\`nDTEND:20261201T090000Z\`r\`nEND:VEVENT\`r\`nEND:VCALENDAR"
Submit-RoomMeetingRequest -Identity nosuchroom -ICalendar (Get-Content -Raw $WORK/c1.ics)
Get-RoomCalendar -Identity rma -Start 31/12/2026
Set-MailboxCalendarConfiguration -Identity rma -WorkingHoursStartTime 18:00:00 -WorkingHoursEndTime 09:00:00
Set-MailboxCalendarConfiguration -Identity rma -WorkingHoursTimeZone 'Mars Standard Time'
Set-MailboxCalendarConfiguration -Identity rma -WorkingHoursStartTime 07:00 -WorkingHoursDaysOfWeek Monday,Friday
Get-MailboxCalendarConfiguration -Identity rma | ForEach-Object { "W " + \$_.WorkingHoursStartTime + " " + \$_.WorkingHoursEndTime + " " + \$_.WorkingHoursDaysOfWeek + " " + \$_.WorkingHoursTimeZone }
(Get-CalendarProcessing -Identity rma).RecurringConflictMode
PS
E=$WORK/bad.err
contains "bad iCalendar is a clear error" "$E" "The text is not an iCalendar object"
contains "DTEND before DTSTART is a clear error" "$E" "The meeting ends before it starts."
contains "an unknown room is Exchange's not-found error" "$E" "couldn't be found"
contains "a bad date is refused" "$E" "Cannot convert \"31/12/2026\" to a date"
contains "working hours: start after end refused" "$E" "WorkingHoursStartTime must be earlier than WorkingHoursEndTime."
contains "working hours: an unknown time zone refused" "$E" "\"Mars Standard Time\" is not a valid time zone"
contains "Get-MailboxCalendarConfiguration shows the change" "$WORK/bad.out" "W 07:00:00 17:00:00 Monday, Friday UTC"
contains "Get-CalendarProcessing shows RecurringConflictMode" "$WORK/bad.out" "DeclineInstances"

# ---- through the admin API directly (InvokeCommand) ----
TOKEN=$(curl -s --cacert "$STATE/tls/cert.pem" "https://127.0.0.1:$HTTPS_PORT/contoso.onmicrosoft.com/oauth2/v2.0/token" \
    -d grant_type=password -d username=admin@contoso.onmicrosoft.com --data-urlencode "password=$(cat "$WORK/admin.password")" \
    -d scope=https://outlook.office365.com/.default | python3 -c 'import json,sys; print(json.load(sys.stdin).get("access_token",""))')
ics api api "DTSTART:${TOM}T180000Z" "DTEND:${TOM}T190000Z"
python3 -c "import json,sys; print(json.dumps({'CmdletInput': {'CmdletName': 'Submit-RoomMeetingRequest', 'Parameters': {'Identity': ['rma'], 'ICalendar': open(sys.argv[1]).read()}}}))" "$WORK/api.ics" > "$WORK/api.json"
curl -s --cacert "$STATE/tls/cert.pem" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    --data @"$WORK/api.json" "https://127.0.0.1:$HTTPS_PORT/adminapi/beta/contoso.onmicrosoft.com/InvokeCommand" > "$WORK/api.out"
contains "InvokeCommand: the room answers over the admin API" "$WORK/api.out" '"Response":"Accepted"'

# ---- kill -9 once answered: bookings survive ----
kill -KILL "$DAEMON_PID"
wait "$DAEMON_PID" 2>/dev/null
DAEMON_PID=""
start_daemon || exit 1
rs after <<PS
$CONNECT
Get-RoomCalendar -Identity rma -Start $(iso tomorrow) -End $(iso '+2 days') | ForEach-Object { "U " + \$_.Uid + " " + \$_.Status }
PS
contains "kill -9: the booking answered last is still there" "$WORK/after.out" "U api Busy"
contains "kill -9: ... and the earlier ones" "$WORK/after.out" "U c16b Busy"
finish

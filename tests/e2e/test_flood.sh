#!/bin/bash
# Flood protection (sign-in.md section 7): a source sending too many requests,
# or failing digest too often, is banned and gets no reply at all, with
# sip.source.banned / sip.source.unbanned security log lines; exempt
# addresses (loopback by default) are never limited. Linux routes all of
# 127/8 to lo, so 127.0.0.2 and 127.0.0.3 play outside sources.
. "$(dirname "$0")/lib.sh"
write_config
cat >> "$WORK/roomsysd.conf" <<'CONF'
[sip]
rate_limit_requests = 20
rate_limit_window_seconds = 60
ban_seconds = 2
failure_ban_threshold = 3
failure_window_seconds = 60
CONF
start_daemon || exit 1
FLOOD="$E2E_DIR/sipflood.py"

got=$(python3 "$FLOOD" 127.0.0.2 "$SIP_PORT" 40)
check "a flood of 40 OPTIONS from 127.0.0.2: only the first 20 answered (got $got)" test "$got" = 20
got=$(python3 "$FLOOD" 127.0.0.2 "$SIP_PORT" 5)
check "the banned source gets no reply at all (got $got)" test "$got" = 0
contains "sip.source.banned is logged in the sign-in.md section 8 format" "$WORK/roomsysd.log" \
    '"level":"warning","event":"sip.source.banned","src":"127.0.0.2","sport":'
contains "... with the reason" "$WORK/roomsysd.log" '"transport":"udp","reason":"rate_limit","pool":"sippoolbl20a04.infra.lync.com","tenant":"","realm":"","user_hmac":""}'
check "... once" test "$(grep -c '"event":"sip.source.banned"' "$WORK/roomsysd.log")" = 1
got=$(python3 "$FLOOD" 127.0.0.1 "$SIP_PORT" 60)
check "loopback 127.0.0.1 is exempt by default (got $got of 60)" test "$got" = 60
got=$(python3 "$FLOOD" 127.0.0.4 "$SIP_PORT" 3)
check "another source is not affected (got $got)" test "$got" = 3
rs status <<'PS'
$cred = Get-Credential admin@contoso.onmicrosoft.com
Import-PSSession (New-CsOnlineSession -Credential $cred) -AllowClobber | Out-Null
Get-CsRegistrarStatus -Identity sippoolbl20a04.infra.lync.com | Format-List Banned
PS
contains "Get-CsRegistrarStatus counts the dropped requests (20 + 5)" "$WORK/status.out" "Banned : 25"

# the ban ends (ban_seconds = 2; the sweeper runs every second)
sleep 3.5
contains "sip.source.unbanned is logged when the ban ends" "$WORK/roomsysd.log" \
    '"level":"info","event":"sip.source.unbanned","src":"127.0.0.2"'
got=$(python3 "$FLOOD" 127.0.0.2 "$SIP_PORT" 3)
check "after the ban the source is answered again (got $got)" test "$got" = 3

# failure-driven ban: 3 failed digests (unknown user) from 127.0.0.3
for i in 1 2 3; do
    SIPP_SRC=127.0.0.3 sipp_register 401 nobody contoso.onmicrosoft.com 'wrong-pass'
    check "failed sign-in $i from 127.0.0.3 gets 401" test $? -eq 0
done
contains "the third failure bans the source" "$WORK/roomsysd.log" \
    '"event":"sip.source.banned","src":"127.0.0.3","sport":'
contains "... for auth failures" "$WORK/roomsysd.log" '"reason":"auth_failures"'
got=$(python3 "$FLOOD" 127.0.0.3 "$SIP_PORT" 3)
check "then 127.0.0.3 gets no reply (got $got)" test "$got" = 0
finish

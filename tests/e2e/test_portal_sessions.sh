#!/bin/bash
# Web portal sessions and their bearer tokens (admin-api.md section 5; brief
# session 4): sign-out revokes the session's token server-side; the idle and
# absolute timeouts come from [https] portal_idle_timeout_seconds and
# portal_absolute_timeout_seconds (short here), slide the token's expiry while
# the session is used and revoke it when the session ends; a restart revokes
# the tokens of the sessions it forgot; --check-config validates the keys.
# curl only (no browser): the token never leaves the daemon, so the checks
# read the daemon's own store (sqlite3, read-only) for the session documents.
. "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 missing (scripts/deps.sh)"; exit 77; }
IDLE=3
ABSOLUTE=7
write_config
sed -i "/^port = $HTTPS_PORT\$/a portal_idle_timeout_seconds = $IDLE\nportal_absolute_timeout_seconds = $ABSOLUTE" "$WORK/roomsysd.conf"

# ---- --check-config ----
cfgcheck() { # cfgcheck KEY=VALUE...: --check-config of the test config with these [https] keys; sets CC_RC
    cp "$WORK/roomsysd.conf" "$WORK/cc.conf"
    for kv in "$@"; do
        sed -i "/^${kv%%=*} = /d" "$WORK/cc.conf"
        sed -i "/^port = $HTTPS_PORT\$/a ${kv%%=*} = ${kv#*=}" "$WORK/cc.conf"
    done
    "$ROOMSYSD" --check-config -c "$WORK/cc.conf" >"$WORK/cc.out" 2>"$WORK/cc.err"
    CC_RC=$?
}
cfgcheck
check "--check-config accepts the portal timeouts" test "$CC_RC" = 0
cfgcheck portal_idle_timeout_seconds=0
check "... an idle timeout of 0 is a configuration error (78)" test "$CC_RC" = 78
contains "... naming the key" "$WORK/cc.err" "portal_idle_timeout_seconds"
cfgcheck portal_idle_timeout_seconds=600 portal_absolute_timeout_seconds=300
check "... an idle timeout above the absolute one is refused (78)" test "$CC_RC" = 78
contains "... saying so" "$WORK/cc.err" "portal_idle_timeout_seconds is above portal_absolute_timeout_seconds"
cfgcheck portal_absolute_timeout_seconds=604801
check "... an absolute timeout above 7 days is refused" test "$CC_RC" = 78
cfgcheck oidc_key_rotation_days=-1
check "... a negative oidc_key_rotation_days is refused" test "$CC_RC" = 78
cfgcheck oidc_key_rotation_days=0
check "... oidc_key_rotation_days = 0 (never) is accepted" test "$CC_RC" = 0

start_daemon || exit 1
BASE="https://127.0.0.1:$HTTPS_PORT"
CA="$STATE/tls/cert.pem"
DB="$STATE/roomsys.db"
ADMIN=admin@contoso.onmicrosoft.com

# held_tokens UPN: live portal tokens of UPN in the daemon's store
held_tokens() {
    sqlite3 -readonly "file:$DB?mode=ro" "SELECT count(*) FROM objects WHERE tenant = '' AND kind = 'session'
        AND json_extract(doc, '\$.Portal') = 1 AND json_extract(doc, '\$.UserPrincipalName') = '$1'
        AND json_extract(doc, '\$.ExpiresMs') > CAST(strftime('%s','now') AS INTEGER) * 1000" 2>>"$WORK/sqlite.err"
}
all_tokens() { # all_tokens UPN: every session document (portal or not) of UPN
    sqlite3 -readonly "file:$DB?mode=ro" "SELECT count(*) FROM objects WHERE tenant = '' AND kind = 'session'
        AND json_extract(doc, '\$.UserPrincipalName') = '$1'" 2>>"$WORK/sqlite.err"
}
token_exp() { # token_exp UPN: ExpiresMs of UPN's portal token
    sqlite3 -readonly "file:$DB?mode=ro" "SELECT json_extract(doc, '\$.ExpiresMs') FROM objects WHERE tenant = ''
        AND kind = 'session' AND json_extract(doc, '\$.Portal') = 1 AND json_extract(doc, '\$.UserPrincipalName') = '$1'" 2>>"$WORK/sqlite.err"
}
login() { # login JAR: sign in as the admin; prints the HTTP status
    curl -s -o /dev/null -w '%{http_code}' --cacert "$CA" -c "$1" --data-urlencode "username=$ADMIN" \
        --data-urlencode "password=$(cat "$WORK/admin.password")" "$BASE/portal/login"
}
session() { # session JAR: GET /portal/api/session; prints the HTTP status, body in $WORK/session.json
    curl -s -o "$WORK/session.json" -w '%{http_code}' --cacert "$CA" -b "$1" "$BASE/portal/api/session"
}
pinvoke() { # pinvoke JAR CSRF: a cmdlet through the portal; prints the HTTP status
    curl -s -o "$WORK/pinv.json" -w '%{http_code}' --cacert "$CA" -b "$1" -H "X-CSRF-Token: $2" \
        -H 'Content-Type: application/json' --data-binary '{"service":"msol","cmdlet":"Get-MsolUser","parameters":{}}' \
        "$BASE/portal/api/invoke"
}
# a shell session of the same admin, which no portal event may touch
SHELL_TOKEN=$(curl -s --cacert "$CA" --data-urlencode grant_type=password --data-urlencode "username=$ADMIN" \
    --data-urlencode "password=$(cat "$WORK/admin.password")" --data-urlencode scope=https://outlook.office365.com/.default \
    "$BASE/organizations/oauth2/v2.0/token" | jq -r .access_token)
invoke_shell() {
    curl -s -o /dev/null -w '%{http_code}' --cacert "$CA" -X POST -H "Authorization: Bearer $SHELL_TOKEN" \
        -H 'Content-Type: application/json' -d '{"CmdletInput":{"CmdletName":"Get-Mailbox"}}' \
        "$BASE/adminapi/beta/contoso.onmicrosoft.com/InvokeCommand"
}
check "the admin's shell token works" test "$(invoke_shell)" = 200
check "no portal token before sign-in" test "$(held_tokens $ADMIN)" = 0

# ---- sign-out revokes the session's token ----
J1="$WORK/j1"
check "sign-in (303)" test "$(login "$J1")" = 303
check "... the session holds one live portal token in the store" test "$(held_tokens $ADMIN)" = 1
EXP=$(token_exp $ADMIN)
NOW_MS=$(($(date +%s%3N)))
check "... which expires after the idle timeout, not the token lifetime (3600 s)" \
    test "$((EXP - NOW_MS))" -le $((IDLE * 1000)) -a "$((EXP - NOW_MS))" -gt 0
check "the session answers (200)" test "$(session "$J1")" = 200
CSRF=$(jq -r .csrf "$WORK/session.json")
check "... and says its idle timeout" test "$(jq -r .idleSeconds "$WORK/session.json")" = "$IDLE"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CA" -b "$J1" -H "X-CSRF-Token: wrong" -X POST "$BASE/portal/logout")
check "sign-out without the CSRF token is refused (403)" test "$code" = 403
check "... and revokes nothing" test "$(held_tokens $ADMIN)" = 1
code=$(curl -s -o /dev/null -D "$WORK/logout.h" -w '%{http_code}' --cacert "$CA" -b "$J1" -c "$J1" -H "X-CSRF-Token: $CSRF" -X POST "$BASE/portal/logout")
check "sign-out (303)" test "$code" = 303
contains "... expires the cookie" "$WORK/logout.h" "rs_portal=; Path=/portal; Max-Age=0"
contains "... and clears what the browser kept (Clear-Site-Data)" "$WORK/logout.h" 'Clear-Site-Data: "cache", "cookies", "storage"' 
check "... the session's token is gone from the store (revoked server-side)" test "$(held_tokens $ADMIN)" = 0
check "... the session is over (401)" test "$(session "$J1")" = 401
check "... the shell's token of the same admin still works" test "$(invoke_shell)" = 200
check "... it is the admin's only session document left" test "$(all_tokens $ADMIN)" = 1

# ---- the idle timeout slides while the session is used ----
J2="$WORK/j2"
check "sign-in again (303)" test "$(login "$J2")" = 303
session "$J2" >/dev/null
CSRF=$(jq -r .csrf "$WORK/session.json")
EXP0=$(token_exp $ADMIN)
alive=1
for i in 1 2 3 4 5; do # 5 s of use, each request within the idle timeout: past the first token expiry
    sleep 1
    [ "$(pinvoke "$J2" "$CSRF")" = 200 ] || alive=0
done
check "a session used every second outlives its idle timeout ($IDLE s)" test "$alive" = 1
EXP1=$(token_exp $ADMIN)
check "... its token's expiry moved forward with it" test "${EXP1:-0}" -gt "${EXP0:-0}"
check "... by no more than the idle timeout from now" test "$((EXP1 - $(date +%s%3N)))" -le $((IDLE * 1000))
# ---- the absolute timeout ends it anyway ----
for i in 1 2 3; do
    sleep 1
    code=$(pinvoke "$J2" "$CSRF")
    [ "$code" = 200 ] || break
done
check "in use or not, the session ends at the absolute timeout ($ABSOLUTE s): 401" test "$code" = 401
check "... its token's expiry never passed sign-in + the absolute timeout" test "$EXP1" -le "$((EXP0 - IDLE * 1000 + ABSOLUTE * 1000))"
check "... and its token is revoked" test "$(held_tokens $ADMIN)" = 0

# ---- an idle session ends, and its token goes with it ----
J3="$WORK/j3"
check "sign-in a third time (303)" test "$(login "$J3")" = 303
check "... one portal token" test "$(held_tokens $ADMIN)" = 1
sleep $((IDLE + 1))
check "after the idle timeout the token no longer checks (expired in the store)" test "$(held_tokens $ADMIN)" = 0
check "... and the session is over (401)" test "$(session "$J3")" = 401
check "... its document is deleted at the next portal request" \
    test "$(sqlite3 -readonly "file:$DB?mode=ro" "SELECT count(*) FROM objects WHERE kind = 'session' AND json_extract(doc, '\$.Portal') = 1")" = 0

# ---- a restart revokes the sessions the daemon forgot ----
J4="$WORK/j4"
check "sign-in before a restart (303)" test "$(login "$J4")" = 303
check "... one portal token" test "$(held_tokens $ADMIN)" = 1
stop_daemon
start_daemon || exit 1
check "after the restart the forgotten session's token is revoked" \
    test "$(sqlite3 -readonly "file:$DB?mode=ro" "SELECT count(*) FROM objects WHERE kind = 'session' AND json_extract(doc, '\$.Portal') = 1")" = 0
check "... the session is over (401)" test "$(session "$J4")" = 401
check "... the shell's token survives the restart" test "$(invoke_shell)" = 200
check "the store was readable throughout" test ! -s "$WORK/sqlite.err"
finish

#!/bin/bash
# The web portal (admin-api.md section 5) driven by playwright-core and
# Debian's chromium (tests/node/portal.mjs): a room provisioned entirely from
# the portal, then signed in with sipp; the refusals (wrong password, CSRF,
# rights, roles) and the security headers. Screenshots of every page are kept
# in $PORTAL_SHOTS (default: portal-shots/ next to where ctest runs).
. "$(dirname "$0")/lib.sh"
REPO=$(cd "$E2E_DIR/../.." && pwd)
NODE_PATH="$REPO/tests/node/node_modules"
if ! command -v node >/dev/null || [ ! -d "$NODE_PATH/playwright-core" ] || [ ! -x /usr/bin/chromium ]; then
    echo "SKIP: node, tests/node/node_modules/playwright-core or /usr/bin/chromium missing (scripts/deps.sh)"
    exit 77
fi
SHOTS=${PORTAL_SHOTS:-$PWD/portal-shots}
rm -rf "$SHOTS"
mkdir -p "$SHOTS"
echo "# screenshots: $SHOTS"

# a sync lag, so the wizard has to wait for the new room to reach Skype for Business
export SYNC_LAG=${SYNC_LAG:-8}
write_config
start_daemon || exit 1
BASE="https://127.0.0.1:$HTTPS_PORT"
CA="$STATE/tls/cert.pem"

# users the refusal checks need (set up with the shell, like test_roles.sh)
rs setup <<'PS'
$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-MsolService -Credential $cred
New-MsolUser -UserPrincipalName bob@contoso.onmicrosoft.com -DisplayName Bob -Password 'Qz7-Harbor-2' -ForceChangePassword $false -UsageLocation US | Out-Null
New-MsolUser -UserPrincipalName dave@contoso.onmicrosoft.com -DisplayName Dave -Password 'Qz7-Canyon-5' -ForceChangePassword $false -UsageLocation US | Out-Null
New-MsolUser -UserPrincipalName carol@contoso.onmicrosoft.com -DisplayName Carol -Password 'Qz7-Meadow-3' -ForceChangePassword $false | Out-Null
New-MsolUser -UserPrincipalName alice@contoso.onmicrosoft.com -DisplayName 'Alice Adams' -Password 'Qz7-Summit-4' -ForceChangePassword $false -UsageLocation US | Out-Null
New-MsolUser -UserPrincipalName frank@contoso.onmicrosoft.com -DisplayName Frank -Password 'Qz7-Prairie-7' -ForceChangePassword $false | Out-Null
New-MsolUser -UserPrincipalName erin@contoso.onmicrosoft.com -DisplayName Erin -Password 'Qz7-Glacier-6' -ForceChangePassword $false -UsageLocation US | Out-Null
Add-MsolRoleMember -RoleName "User Account Administrator" -RoleMemberEmailAddress bob@contoso.onmicrosoft.com
Add-MsolRoleMember -RoleName "Exchange Administrator" -RoleMemberEmailAddress erin@contoso.onmicrosoft.com
Set-RoomSystemAdminAccess -Identity bob@contoso.onmicrosoft.com -Exchange $false -SkypeForBusiness $false -MSOnline $true
PS
check "setup with the shell" test "$RS_RC" -eq 0
[ "$RS_RC" -eq 0 ] || cat "$WORK/setup.err"

# plain HTTP checks the browser cannot make
curl -s -o /dev/null -D "$WORK/login.h" --cacert "$CA" "$BASE/portal/login"
contains "sign-in page: Content-Security-Policy without inline script" "$WORK/login.h" "script-src 'self';"
contains "sign-in page: X-Frame-Options DENY" "$WORK/login.h" "X-Frame-Options: DENY"
curl -s -o /dev/null -D "$WORK/js.h" --cacert "$CA" "$BASE/portal/static/app.js"
contains "app.js is served as JavaScript" "$WORK/js.h" "Content-Type: text/javascript"
etag=$(sed -n 's/^ETag: *//Ip' "$WORK/js.h" | tr -d '\r')
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CA" -H "If-None-Match: $etag" "$BASE/portal/static/app.js")
check "a static file with a matching ETag is 304" test "$code" = 304
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CA" "$BASE/portal/rooms")
check "a page without a session redirects to sign-in (303)" test "$code" = 303
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CA" -X POST -H 'Content-Type: application/json' \
    -d '{"service":"exchange","cmdlet":"Get-Mailbox"}' "$BASE/portal/api/invoke")
check "the API without a session is 401" test "$code" = 401
code=$(curl -s --path-as-is -o /dev/null -w "%{http_code}" --cacert "$CA" "$BASE/portal/static/../../etc/passwd")
check "no path escapes the embedded files" test "$code" = 404
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CA" -H 'Origin: https://evil.example' \
    --data-urlencode username=admin@contoso.onmicrosoft.com --data-urlencode "password=$(cat "$WORK/admin.password")" \
    "$BASE/portal/login")
check "a sign-in form posted from another origin is refused (403)" test "$code" = 403

# bad input through a real session (curl keeps the cookie): clear errors, nothing changed
JAR="$WORK/cookies"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CA" -c "$JAR" \
    --data-urlencode username=admin@contoso.onmicrosoft.com --data-urlencode "password=$(cat "$WORK/admin.password")" \
    "$BASE/portal/login")
check "curl signs in (303)" test "$code" = 303
contains "the cookie is HttpOnly (curl's jar marks it)" "$JAR" "#HttpOnly_127.0.0.1"
CSRF=$(curl -s --cacert "$CA" -b "$JAR" "$BASE/portal/api/session" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])')
pinv() { # pinv BODY: POST /portal/api/invoke with the session and CSRF token; prints status, body in $WORK/pinv.out
    curl -s -o "$WORK/pinv.out" -w '%{http_code}' --cacert "$CA" -b "$JAR" -H "X-CSRF-Token: $CSRF" \
        -H 'Content-Type: application/json' --data-binary "$1" "$BASE/portal/api/invoke"
}
code=$(pinv '{"service":"exchange","cmdlet":"Get-Mailbox"')
check "malformed JSON is 400" test "$code" = 400
code=$(pinv '{"service":"graph","cmdlet":"Get-Mailbox"}')
check "an unknown service is 400" test "$code" = 400
code=$(pinv '{"service":"exchange","cmdlet":"Get-Mailbox","parameters":[1]}')
check "parameters that are not an object are 400" test "$code" = 400
code=$(pinv "$(python3 -c 'print("{\"service\":\"exchange\",\"cmdlet\":\"Get-Mailbox\",\"parameters\":{\"Identity\":" + "[" * 40 + "]" * 40 + "}}")')")
check "deep nesting is 400" test "$code" = 400
code=$(pinv '{"service":"exchange","cmdlet":"Remove-Everything"}')
check "an unknown cmdlet is refused (404)" test "$code" = 404
contains "... as the shell's unknown command" "$WORK/pinv.out" "CommandNotFoundException"
code=$(pinv '{"service":"msol","cmdlet":"New-Mailbox","parameters":{"Name":"Wrong Service","Room":true}}')
check "a cmdlet sent to another service is refused (404)" test "$code" = 404
code=$(pinv '{"service":"exchange","cmdlet":"New-Mailbox","parameters":{"Name":"Bad Room","Room":true,"ResourceCapacity":"lots"}}')
check "a bad parameter value is 400" test "$code" = 400
contains "... with the binding error" "$WORK/pinv.out" "ResourceCapacity"
code=$(pinv '{"service":"exchange","cmdlet":"Get-Mailbox","parameters":{"Identity":"Bad Room"}}')
check "the refused requests created nothing" test "$code" = 404
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CA" -b "$JAR" -I "$BASE/portal/rooms")
check "HEAD of a page is answered (200)" test "$code" = 200
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CA" -b "$JAR" -X DELETE "$BASE/portal/api/invoke")
check "a wrong method is 405" test "$code" = 405

# smart lockout: the portal's sign-in is the token endpoint's (same counter per account and source)
portal_login() { # portal_login PASSWORD [SOURCE]: prints the HTTP status
    curl -s -o /dev/null -w '%{http_code}' --cacert "$CA" --interface "${2:-127.0.0.1}" \
        --data-urlencode username=erin@contoso.onmicrosoft.com --data-urlencode "password=$1" "$BASE/portal/login"
}
for i in $(seq 1 10); do portal_login "wrong-$i" >/dev/null; done
code=$(portal_login 'Qz7-Glacier-6')
check "after ten wrong passwords the right one is refused too (locked, 401)" test "$code" = 401
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$CA" -d grant_type=password -d client_id=x \
    -d scope=roomsys/exchange -d username=erin@contoso.onmicrosoft.com -d password=Qz7-Glacier-6 \
    "$BASE/organizations/oauth2/v2.0/token")
check "the lockout the portal counted holds at the token endpoint (400)" test "$code" = 400
code=$(portal_login 'Qz7-Glacier-6' 127.0.0.2)
check "another source address still signs in (smart lockout, 303)" test "$code" = 303

export PORTAL_URL=$BASE PORTAL_SHOTS=$SHOTS NODE_PATH NODE_EXTRA_CA_CERTS=$CA
export ADMIN_UPN=admin@contoso.onmicrosoft.com ADMIN_PASSWORD
ADMIN_PASSWORD=$(cat "$WORK/admin.password")
export ROOM_UPN=confrm7@contoso.onmicrosoft.com ROOM_PASSWORD='pass@word1'
export LIMITED_UPN=bob@contoso.onmicrosoft.com LIMITED_PASSWORD='Qz7-Harbor-2'
export NOROLE_UPN=dave@contoso.onmicrosoft.com NOROLE_PASSWORD='Qz7-Canyon-5'
export NOLOC_UPN=carol@contoso.onmicrosoft.com NOLOC2_UPN=frank@contoso.onmicrosoft.com

node "$REPO/tests/node/portal.mjs" provision > "$WORK/node1.out" 2>&1
rc=$?
cat "$WORK/node1.out"
check "the portal run (provision) passed" test "$rc" -eq 0

# the room provisioned from the portal signs in
if sipp_register 200 confrm7 contoso.onmicrosoft.com "$ROOM_PASSWORD"; then
    ok "the room provisioned in the portal signs in with sipp (200)"
else
    not_ok "the room provisioned in the portal signs in with sipp (200)" "$(tail -20 "$WORK/sipp_errors.log" 2>/dev/null)"
fi

node "$REPO/tests/node/portal.mjs" registered > "$WORK/node2.out" 2>&1
rc=$?
cat "$WORK/node2.out"
check "the portal run (registered) passed" test "$rc" -eq 0

for f in 01-signin 03-rooms-add 04-room-wizard 05-room-page 06-users 07-user 08-licenses 11-audit 14-room-registered 15-pools; do
    check "screenshot $f.png saved" test -s "$SHOTS/$f.png"
done
lacks "no password in the daemon log" "$WORK/roomsysd.log" "$ROOM_PASSWORD"
lacks "no admin password in the daemon log" "$WORK/roomsysd.log" "$ADMIN_PASSWORD"
lacks "no reset password in the daemon log" "$WORK/roomsysd.log" "Qz7-Newpass-8"
echo "# screenshots: $SHOTS"
finish

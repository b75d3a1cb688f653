#!/bin/bash
# Microsoft Graph v1.0 subset (admin-api.md sections 2 and 4.1): the shell
# provisions rooms (Set-Place) and an Exchange-only admin; the unmodified
# @microsoft/microsoft-graph-client (tests/node/graph.mjs) then drives users,
# licenses, places and room calendars over HTTPS; curl checks raw shapes.
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$E2E_DIR/../.." && pwd)
if ! command -v node >/dev/null || [ ! -d "$ROOT/tests/node/node_modules/@microsoft/microsoft-graph-client" ]; then
    echo "ok - SKIP: node or @microsoft/microsoft-graph-client missing (scripts/deps.sh installs them)"
    exit 0
fi
write_config
start_daemon || exit 1
T=contoso.onmicrosoft.com
B="https://127.0.0.1:$HTTPS_PORT"

rs setup <<'PS'
$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred
Connect-MsolService -Credential $cred
New-Mailbox -Name gr1 -DisplayName "Graph Room 1" -MicrosoftOnlineServicesID gr1@contoso.onmicrosoft.com -Room | Out-Null
New-Mailbox -Name gr2 -DisplayName "Graph Room 2" -MicrosoftOnlineServicesID gr2@contoso.onmicrosoft.com -Room | Out-Null
New-Mailbox -Name gr3 -DisplayName "Graph Room 3" -MicrosoftOnlineServicesID gr3@contoso.onmicrosoft.com -Room | Out-Null
Set-Place -Identity gr1 -Building "Building 40" -Floor 2 -FloorLabel Second -Capacity 12 -IsWheelChairAccessible $true -AudioDeviceName PolyCom -VideoDeviceName "Cam 4K" -DisplayDeviceName "InFocus WXGA Projector" -City Redmond -Street "1 Microsoft Way" -State WA -PostalCode 98052 -CountryOrRegion us -Phone "+1 425 555 0100" -Label "40/2.12" -Tags view,whiteboard
Set-Place -Identity gr2 -Building "Building 40" -Floor 3 -Capacity 4
New-DistributionGroup -Name "Building 40" -RoomList -PrimarySmtpAddress bldg40@contoso.onmicrosoft.com -Members gr1,gr2 | Out-Null
New-DistributionGroup -Name "Empty List" -RoomList | Out-Null
New-DistributionGroup -Name Staff -Members gr3 | Out-Null
"place: " + (Get-Place -Identity gr1).Building + " " + (Get-Place -Identity gr1).Floor + " " + (Get-Mailbox gr1).ResourceCapacity
New-MsolUser -UserPrincipalName eve@contoso.onmicrosoft.com -DisplayName Eve -Password 'Qz7-Kite!pass' | Out-Null
Add-MsolRoleMember -RoleName "Exchange Administrator" -RoleMemberEmailAddress eve@contoso.onmicrosoft.com
PS
check "rooms, places and an Exchange Administrator are set up" test "$RS_RC" -eq 0 -a ! -s "$WORK/setup.err"
contains "Get-Place shows what Set-Place stored; Capacity is ResourceCapacity" "$WORK/setup.out" "place: Building 40 2 12"

rs badplace <<'PS'
$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred
Set-Place -Identity gr3 -CountryOrRegion Narnia -Building Nope
"after: [" + (Get-Place -Identity gr3).Building + "]"
PS
contains "Set-Place refuses a bad country code" "$WORK/badplace.err" "Narnia"
contains "... and changes nothing" "$WORK/badplace.out" "after: []"

token() { # token USER PASSWORD SCOPE -> prints the access token
    curl -s --cacert "$ROOMSYS_CA_FILE" "$B/$T/oauth2/v2.0/token" --data-urlencode grant_type=password \
        --data-urlencode "username=$1" --data-urlencode "password=$2" --data-urlencode "scope=$3" | jq -r .access_token
}
GT=$(token admin@$T 'Adm1n-Pass!word' https://graph.microsoft.com/.default)
ET=$(token eve@$T 'Qz7-Kite!pass' https://graph.microsoft.com/.default)
XT=$(token admin@$T 'Adm1n-Pass!word' https://outlook.office365.com/.default)
check "Graph tokens are issued" test -n "$GT" -a "$GT" != null -a -n "$ET" -a "$ET" != null

C=(curl -s --cacert "$ROOMSYS_CA_FILE" -o "$WORK/body" -w '%{http_code}')
code=$("${C[@]}" "$B/v1.0/users")
check "no token: 401" test "$code" = 401
contains "... InvalidAuthenticationToken in Graph's envelope" "$WORK/body" '"code":"InvalidAuthenticationToken"'
code=$("${C[@]}" -H "Authorization: Bearer $XT" "$B/v1.0/users")
check "an Exchange PowerShell token is not a Graph token: 401" test "$code" = 401
code=$("${C[@]}" -H "Authorization: Bearer $GT" -H 'Content-Type: application/json' \
    -d '{"CmdletInput":{"CmdletName":"Get-MsolUser","Parameters":{}}}' "$B/msol/adminapi/beta/$T/InvokeCommand")
check "a Graph token does not open the PowerShell endpoints: 403" test "$code" = 403
code=$("${C[@]}" -H "Authorization: Bearer $GT" -H 'client-request-id: graph-e2e-1' "$B/v1.0/users/ghost@$T")
check "unknown user: 404" test "$code" = 404
check "... body exactly as Graph's" jq -e --arg id "ghost@$T" '.error.code == "Request_ResourceNotFound" and
    .error.message == "Resource '"'"'\($id)'"'"' does not exist or one of its queried reference-property objects are not present." and
    .error.innerError["client-request-id"] == "graph-e2e-1" and (.error.innerError["request-id"] | length) == 36 and
    (.error.innerError.date | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$")) and (.error | keys | length) == 3' "$WORK/body"
code=$("${C[@]}" -H "Authorization: Bearer $GT" -H 'Content-Type: application/json' -d '{"displayName":' "$B/v1.0/users")
check "malformed JSON: 400" test "$code" = 400
contains "... with Graph's payload text" "$WORK/body" "Unable to read JSON request payload"
code=$("${C[@]}" -H "Authorization: Bearer $GT" -X DELETE "$B/v1.0/subscribedSkus")
check "a method the resource does not take: 405" test "$code" = 405
code=$("${C[@]}" -H "Authorization: Bearer $GT" "$B/v1.0/users?\$top=2&\$select=userPrincipalName")
check "GET /users: 200" test "$code" = 200
check "... @odata.context absolute on the request's host" jq -e --arg b "$B" '.["@odata.context"] == ($b + "/v1.0/$metadata#users(userPrincipalName)") and (.value | length) == 2' "$WORK/body"
code=$("${C[@]}" -H "Authorization: Bearer $GT" "$B/v1.0/users?\$skiptoken=garbage")
check "a forged skiptoken: 400" test "$code" = 400
code=$("${C[@]}" -H "Authorization: Bearer $GT" "$B/v1.0/nothing")
check "an unknown segment: 400" test "$code" = 400
code=$(curl -s --cacert "$ROOMSYS_CA_FILE" -D "$WORK/hdr" -o "$WORK/body" -w '%{http_code}' -H "Authorization: Bearer $GT" "$B/v1.0/subscribedSkus")
contains "Graph answers carry OData-Version and request-id" "$WORK/hdr" "OData-Version: 4.0"
check "... subscribedSkus items in Graph's shape" jq -e '.value[0] | has("accountName") and has("accountId") and has("prepaidUnits") and has("servicePlans") and has("subscriptionIds") and has("skuPartNumber") and has("consumedUnits")' "$WORK/body"
code=$("${C[@]}" -H "Authorization: Bearer $GT" "$B/v1.0/places/microsoft.graph.roomlist/microsoft.graph.roomlist/rooms")
check "rooms of a room list that does not exist: 404" test "$code" = 404
check "... in Graph's envelope" jq -e '.error.code == "Request_ResourceNotFound"' "$WORK/body"
code=$("${C[@]}" -H "Authorization: Bearer $GT" "$B/v1.0/places/staff@$T/microsoft.graph.roomlist/rooms")
check "a plain distribution group is not a room list: 404" test "$code" = 404
code=$("${C[@]}" -H "Authorization: Bearer $GT" "$B/v1.0/places/microsoft.graph.roomlist")
check "room lists: 200" test "$code" = 200
check "... the RoomList groups only, in the roomList shape" jq -e '[.value[].displayName] == ["Building 40", "Empty List"] or [.value[].displayName] == ["Empty List", "Building 40"]' "$WORK/body"
check "... with id, emailAddress, address, geoCoordinates and phone" jq -e '.value[] | select(.emailAddress == "bldg40@contoso.onmicrosoft.com") | (."@odata.type" == "#microsoft.graph.roomList") and (.id | test("^[0-9a-f-]{36}$")) and has("address") and has("geoCoordinates") and has("phone")' "$WORK/body"
code=$("${C[@]}" -H "Authorization: Bearer $ET" "$B/v1.0/places/bldg40@$T/microsoft.graph.roomlist/rooms")
check "an Exchange Administrator reads a list's rooms" test "$code" = 200
check "... its member rooms in the room shape" jq -e '([.value[].emailAddress] | sort) == ["gr1@contoso.onmicrosoft.com", "gr2@contoso.onmicrosoft.com"] and (.value[0]."@odata.type" == "#microsoft.graph.room")' "$WORK/body"

# bad input of every kind: a 4xx in Graph's envelope, never a crash
bad=0 n=0
while IFS='|' read -r method path body; do
    [ -n "$method" ] || continue
    n=$((n + 1))
    args=(-X "$method" -H "Authorization: Bearer $GT" -H 'Content-Type: application/json')
    [ -n "$body" ] && args+=(--data-binary "$body")
    code=$("${C[@]}" "${args[@]}" "$B/v1.0/$path")
    if [[ ! "$code" =~ ^4[0-9][0-9]$ ]] || ! jq -e '.error.code and .error.message and .error.innerError["request-id"]' "$WORK/body" >/dev/null 2>&1; then
        bad=$((bad + 1)); echo "# $method $path -> $code $(head -c 300 "$WORK/body")"
    fi
done <<'BAD'
POST|users|[1,2,3]
POST|users|"text"
POST|users|{"accountEnabled":"yes","displayName":"x","mailNickname":"x","userPrincipalName":"x@contoso.onmicrosoft.com","passwordProfile":{"password":"Qz7-Long!pass1"}}
POST|users|{"accountEnabled":true,"displayName":"x","mailNickname":"x","userPrincipalName":"nodomain","passwordProfile":{"password":"Qz7-Long!pass1"}}
POST|users|{"accountEnabled":true,"displayName":"x","mailNickname":"x","userPrincipalName":"x@contoso.onmicrosoft.com","passwordProfile":"Qz7-Long!pass1"}
POST|users|{"accountEnabled":true,"displayName":"x","mailNickname":"x","userPrincipalName":"x@contoso.onmicrosoft.com","passwordProfile":{"password":"Qz7-Long!pass1","extra":1}}
POST|users|{"accountEnabled":true,"displayName":"x","mailNickname":"x","userPrincipalName":"x@unknown.example","passwordProfile":{"password":"Qz7-Long!pass1"}}
POST|users|{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":1}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}}
POST|users|{"displayName":"\ud800"}
POST|users|{"displayName":"x","displayName":"y"}
PATCH|users/admin@contoso.onmicrosoft.com|{"passwordPolicies":"NeverEver"}
PATCH|users/admin@contoso.onmicrosoft.com|{"accountEnabled":null}
PATCH|users/ghost@contoso.onmicrosoft.com|{"displayName":"x"}
PATCH|users/admin@contoso.onmicrosoft.com|
DELETE|users/admin@contoso.onmicrosoft.com|
GET|users?$filter=userPrincipalName%20eq|
GET|users?$filter=((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((|
GET|users?$filter=startsWith(displayName,%27a%27)%20or%20|
GET|users?$select=id,noSuchProperty|
GET|users?$top=0|
GET|users?$top=abc|
GET|users?$count=maybe|
GET|users?$skiptoken=RS!!!!|
GET|users?$skiptoken=RSeyJ0b3AiOi0xfQ|
GET|users/admin@contoso.onmicrosoft.com?$select=%2C%2C%2Cnope|
POST|users/admin@contoso.onmicrosoft.com/assignLicense|{"addLicenses":[{"skuId":"00000000-0000-0000-0000-000000000000"}],"removeLicenses":[]}
POST|users/admin@contoso.onmicrosoft.com/assignLicense|{"addLicenses":"x","removeLicenses":[]}
POST|users/admin@contoso.onmicrosoft.com/assignLicense|{"addLicenses":[7],"removeLicenses":[]}
POST|users/admin@contoso.onmicrosoft.com/assignLicense|{"addLicenses":[],"removeLicenses":[null]}
GET|places/microsoft.graph.room?$filter=capacity%20ge%20%27x|
GET|places/microsoft.graph.room?$skip=-1|
GET|places/microsoft.graph.room?$filter=secret%20eq%201|
GET|places/nope|
GET|users/gr1@contoso.onmicrosoft.com/calendarView?startDateTime=2026-13-01T00:00:00Z&endDateTime=2026-12-02T00:00:00Z|
GET|users/gr1@contoso.onmicrosoft.com/calendarView?startDateTime=2026-12-02T00:00:00Z&endDateTime=2026-12-01T00:00:00Z|
GET|users/gr1@contoso.onmicrosoft.com/calendarView?startDateTime=2026-12-01T00:00:00Z&endDateTime=2099-12-01T00:00:00Z|
GET|users/ghost@contoso.onmicrosoft.com/calendarView?startDateTime=2026-12-01T00:00:00Z&endDateTime=2026-12-02T00:00:00Z|
POST|users/gr1@contoso.onmicrosoft.com/calendar/getSchedule|{"schedules":[],"startTime":{"dateTime":"2026-12-01T00:00:00","timeZone":"UTC"},"endTime":{"dateTime":"2026-12-02T00:00:00","timeZone":"UTC"}}
POST|users/gr1@contoso.onmicrosoft.com/calendar/getSchedule|{"schedules":["gr1@contoso.onmicrosoft.com"],"startTime":{"dateTime":"2026-12-01T00:00:00","timeZone":"Mars/Olympus"},"endTime":{"dateTime":"2026-12-02T00:00:00","timeZone":"UTC"}}
POST|users/gr1@contoso.onmicrosoft.com/calendar/getSchedule|{"schedules":["gr1@contoso.onmicrosoft.com"],"startTime":{"dateTime":"yesterday","timeZone":"UTC"},"endTime":{"dateTime":"2026-12-02T00:00:00","timeZone":"UTC"}}
POST|users/gr1@contoso.onmicrosoft.com/calendar/getSchedule|{"schedules":["gr1@contoso.onmicrosoft.com"],"startTime":{"dateTime":"2026-12-01T00:00:00","timeZone":"UTC"},"endTime":{"dateTime":"2026-12-02T00:00:00","timeZone":"UTC"},"availabilityViewInterval":1441}
POST|users/gr1@contoso.onmicrosoft.com/calendar/getSchedule|{"schedules":["gr1@contoso.onmicrosoft.com"],"startTime":{"dateTime":"2026-12-01T00:00:00","timeZone":"UTC"},"endTime":{"dateTime":"2027-12-02T00:00:00","timeZone":"UTC"}}
POST|users/gr1@contoso.onmicrosoft.com/events|{"subject":"x","start":{"dateTime":"2026-12-01T10:00:00","timeZone":"UTC"},"end":{"dateTime":"2026-12-01T11:00:00","timeZone":"UTC"},"attendees":[{"emailAddress":{"address":"a\r\nATTENDEE:mailto:x@y"}}]}
POST|users/gr1@contoso.onmicrosoft.com/events|{"subject":"x","start":{"dateTime":"2026-12-01T10:00:00","timeZone":"UTC"},"end":{"dateTime":"2026-12-01T11:00:00","timeZone":"UTC"},"isAllDay":true}
POST|users/gr1@contoso.onmicrosoft.com/events|{"subject":7,"start":{"dateTime":"2026-12-01T10:00:00","timeZone":"UTC"},"end":{"dateTime":"2026-12-01T11:00:00","timeZone":"UTC"}}
POST|users/gr1@contoso.onmicrosoft.com/events|{"subject":"x","start":"today","end":{"dateTime":"2026-12-01T11:00:00","timeZone":"UTC"}}
POST|users/ghost@contoso.onmicrosoft.com/events|{"subject":"x","start":{"dateTime":"2026-12-01T10:00:00","timeZone":"UTC"},"end":{"dateTime":"2026-12-01T11:00:00","timeZone":"UTC"},"attendees":[{"type":"resource","emailAddress":{"address":"gr3@contoso.onmicrosoft.com"}}]}
GET|users/gr1@contoso.onmicrosoft.com/mailFolders|
PUT|users/gr1@contoso.onmicrosoft.com/calendar/getSchedule|
BAD
check "bad input: every one of $n requests a 4xx in Graph's envelope" test "$bad" -eq 0 -a "$n" -ge 45
code=$("${C[@]}" -H "Authorization: Bearer $GT" "$B/v1.0/users?\$filter=startsWith(userPrincipalName,%27x@%27)")
check "... and none of it created anything" jq -e '.value == []' "$WORK/body"

# the unmodified Graph client
DAY=$(date -u -d "next monday + 7 days" +%Y-%m-%d)
(cd "$ROOT/tests/node" && GRAPH_BASE="$B" GRAPH_TOKEN="$GT" GRAPH_EVE_TOKEN="$ET" GRAPH_DAY="$DAY" \
    NODE_EXTRA_CA_CERTS="$ROOMSYS_CA_FILE" timeout 120 node graph.mjs) >"$WORK/node.out" 2>&1
NODE_RC=$?
while IFS= read -r line; do
    case "$line" in
        "ok - "*) ok "graph-client: ${line#ok - }" ;;
        "not ok - "*) not_ok "graph-client: ${line#not ok - }" "$(grep -A1 -F -- "$line" "$WORK/node.out" | tail -n 1)" ;;
    esac
done <"$WORK/node.out"
check "graph.mjs ran to the end" test "$NODE_RC" -eq 0 -a "$(grep -c '^ok - ' "$WORK/node.out")" -ge 40
[ "$NODE_RC" -eq 0 ] || tail -n 20 "$WORK/node.out"

# app-only (client credentials): an app with the Exchange Administrator role
rs app <<'PS'
$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-MsolService -Credential $cred
$sp = New-MsolServicePrincipal -DisplayName "Room finder"
Add-MsolRoleMember -RoleName "Exchange Administrator" -RoleMemberType ServicePrincipal -RoleMemberObjectId $sp.ObjectId
"appid: " + $sp.AppPrincipalId
"secret: " + $sp.GeneratedSecret
PS
APPID=$(sed -n 's/^appid: //p' "$WORK/app.out")
SECRET=$(sed -n 's/^secret: //p' "$WORK/app.out")
AT=$(curl -s --cacert "$ROOMSYS_CA_FILE" "$B/$T/oauth2/v2.0/token" --data-urlencode grant_type=client_credentials \
    --data-urlencode "client_id=$APPID" --data-urlencode "client_secret=$SECRET" \
    --data-urlencode scope=https://graph.microsoft.com/.default | jq -r .access_token)
code=$("${C[@]}" -H "Authorization: Bearer $AT" "$B/v1.0/places/microsoft.graph.room")
check "an app-only Graph token lists rooms (role checked, no PowerShell right needed)" \
    bash -c "test $code = 200 && jq -e '.value | length == 3' '$WORK/body' >/dev/null"
code=$("${C[@]}" -H "Authorization: Bearer $AT" -H 'Content-Type: application/json' \
    -d '{"accountEnabled":true,"displayName":"App made","mailNickname":"appmade","userPrincipalName":"appmade@contoso.onmicrosoft.com","passwordProfile":{"password":"Qz7-App!made-1"}}' "$B/v1.0/users")
check "... but cannot create users: 403 Authorization_RequestDenied" \
    bash -c "test $code = 403 && jq -e '.error.code == \"Authorization_RequestDenied\"' '$WORK/body' >/dev/null"

# the same checks and audit as the shell
rs audit <<'PS'
$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred
Connect-MsolService -Credential $cred
"gina created: " + (Search-AdminAuditLog -Cmdlets New-MsolUser -ObjectIds gina@contoso.onmicrosoft.com -IsSuccess $true).Count
"eve: " + (Search-AdminAuditLog -UserIds eve@contoso.onmicrosoft.com -Cmdlets New-MsolUser -IsSuccess $false).Count
"gina: " + (Get-MsolUser -UserPrincipalName gina@contoso.onmicrosoft.com).UsageLocation
PS
contains "Graph changes are audited like the shell's" "$WORK/audit.out" "gina created: 1"
contains "... refusals too" "$WORK/audit.out" "eve: 1"
contains "the shell sees what Graph changed" "$WORK/audit.out" "gina: US"
lacks "Graph tokens never reach the log" "$WORK/roomsysd.log" "$GT"
stop_daemon
check "roomsysd stops cleanly (exit 0; in sanitizer builds: no leak)" test "$DAEMON_RC" = 0
finish

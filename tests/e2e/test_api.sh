#!/bin/bash
# The HTTPS admin API in the Exchange Online InvokeCommand shape: sign-in,
# one token per session and service, the three-layer error shape.
. "$(dirname "$0")/lib.sh"
start_daemon || exit 1
C=(curl -s --cacert "$ROOMSYS_CA_FILE" -o "$WORK/body" -w '%{http_code}')
B="https://127.0.0.1:$HTTPS_PORT"
T=contoso.onmicrosoft.com
PW=$(cat "$WORK/admin.password")

token() { # token SCOPE -> prints the access token
    curl -s --cacert "$ROOMSYS_CA_FILE" "$B/$T/oauth2/v2.0/token" \
        --data-urlencode grant_type=password --data-urlencode "username=admin@$T" \
        --data-urlencode "password=$PW" --data-urlencode "scope=$1" | jq -r .access_token
}
invoke() { # invoke PATH TOKEN BODY -> HTTP status, body in $WORK/body
    "${C[@]}" -X POST "$B$1" -H "Authorization: Bearer $2" -H 'Content-Type: application/json' -d "$3"
}

code=$("${C[@]}" "$B/$T/oauth2/v2.0/token" -d "grant_type=password&username=admin@$T&password=wrong&scope=https://outlook.office365.com/.default")
check "a wrong password gets 400" test "$code" = 400
check "... with invalid_grant" test "$(jq -r .error "$WORK/body")" = invalid_grant
check "... and AADSTS50126" grep -q AADSTS50126 "$WORK/body"
code=$("${C[@]}" "$B/$T/oauth2/v2.0/token" -d "grant_type=password&username=nobody@$T&password=wrong&scope=https://outlook.office365.com/.default")
cp "$WORK/body" "$WORK/body_unknown"
check "an unknown user gets the same error code" test "$(jq -r .error_codes[0] "$WORK/body_unknown")" = 50126

EXO=$(token https://outlook.office365.com/.default)
SFB=$(token https://api.interfaces.records.teams.microsoft.com/.default)
check "a token is issued for Exchange" test -n "$EXO" -a "$EXO" != null
check "tokens differ per session" test "$EXO" != "$SFB"

code=$(invoke /adminapi/beta/$T/InvokeCommand "" '{"CmdletInput":{"CmdletName":"Get-Mailbox"}}')
check "no token: 401" test "$code" = 401
code=$(invoke /adminapi/beta/$T/InvokeCommand "rs1.forged" '{"CmdletInput":{"CmdletName":"Get-Mailbox"}}')
check "a forged token: 401" test "$code" = 401

code=$(invoke /adminapi/beta/$T/InvokeCommand "$EXO" '{"CmdletInput":{"CmdletName":"New-Mailbox","Parameters":{"Name":"Api Room","MicrosoftOnlineServicesID":"apiroom@contoso.onmicrosoft.com","Room":true}}}')
check "New-Mailbox over the API: 200" test "$code" = 200
check "... value holds the mailbox" test "$(jq -r '.value[0].RecipientTypeDetails' "$WORK/body")" = RoomMailbox
check "... with the warnings array" test "$(jq -r '."@adminapi.warnings" | type' "$WORK/body")" = array

code=$(invoke /adminapi/beta/$T/InvokeCommand "$EXO" '{"CmdletInput":{"CmdletName":"get-mailbox","Parameters":{"identity":"nosuch"}}}')
check "unknown identity: 404" test "$code" = 404
check "... error.code NotFound" test "$(jq -r .error.code "$WORK/body")" = NotFound
check "... details carry ErrorId|Exception|text" grep -q '"Ex6F9304|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|The operation couldn' "$WORK/body"
check "... innererror.internalexception.type" test "$(jq -r .error.innererror.internalexception.type "$WORK/body")" = Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException

code=$(invoke /adminapi/beta/$T/InvokeCommand "$EXO" '{"CmdletInput":{"CmdletName":"Get-Mailbox","Parameters":{"Bogus":1}}}')
check "unknown parameter: 400" test "$code" = 400
check "... ParameterBindingException" grep -q ParameterBindingException "$WORK/body"
code=$(invoke /adminapi/beta/$T/InvokeCommand "$EXO" '{"CmdletInput":')
check "malformed JSON: 400" test "$code" = 400

code=$(invoke /sfb/adminapi/beta/$T/InvokeCommand "$EXO" '{"CmdletInput":{"CmdletName":"Get-CsTenant"}}')
check "an Exchange token on the SfB endpoint: 403" test "$code" = 403
code=$(invoke /sfb/adminapi/beta/$T/InvokeCommand "$SFB" '{"CmdletInput":{"CmdletName":"Get-Mailbox"}}')
check "an Exchange cmdlet on the SfB endpoint is unknown" grep -q CommandNotFoundException "$WORK/body"
code=$(invoke /sfb/adminapi/beta/$T/InvokeCommand "$SFB" '{"CmdletInput":{"CmdletName":"Get-CsTenant"}}')
check "Get-CsTenant: 200" test "$code" = 200
check "... names the seed's pool" test "$(jq -r '.value[0].RegistrarPool' "$WORK/body")" = sippoolbl20a04.infra.lync.com
code=$(invoke /adminapi/beta/fabrikam.onmicrosoft.com/InvokeCommand "$EXO" '{"CmdletInput":{"CmdletName":"Get-Mailbox"}}')
check "another tenant in the URL: 404" test "$code" = 404

code=$("${C[@]}" "$B/livez")
check "/livez" test "$code" = 200
code=$("${C[@]}" "$B/readyz")
check "/readyz" test "$code" = 200
lacks "the admin password never reaches the log" "$WORK/roomsysd.log" "$PW"
lacks "tokens never reach the log" "$WORK/roomsysd.log" "$EXO"
finish

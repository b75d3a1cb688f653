#!/bin/bash
# OAuth2 / OpenID Connect (spec/admin-api.md sections 3, 4.2): OIDC metadata
# and JWKS, unmodified @azure/msal-node acquiring tokens (client credentials
# for an app registration, the password grant for a room account, silent
# refresh), refresh-token rotation and revocation, app roles, tenant scoping,
# and Azure AD's error bodies.
. "$(dirname "$0")/lib.sh"
EXTRA_TENANTS="[tenant fabrikam.onmicrosoft.com]
display_name = Fabrikam
admin_upn = admin@fabrikam.onmicrosoft.com
admin_password_file = $WORK/admin.password
default_pool = sippool2.infra.lync.com
subscriptions = MCOSTANDARD:5"
write_config
start_daemon || exit 1
B="https://127.0.0.1:$HTTPS_PORT"
T=contoso.onmicrosoft.com
C=(curl -s --cacert "$ROOMSYS_CA_FILE" -o "$WORK/body" -w '%{http_code}')
MSAL="$E2E_DIR/../node/msal.mjs"
have_msal=0
[ -d "$E2E_DIR/../node/node_modules/@azure/msal-node" ] && command -v node >/dev/null && have_msal=1
msal() { NODE_EXTRA_CA_CERTS="$ROOMSYS_CA_FILE" node "$MSAL" "$@" 2>>"$WORK/node.err"; }
form() { # form TENANT field=value... -> HTTP status, body in $WORK/body
    local t=$1; shift
    local args=()
    for kv in "$@"; do args+=(--data-urlencode "$kv"); done
    "${C[@]}" "$B/$t/oauth2/v2.0/token" "${args[@]}"
}
invoke() { # invoke PATH TOKEN CMDLET -> HTTP status
    "${C[@]}" -X POST "$B$1" -H "Authorization: Bearer $2" -H 'Content-Type: application/json' \
        -d "{\"CmdletInput\":{\"CmdletName\":\"$3\"}}"
}
jqb() { jq -r "$1" "$WORK/body"; }

# ---- metadata, keys, errors (curl) ----
code=$("${C[@]}" "$B/$T/v2.0/.well-known/openid-configuration")
check "openid-configuration: 200" test "$code" = 200
TID=$(jqb .issuer | sed -n 's|^https://127.0.0.1:[0-9]*/\([0-9a-f-]*\)/v2.0$|\1|p')
check "... issuer on the authority's scheme, host and port, with the tenant id" test -n "$TID"
check "... token_endpoint" test "$(jqb .token_endpoint)" = "$B/$TID/oauth2/v2.0/token"
check "... jwks_uri" test "$(jqb .jwks_uri)" = "$B/$TID/discovery/v2.0/keys"
check "... authorization_endpoint and end_session_endpoint" test "$(jqb '.authorization_endpoint != null and .end_session_endpoint != null')" = true
check "... client_secret_post and client_secret_basic" test "$(jqb '.token_endpoint_auth_methods_supported | sort == ["client_secret_basic","client_secret_post"]')" = true
check "... RS256 and the three grants" test "$(jqb '.id_token_signing_alg_values_supported == ["RS256"] and (.grant_types_supported | sort) == ["client_credentials","password","refresh_token"]')" = true
code=$("${C[@]}" "$B/$TID/v2.0/.well-known/openid-configuration")
check "the tenant id works as {tenant} too" test "$code:$(jqb .issuer)" = "200:$B/$TID/v2.0"
code=$("${C[@]}" "$B/organizations/v2.0/.well-known/openid-configuration")
check "organizations: {tenantid} placeholder issuer" test "$code:$(jqb .issuer)" = "200:$B/{tenantid}/v2.0"
code=$("${C[@]}" "$B/nosuch.example.com/v2.0/.well-known/openid-configuration")
check "unknown tenant: 400 AADSTS90002" test "$code:$(jqb .error_codes[0])" = "400:90002"
check "... Azure's error body (error, error_description, trace_id, correlation_id, timestamp)" \
    test "$(jqb '[.error, .error_description, .trace_id, .correlation_id, .timestamp] | map(type == "string") | all')" = true
code=$("${C[@]}" "$B/$T/discovery/v2.0/keys")
check "JWKS: 200" test "$code" = 200
check "... RSA signing keys with kid, n and e: the current one first, then the next one" test "$(jqb '.keys | length == 2 and all(.kty == "RSA" and .use == "sig" and (.kid | length) > 8 and (.n | length) > 300 and .e == "AQAB") and .[0].kid != .[1].kid')" = true
KID=$(jqb .keys[0].kid)
NEXT_KID=$(jqb .keys[1].kid)
check "... the next key is kept 0600 too" test "$(stat -c %a "$STATE/tls/oidc-signing-key.next.pem")" = 600
check "the signing key is kept 0600 in the state's tls folder" test "$(stat -c %a "$STATE/tls/oidc-signing-key.pem")" = 600
code=$("${C[@]}" "$B/$T/oauth2/v2.0/authorize?client_id=x&response_type=code")
check "authorize: a clear AAD error naming the supported grants" bash -c "test $code = 400 && grep -q 'client_credentials grant' '$WORK/body'"
code=$("${C[@]}" "$B/$T/oauth2/v2.0/token")
check "GET on the token endpoint: 405" test "$code" = 405
code=$(form $T grant_type=password "username=admin@$T" "password=$(cat "$WORK/admin.password")" "scope=$(printf 'https://graph.microsoft.com/.default\xff')")
check "a scope outside printable ASCII: invalid_scope, no token" test "$code:$(jqb .error):$(jqb .access_token)" = "400:invalid_scope:null"
code=$(form $T grant_type=authorization_code code=x)
check "an unsupported grant: AADSTS70003 (as before)" test "$code:$(jqb .error)" = "400:unsupported_grant_type"

# ---- app registrations ----
rs apps <<'PS'
$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-MsolService -Credential $cred
$sp = New-MsolServicePrincipal -DisplayName "Room reports"
"appid: " + $sp.AppPrincipalId
"objid: " + $sp.ObjectId
"secret: " + $sp.GeneratedSecret
$two = New-MsolServicePrincipal -DisplayName "Chosen secret" -AppPrincipalId 5c7d2e10-1111-4222-8333-944455556666 -Type Password -Value 'Chosen-Secret-Value-42'
"two: " + $two.AppPrincipalId + " " + ($two.GeneratedSecret -eq $null)
New-MsolServicePrincipal -DisplayName "Again" -AppPrincipalId 5c7d2e10-1111-4222-8333-944455556666 -Value 'Chosen-Secret-Value-42'
New-MsolServicePrincipal -DisplayName "Weak" -Value 'short'
"count: " + (Get-MsolServicePrincipal).Count
"get: " + (Get-MsolServicePrincipal -AppPrincipalId $sp.AppPrincipalId).DisplayName
$c = Get-MsolServicePrincipalCredential -AppPrincipalId 5c7d2e10-1111-4222-8333-944455556666
"cred: " + $c.Type + " " + $c.Usage + " " + ($c.Value -eq $null)
PS
SP_APPID=$(sed -n 's/^appid: //p' "$WORK/apps.out")
SP_OID=$(sed -n 's/^objid: //p' "$WORK/apps.out")
SP_SECRET=$(sed -n 's/^secret: //p' "$WORK/apps.out")
check "New-MsolServicePrincipal: an AppPrincipalId and ObjectId" bash -c "[[ '$SP_APPID' =~ ^[0-9a-f-]{36}$ && '$SP_OID' =~ ^[0-9a-f-]{36}$ ]]"
check "... a generated 256-bit secret, shown once" test "${#SP_SECRET}" -eq 43
check "... with a warning that says so" bash -c "grep -h 'shown only this once' '$WORK/apps.out' '$WORK/apps.err' | grep -qF -- '$SP_SECRET'"
contains "-AppPrincipalId and -Value are kept (no secret echoed)" "$WORK/apps.out" "two: 5c7d2e10-1111-4222-8333-944455556666 True"
contains "a taken AppPrincipalId is refused" "$WORK/apps.err" "Another object with the same value for property AppPrincipalId already exists"
contains "a short -Value is refused" "$WORK/apps.err" "at least 16 characters"
contains "Get-MsolServicePrincipal lists both" "$WORK/apps.out" "count: 2"
contains "... and finds one by AppPrincipalId" "$WORK/apps.out" "get: Room reports"
contains "Get-MsolServicePrincipalCredential: the credential without its value" "$WORK/apps.out" "cred: Password Verify True"

# ---- client credentials (curl) ----
code=$(form $T grant_type=client_credentials "client_id=$SP_APPID" "client_secret=$SP_SECRET" scope=https://outlook.office365.com/.default)
check "client_credentials: 200" test "$code" = 200
APP_EXO=$(jqb .access_token)
check "... an opaque bearer token, no refresh token or id_token" test "$(jqb '.token_type == "Bearer" and .refresh_token == null and .id_token == null')" = true
code=$(form $T grant_type=client_credentials "client_id=$SP_APPID" client_secret=Wrong-Secret-000000 scope=https://outlook.office365.com/.default)
check "wrong secret: 401 invalid_client AADSTS7000215" test "$code:$(jqb .error):$(jqb .error_codes[0])" = "401:invalid_client:7000215"
code=$(form $T grant_type=client_credentials client_id=0e0e0e0e-1111-4222-8333-944455556666 client_secret=x scope=https://outlook.office365.com/.default)
check "unknown client: 400 unauthorized_client AADSTS700016" test "$code:$(jqb .error):$(jqb .error_codes[0])" = "400:unauthorized_client:700016"
code=$(form fabrikam.onmicrosoft.com grant_type=client_credentials "client_id=$SP_APPID" "client_secret=$SP_SECRET" scope=https://outlook.office365.com/.default)
check "contoso's app is unknown at fabrikam's token endpoint" test "$code:$(jqb .error_codes[0])" = "400:700016"
code=$(form $T grant_type=client_credentials "client_id=$SP_APPID" "client_secret=$SP_SECRET" scope=https://outlook.office365.com/Exchange.Manage)
check "client credentials need a /.default scope (AADSTS1002012)" test "$code:$(jqb .error):$(jqb .error_codes[0])" = "400:invalid_scope:1002012"
code=$(form $T grant_type=client_credentials client_id=5c7d2e10-1111-4222-8333-944455556666 client_secret=Chosen-Secret-Value-42 scope=https://outlook.office365.com/.default)
check "a chosen -Value secret signs in (argon2 verifier)" test "$code" = 200

# ---- client_secret_basic (RFC 6749 section 2.3.1) ----
basic() { # basic TENANT AUTHZ field=value...: the token endpoint with an Authorization header
    local t=$1 a=$2; shift 2
    local args=()
    for kv in "$@"; do args+=(--data-urlencode "$kv"); done
    "${C[@]}" -D "$WORK/headers" -H "Authorization: $a" "$B/$t/oauth2/v2.0/token" "${args[@]}"
}
b64() { printf '%s' "$1" | base64 -w0; }
urlenc() { jq -rn --arg v "$1" '$v | @uri'; }
code=$(basic $T "Basic $(b64 "$SP_APPID:$SP_SECRET")" grant_type=client_credentials scope=https://outlook.office365.com/.default)
check "client_secret_basic: 200 with a bearer token" test "$code:$(jqb '.access_token | startswith("rs1.")')" = "200:true"
code=$(basic $T "basic   $(b64 "$SP_APPID:$SP_SECRET")" grant_type=client_credentials "client_id=$SP_APPID" scope=https://outlook.office365.com/.default)
check "... the scheme in any case, and the same client_id in the body too" test "$code" = 200
code=$(basic $T "Basic $(b64 "$SP_APPID:Wrong-Secret-000000")" grant_type=client_credentials scope=https://outlook.office365.com/.default)
check "... a wrong secret: 401 invalid_client AADSTS7000215" test "$code:$(jqb .error):$(jqb .error_codes[0])" = "401:invalid_client:7000215"
check "... with WWW-Authenticate: Basic (RFC 6749 section 5.2)" grep -qi '^WWW-Authenticate: Basic' "$WORK/headers"
code=$(basic $T "Basic $(b64 "$SP_APPID:$SP_SECRET")" grant_type=client_credentials "client_secret=$SP_SECRET" scope=https://outlook.office365.com/.default)
check "both client_secret_basic and client_secret_post: 400 invalid_request, no token" test "$code:$(jqb .error):$(jqb .access_token)" = "400:invalid_request:null"
contains "... saying to use one method" "$WORK/body" "use one client authentication method"
code=$(basic $T "Basic $(b64 "$SP_APPID:$SP_SECRET")" grant_type=client_credentials client_id=5c7d2e10-1111-4222-8333-944455556666 scope=https://outlook.office365.com/.default)
check "a body client_id other than the header's: 400 invalid_request" test "$code:$(jqb .error)" = "400:invalid_request"
code=$(basic $T "Basic $(b64 "no-colon-here")" grant_type=client_credentials scope=https://outlook.office365.com/.default)
check "Basic credentials without a colon: 401 invalid_client" test "$code:$(jqb .error)" = "401:invalid_client"
code=$(basic $T "Basic not*base64" grant_type=client_credentials scope=https://outlook.office365.com/.default)
check "Basic credentials that are not base64: 401 invalid_client" test "$code:$(jqb .error)" = "401:invalid_client"
code=$(basic $T "Bearer $APP_EXO" grant_type=client_credentials "client_id=$SP_APPID" "client_secret=$SP_SECRET" scope=https://outlook.office365.com/.default)
check "another Authorization scheme at the token endpoint: 401 invalid_client" test "$code:$(jqb .error)" = "401:invalid_client"
code=$(basic $T "Basic $(b64 ":$SP_SECRET")" grant_type=client_credentials scope=https://outlook.office365.com/.default)
check "an empty client_id in Basic: 401 invalid_client" test "$code:$(jqb .error)" = "401:invalid_client"
rs oddsecret <<'PS'
$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-MsolService -Credential $cred
New-MsolServicePrincipal -DisplayName "Odd secret" -AppPrincipalId 7a7a7a7a-1111-4222-8333-944455556666 -Type Password -Value 'Odd:Secret%Value+42 ok' | Out-Null
PS
ODD='Odd:Secret%Value+42 ok'
code=$(basic $T "Basic $(b64 "7a7a7a7a-1111-4222-8333-944455556666:$(urlenc "$ODD")")" grant_type=client_credentials scope=https://outlook.office365.com/.default)
check "Basic credentials are URL-decoded (a secret with ':', '%', '+' and a space)" test "$code" = 200
code=$(basic $T "Basic $(b64 "7a7a7a7a-1111-4222-8333-944455556666:$ODD")" grant_type=client_credentials scope=https://outlook.office365.com/.default)
check "... so the same secret sent raw does not match (401)" test "$code:$(jqb .error)" = "401:invalid_client"

code=$(invoke /adminapi/beta/$T/InvokeCommand "$APP_EXO" Get-Mailbox)
check "an app without a role is refused by the role checks: 403" test "$code" = 403
contains "... naming the app and the role it needs" "$WORK/body" "isn't assigned to any management roles"
rs role <<PS
\$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-MsolService -Credential \$cred
Add-MsolRoleMember -RoleName "Exchange Administrator" -RoleMemberType ServicePrincipal -RoleMemberObjectId $SP_OID
\$r = Get-MsolRole -RoleName "Exchange Service Administrator"
Get-MsolRoleMember -RoleObjectId \$r.ObjectId | Format-List RoleMemberType, DisplayName
PS
check "Add-MsolRoleMember -RoleMemberType ServicePrincipal" test "$RS_RC" -eq 0
contains "... Get-MsolRoleMember lists the app" "$WORK/role.out" "ServicePrincipal"
code=$(invoke /adminapi/beta/$T/InvokeCommand "$APP_EXO" Get-Mailbox)
check "with Exchange Administrator the app runs Get-Mailbox: 200" test "$code" = 200
code=$(invoke /msol/adminapi/beta/$T/InvokeCommand "$APP_EXO" Get-MsolUser)
check "... an Exchange token is not an MSOnline session: 403" test "$code" = 403
code=$(invoke /adminapi/beta/fabrikam.onmicrosoft.com/InvokeCommand "$APP_EXO" Get-Mailbox)
check "contoso's app token on fabrikam's route: 404" test "$code" = 404
grep -q '"cmdlet":"Get-Mailbox".*"actor":"'"$SP_APPID"'"' "$WORK/roomsysd.log"
check "the request log names the app as the actor" test $? -eq 0

# ---- a room account: password grant, refresh rotation, revocation (curl) ----
provision_room "Conf Room 1" confrm1@$T 'pass@word1'
check "confrm1 is provisioned" test "$RS_RC" -eq 0
code=$(form $T grant_type=password username=confrm1@$T password=pass@word1 scope=https://outlook.office365.com/.default)
check "a room account gets no Exchange admin token (AADSTS50126, as before)" test "$code:$(jqb .error_codes[0])" = "400:50126"
code=$(form $T grant_type=password username=confrm1@$T password=pass@word1 "scope=User.Read openid profile offline_access" client_id=11111111-2222-4333-8444-555555555555 client_info=1)
check "a room account signs in to Microsoft Graph with ROPC: 200" test "$code" = 200
OLD_ID_TOKEN=$(jqb .id_token)
check "... refresh_token, id_token and client_info" test "$(jqb '(.refresh_token | startswith("rs1r.")) and (.id_token | split(".") | length == 3) and (.client_info | length > 10)')" = true
CI=$(jqb .client_info | python3 -c 'import sys,base64,json; s=sys.stdin.read().strip(); d=json.loads(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))); print(d["uid"] + "." + d["utid"])')
ROOM_OID=${CI%%.*}
check "... client_info carries uid (the ObjectId) and utid (the tenant id)" test "${CI#*.}" = "$TID" -a ${#ROOM_OID} -eq 36
RT1=$(jqb .refresh_token)
code=$(form $T grant_type=refresh_token "refresh_token=$RT1" client_id=11111111-2222-4333-8444-555555555555)
check "refresh_token grant: 200 with a new refresh token" test "$code:$(jqb '.refresh_token != null')" = "200:true"
RT2=$(jqb .refresh_token)
check "... rotated" test "$RT2" != "$RT1"
code=$(form $T grant_type=refresh_token "refresh_token=$RT1")
check "the old refresh token is spent: invalid_grant AADSTS70000" test "$code:$(jqb .error):$(jqb .error_codes[0])" = "400:invalid_grant:70000"
code=$(form fabrikam.onmicrosoft.com grant_type=refresh_token "refresh_token=$RT2")
check "a refresh token at another tenant's endpoint is refused" test "$code:$(jqb .error)" = "400:invalid_grant"
code=$(form $T grant_type=password username=confrm1@$T password=pass@word1 "scope=User.Read offline_access")
RT3=$(jqb .refresh_token)
sleep 0.01
rs pw <<'PS'
$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-MsolService -Credential $cred
Set-MsolUserPassword -UserPrincipalName confrm1@contoso.onmicrosoft.com -NewPassword 'Qz7-Renewed-9' -ForceChangePassword $false
PS
code=$(form $T grant_type=refresh_token "refresh_token=$RT3")
check "after a password change the refresh token is revoked (AADSTS50173)" test "$code:$(jqb .error):$(jqb .error_codes[0])" = "400:invalid_grant:50173"

# ---- msal-node ----
if [ "$have_msal" = 1 ]; then
    msal cc "$B" $T "$SP_APPID" "$SP_SECRET" https://graph.microsoft.com/.default > "$WORK/cc.json"
    check "msal ConfidentialClientApplication: client-credentials token for Graph" test "$(jq -r '.ok and .tokenType == "Bearer" and (.accessToken | startswith("rs1."))' "$WORK/cc.json")" = true
    G=$(jq -r .accessToken "$WORK/cc.json")
    code=$(invoke /msol/adminapi/beta/$T/InvokeCommand "$G" Get-MsolUser)
    check "... the token is a Graph token (refused on MSOnline's endpoint)" test "$code" = 403
    msal cc "$B" $T "$SP_APPID" Wrong-Secret-000000 https://graph.microsoft.com/.default > "$WORK/cc_bad.json"
    check "msal with the wrong secret: ServerError invalid_client" test "$(jq -r '.name + " " + .errorCode' "$WORK/cc_bad.json")" = "ServerError invalid_client"
    msal ropc "$B" $T 11111111-2222-4333-8444-555555555555 confrm1@$T 'Qz7-Renewed-9' "$WORK/msal-cache.json" > "$WORK/ropc.json"
    check "msal PublicClientApplication acquireTokenByUsernamePassword for a room: token" test "$(jq -r '.ok and (.accessToken | startswith("rs1."))' "$WORK/ropc.json")" = true
    check "... account.homeAccountId is <uid>.<utid>" test "$(jq -r .homeAccountId "$WORK/ropc.json")" = "$ROOM_OID.$TID"
    check "... id_token claims (tid, oid, preferred_username, ver 2.0)" test "$(jq -r --arg t "$TID" --arg o "$ROOM_OID" '.idTokenClaims | .tid == $t and .oid == $o and .preferred_username == "confrm1@contoso.onmicrosoft.com" and .ver == "2.0" and .aud == "11111111-2222-4333-8444-555555555555"' "$WORK/ropc.json")" = true
    check "... the id_token's RS256 signature verifies against the JWKS (node crypto)" test "$(jq -r --arg k "$KID" '.signature | .valid and .alg == "RS256" and .kid == $k' "$WORK/ropc.json")" = true
    check "... and a tampered id_token does not" test "$(jq -r '.signature.forgedValid' "$WORK/ropc.json")" = false
    check "acquireTokenSilent forceRefresh: a new access token through the refresh token" test "$(jq -r .refreshed "$WORK/ropc.json")" = true
    check "acquireTokenSilent without force: served from msal's cache" test "$(jq -r .silentFromCache "$WORK/ropc.json")" = true
    msal silent "$B" $T 11111111-2222-4333-8444-555555555555 "$WORK/msal-cache.json" > "$WORK/silent1.json"
    check "a later msal run refreshes from its saved cache" test "$(jq -r .ok "$WORK/silent1.json")" = true
    msal ropc "$B" organizations 11111111-2222-4333-8444-555555555555 confrm1@$T 'Qz7-Renewed-9' "$WORK/msal-org.json" > "$WORK/ropc_org.json"
    check "msal with the /organizations authority: the tenant comes from the user name" test "$(jq -r 'select(.ok) | .homeAccountId' "$WORK/ropc_org.json")" = "$ROOM_OID.$TID"
    check "... and refreshes there" test "$(jq -r .refreshed "$WORK/ropc_org.json")" = true
    rs block <<'PS'
$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-MsolService -Credential $cred
Set-MsolUser -UserPrincipalName confrm1@contoso.onmicrosoft.com -BlockCredential $true
PS
    msal silent "$B" $T 11111111-2222-4333-8444-555555555555 "$WORK/msal-cache.json" > "$WORK/silent2.json"
    check "a disabled user's refresh fails: invalid_grant" test "$(jq -r '(.ok | not) and .errorCode == "invalid_grant"' "$WORK/silent2.json")" = true
    contains "... AADSTS50057" "$WORK/silent2.json" "AADSTS50057"
else
    echo "ok - # SKIP msal-node checks: tests/node/node_modules or node missing (scripts/deps.sh installs them)"
fi

# ---- removal ----
rs rm <<PS
\$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-MsolService -Credential \$cred
Remove-MsolServicePrincipalCredential -AppPrincipalId 5c7d2e10-1111-4222-8333-944455556666 -KeyIds 0f1e2d3c-0000-4000-8000-000000000002
Remove-MsolServicePrincipal -AppPrincipalId $SP_APPID
"left: " + (Get-MsolServicePrincipal).Count
PS
contains "an unknown KeyId is refused" "$WORK/rm.err" "was not found on this service principal"
contains "Remove-MsolServicePrincipal" "$WORK/rm.out" "left: 2"
code=$(invoke /adminapi/beta/$T/InvokeCommand "$APP_EXO" Get-Mailbox)
check "a removed app's token stops working: 401" test "$code" = 401
lacks "client secrets never reach the log" "$WORK/roomsysd.log" "$SP_SECRET"
lacks "... nor chosen ones" "$WORK/roomsysd.log" "Chosen-Secret-Value-42"
lacks "refresh tokens never reach the log" "$WORK/roomsysd.log" "$RT2"
lacks "... nor a secret sent with client_secret_basic" "$WORK/roomsysd.log" "Odd:Secret"

# ---- signing key rotation ([https] oidc_key_rotation_days, default 90) ----
hint() { "${C[@]}" --get "$B/$T/oauth2/v2.0/logout" --data-urlencode "id_token_hint=$1"; }
check "logout with an id_token_hint this server signed: 200" test "$(hint "$OLD_ID_TOKEN")" = 200
# a token whose header names a kid the server never published (signature of the old key)
UNKNOWN_KID=$(python3 - "$OLD_ID_TOKEN" <<'PY'
import base64, json, sys
h, p, s = sys.argv[1].split(".")
hdr = json.loads(base64.urlsafe_b64decode(h + "=" * (-len(h) % 4)))
hdr["kid"] = "AAAAAAAAAAAAAAAAAAAAAA"
print(base64.urlsafe_b64encode(json.dumps(hdr, separators=(",", ":")).encode()).decode().rstrip("=") + "." + p + "." + s)
PY
)
check "logout with an id_token_hint of an unknown kid: 400 invalid_request" test "$(hint "$UNKNOWN_KID"):$(jqb .error)" = "400:invalid_request"
stop_daemon
touch -d '91 days ago' "$STATE/tls/oidc-signing-key.pem"
start_daemon || exit 1
contains "a key older than 90 days at start is rotated (logged)" "$WORK/roomsysd.log" "rotated the OIDC signing key"
code=$("${C[@]}" "$B/$T/discovery/v2.0/keys")
check "JWKS after the rotation: current, previous and next keys" test "$code:$(jqb '.keys | length')" = "200:3"
check "... the announced next key became the current one" test "$(jqb .keys[0].kid)" = "$NEXT_KID"
check "... the old current key is still published as the previous one" test "$(jqb .keys[1].kid)" = "$KID"
check "... a new next key" test "$(jqb '.keys[2].kid' | grep -vxF -e "$KID" -e "$NEXT_KID")" != ""
check "... the previous key is kept 0600" test "$(stat -c %a "$STATE/tls/oidc-signing-key.prev.pem")" = 600
check "the id_token signed before the rotation still verifies server-side (logout hint: 200)" test "$(hint "$OLD_ID_TOKEN")" = 200
check "... an unknown kid is still refused (400)" test "$(hint "$UNKNOWN_KID")" = 400
code=$(form $T grant_type=password "username=admin@$T" "password=$(cat "$WORK/admin.password")" "scope=User.Read openid")
NEW_ID_TOKEN=$(jqb .id_token)
NEW_KID=$(printf '%s' "${NEW_ID_TOKEN%%.*}" | python3 -c 'import sys,base64,json; h=sys.stdin.read(); print(json.loads(base64.urlsafe_b64decode(h + "=" * (-len(h) % 4)))["kid"])')
check "a new id_token is signed with the new current key" test "$code:$NEW_KID" = "200:$NEXT_KID"
if [ "$have_msal" = 1 ]; then
    msal verify "$B" $T "$OLD_ID_TOKEN" > "$WORK/verify_old.json"
    check "node crypto against the JWKS: the pre-rotation id_token still verifies" test "$(jq -r --arg k "$KID" '.valid and .kid == $k' "$WORK/verify_old.json")" = true
    msal verify "$B" $T "$NEW_ID_TOKEN" > "$WORK/verify_new.json"
    check "... and so does the new one" test "$(jq -r --arg k "$NEXT_KID" '.valid and .kid == $k' "$WORK/verify_new.json")" = true
    msal verify "$B" $T "$UNKNOWN_KID" > "$WORK/verify_unknown.json"
    check "... a token with an unknown kid finds no key and is refused" test "$(jq -r '.valid' "$WORK/verify_unknown.json")" = false
    msal ropc "$B" $T 11111111-2222-4333-8444-555555555555 "admin@$T" "$(cat "$WORK/admin.password")" "$WORK/msal-rot.json" > "$WORK/ropc_rot.json"
    check "msal after the rotation: sign-in, refresh, and an id_token of the new key that verifies" \
        test "$(jq -r --arg k "$NEXT_KID" '.ok and .refreshed and .signature.valid and .signature.kid == $k' "$WORK/ropc_rot.json")" = true
fi
stop_daemon
touch -d '91 days ago' "$STATE/tls/oidc-signing-key.pem"
start_daemon || exit 1
check "after a second rotation the first key is gone: its id_token is refused (400)" test "$(hint "$OLD_ID_TOKEN")" = 400
check "... the second key's id_token still verifies (200)" test "$(hint "$NEW_ID_TOKEN")" = 200
finish

#!/bin/bash
# Smart lockout (directory.md section 6, sign-in.md gate G5): ten wrong digest
# responses for a room from one source lock that (account, source) pair; the
# right password from that source then gets the wrong-password answer while
# another source signs in. Admin sign-in at the token endpoint feeds the same
# per-(account, source) state, and a repeated wrong password counts once.
. "$(dirname "$0")/lib.sh"
write_config
start_daemon || exit 1
provision_room "Conf Room 7" confrm7@contoso.onmicrosoft.com 'pass@word1'
check "the room is provisioned" test "$RS_RC" -eq 0

check "the right password signs in" sipp_register 200 confrm7 contoso.onmicrosoft.com 'pass@word1'
for i in $(seq 1 9); do
    sipp_register 401 confrm7 contoso.onmicrosoft.com "wrong$i" || not_ok "wrong password $i answered 401"
done
check "after 9 failures the right password still signs in" \
    sipp_register 200 confrm7 contoso.onmicrosoft.com 'pass@word1'
for i in $(seq 1 10); do
    sipp_register 401 confrm7 contoso.onmicrosoft.com "bad$i" || not_ok "wrong password $i answered 401"
done
check "10 failures in a row: the right password gets 401 from that source" \
    sipp_register 401 confrm7 contoso.onmicrosoft.com 'pass@word1'
from_other_source() { SIPP_SRC=127.0.0.2 sipp_register "$@"; }
check "... another source is not locked out" \
    from_other_source 200 confrm7 contoso.onmicrosoft.com 'pass@word1'
contains "the lockout is logged" "$WORK/roomsysd.log" '"event":"sip.auth.locked"'
contains "the refusal is logged with reason locked" "$WORK/roomsysd.log" '"reason":"locked"'

# admin sign-in: the token endpoint, from 127.0.0.2
token() { # token PASSWORD SOURCE -> HTTP status
    curl -s -o /dev/null -w '%{http_code}' --cacert "$STATE/tls/cert.pem" --interface "$2" \
        --data-urlencode grant_type=password --data-urlencode username=admin@contoso.onmicrosoft.com \
        --data-urlencode "password=$1" --data-urlencode scope=https://outlook.office365.com/.default \
        "https://127.0.0.1:$HTTPS_PORT/contoso.onmicrosoft.com/oauth2/v2.0/token"
}
check "admin signs in from 127.0.0.2" test "$(token 'Adm1n-Pass!word' 127.0.0.2)" = 200
for i in $(seq 1 15); do token 'Same-Wrong1' 127.0.0.2 >/dev/null; done
check "one wrong password repeated 15 times does not lock" test "$(token 'Adm1n-Pass!word' 127.0.0.2)" = 200
for i in $(seq 1 10); do token "Wrong-$i" 127.0.0.2 >/dev/null; done
check "10 different wrong passwords lock the admin out from 127.0.0.2" \
    test "$(token 'Adm1n-Pass!word' 127.0.0.2)" = 400
check "... with the wrong-password answer (AADSTS50126)" \
    bash -c "curl -s --cacert '$STATE/tls/cert.pem' --interface 127.0.0.2 --data-urlencode grant_type=password --data-urlencode username=admin@contoso.onmicrosoft.com --data-urlencode 'password=Adm1n-Pass!word' --data-urlencode scope=https://outlook.office365.com/.default https://127.0.0.1:$HTTPS_PORT/contoso.onmicrosoft.com/oauth2/v2.0/token | grep -q AADSTS50126"
check "... while 127.0.0.1 still signs in" test "$(token 'Adm1n-Pass!word' 127.0.0.1)" = 200
finish

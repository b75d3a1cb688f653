#!/bin/bash
# Test-RoomSystemAccount (cmdlets.md section 12): every step of the seed is
# checked for a room, each non-pass names the command that fixes it, running
# those commands verbatim makes the checks pass, failures make the script fail;
# -SignIn signs in for real; lockout shows and Unlock-RoomSystemAccount (audited,
# -WhatIf honoured) ends it.
. "$(dirname "$0")/lib.sh"
write_config
start_daemon || exit 1
provision_room "Conf Room 3" confrm3@contoso.onmicrosoft.com 'pass@word1'
check "the room is provisioned" test "$RS_RC" -eq 0
CONNECT='$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred
Connect-MsolService -Credential $cred
Import-PSSession (New-CsOnlineSession -Credential $cred) -AllowClobber'

rs first <<PS
$CONNECT
Test-RoomSystemAccount -Identity confrm3@contoso.onmicrosoft.com
PS
check "failed checks make the script fail (exit 1)" test "$RS_RC" -eq 1
contains "the room's name heads the report" "$WORK/first.out" "confrm3@contoso.onmicrosoft.com"
contains "a pass" "$WORK/first.out" "  [Pass]    Licensed (meetings): A license with Skype for Business Online (Plan 2) is assigned."
contains "a failure with its fix" "$WORK/first.out" "  [Fail]    Password never expires: PasswordNeverExpires is False."
contains "... fix line" "$WORK/first.out" "            Fix: Set-MsolUser -UserPrincipalName confrm3@contoso.onmicrosoft.com -PasswordNeverExpires \$true"
contains "the seed's calendar settings are checked" "$WORK/first.out" "  [Fail]    Keeps subjects: DeleteSubject is True."
contains "not registered is a warning" "$WORK/first.out" "  [Warning] Registered: No device is signed in as this room now."
contains "the summary line counts each check once" "$WORK/first.out" "20 tests executed: 2 failures 4 warnings 14 passes"
contains "the error names the count" "$WORK/first.err" "Test-RoomSystemAccount : 2 checks failed"

# run every runnable fix line verbatim (those without placeholders)
grep -o 'Fix: .*' "$WORK/first.out" | sed 's/^Fix: //' | grep -v '<' > "$WORK/fixes.ps1"
check "fix lines were offered" test "$(wc -l < "$WORK/fixes.ps1")" -ge 5
check "a device signs in" sipp_register 200 confrm3 contoso.onmicrosoft.com 'pass@word1'
rs second <<PS
$CONNECT
$(cat "$WORK/fixes.ps1")
Test-RoomSystemAccount -Identity confrm3@contoso.onmicrosoft.com
PS
check "after the fixes the report passes (exit 0)" test "$RS_RC" -eq 0
contains "... every check passes" "$WORK/second.out" "20 tests executed: 0 failures 0 warnings 20 passes"
contains "... the registration is seen" "$WORK/second.out" "  [Pass]    Registered: 1 current registration; "

rs signin <<PS
$CONNECT
Test-RoomSystemAccount -Identity confrm3 -SignIn -Password (ConvertTo-SecureString 'pass@word1' -AsPlainText -Force) | Where-Object Check -eq 'Signs in' | ForEach-Object { \$_.Result + ': ' + \$_.Detail }
Test-RoomSystemAccount -Identity confrm3 -SignIn -Password (ConvertTo-SecureString 'wrong@word1' -AsPlainText -Force) | Where-Object Check -eq 'Signs in' | ForEach-Object { \$_.Result + ': ' + \$_.Detail; 'Fix: ' + \$_.Fix }
Test-RoomSystemAccount -Identity confrm3 -SignIn
PS
contains "-SignIn: a real REGISTER, 200" "$WORK/signin.out" 'Pass: A REGISTER for confrm3@contoso.onmicrosoft.com at sippoolbl20a04.infra.lync.com was answered "200 OK".'
contains "-SignIn with a wrong password: 401" "$WORK/signin.out" 'Fail: A REGISTER for confrm3@contoso.onmicrosoft.com at sippoolbl20a04.infra.lync.com was answered "401 Unauthorized".'
contains "-SignIn without -Password is refused" "$WORK/signin.err" "Cannot process command because of one or more missing mandatory parameters: Password"

# lockout: 10 wrong digests from 127.0.0.1 lock the (room, 127.0.0.1) pair
for i in $(seq 1 10); do sipp_register 401 confrm3 contoso.onmicrosoft.com "bad$i"; done
rs locked <<PS
$CONNECT
Test-RoomSystemAccount -Identity confrm3 | Where-Object Check -eq 'Not locked out' | ForEach-Object { \$_.Result + ': ' + \$_.Detail; 'Fix: ' + \$_.Fix }
Unlock-RoomSystemAccount -Identity confrm3@contoso.onmicrosoft.com -WhatIf
(Test-RoomSystemAccount -Identity confrm3 | Where-Object Check -eq 'Not locked out').Result
Unlock-RoomSystemAccount -Identity confrm3@contoso.onmicrosoft.com
(Test-RoomSystemAccount -Identity confrm3 | Where-Object Check -eq 'Not locked out').Result
Unlock-RoomSystemAccount -Identity confrm3@contoso.onmicrosoft.com
Unlock-RoomSystemAccount -Identity nobody@contoso.onmicrosoft.com
PS
contains "lockout is visible" "$WORK/locked.out" "Fail: Locked out for 1 source address until "
contains "... with its fix" "$WORK/locked.out" "Fix: Unlock-RoomSystemAccount -Identity confrm3@contoso.onmicrosoft.com"
contains "-WhatIf unlocks nothing" "$WORK/locked.out" "$(printf 'Fail\nPass')"
contains "unlocking twice warns" "$WORK/locked.out" 'is not locked out; nothing was changed.'
contains "an unknown account: User Not Found" "$WORK/locked.err" "User Not Found.  User: nobody@contoso.onmicrosoft.com."
check "after the unlock the room signs in from that source" sipp_register 200 confrm3 contoso.onmicrosoft.com 'pass@word1'
check "the unlocks are audited (the refused one too)" bash -c "sqlite3 '$STATE/roomsys.db' \"select outcome from audit where cmdlet='Unlock-RoomSystemAccount' order by seq\" | tr '\n' '|' | grep -qx 'Success|Success|Error: User Not Found.  User: nobody@contoso.onmicrosoft.com.|'"
finish

#!/bin/bash
# -WhatIf and -Confirm against the real daemon (issue 4, item 4): -WhatIf
# prints PowerShell's "What if: Performing the operation ..." line and changes
# nothing (no audit record either); errors still show; Remove-Mailbox confirms
# by default with PowerShell's prompt, answered on standard input (N, Y, L for
# a pipeline, none at all); -Confirm:$false skips the prompt; -Confirm asks
# before any change.
. "$(dirname "$0")/lib.sh"
write_config
start_daemon || exit 1
provision_room "Conf Room 4" confrm4@contoso.onmicrosoft.com 'pass@word1'
provision_room "Conf Room 5" confrm5@contoso.onmicrosoft.com 'pass@word1'
check "two rooms are provisioned" test "$RS_RC" -eq 0
CONNECT='$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred
Connect-MsolService -Credential $cred
Import-PSSession (New-CsOnlineSession -Credential $cred) -AllowClobber | Out-Null'
audits() { sqlite3 "$STATE/roomsys.db" "select count(*) from audit"; }

# same NAME FILE: $WORK/FILE.out is exactly $WORK/FILE.want.
same() {
    if diff -u "$WORK/$2.want" "$WORK/$2.out" >"$WORK/$2.diff"; then ok "$1"
    else not_ok "$1" "$(cat "$WORK/$2.diff")"; fi
}

# script NAME ANSWERS: run the script on stdin as a file, with ANSWERS (printf
# format) on standard input; output in $WORK/NAME.out/.err, status in RS_RC.
script() {
    cat > "$WORK/$1.ps1"
    printf "$2" | "$ROOMSYS" "$WORK/$1.ps1" >"$WORK/$1.out" 2>"$WORK/$1.err"
    RS_RC=$?
}

before=$(audits)
script whatif '' <<PS
$CONNECT
Set-Mailbox -Identity confrm4@contoso.onmicrosoft.com -MailTip 'Changed' -WhatIf
Set-CsMeetingRoom -Identity confrm4@contoso.onmicrosoft.com -Enabled \$false -WhatIf
Remove-Mailbox -Identity confrm4@contoso.onmicrosoft.com -WhatIf
New-Mailbox -Name 'Conf Room 9' -MicrosoftOnlineServicesID confrm9@contoso.onmicrosoft.com -Room -WhatIf
"mailtip: [" + (Get-Mailbox -Identity confrm4@contoso.onmicrosoft.com).MailTip + "]"
"enabled: " + (Get-CsMeetingRoom -Identity confrm4@contoso.onmicrosoft.com).Enabled
"rooms: " + @(Get-Mailbox -RecipientTypeDetails RoomMailbox).Count
Set-Mailbox -Identity nobody@contoso.onmicrosoft.com -MailTip 'x' -WhatIf
PS
cat > "$WORK/whatif.want" <<'OUT'
What if: Performing the operation "Set Mailbox" on target "confrm4@contoso.onmicrosoft.com".
What if: Performing the operation "Set Meeting Room" on target "confrm4@contoso.onmicrosoft.com".
What if: Performing the operation "Remove Mailbox" on target "confrm4@contoso.onmicrosoft.com".
What if: Performing the operation "Create Mailbox" on target "Conf Room 9".
mailtip: []
enabled: True
rooms: 2
OUT
same "-WhatIf prints PowerShell's What if: lines (not warnings), changes nothing" whatif
lacks "... and no WARNING:" "$WORK/whatif.out" "WARNING"
check "-WhatIf changes nothing and audits nothing" test "$(audits)" = "$before"
contains "-WhatIf still reports a wrong identity" "$WORK/whatif.err" "Set-Mailbox : The operation couldn't be performed because object 'nobody@contoso.onmicrosoft.com' couldn't be found"
check "... so that script exits 1" test "$RS_RC" -eq 1

script confirm_no 'n\n' <<PS
$CONNECT
Remove-Mailbox -Identity confrm4@contoso.onmicrosoft.com
"still there: " + (Get-Mailbox -Identity confrm4@contoso.onmicrosoft.com).Name
PS
cat > "$WORK/confirm_no.want" <<'OUT'

Confirm
Are you sure you want to perform this action?
Performing the operation "Remove Mailbox" on target "confrm4@contoso.onmicrosoft.com".
[Y] Yes  [A] Yes to All  [N] No  [L] No to All  [S] Suspend  [?] Help (default is "Y"): n
still there: Conf Room 4
OUT
same "Remove-Mailbox asks first in PowerShell's words; N keeps the mailbox" confirm_no
check "... and the script succeeds" test "$RS_RC" -eq 0

script confirm_help '?\nn\n' <<PS
$CONNECT
Remove-Mailbox -Identity confrm4@contoso.onmicrosoft.com
PS
contains "? explains the choices and asks again" "$WORK/confirm_help.out" "L - Skip this operation and all subsequent operations."
check "... twice" test "$(grep -c 'Help (default is "Y")' "$WORK/confirm_help.out")" -eq 2

script confirm_none '' <<PS
$CONNECT
Remove-Mailbox -Identity confrm4@contoso.onmicrosoft.com
"still there: " + (Get-Mailbox -Identity confrm4@contoso.onmicrosoft.com).Name
PS
contains "no answer: not performed" "$WORK/confirm_none.out" "still there: Conf Room 4"
contains "... with an error that says what to do" "$WORK/confirm_none.err" "Remove-Mailbox : The operation was not confirmed: there is no terminal or standard input to answer the Confirm prompt. Run the command with -Confirm:\$false to perform it without asking."
check "... and the script fails" test "$RS_RC" -eq 1

script confirm_all_no 'l\n' <<PS
$CONNECT
Get-Mailbox -RecipientTypeDetails RoomMailbox | Remove-Mailbox
"rooms: " + @(Get-Mailbox -RecipientTypeDetails RoomMailbox).Count
PS
check "L (No to All) asks once for a pipeline of two" test "$(grep -c '^Are you sure' "$WORK/confirm_all_no.out")" -eq 1
contains "... and removes nothing" "$WORK/confirm_all_no.out" "rooms: 2"

script confirm_switch 'y\n' <<PS
$CONNECT
Set-CsMeetingRoom -Identity confrm5@contoso.onmicrosoft.com -Enabled \$false -Confirm
"enabled: " + (Get-CsMeetingRoom -Identity confrm5@contoso.onmicrosoft.com).Enabled
PS
contains "-Confirm asks on any changing cmdlet" "$WORK/confirm_switch.out" 'Performing the operation "Set Meeting Room" on target "confrm5@contoso.onmicrosoft.com".'
contains "... Y performs it" "$WORK/confirm_switch.out" "enabled: False"

script confirm_yes 'y\n' <<PS
$CONNECT
Remove-Mailbox -Identity confrm4@contoso.onmicrosoft.com
Remove-Mailbox -Identity confrm5@contoso.onmicrosoft.com -Confirm:\$false
"rooms: " + @(Get-Mailbox -RecipientTypeDetails RoomMailbox).Count
PS
contains "Y removes" "$WORK/confirm_yes.out" "rooms: 0"
check "-Confirm:\$false does not ask" test "$(grep -c '^Are you sure' "$WORK/confirm_yes.out")" -eq 1
check "... and the script succeeds" test "$RS_RC" -eq 0

script whatif_get '' <<PS
$CONNECT
Get-Mailbox -WhatIf
PS
contains "-WhatIf on a cmdlet that changes nothing is refused" "$WORK/whatif_get.err" "Get-Mailbox : A parameter cannot be found that matches parameter name 'WhatIf'."
finish

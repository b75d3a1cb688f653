#!/bin/bash
# Audit (directory.md, issue 5 item 9): every change by every admin is
# recorded - who, when, cmdlet, object, parameters with secrets masked,
# success or the error - refused and failed ones too, and Search-AdminAuditLog
# finds them with Exchange's filters.
. "$(dirname "$0")/lib.sh"
write_config
start_daemon || exit 1
provision_room "Conf Room 4" confrm4@contoso.onmicrosoft.com 'pass@word1'
check "the room is provisioned" test "$RS_RC" -eq 0
CONNECT='$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred
Connect-MsolService -Credential $cred'
rs changes <<PS
$CONNECT
Set-MsolUserLicense -UserPrincipalName confrm4@contoso.onmicrosoft.com -AddLicenses contoso:NOSUCHSKU
Set-Mailbox -Identity confrm4 -RoomMailboxPassword (ConvertTo-SecureString 'Secret-Pw-77' -AsPlainText -Force)
Set-CalendarProcessing -Identity confrm4 -AutomateProcessing AutoAccept -WhatIf
Get-Mailbox -Identity confrm4 | Out-Null
PS
rs search <<'PS'
$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred
$all = Search-AdminAuditLog
"total: $($all.Count)"
$new = Search-AdminAuditLog -Cmdlets New-Mailbox
"new: $($new.Count) $($new[0].Caller) $($new[0].Succeeded) $($new[0].ObjectModified)"
($new[0].CmdletParameters | Where-Object Name -eq 'RoomMailboxPassword').Value
$bad = Search-AdminAuditLog -IsSuccess $false
"failed: $($bad.Count) $($bad[0].CmdletName) $($bad[0].Succeeded)"
$bad[0].Error
"setmbx: " + (Search-AdminAuditLog -Cmdlets Set-Mailbox -Parameters RoomMailboxPassword).Count
"objects: " + (Search-AdminAuditLog -ObjectIds 'confrm4*').Count
"users: " + (Search-AdminAuditLog -UserIds admin@contoso.onmicrosoft.com).Count
"nobody: " + (Search-AdminAuditLog -UserIds someone@contoso.onmicrosoft.com).Count
"size2: " + (Search-AdminAuditLog -ResultSize 2).Count
"future: " + (Search-AdminAuditLog -StartDate 2099-01-01).Count
"range: " + (Search-AdminAuditLog -StartDate 2000-01-01 -EndDate '12/31/2098 11:59 PM').Count
"newest first: " + (Search-AdminAuditLog -ResultSize 1).CmdletName
Search-AdminAuditLog -StartDate 'yesterday'
PS
contains "every change is listed (4 provisioning, a failed license, a password)" "$WORK/search.out" "total: 6"
contains "who and on what" "$WORK/search.out" "new: 1 admin@contoso.onmicrosoft.com True Conf Room 4"
contains "secrets are masked" "$WORK/search.out" "********"
contains "refused and failed changes are recorded" "$WORK/search.out" "failed: 1 Set-MsolUserLicense False"
contains "... with the error" "$WORK/search.out" "Unable to assign this license because it is invalid."
contains "-Parameters" "$WORK/search.out" "setmbx: 1"
contains "-ObjectIds with a wildcard" "$WORK/search.out" "objects: 5"
contains "-UserIds" "$WORK/search.out" "users: 6"
contains "-UserIds of nobody" "$WORK/search.out" "nobody: 0"
contains "-ResultSize" "$WORK/search.out" "size2: 2"
contains "-StartDate in the future" "$WORK/search.out" "future: 0"
contains "a date range in both formats" "$WORK/search.out" "range: 6"
contains "newest first" "$WORK/search.out" "newest first: Set-Mailbox"
contains "a bad date is a clear error" "$WORK/search.err" "Cannot bind parameter 'StartDate'. Cannot convert value \"yesterday\" to type \"Microsoft.Exchange.ExchangeSystem.ExDateTime\". Error: \"String was not recognized as a valid DateTime.\""
lacks "-WhatIf is not a change" "$WORK/search.out" "total: 7"
stop_daemon
check "no password is in the state folder" bash -c "! grep -rqa -e 'Secret-Pw-77' -e 'pass@word1' '$STATE'"
finish

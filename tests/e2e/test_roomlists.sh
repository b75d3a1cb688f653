#!/bin/bash
# Room lists (issue 7, item 2): distribution groups made with
# New-DistributionGroup -RoomList take room mailboxes only, with Exchange
# Online's errors for duplicates, unknown identities and members already in
# the group; -WhatIf changes nothing; Remove-DistributionGroup and
# Remove-DistributionGroupMember confirm by default; a removed room mailbox
# no longer shows as a member.
. "$(dirname "$0")/lib.sh"
write_config
start_daemon || exit 1
CONNECT='$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred'

# script NAME ANSWERS: the script on stdin run as a file, ANSWERS (printf
# format) on standard input; output in $WORK/NAME.out/.err, status in RS_RC.
script() {
    cat > "$WORK/$1.ps1"
    printf "$2" | "$ROOMSYS" "$WORK/$1.ps1" >"$WORK/$1.out" 2>"$WORK/$1.err"
    RS_RC=$?
}
groups() { sqlite3 "$STATE/roomsys.db" "select count(*) from objects where kind='dgroup'"; }

script setup '' <<PS
$CONNECT
foreach (\$n in 1..3) { New-Mailbox -Name "Conf Room \$n" -MicrosoftOnlineServicesID "confrm\$n@contoso.onmicrosoft.com" -Room | Out-Null }
New-Mailbox -Name 'Projector 1' -MicrosoftOnlineServicesID proj1@contoso.onmicrosoft.com -Room | Out-Null
Set-Mailbox -Identity proj1@contoso.onmicrosoft.com -Type Equipment
\$g = New-DistributionGroup -Name 'Building 1' -RoomList
"type=\$(\$g.RecipientTypeDetails) smtp=\$(\$g.PrimarySmtpAddress) alias=\$(\$g.Alias)"
Add-DistributionGroupMember -Identity 'Building 1' -Member confrm1@contoso.onmicrosoft.com
Add-DistributionGroupMember -Identity building1@contoso.onmicrosoft.com -Member 'Conf Room 2'
"members=\$((Get-DistributionGroupMember -Identity 'Building 1').PrimarySmtpAddress -join ',')"
\$s = New-DistributionGroup -Name 'Staff' -DisplayName 'All staff' -PrimarySmtpAddress staff@contoso.onmicrosoft.com -Members confrm3,proj1
"staff=\$(\$s.RecipientTypeDetails) \$((Get-DistributionGroupMember Staff).Name -join ',')"
"lists=\$((Get-DistributionGroup -RecipientTypeDetails RoomList).Name -join ',')"
"all=\$((Get-DistributionGroup).Name -join ',')"
PS
check "setup runs" test "$RS_RC" -eq 0
contains "New-DistributionGroup -RoomList makes a RoomList with a default address" "$WORK/setup.out" \
    "type=RoomList smtp=building1@contoso.onmicrosoft.com alias=Building1"
contains "rooms join the list by address and by name" "$WORK/setup.out" \
    "members=confrm1@contoso.onmicrosoft.com,confrm2@contoso.onmicrosoft.com"
contains "a plain distribution group takes -Members (any mailbox)" "$WORK/setup.out" \
    "staff=MailUniversalDistributionGroup Conf Room 3,Projector 1"
contains "Get-DistributionGroup -RecipientTypeDetails RoomList lists room lists only" "$WORK/setup.out" "lists=Building 1"
contains "Get-DistributionGroup lists every group" "$WORK/setup.out" "all="
grep -q "^all=.*Building 1" "$WORK/setup.out" && grep -q "^all=.*Staff" "$WORK/setup.out" &&
    ok "... both groups" || not_ok "... both groups" "$(cat "$WORK/setup.out" "$WORK/setup.err")"

script errors '' <<PS
$CONNECT
Add-DistributionGroupMember -Identity 'Building 1' -Member confrm1@contoso.onmicrosoft.com
Add-DistributionGroupMember -Identity 'Building 1' -Member proj1@contoso.onmicrosoft.com
Add-DistributionGroupMember -Identity 'Building 1' -Member nobody@contoso.onmicrosoft.com
Add-DistributionGroupMember -Identity 'Building 9' -Member confrm1@contoso.onmicrosoft.com
Remove-DistributionGroupMember -Identity 'Building 1' -Member confrm3@contoso.onmicrosoft.com -Confirm:\$false
New-DistributionGroup -Name 'Building 1' -RoomList -PrimarySmtpAddress other@contoso.onmicrosoft.com
New-DistributionGroup -Name 'Building 2' -RoomList -PrimarySmtpAddress confrm1@contoso.onmicrosoft.com
New-DistributionGroup -Name 'Conf Room 1' -RoomList
New-DistributionGroup -Name 'Building 3' -RoomList -PrimarySmtpAddress b3@fabrikam.example
New-DistributionGroup -Name 'Building 4' -RoomList -Members confrm1,proj1
Get-DistributionGroup -Identity 'Staff' -RecipientTypeDetails RoomList
Get-DistributionGroupMember -Identity 'Building 9'
New-Mailbox -Name 'Room B1' -MicrosoftOnlineServicesID building1@contoso.onmicrosoft.com -Room
New-Mailbox -Name 'Staff' -MicrosoftOnlineServicesID staffroom@contoso.onmicrosoft.com -Room
"count=\$(@(Get-DistributionGroup).Count)"
PS
contains "a member already in the group: MemberAlreadyExistsException's text" "$WORK/errors.err" \
    'The recipient "confrm1@contoso.onmicrosoft.com" is already a member of the group "Building 1".'
contains "an equipment mailbox cannot join a room list" "$WORK/errors.err" \
    'The recipient "proj1@contoso.onmicrosoft.com" can'"'"'t be added to the room list "Building 1": only room mailboxes can be members of a room list.'
contains "an unknown member: Exchange's E2" "$WORK/errors.err" \
    "Couldn't find object \"nobody@contoso.onmicrosoft.com\". Please make sure that it was spelled correctly"
contains "an unknown group: Exchange's E1" "$WORK/errors.err" \
    "The operation couldn't be performed because object 'Building 9' couldn't be found on"
contains "removing a non-member: MemberNotFoundException's text" "$WORK/errors.err" \
    'The recipient "confrm3@contoso.onmicrosoft.com" isn'"'"'t a member of the group "Building 1".'
contains "a used group name: E12" "$WORK/errors.err" 'The name "Building 1" is already being used.'
contains "a mailbox's address: E12" "$WORK/errors.err" \
    'The proxy address "SMTP:confrm1@contoso.onmicrosoft.com" is already being used by the proxy addresses or LegacyExchangeDN of "Conf Room 1".'
contains "a mailbox's name: E12" "$WORK/errors.err" 'The name "Conf Room 1" is already being used.'
contains "an address outside the tenant's domains is refused" "$WORK/errors.err" "b3@fabrikam.example"
contains "-RecipientTypeDetails RoomList does not find a plain group" "$WORK/errors.err" \
    "The operation couldn't be performed because object 'Staff' couldn't be found on"
contains "no group was created by the failures" "$WORK/errors.out" "count=2"
contains "a new mailbox may not take a group's address" "$WORK/errors.err" \
    'The proxy address "SMTP:building1@contoso.onmicrosoft.com" is already being used by the proxy addresses or LegacyExchangeDN of "Building 1".'
contains "... nor a group's name" "$WORK/errors.err" 'The name "Staff" is already being used.'

before=$(groups)
script whatif '' <<PS
$CONNECT
New-DistributionGroup -Name 'Building 5' -RoomList -WhatIf
Add-DistributionGroupMember -Identity 'Building 1' -Member confrm3@contoso.onmicrosoft.com -WhatIf
Remove-DistributionGroupMember -Identity 'Building 1' -Member confrm1@contoso.onmicrosoft.com -WhatIf
Remove-DistributionGroup -Identity 'Building 1' -WhatIf
"members=\$((Get-DistributionGroupMember -Identity 'Building 1').Name -join ',')"
PS
contains "-WhatIf: New-DistributionGroup's ShouldProcess text" "$WORK/whatif.out" \
    'What if: Performing the operation "Create Distribution Group" on target "Building 5".'
contains "-WhatIf: Add-DistributionGroupMember's text" "$WORK/whatif.out" \
    'What if: Performing the operation "Add Distribution Group Member" on target "Building 1".'
contains "-WhatIf: Remove-DistributionGroupMember's text" "$WORK/whatif.out" \
    'What if: Performing the operation "Remove Distribution Group Member" on target "Building 1".'
contains "-WhatIf: Remove-DistributionGroup's text" "$WORK/whatif.out" \
    'What if: Performing the operation "Remove Distribution Group" on target "Building 1".'
contains "-WhatIf changed no membership" "$WORK/whatif.out" "members=Conf Room 1,Conf Room 2"
check "-WhatIf created and removed no group" test "$(groups)" -eq "$before"

script confirm 'N\nN\n' <<PS
$CONNECT
Remove-DistributionGroupMember -Identity 'Building 1' -Member confrm1@contoso.onmicrosoft.com
Remove-DistributionGroup -Identity 'Building 1'
"members=\$((Get-DistributionGroupMember -Identity 'Building 1').Name -join ',')"
PS
contains "Remove-DistributionGroupMember asks first" "$WORK/confirm.out" "Are you sure you want to perform this action?"
contains "... answered N: nothing removed" "$WORK/confirm.out" "members=Conf Room 1,Conf Room 2"

script remove '' <<PS
$CONNECT
Remove-DistributionGroupMember -Identity 'Building 1' -Member 'Conf Room 2' -Confirm:\$false
"after-remove=\$((Get-DistributionGroupMember -Identity 'Building 1').Name -join ',')"
Add-DistributionGroupMember -Identity 'Building 1' -Member 'Conf Room 3'
Remove-Mailbox -Identity confrm1@contoso.onmicrosoft.com -Confirm:\$false
"after-mailbox=\$((Get-DistributionGroupMember -Identity 'Building 1').Name -join ',')"
New-Mailbox -Name 'Conf Room 1' -MicrosoftOnlineServicesID confrm1@contoso.onmicrosoft.com -Room | Out-Null
"recreated=\$((Get-DistributionGroupMember -Identity 'Building 1').Name -join ',')"
Remove-DistributionGroup -Identity 'Building 1' -Confirm:\$false
Get-DistributionGroup -Identity 'Building 1'
"left=\$((Get-DistributionGroup).Name -join ',')"
"room=\$((Get-Mailbox -Identity confrm3@contoso.onmicrosoft.com).Name)"
PS
contains "Remove-DistributionGroupMember -Confirm:\$false removes the member" "$WORK/remove.out" "after-remove=Conf Room 1"
contains "a removed room mailbox is no longer a member" "$WORK/remove.out" "after-mailbox=Conf Room 3"
contains "... nor is a new mailbox of the same address" "$WORK/remove.out" "recreated=Conf Room 3"
contains "Remove-DistributionGroup removes the list" "$WORK/remove.err" \
    "The operation couldn't be performed because object 'Building 1' couldn't be found on"
contains "... the other group stays" "$WORK/remove.out" "left=Staff"
contains "... and its rooms stay" "$WORK/remove.out" "room=Conf Room 3"

# a pipeline: every room into a new list, and the lists' members through Identity
script pipe '' <<PS
$CONNECT
New-DistributionGroup -Name 'Building 2' -RoomList | Out-Null
Get-Mailbox -RecipientTypeDetails RoomMailbox | ForEach-Object { Add-DistributionGroupMember -Identity 'Building 2' -Member \$_.PrimarySmtpAddress }
"piped=\$((Get-DistributionGroup -RecipientTypeDetails RoomList | Get-DistributionGroupMember | Sort-Object Name).Name -join ',')"
PS
check "the pipeline ran without errors" test "$RS_RC" -eq 0 -a ! -s "$WORK/pipe.err"
contains "... every room mailbox (not the equipment) joined through the pipeline" "$WORK/pipe.out" "piped=Conf Room 1,Conf Room 2,Conf Room 3"

# roles: a Global Reader lists room lists and members but changes nothing;
# a User Account Administrator has no Exchange role
script roles_setup '' <<PS
\$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-MsolService -Credential \$cred
New-MsolUser -UserPrincipalName gina@contoso.onmicrosoft.com -DisplayName Gina -Password 'Qz7-Reader-1' -ForceChangePassword \$false | Out-Null
Add-MsolRoleMember -RoleName 'Global Reader' -RoleMemberEmailAddress gina@contoso.onmicrosoft.com
Set-RoomSystemAdminAccess -Identity gina@contoso.onmicrosoft.com -Exchange \$true
New-MsolUser -UserPrincipalName bob@contoso.onmicrosoft.com -DisplayName Bob -Password 'Qz7-Harbor-2' -ForceChangePassword \$false | Out-Null
Add-MsolRoleMember -RoleName 'User Account Administrator' -RoleMemberEmailAddress bob@contoso.onmicrosoft.com
Set-RoomSystemAdminAccess -Identity bob@contoso.onmicrosoft.com -Exchange \$true
PS
check "a Global Reader and a User Account Administrator are set up" test "$RS_RC" -eq 0
printf 'Qz7-Reader-1\n' > "$WORK/gina.pw"
printf 'Qz7-Harbor-2\n' > "$WORK/bob.pw"
ROOMSYS_USER=gina@contoso.onmicrosoft.com ROOMSYS_PASSWORD_FILE="$WORK/gina.pw" script gina '' <<'PS'
Connect-ExchangeOnline -Credential (Get-Credential gina@contoso.onmicrosoft.com)
"reader=$((Get-DistributionGroupMember -Identity 'Building 2' | Sort-Object Name).Name -join ',')"
Add-DistributionGroupMember -Identity 'Building 2' -Member 'Conf Room 2'
New-DistributionGroup -Name 'Reader List' -RoomList
Remove-DistributionGroup -Identity 'Building 2' -Confirm:$false
PS
contains "a Global Reader reads a room list's members" "$WORK/gina.out" "reader=Conf Room 1,Conf Room 2,Conf Room 3"
contains "... and may not change room lists" "$WORK/gina.err" "allow running \"Add-DistributionGroupMember\""
contains "... nor create them" "$WORK/gina.err" "allow running \"New-DistributionGroup\""
contains "... nor remove them" "$WORK/gina.err" "allow running \"Remove-DistributionGroup\""
ROOMSYS_USER=bob@contoso.onmicrosoft.com ROOMSYS_PASSWORD_FILE="$WORK/bob.pw" script bob '' <<'PS'
Connect-ExchangeOnline -Credential (Get-Credential bob@contoso.onmicrosoft.com)
Get-DistributionGroup
PS
contains "a User Account Administrator may not read them" "$WORK/bob.err" "allow running \"Get-DistributionGroup\""
script roles_after '' <<PS
$CONNECT
"after=\$((Get-DistributionGroupMember -Identity 'Building 2' | Sort-Object Name).Name -join ',') \$(@(Get-DistributionGroup).Count)"
PS
contains "the refused calls changed nothing" "$WORK/roles_after.out" "after=Conf Room 1,Conf Room 2,Conf Room 3 2"

finish

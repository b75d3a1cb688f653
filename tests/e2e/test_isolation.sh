#!/bin/bash
# Tenant isolation (directory.md section 9): two tenants in one daemon, a room
# with the same name in each. The admin of one runs EVERY server cmdlet
# against the other tenant's objects: each is refused exactly as for an object
# that exists nowhere (no existence leak), list cmdlets never show the other
# tenant, nothing of the other tenant changes, and a room's credentials never
# sign in another tenant's address. A new server cmdlet without a case here
# fails the test.
. "$(dirname "$0")/lib.sh"
EXTRA_TENANTS="[tenant fabrikam.onmicrosoft.com]
display_name = Fabrikam
admin_upn = admin@fabrikam.onmicrosoft.com
admin_password_file = $WORK/admin.password
default_pool = sippool2.infra.lync.com
subscriptions = MCOSTANDARD:5, ENTERPRISEPACK:5"
write_config
start_daemon || exit 1
provision_room "Conf Room 1" confrm1@contoso.onmicrosoft.com 'pass@word1'
check "contoso's confrm1 is provisioned" test "$RS_RC" -eq 0
ROOMSYS_USER=admin@fabrikam.onmicrosoft.com rs fab_setup <<'PS'
$cred = Get-Credential admin@fabrikam.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred
Connect-MsolService -Credential $cred
Import-PSSession (New-CsOnlineSession -Credential $cred) -AllowClobber | Out-Null
New-Mailbox -Name "Conf Room 1" -MicrosoftOnlineServicesID confrm1@fabrikam.onmicrosoft.com -Room -EnableRoomMailboxAccount $true -RoomMailboxPassword (ConvertTo-SecureString 'Fab@word1' -AsPlainText -Force) | Out-Null
Set-MsolUser -UserPrincipalName confrm1@fabrikam.onmicrosoft.com -UsageLocation US
Set-MsolUserLicense -UserPrincipalName confrm1@fabrikam.onmicrosoft.com -AddLicenses fabrikam:MCOSTANDARD
Enable-CsMeetingRoom -Identity confrm1@fabrikam.onmicrosoft.com -SipAddressType EmailAddress
New-MsolServicePrincipal -DisplayName 'Fabrikam App' -AppPrincipalId 7e1f0a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b | Out-Null
New-DistributionGroup -Name 'Fab List' -RoomList -PrimarySmtpAddress fablist@fabrikam.onmicrosoft.com -Members confrm1@fabrikam.onmicrosoft.com | Out-Null
PS
check "fabrikam's confrm1 (same name) is provisioned" test "$RS_RC" -eq 0

rs cross <<'PS'
$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred
Connect-MsolService -Credential $cred
Import-PSSession (New-CsOnlineSession -Credential $cred) -AllowClobber | Out-Null
$pw = ConvertTo-SecureString 'Qz7-Isolated-1' -AsPlainText -Force
$ga = (Get-MsolRole -RoleName 'Company Administrator').ObjectId
$ics = "BEGIN:VCALENDAR`r`nMETHOD:REQUEST`r`nBEGIN:VEVENT`r`nUID:iso`r`nDTSTART:20270104T100000Z`r`nDTEND:20270104T110000Z`r`nEND:VEVENT`r`nEND:VCALENDAR`r`n"
# one case per server cmdlet that names an object: $u is the other tenant's room
# (or a ghost that exists nowhere), $a its admin (or a ghost admin), $l its room list
New-DistributionGroup -Name 'Iso Own' -RoomList | Out-Null
function Cases($u, $a, $s, $l) {
    [ordered]@{
        'New-Mailbox'               = @{ Name = 'Iso'; MicrosoftOnlineServicesID = $u; Room = $true; EnableRoomMailboxAccount = $true; RoomMailboxPassword = $pw }
        'Set-Mailbox'               = @{ Identity = $u; ResourceCapacity = 3 }
        'Get-Mailbox'               = @{ Identity = $u }
        'Remove-Mailbox'            = @{ Identity = $u; Confirm = $false }
        'Set-CalendarProcessing'    = @{ Identity = $u; AutomateProcessing = 'None' }
        'Get-CalendarProcessing'    = @{ Identity = $u }
        'Submit-RoomMeetingRequest' = @{ Identity = $u; ICalendar = $ics }
        'Get-RoomCalendar'          = @{ Identity = $u }
        'Get-RoomFreeBusy'          = @{ Identity = $u }
        'Approve-RoomMeetingRequest' = @{ Identity = $u; Uid = 'iso'; Delegate = $a }
        'Deny-RoomMeetingRequest'   = @{ Identity = $u; Uid = 'iso'; Delegate = $a }
        'Set-MailboxCalendarConfiguration' = @{ Identity = $u; WorkingHoursStartTime = '07:00:00' }
        'Get-MailboxCalendarConfiguration' = @{ Identity = $u }
        'Set-Place'                 = @{ Identity = $u; Capacity = 3; Building = 'Iso' }
        'Get-Place'                 = @{ Identity = $u }
        'New-DistributionGroup'     = @{ Name = 'Iso'; RoomList = $true; PrimarySmtpAddress = $l }
        'Get-DistributionGroup'     = @{ Identity = $l }
        'Remove-DistributionGroup'  = @{ Identity = $l; Confirm = $false }
        'Add-DistributionGroupMember' = @{ Identity = 'Iso Own'; Member = $u }
        'Remove-DistributionGroupMember' = @{ Identity = $l; Member = $u; Confirm = $false }
        'Get-DistributionGroupMember' = @{ Identity = $l }
        'New-MsolUser'              = @{ UserPrincipalName = $u; DisplayName = 'Iso' }
        'Get-MsolUser'              = @{ UserPrincipalName = $u }
        'Set-MsolUser'              = @{ UserPrincipalName = $u; BlockCredential = $true }
        'Set-MsolUserPassword'      = @{ UserPrincipalName = $u; NewPassword = 'Qz7-Isolated-2'; ForceChangePassword = $false }
        'Set-MsolUserLicense'       = @{ UserPrincipalName = $u; RemoveLicenses = 'fabrikam:MCOSTANDARD' }
        'Get-MsolUserRole'          = @{ UserPrincipalName = $a }
        'Add-MsolRoleMember'        = @{ RoleName = 'Exchange Administrator'; RoleMemberEmailAddress = $u }
        'Remove-MsolRoleMember'     = @{ RoleName = 'Global Administrator'; RoleMemberEmailAddress = $a }
        'Set-RoomSystemAdminAccess' = @{ Identity = $a; Exchange = $false }
        'Unlock-RoomSystemAccount'  = @{ Identity = $u }
        'Get-MsolPasswordPolicy'    = @{ DomainName = $u.Split('@')[1] }
        'Set-MsolPasswordPolicy'    = @{ DomainName = $u.Split('@')[1]; ValidityPeriod = 30; NotificationDays = 7 }
        'Get-CsTenant'              = @{ Identity = $u.Split('@')[1] }
        'Get-CsOnlineUser'          = @{ Identity = $u }
        'Enable-CsMeetingRoom'      = @{ Identity = $u; SipAddressType = 'EmailAddress' }
        'Get-CsMeetingRoom'         = @{ Identity = $u }
        'Set-CsMeetingRoom'         = @{ Identity = $u; Enabled = $false }
        'Disable-CsMeetingRoom'     = @{ Identity = $u }
        'Move-CsMeetingRoom'        = @{ Identity = $u; Target = 'sippoolbl20a04.infra.lync.com' }
        'Get-MsolServicePrincipal'  = @{ AppPrincipalId = $s }
        'Remove-MsolServicePrincipal' = @{ AppPrincipalId = $s }
        'New-MsolServicePrincipalCredential' = @{ AppPrincipalId = $s; Value = 'Isolated-Secret-0001' }
        'Get-MsolServicePrincipalCredential' = @{ AppPrincipalId = $s }
        'Remove-MsolServicePrincipalCredential' = @{ AppPrincipalId = $s; KeyIds = '0f1e2d3c-0000-4000-8000-000000000002' }
    }
}
# cmdlets that name no object: run as they are; their output must not show the other tenant
$lists = @('Get-Mailbox', 'Get-CalendarProcessing', 'Get-MsolUser', 'Get-CsOnlineUser', 'Get-CsMeetingRoom',
           'Get-CsTenant', 'Get-MsolAccountSku', 'Get-MsolRole', 'Search-AdminAuditLog', 'Test-RoomSystemAccount',
           'Get-MsolPasswordPolicy', 'Get-CsRegistrarStatus', 'Get-RoomSystemSyncStatus', 'Get-Place',
           'Get-MsolServicePrincipal', 'Get-DistributionGroup')
$fabApp = '7e1f0a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b'
$ghostApp = '7e1f0a2b-0000-4000-8000-00000000dead'
$real = Cases 'confrm1@fabrikam.onmicrosoft.com' 'admin@fabrikam.onmicrosoft.com' $fabApp 'fablist@fabrikam.onmicrosoft.com'
$ghost = Cases 'ghost1@fabrikam.onmicrosoft.com' 'ghost2@fabrikam.onmicrosoft.com' $ghostApp 'ghost3@fabrikam.onmicrosoft.com'
$server = (Get-Command | Where-Object { $_.Source -ne 'Microsoft.PowerShell.Utility' -and $_.Name -ne 'Cases' }).Name
foreach ($name in $server) {
    if (-not $real.Contains($name) -and -not ($lists -contains $name) -and $name -ne 'Get-MsolRoleMember' -and $name -ne 'New-MsolServicePrincipal') { "NO CASE: $name" }
}
"server cmdlets: $($server.Count)"
# lists first: the audit log shows this admin's own attempts below, by design
foreach ($name in $lists) {
    if ($server -notcontains $name) { continue }
    $o = & $name -ErrorAction SilentlyContinue | Out-String -Width 400
    if ($o -match 'fabrikam') { "LEAK (listed): $name" } else { "clean: $name" }
}
foreach ($name in $real.Keys) {
    $p = $real[$name]
    $q = $ghost[$name]
    $o1 = & $name @p -ErrorAction SilentlyContinue -ErrorVariable e1 | Out-String
    $o2 = & $name @q -ErrorAction SilentlyContinue -ErrorVariable e2 | Out-String
    $m1 = "$($e1[0])".Replace('confrm1@', 'X@').Replace('admin@', 'Y@').Replace($fabApp, 'Z').Replace('fablist@', 'W@')
    $m2 = "$($e2[0])".Replace('ghost1@', 'X@').Replace('ghost2@', 'Y@').Replace($ghostApp, 'Z').Replace('ghost3@', 'W@')
    if ($e1.Count -eq 0) { "LEAK (no error): $name $o1" }
    elseif ($m1 -ne $m2) { "LEAK (answer differs): $name | $m1 | $m2" }
    else { "same: $name" }
}
$m = (Get-MsolRoleMember -RoleObjectId $ga | Out-String)
if ($m -match 'fabrikam') { 'LEAK (listed): Get-MsolRoleMember' } else { 'clean: Get-MsolRoleMember' }
# app registrations are per tenant: fabrikam's AppPrincipalId registers a
# separate contoso app (no error, so no existence leak); fabrikam's stays as it is
$n = New-MsolServicePrincipal -DisplayName 'Iso' -AppPrincipalId $fabApp -Value 'Isolated-Secret-0001'
if ($n.DisplayName -eq 'Iso') { 'own app: New-MsolServicePrincipal' }
PS
lacks "every server cmdlet has an isolation case" "$WORK/cross.out" "NO CASE:"
lacks "no cmdlet reaches the other tenant" "$WORK/cross.out" "LEAK"
contains "... the cases ran" "$WORK/cross.out" "same: Move-CsMeetingRoom"
check "... 45 refusals identical to a missing object's" test "$(grep -c '^same: ' "$WORK/cross.out")" -eq 45
contains "New-MsolServicePrincipal with the other tenant's AppPrincipalId registers this tenant's own app" "$WORK/cross.out" "own app: New-MsolServicePrincipal"
contains "... the lists ran" "$WORK/cross.out" "clean: Get-MsolRoleMember"

ROOMSYS_USER=admin@fabrikam.onmicrosoft.com rs fab_after <<'PS'
$cred = Get-Credential admin@fabrikam.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred
Connect-MsolService -Credential $cred
Import-PSSession (New-CsOnlineSession -Credential $cred) -AllowClobber | Out-Null
"mbx: " + (Get-Mailbox confrm1).ResourceCapacity + " " + (Get-CalendarProcessing confrm1).AutomateProcessing
$u = Get-MsolUser -UserPrincipalName confrm1@fabrikam.onmicrosoft.com
"user: " + $u.BlockCredential + " " + $u.isLicensed
"room: " + (Get-CsMeetingRoom confrm1@fabrikam.onmicrosoft.com).RegistrarPool
"admin roles: " + (Get-MsolUserRole -UserPrincipalName admin@fabrikam.onmicrosoft.com).Name
"policy: " + (Get-MsolPasswordPolicy).ValidityPeriod
"audit: " + (Search-AdminAuditLog -UserIds admin@contoso.onmicrosoft.com).Count
$apps = Get-MsolServicePrincipal
"apps: " + $apps.Count + " " + $apps.DisplayName + " " + (Get-MsolServicePrincipalCredential -AppPrincipalId 7e1f0a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b).Count
"list: " + ((Get-DistributionGroupMember -Identity fablist@fabrikam.onmicrosoft.com).Name -join ',') + " " + (Get-DistributionGroup).Count
PS
contains "fabrikam's mailbox and calendar are unchanged" "$WORK/fab_after.out" "mbx:  AutoAccept"
contains "fabrikam's user is unchanged" "$WORK/fab_after.out" "user: False True"
contains "fabrikam's room keeps its pool" "$WORK/fab_after.out" "room: sippool2.infra.lync.com"
contains "fabrikam's admin keeps its role" "$WORK/fab_after.out" "admin roles: Company Administrator"
contains "fabrikam's password policy is unchanged" "$WORK/fab_after.out" "policy: 90"
contains "contoso's attempts are not in fabrikam's audit log" "$WORK/fab_after.out" "audit: 0"
contains "fabrikam's room list is unchanged (its room still in it, contoso's list not listed)" "$WORK/fab_after.out" "list: Conf Room 1 1"
contains "fabrikam's app is unchanged (one credential, contoso's app not listed)" "$WORK/fab_after.out" "apps: 1 Fabrikam App 1"

# SIP: each room signs in to its own address only
check "fabrikam's room signs in" sipp_register 200 confrm1 fabrikam.onmicrosoft.com 'Fab@word1' "$SIP_PORT2"
check "contoso's room signs in" sipp_register 200 confrm1 contoso.onmicrosoft.com 'pass@word1'
check "contoso's password does not open fabrikam's room" sipp_register 401 confrm1 fabrikam.onmicrosoft.com 'pass@word1' "$SIP_PORT2"
check "contoso's credentials for fabrikam's address are refused" \
    sipp_register 403 confrm1 fabrikam.onmicrosoft.com 'pass@word1' "$SIP_PORT2" confrm1@contoso.onmicrosoft.com
finish

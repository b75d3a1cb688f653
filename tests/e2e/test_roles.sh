#!/bin/bash
# Roles and remote-PowerShell access rights (directory.md section 8): the
# MSOnline role cmdlets, roomsys's Set-RoomSystemAdminAccess, every cmdlet
# checking both and a refusal naming what is missing, only Global
# Administrators assigning roles or changing administrators, never the last
# Global Administrator removed.
. "$(dirname "$0")/lib.sh"
write_config
start_daemon || exit 1
rs setup <<'PS'
$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-MsolService -Credential $cred
New-MsolUser -UserPrincipalName eve@contoso.onmicrosoft.com -DisplayName Eve -Password 'Qz7-Sunrise-1' -ForceChangePassword $false -UsageLocation US | Out-Null
New-MsolUser -UserPrincipalName bob@contoso.onmicrosoft.com -DisplayName Bob -Password 'Qz7-Harbor-2' -ForceChangePassword $false -UsageLocation US | Out-Null
New-MsolUser -UserPrincipalName carol@contoso.onmicrosoft.com -DisplayName Carol -Password 'Qz7-Meadow-3' -ForceChangePassword $false | Out-Null
Add-MsolRoleMember -RoleName "Exchange Administrator" -RoleMemberEmailAddress eve@contoso.onmicrosoft.com
Add-MsolRoleMember -RoleName "User Account Administrator" -RoleMemberEmailAddress bob@contoso.onmicrosoft.com
Add-MsolRoleMember -RoleName "Exchange Administrator" -RoleMemberEmailAddress eve@contoso.onmicrosoft.com
Add-MsolRoleMember -RoleName "Chief Coffee Officer" -RoleMemberEmailAddress eve@contoso.onmicrosoft.com
Set-RoomSystemAdminAccess -Identity eve@contoso.onmicrosoft.com -Exchange $true -SkypeForBusiness $false -MSOnline $false -PassThru | Format-List
Set-RoomSystemAdminAccess -Identity bob@contoso.onmicrosoft.com -Exchange $false -SkypeForBusiness $false -MSOnline $true
(Get-MsolUserRole -UserPrincipalName eve@contoso.onmicrosoft.com).Name
$ga = Get-MsolRole -RoleName "Company Administrator"
"GA id: " + $ga.ObjectId
(Get-MsolRoleMember -RoleObjectId $ga.ObjectId).EmailAddress
"roles: " + (Get-MsolRole).Count
Remove-MsolRoleMember -RoleName "Global Administrator" -RoleMemberEmailAddress admin@contoso.onmicrosoft.com
Remove-MsolRoleMember -RoleName "License Administrator" -RoleMemberEmailAddress eve@contoso.onmicrosoft.com
PS
check "setup ran with the expected refusals (exit 1)" test "$RS_RC" -eq 1
contains "a second Add is refused" "$WORK/setup.err" "The role member you are trying to add is already a member of this role."
contains "an unknown role is refused" "$WORK/setup.err" 'The role "Chief Coffee Officer" does not exist.'
contains "the access rights are shown" "$WORK/setup.out" "SkypeForBusiness  : False"
contains "Get-MsolUserRole" "$WORK/setup.out" "Exchange Service Administrator"
contains "the Global Administrator role's template id" "$WORK/setup.out" "GA id: 62e90394-69f5-4237-9190-012177145e10"
contains "Get-MsolRoleMember" "$WORK/setup.out" "admin@contoso.onmicrosoft.com"
contains "the last Global Administrator stays" "$WORK/setup.err" "The last Global Administrator of a tenant cannot be removed from the role."
contains "removing a role one lacks" "$WORK/setup.err" "The role member you are trying to delete is not a member of this role."

# eve: Exchange Administrator with Exchange access only
printf 'Qz7-Sunrise-1\n' > "$WORK/eve.pw"
ROOMSYS_USER=eve@contoso.onmicrosoft.com ROOMSYS_PASSWORD_FILE="$WORK/eve.pw" rs eve <<'PS'
$cred = Get-Credential eve@contoso.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred
New-Mailbox -Name "Conf Room 8" -MicrosoftOnlineServicesID confrm8@contoso.onmicrosoft.com -Room -EnableRoomMailboxAccount $true -RoomMailboxPassword (ConvertTo-SecureString 'pass@word1' -AsPlainText -Force) | Out-Null
"mailbox: " + (Get-Mailbox confrm8).Alias
Connect-MsolService -Credential $cred
Get-MsolUser -UserPrincipalName confrm8@contoso.onmicrosoft.com
Search-AdminAuditLog
PS
contains "an Exchange Administrator creates a room" "$WORK/eve.out" "mailbox: confrm8"
contains "without MSOnline access the directory refuses, naming the right" "$WORK/eve.err" "doesn't have Azure Active Directory (MSOnline) PowerShell access"
contains "reading the audit log needs Global Reader or Global Administrator" "$WORK/eve.err" "isn't assigned to any management roles that allow running \"Search-AdminAuditLog\""

# bob: User Administrator with MSOnline access
printf 'Qz7-Harbor-2\n' > "$WORK/bob.pw"
ROOMSYS_USER=bob@contoso.onmicrosoft.com ROOMSYS_PASSWORD_FILE="$WORK/bob.pw" rs bob <<'PS'
$cred = Get-Credential bob@contoso.onmicrosoft.com
Connect-MsolService -Credential $cred
Set-MsolUserPassword -UserPrincipalName carol@contoso.onmicrosoft.com -NewPassword 'Qz7-Meadow-4' -ForceChangePassword $false
"carol reset"
Set-MsolUserPassword -UserPrincipalName admin@contoso.onmicrosoft.com -NewPassword 'Taken-Over-1' -ForceChangePassword $false
Set-MsolUser -UserPrincipalName eve@contoso.onmicrosoft.com -BlockCredential $true
Add-MsolRoleMember -RoleName "Global Administrator" -RoleMemberEmailAddress bob@contoso.onmicrosoft.com
PS
contains "a User Administrator resets a user's password" "$WORK/bob.out" "carol reset"
contains "... but not a Global Administrator's" "$WORK/bob.err" "The user \"bob@contoso.onmicrosoft.com\" can't change \"admin@contoso.onmicrosoft.com\": it holds an administrator role"
contains "... nor another admin's" "$WORK/bob.err" "can't change \"eve@contoso.onmicrosoft.com\""
contains "role assignment is for Global Administrators" "$WORK/bob.err" "isn't assigned to any management roles that allow running \"Add-MsolRoleMember\". It needs the Global Administrator role."
check "the admin's password is unchanged" bash -c "curl -s -o /dev/null -w '%{http_code}' --cacert '$STATE/tls/cert.pem' --data-urlencode grant_type=password --data-urlencode username=admin@contoso.onmicrosoft.com --data-urlencode 'password=Adm1n-Pass!word' --data-urlencode scope=https://outlook.office365.com/.default https://127.0.0.1:$HTTPS_PORT/contoso.onmicrosoft.com/oauth2/v2.0/token | grep -qx 200"
finish

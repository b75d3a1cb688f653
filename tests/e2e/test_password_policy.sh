#!/bin/bash
# Password policy (directory.md section 5): expiry per domain with
# Get/Set-MsolPasswordPolicy (2147483647 = never), an expired password refuses
# SIP sign-in and admin sign-in until the policy or the password changes, and
# the tenant's own banned terms from the configuration.
. "$(dirname "$0")/lib.sh"
write_config
sed -i 's/^\[tenant contoso.onmicrosoft.com\]/[tenant contoso.onmicrosoft.com]\nbanned_passwords = Fabrikam, roomsys/' "$WORK/roomsysd.conf"
start_daemon || exit 1
provision_room "Conf Room 5" confrm5@contoso.onmicrosoft.com 'pass@word1'
check "the room is provisioned" test "$RS_RC" -eq 0
CONNECT='$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred
Connect-MsolService -Credential $cred'
rs policy <<PS
$CONNECT
\$p = Get-MsolPasswordPolicy
"default: \$(\$p.ValidityPeriod) \$(\$p.NotificationDays)"
Set-MsolPasswordPolicy -DomainName contoso.onmicrosoft.com -ValidityPeriod 60 -NotificationDays 7
\$p = Get-MsolPasswordPolicy -DomainName contoso.onmicrosoft.com
"set: \$(\$p.ValidityPeriod) \$(\$p.NotificationDays)"
Set-MsolPasswordPolicy -DomainName contoso.onmicrosoft.com -ValidityPeriod 800 -NotificationDays 7
Set-MsolPasswordPolicy -DomainName contoso.onmicrosoft.com -ValidityPeriod 30 -NotificationDays 30
Set-MsolPasswordPolicy -DomainName fabrikam.com -ValidityPeriod 60 -NotificationDays 7
Get-MsolPasswordPolicy -DomainName contoso.onmicrosoft.com -TenantId 00000000-0000-4000-8000-000000000000
Set-Mailbox -Identity confrm5 -RoomMailboxPassword (ConvertTo-SecureString 'Fabrikam@2026' -AsPlainText -Force)
New-Mailbox -Name "Room X" -MicrosoftOnlineServicesID roomx@contoso.onmicrosoft.com -Room -EnableRoomMailboxAccount \$true -RoomMailboxPassword (ConvertTo-SecureString 'My-roomsys-9' -AsPlainText -Force)
PS
contains "the tenant's default: 90 days, notified 14 days before" "$WORK/policy.out" "default: 90 14"
contains "Set-MsolPasswordPolicy changes the domain's policy" "$WORK/policy.out" "set: 60 7"
contains "more than 730 days is refused" "$WORK/policy.err" "ValidityPeriod must be 1 to 730 days, or 2147483647"
contains "notification must come before expiry" "$WORK/policy.err" "NotificationDays must be 1 to 30 and less than ValidityPeriod."
contains "an unknown domain is refused" "$WORK/policy.err" 'The domain "fabrikam.com" is not a domain of this tenant.'
contains "another tenant's id is refused" "$WORK/policy.err" "Access Denied. You do not have permissions to call this cmdlet."
contains "the tenant's banned terms are refused" "$WORK/policy.err" "it contains a term on the organization's list of banned passwords"
check "... for Set-Mailbox and New-Mailbox alike" test "$(grep -c "organization's list of banned passwords" "$WORK/policy.err")" -eq 2

# the room's password was last changed 61 days ago: past the domain's 60 days
check "the room signs in before" sipp_register 200 confrm5 contoso.onmicrosoft.com 'pass@word1'
stop_daemon
old=$(( $(date +%s) * 1000 - 61 * 86400000 ))
sqlite3 "$STATE/roomsys.db" "update objects set doc = json_set(doc, '\$.LastPasswordChangeTimestamp', $old) where kind = 'user' and json_extract(doc, '\$.UserPrincipalName') = 'confrm5@contoso.onmicrosoft.com'"
start_daemon || exit 1
check "an expired password cannot sign in over SIP" sipp_register 401 confrm5 contoso.onmicrosoft.com 'pass@word1'
rs expired <<PS
$CONNECT
Import-PSSession (New-CsOnlineSession -Credential \$cred) -AllowClobber | Out-Null
(Test-RoomSystemAccount -Identity confrm5 | Where-Object Check -eq 'Password not expired').Result
Set-MsolPasswordPolicy -DomainName contoso.onmicrosoft.com -ValidityPeriod 2147483647 -NotificationDays 14
(Get-MsolPasswordPolicy).ValidityPeriod
PS
contains "Test-RoomSystemAccount shows it" "$WORK/expired.out" "Fail"
contains "never expires" "$WORK/expired.out" "2147483647"
check "a never-expiring policy lets the room sign in again" sipp_register 200 confrm5 contoso.onmicrosoft.com 'pass@word1'
contains "the refusal was logged as password_expired" "$WORK/roomsysd.log" '"reason":"password_expired"'
finish

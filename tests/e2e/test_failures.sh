#!/bin/bash
# The seed flow's failure paths: Office 365's error text, and nothing changed.
. "$(dirname "$0")/lib.sh"
start_daemon || exit 1
CONNECT='$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred
Connect-MsolService -Credential $cred
Import-PSSession (New-CsOnlineSession -Credential $cred) -AllowClobber'

rs setup <<PS
$CONNECT
New-Mailbox -Name "Room A" -MicrosoftOnlineServicesID rooma@contoso.onmicrosoft.com -Room -EnableRoomMailboxAccount \$true -RoomMailboxPassword (ConvertTo-SecureString 'Str0ng-pass' -AsPlainText -Force)
PS
check "setup: a room is created" test "$RS_RC" -eq 0

# Unknown identity (E1, E3, MSOL not found)
rs unknown <<PS
$CONNECT
Set-Mailbox -Identity nosuch@contoso.onmicrosoft.com -MailTip "x"
Enable-CsMeetingRoom -Identity nosuch@contoso.onmicrosoft.com -SipAddressType EmailAddress
Set-MsolUser -UserPrincipalName nosuch@contoso.onmicrosoft.com -UsageLocation US
PS
contains "E1 for an unknown mailbox" "$WORK/unknown.err" "Set-Mailbox : The operation couldn't be performed because object 'nosuch@contoso.onmicrosoft.com' couldn't be found on 'DC1.contoso.onmicrosoft.com'."
contains "E1 carries CategoryInfo" "$WORK/unknown.err" "ManagementObjectNotFoundException"
contains "E3 for an unknown SfB identity" "$WORK/unknown.err" 'Enable-CsMeetingRoom : Management object not found for identity "nosuch@contoso.onmicrosoft.com".'
contains "MSOL not found" "$WORK/unknown.err" "Set-MsolUser : User Not Found.  User: nosuch@contoso.onmicrosoft.com."
check "a script with errors exits non-zero" test "$RS_RC" -ne 0

# Enable-CsMeetingRoom before a license (E7), changes nothing
rs unlicensed <<PS
$CONNECT
Enable-CsMeetingRoom -Identity rooma@contoso.onmicrosoft.com -RegistrarPool "sippoolbl20a04.infra.lync.com" -SipAddressType EmailAddress
Get-CsMeetingRoom -Identity rooma@contoso.onmicrosoft.com
PS
contains "E7 names the missing license" "$WORK/unlicensed.err" 'Enable-CsMeetingRoom : The user "rooma@contoso.onmicrosoft.com" is not licensed for Skype Meetings.'
contains "nothing was enabled" "$WORK/unlicensed.err" 'Get-CsMeetingRoom : Management object not found for identity "rooma@contoso.onmicrosoft.com".'

# A license without a usage location (E9), changes nothing
rs nousage <<PS
$CONNECT
Set-MsolUserLicense -UserPrincipalName rooma@contoso.onmicrosoft.com -AddLicenses contoso:MCOSTANDARD
Get-MsolUser -UserPrincipalName rooma@contoso.onmicrosoft.com | fl isLicensed
Get-MsolAccountSku | Where-Object { \$_.SkuPartNumber -eq 'MCOSTANDARD' } | fl ConsumedUnits
PS
contains "E9 text" "$WORK/nousage.err" "Set-MsolUserLicense : You must provide a required property: Parameter name: UsageLocation"
contains "the user is still unlicensed" "$WORK/nousage.out" "isLicensed : False"
contains "no seat was consumed" "$WORK/nousage.out" "ConsumedUnits : 0"

# Pools: another existing pool (E4), a pool that does not exist (E5), an empty one (E6)
rs pools <<PS
$CONNECT
Set-MsolUser -UserPrincipalName rooma@contoso.onmicrosoft.com -UsageLocation US
Set-MsolUserLicense -UserPrincipalName rooma@contoso.onmicrosoft.com -AddLicenses contoso:MCOSTANDARD
Enable-CsMeetingRoom -Identity rooma@contoso.onmicrosoft.com -RegistrarPool "sippool2.infra.lync.com" -SipAddressType EmailAddress
Enable-CsMeetingRoom -Identity rooma@contoso.onmicrosoft.com -RegistrarPool "sippoolxx99z99.infra.lync.com" -SipAddressType EmailAddress
Enable-CsMeetingRoom -Identity rooma@contoso.onmicrosoft.com -RegistrarPool "" -SipAddressType EmailAddress
Get-CsMeetingRoom -Identity rooma@contoso.onmicrosoft.com
PS
contains "E4 for another pool" "$WORK/pools.err" "Enable-CsMeetingRoom : Cannot move user in enable operation. Use the Move user cmdlet instead."
contains "E5 for an unknown pool" "$WORK/pools.err" 'Enable-CsMeetingRoom : Service identifier cannot be found for registrar pool "sippoolxx99z99.infra.lync.com".  Run Get-CsService -Registrar to enumerate the available registrars.'
contains "E6 for an empty pool" "$WORK/pools.err" "Cannot bind parameter 'RegistrarPool'. Cannot convert value \"\" to type \"Microsoft.Rtc.Management.Deploy.Fqdn\". Error: \"Invalid fully qualified domain name (FQDN)."
contains "none of them enabled the room" "$WORK/pools.err" 'Get-CsMeetingRoom : Management object not found for identity "rooma@contoso.onmicrosoft.com".'

# A weak password (E10) changes nothing: the room still signs in with the old one
rs weak <<PS
$CONNECT
Enable-CsMeetingRoom -Identity rooma@contoso.onmicrosoft.com -SipAddressType EmailAddress
Set-Mailbox -Identity rooma@contoso.onmicrosoft.com -RoomMailboxPassword (ConvertTo-SecureString 'password' -AsPlainText -Force)
New-Mailbox -Name "Room B" -MicrosoftOnlineServicesID roomb@contoso.onmicrosoft.com -Room -EnableRoomMailboxAccount \$true -RoomMailboxPassword (ConvertTo-SecureString 'short1!' -AsPlainText -Force)
Get-Mailbox roomb@contoso.onmicrosoft.com
PS
contains "E10 text for a weak password" "$WORK/weak.err" "Set-Mailbox : The specified password does not comply with password complexity requirements. Please provide a different password."
contains "E10 on New-Mailbox" "$WORK/weak.err" "New-Mailbox : The specified password does not comply with password complexity requirements."
contains "the refused New-Mailbox created nothing" "$WORK/weak.err" "Get-Mailbox : The operation couldn't be performed because object 'roomb@contoso.onmicrosoft.com' couldn't be found"
sipp_register 200 rooma contoso.onmicrosoft.com 'Str0ng-pass'
check "the old password still signs in" test $? -eq 0

# -AsPlainText without -Force (E11): the room keeps its password
rs force <<PS
$CONNECT
Set-Mailbox -Identity rooma@contoso.onmicrosoft.com -RoomMailboxPassword (ConvertTo-SecureString 'N3w-Passw0rd' -AsPlainText)
PS
contains "E11 text" "$WORK/force.err" "ConvertTo-SecureString : The system cannot protect plain text input. To suppress this warning and convert the plain text to a SecureString, reissue the command specifying the Force parameter. For more information ,type: get-help ConvertTo-SecureString."
contains "E11 id" "$WORK/force.err" "ImportSecureString_ForceRequired"
sipp_register 200 rooma contoso.onmicrosoft.com 'Str0ng-pass'
check "the password did not change" test $? -eq 0

# A parameter that does not exist (E14) and values of the wrong type
rs binding <<PS
$CONNECT
Set-Mailbox -Identity rooma@contoso.onmicrosoft.com -Bogus 1
Set-Mailbox -Identity rooma@contoso.onmicrosoft.com -ResourceCapacity lots
Set-CalendarProcessing -Identity rooma@contoso.onmicrosoft.com -AutomateProcessing Sometimes
Set-Mailbox -Identity rooma@contoso.onmicrosoft.com -EnableRoomMailboxAccount "yes"
Get-CalendarProcessing -Identity rooma@contoso.onmicrosoft.com | fl AutomateProcessing
Get-Mailbox rooma | fl ResourceCapacity
PS
contains "E14 for an unknown parameter" "$WORK/binding.err" "Set-Mailbox : A parameter cannot be found that matches parameter name 'Bogus'."
contains "Int32 conversion error" "$WORK/binding.err" "Cannot bind parameter 'ResourceCapacity'. Cannot convert value \"lots\" to type \"System.Int32\"."
contains "enum conversion error lists the names" "$WORK/binding.err" 'Unable to match the identifier name Sometimes to a valid enumerator name.'
contains "Boolean parameters refuse strings" "$WORK/binding.err" "Cannot process argument transformation on parameter 'EnableRoomMailboxAccount'."
contains "AutomateProcessing unchanged" "$WORK/binding.out" "AutomateProcessing : AutoAccept"
contains "capacity unchanged" "$WORK/binding.out" "ResourceCapacity :"

# Duplicate address (E12)
rs dup <<PS
$CONNECT
New-Mailbox -Name "Room A2" -MicrosoftOnlineServicesID rooma@contoso.onmicrosoft.com -Room
PS
contains "E12 for a used address" "$WORK/dup.err" 'New-Mailbox : The proxy address "SMTP:rooma@contoso.onmicrosoft.com" is already being used by the proxy addresses or LegacyExchangeDN of "Room A". Please choose another proxy address.'

# Cmdlets of a service not connected are not recognized
rs notimported <<'PS'
Get-Mailbox
PS
contains "Exchange cmdlets need a session" "$WORK/notimported.err" "The term 'Get-Mailbox' is not recognized as the name of a cmdlet, function, script file, or operable program."
finish

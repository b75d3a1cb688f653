#!/bin/bash
# Licensing rules against the real daemon (directory.md sections 3 and 4):
# mutually exclusive plans refused with nothing changed, an atomic swap, the
# plans a room's capabilities come from shown in AssignedPlan, and removing the
# meetings license from an enabled room stops it signing in.
. "$(dirname "$0")/lib.sh"
write_config
start_daemon || exit 1
provision_room "Conf Room 9" confrm9@contoso.onmicrosoft.com 'pass@word1'
check "the room is provisioned (MCOSTANDARD)" test "$RS_RC" -eq 0
check "it signs in" sipp_register 200 confrm9 contoso.onmicrosoft.com 'pass@word1'
rs lic <<'PS'
$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-MsolService -Credential $cred
Import-PSSession (New-CsOnlineSession -Credential $cred) -AllowClobber | Out-Null
Set-MsolUserLicense -UserPrincipalName confrm9@contoso.onmicrosoft.com -AddLicenses contoso:MCOIMP
"after refusal: " + ((Get-MsolUser -UserPrincipalName confrm9@contoso.onmicrosoft.com).Licenses -join ',')
Set-MsolUserLicense -UserPrincipalName confrm9@contoso.onmicrosoft.com -AddLicenses contoso:MCOPSTN1,contoso:MCOPSTN2
Set-MsolUserLicense -UserPrincipalName confrm9@contoso.onmicrosoft.com -AddLicenses contoso:MCOEV,contoso:MCOMEETADV,contoso:MCOPSTN2
"plans: " + (((Get-CsOnlineUser -Identity confrm9@contoso.onmicrosoft.com).AssignedPlan | ForEach-Object Capability | Sort-Object) -join ',')
Set-MsolUserLicense -UserPrincipalName confrm9@contoso.onmicrosoft.com -AddLicenses contoso:MCOIMP -RemoveLicenses contoso:MCOSTANDARD
"swapped: " + ((Get-MsolUser -UserPrincipalName confrm9@contoso.onmicrosoft.com).Licenses -join ',')
$u = Get-MsolUser -UserPrincipalName confrm9@contoso.onmicrosoft.com
"skuids: " + ($u.Licenses.AccountSkuId -join ',')
"types: " + (($u.Licenses | ForEach-Object { $_.GetType().FullName } | Select-Object -Unique) -join ',')
"imp plan: " + (($u.Licenses | Where-Object AccountSkuId -eq 'contoso:MCOIMP').ServiceStatus | ForEach-Object { "$($_.ServicePlan.ServiceName)=$($_.ProvisioningStatus)" })
"imp sku: " + ($u.Licenses | Where-Object { $_.AccountSku.SkuPartNumber -eq 'MCOIMP' }).AccountSku.AccountName
"string compare: " + ($u.Licenses -contains 'contoso:MCOIMP')
$u | Format-List Licenses
"changed: " + $u.LastPasswordChangeTimestamp.GetType().Name + " " + ($u.LastPasswordChangeTimestamp -le (Get-Date).ToUniversalTime()) + " " + (((Get-Date).ToUniversalTime() - $u.LastPasswordChangeTimestamp).TotalDays -lt 1)
PS
contains "MCOIMP next to MCOSTANDARD is refused" "$WORK/lic.err" "Unable to assign this license because it contains service plans that are mutually exclusive: MCOIMP and MCOSTANDARD cannot be enabled for the same user."
contains "... and nothing changed" "$WORK/lic.out" "after refusal: contoso:MCOSTANDARD"
contains "two calling plans are refused" "$WORK/lic.err" "MCOPSTN1 and MCOPSTN2 cannot be enabled for the same user"
contains "the plans behind voice, dial-in and dial-out are reported" "$WORK/lic.out" "plans: MCOEV,MCOMEETADV,MCOPSTN2,MCOSTANDARD"
contains "an atomic swap of exclusive plans works" "$WORK/lic.out" "swapped: contoso:MCOEV,contoso:MCOMEETADV,contoso:MCOPSTN2,contoso:MCOIMP"
contains "Licenses are UserLicense objects: .AccountSkuId" "$WORK/lic.out" "skuids: contoso:MCOEV,contoso:MCOMEETADV,contoso:MCOPSTN2,contoso:MCOIMP"
contains "... typed as MSOnline's" "$WORK/lic.out" "types: Microsoft.Online.Administration.UserLicense"
contains "... with ServiceStatus rows (ServicePlan.ServiceName, ProvisioningStatus)" "$WORK/lic.out" "imp plan: MCOIMP=Success"
contains "... and AccountSku (AccountName, SkuPartNumber)" "$WORK/lic.out" "imp sku: contoso"
contains "... which a string does not equal (as in MSOnline)" "$WORK/lic.out" "string compare: False"
contains "LastPasswordChangeTimestamp is a DateTime (today, not in the future)" "$WORK/lic.out" "changed: DateTime True True"
contains "Format-List shows them as their AccountSkuId" "$WORK/lic.out" "Licenses : {contoso:MCOEV, contoso:MCOMEETADV, contoso:MCOPSTN2, contoso:MCOIMP}"
check "without a meetings plan the room cannot sign in" sipp_register 401 confrm9 contoso.onmicrosoft.com 'pass@word1'
contains "... refused as not licensed" "$WORK/roomsysd.log" '"reason":"not_licensed"'
finish

# "First, connect to Exchange Online PowerShell" (the seed links to the
# instructions; this is the connection the online setup script S5 uses).
$cred=Get-Credential admin@contoso.onmicrosoft.com
$sess=New-PSSession -ConfigurationName microsoft.exchange -Credential $cred -AllowRedirection -Authentication basic -ConnectionUri https://ps.outlook.com/powershell
Import-PSSession $sess
$cred = $null
## block 1
$rm="confrm1@contoso.onmicrosoft.com"
$newpass='pass@word1'
Set-Mailbox -Identity $rm  -EnableRoomMailboxAccount $true -RoomMailboxPassword (ConvertTo-SecureString $newpass -AsPlainText -Force)
## block 2
$rm="confrm2@contoso.onmicrosoft.com"
$newpass='pass@word1'
New-Mailbox -Name "Conf Room 2" -MicrosoftOnlineServicesID $rm -Room  -EnableRoomMailboxAccount $true -RoomMailboxPassword (ConvertTo-SecureString $newpass -AsPlainText -Force)
## end
# "Refer to steps 3 through 6 under Single forest on-premises deployments":
# the calendar steps of that page, for the new room.
Set-CalendarProcessing -Identity $rm -AutomateProcessing AutoAccept -AddOrganizerToSubject $false -DeleteSubject $false -RemovePrivateProperty $false
Set-CalendarProcessing -Identity $rm -AddAdditionalResponse $TRUE -AdditionalResponse "This is the Additional Response Text"
# "Now you can assign a Skype for Business Online license ... by using the
# Office 365 administrative portal": the portal's actions, as cmdlets.
Connect-MsolService -Credential (Get-Credential admin@contoso.onmicrosoft.com)
Set-MsolUser -UserPrincipalName confrm1@contoso.onmicrosoft.com -UsageLocation US
Set-MsolUserLicense -UserPrincipalName confrm1@contoso.onmicrosoft.com -AddLicenses contoso:MCOSTANDARD
Set-MsolUser -UserPrincipalName $rm -UsageLocation US
Set-MsolUserLicense -UserPrincipalName $rm -AddLicenses contoso:MCOSTANDARD
## block 3
Import-Module LyncOnlineConnector
$cssess=New-CsOnlineSession -Credential $cred
Import-PSSession $cssess -AllowClobber
## block 4
Enable-CsMeetingRoom -Identity $rm -RegistrarPool "sippoolbl20a04.infra.lync.com" -SipAddressType EmailAddress
## block 5
Get-CsOnlineUser -Identity 'alice@contoso.onmicrosoft.com'| fl *registrarpool*
## block 6
$cred=Get-Credential admin@$org
Connect-MsolService -Credential $cred
## block 7
Set-MsolUser -UserPrincipalName confrm1@skypelrs.onmicrosoft.com -PasswordNeverExpires $true
## end

# seed-demo.ps1 - "Provisioning Skype Room System accounts in Office 365",
# run against roomsys for both of the document's rooms: confrm1 (an existing
# room mailbox) and confrm2 (a new one). Safe to run again: steps whose result
# is already there are skipped or repeated harmlessly.
#
#   roomsys examples/seed-demo.ps1
#
# Credentials: Get-Credential prompts on a terminal; in scripts it reads the
# password from $env:ROOMSYS_PASSWORD_FILE (never from the command line).

$org = 'contoso.onmicrosoft.com'
$cred = Get-Credential "admin@$org"

Write-Host "-- Connect to Exchange Online PowerShell and to the directory"
Connect-ExchangeOnline -Credential $cred -ShowBanner:$false
Connect-MsolService -Credential $cred

Write-Host "-- What the document assumes already exists: the room mailbox confrm1 (no enabled account) and a licensed user alice"
if (-not (Get-Mailbox -Identity "confrm1@$org" -ErrorAction SilentlyContinue)) {
    $null = New-Mailbox -Name "Conf Room 1" -MicrosoftOnlineServicesID "confrm1@$org" -Room
}
if (-not (Get-MsolUser -UserPrincipalName "alice@$org" -ErrorAction SilentlyContinue)) {
    $null = New-MsolUser -UserPrincipalName "alice@$org" -DisplayName "Alice" -UsageLocation US -LicenseAssignment "contoso:ENTERPRISEPACK"
}

Write-Host "-- Exchange Online provisioning: enable the existing room's account"
$rm="confrm1@contoso.onmicrosoft.com"
$newpass='pass@word1'
Set-Mailbox -Identity $rm  -EnableRoomMailboxAccount $true -RoomMailboxPassword (ConvertTo-SecureString $newpass -AsPlainText -Force)

Write-Host "-- Exchange Online provisioning: create the new room"
$rm="confrm2@contoso.onmicrosoft.com"
$newpass='pass@word1'
if (-not (Get-Mailbox -Identity $rm -ErrorAction SilentlyContinue)) {
    New-Mailbox -Name "Conf Room 2" -MicrosoftOnlineServicesID $rm -Room  -EnableRoomMailboxAccount $true -RoomMailboxPassword (ConvertTo-SecureString $newpass -AsPlainText -Force)
}

foreach ($room in @("confrm1@$org", "confrm2@$org")) {
    Write-Host "-- $room : calendar processing (single-forest steps 3 and 5)"
    Set-CalendarProcessing -Identity $room -AutomateProcessing AutoAccept -AddOrganizerToSubject $false -DeleteSubject $false -RemovePrivateProperty $false -WarningAction SilentlyContinue
    Set-CalendarProcessing -Identity $room -AddAdditionalResponse $TRUE -AdditionalResponse "This is the Additional Response Text" -WarningAction SilentlyContinue

    Write-Host "-- $room : assign a Skype for Business Online (Plan 2) license"
    Set-MsolUser -UserPrincipalName $room -UsageLocation US
    if (-not (Get-MsolUser -UserPrincipalName $room).isLicensed) {
        Set-MsolUserLicense -UserPrincipalName $room -AddLicenses "contoso:MCOSTANDARD"
    }
}

Write-Host "-- Skype for Business Online provisioning"
Import-Module LyncOnlineConnector
$cssess=New-CsOnlineSession -Credential $cred
Import-PSSession $cssess -AllowClobber
Get-CsOnlineUser -Identity 'alice@contoso.onmicrosoft.com'| fl *registrarpool*
foreach ($room in @("confrm1@$org", "confrm2@$org")) {
    Enable-CsMeetingRoom -Identity $room -RegistrarPool "sippoolbl20a04.infra.lync.com" -SipAddressType EmailAddress
}

Write-Host "-- Password expiration: never, for both rooms"
foreach ($room in @("confrm1@$org", "confrm2@$org")) {
    Set-MsolUser -UserPrincipalName $room -PasswordNeverExpires $true
}

Write-Host "-- Validate"
Get-CsMeetingRoom | ft Identity,SipAddress,RegistrarPool,Enabled
Get-MsolUser -UserPrincipalName "confrm2@$org" | fl UserPrincipalName,isLicensed,Licenses,PasswordNeverExpires

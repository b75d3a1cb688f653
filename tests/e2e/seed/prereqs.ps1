# What the seed document assumes already exists in the tenant: the room
# mailbox confrm1 without an enabled account, and a licensed user alice.
$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred -ShowBanner:$false
Connect-MsolService -Credential $cred
New-Mailbox -Name "Conf Room 1" -MicrosoftOnlineServicesID confrm1@contoso.onmicrosoft.com -Room
New-MsolUser -UserPrincipalName alice@contoso.onmicrosoft.com -DisplayName "Alice" -UsageLocation US -LicenseAssignment contoso:ENTERPRISEPACK

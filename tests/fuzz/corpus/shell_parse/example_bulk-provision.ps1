# bulk-provision.ps1 - provision Skype Room System accounts from a CSV file
# (columns Name, Alias, Address, Password, Capacity, UsageLocation, License).
# Per row: New-Mailbox -Room with an enabled account, calendar processing,
# usage location, license, password never expires, Enable-CsMeetingRoom.
# Idempotent: a second run changes nothing and says so. Failures are reported
# per row at the end; the other rows go on.
#
#   roomsys examples/bulk-provision.ps1            (reads examples/rooms.csv)
param([string]$CsvPath = "examples/rooms.csv")

$cred = Get-Credential
Connect-ExchangeOnline -Credential $cred -ShowBanner:$false
Connect-MsolService -Credential $cred
Import-PSSession (New-CsOnlineSession -Credential $cred) -AllowClobber | Out-Null

$rows = @(Import-Csv $CsvPath)
$failures = @()
$changed = 0
$i = 0
foreach ($row in $rows) {
    $i++
    Write-Progress -Activity "Provisioning rooms" -Status $row.Address -PercentComplete ($i * 100 / $rows.Count)
    $step = "New-Mailbox"
    try {
        if (-not (Get-Mailbox -Identity $row.Address -ErrorAction SilentlyContinue)) {
            $pw = ConvertTo-SecureString $row.Password -AsPlainText -Force
            New-Mailbox -Name $row.Name -Alias $row.Alias -MicrosoftOnlineServicesID $row.Address -Room -EnableRoomMailboxAccount $true -RoomMailboxPassword $pw -ResourceCapacity ([int]$row.Capacity) -ErrorAction Stop | Out-Null
            $changed++
            Write-Host "Successfully created $($row.Address)"
        }
        $step = "Set-CalendarProcessing"
        Set-CalendarProcessing -Identity $row.Address -AutomateProcessing AutoAccept -AddOrganizerToSubject $false -DeleteComments $false -DeleteSubject $false -RemovePrivateProperty $false -ErrorAction Stop -WarningAction SilentlyContinue
        $step = "Set-MsolUser"
        $user = Get-MsolUser -UserPrincipalName $row.Address -ErrorAction Stop
        if ($user.UsageLocation -ne $row.UsageLocation -or -not $user.PasswordNeverExpires) {
            Set-MsolUser -UserPrincipalName $row.Address -UsageLocation $row.UsageLocation -PasswordNeverExpires $true -ErrorAction Stop
            $changed++
        }
        $step = "Set-MsolUserLicense"
        if ($user.Licenses -notcontains $row.License) {
            Set-MsolUserLicense -UserPrincipalName $row.Address -AddLicenses $row.License -ErrorAction Stop
            $changed++
            Write-Host "Successfully licensed $($row.Address) with $($row.License)"
        }
        $step = "Enable-CsMeetingRoom"
        $room = Get-CsMeetingRoom -Identity $row.Address -ErrorAction SilentlyContinue
        if (-not $room) {
            Enable-CsMeetingRoom -Identity $row.Address -SipAddressType EmailAddress -ErrorAction Stop
            $changed++
            Write-Host "Successfully enabled $($row.Address) for Skype for Business"
        }
    } catch {
        $failures += "$($row.Address): $step failed: $($_.Exception.Message)"
    }
}
Write-Progress -Activity "Provisioning rooms" -Completed
Write-Host "$($rows.Count) rows, $changed changes, $($failures.Count) failures"
if ($changed -eq 0 -and $failures.Count -eq 0) { Write-Host "Nothing to change: every room is already provisioned." }
foreach ($f in $failures) { Write-Warning $f }
if ($failures.Count -gt 0) { exit 1 }

# bulk-provision.ps1 - provision Skype Room System accounts from a CSV file
# (columns Name, Alias, Address, Password, Capacity, UsageLocation, License).
# Per row: New-Mailbox -Room with an enabled account, calendar processing,
# usage location, license, password never expires, Enable-CsMeetingRoom.
# Idempotent: a second run changes nothing and says so. Failures are reported
# per row at the end; the other rows go on.
#
# Rows are provisioned in parallel (PowerShell 7's ForEach-Object -Parallel):
# -ThrottleLimit rows at once, by default four per processor, so the server's
# workers always have a request waiting while other rows' answers wait for the
# disk sync, travel, or are read by the shell (bench/provision: 2 per processor
# left the cores idle 8 % of the time, 4 per processor about half that).
#
#   roomsys examples/bulk-provision.ps1                    (reads examples/rooms.csv)
#   roomsys examples/bulk-provision.ps1 -CsvPath big.csv -ThrottleLimit 8
param([string]$CsvPath = "examples/rooms.csv", [int]$ThrottleLimit = 4 * [Environment]::ProcessorCount)

$cred = Get-Credential
Connect-ExchangeOnline -Credential $cred -ShowBanner:$false
Connect-MsolService -Credential $cred
Import-PSSession (New-CsOnlineSession -Credential $cred) -AllowClobber | Out-Null

$rows = @(Import-Csv $CsvPath)
$total = $rows.Count
$work = for ($k = 0; $k -lt $total; $k++) { [pscustomobject]@{ N = $k + 1; Row = $rows[$k] } }

$results = @($work | ForEach-Object -ThrottleLimit $ThrottleLimit -Parallel {
    $row = $_.Row
    $changes = 0
    $failure = $null
    Write-Progress -Activity "Provisioning rooms" -Status $row.Address -PercentComplete ($_.N * 100 / $using:total)
    $step = "New-Mailbox"
    try {
        # The account first: looking it up by user name is cheap whether or not
        # it exists (a mailbox lookup that finds nothing also searches display names).
        $user = Get-MsolUser -UserPrincipalName $row.Address -ErrorAction SilentlyContinue
        $created = $false
        if (-not $user -or -not (Get-Mailbox -Identity $row.Address -ErrorAction SilentlyContinue)) {
            $pw = ConvertTo-SecureString $row.Password -AsPlainText -Force
            New-Mailbox -Name $row.Name -Alias $row.Alias -MicrosoftOnlineServicesID $row.Address -Room -EnableRoomMailboxAccount $true -RoomMailboxPassword $pw -ResourceCapacity ([int]$row.Capacity) -ErrorAction Stop | Out-Null
            $created = $true
            $changes++
            Write-Host "Successfully created $($row.Address)"
        }
        $step = "Set-CalendarProcessing"
        Set-CalendarProcessing -Identity $row.Address -AutomateProcessing AutoAccept -AddOrganizerToSubject $false -DeleteComments $false -DeleteSubject $false -RemovePrivateProperty $false -ErrorAction Stop -WarningAction SilentlyContinue
        # A mailbox created just now has no usage location, license or meeting
        # room yet: only existing ones need to be looked at.
        $step = "Set-MsolUser"
        if ($created -or $user.UsageLocation -ne $row.UsageLocation -or -not $user.PasswordNeverExpires) {
            Set-MsolUser -UserPrincipalName $row.Address -UsageLocation $row.UsageLocation -PasswordNeverExpires $true -ErrorAction Stop
            $changes++
        }
        $step = "Set-MsolUserLicense"
        if ($created -or $user.Licenses.AccountSkuId -notcontains $row.License) {
            Set-MsolUserLicense -UserPrincipalName $row.Address -AddLicenses $row.License -ErrorAction Stop
            $changes++
            Write-Host "Successfully licensed $($row.Address) with $($row.License)"
        }
        $step = "Enable-CsMeetingRoom"
        $room = if ($created) { $null } else { Get-CsMeetingRoom -Identity $row.Address -ErrorAction SilentlyContinue }
        if (-not $room) {
            Enable-CsMeetingRoom -Identity $row.Address -SipAddressType EmailAddress -ErrorAction Stop
            $changes++
            Write-Host "Successfully enabled $($row.Address) for Skype for Business"
        }
    } catch {
        $failure = "$($row.Address): $step failed: $($_.Exception.Message)"
    }
    [pscustomobject]@{ N = $_.N; Changes = $changes; Failure = $failure }
})
Write-Progress -Activity "Provisioning rooms" -Completed

$changed = 0
foreach ($r in $results) { $changed += $r.Changes }
$failures = @($results | Where-Object { $_.Failure } | Sort-Object N | ForEach-Object { $_.Failure })
Write-Host "$total rows, $changed changes, $($failures.Count) failures"
if ($changed -eq 0 -and $failures.Count -eq 0) { Write-Host "Nothing to change: every room is already provisioned." }
foreach ($f in $failures) { Write-Warning $f }
if ($failures.Count -gt 0) { exit 1 }

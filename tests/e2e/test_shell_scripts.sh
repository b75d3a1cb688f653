#!/bin/bash
# Admin scripts through the shell against a real daemon: the SRS v2 flow
# (spec/cmdlets.md §11.4) with the pool read from Get-CsOnlineUser, written
# the way admins write it (a helper library dot-sourced, a script file taking
# the rooms down the pipeline with begin/process/end, StringBuilder report,
# Get-Member on server objects, Compare-Object / Tee-Object / Select-String on
# server output, Export-Csv -Append, [DateTimeOffset] timing).
. "$(dirname "$0")/lib.sh"
start_daemon || exit 1
mkdir -p "$WORK/scripts"
cat > "$WORK/scripts/lib.ps1" <<'PS'
function Connect-All {
    param([pscredential]$Credential)
    Connect-ExchangeOnline -Credential $Credential -ShowBanner:$false
    Connect-MsolService -Credential $Credential
    Import-PSSession (New-CsOnlineSession -Credential $Credential) -AllowClobber | Out-Null
}
PS
cat > "$WORK/scripts/provision.ps1" <<'PS'
[CmdletBinding()]
param(
    [Parameter(ValueFromPipeline)] $Room,
    [string]$Pool
)
begin {
    $done = [System.Collections.Generic.List[string]]::new()
    $started = [DateTimeOffset]::UtcNow
}
process {
    $upn = "$($Room.Alias)@contoso.onmicrosoft.com"
    $pw = ConvertTo-SecureString $Room.Password -AsPlainText -Force
    New-Mailbox -MicrosoftOnlineServicesID $upn -Alias $Room.Alias -Name $Room.Name -Room -EnableRoomMailboxAccount $true -RoomMailboxPassword $pw | Out-Null
    Set-CalendarProcessing -Identity $upn -AutomateProcessing AutoAccept -AddOrganizerToSubject $false -AllowConflicts $false -DeleteComments $false -DeleteSubject $false -RemovePrivateProperty $false
    Set-CalendarProcessing -Identity $upn -AddAdditionalResponse $true -AdditionalResponse "This is a Skype Meeting room!"
    Set-MsolUser -UserPrincipalName $upn -PasswordNeverExpires $true -UsageLocation "US"
    Set-MsolUserLicense -UserPrincipalName $upn -AddLicenses 'contoso:MCOSTANDARD'
    Enable-CsMeetingRoom -Identity $upn -RegistrarPool $Pool -SipAddressType EmailAddress
    $done.Add($upn)
}
end {
    $secs = ([DateTimeOffset]::UtcNow - $started).TotalSeconds
    "provisioned $($done.Count) rooms; timing ok: $($secs -ge 0)"
    if ($done.Count -ne 2) { exit 3 }
}
PS
cat > "$WORK/scripts/main.ps1" <<'PS'
. "$PSScriptRoot\lib.ps1"
Connect-All -Credential (Get-Credential admin@contoso.onmicrosoft.com)
$pool = Get-CsOnlineUser -Identity admin@contoso.onmicrosoft.com | Select -Expand RegistrarPool
$rooms = @(
    [pscustomobject]@{ Name = 'Rigel 01'; Alias = 'rigel01'; Password = 'Rigel-Pass!01' }
    [pscustomobject]@{ Name = 'Rigel 02'; Alias = 'rigel02'; Password = 'Rigel-Pass!02' }
)
$rooms | & "$PSScriptRoot/provision.ps1" -Pool $pool
"provision ok: $?"
Get-Mailbox -Identity rigel01@contoso.onmicrosoft.com | Get-Member -MemberType Property -Name Alias, RoomMailboxAccountEnabled
Get-MsolUser -UserPrincipalName rigel01@contoso.onmicrosoft.com | Get-Member -Name isLicensed
$all = Get-Mailbox -RecipientTypeDetails RoomMailbox | Sort-Object Alias | Tee-Object -Variable seen | ForEach-Object Alias
"tee: $($seen.Count) $($all -join ',')"
Compare-Object @($all) @('rigel01', 'rigel03') | ForEach-Object { "diff $($_.InputObject) $($_.SideIndicator)" }
$sb = [System.Text.StringBuilder]::new()
foreach ($m in $seen) { [void]$sb.AppendFormat('{0};{1}', $m.Alias, (Get-CsMeetingRoom -Identity $m.UserPrincipalName).Enabled).AppendLine() }
$sb.ToString() -split "`n" | Select-String 'rigel02' | ForEach-Object { "sls: $($_.Line.Trim())" }
$csv = Join-Path $PSScriptRoot 'rooms.csv'
Get-MsolUser -UserPrincipalName rigel01@contoso.onmicrosoft.com | Select-Object UserPrincipalName, isLicensed | Export-Csv $csv -NoTypeInformation -Append
Get-MsolUser -UserPrincipalName rigel02@contoso.onmicrosoft.com | Select-Object UserPrincipalName, isLicensed | Export-Csv $csv -NoTypeInformation -Append
"csv lines: $((Get-Content $csv).Count)"
Test-RoomSystemAccount -Identity rigel02@contoso.onmicrosoft.com
PS
"$ROOMSYS" "$WORK/scripts/main.ps1" >"$WORK/main.out" 2>"$WORK/main.err"
RS_RC=$?
cat "$WORK/main.out" "$WORK/main.err"
check "the admin script exits 0" test "$RS_RC" -eq 0
check "nothing on the error stream" test ! -s "$WORK/main.err"
contains "a script file took the rooms down the pipeline (begin/process/end)" "$WORK/main.out" "provisioned 2 rooms; timing ok: True"
contains "the script file succeeded (\$?)" "$WORK/main.out" "provision ok: True"
contains "Get-Member names a server object as deserialized" "$WORK/main.out" "   TypeName: Deserialized.Microsoft.Exchange.Data.Directory.Management.Mailbox"
contains "Get-Member lists its properties" "$WORK/main.out" "RoomMailboxAccountEnabled Property   System.Boolean {get;set;}"
contains "MSOnline's user is a live object" "$WORK/main.out" "isLicensed Property   bool isLicensed {get;set;}"
contains "Tee-Object kept the mailboxes" "$WORK/main.out" "tee: 2 rigel01,rigel02"
contains "Compare-Object: only in the difference" "$WORK/main.out" "diff rigel03 =>"
contains "Compare-Object: only in the reference" "$WORK/main.out" "diff rigel02 <="
contains "StringBuilder report searched with Select-String" "$WORK/main.out" "sls: rigel02;True"
contains "Export-Csv -Append wrote one header" "$WORK/main.out" "csv lines: 3"
contains "the room validates" "$WORK/main.out" "0 failures"
finish

#!/bin/bash
# Directory -> Skype for Business sync (issue 5 item 7): with a lag, SfB
# cmdlets answer "Management object not found" until the change is synced;
# Get-RoomSystemSyncStatus shows the lag, the pending changes and the last sync;
# kill -9 while changes are pending or being applied loses and duplicates
# nothing.
. "$(dirname "$0")/lib.sh"
SYNC_LAG=3
write_config
start_daemon || exit 1
rs lagged <<'PS'
$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred
Import-PSSession (New-CsOnlineSession -Credential $cred) -AllowClobber | Out-Null
New-Mailbox -Name "Conf Room 6" -MicrosoftOnlineServicesID confrm6@contoso.onmicrosoft.com -Room -EnableRoomMailboxAccount $true -RoomMailboxPassword (ConvertTo-SecureString 'pass@word1' -AsPlainText -Force) | Out-Null
$s = Get-RoomSystemSyncStatus
"before: $($s.State) $($s.PendingChanges) lag=$($s.LagSeconds) next=$($s.NextChangeInSeconds)"
Get-CsOnlineUser -Identity confrm6@contoso.onmicrosoft.com
Start-Sleep -Seconds 4
$s = Get-RoomSystemSyncStatus
"after: $($s.State) $($s.PendingChanges) synced=$($s.LastSyncTime -ne $null)"
(Get-CsOnlineUser -Identity confrm6@contoso.onmicrosoft.com).UserPrincipalName
PS
contains "pending during the lag" "$WORK/lagged.out" "before: Pending "
contains "... with the lag and when the next change is due" "$WORK/lagged.out" " lag=3 next=3"
contains "SfB does not know the room yet" "$WORK/lagged.err" "Management object not found for identity"
contains "in sync after the lag" "$WORK/lagged.out" "after: InSync 0 synced=True"
contains "... and SfB knows the room" "$WORK/lagged.out" "confrm6@contoso.onmicrosoft.com"

# 30 users pending, kill -9 just as they fall due, restart: each arrives once
rs bulk <<'PS'
$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-MsolService -Credential $cred
1..30 | ForEach-Object { New-MsolUser -UserPrincipalName "sync$_@contoso.onmicrosoft.com" -DisplayName "Sync $_" | Out-Null }
PS
check "30 users created" test "$RS_RC" -eq 0
sleep 2.9
kill -KILL "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null; DAEMON_PID=""
start_daemon || exit 1
sleep 3.5
rs count <<'PS'
$cred = Get-Credential admin@contoso.onmicrosoft.com
Import-PSSession (New-CsOnlineSession -Credential $cred) -AllowClobber | Out-Null
$u = Get-CsOnlineUser | Where-Object UserPrincipalName -like 'sync*'
"synced: $($u.Count) distinct: $(($u.UserPrincipalName | Sort-Object -Unique).Count)"
"state: " + (Get-RoomSystemSyncStatus).State
PS
contains "after kill -9 every change arrived exactly once" "$WORK/count.out" "synced: 30 distinct: 30"
contains "... and the feed is drained" "$WORK/count.out" "state: InSync"
finish

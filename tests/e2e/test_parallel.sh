#!/bin/bash
# ForEach-Object -Parallel against a real daemon (src/shell/parallel.c): the
# caller's imported sessions work in every runspace, $using: values arrive,
# one iteration's server error is reported without stopping the others, and a
# session opened inside a runspace works too.
. "$(dirname "$0")/lib.sh"
start_daemon || exit 1
rs par <<'PS'
$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred -ShowBanner:$false
$pwtext = 'Par-Room1!pass'
$out = @(1..6 | ForEach-Object -ThrottleLimit 3 -Parallel {
    $pw = ConvertTo-SecureString $using:pwtext -AsPlainText -Force
    $n = if ($_ -eq 4) { 2 } else { $_ }
    New-Mailbox -Name "Par Room $n" -MicrosoftOnlineServicesID "parroom$n@contoso.onmicrosoft.com" -Room -EnableRoomMailboxAccount $true -RoomMailboxPassword $pw | Out-Null
    "made $n"
})
"outputs: $($out.Count)"
$names = @(Get-Mailbox -RecipientTypeDetails RoomMailbox -ResultSize Unlimited | Where-Object { $_.Name -like 'Par Room *' } | ForEach-Object { $_.Name } | Sort-Object)
"rooms: $($names -join ',')"
$seen = @(7 | ForEach-Object -Parallel {
    Connect-ExchangeOnline -Credential $using:cred -ShowBanner:$false
    (Get-Mailbox -Identity parroom1@contoso.onmicrosoft.com).Name
})
"inner session: $seen"
PS
cat "$WORK/par.out" "$WORK/par.err"
check "an iteration's error makes the exit status 1" test "$RS_RC" -eq 1
contains "every iteration ran to its end (the error is non-terminating)" "$WORK/par.out" "outputs: 6"
contains "every distinct room was created through the caller's session" "$WORK/par.out" "rooms: Par Room 1,Par Room 2,Par Room 3,Par Room 5,Par Room 6"
contains "the duplicate is reported as New-Mailbox's error" "$WORK/par.err" "already being used by the proxy addresses or LegacyExchangeDN of \"Par Room 2\""
contains "a session opened in a runspace with a \$using: credential works" "$WORK/par.out" "inner session: Par Room 1"
finish

# The Confirm prompt's [S] Suspend (cmdlets_suspend.in answers S, then N,
# then S and Y): PowerShell would enter a nested prompt and ask again after
# "exit"; roomsys has none, says so, and asks the same question again.
$dir = $env:TESTDIR
'first' | Set-Content "$dir/s.txt" -Confirm
"exists: $(Test-Path "$dir/s.txt")"
'second' | Set-Content "$dir/s.txt" -Confirm
Get-Content "$dir/s.txt"

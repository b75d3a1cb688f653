# Non-terminating errors: shown and the script goes on; -ErrorAction
# (SilentlyContinue, Ignore, Stop, Continue) and $ErrorActionPreference;
# -ErrorVariable; $Error (newest first) and $?; errors inside a pipeline let
# the other objects through; 2>$null hides them. Exit status 1 because some
# errors were shown. Write-Error in a function names the function and points
# at its call, as PowerShell's InvocationInfo does.
Write-Error 'Room LRS01 not found'
'after the first error'
function Add-Room { param($Name) Write-Error "Room $Name exists" ; "Add-Room went on" }
Add-Room -Name 'LRS02'
Write-Error 'hidden' -ErrorAction SilentlyContinue
"last error: $($Error[0].Exception.Message)"
Write-Error 'ignored' -ErrorAction Ignore
"still the last: $($Error[0].Exception.Message)"
Write-Error 'collected' -ErrorAction SilentlyContinue -ErrorVariable roomErrors
"collected: $($roomErrors.Count) $($roomErrors[0])"
try { Write-Error 'made terminating' -ErrorAction Stop } catch { "caught: $($_.Exception.Message)" }
$ErrorActionPreference = 'Stop'
try { Write-Error 'by preference' } catch { "preference: $($_.Exception.Message)" }
$ErrorActionPreference = 'SilentlyContinue'
Write-Error 'silent by preference'
$ErrorActionPreference = 'Continue'
Write-Error 'quiet' 2>$null
Get-Content 'no-such-file.txt' -ErrorAction SilentlyContinue
"ok: $?"
'a', 'b', 'c' | ForEach-Object { if ($_ -eq 'b') { Write-Error "bad item $_" } else { "good $_" } }
Import-Module NoSuchModule -ErrorAction SilentlyContinue -ErrorVariable +roomErrors
"collected now: $($roomErrors.Count)"

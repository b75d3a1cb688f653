# -WhatIf and -Confirm on the local cmdlets that write files, answered from
# standard input (cmdlets_shouldprocess.in): PowerShell's "What if:" line,
# the Confirm prompt (Y, N, ? then Y, Enter for the default), -Confirm:$false,
# $WhatIfPreference, and -WhatIf refused where nothing changes.
$dir = $env:TESTDIR
'a' | Set-Content "$dir/one.txt" -WhatIf
"exists: $(@(Get-Content "$dir/one.txt" -ErrorAction SilentlyContinue).Count -gt 0)"
'yes' | Set-Content "$dir/one.txt" -Confirm
'no' | Set-Content "$dir/one.txt" -Confirm
Get-Content "$dir/one.txt"
'helped' | Set-Content "$dir/one.txt" -Confirm
Get-Content "$dir/one.txt"
'default' | Set-Content "$dir/one.txt" -Confirm
Get-Content "$dir/one.txt"
'quiet' | Set-Content "$dir/one.txt" -Confirm:$false
Get-Content "$dir/one.txt"
$WhatIfPreference = $true
'x' | Out-File "$dir/two.txt"
$WhatIfPreference = $false
"two exists: $(@(Get-Content "$dir/two.txt" -ErrorAction SilentlyContinue).Count -gt 0)"
Get-Content "$dir/one.txt" -WhatIf

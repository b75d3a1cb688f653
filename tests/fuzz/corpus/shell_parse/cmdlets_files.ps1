# Files: Import-Csv, Export-Csv (PowerShell 7 quotes every field, no #TYPE
# line; -Append, -Delimiter), Get-Content (lines, -Raw), Set-Content,
# Out-File (formatted as on the console, -Append), and -WhatIf on the cmdlets
# that write (nothing is written). $env:TESTDIR is a fresh folder.
$dir = $env:TESTDIR
$rooms = Import-Csv rooms.csv
$rooms.Count
$rooms[1].UPN
$rooms | Select-Object Name, Capacity | Export-Csv "$dir/out.csv"
Get-Content "$dir/out.csv"
[pscustomobject]@{ Name = 'Lobby "A"'; Capacity = 2 } | Export-Csv "$dir/out.csv" -Append
(Get-Content "$dir/out.csv")[-1]
$back = Import-Csv "$dir/out.csv"
"$($back.Count) rows, last: $($back[-1].Name)"
$rooms | Select-Object Name, Building -First 1 | Export-Csv "$dir/semi.csv" -Delimiter ';'
Get-Content "$dir/semi.csv"
'line one', 'line two' | Set-Content "$dir/notes.txt"
Get-Content "$dir/notes.txt"
(Get-Content "$dir/notes.txt").Count
Set-Content -Path "$dir/notes.txt" -Value 'replaced'
Get-Content "$dir/notes.txt" -Raw
$rooms | Select-Object Name, Capacity -First 2 | Out-File "$dir/table.txt"
'appended' | Out-File "$dir/table.txt" -Append
Get-Content "$dir/table.txt"
'x' | Set-Content "$dir/whatif.txt" -WhatIf
$rooms | Export-Csv "$dir/whatif.csv" -WhatIf
'x' | Out-File "$dir/whatif.out" -WhatIf
Get-Content "$dir/whatif.txt" -ErrorAction SilentlyContinue
"written: $((Get-Content "$dir/table.txt").Count) lines"

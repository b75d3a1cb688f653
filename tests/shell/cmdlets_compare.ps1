# Tee-Object (-Variable, -FilePath, -Append), Compare-Object (order:
# == and => in the difference's order, then <=; -Property, -IncludeEqual,
# -ExcludeDifferent, -PassThru, -CaseSensitive) and Select-String (strings
# and files, -SimpleMatch, -NotMatch, -Quiet, -List, -CaseSensitive).
$names = 'Alpha', 'Beta', 'Gamma' | Tee-Object -Variable teed | ForEach-Object { $_.ToUpper() }
"$names / $teed"
$log = Join-Path $env:TESTDIR 'tee.txt'
'one', 'two' | Tee-Object -FilePath $log | Out-Null
'three' | Tee-Object -FilePath $log -Append
Get-Content $log
Compare-Object @(1, 2, 3) @(2, 3, 4)
Compare-Object -ReferenceObject 'a', 'b' -DifferenceObject 'B', 'c' -IncludeEqual
Compare-Object 'a', 'b' 'B', 'c' -CaseSensitive | ForEach-Object { "$($_.InputObject)$($_.SideIndicator)" }
Compare-Object 1, 2 2, 3 -ExcludeDifferent | ForEach-Object SideIndicator
$old = Import-Csv rooms.csv
$new = @($old | Select-Object -Skip 1) + [pscustomobject]@{ Name = 'NewRoom'; Building = 'West' }
Compare-Object $old $new -Property Name | ForEach-Object { "$($_.Name) $($_.SideIndicator)" }
(Compare-Object $old $new -Property Name -PassThru | Where-Object SideIndicator -EQ '=>').Building
'alpha room', 'beta', 'Room 3' | Select-String 'room'
'alpha room', 'beta', 'Room 3' | Select-String 'room' -CaseSensitive
'a.b', 'axb' | Select-String -SimpleMatch '.'
'one', 'two' | Select-String 'o$' -NotMatch
'one', 'two' | Select-String 'zzz' -Quiet
Select-String -Path rooms.csv -Pattern 'South' | ForEach-Object { "$($_.LineNumber): $($_.Line)" }
Select-String -Path rooms.csv -Pattern 'South' -List
(Select-String -Path rooms.csv -Pattern 'North').Count
'x' | Select-String '('
Select-String -Path missing.csv -Pattern x
'x' | Tee-Object

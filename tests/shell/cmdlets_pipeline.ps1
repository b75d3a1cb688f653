# ForEach-Object (script block, -Begin/-Process/-End, member name), Where-Object
# (script block, the simplified "Property -op Value" form, $PSItem),
# Sort-Object (property, -Descending, -Unique, script block, numbers vs
# strings), Group-Object, Measure-Object (count, -Sum/-Average/-Maximum/-Minimum),
# streaming.
$rooms = Import-Csv rooms.csv
$rooms | ForEach-Object { "$($_.Name) in $($_.Building)" }
1..3 | ForEach-Object -Begin { 'start' } -Process { $_ * 10 } -End { 'end' }
$rooms | ForEach-Object Building
$rooms | Where-Object { [int]$_.Capacity -ge 10 } | ForEach-Object Name
$rooms | Where-Object Building -eq 'south' | ForEach-Object Name
$rooms | Where-Object Name -like '*Room*' | ForEach-Object Name
$rooms | Where-Object { $PSItem.UPN -match '^huddle' } | ForEach-Object UPN
$rooms | Sort-Object Name | ForEach-Object Name
$rooms | Sort-Object { [int]$_.Capacity } -Descending | ForEach-Object Capacity
10, 9, 100 | Sort-Object
'10', '9', '100' | Sort-Object
'b', 'a', 'c', 'a' | Sort-Object -Unique
$rooms | Group-Object Building | ForEach-Object { "$($_.Name): $($_.Count) ($($_.Group.Name -join ', '))" }
$byCap = $rooms | Group-Object { [int]$_.Capacity -ge 10 }
$byCap.Count
$byCap[0].Name
($rooms | Measure-Object).Count
$m = $rooms | Measure-Object -Property Capacity -Sum -Average -Maximum -Minimum
"$($m.Count) $($m.Sum) $($m.Average) $($m.Maximum) $($m.Minimum)"
(1..4 | Measure-Object -Sum).Sum
# Objects stream through ForEach-Object, Where-Object and Select-Object one
# at a time: side effects interleave in PowerShell's order, and
# Select-Object -First stops the commands before it (3, 4 and 5 never run).
1..5 | ForEach-Object { Write-Host "making $_"; $_ } | Where-Object { $_ % 2 } | Select-Object -First 2
$made = 0
$firstTwo = $rooms | ForEach-Object { $made++; $_ } | Select-Object -First 2 -ExpandProperty Name
"$($firstTwo -join ', '): $made made"

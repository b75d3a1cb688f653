# Group-Object: GroupInfo (Count, Name, Group, Values), -NoElement,
# -AsHashTable, several properties, script blocks, no property.
$rooms = Import-Csv rooms.csv
$g = $rooms | Group-Object Building
$g
$g[0].Values
$g.Count
$g[0] | Format-List Count, Name, Values
'a', 'b', 'A', 'c', 'a' | Group-Object
'a', 'b', 'A', 'c', 'a' | Group-Object -CaseSensitive | ForEach-Object { "$($_.Name)=$($_.Count)" }
$rooms | Group-Object Building -NoElement | Out-Default
$two = $rooms | Group-Object Building, { [int]$_.Capacity -ge 10 }
$two | ForEach-Object { "$($_.Name) | $($_.Values[0]) | $($_.Values[1]) | $($_.Count)" }
$h = $rooms | Group-Object Building -AsHashTable
$h.GetType().Name
$h.Keys | Sort-Object
$h['North'].Name -join ','
(1..7 | Group-Object { $_ % 3 } | Sort-Object Name).Name -join ' '

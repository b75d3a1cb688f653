# Idioms of admin scripts: -f with numbers, dates and alignment, list types,
# hashtable lookups, filters and sorts in their various spellings, and
# Out-GridView refused clearly.
"{0,-10}|{1,5}|{2:N2}|{3:D4}|{4:P1}|{5:X}|{6:C}|{7:C}" -f 'ab', 42, 1234.5678, 7, 0.256, 255, 12.5, -3
"{0:yyyy-MM-dd} {0:HH:mm} {1}" -f [datetime]"2024-03-04 05:06:07", [datetime]"2024-03-04 17:00"
"{0}" -f (New-TimeSpan -Minutes 75)
$list = [System.Collections.ArrayList]@('a')
[void]$list.Add('b')
"$($list.Count) $($list -join ',')"
$names = [System.Collections.Generic.List[string]]::new()
[void]$names.Add('x')
$names.Count
$h = @{ North = 2; South = 3 }
"$($h.ContainsKey('North')) $($h.ContainsValue(3)) $($h.ContainsValue(9))"
$rooms = Import-Csv rooms.csv
($rooms | Where-Object -Property Building -EQ -Value South).Name -join ','
($rooms | Where-Object Capacity -GT 10 | ForEach-Object Name) -join ','
$rooms | Sort-Object Building, @{ Expression = { [int]$_.Capacity }; Descending = $true } |
    ForEach-Object { "$($_.Building) $($_.Capacity)" }
$rooms | Select-Object Name, @{ N = 'Seats'; E = { [int]$_.Capacity * 2 } } -First 2
2, 4, 4, 4, 5, 5, 7, 9 | Measure-Object -AllStats | Format-List
($rooms | Measure-Object -Property Capacity -Sum -StandardDeviation).StandardDeviation
$sw = [System.Diagnostics.Stopwatch]::StartNew()
$sw.IsRunning
$sw.Stop()
$frozen = $sw.Elapsed.Ticks
"$($sw.IsRunning) $($sw.Elapsed.Ticks -eq $frozen) $($sw.ElapsedMilliseconds -ge 0) $($sw.Elapsed.GetType().Name)"
$sw.Restart(); $sw.IsRunning
$rooms | Out-GridView -Title Rooms
'after'

# [System.Text.StringBuilder]: its methods return the builder, so a bare
# Append outputs it (PowerShell shows Capacity, MaxCapacity and Length);
# [void], $null = and Out-Null swallow it. "$sb" and ToString() give the text.
$sb = New-Object System.Text.StringBuilder
$sb.Append('Hello')
[void]$sb.Append(', ').Append('world')
$null = $sb.AppendLine('!')
$sb.AppendFormat('{0}-{1:D3}', 'room', 7) | Out-Null
$sb.ToString()
"length $($sb.Length), capacity $($sb.Capacity)"
$sb.Insert(0, '>> ').Replace('world', 'there').Remove(0, 3) | Out-Null
"$sb"
$sb.Length = 5
$sb.Length -= 1
$sb.ToString()
$sb.Clear().Length
$lines = [System.Text.StringBuilder]::new()
foreach ($room in 'Alpha', 'Beta') { [void]$lines.AppendLine("Room: $room") }
$lines.ToString().Trim()
$b2 = [System.Text.StringBuilder]::new('abc')
$b2.ToString(1, 2)
[Text.StringBuilder]::new(100).Capacity
(New-Object System.Text.StringBuilder(200)).Capacity
(New-Object System.Text.StringBuilder -ArgumentList 'seed').ToString()
$b2 | Format-List
$b2.Remove(2, 5)
$b2.Append()
$b2.Frobnicate()
$b2.Length = 10

# Hashtables: @{}, member and index access (case-insensitive keys), adding
# and removing keys, nesting, [ordered] (keeps insertion order), iteration,
# the Name/Value display, and [pscustomobject] from a hashtable.
$h = @{ Name = 'Room 1'; Capacity = 8 }
$h.Name
$h['capacity']
$h.Count
$null -eq $h.Missing
$h.Floor = 3
$h['Wing'] = 'B'
$h.Count
$h.ContainsKey('FLOOR')
$h.Remove('Wing')
$h.Count
$h.Keys | Sort-Object
$n = @{ Sub = @{ Deep = 'd' } }
$n.Sub.Deep
$n.Sub.Deep2 = 'e'
$n['Sub']['Deep2']
$o = [ordered]@{ z = 1; a = 2; m = 3 }
$o.Keys -join ','
$o.Values -join ','
foreach ($k in $o.Keys) { "$k=$($o[$k])" }
$o
[pscustomobject]$o
$empty = @{}
$empty.Count

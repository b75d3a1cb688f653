# ConvertTo-Json (PowerShell 7 layout: two-space indent, "key": value;
# -Compress; arrays of objects; scalars) and ConvertFrom-Json (objects,
# arrays, nesting, numbers and booleans), and a round trip.
$room = [pscustomobject]@{ Name = 'Conf Room 1'; Seats = 8; Enabled = $true; Tags = @('av', 'phone'); Notes = $null }
$room | ConvertTo-Json
$room | ConvertTo-Json -Compress
@([pscustomobject]@{ a = 1 }, [pscustomobject]@{ a = 2 }) | ConvertTo-Json
'plain "text"' | ConvertTo-Json
42 | ConvertTo-Json
@{ Pool = 'sippool1' } | ConvertTo-Json -Compress
$j = '{"Name":"Board Room","Seats":20,"Enabled":false,"Tags":["x","y"],"Owner":{"Upn":"admin@contoso.com"}}' | ConvertFrom-Json
$j.Name
$j.Seats + 1
$j.Enabled
$j.Tags.Count
$j.Owner.Upn
$list = '[{"n":1},{"n":2},{"n":3}]' | ConvertFrom-Json
$list.Count
($list | ForEach-Object n) -join ','
$back = $room | ConvertTo-Json | ConvertFrom-Json
"$($back.Name) $($back.Seats) $($back.Tags[1])"

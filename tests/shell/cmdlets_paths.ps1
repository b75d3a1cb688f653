# Test-Path, Join-Path and Split-Path on the file system.
$dir = $env:TESTDIR
Test-Path rooms.csv
Test-Path rooms.csv -PathType Leaf
Test-Path rooms.csv -PathType Container
Test-Path $dir -PathType Container
Test-Path "$dir/missing.txt"
Test-Path *.csv
'rooms.csv', 'nope.csv' | Test-Path
if (-not (Test-Path "$dir/out.txt")) { 'x' | Set-Content "$dir/out.txt" }
Test-Path "$dir/out.txt"
Join-Path /var/lib roomsys
Join-Path /var/lib/ /roomsys/
Join-Path a b -AdditionalChildPath c, d
Join-Path -Path a, b -ChildPath rooms.csv
(Join-Path $dir out.txt) -eq "$dir/out.txt"
Split-Path /srv/data/rooms.csv
Split-Path /srv/data/rooms.csv -Leaf
Split-Path /srv/data/rooms.tar.gz -LeafBase
Split-Path /srv/data/rooms.csv -Extension
Split-Path rooms.csv
Split-Path /rooms.csv
Split-Path /srv/data/ -Leaf
Split-Path /srv/data -IsAbsolute
Split-Path data/rooms.csv -IsAbsolute
Get-Content (Join-Path $dir out.txt)

# Control flow: if/elseif/else (also as a value), foreach, for, while,
# do/while, do/until, switch (values, several matches, -wildcard, script
# block conditions, arrays, break, default), break and continue.
$n = 15
if ($n -lt 10) { 'small' } elseif ($n -lt 20) { 'medium' } else { 'large' }
if ($null) { 'never' } else { 'null is false' }
if (@()) { 'never' } else { 'empty array is false' }
if ('0') { "'0' is true" }
$size = if ($n -gt 10) { 'big' } else { 'little' }
$size
foreach ($room in 'A', 'B', 'C') {
    if ($room -eq 'B') { continue }
    "room $room"
}
foreach ($i in 1..10) {
    if ($i -gt 3) { break }
    "i=$i"
}
for ($i = 0; $i -lt 6; $i += 2) { "for $i" }
$k = 3
while ($k -gt 0) { "while $k"; $k-- }
$k = 0
do { "do $k"; $k++ } while ($k -lt 2)
do { "until $k"; $k++ } until ($k -ge 4)
$total = 0
foreach ($x in 1..5) { $total += $x }
"total $total"
switch (2) {
    1 { 'one' }
    2 { 'two' }
    2 { 'two again' }
    default { 'other' }
}
switch (7) { 1 { 'one' } default { 'default' } }
switch ('Conf Room') {
    'conf room' { 'case-insensitive' }
}
switch -wildcard ('LRS-01') {
    'LRS*' { 'wildcard'; break }
    '*01' { 'not reached after break' }
}
switch (1, 2, 3) {
    { $_ -ge 2 } { "big $_" }
}
foreach ($outer in 1..2) {
    foreach ($inner in 1..3) {
        if ($inner -eq 2) { break }
        "$outer.$inner"
    }
}

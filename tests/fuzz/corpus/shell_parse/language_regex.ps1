# Regular expressions (-match, -notmatch, -cmatch, -replace, -split, switch
# -regex): case-insensitive by default, \d \w \s \b and their negations,
# (?i), anchors, alternation, $Matches with numbered and named groups.
'Room 42' -match '\d+'
$Matches[0]
'Room 42' -match '^room \d{2}$'
'Room 42' -cmatch '^room'
'Room 42' -notmatch '\s'
'conf_room-1' -match '^\w+-\d$'
'a b' -match '\S\s\S'
'abc' -match 'b\b'
'ab c' -match 'b\b'
'ROOM' -match '(?i)room'
'LRS01@contoso.com' -match '^(?<name>[^@]+)@(?<domain>.+)$'
$Matches.name
$Matches.domain
$Matches[0]
'2024-06-01' -match '(\d+)-(\d+)-(\d+)'
"$($Matches[3]).$($Matches[2]).$($Matches[1])"
'cat|dog' -match 'dog|bird'
'sippool1.infra.lync.com' -replace '^sippool(\d+)\..*$', 'pool $1'
'Room   42' -replace '\s+', ' '
'a1b22c333' -split '\d+' -join ','
switch -regex ('LRS01@contoso.com') {
    '^LRS\d+' { 'a room system' }
    '@contoso' { 'in contoso' }
}
$rooms = 'Room 1', 'Lobby', 'Room 12'
$rooms -match '^Room \d+$'
# .NET syntax that POSIX regular expressions cannot honour is refused, not
# silently matched differently (docs/internals/shell.md lists the limits;
# this line is roomsys's own error text).
'aa' -match 'a+?'

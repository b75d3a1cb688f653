# Operators: comparison (case-insensitive by default, c-prefixed forms
# case-sensitive, i-prefixed explicit), wildcards, containment, logical,
# arithmetic (doubles print as PowerShell 7 does, shortest round-trip),
# casts (an Int32 out of range is an error), comparisons against arrays
# (filters), -is / -as.
'Room' -eq 'ROOM'
'Room' -ceq 'ROOM'
'Room' -ieq 'ROOM'
'Room' -ne 'room'
'Room' -cne 'room'
2 -lt 10
'2' -lt 10
'b' -gt 'A'
'b' -cgt 'B'
5 -le 5
5 -ge 6
'Conf Room 1' -like 'conf*'
'Conf Room 1' -clike 'conf*'
'Conf Room 1' -like '*Room ?'
'Conf Room 1' -notlike '*lobby*'
'a.b' -like 'a[.]b'
'Room1', 'Room2' -contains 'room2'
'Room1', 'Room2' -ccontains 'room2'
'Room3' -notcontains 'x'
'b' -in 'a', 'b'
'c' -notin 'a', 'b'
(1, 2, 3, 2) -eq 2
(1, 5, 10) -gt 3
$true -and $false
$true -or $false
$true -xor $true
-not $true
!$false
!(1 -eq 2)
$null -eq $null
0 -eq $false
'' -eq $null
7 + 3
7 - 10
7 * 3
7 / 2
8 / 2
7 % 3
-7 % 3
2 + 3 * 4
(2 + 3) * 4
10 / 4 * 2
1kb
0x1F
1e3
'5' + 5
5 + '5'
[int]'42' + 1
[int]3.5
[int]4.5
[int]'  12 '
[string]42 + 1
[bool]1
[bool]0
[bool]''
[bool]'False'
[double]'2.5' * 2
[int[]]('1', '2') -join '+'
42 -is [int]
'x' -is [string]
'42' -as [int]
$i = 5
$i++
$i
$i -= 2
$i
$i *= 3
$i
$s = 'a'
$s += 'b'
$s
0.1 + 0.2
1 / 3
9223372036854775807 + 1
[long]3000000000
[int]3000000000

# Strings: methods (.ToUpper .ToLower .Trim .Split .Replace .Contains
# .StartsWith .EndsWith .Substring .IndexOf .Length), expansion with $var,
# $($x.Prop) and $(expr), single quotes, here-strings, backtick escapes,
# the -f, -replace, -split and -join operators, concatenation.
$name = '  Conf Room 1  '
$name.Trim()
$name.Trim().ToUpper()
$name.Trim().ToLower()
$name.Length
'a,b,,c'.Split(',').Count
('room1@contoso.com'.Split('@'))[1]
'Conf Room 1'.Replace('Room', 'Rm')
'Conf Room 1'.Contains('Room')
'Conf Room 1'.Contains('room')
'Conf Room 1'.StartsWith('Conf')
'Conf Room 1'.EndsWith('1')
'Conf Room 1'.Substring(5)
'Conf Room 1'.Substring(0, 4)
'Conf Room 1'.IndexOf('R')
'x'.PadLeft(3, '.') + '|'
$room = [pscustomobject]@{ Name = 'Conf Room 1'; Seats = 8 }
"Room: $($room.Name) seats $($room.Seats)"
"Plain: $room.Name"
"Math: $(2 * 21)"
'Single: $room $(1+1)'
"Escaped: `$room and a `"quote`""
"Tab[`t] and newline:`nnext line"
'It''s'
"Say ""hi"""
$here = @"
Name: $($room.Name)
  Indented and "quoted"
"@
$here
$lit = @'
No $expansion here
'@
$lit
'{0} has {1,3} seats; {2:N1}' -f 'Room', 8, 3.14159
'{0:D3}|{1,-5}|' -f 7, 'ab'
'Room-1-A' -replace '-', ' '
'Conf Room 1' -replace 'room (\d)', 'R$1'
('a b  c' -split ' ').Count
'a,b;c' -split '[,;]' -join '|'
('x', 'y', 'z') -join ', '
-join ('a', 'b')
'abc' + 1
'ab' * 3
"Total: " + (1 + 2)

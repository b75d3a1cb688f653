# Arrays and ranges: @(), comma lists, ranges, indexing (negative, slices,
# out of range), Count/Length, +=, reference semantics, nesting, member
# enumeration, strings indexed as character arrays, collection methods
# (.IndexOf, .Contains: case-sensitive, as .NET's).
$a = @(10, 20, 30)
$a
$a[0]
$a[-1]
$a[1..2] -join ','
"$($a.Count) $($a.Length)"
$e = @()
$e.Count
@('only').Count
@(@(1, 2), 3).Count
$r = 1..4
"$r"
(5..3) -join ' '
(-1..1) -join ' '
$a += 40
$a -join ','
$null -eq $a[10]
$a[0] = 99
$a[0]
$b = $a
$b[1] = 0
$a[1]
$grid = @(@(1, 2), @(3, 4))
$grid[1][0]
$list = 'x', 'y', 'z'
$list.Count
$list[-2]
$objs = @([pscustomobject]@{N = 'x'; V = 1 }, [pscustomobject]@{N = 'y'; V = 2 })
$objs.N -join ','
$objs[1].V
$s = 'abc'
$s[0]
$s[-1]
$a.IndexOf(30)
$list.Contains('y')
$list.Contains('Y')
"items: $list"

# [ref]: TryParse / TryParseExact set the referenced variable (the type's
# default on failure); .Value reads and writes through the reference; a
# [ref] parameter; a plain value where [ref] is needed is an error.
$n = 0
[int]::TryParse('42', [ref]$n)
$n
[int]::TryParse(' 7 ', [ref]$n)
$n
[int]::TryParse('4x', [ref]$n)
$n
[int]::TryParse('99999999999', [ref]$n)
[long]::TryParse('99999999999', [ref]$n)
$n
[double]::TryParse('1.5', [ref]$n)
$n
$d = $null
if ([datetime]::TryParseExact('03.02.2024', 'dd.MM.yyyy', [cultureinfo]::InvariantCulture, 'None', [ref]$d)) {
    $d.ToString('yyyy-MM-dd')
}
[datetime]::TryParse('2024-05-06 07:08', [ref]$d)
$d.ToString('s')
[datetime]::TryParse('not a date', [ref]$d)
$d -eq [datetime]::MinValue
$x = 1
$rx = [ref]$x
$rx.Value = 9
"x is $x, ref reads $($rx.Value)"
$box = [ref]5
$box.Value += 1
$box.Value
function Add-One([ref]$Counter) { $Counter.Value++ }
$count = 10
Add-One ([ref]$count)
"count $count"
[int]::TryParse('1', $n)
Add-One $count

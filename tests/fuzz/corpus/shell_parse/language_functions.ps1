# Functions and script blocks: param() with types and defaults, positional
# and named arguments, [switch], return (and output before it), splatting
# a hashtable and an array, script blocks with $_ / $PSItem / param, the &
# call operator, $args, and scopes (a function's variables stay inside).
function Get-RoomUpn {
    param([string]$Name, [string]$Domain = 'contoso.onmicrosoft.com', [int]$Floor)
    "$($Name.ToLower())@$Domain floor=$Floor"
}
Get-RoomUpn -Name 'ConfRoom1'
Get-RoomUpn 'ConfRoom2' 'fabrikam.com' 3
Get-RoomUpn -Floor 4 -Name 'R3'
$params = @{ Name = 'Splat'; Floor = 7 }
Get-RoomUpn @params
$positional = 'Arr', 'example.org'
Get-RoomUpn @positional
function Test-Switch([switch]$Force) { if ($Force) { 'forced' } else { 'gentle' } }
Test-Switch
Test-Switch -Force
Test-Switch -Force:$false
function Get-First {
    'before return'
    return 'returned'
    'never'
}
Get-First
function Get-Square($x) { $x * $x }
Get-Square 9
(Get-Square 3) + 1
function Show-Args { "count=$($args.Count) first=$($args[0])" }
Show-Args a b c
$double = { param($v) $v * 2 }
& $double 21
$double.Invoke(5)
$shout = { $_.ToUpper() }
'a', 'b' | ForEach-Object $shout
'x', 'y' | ForEach-Object { "item $PSItem" }
$scoped = 'outer'
function Set-Scoped { $scoped = 'inner'; "inside: $scoped" }
Set-Scoped
"outside: $scoped"
function Get-Nothing { }
$null -eq (Get-Nothing)
function Get-Many { 1; 2; 3 }
(Get-Many).Count

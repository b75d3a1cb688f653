# Set-StrictMode: version 1 makes unset variables errors outside strings;
# version 2 and Latest also inside strings and for missing properties of
# objects and strings (a property holding $null, hashtable keys, $env: and
# automatic variables are fine); -Off ends it; a bad version is refused.
$room = [pscustomobject]@{ Name = 'Alpha'; Phone = $null }
Set-StrictMode -Version 1.0
"in a string: [$notSet]"
$notSet
$room.Missing
'after'
Set-StrictMode -Version Latest
"in a string: [$notSet]"
$room.Missing
"phone: [$($room.Phone)]"
'text'.Nope
$h = @{ A = 1 }
"key: [$($h.B)] env: [$env:ROOMSYS_NOT_SET_ANYWHERE] args: $($args.Count)"
$later = 5
"defined: $later"
try { $undefinedInTry } catch { "caught: $($_.Exception.Message)" }
Set-StrictMode -Off
"off: [$notSet]"
Set-StrictMode -Version 4.0

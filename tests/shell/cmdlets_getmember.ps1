# Get-Member: a TypeName block per type (in the order the types come), members
# sorted by MemberType then Name; -Name with wildcards, -MemberType (also the
# Properties / Methods groups); a piped collection lists its elements' types,
# -InputObject the collection's own; the output objects can be used.
'room' | Get-Member -Name Len*, Sub*, Chars
[pscustomobject]@{ Name = 'Alpha'; Capacity = 10; Opened = $null; Tags = @('a') } | Get-Member
1, 'a', 2 | gm -MemberType Method -Name Equals
Get-Member -InputObject @(1, 2) -MemberType Properties
@{ North = 1 } | Get-Member -MemberType Property
$sb = [System.Text.StringBuilder]::new()
$sb | Get-Member -Name Append*, Length
[datetime]'2024-01-02' | Get-Member -Name Add, Year, DayOfWeek
(New-TimeSpan -Seconds 1) | Get-Member -MemberType Property -Name Total*
$list = [System.Collections.Generic.List[string]]::new()
Get-Member -InputObject $list -Name Add, Count
$members = [pscustomobject]@{ A = 1; B = 'x' } | Get-Member -MemberType NoteProperty
$members.Name -join ','
$members[1].Definition
($members | Select-Object -First 1).MemberType
Get-Member
$null | Get-Member
'x' | Get-Member -MemberType Bogus
'x' | Get-Member -Static

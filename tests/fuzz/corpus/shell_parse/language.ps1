# Language features the room scripts use.
$org = 'contoso.onmicrosoft.com'
$rm = "LyncRoom"
$rmURI = "$rm@$org"
$rmURI
$list = @('a', 'b')
$list += 'c'
"$($list.Count) items: $list"
foreach ($i in 1..3) { if ($i -eq 2) { continue }; "item $i" }
$n = 0; while ($true) { $n++; if ($n -ge 3) { break } }; "n=$n"
function Get-Upn([string]$Name, [string]$Domain = $org) { "$Name@$Domain".ToLower() }
Get-Upn -Name 'ConfRoom1'
switch -wildcard ('sippoolbl20a04.infra.lync.com') { 'sippool*' { 'a pool' } default { 'not a pool' } }
$h = @{ Identity = 'r1'; AutomateProcessing = 'AutoAccept' }
$h.Keys | Sort-Object
'{0,-6}|{1,4}' -f 'ab', 7
'A' -eq 'a'; 'A' -ceq 'a'; 'Room 1' -like 'room*'; 'x' -match '^[a-z]$'
$r = if (1 -gt 2) { 'yes' } else { 'no' }; $r
$csv = "UPN,Name`nr1@contoso.com,Room 1`nr2@contoso.com,Room 2"
Set-Variable -Name x -Value 1 -ErrorAction SilentlyContinue
exit 4

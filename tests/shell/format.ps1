# Default formatting, Format-List and Format-Table.
$u = [pscustomobject]@{Identity='CN=alice'; UserPrincipalName='alice@contoso.onmicrosoft.com'; RegistrarPool='sippoolbl20a04.infra.lync.com'; TargetRegistrarPool='sippoolbl20a04.infra.lync.com'; Enabled=$true; LineURI=$null}
$u | fl *registrarpool*
$u
$rooms = 1..3 | ForEach-Object { [pscustomobject]@{Name="Conf Room $_"; Capacity=$_ * 4; Enabled=($_ -ne 2)} }
$rooms | Out-Default
$rooms | Format-Table Name, Enabled
$rooms | Where-Object Enabled | Select-Object -ExpandProperty Name
@{Add='ES: Hola'; Remove='FR: Salut'}
'text', 42, $true
# Out-Default's first object decides (PowerShell's rule): after an object
# shown as a list, objects print as lists; objects of the table's type become
# its rows (missing properties blank); other types print as lists meanwhile.
$o5 = [pscustomobject]@{a=1; b=2; c=3; d=4; e=5}
$o2 = [pscustomobject]@{x='foo'; y='bar'}
& { $o5; $o2 } | Out-Default
& { $o2; $o5; $o2; Get-Command Get-Date; Get-Command Get-Help; $o2 } | Out-Default
$o2 | Format-Table

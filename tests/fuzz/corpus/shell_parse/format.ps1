# Default formatting, Format-List and Format-Table.
$u = [pscustomobject]@{Identity='CN=alice'; UserPrincipalName='alice@contoso.onmicrosoft.com'; RegistrarPool='sippoolbl20a04.infra.lync.com'; TargetRegistrarPool='sippoolbl20a04.infra.lync.com'; Enabled=$true; LineURI=$null}
$u | fl *registrarpool*
$u
$rooms = 1..3 | ForEach-Object { [pscustomobject]@{Name="Conf Room $_"; Capacity=$_ * 4; Enabled=($_ -ne 2)} }
$rooms
$rooms | Format-Table Name, Enabled
$rooms | Where-Object Enabled | Select-Object -ExpandProperty Name
@{Add='ES: Hola'; Remove='FR: Salut'}
'text', 42, $true

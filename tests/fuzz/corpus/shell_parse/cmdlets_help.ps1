# Get-Help and Get-Command read the one cmdlet table the server binds with:
# syntax (with [-WhatIf] [-Confirm] on cmdlets that change something),
# parameters (-Parameter, enum values), server cmdlets before any session,
# local cmdlets, wildcards, aliases, and the error for an unknown name.
Get-Help Set-Content
Get-Help Enable-CsMeetingRoom -Parameter SipAddressType
Get-Command *-Object | Format-Table
Get-Command -Name Out-File | Select-Object -ExpandProperty Name
(Get-Command select).Name
Get-Help Get-NoSuchCmdlet

# Idioms of admin scripts, each as admins write it: the script's own folder,
# newline and join/split, rounding, blank checks, paths, the three ways to
# discard output, Format-Table -AutoSize, Export-Csv -NoTypeInformation
# -Append (one header), a CSV report built with a StringBuilder.
$here = Split-Path -Parent $MyInvocation.MyCommand.Path
"same folder: $($here -eq $PSScriptRoot)"
"leaf: $(Split-Path -Leaf $PSCommandPath)"
$lines = "a", "b" -join [Environment]::NewLine
($lines -split [Environment]::NewLine).Count
('North;South' -split ';') -join ' | '
[math]::Round(2.567, 2)
[math]::Round(1234.5)
[string]::IsNullOrWhiteSpace('   ')
[string]::IsNullOrWhiteSpace($null)
[string]::IsNullOrEmpty('x')
Test-Path (Join-Path $PSScriptRoot 'rooms.csv')
Test-Path (Join-Path $PSScriptRoot 'nope.csv')
$list = New-Object System.Collections.ArrayList
$list.Add('shown')
[void]$list.Add('void')
$null = $list.Add('null')
$list.Add('piped') | Out-Null
$list -join ','
@{ Room = 'Alpha'; Capacity = 8 } | Format-Table -AutoSize
Import-Csv rooms.csv | Select-Object -First 2 Name, Capacity | Format-Table -AutoSize
$report = Join-Path $env:TESTDIR 'report.csv'
Import-Csv rooms.csv | Select-Object -First 1 Name, Building | Export-Csv -Path $report -NoTypeInformation -Append
Import-Csv rooms.csv | Select-Object -Skip 1 -First 1 Name, Building | Export-Csv -Path $report -NoTypeInformation -Append
Get-Content $report
$sb = New-Object System.Text.StringBuilder
[void]$sb.AppendLine('Name,Seats')
Import-Csv rooms.csv | ForEach-Object { [void]$sb.AppendFormat('{0},{1}', $_.Name, $_.Capacity).AppendLine() }
$sb.ToString().TrimEnd() -split "`n" | Select-Object -First 3

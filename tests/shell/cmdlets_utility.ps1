# Start-/Stop-Transcript (the file gets host, output, warnings and errors between
# its header and footer), Add-Content, Get-Random, New-Guid, Get-/Set-Location,
# ConvertTo-Csv, ConvertFrom-Csv.
Start-Transcript -Path "$env:TESTDIR/run.log"
Write-Host "host line"
'output line'
Write-Warning 'careful'
Get-Content "$env:TESTDIR/missing.txt"
Stop-Transcript
'not in the transcript'
Stop-Transcript
(Get-Content "$env:TESTDIR/run.log" | Where-Object { $_ -notmatch '^(Start time|End time|Username|Machine|Process ID):' }) -join "`n"
Add-Content -Path "$env:TESTDIR/log.txt" -Value 'one'
'two', 'three' | Add-Content "$env:TESTDIR/log.txt"
Get-Content "$env:TESTDIR/log.txt"
Add-Content "$env:TESTDIR/log.txt" 'x' -WhatIf
$r = Get-Random -Minimum 5 -Maximum 8; $r -ge 5 -and $r -lt 8
(1..10 | Get-Random -Count 4 | Sort-Object -Unique).Count
(1..5 | Get-Random -Shuffle | Sort-Object) -join ','
$pw = -join ((65..90) + (97..122) | Get-Random -Count 12 | ForEach-Object { [char]$_ }); $pw.Length
Get-Random -Minimum 3 -Maximum 3
$g = New-Guid; "$g" -match '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
$g.Guid -eq "$g"
Set-Location $env:TESTDIR
(Get-Location).Path -eq $env:TESTDIR
"$(Get-Location)" -eq $env:TESTDIR
Test-Path log.txt
Set-Location /no/such/dir
# ConvertTo-Csv / ConvertFrom-Csv (PowerShell 7: every field quoted, no #TYPE line)
$r = Import-Csv (Join-Path $PSScriptRoot rooms.csv)
$r | Select-Object Name, Capacity -First 2 | ConvertTo-Csv -NoTypeInformation
$r | Select-Object Name -First 1 | ConvertTo-Csv -NoHeader
("a;b", "1;2", "3;4" | ConvertFrom-Csv -Delimiter ";").b -join ","
("x,y" | ConvertFrom-Csv -Header A, B).B
($r | ConvertTo-Csv | ConvertFrom-Csv | Where-Object Building -eq North).Name -join ','

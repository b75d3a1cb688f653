# Write-Host (several objects, -Separator, -NoNewline, colors ignored off a
# terminal), Write-Output (to the pipeline, arrays enumerated), Write-Warning
# ("WARNING: "), Write-Verbose (only with -Verbose or $VerbosePreference),
# Write-Debug (hidden by default), Write-Progress (draws nothing when the
# output is not a terminal), Start-Sleep, Get-Date -Date with -Format.
Write-Host 'Provisioning' 'LRS01' -ForegroundColor Green
Write-Host 'a', 'b', 'c' -Separator '|'
Write-Host 'no newline ' -NoNewline
Write-Host 'then the rest'
Write-Output 'to the pipeline' | ForEach-Object { $_.ToUpper() }
(Write-Output 1, 2, 3).Count
$w = Write-Output 'captured'
$w
Write-Warning 'The room is not licensed'
Write-Verbose 'not shown'
Write-Verbose 'shown with -Verbose' -Verbose
$VerbosePreference = 'Continue'
Write-Verbose 'shown by preference'
$VerbosePreference = 'SilentlyContinue'
Write-Debug 'not shown'
Write-Warning 'hidden warning' -WarningAction SilentlyContinue
foreach ($i in 1..3) { Write-Progress -Activity 'Provisioning rooms' -Status "Room $i" -PercentComplete ($i * 33) }
Write-Progress -Activity 'Provisioning rooms' -Completed
Start-Sleep -Seconds 1
Start-Sleep -Milliseconds 10
'slept'
Get-Date -Date '2024-06-01 14:05:09' -Format 'yyyy-MM-dd HH:mm:ss'

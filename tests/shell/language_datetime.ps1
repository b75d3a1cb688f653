# DateTime and TimeSpan values: casts, properties, methods, arithmetic,
# comparison, formatting (.NET formats, -UFormat), display and JSON.
$d = [datetime]"2026-11-29 11:30:05"
$d
"$d"
"{0} {1} {2} {3} {4} {5} {6}" -f $d.Year, $d.Month, $d.Day, $d.Hour, $d.Minute, $d.Second, $d.Millisecond
"$($d.DayOfWeek) $($d.DayOfYear) $($d.Kind) $($d.Ticks)"
$d.ToString("yyyy-MM-dd HH:mm:ss.fff dddd MMM d h tt")
$d.ToString()
$d.ToString("o")
$d.ToString("s")
$d.ToString("D")
$d.ToShortDateString() + ' ' + $d.ToShortTimeString()
$d.AddDays(3).ToString("d")
$d.AddHours(-12.5).ToString("g")
$d.AddMinutes(30).AddSeconds(55).ToString("T")
$d.AddMonths(-10).ToString("yyyy-MM-dd")
([datetime]"2024-01-31").AddMonths(1).ToString('yyyy-MM-dd')
([datetime]"2024-02-29").AddYears(1).ToString('yyyy-MM-dd')
$d.Date.ToString("G")
$d.TimeOfDay.ToString()
$e = [datetime]"12/01/2026 2:15 PM"
$span = $e - $d
"$span"
"{0} days, {1} hours, {2} total minutes" -f $span.Days, $span.Hours, $span.TotalMinutes
$span
($d + $span).ToString("s")
($e - (New-TimeSpan -Hours 1)).ToString("s")
$d.Add([timespan]"1.02:00:00").ToString("s")
$d -lt $e
$d -gt "2026-01-01"
$d -eq [datetime]"2026-11-29T11:30:05"
@($e, $d, [datetime]"2020-05-05") | Sort-Object | ForEach-Object { $_.ToString("yyyy-MM-dd") }
($e, $d | Sort-Object -Descending)[0].Day
$d -is [datetime]
$span -is [timespan]
$d.GetType().FullName
Get-Date -Date "2024-02-29" -Format "dddd d MMMM yyyy"
Get-Date -Date "2024-02-29 13:05:09" -UFormat "%Y/%m/%d %H:%M:%S %A %j"
Get-Date -Date $d -Format yyyyMMdd
(Get-Date -Date $d -Year 2023 -Month 2 -Day 31).ToString('yyyy-MM-dd HH:mm')
(Get-Date).Year -ge 2024
((Get-Date) - (Get-Date).AddMinutes(-5)).TotalMinutes -gt 4.9
(New-TimeSpan -Start $d -End $e).TotalHours
(New-TimeSpan -Days 1 -Minutes 30).ToString()
[timespan]::FromMinutes(90).TotalHours
[datetime]::MinValue.Year
[pscustomobject]@{Name = 'LRS01'; Created = $d} | Out-Default
[pscustomobject]@{Name = 'LRS01'; Created = $d} | ConvertTo-Json
$u = [datetime]"2026-11-29T11:30:05Z"
$u.ToUniversalTime().ToString("u")
$u.ToUniversalTime().Kind
try { [datetime]"garbage" } catch { $_.Exception.Message }
try { $d.ToString("x") } catch { $_.Exception.Message }
try { Get-Date -Date "31/12/2026" } catch { $_.Exception.Message }
$Error[0].FullyQualifiedErrorId
[datetime]::Parse("2026-02-01").DayOfWeek
[datetime]::DaysInMonth(2024, 2)
[datetime]::IsLeapYear(2100)
$d.AddDays(1) -gt $d
# ConvertFrom-Json turns ISO 8601 date-times into DateTime (PowerShell 7):
# Z -> Utc, an offset -> Local, none -> Unspecified; other strings stay text
$o = '{"when":"2026-11-29T11:30:05Z","local":"2026-11-29T11:30:05.5+02:00","plain":"2026-11-29T11:30:05","text":"2026-11-29","@odata.context":"kept","n":[{"d":"2024-01-02T03:04:05"}]}' | ConvertFrom-Json
"$($o.when.Kind) $($o.when.Hour) $($o.local.Kind) $($o.local.ToUniversalTime().ToString('HH:mm:ss.f')) $($o.plain.Kind) $($o.text.GetType().Name) $($o.'@odata.context') $($o.n[0].d.Year)"
($d | ConvertTo-Json | ConvertFrom-Json) -eq $d

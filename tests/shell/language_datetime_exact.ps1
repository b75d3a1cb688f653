# [datetime]::ParseExact with custom and standard formats, a list of
# formats, $null or [cultureinfo]::InvariantCulture as the provider; and the
# DateTimeOffset members scripts use (no local clock in the output).
$d = [datetime]::ParseExact('2024-01-02 13:04', 'yyyy-MM-dd HH:mm', $null)
"$($d.ToString('o')) $($d.Kind)"
[datetime]::ParseExact('02/03/2024', 'dd/MM/yyyy', [cultureinfo]::InvariantCulture).ToString('yyyy-MM-dd')
[datetime]::ParseExact('Mar 5 2024 3:07 PM', 'MMM d yyyy h:mm tt', $null).ToString('s')
[datetime]::ParseExact('Tuesday, 05 March 2024', 'dddd, dd MMMM yyyy', $null).DayOfYear
[datetime]::ParseExact('2024-03-04T05:06:07.1234567', 'o', $null).Ticks % 10000000
[datetime]::ParseExact('20240304', 'yyyyMMdd', $null).ToString('D')
[datetime]::ParseExact('04.03.2024 17h', "dd'.'MM'.'yyyy HH\h", $null).Hour
[datetime]::ParseExact('2024-03-04', [string[]]@('dd.MM.yyyy', 'yyyy-MM-dd'), $null, 'None').Day
[datetime]::ParseExact('20240304T050607Z', "yyyyMMdd'T'HHmmssK", $null).Kind
[cultureinfo]::InvariantCulture.Name -eq ''
$o = [DateTimeOffset]::FromUnixTimeSeconds(1700000000)
$o.ToUnixTimeSeconds()
$o.ToUnixTimeMilliseconds()
$o.UtcDateTime.ToString('o')
"$($o.DateTime.Kind) $($o.UtcDateTime.Kind) $($o.Offset) $($o.Year)"
"$o"
$o.ToString()
$o.ToString('yyyy-MM-dd HH:mm')
$o | Format-List DateTime, UtcDateTime, Offset, TotalOffsetMinutes, DayOfWeek, UtcTicks
$later = [DateTimeOffset]::FromUnixTimeMilliseconds(1700003600500)
($later - $o).TotalSeconds
"$($later -gt $o) $($o -lt $later) $($o -eq $o.AddSeconds(0))"
$o.AddDays(1).ToUnixTimeSeconds()
([DateTimeOffset]'2024-05-06T07:08:09+02:00').ToUnixTimeSeconds()
([DateTimeOffset]'2024-05-06T07:08:09+02:00').Offset.Hours
[DateTimeOffset]::Parse('2024-05-06T07:08:09Z').UtcDateTime.Hour
[DateTimeOffset]::new([datetime]::new(2024, 1, 1, 0, 0, 0, 'Utc')).ToUnixTimeSeconds()
([DateTimeOffset]::UtcNow - [DateTimeOffset]::UnixEpoch).TotalDays -gt 19000
[DateTimeOffset]::UtcNow -is [DateTimeOffset]
[datetime]::ParseExact('2024-13-04', 'yyyy-MM-dd', $null)
[datetime]::ParseExact('2024-01-04', 'yyyy-MM-dd')
[DateTimeOffset]::Parse('not a date')

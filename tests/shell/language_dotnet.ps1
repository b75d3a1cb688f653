# .NET members admin scripts call: [regex] objects and statics (case-
# sensitive unless IgnoreCase, Match/Groups by number and name, Matches,
# Replace, Split, Escape), exceptions made with ::new / New-Object and thrown
# (caught by type), NetworkCredential and Marshal to read a SecureString,
# [array]::Sort / Reverse / IndexOf, $o.PSObject.Properties.
$m = [regex]::Match('room-042 in North', '(?<num>\d+) in (\w+)')
"$($m.Success) [$($m.Value)] at $($m.Index) len $($m.Length)"
"num $($m.Groups['num'].Value), wing $($m.Groups[2].Value), groups $($m.Groups[0].Value)"
[regex]::Match('ABC', 'b').Success
[regex]::Match('ABC', 'b', 'IgnoreCase').Value
[regex]::Match('ABC', 'b', [System.Text.RegularExpressions.RegexOptions]::IgnoreCase).Index
[regex]::IsMatch('abc', '^a')
([regex]::Matches('a1b22c333', '\d+') | ForEach-Object Value) -join ','
[regex]::Matches('none', '\d').Count
[regex]::Replace('a   b  c', '\s+', ' ')
[regex]::Replace('John Smith', '(\w+) (\w+)', '$2, $1')
[regex]::Split('a1b22c', '\d+') -join '|'
[regex]::Escape('room.1 (north)*')
$re = [regex]'(\d{3})-(\d{4})'
$re.ToString()
$re.Match('call 555-1234 now').Groups[1].Value
$re.IsMatch('no number')
'call 555-1234' -match $re
$Matches[2]
[regex]'('
$ex = [System.ArgumentException]::new('Capacity must be positive')
$ex.GetType().FullName
try { throw $ex } catch [System.ArgumentException] { "argument: $($_.Exception.Message)" }
try { throw (New-Object System.InvalidOperationException 'not now') } catch [InvalidOperationException] { "invalid: $($_.Exception.Message)" }
try { throw [System.Exception]::new() } catch { $_.Exception.Message }
$sec = ConvertTo-SecureString 'Pa55-word!' -AsPlainText -Force
[System.Net.NetworkCredential]::new('', $sec).Password
(New-Object System.Net.NetworkCredential('admin', $sec, 'contoso')).Domain
$bstr = [System.Runtime.InteropServices.Marshal]::SecureStringToBSTR($sec)
[System.Runtime.InteropServices.Marshal]::PtrToStringAuto($bstr)
[Runtime.InteropServices.Marshal]::ZeroFreeBSTR($bstr)
"freed: [$([Runtime.InteropServices.Marshal]::PtrToStringBSTR($bstr))]"
$arr = 3, 1, 2, 10
[array]::Sort($arr)
$arr -join ','
[array]::Reverse($arr)
$arr -join ','
[array]::IndexOf($arr, 2)
$room = [pscustomobject]@{ Name = 'Alpha'; Seats = 8 }
($room.PSObject.Properties | ForEach-Object { "$($_.Name)=$($_.Value)" }) -join ';'
$room.psobject.Properties['Seats'].Value
$room.PSObject.Properties.Name -join ','
$room.PSObject.Properties | Select-Object Name, MemberType, TypeNameOfValue
throw [System.IO.FileNotFoundException]::new('rooms.csv is missing')
'not reached'

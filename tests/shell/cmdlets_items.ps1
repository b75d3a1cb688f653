# Add-Member (NoteProperty forms, -Force, -PassThru; other member types and
# plain values refused), New-Item / Remove-Item on the file system (with
# -WhatIf), [System.IO.Path] / [IO.File] / [IO.Directory] statics, a List's
# ToArray, and $PSVersionTable.PSVersion as a version.
$o = [pscustomobject]@{ Name = 'Alpha' }
$o | Add-Member -MemberType NoteProperty -Name Seats -Value 8
$o | Add-Member -NotePropertyName Building -NotePropertyValue North
Add-Member -InputObject $o -NotePropertyMembers @{ Floor = 2; Wing = 'A' }
($o | Add-Member -NotePropertyName Status -NotePropertyValue New -PassThru).Status
$o | Format-List
$o | Add-Member -NotePropertyName Seats -NotePropertyValue 10
$o | Add-Member -NotePropertyName Seats -NotePropertyValue 10 -Force
$o.Seats
$h = @{}
$h | Add-Member -NotePropertyName K -NotePropertyValue v
$h.K
$o | Add-Member -MemberType ScriptProperty -Name Twice -Value { $this.Seats * 2 }
$o | Add-Member -MemberType Bogus -Name X -Value 1
5 | Add-Member -NotePropertyName X -NotePropertyValue 1
$logs = Join-Path $env:TESTDIR 'logs/2024'
New-Item -ItemType Directory -Path $logs | Select-Object Name
Test-Path $logs
New-Item -ItemType Directory -Path $logs -Force | Out-Null
New-Item -ItemType Directory -Path $logs
$file = New-Item -ItemType File -Path $logs -Name 'run.log' -Value 'started'
"$($file.Name) $($file.Length)"
Get-Content (Join-Path $logs 'run.log')
Remove-Item (Join-Path $env:TESTDIR 'logs') -WhatIf
Remove-Item (Join-Path $env:TESTDIR 'logs')
Remove-Item (Join-Path $env:TESTDIR 'logs') -Recurse
Test-Path (Join-Path $env:TESTDIR 'logs')
Remove-Item (Join-Path $env:TESTDIR 'nothing.txt')
[System.IO.Path]::Combine('/srv', 'rooms', 'rooms.csv')
[IO.Path]::Combine('/srv', '/etc', 'x')
[IO.Path]::GetFileNameWithoutExtension('/srv/rooms.csv')
[IO.Path]::GetExtension('rooms.tar.gz')
[IO.Path]::GetDirectoryName('/srv/rooms/rooms.csv')
[IO.Path]::GetFileName('/srv/rooms/rooms.csv')
[IO.Path]::ChangeExtension('rooms.csv', 'log')
[IO.Path]::IsPathRooted('rooms.csv')
$t = Join-Path $env:TESTDIR 'io.txt'
[IO.File]::WriteAllText($t, "one`ntwo`n")
[IO.File]::AppendAllText($t, 'three')
[IO.File]::ReadAllLines($t).Count
[IO.File]::WriteAllLines($t, [string[]]@('x', 'y'))
[IO.File]::ReadAllText($t)
"$([IO.File]::Exists($t)) $([IO.Directory]::Exists($env:TESTDIR)) $([IO.File]::Exists($env:TESTDIR))"
[IO.Directory]::CreateDirectory((Join-Path $env:TESTDIR 'a/b')).Name
[IO.File]::Delete($t)
[IO.File]::Exists($t)
[IO.File]::ReadAllText($t)
$list = [System.Collections.Generic.List[string]]::new()
$list.Add('x')
$list.ToArray().Count
"$($PSVersionTable.PSVersion) major $($PSVersionTable.PSVersion.Major) $($PSVersionTable.PSEdition)"

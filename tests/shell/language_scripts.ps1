# Script files as commands: dot-sourcing a library, a script with
# [CmdletBinding()] param() and begin/process/end taking pipeline input,
# $PSScriptRoot / $MyInvocation inside it, exit ending only that script
# ($LASTEXITCODE), and a script that does not parse.
$lib = Join-Path $env:TESTDIR 'lib.ps1'
Set-Content -Path $lib -Value 'function Get-Greeting { param($Name) "Hello, $Name" }', '$libLoaded = $true'
. $lib
Get-Greeting -Name Ada
"loaded: $libLoaded"
$pipe = Join-Path $env:TESTDIR 'pipe.ps1'
Set-Content -Path $pipe -Value @'
[CmdletBinding()]
param(
    [Parameter(ValueFromPipeline)] [string]$Room,
    [string]$Prefix = 'room'
)
begin { $count = 0; "begin $Prefix" }
process { $count++; "$Prefix [$Room] [$_]" }
end { "end $count" }
'@
'a', 'b' | & $pipe -Prefix conf
& $pipe
"count here: [$count]"
$sub = Join-Path $env:TESTDIR 'sub.ps1'
Set-Content -Path $sub -Value '"root: $(Split-Path -Leaf $PSScriptRoot)"', '"name: $($MyInvocation.MyCommand.Name)"', 'exit 4', '"not reached"'
& $sub
"exit code $LASTEXITCODE"
"caller: $(Split-Path -Leaf $PSCommandPath) $(Split-Path -Leaf $MyInvocation.MyCommand.Path)"
Set-Location $env:TESTDIR
./sub.ps1
"relative: $LASTEXITCODE"
Set-Content -Path bad.ps1 -Value 'begin { 1 }', '2'
./bad.ps1
'after the bad script'
& ./missing.ps1

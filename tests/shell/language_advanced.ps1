# Advanced functions: [CmdletBinding()], [Parameter(Mandatory,
# ValueFromPipeline[ByPropertyName])], [ValidateSet()], begin/process/end
# blocks (process once per pipeline object, return ends one object).
function Set-Room {
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Mandatory, ValueFromPipelineByPropertyName)][string]$Name,
        [Parameter(ValueFromPipelineByPropertyName)][int]$Capacity = 1,
        [ValidateSet('North', 'South')][string]$Building = 'North'
    )
    begin { $n = 0; "begin" }
    process {
        if ($Capacity -lt 5) { return }
        $n++
        "$Name ($Capacity) in $Building"
    }
    end { "done: $n" }
}
Import-Csv rooms.csv | Set-Room -Building south
Set-Room -Name solo -Capacity 9
Set-Room -Name bad -Building East
'after the validation error'
function Get-Double { process { $_ * 2 } }
(1..3 | Get-Double) -join ','
function Get-Last { param([Parameter(ValueFromPipeline)]$x) "no process block: $x" }
1..3 | Get-Last
function Get-Upper {
    param([Parameter(Mandatory, ValueFromPipeline)][string]$Text)
    process { $Text.ToUpper() }
}
'a', 'b' | Get-Upper
Get-Upper -Text c
& { begin { 'sb begin' } process { "sb $_" } end { 'sb end' } } 
'x', 'y' | & { process { "piped $_" } }

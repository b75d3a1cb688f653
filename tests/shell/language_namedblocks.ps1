# A script file made of [CmdletBinding()] param() and begin/process/end
# blocks, run directly: begin once, process once (no pipeline input, $_ is
# $null), end once; variables flow from block to block; return ends a block.
[CmdletBinding()]
param(
    [string]$Greeting = 'hello'
)

begin {
    $seen = 0
    "begin: $Greeting"
}
process {
    $seen++
    "process: [$_] seen $seen"
    return
    'not reached'
}
end {
    "end: seen $seen"
}

# ForEach-Object -Parallel (src/shell/parallel.c): runspaces, $using:, throttling, errors.
$x = 42
$h = @{ A = 1 }
function Get-Twice($n) { $n * 2 }
# each iteration sees $_ / $PSItem and $using: copies, not the caller's variables
1..4 | ForEach-Object -Parallel { "item $_ psitem $PSItem using $using:x hash $($using:h.A) plain [$x]" } -ThrottleLimit 2 | Sort-Object
# outputs of every iteration reach the pipeline (in completion order)
$r = @(1..50 | ForEach-Object -Parallel { $_ * 2 } -ThrottleLimit 8)
"count $($r.Count) sum $(($r | Measure-Object -Sum).Sum)"
# $using: values are copies: the caller's hashtable does not change
1..3 | ForEach-Object -Parallel { $c = $using:h; $c.A = 99 }
"caller hash A = $($h.A)"
# objects come back whole
$o = 1..2 | ForEach-Object -Parallel { [pscustomobject]@{ N = $_; Sq = $_ * $_ } } | Sort-Object N
$o | Format-Table
# one iteration's error does not stop the others; exit ends only its iteration
1..4 | ForEach-Object -Parallel {
    if ($_ -eq 2) { throw "iteration $_ failed" }
    if ($_ -eq 3) { exit 7 }
    Write-Host "host text from $_"
    "output $_"
} -ThrottleLimit 1
# the caller's functions are not defined in a runspace
5 | ForEach-Object -Parallel { Get-Twice $_ }
# server cmdlets need an imported session
7 | ForEach-Object -Parallel { Get-Mailbox -Identity "room$_" }
"errors so far: $($Error.Count)"
# -InputObject is one object; no input runs the block once
ForEach-Object -Parallel { "input is [$_]" } -InputObject (1, 2)
ForEach-Object -Parallel { "no input" }
"empty input: $(@(@() | ForEach-Object -Parallel { 'never' }).Count) outputs"
# refused combinations
1..2 | ForEach-Object -Parallel { $_ } -AsJob
1..2 | ForEach-Object -Parallel { $_ } -ThrottleLimit 0
1..2 | ForEach-Object -Parallel { $_ } -Begin { 1 }
1..2 | ForEach-Object -ThrottleLimit 3 { $_ }
1..2 | % -Parallel "x"
"done"

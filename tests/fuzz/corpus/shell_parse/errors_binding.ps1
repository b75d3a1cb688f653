# Parameter binding errors (statement-terminating: the statement stops, the
# script goes on): unknown parameter, ambiguous prefix, missing argument,
# a positional argument nobody takes, an enum value, a conversion, a
# parameter given twice, a missing mandatory one (an error, as pwsh
# -NonInteractive has it, never a prompt); an unknown command; and a
# cmdlet error inside a pipeline that the other objects survive.
Select-Object -Bogus 1
Select-Object -E Name
Select-Object -First
Get-Date 'a' 'b'
Write-Host 'x' -ForegroundColor Purple
Select-Object -First 'many'
Write-Host 'x' -NoNewline -NoNewline
Export-Csv
Get-Roomz
'still running'
'a.txt', 'b.txt' | ForEach-Object { Get-Content "no-such-$_" -ErrorAction Continue; "after $_" }

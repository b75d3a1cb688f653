# Error display and flow: non-terminating errors go on, statement-terminating
# errors stop their statement, try/catch handles, throw stops the script.
Import-Module NoSuchModule
$s = ConvertTo-SecureString 'x' -AsPlainText
"s is null: $($null -eq $s)"
Get-Thing -Verbose
try { Get-Thing } catch { "caught: $($_.CategoryInfo.Reason)" }
try { Import-Module Nope -ErrorAction Stop } catch [System.IO.FileNotFoundException] { "caught module" } finally { "finally" }
Format-List -Bogus 1
$h = @{a=1}; $h.b.c.d
"before throw"
throw "Stopping here"
"not reached"

# Terminating errors: throw (string and object), try/catch/finally, typed
# catch clauses, $_ in catch (message, category, FullyQualifiedErrorId),
# nested try and rethrow, finally on the way out, runtime errors (division
# by zero, a failed cast) caught as exceptions; an uncaught throw stops the
# script with the error shown and exit status 1.
try { throw 'Room not found' } catch { "caught: $_" }
try { throw 'x' } catch { $_.Exception.Message; $_.FullyQualifiedErrorId; $_.CategoryInfo.Category }
try { 1 / 0 } catch [System.DivideByZeroException] { 'divide by zero' } catch { 'other' }
try { [int]'abc' } catch [System.Management.Automation.RuntimeException] { 'runtime' }
try { [int]'abc' } catch { $_.Exception.Message }
try { 'body' } finally { 'finally after success' }
try { throw 'inner' } catch { 'handled' } finally { 'finally after catch' }
try {
    try { throw 'deep' } finally { 'inner finally' }
} catch { "outer caught: $($_.Exception.Message)" }
try {
    try { throw 'first' } catch { throw "rethrown: $($_.Exception.Message)" }
} catch { $_.Exception.Message }
function Test-Throw { throw 'from a function' }
try { Test-Throw } catch { "function: $_" }
try { Get-NoSuchThing } catch { "not found: $($_.CategoryInfo.Reason)" }
$caught = $null
try { throw 'kept' } catch { $caught = $_ }
$caught.Exception.Message
'before'
throw 'Provisioning failed for LRS01'
'not reached'

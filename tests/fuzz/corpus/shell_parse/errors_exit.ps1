# exit N ends the script with status N, even after errors were shown;
# $LASTEXITCODE is unset until something sets it; finally blocks run on exit.
"LASTEXITCODE set: $($null -ne $LASTEXITCODE)"
Write-Error 'shown, but exit decides the status'
try {
    exit 3
} finally {
    'finally runs on exit'
}
'not reached'

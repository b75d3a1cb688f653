# Read-Host reads its answers from standard input when it is not a terminal
# (cmdlets_readhost.in): the prompt gets ": " and the answer is echoed after
# it, except for -AsSecureString, which returns a SecureString that never
# prints. At the end of the input Read-Host returns an empty string.
$name = Read-Host 'Room name'
"name: [$name]"
$pw = Read-Host 'Password' -AsSecureString
$pw
$pw.GetType().Name
"length: $((New-Object System.Management.Automation.PSCredential ('u', $pw)).GetNetworkCredential().Password.Length)"
$plain = Read-Host
"plain: [$plain]"
$none = Read-Host 'After the end'
"none: [$none]"

# The seed's statements without a server: the variables, the SecureString
# conversion, and server cmdlets that are "not recognized" before a session
# is imported.
$rm="confrm1@contoso.onmicrosoft.com"
$newpass='pass@word1'
$p = ConvertTo-SecureString $newpass -AsPlainText -Force
$p
"user: admin@$org"
Import-Module LyncOnlineConnector
Set-Mailbox -Identity $rm  -EnableRoomMailboxAccount $true -RoomMailboxPassword (ConvertTo-SecureString $newpass -AsPlainText -Force)
Enable-CsMeetingRoom -Identity $rm -RegistrarPool "sippoolbl20a04.infra.lync.com" -SipAddressType EmailAddress
"still running"

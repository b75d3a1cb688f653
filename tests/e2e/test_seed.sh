#!/bin/bash
# The seed's provisioning flow end to end: its scripts run verbatim through
# roomsys against a real roomsysd, then Get- cmdlets and a sipp sign-in check
# the state they leave.
. "$(dirname "$0")/lib.sh"
SEED_DOC="$E2E_DIR/../../../shared/seed/000_939ad11bc718b9ad.txt"

# The blocks of seed.ps1 marked "## block N" are the seed's code blocks, verbatim.
if [ -f "$SEED_DOC" ]; then
    python3 - "$SEED_DOC" "$E2E_DIR/seed/seed.ps1" >"$WORK/verbatim.txt" 2>&1 <<'PY'
import re, sys
doc = open(sys.argv[1]).read()
blocks = [b.strip('\n') for b in re.findall(r'```\n(.*?)```', doc, re.S)]
blocks = ['\n'.join(l.strip() for l in b.splitlines()).strip() for b in blocks]
mine = open(sys.argv[2]).read()
parts = re.split(r'^## (?:block \d+|end)\n', mine, flags=re.M)[1:]
marks = re.findall(r'^## (block \d+|end)$', mine, flags=re.M)
ours = [p.strip('\n') for m, p in zip(marks, parts) if m != 'end']
# blocks 1-2 are the two Exchange blocks; the rest follow in order
bad = [o for o in ours if o not in blocks]
print("seed blocks:", len(blocks), "ours:", len(ours), "not verbatim:", bad)
sys.exit(1 if bad or len(ours) != len(blocks) else 0)
PY
    if [ $? -eq 0 ]; then ok "seed.ps1 carries every code block of the seed verbatim"
    else not_ok "seed.ps1 carries every code block of the seed verbatim" "$(cat "$WORK/verbatim.txt")"; fi
else
    echo "# seed document not found: skipping the verbatim comparison"
fi

start_daemon || exit 1
rs prereqs < "$E2E_DIR/seed/prereqs.ps1"
check "prerequisites (confrm1 mailbox, licensed alice) are created with cmdlets" test "$RS_RC" -eq 0
cat "$WORK/prereqs.err"

rs seed < "$E2E_DIR/seed/seed.ps1"
cat "$WORK/seed.out" "$WORK/seed.err"
# The only failing step is block 7, which names another tenant (skypelrs).
contains "block 7 names another tenant: user not found" "$WORK/seed.err" "User Not Found.  User: confrm1@skypelrs.onmicrosoft.com."
check "the script's exit status reports that error" test "$RS_RC" -ne 0
check "no other step failed" test "$(grep -c '^+ CategoryInfo\|CategoryInfo' "$WORK/seed.err")" -eq 1
contains "block 5 prints the pool where alice is homed" "$WORK/seed.out" "RegistrarPool       : sippoolbl20a04.infra.lync.com"

rs state <<'PS'
$cred = Get-Credential admin@contoso.onmicrosoft.com
Connect-ExchangeOnline -Credential $cred
Connect-MsolService -Credential $cred
$s = New-CsOnlineSession -Credential $cred
Import-PSSession $s
Get-Mailbox confrm1 | fl Name,RoomMailboxAccountEnabled,RecipientTypeDetails
Get-Mailbox -Identity confrm2@contoso.onmicrosoft.com | fl Name,Alias,RoomMailboxAccountEnabled,PrimarySmtpAddress
Get-CalendarProcessing -Identity confrm2 | fl AutomateProcessing,AddOrganizerToSubject,DeleteSubject,RemovePrivateProperty,AdditionalResponse
Get-MsolUser -UserPrincipalName confrm2@contoso.onmicrosoft.com | fl isLicensed,Licenses,UsageLocation
Get-CsMeetingRoom -Identity confrm2@contoso.onmicrosoft.com | fl SipAddress,RegistrarPool,Enabled
Get-CsMeetingRoom confrm1@contoso.onmicrosoft.com
PS
cat "$WORK/state.out" "$WORK/state.err"
contains "confrm1's room account is enabled" "$WORK/state.out" "RoomMailboxAccountEnabled : True"
contains "confrm2 was created with the seed's name" "$WORK/state.out" "Name                      : Conf Room 2"
contains "confrm2's alias is the left side of its address" "$WORK/state.out" "Alias                     : confrm2"
contains "calendar: AutoAccept" "$WORK/state.out" "AutomateProcessing    : AutoAccept"
contains "calendar: additional response" "$WORK/state.out" "AdditionalResponse    : This is the Additional Response Text"
contains "confrm2 is licensed" "$WORK/state.out" "isLicensed    : True"
contains "confrm2 is a meeting room with its email address as SIP address" "$WORK/state.out" "SipAddress    : sip:confrm2@contoso.onmicrosoft.com"
contains "confrm2 is homed on the seed's pool" "$WORK/state.out" "RegistrarPool : sippoolbl20a04.infra.lync.com"
contains "confrm1 was not enabled for SfB (\$rm held confrm2 at block 4)" "$WORK/state.err" 'Management object not found for identity "confrm1@contoso.onmicrosoft.com".'

sipp_register 200 confrm2 contoso.onmicrosoft.com 'pass@word1'
check "confrm2 signs in over SIP with the seed's password" test $? -eq 0
sipp_register 401 confrm2 contoso.onmicrosoft.com 'wrong@word1'
check "a wrong password is refused" test $? -eq 0
sipp_register 401 confrm1 contoso.onmicrosoft.com 'pass@word1'
check "confrm1, licensed but not enabled for SfB, is refused like a wrong password" test $? -eq 0
sipp_register 401 nobody contoso.onmicrosoft.com 'pass@word1'
check "an unknown account is refused like a wrong password" test $? -eq 0
sipp_register 301 confrm2 contoso.onmicrosoft.com 'pass@word1' "$SIP_PORT2"
check "another pool redirects the room to its home pool (301)" test $? -eq 0
finish

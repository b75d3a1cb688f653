#!/bin/bash
# Bulk provisioning from a CSV (examples/bulk-provision.ps1, rows in parallel):
# every row provisioned end to end, a bad row reported without stopping the
# others, a second run changes nothing, and a provisioned room signs in.
. "$(dirname "$0")/lib.sh"
start_daemon || exit 1
EX="$E2E_DIR/../../examples"
cp "$EX/rooms.csv" "$WORK/rooms.csv"
echo 'Conf Room 13,confrm13,confrm13@contoso.onmicrosoft.com,weak,6,US,contoso:MCOSTANDARD' >> "$WORK/rooms.csv"
echo 'Conf Room 14,confrm14,confrm14@contoso.onmicrosoft.com,Rm14-pass@word,6,US,contoso:NOSUCHSKU' >> "$WORK/rooms.csv"
"$ROOMSYS" "$EX/bulk-provision.ps1" -CsvPath "$WORK/rooms.csv" >"$WORK/run1.out" 2>&1
rc=$?
cat "$WORK/run1.out"
check "a run with failed rows exits 1" test "$rc" -eq 1
contains "every row is counted" "$WORK/run1.out" "5 rows,"
contains "the weak password is reported for its row" "$WORK/run1.out" "confrm13@contoso.onmicrosoft.com: New-Mailbox failed: The specified password does not comply"
contains "the unknown SKU is reported for its row" "$WORK/run1.out" "confrm14@contoso.onmicrosoft.com: Set-MsolUserLicense failed: Unable to assign this license"
contains "rows after a failure are still provisioned" "$WORK/run1.out" "Successfully created confrm14@contoso.onmicrosoft.com"
head -4 "$EX/rooms.csv" > "$WORK/good.csv"
"$ROOMSYS" "$EX/bulk-provision.ps1" -CsvPath "$WORK/good.csv" >"$WORK/run2.out" 2>&1
check "a second run over the good rows succeeds" test $? -eq 0
contains "... and changes nothing" "$WORK/run2.out" "3 rows, 0 changes, 0 failures"
contains "... and says so" "$WORK/run2.out" "Nothing to change: every room is already provisioned."
"$ROOMSYS" "$EX/bulk-provision.ps1" -CsvPath "$WORK/rooms.csv" -ThrottleLimit 1 >"$WORK/run3.out" 2>&1
check "a rerun of every row, one at a time, exits 1 again" test $? -eq 1
contains "... changes nothing and reports the same two rows" "$WORK/run3.out" "5 rows, 0 changes, 2 failures"
lacks "... and creates nothing twice" "$WORK/run3.out" "Successfully created"
rs query <<'PS'
$cred = Get-Credential admin@contoso.onmicrosoft.com
Import-PSSession (New-CsOnlineSession -Credential $cred) -AllowClobber | Out-Null
Get-CsMeetingRoom -Identity "*Room 12" -ResultSize 1 | fl DisplayName
PS
contains "a display-name wildcard finds its room within -ResultSize" "$WORK/query.out" "DisplayName : Conf Room 12"
sipp_register 200 confrm11 contoso.onmicrosoft.com 'Rm11-pass@word'
check "a bulk-provisioned room signs in" test $? -eq 0
finish

// portal.mjs - drive the roomsys web portal with playwright-core and Debian's
// chromium, as an administrator would: sign in, add a room, run the "Enable
// for Skype Room System" wizard, edit booking options, assign a license with
// the usage-location prompt, read the users, licenses and audit pages; and
// the refusals: wrong password, no CSRF token, a foreign Origin, an admin
// without the rights, a user without roles. Screenshots of every page go to
// PORTAL_SHOTS.
//
//   node portal.mjs provision     (before the room signs in with sipp)
//   node portal.mjs registered    (after: the checklist is all green)
//
// Env: PORTAL_URL (https://127.0.0.1:port), PORTAL_SHOTS (folder), ADMIN_UPN,
// ADMIN_PASSWORD, ROOM_UPN, ROOM_PASSWORD, LIMITED_UPN/LIMITED_PASSWORD (User
// Administrator with MSOnline access only), NOROLE_UPN/NOROLE_PASSWORD,
// NOLOC_UPN, NOLOC2_UPN (users without a usage location).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const env = (k) => {
  if (!process.env[k]) { console.log(`not ok - environment variable ${k} is missing`); process.exit(2); }
  return process.env[k];
};
const BASE = env('PORTAL_URL');
const SHOTS = env('PORTAL_SHOTS');
const phase = process.argv[2] || 'provision';
fs.mkdirSync(SHOTS, { recursive: true });

let failed = 0;
let passed = 0;
function ok(cond, name, detail) {
  if (cond) { passed++; console.log(`ok - ${name}`); }
  else { failed++; console.log(`not ok - ${name}`); if (detail !== undefined) console.log(`#   ${String(detail).split('\n').join('\n#   ')}`); }
}
async function step(name, fn) {
  try { await fn(); } catch (e) { ok(false, name, e.stack || e.message); }
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const problems = []; // console errors (CSP violations included) and page errors

async function newPage() {
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true, baseURL: BASE, viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15000);
  // HTTP refusals the test provokes log "Failed to load resource"; anything else
  // (a CSP violation: "Refused to ...", a script error) is a defect
  page.on('console', (m) => { if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) problems.push(`${page.url()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`));
  return { ctx, page };
}
async function shot(page, name) {
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
async function signIn(page, upn, password) {
  await page.goto('/portal/login');
  await page.getByLabel('User name').fill(upn);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState('load');
}
// A cmdlet through the portal's API with the page's session and CSRF token.
async function api(page, service, cmdlet, parameters, headers) {
  const s = await (await page.request.get('/portal/api/session')).json();
  const r = await page.request.post('/portal/api/invoke', {
    headers: { 'X-CSRF-Token': s.csrf, ...(headers || {}) },
    data: { service, cmdlet, parameters: parameters || {} },
  });
  let body = {};
  try { body = await r.json(); } catch (e) { body = {}; }
  return { status: r.status(), body };
}
const rowResult = (page, check) => page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: check, exact: true }) }).getByRole('cell').first();

const ADMIN = env('ADMIN_UPN');
const ADMIN_PW = env('ADMIN_PASSWORD');
const ROOM = env('ROOM_UPN');
const ROOM_PW = env('ROOM_PASSWORD');

if (phase === 'provision') {
  const { ctx, page } = await newPage();

  await step('sign-in page', async () => {
    const r = await page.goto('/portal/');
    ok(new URL(page.url()).pathname === '/portal/login', 'an anonymous visit lands on the sign-in page', page.url());
    const h = r.headers();
    ok(/script-src 'self'/.test(h['content-security-policy'] || '') && !/unsafe-inline/.test(h['content-security-policy'] || ''),
      'the Content-Security-Policy allows only the portal\'s own scripts', h['content-security-policy']);
    ok(h['x-frame-options'] === 'DENY', 'X-Frame-Options: DENY', h['x-frame-options']);
    ok(!!h['referrer-policy'], 'a Referrer-Policy is sent', JSON.stringify(h));
    await shot(page, '01-signin');
  });

  await step('wrong password', async () => {
    await signIn(page, ADMIN, 'not-the-password');
    await page.getByRole('status').filter({ hasText: 'incorrect' }).waitFor();
    ok(new URL(page.url()).pathname === '/portal/login', 'a wrong password stays on the sign-in page');
    ok((await ctx.cookies()).every((c) => c.name !== 'rs_portal'), 'a wrong password gets no session cookie');
    await shot(page, '02-signin-wrong-password');
  });

  await step('sign in', async () => {
    await signIn(page, ADMIN, ADMIN_PW);
    await page.getByRole('heading', { name: 'Rooms & equipment' }).waitFor();
    ok(new URL(page.url()).pathname === '/portal/rooms', 'signing in opens Rooms & equipment', page.url());
    const c = (await ctx.cookies()).find((x) => x.name === 'rs_portal');
    ok(c && c.httpOnly && c.secure && c.sameSite === 'Strict' && c.path === '/portal',
      'the session cookie is HttpOnly, Secure, SameSite=Strict, Path=/portal', JSON.stringify(c));
    ok(c && c.expires === -1, 'the session cookie is not persistent', JSON.stringify(c));
  });

  await step('add a room', async () => {
    await page.getByLabel('Name', { exact: true }).fill('Conf Room 7');
    await page.getByLabel('Email address').fill(ROOM);
    await page.getByLabel('Room account password').fill(ROOM_PW);
    await page.getByLabel('Capacity').fill('8');
    await shot(page, '03-rooms-add');
    await page.getByRole('button', { name: 'Add room' }).click();
    await page.getByRole('heading', { name: 'Conf Room 7' }).waitFor();
    ok(decodeURIComponent(new URL(page.url()).pathname) === `/portal/rooms/${ROOM}`, 'adding a room opens its page', page.url());
    await page.getByRole('table', { name: 'Readiness checklist' }).waitFor();
    ok(/Fail/.test(await rowResult(page, 'Licensed (meetings)').textContent()), 'before the wizard the room is not licensed (red)');
    ok(/New-Mailbox -Name 'Conf Room 7' -MicrosoftOnlineServicesID \S+ -Room -EnableRoomMailboxAccount \$true -RoomMailboxPassword \(ConvertTo-SecureString '\*\*\*\*\*\*\*\*'/.test(
      await page.getByRole('list', { name: 'Equivalent cmdlets' }).textContent()), 'the equivalent New-Mailbox line is shown, password masked');
    ok(!(await page.content()).includes(ROOM_PW), 'the room password appears nowhere on the page');
  });

  await step('wizard', async () => {
    await page.getByLabel('Usage location').selectOption('US');
    await page.getByLabel('License').selectOption({ label: 'contoso:MCOSTANDARD' });
    await page.getByRole('button', { name: 'Run the wizard' }).click();
    await page.getByRole('status').filter({ hasText: /enabled for Skype Room System|wizard stopped/ }).waitFor();
    const steps = await page.getByRole('list', { name: 'Wizard steps' }).textContent();
    ok(!/Failed/.test(steps) && (steps.match(/Done/g) || []).length === 5, 'the wizard ran its five steps', steps);
    if (process.env.SYNC_LAG && Number(process.env.SYNC_LAG) >= 5)
      ok(/Done \(after waiting \d+ s for the directory sync\)/.test(steps), 'Enable-CsMeetingRoom waited for the directory sync, then ran', steps);
    ok(steps.includes('Enable-CsMeetingRoom -Identity ' + ROOM + ' -SipAddressType EmailAddress -RegistrarPool sippoolbl20a04.infra.lync.com'),
      'each step shows its cmdlet line', steps);
    for (const c of ['Licensed (meetings)', 'Meeting room enabled', 'Password never expires', 'Keeps subjects', 'Usage location'])
      ok(/Pass/.test(await rowResult(page, c).textContent()), `after the wizard "${c}" is green`);
    await shot(page, '04-room-wizard');
  });

  await step('room details', async () => {
    await page.getByLabel('Building').fill('North');
    await page.getByLabel('Floor', { exact: true }).fill('3');
    await page.getByLabel('Room capacity').fill('10');
    await page.getByLabel('Wheelchair accessible').check();
    await page.getByLabel('MailTip').fill('Skype Room System: please keep the cables plugged in.');
    await page.getByRole('button', { name: 'Save room details' }).click();
    await page.getByRole('status').filter({ hasText: 'Room details saved.' }).waitFor();
    const r = await api(page, 'exchange', 'Get-Place', { Identity: ROOM });
    const pl = r.body.value && r.body.value[0];
    ok(pl && pl.Building === 'North' && pl.Floor === 3 && pl.Capacity === 10 && pl.IsWheelChairAccessible === true,
      'Set-Place saved building, floor, capacity and accessibility', JSON.stringify(pl));
    const m = await api(page, 'exchange', 'Get-Mailbox', { Identity: ROOM });
    ok(m.body.value && /cables/.test(m.body.value[0].MailTip || ''), 'Set-Mailbox saved the MailTip', JSON.stringify(m.body).slice(0, 400));
  });

  await step('booking options', async () => {
    await page.getByLabel('MaximumDurationInMinutes').fill('240');
    await page.getByLabel('AllowConflicts').check();
    await page.getByRole('button', { name: 'Save booking options' }).click();
    await page.getByRole('status').filter({ hasText: 'Booking options saved.' }).waitFor();
    const r = await api(page, 'exchange', 'Get-CalendarProcessing', { Identity: ROOM });
    const cp = r.body.value && r.body.value[0];
    ok(cp && cp.MaximumDurationInMinutes === 240 && cp.AllowConflicts === true, 'the booking options were saved', JSON.stringify(cp));
    ok((await page.getByLabel('Equivalent cmdlet').allTextContents()).some((t) => t === `Set-CalendarProcessing -Identity ${ROOM} -MaximumDurationInMinutes 240 -AllowConflicts $true`),
      'the equivalent Set-CalendarProcessing line is shown');
  });

  await step('a booking in the week grid', async () => {
    const d = new Date(Date.now() + 86400e3);
    const ymd = d.toISOString().slice(0, 10).replace(/-/g, '');
    const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//roomsys portal test//EN', 'METHOD:REQUEST', 'BEGIN:VEVENT',
      'UID:portal-week-1', 'SEQUENCE:0', 'DTSTAMP:20261101T100000Z', `DTSTART:${ymd}T100000Z`, `DTEND:${ymd}T110000Z`,
      'SUMMARY:Portal review', 'ORGANIZER;CN=Alice Adams:mailto:alice@contoso.onmicrosoft.com',
      `ATTENDEE;CUTYPE=ROOM:mailto:${ROOM}`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
    const r = await api(page, 'exchange', 'Submit-RoomMeetingRequest', { Identity: [ROOM], ICalendar: ics });
    ok(r.status === 200 && r.body.value && r.body.value[0] && r.body.value[0].Response === 'Accepted', 'the room accepts a meeting tomorrow', JSON.stringify(r.body).slice(0, 600));
    await page.reload();
    await page.getByRole('table', { name: /booking/ }).waitFor();
    const monday = new Date(); monday.setUTCHours(0, 0, 0, 0); monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
    if (d.getTime() >= monday.getTime() + 7 * 86400e3) {
      await page.getByRole('button', { name: 'Next week' }).click();
      await page.getByRole('heading', { name: /Bookings, week of/ }).waitFor();
    }
    const grid = page.getByRole('table', { name: /1 booking/ });
    await grid.waitFor();
    ok(/Portal review/.test(await grid.textContent()), 'the week grid shows the booking');
    await shot(page, '05-room-page');
  });

  await step('users', async () => {
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByRole('table', { name: 'Active users' }).waitFor();
    await shot(page, '06-users');
    await page.getByLabel('Search users').fill('confrm7');
    await page.getByRole('button', { name: 'Search' }).click();
    const rows = page.getByRole('table', { name: 'Active users' }).getByRole('row');
    ok((await rows.count()) === 2, 'searching users finds the one room', await rows.allTextContents());
    const t = await rows.nth(1).textContent();
    ok(t.includes('contoso:MCOSTANDARD') && t.includes('US') && t.includes('Yes'), 'its row shows license, usage location and password never expires', t);
    await page.getByRole('link', { name: ROOM }).click();
    await page.getByRole('heading', { name: 'Licenses and apps' }).waitFor();
    ok(/Enabled; pool sippoolbl20a04/.test(await page.locator('dl.facts').textContent()), 'the user page shows the Skype for Business status');
    await shot(page, '07-user');
  });

  await step('licenses and the usage-location prompt', async () => {
    const noloc = env('NOLOC_UPN');
    await page.getByRole('link', { name: 'Licenses', exact: true }).click();
    await page.getByRole('table', { name: 'Products' }).waitFor();
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'contoso:MCOSTANDARD', exact: true }) });
    ok(/25\s*1\s*24/.test((await row.textContent()).replace(/contoso:MCOSTANDARD/, '')), 'MCOSTANDARD: 25 total, 1 assigned, 24 available', await row.textContent());
    await shot(page, '08-licenses');
    await page.getByRole('button', { name: 'Assign contoso:ENTERPRISEPACK' }).click();
    await page.getByRole('heading', { name: 'Assign licenses: contoso:ENTERPRISEPACK' }).waitFor();
    await page.getByLabel('Users', { exact: true }).fill(noloc);
    await page.getByRole('group', { name: 'Apps and services' }).getByLabel('SHAREPOINTENTERPRISE').uncheck();
    await page.getByRole('button', { name: 'Assign licenses' }).click();
    await page.getByRole('status').filter({ hasText: 'no usage location' }).waitFor();
    let r = await api(page, 'msol', 'Get-MsolUser', { UserPrincipalName: noloc });
    ok(r.body.value[0].Licenses.length === 0, 'without a usage location nothing is assigned');
    await shot(page, '09-licenses-usage-location-prompt');
    await page.getByLabel('Usage location for users without one').selectOption('GB');
    await page.getByRole('button', { name: 'Assign licenses' }).click();
    await page.getByRole('status').filter({ hasText: 'Assigned to 1 user' }).waitFor();
    r = await api(page, 'msol', 'Get-MsolUser', { UserPrincipalName: noloc });
    const u = r.body.value[0];
    ok(u.UsageLocation === 'GB' && JSON.stringify(u.Licenses).includes('contoso:ENTERPRISEPACK'), 'the prompt set the usage location, then the license was assigned', JSON.stringify(u));
    ok((await page.getByLabel('Equivalent cmdlet').allTextContents()).some((t) => t.includes('-LicenseOptions (New-MsolLicenseOptions -AccountSkuId contoso:ENTERPRISEPACK -DisabledPlans SHAREPOINTENTERPRISE)')),
      'the plan toggle becomes -LicenseOptions (New-MsolLicenseOptions ...)');
    await shot(page, '10-licenses-assigned');
  });

  await step('user page: licenses and apps', async () => {
    const noloc = env('NOLOC_UPN');
    await page.goto('/portal/users/' + encodeURIComponent(noloc));
    await page.getByRole('heading', { name: 'Licenses and apps' }).waitFor();
    const apps = page.getByRole('group', { name: 'Apps of contoso:ENTERPRISEPACK' });
    ok(await page.getByLabel(/^contoso:ENTERPRISEPACK/).isChecked(), 'the assigned product is ticked');
    ok(!(await apps.getByLabel('SHAREPOINTENTERPRISE').isChecked()) && (await apps.getByLabel('TEAMS1').isChecked()),
      'the plan turned off in the Assign pane shows off, the others on');
    await apps.getByLabel('TEAMS1').uncheck();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Licenses saved.' }).waitFor();
    const r = await api(page, 'msol', 'Get-MsolUser', { UserPrincipalName: noloc });
    const lic = (r.body.value[0].Licenses || []).find((l) => l.AccountSkuId === 'contoso:ENTERPRISEPACK');
    const off = (lic ? lic.ServiceStatus : []).filter((x) => x.ProvisioningStatus === 'Disabled').map((x) => x.ServicePlan.ServiceName).sort();
    ok(JSON.stringify(off) === '["SHAREPOINTENTERPRISE","TEAMS1"]', 'Licenses and apps turned TEAMS1 off and kept SHAREPOINTENTERPRISE off', JSON.stringify(lic));
    // the usage-location rule on the user page
    const frank = env('NOLOC2_UPN');
    await page.goto('/portal/users/' + encodeURIComponent(frank));
    await page.getByRole('heading', { name: 'Licenses and apps' }).waitFor();
    await page.getByLabel(/^contoso:MCOSTANDARD/).check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'no usage location' }).waitFor();
    const f = await api(page, 'msol', 'Get-MsolUser', { UserPrincipalName: frank });
    ok(f.body.value[0].Licenses.length === 0, 'the user page asks for a usage location before licensing and changes nothing');
    await page.getByLabel('Usage location').selectOption('DE');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Licenses saved.' }).waitFor();
    const g = await api(page, 'msol', 'Get-MsolUser', { UserPrincipalName: frank });
    ok(g.body.value[0].UsageLocation === 'DE' && g.body.value[0].Licenses.length === 1, 'with a usage location the license is assigned', JSON.stringify(g.body.value[0]).slice(0, 300));
    await page.getByLabel('New password').fill('Qz7-Newpass-8');
    await page.getByRole('button', { name: 'Reset password' }).click();
    await page.getByRole('status').filter({ hasText: 'Password reset.' }).waitFor();
    ok((await page.getByLabel('Equivalent cmdlet').allTextContents()).some((t) => t === `Set-MsolUserPassword -UserPrincipalName ${frank} -NewPassword '********' -ForceChangePassword $false`),
      'the password reset shows its cmdlet line, password masked');
    await shot(page, '10b-user-licenses');
  });

  await step('users: manage product licenses', async () => {
    const frank = env('NOLOC2_UPN'), dave = env('NOROLE_UPN');
    await page.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByRole('table', { name: 'Active users' }).waitFor();
    await page.getByLabel(`Select ${frank}`).check();
    await page.getByLabel(`Select ${dave}`).check();
    await page.getByRole('button', { name: /Manage product licenses \(2 selected\)/ }).click();
    const form = page.getByRole('form', { name: 'Manage product licenses' });
    await form.waitFor();
    await form.getByLabel('Replace existing products').check();
    await form.getByLabel(/^contoso:STANDARDPACK/).check();
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Licenses updated for 2 users.' }).waitFor();
    const f = (await api(page, 'msol', 'Get-MsolUser', { UserPrincipalName: frank })).body.value[0];
    const d = (await api(page, 'msol', 'Get-MsolUser', { UserPrincipalName: dave })).body.value[0];
    const ids = (u) => (u.Licenses || []).map((l) => l.AccountSkuId || l).join(',');
    ok(ids(f) === 'contoso:STANDARDPACK' && ids(d) === 'contoso:STANDARDPACK', '"Replace existing" left both users with exactly the chosen product', `${ids(f)} / ${ids(d)}`);
    ok((await page.getByRole('list', { name: 'License changes' }).textContent()).includes('removed contoso:MCOSTANDARD'), 'the pane says what changed per user');
    await shot(page, '06b-users-manage-licenses');
  });

  await step('audit log', async () => {
    await page.getByRole('link', { name: 'Audit log', exact: true }).click();
    const t = page.getByRole('table', { name: 'Admin audit log' });
    await t.waitFor();
    const text = await t.textContent();
    for (const c of ['New-Mailbox', 'Set-CalendarProcessing', 'Set-MsolUserLicense', 'Enable-CsMeetingRoom', 'Set-MsolUserPassword', 'Set-Place'])
      ok(text.includes(c), `the audit log lists ${c} run from the portal`);
    ok(text.includes(ADMIN), 'the portal\'s actions are audited under the signed-in admin');
    ok(!text.includes(ROOM_PW) && !text.includes('Qz7-Newpass-8'), 'no password is in the audit log');
    await page.getByLabel('Cmdlets', { exact: true }).fill('Set-Place');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('status').filter({ hasText: /^1 entry\.$/ }).waitFor();
    const rows = await t.getByRole('row').allTextContents();
    ok(rows.length === 2 && rows[1].includes('Set-Place') && rows[1].includes('-Building North'), 'the audit log filters by cmdlet and shows the parameters', rows.join('\n'));
    await shot(page, '11-audit');
  });

  await step('CSRF', async () => {
    const before = await api(page, 'exchange', 'Get-Mailbox', { RecipientTypeDetails: 'RoomMailbox' });
    let r = await page.request.post('/portal/api/invoke', { data: { service: 'exchange', cmdlet: 'New-Mailbox', parameters: { Name: 'Csrf Room', Room: true } } });
    ok(r.status() === 403, 'a POST without the CSRF token is refused (403)', r.status());
    r = await page.request.post('/portal/api/invoke', { headers: { 'X-CSRF-Token': 'A'.repeat(43) }, data: { service: 'exchange', cmdlet: 'New-Mailbox', parameters: { Name: 'Csrf Room', Room: true } } });
    ok(r.status() === 403, 'a POST with a wrong CSRF token is refused (403)', r.status());
    const x = await api(page, 'exchange', 'New-Mailbox', { Name: 'Csrf Room', Room: true }, { Origin: 'https://evil.example' });
    ok(x.status === 403, 'a POST from another origin is refused even with the token (403)', x.status);
    const y = await api(page, 'exchange', 'New-Mailbox', { Name: 'Csrf Room', Room: true }, { 'Sec-Fetch-Site': 'cross-site' });
    ok(y.status === 403, 'a cross-site fetch is refused even with the token (403)', y.status);
    const after = await api(page, 'exchange', 'Get-Mailbox', { RecipientTypeDetails: 'RoomMailbox' });
    ok(after.body.value.length === before.body.value.length && !JSON.stringify(after.body).includes('Csrf Room'), 'the refused requests changed nothing');
    r = await page.request.post('/portal/logout');
    ok(r.status() === 403, 'signing out needs the CSRF token too', r.status());
  });

  await step('sign out', async () => {
    const cookie = (await ctx.cookies()).find((c) => c.name === 'rs_portal');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('status').filter({ hasText: 'You signed out.' }).waitFor();
    await page.goto('/portal/rooms');
    ok(new URL(page.url()).pathname === '/portal/login', 'after signing out the portal asks to sign in again');
    // the old cookie value no longer opens a session
    await ctx.addCookies([{ ...cookie }]);
    const r = await page.request.get('/portal/api/session');
    ok(r.status() === 401, 'the old session cookie is dead after sign-out', r.status());
  });
  await ctx.close();

  await step('an admin without the rights', async () => {
    const { ctx: c2, page: p2 } = await newPage();
    await signIn(p2, env('LIMITED_UPN'), env('LIMITED_PASSWORD'));
    await p2.getByRole('heading', { name: 'Rooms & equipment' }).waitFor();
    await p2.getByRole('status').filter({ hasText: /Exchange Online/ }).waitFor();
    await p2.getByLabel('Name', { exact: true }).fill('Conf Room 9');
    await p2.getByLabel('Email address').fill('confrm9@contoso.onmicrosoft.com');
    await p2.getByLabel('Room account password').fill(ROOM_PW);
    await p2.getByRole('button', { name: 'Add room' }).click();
    const refusal = p2.getByRole('status').filter({ hasText: /doesn't have Exchange Online/ });
    await refusal.last().waitFor();
    ok(/doesn't have Exchange Online/.test(await refusal.last().textContent()), 'a User Administrator without Exchange access sees the refusal');
    await shot(p2, '12-refused');
    const r = await api(p2, 'msol', 'Get-MsolUser', { UserPrincipalName: 'confrm9@contoso.onmicrosoft.com' });
    ok(r.status === 404, 'the refused room was not created', JSON.stringify(r.body).slice(0, 300));
    await c2.close();
  });

  await step('a user without roles', async () => {
    const { ctx: c3, page: p3 } = await newPage();
    await signIn(p3, env('NOROLE_UPN'), env('NOROLE_PASSWORD'));
    await p3.getByRole('status').filter({ hasText: 'may not sign in' }).waitFor();
    ok(new URL(p3.url()).pathname === '/portal/login' && (await c3.cookies()).length === 0, 'a user without admin roles cannot sign in to the portal');
    await shot(p3, '13-no-roles');
    await c3.close();
  });
} else {
  const { ctx, page } = await newPage();
  await step('registered', async () => {
    await signIn(page, ADMIN, ADMIN_PW);
    await page.getByLabel('Search rooms').fill('Conf Room 7');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('status').filter({ hasText: /^1 room mailbox\.$/ }).waitFor();
    await page.getByLabel('Search rooms').fill('no such room');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('status').filter({ hasText: /^0 room mailboxes\.$/ }).waitFor();
    ok(true, 'the rooms search finds the room by name and nothing for another');
    await page.goto('/portal/rooms/' + encodeURIComponent(ROOM));
    await page.getByRole('table', { name: 'Readiness checklist' }).waitFor();
    const reg = await rowResult(page, 'Registered').textContent();
    ok(/Pass/.test(reg), 'after the sipp sign-in the room is registered (green)', reg);
    const cells = await page.getByRole('table', { name: 'Readiness checklist' }).locator('td.res-fail').count();
    ok(cells === 0, 'no check of the provisioned room is red', cells);
    await page.getByRole('heading', { name: 'Registrations' }).waitFor();
    await page.getByRole('status').filter({ hasText: /current registration/ }).waitFor();
    ok(true, 'the room page lists the current registration');
    await shot(page, '14-room-registered');
  });
  await step('registrar pools', async () => {
    await page.getByRole('link', { name: 'Registrar pools', exact: true }).click();
    const pools = page.getByRole('table', { name: 'Pools' });
    await pools.waitFor();
    const row = pools.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'sippoolbl20a04.infra.lync.com' }) });
    ok(/^sippoolbl20a04\.infra\.lync\.com1/.test((await row.textContent()).trim()), 'the pools page counts the room\'s registration', await row.textContent());
    await page.getByRole('button', { name: 'Check readiness of every room' }).click();
    const rooms = page.getByRole('table', { name: 'Meeting rooms by pool' });
    await rooms.getByRole('cell', { name: /Pass|Warning|Fail/ }).first().waitFor();
    ok(/Pass \(green\)/.test(await rooms.textContent()), 'the provisioned room is ready (green) on the pools page', await rooms.textContent());
    await shot(page, '15-pools');
  });
  await ctx.close();
}

ok(problems.length === 0, 'no console errors or CSP violations on any page', problems.join('\n'));
await browser.close();
console.log(`# ${phase}: ${passed} passed, ${failed} failed; screenshots in ${SHOTS}`);
process.exit(failed ? 1 : 0);

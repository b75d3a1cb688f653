// app.js - the roomsys admin portal's pages. No framework: every view is built
// with DOM calls (never innerHTML), and every action is one cmdlet sent to
// /portal/api/invoke, the same cmdlet table, role checks and audit as the shell.
'use strict';

const S = { csrf: '', upn: '', tenant: '' };
const SECRET = new Set(['roomMailboxPassword', 'password', 'newPassword'].map((s) => s.toLowerCase()));
const SWITCHES = new Set(['room', 'all', 'unlicensedusersonly', 'passthru', 'force']);
const COUNTRIES = ['US', 'GB', 'CA', 'AU', 'DE', 'FR', 'NL', 'SE', 'CH', 'ES', 'IT', 'IE', 'JP', 'IN', 'BR', 'MX', 'SG', 'NZ'];

// ---- DOM helpers ----
function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const kid of kids.flat(Infinity)) {
    if (kid === null || kid === undefined || kid === false) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}
const main = () => document.getElementById('main');
function field(id, label, input) {
  input.id = id;
  return [h('label', { for: id, text: label }), input];
}
function select(options, value) {
  const s = h('select');
  for (const o of options) {
    const [v, t] = Array.isArray(o) ? o : [o, o];
    s.append(h('option', { value: v, text: t, selected: v === value }));
  }
  return s;
}
function status(text, kind) {
  return h('p', { class: 'status' + (kind ? ' ' + kind : ''), role: 'status', text: text || '' });
}
function setStatus(el, text, kind) {
  el.textContent = text || '';
  el.className = 'status' + (kind ? ' ' + kind : '');
}
const enc = encodeURIComponent;

// ---- the equivalent cmdlet line ----
function psValue(name, v) {
  if (SECRET.has(name.toLowerCase())) {
    return name.toLowerCase() === 'newpassword' ? "'********'" : "(ConvertTo-SecureString '********' -AsPlainText -Force)";
  }
  if (typeof v === 'boolean') return v ? '$true' : '$false';
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.map((x) => psValue('', x)).join(',');
  if (v && typeof v === 'object') {
    if ('AccountSkuId' in v) return `(New-MsolLicenseOptions -AccountSkuId ${psValue('', v.AccountSkuId)} -DisabledPlans ${(v.DisabledServicePlans || []).join(',') || '$null'})`;
    return '@{' + Object.entries(v).map(([k, x]) => `${k}=${psValue('', x)}`).join('; ') + '}';
  }
  const s = String(v);
  return /^[A-Za-z0-9@._:\-]+$/.test(s) ? s : "'" + s.replace(/'/g, "''") + "'";
}
function cmdLine(cmdlet, params) {
  let line = cmdlet;
  for (const [k, v] of Object.entries(params || {})) {
    if (SWITCHES.has(k.toLowerCase()) && v === true) line += ` -${k}`;
    else line += ` -${k} ${psValue(k, v)}`;
  }
  return line;
}
function logCmd(line, ok) {
  const log = JSON.parse(sessionStorage.getItem('cmdlog') || '[]');
  log.push((ok ? '' : '# failed: ') + line);
  while (log.length > 15) log.shift();
  sessionStorage.setItem('cmdlog', JSON.stringify(log));
  renderLog();
}
function renderLog() {
  const ol = document.getElementById('cmdlog');
  if (!ol) return;
  ol.replaceChildren(...JSON.parse(sessionStorage.getItem('cmdlog') || '[]').map((l) => h('li', { text: l })));
}

// ---- the one way to act: a cmdlet through /portal/api/invoke ----
async function invoke(service, cmdlet, parameters, show, quiet) {
  const params = parameters || {};
  const line = cmdLine(cmdlet, params);
  if (show) show.textContent = line;
  let res;
  try {
    res = await fetch('/portal/api/invoke', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': S.csrf },
      body: JSON.stringify({ service, cmdlet, parameters: params }),
    });
  } catch (e) {
    return { ok: false, status: 0, line, error: 'The server cannot be reached: ' + e.message, value: [] };
  }
  if (res.status === 401) {
    location.assign('/portal/login');
    return { ok: false, status: 401, line, error: 'Your session has ended.', value: [] };
  }
  let body = {};
  try { body = await res.json(); } catch (e) { body = {}; }
  const readOnly = /^(Get|Search|Test)-/.test(cmdlet);
  if (res.ok) {
    if (!readOnly && !quiet) logCmd(line, true);
    return { ok: true, status: res.status, line, value: body.value || [], warnings: body['@adminapi.warnings'] || [] };
  }
  const err = body.error || {};
  let msg = err.message || `HTTP ${res.status}`;
  const d = err.details && err.details[0] && err.details[0].message;
  if (d) msg = d.split('|').slice(2).join('|') || d;
  else if (err.innererror && err.innererror.internalexception) msg = err.innererror.internalexception.message;
  if (!readOnly && !quiet) logCmd(line, false);
  return { ok: false, status: res.status, line, error: msg, value: [] };
}

// ---- shared pieces ----
function licenseIds(u) {
  return (u.Licenses || []).map((l) => (typeof l === 'string' ? l : l.AccountSkuId)).filter(Boolean);
}
// Disabled plans of license `sku` on user u (when the output carries them).
function disabledPlans(u, sku) {
  const l = (u.Licenses || []).find((x) => typeof x === 'object' && x && x.AccountSkuId === sku);
  if (!l) return [];
  if (Array.isArray(l.DisabledPlans)) return l.DisabledPlans;
  return (l.ServiceStatus || []).map((s) => {
    if (typeof s === 'string') { const [n, st] = s.split(':').map((x) => x.trim()); return st === 'Disabled' ? n : null; }
    const n = s.ServicePlan && (s.ServicePlan.ServiceName || s.ServicePlan);
    return s.ProvisioningStatus === 'Disabled' ? n : null;
  }).filter(Boolean);
}
function skuPlans(sku) {
  return (sku.ServiceStatus || []).map((s) => (typeof s === 'string' ? s.split(':')[0].trim() : (s.ServicePlan && s.ServicePlan.ServiceName) || '')).filter(Boolean);
}
function resultClass(r) {
  return r === 'Pass' ? 'res-pass' : r === 'Warning' ? 'res-warn' : 'res-fail';
}
function resultLabel(r) {
  return r === 'Pass' ? 'Pass (green)' : r === 'Warning' ? 'Warning (amber)' : 'Fail (red)';
}
function table(caption, cols, rows) {
  return h('table', {},
    h('caption', { text: caption }),
    h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', text: c })))),
    h('tbody', {}, rows));
}
function cmdBox() { return h('code', { class: 'cmd', 'aria-label': 'Equivalent cmdlet' }); }

// ---- Rooms & equipment ----
async function viewRooms() {
  const m = main();
  const st = status();
  const shown = cmdBox();
  const search = h('input', { type: 'search', name: 'q' });
  const list = h('div');
  async function load() {
    const p = { RecipientTypeDetails: 'RoomMailbox' };
    if (search.value.trim()) p.Anr = search.value.trim();
    const r = await invoke('exchange', 'Get-Mailbox', p, shown);
    if (!r.ok) { setStatus(st, r.error, 'error'); list.replaceChildren(); return; }
    setStatus(st, `${r.value.length} room mailbox${r.value.length === 1 ? '' : 'es'}.`);
    list.replaceChildren(table('Room mailboxes', ['Name', 'Email address', 'Capacity', 'Room account enabled'],
      r.value.map((x) => h('tr', {},
        h('td', {}, h('a', { href: '/portal/rooms/' + enc(x.UserPrincipalName || x.PrimarySmtpAddress), text: x.DisplayName || x.Name })),
        h('td', { text: x.PrimarySmtpAddress }),
        h('td', { text: x.ResourceCapacity === null ? '' : x.ResourceCapacity }),
        h('td', { text: x.RoomMailboxAccountEnabled ? 'Yes' : 'No' })))));
  }
  const name = h('input', { required: true, maxlength: 64 });
  const email = h('input', { type: 'email', required: true });
  const pw = h('input', { type: 'password', required: true, autocomplete: 'new-password' });
  const cap = h('input', { type: 'number', min: 0 });
  const addSt = status();
  const addCmd = cmdBox();
  const addForm = h('form', { class: 'grid', 'aria-label': 'Add room',
    onsubmit: async (ev) => {
      ev.preventDefault();
      const p = { Name: name.value.trim(), MicrosoftOnlineServicesID: email.value.trim(), Room: true,
        EnableRoomMailboxAccount: true, RoomMailboxPassword: pw.value };
      if (cap.value !== '') p.ResourceCapacity = Number(cap.value);
      setStatus(addSt, 'Creating the room…');
      const r = await invoke('exchange', 'New-Mailbox', p, addCmd);
      if (!r.ok) { setStatus(addSt, r.error, 'error'); return; }
      pw.value = '';
      setStatus(addSt, `Room ${p.MicrosoftOnlineServicesID} created.`, 'ok');
      location.assign('/portal/rooms/' + enc(p.MicrosoftOnlineServicesID));
    } },
    field('room-name', 'Name', name), field('room-email', 'Email address', email),
    field('room-password', 'Room account password', pw), field('room-capacity', 'Capacity', cap),
    h('button', { type: 'submit', text: 'Add room' }));
  m.replaceChildren(
    h('h1', { text: 'Rooms & equipment' }),
    h('form', { class: 'inline', role: 'search', onsubmit: (ev) => { ev.preventDefault(); load(); } },
      field('room-search', 'Search rooms', search), h('button', { type: 'submit', text: 'Search' })),
    shown, st, list,
    h('h2', { text: 'Add a room' }),
    h('p', { text: 'Creates a room mailbox with an enabled account (the seed\'s New-Mailbox -Room -EnableRoomMailboxAccount). Then open the room to enable it for Skype Room System.' }),
    addForm, addCmd, addSt);
  await load();
}

// ---- one room ----
function mondayUTC(d) {
  const x = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  x.setUTCDate(x.getUTCDate() - ((x.getUTCDay() + 6) % 7));
  return x;
}
const isoDay = (d) => d.toISOString().slice(0, 10);

async function viewRoom(id) {
  const m = main();
  m.replaceChildren(h('h1', { text: id }), status('Loading…'));
  const mb = await invoke('exchange', 'Get-Mailbox', { Identity: id });
  if (!mb.ok || !mb.value.length) { m.replaceChildren(h('h1', { text: id }), status(mb.error || 'Not found.', 'error')); return; }
  const box = mb.value[0];
  const upn = box.UserPrincipalName || box.PrimarySmtpAddress;
  const facts = h('dl', { class: 'facts' });
  const wizard = h('section', { class: 'pane', 'aria-labelledby': 'wiz-h' });
  const calproc = h('section', { class: 'pane', 'aria-labelledby': 'cp-h' });
  const week = h('section', { class: 'pane', 'aria-labelledby': 'week-h' });
  const check = h('section', { class: 'pane', 'aria-labelledby': 'check-h' });
  const regs = h('section', { class: 'pane', 'aria-labelledby': 'reg-h' });
  const details = h('section', { class: 'pane', 'aria-labelledby': 'det-h' });
  m.replaceChildren(h('h1', { text: box.DisplayName || box.Name }),
    h('p', {}, h('a', { href: '/portal/rooms', text: '← All rooms' })),
    h('h2', { text: 'Mailbox' }), facts, wizard, details, calproc, week, check, regs);
  buildDetails(details, box, upn);
  const [user, room] = await Promise.all([
    invoke('msol', 'Get-MsolUser', { UserPrincipalName: upn }),
    invoke('sfb', 'Get-CsMeetingRoom', { Identity: upn }),
  ]);
  const u = user.ok ? user.value[0] : null;
  const r = room.ok ? room.value[0] : null;
  const dd = (k, v) => [h('dt', { text: k }), h('dd', { text: v === null || v === undefined || v === '' ? '—' : String(v) })];
  facts.replaceChildren(
    ...dd('Email address', box.PrimarySmtpAddress), ...dd('Alias', box.Alias),
    ...dd('Type', box.RecipientTypeDetails), ...dd('Capacity', box.ResourceCapacity),
    ...dd('Room account enabled', box.RoomMailboxAccountEnabled ? 'Yes' : 'No'),
    ...dd('Usage location', u ? u.UsageLocation : user.error),
    ...dd('Licenses', u ? licenseIds(u).join(', ') || 'None' : user.error),
    ...dd('Password never expires', u ? (u.PasswordNeverExpires ? 'Yes' : 'No') : user.error),
    ...dd('Skype for Business', r ? `Enabled on ${r.RegistrarPool} as ${r.SipAddress}` : (room.status === 404 ? 'Not enabled' : room.error)));
  const checkLoad = await buildCheck(check, upn);
  buildWizard(wizard, box, u, r, upn, async () => { await checkLoad(); });
  buildCalproc(calproc, upn, checkLoad);
  buildWeek(week, upn, mondayUTC(new Date()));
  buildRegistrations(regs, upn);
}

async function buildCheck(sec, upn) {
  const st = status();
  const body = h('div');
  async function load() {
    const r = await invoke('sfb', 'Test-RoomSystemAccount', { Identity: upn });
    if (!r.ok) { setStatus(st, r.error, 'error'); body.replaceChildren(); return; }
    const fails = r.value.filter((x) => x.Result === 'Fail').length;
    const warns = r.value.filter((x) => x.Result === 'Warning').length;
    setStatus(st, fails ? `${fails} check${fails > 1 ? 's' : ''} failed, ${warns} warning${warns === 1 ? '' : 's'}.` :
      warns ? `Ready, with ${warns} warning${warns === 1 ? '' : 's'}.` : 'All checks passed.', fails ? 'error' : 'ok');
    body.replaceChildren(table('Readiness checklist', ['Check', 'Result', 'Detail', 'Fix'],
      r.value.map((x) => h('tr', { class: resultClass(x.Result) },
        h('th', { scope: 'row', text: x.Check }),
        h('td', { class: resultClass(x.Result), text: resultLabel(x.Result) }),
        h('td', { text: x.Detail || '' }),
        h('td', {}, x.Fix ? h('code', { text: x.Fix }) : '')))));
  }
  sec.replaceChildren(h('h2', { id: 'check-h', text: 'Readiness (Test-RoomSystemAccount)' }),
    h('button', { type: 'button', class: 'secondary', text: 'Run the check again', onclick: load }),
    h('code', { class: 'cmd', text: `Test-RoomSystemAccount -Identity ${upn}` }), st, body);
  await load();
  return load;
}

async function buildWizard(sec, box, u, room, upn, after) {
  const [skus, pools, tenant] = await Promise.all([
    invoke('msol', 'Get-MsolAccountSku', {}),
    invoke('sfb', 'Get-CsRegistrarStatus', {}),
    invoke('sfb', 'Get-CsTenant', {}),
  ]);
  const skuIds = skus.ok ? skus.value.map((s) => s.AccountSkuId) : [];
  const have = u ? licenseIds(u) : [];
  const defSku = have.find((x) => /MCOSTANDARD|ENTERPRISE|STANDARDPACK/.test(x)) ||
    skuIds.find((x) => /:MCOSTANDARD$/.test(x)) || skuIds[0] || '';
  const defPool = (room && room.RegistrarPool) || (tenant.ok && tenant.value[0] && tenant.value[0].RegistrarPool) || '';
  const poolNames = pools.ok ? pools.value.map((p) => p.PoolFqdn) : [];
  if (defPool && !poolNames.includes(defPool)) poolNames.unshift(defPool);
  const loc = select([['', 'Choose…'], ...COUNTRIES], (u && u.UsageLocation) || '');
  const lic = select(skuIds, defSku);
  const pool = select(poolNames, defPool);
  const sipType = select(['EmailAddress', 'UserPrincipalName'], 'EmailAddress');
  const pw = h('input', { type: 'password', autocomplete: 'new-password' });
  const steps = h('ol', { class: 'steps', 'aria-label': 'Wizard steps' });
  const st = status();
  const needPw = !box.RoomMailboxAccountEnabled;
  async function run(ev) {
    ev.preventDefault();
    if (!loc.value) { setStatus(st, 'Choose a usage location first: licenses can only be assigned to users with a usage location.', 'error'); return; }
    steps.replaceChildren();
    const cur = (await invoke('msol', 'Get-MsolUser', { UserPrincipalName: upn })).value[0] || {};
    const curRoom = await invoke('sfb', 'Get-CsMeetingRoom', { Identity: upn });
    const plan = [];
    if (needPw) plan.push(['Enable the room account', 'exchange', 'Set-Mailbox', { Identity: upn, EnableRoomMailboxAccount: true, RoomMailboxPassword: pw.value }, false]);
    plan.push(['Calendar processing for Skype Room System', 'exchange', 'Set-CalendarProcessing',
      { Identity: upn, AutomateProcessing: 'AutoAccept', AddOrganizerToSubject: false, DeleteComments: false, DeleteSubject: false, RemovePrivateProperty: false }, false]);
    plan.push(['Password never expires', 'msol', 'Set-MsolUser', { UserPrincipalName: upn, PasswordNeverExpires: true }, cur.PasswordNeverExpires === true]);
    plan.push(['Usage location', 'msol', 'Set-MsolUser', { UserPrincipalName: upn, UsageLocation: loc.value }, cur.UsageLocation === loc.value]);
    plan.push(['License', 'msol', 'Set-MsolUserLicense', { UserPrincipalName: upn, AddLicenses: [lic.value] }, licenseIds(cur).includes(lic.value)]);
    const en = { Identity: upn, SipAddressType: sipType.value };
    if (pool.value) en.RegistrarPool = pool.value;
    plan.push(['Enable for Skype for Business', 'sfb', 'Enable-CsMeetingRoom', en, curRoom.ok && curRoom.value.length > 0]);
    const items = plan.map(([title, , cmdlet, p]) => {
      const state = h('span', { class: 'state', text: 'Waiting' });
      const li = h('li', {}, h('strong', { text: title + ': ' }), state, h('code', { class: 'cmd', text: cmdLine(cmdlet, p) }));
      steps.append(li);
      return { li, state };
    });
    setStatus(st, 'Running…');
    let failed = false;
    for (let i = 0; i < plan.length; i++) {
      const [, svc, cmdlet, p, done] = plan[i];
      const it = items[i];
      if (failed) { it.state.textContent = 'Skipped'; continue; }
      if (done) { it.state.textContent = 'Already done'; it.li.className = 'res-pass'; continue; }
      it.state.textContent = 'Running';
      const retry = cmdlet === 'Enable-CsMeetingRoom';
      let r = await invoke(svc, cmdlet, p, null, retry);
      let waited = 0;
      // a new account reaches Skype for Business after the directory sync's lag:
      // while changes are pending, wait for them (Get-RoomSystemSyncStatus) and retry
      while (!r.ok && r.status === 404 && retry && waited < 300) {
        const sync = await invoke('sfb', 'Get-RoomSystemSyncStatus', {});
        const ss = sync.ok && sync.value[0];
        if (!ss || !(ss.PendingChanges > 0 || ss.State !== 'InSync')) break;
        const wait = Math.min(30, Math.max(1, Number(ss.NextChangeInSeconds) || 2));
        it.state.textContent = `Waiting for the directory sync to Skype for Business (${ss.PendingChanges} pending, next in ${wait} s)`;
        await new Promise((res) => setTimeout(res, wait * 1000 + 250));
        waited += wait;
        r = await invoke(svc, cmdlet, p, null, true);
      }
      if (retry) logCmd(r.line, r.ok);
      if (r.ok) { it.state.textContent = waited ? `Done (after waiting ${waited} s for the directory sync)` : 'Done'; it.li.className = 'res-pass'; }
      else { it.state.textContent = 'Failed: ' + r.error; it.li.className = 'res-fail'; failed = true; }
    }
    pw.value = '';
    await after();
    setStatus(st, failed ? 'The wizard stopped at a failed step; fix it and run the wizard again.' : 'The room is enabled for Skype Room System.', failed ? 'error' : 'ok');
  }
  sec.replaceChildren(h('h2', { id: 'wiz-h', text: 'Enable for Skype Room System' }),
    h('p', { text: 'Runs the provisioning steps of "Provisioning Skype Room System accounts in Office 365" in order; steps already done are skipped.' }),
    h('form', { class: 'grid', 'aria-label': 'Enable for Skype Room System', onsubmit: run },
      needPw ? field('wiz-password', 'Room account password', pw) : null,
      field('wiz-location', 'Usage location', loc), field('wiz-license', 'License', lic),
      field('wiz-pool', 'Registrar pool', pool), field('wiz-siptype', 'SIP address type', sipType),
      h('button', { type: 'submit', text: 'Run the wizard' })),
    st, steps);
}

// Room details: Set-Mailbox for mailbox fields, Set-Place for place metadata.
const PLACE_STR = ['Building', 'FloorLabel', 'Phone', 'Street', 'City', 'CountryOrRegion'];
async function buildDetails(sec, box, upn) {
  const r = await invoke('exchange', 'Get-Place', { Identity: upn });
  sec.replaceChildren(h('h2', { id: 'det-h', text: 'Room details' }));
  if (!r.ok) { sec.append(status(r.error, 'error')); return; }
  const pl = r.value[0];
  const mb = { DisplayName: box.DisplayName || '', MailTip: box.MailTip || '' };
  const ctl = {
    DisplayName: h('input', { value: mb.DisplayName, maxlength: 256, required: true }),
    MailTip: h('input', { value: mb.MailTip, maxlength: 175 }),
    Capacity: h('input', { type: 'number', min: 0, value: pl.Capacity === null ? '' : pl.Capacity }),
    Floor: h('input', { type: 'number', value: pl.Floor === null ? '' : pl.Floor }),
    IsWheelChairAccessible: h('input', { type: 'checkbox', checked: !!pl.IsWheelChairAccessible }),
  };
  for (const k of PLACE_STR) ctl[k] = h('input', { value: pl[k] || '' });
  const st = status();
  const shown = cmdBox();
  const label = { DisplayName: 'Display name', MailTip: 'MailTip', Capacity: 'Room capacity', Floor: 'Floor', FloorLabel: 'Floor label',
    IsWheelChairAccessible: 'Wheelchair accessible', Building: 'Building', Phone: 'Phone number', Street: 'Street', City: 'City', CountryOrRegion: 'Country or region' };
  const order = ['DisplayName', 'MailTip', 'Capacity', 'Building', 'Floor', 'FloorLabel', 'IsWheelChairAccessible', 'Phone', 'Street', 'City', 'CountryOrRegion'];
  const form = h('form', { class: 'grid', 'aria-label': 'Room details', onsubmit: async (ev) => {
    ev.preventDefault();
    const pm = { Identity: upn }, pp = { Identity: upn };
    for (const k of ['DisplayName', 'MailTip']) if (ctl[k].value !== mb[k]) pm[k] = ctl[k].value;
    for (const k of ['Capacity', 'Floor']) {
      const v = ctl[k].value === '' ? null : Number(ctl[k].value);
      if (v !== pl[k] && v !== null) pp[k] = v;
    }
    for (const k of PLACE_STR) if (ctl[k].value !== (pl[k] || '')) pp[k] = ctl[k].value;
    if (ctl.IsWheelChairAccessible.checked !== !!pl.IsWheelChairAccessible) pp.IsWheelChairAccessible = ctl.IsWheelChairAccessible.checked;
    const runs = [];
    if (Object.keys(pm).length > 1) runs.push(['Set-Mailbox', pm]);
    if (Object.keys(pp).length > 1) runs.push(['Set-Place', pp]);
    if (!runs.length) { setStatus(st, 'Nothing to change.'); return; }
    const lines = [];
    for (const [c, p] of runs) {
      const res = await invoke('exchange', c, p);
      lines.push(res.line);
      shown.textContent = lines.join('\n');
      if (!res.ok) { setStatus(st, res.error, 'error'); return; }
      Object.assign(c === 'Set-Mailbox' ? mb : pl, p);
    }
    setStatus(st, 'Room details saved.', 'ok');
  } }, order.map((k) => field('det-' + k, label[k], ctl[k])), h('button', { type: 'submit', text: 'Save room details' }));
  sec.append(form, shown, st);
}

const CALPROC_BOOLS = ['AllowConflicts', 'AllowRecurringMeetings', 'ScheduleOnlyDuringWorkHours', 'AddOrganizerToSubject',
  'DeleteComments', 'DeleteSubject', 'RemovePrivateProperty', 'ProcessExternalMeetingMessages', 'EnforceSchedulingHorizon'];
const CALPROC_INTS = ['BookingWindowInDays', 'MaximumDurationInMinutes', 'MinimumDurationInMinutes'];

async function buildCalproc(sec, upn, afterSave) {
  const r = await invoke('exchange', 'Get-CalendarProcessing', { Identity: upn });
  sec.replaceChildren(h('h2', { id: 'cp-h', text: 'Booking options (calendar processing)' }));
  if (!r.ok) { sec.append(status(r.error, 'error')); return; }
  const cp = r.value[0];
  const ctl = {};
  const form = h('form', { class: 'grid', 'aria-label': 'Calendar processing' });
  ctl.AutomateProcessing = select(['AutoAccept', 'AutoUpdate', 'None'], cp.AutomateProcessing);
  form.append(...field('cp-AutomateProcessing', 'AutomateProcessing', ctl.AutomateProcessing));
  for (const k of CALPROC_INTS) {
    ctl[k] = h('input', { type: 'number', min: 0, value: cp[k] });
    form.append(...field('cp-' + k, k, ctl[k]));
  }
  for (const k of CALPROC_BOOLS) {
    ctl[k] = h('input', { type: 'checkbox', checked: !!cp[k] });
    form.append(...field('cp-' + k, k, ctl[k]));
  }
  ctl.AdditionalResponse = h('input', { value: cp.AdditionalResponse || '' });
  form.append(...field('cp-AdditionalResponse', 'AdditionalResponse', ctl.AdditionalResponse));
  const st = status();
  const shown = cmdBox();
  form.append(h('button', { type: 'submit', text: 'Save booking options' }));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const p = { Identity: upn };
    if (ctl.AutomateProcessing.value !== cp.AutomateProcessing) p.AutomateProcessing = ctl.AutomateProcessing.value;
    for (const k of CALPROC_INTS) if (Number(ctl[k].value) !== cp[k]) p[k] = Number(ctl[k].value);
    for (const k of CALPROC_BOOLS) if (ctl[k].checked !== !!cp[k]) p[k] = ctl[k].checked;
    if (ctl.AdditionalResponse.value !== (cp.AdditionalResponse || '')) p.AdditionalResponse = ctl.AdditionalResponse.value;
    if (Object.keys(p).length === 1) { setStatus(st, 'Nothing to change.'); return; }
    const res = await invoke('exchange', 'Set-CalendarProcessing', p, shown);
    if (!res.ok) { setStatus(st, res.error, 'error'); return; }
    Object.assign(cp, p);
    setStatus(st, 'Booking options saved.' + (res.warnings.length ? ' ' + res.warnings.join(' ') : ''), 'ok');
    await afterSave();
  });
  sec.append(form, shown, st);
}

async function buildWeek(sec, upn, monday) {
  const end = new Date(monday); end.setUTCDate(end.getUTCDate() + 7);
  const r = await invoke('exchange', 'Get-RoomCalendar', { Identity: upn, Start: isoDay(monday), End: isoDay(end) });
  const prev = h('button', { type: 'button', class: 'secondary', text: 'Previous week',
    onclick: () => { const d = new Date(monday); d.setUTCDate(d.getUTCDate() - 7); buildWeek(sec, upn, d); } });
  const next = h('button', { type: 'button', class: 'secondary', text: 'Next week',
    onclick: () => { const d = new Date(monday); d.setUTCDate(d.getUTCDate() + 7); buildWeek(sec, upn, d); } });
  sec.replaceChildren(h('h2', { id: 'week-h', text: `Bookings, week of ${isoDay(monday)} (UTC)` }),
    h('div', { class: 'toolbar' }, prev, next),
    h('code', { class: 'cmd', text: `Get-RoomCalendar -Identity ${upn} -Start ${isoDay(monday)} -End ${isoDay(end)}` }));
  if (!r.ok) { sec.append(status(r.error, 'error')); return; }
  const days = [...Array(7)].map((_, i) => { const d = new Date(monday); d.setUTCDate(d.getUTCDate() + i); return d; });
  const books = r.value.map((b) => ({ ...b, s: Date.parse(b.Start), e: Date.parse(b.End) }));
  const rows = [];
  for (let hr = 7; hr < 20; hr++) {
    rows.push(h('tr', {}, h('th', { scope: 'row', text: `${String(hr).padStart(2, '0')}:00` }),
      days.map((d) => {
        const s = d.getTime() + hr * 3600e3, e = s + 3600e3;
        const hit = books.filter((b) => b.s < e && b.e > s);
        const cls = hit.length ? (hit.some((b) => /Busy/i.test(b.Status)) ? 'busy' : 'tentative') : '';
        return h('td', { class: cls }, hit.map((b) => h('div', { text: `${b.Subject || '(no subject)'} — ${b.Organizer || ''}` })));
      })));
  }
  const t = h('table', { class: 'week' },
    h('caption', { text: `${books.length} booking${books.length === 1 ? '' : 's'} this week` }),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Hour' }),
      days.map((d) => h('th', { scope: 'col', text: d.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }) })))),
    h('tbody', {}, rows));
  const outside = books.filter((b) => new Date(b.s).getUTCHours() < 7 || new Date(b.s).getUTCHours() >= 20);
  sec.append(t);
  if (outside.length) sec.append(h('p', { text: 'Outside 07:00–20:00: ' + outside.map((b) => `${b.Start} ${b.Subject}`).join('; ') }));
}

async function buildRegistrations(sec, upn) {
  const [t, pools] = await Promise.all([
    invoke('sfb', 'Test-RoomSystemAccount', { Identity: upn }),
    invoke('sfb', 'Get-CsRegistrarStatus', {}),
  ]);
  sec.replaceChildren(h('h2', { id: 'reg-h', text: 'Registrations' }));
  const reg = t.ok ? t.value.find((x) => x.Check === 'Registered') : null;
  sec.append(status(reg ? reg.Detail : (t.error || 'No registration information.'), reg && reg.Result === 'Pass' ? 'ok' : ''));
  if (pools.ok) {
    sec.append(table('Registrar pools', ['Pool', 'Active registrations', 'Registered rooms', 'Auth failures'],
      pools.value.map((p) => h('tr', {}, h('td', { text: p.PoolFqdn }), h('td', { text: p.ActiveRegistrations }),
        h('td', { text: p.RegisteredRooms }), h('td', { text: p.AuthFailed })))));
  }
}

// ---- Users ----
async function viewUsers() {
  const m = main();
  const st = status();
  const search = h('input', { type: 'search' });
  const list = h('div');
  const pager = h('div', { class: 'pager' });
  const shown = cmdBox();
  let all = [];
  let page = 0;
  const per = 20;
  const picked = new Set(); // selected UPNs, kept across pages and searches
  const manage = h('section', { class: 'pane', hidden: true, 'aria-labelledby': 'manage-h' });
  const manageBtn = h('button', { type: 'button', text: 'Manage product licenses', disabled: true,
    onclick: () => managePane(manage, all.filter((u) => picked.has(u.UserPrincipalName)), async () => {
      const r = await invoke('msol', 'Get-MsolUser', { All: true });
      if (r.ok) { all = r.value.sort((a, b) => a.UserPrincipalName.localeCompare(b.UserPrincipalName)); render(); }
    }) });
  function render() {
    const q = search.value.trim().toLowerCase();
    const rows = all.filter((u) => !q || (u.UserPrincipalName || '').toLowerCase().includes(q) || (u.DisplayName || '').toLowerCase().includes(q));
    const pages = Math.max(1, Math.ceil(rows.length / per));
    if (page >= pages) page = pages - 1;
    setStatus(st, `${rows.length} user${rows.length === 1 ? '' : 's'}.`);
    manageBtn.disabled = picked.size === 0;
    manageBtn.textContent = picked.size ? `Manage product licenses (${picked.size} selected)` : 'Manage product licenses';
    list.replaceChildren(table('Active users', ['Select', 'User principal name', 'Display name', 'Licenses', 'Usage location', 'Password never expires'],
      rows.slice(page * per, page * per + per).map((u) => h('tr', {},
        h('td', {}, h('input', { type: 'checkbox', 'aria-label': `Select ${u.UserPrincipalName}`, checked: picked.has(u.UserPrincipalName),
          onchange: (ev) => { if (ev.target.checked) picked.add(u.UserPrincipalName); else picked.delete(u.UserPrincipalName); render(); } })),
        h('td', {}, h('a', { href: '/portal/users/' + enc(u.UserPrincipalName), text: u.UserPrincipalName })),
        h('td', { text: u.DisplayName || '' }), h('td', { text: licenseIds(u).join(', ') }),
        h('td', { text: u.UsageLocation || '' }), h('td', { text: u.PasswordNeverExpires ? 'Yes' : 'No' })))));
    pager.replaceChildren(
      h('button', { type: 'button', class: 'secondary', text: 'Previous page', disabled: page === 0, onclick: () => { page--; render(); } }),
      h('span', { text: `Page ${page + 1} of ${pages}` }),
      h('button', { type: 'button', class: 'secondary', text: 'Next page', disabled: page + 1 >= pages, onclick: () => { page++; render(); } }));
  }
  m.replaceChildren(h('h1', { text: 'Active users' }),
    h('form', { class: 'inline', role: 'search', onsubmit: (ev) => { ev.preventDefault(); page = 0; render(); } },
      field('user-search', 'Search users', search), h('button', { type: 'submit', text: 'Search' })),
    shown, st, h('div', { class: 'toolbar' }, manageBtn), list, pager, manage);
  const r = await invoke('msol', 'Get-MsolUser', { All: true }, shown);
  if (!r.ok) { setStatus(st, r.error, 'error'); return; }
  all = r.value.sort((a, b) => a.UserPrincipalName.localeCompare(b.UserPrincipalName));
  render();
}

// Users > Manage product licenses: add to or replace the licenses of the
// selected users, one Set-MsolUserLicense each (atomic per user).
async function managePane(pane, users, after) {
  const skus = await invoke('msol', 'Get-MsolAccountSku', {});
  const st = status();
  const shown = cmdBox();
  const results = h('ul', { 'aria-label': 'License changes' });
  const add = h('input', { type: 'radio', name: 'manage-mode', value: 'add', checked: true });
  const replace = h('input', { type: 'radio', name: 'manage-mode', value: 'replace' });
  const loc = select([['', 'Choose…'], ...COUNTRIES], '');
  const boxes = (skus.ok ? skus.value : []).map((s, i) => {
    const b = h('input', { type: 'checkbox', id: `manage-sku-${i}` });
    return { id: s.AccountSkuId, b, el: h('span', { class: 'check' }, b, h('label', { for: `manage-sku-${i}`, text: `${s.AccountSkuId} (${s.ActiveUnits - s.ConsumedUnits} available)` })) };
  });
  pane.hidden = false;
  pane.replaceChildren(h('h2', { id: 'manage-h', text: `Manage product licenses for ${users.length} user${users.length === 1 ? '' : 's'}` }),
    h('p', { text: users.map((u) => u.UserPrincipalName).join(', ') }),
    status(skus.ok ? '' : skus.error, skus.ok ? '' : 'error'),
    h('form', { 'aria-label': 'Manage product licenses', onsubmit: async (ev) => {
      ev.preventDefault();
      const chosen = boxes.filter((x) => x.b.checked).map((x) => x.id);
      if (!chosen.length && add.checked) { setStatus(st, 'Choose at least one product to add.', 'error'); return; }
      const missing = users.filter((u) => !u.UsageLocation);
      if (missing.length && chosen.length && !loc.value) {
        setStatus(st, `${missing.map((u) => u.UserPrincipalName).join(', ')} ha${missing.length > 1 ? 've' : 's'} no usage location. Choose a usage location first.`, 'error');
        loc.focus();
        return;
      }
      results.replaceChildren();
      let bad = 0, changed = 0;
      for (const u of users) {
        const held = licenseIds(u);
        const p = { UserPrincipalName: u.UserPrincipalName };
        const a = chosen.filter((x) => !held.includes(x));
        const r = replace.checked ? held.filter((x) => !chosen.includes(x)) : [];
        if (a.length) p.AddLicenses = a;
        if (r.length) p.RemoveLicenses = r;
        if (!a.length && !r.length) { results.append(h('li', { class: 'res-pass', text: `${u.UserPrincipalName}: nothing to change` })); continue; }
        if (a.length && !u.UsageLocation) {
          const r0 = await invoke('msol', 'Set-MsolUser', { UserPrincipalName: u.UserPrincipalName, UsageLocation: loc.value });
          if (!r0.ok) { bad++; results.append(h('li', { class: 'res-fail', text: `${u.UserPrincipalName}: ${r0.error}` })); continue; }
          u.UsageLocation = loc.value;
        }
        const res = await invoke('msol', 'Set-MsolUserLicense', p, shown);
        if (res.ok) { changed++; results.append(h('li', { class: 'res-pass', text: `${u.UserPrincipalName}: ${[a.length ? 'added ' + a.join(', ') : '', r.length ? 'removed ' + r.join(', ') : ''].filter(Boolean).join('; ')}` })); }
        else { bad++; results.append(h('li', { class: 'res-fail', text: `${u.UserPrincipalName}: ${res.error}` })); }
      }
      setStatus(st, bad ? `${bad} of ${users.length} could not be changed.` : `Licenses updated for ${changed} user${changed === 1 ? '' : 's'}.`, bad ? 'error' : 'ok');
      await after();
    } },
    h('fieldset', {}, h('legend', { text: 'How' }),
      h('span', { class: 'check' }, add, h('label', { for: (add.id = 'manage-add'), text: 'Add to existing products' })),
      h('span', { class: 'check' }, replace, h('label', { for: (replace.id = 'manage-replace'), text: 'Replace existing products' }))),
    h('fieldset', {}, h('legend', { text: 'Products' }), h('div', { class: 'plans' }, boxes.map((x) => x.el))),
    h('p', {}, field('manage-location', 'Usage location for users without one', loc)),
    h('button', { type: 'submit', text: 'Save changes' })),
  shown, st, results);
}

async function viewUser(id) {
  const m = main();
  m.replaceChildren(h('h1', { text: id }), status('Loading…'));
  const [ur, skus, cs] = await Promise.all([
    invoke('msol', 'Get-MsolUser', { UserPrincipalName: id }),
    invoke('msol', 'Get-MsolAccountSku', {}),
    invoke('sfb', 'Get-CsOnlineUser', { Identity: id }),
  ]);
  if (!ur.ok) { m.replaceChildren(h('h1', { text: id }), status(ur.error, 'error')); return; }
  const u = ur.value[0];
  const upn = u.UserPrincipalName;
  const dd = (k, v) => [h('dt', { text: k }), h('dd', { text: v === null || v === undefined || v === '' ? '—' : String(v) })];
  const c = cs.ok ? cs.value[0] : null;
  // usage location + password settings
  const loc = select([['', 'Not set'], ...COUNTRIES.concat(u.UsageLocation && !COUNTRIES.includes(u.UsageLocation) ? [u.UsageLocation] : [])], u.UsageLocation || '');
  const pne = h('input', { type: 'checkbox', checked: !!u.PasswordNeverExpires });
  const setSt = status();
  const setCmd = cmdBox();
  const settings = h('form', { class: 'grid', 'aria-label': 'User settings', onsubmit: async (ev) => {
    ev.preventDefault();
    const p = { UserPrincipalName: upn };
    if (loc.value && loc.value !== (u.UsageLocation || '')) p.UsageLocation = loc.value;
    if (pne.checked !== !!u.PasswordNeverExpires) p.PasswordNeverExpires = pne.checked;
    if (Object.keys(p).length === 1) { setStatus(setSt, 'Nothing to change.'); return; }
    const r = await invoke('msol', 'Set-MsolUser', p, setCmd);
    if (!r.ok) { setStatus(setSt, r.error, 'error'); return; }
    Object.assign(u, p);
    setStatus(setSt, 'Saved.', 'ok');
  } }, field('user-location', 'Usage location', loc), field('user-pne', 'Password never expires', pne),
  h('button', { type: 'submit', text: 'Save settings' }));
  // password reset
  const npw = h('input', { type: 'password', autocomplete: 'new-password', required: true });
  const force = h('input', { type: 'checkbox' });
  const pwSt = status();
  const pwCmd = cmdBox();
  const pwForm = h('form', { class: 'grid', 'aria-label': 'Reset password', onsubmit: async (ev) => {
    ev.preventDefault();
    const r = await invoke('msol', 'Set-MsolUserPassword', { UserPrincipalName: upn, NewPassword: npw.value, ForceChangePassword: force.checked }, pwCmd);
    npw.value = '';
    if (!r.ok) { setStatus(pwSt, r.error, 'error'); return; }
    setStatus(pwSt, 'Password reset.', 'ok');
  } }, field('user-newpw', 'New password', npw), field('user-force', 'Require a change at next sign-in', force),
  h('button', { type: 'submit', text: 'Reset password' }));
  // licenses & apps
  const licSt = status();
  const licCmd = cmdBox();
  const have = licenseIds(u);
  const rows = (skus.ok ? skus.value : []).map((s, i) => {
    const on = h('input', { type: 'checkbox', checked: have.includes(s.AccountSkuId) });
    const off = disabledPlans(u, s.AccountSkuId);
    const plans = skuPlans(s).map((p, j) => {
      const b = h('input', { type: 'checkbox', id: `plan-${i}-${j}`, checked: !off.includes(p) });
      return { p, b, el: h('span', { class: 'check' }, b, h('label', { for: `plan-${i}-${j}`, text: p })) };
    });
    return { s, on, plans, el: h('div', {}, h('span', { class: 'check' }, on, h('label', { for: (on.id = `lic-${i}`), text: `${s.AccountSkuId} (${s.ActiveUnits - s.ConsumedUnits} available)` })),
      h('div', { class: 'plans', role: 'group', 'aria-label': `Apps of ${s.AccountSkuId}` }, plans.map((x) => x.el))) };
  });
  const licForm = h('form', { 'aria-label': 'Licenses and apps', onsubmit: async (ev) => {
    ev.preventDefault();
    const add = [], remove = [], options = [];
    for (const r of rows) {
      const id = r.s.AccountSkuId;
      const was = have.includes(id);
      if (r.on.checked && !was) add.push(id);
      if (!r.on.checked && was) remove.push(id);
      const dis = r.plans.filter((x) => !x.b.checked).map((x) => x.p);
      const before = disabledPlans(u, id);
      if (r.on.checked && (!was ? dis.length > 0 : dis.sort().join() !== [...before].sort().join())) options.push({ AccountSkuId: id, DisabledServicePlans: dis });
    }
    if (add.length && !u.UsageLocation) {
      setStatus(licSt, 'This user has no usage location. Set a usage location first (above): licenses can only be assigned to users with a usage location.', 'error');
      loc.focus();
      return;
    }
    if (!add.length && !remove.length && !options.length) { setStatus(licSt, 'Nothing to change.'); return; }
    const p = { UserPrincipalName: upn };
    if (add.length) p.AddLicenses = add;
    if (remove.length) p.RemoveLicenses = remove;
    if (options.length) p.LicenseOptions = options;
    const r = await invoke('msol', 'Set-MsolUserLicense', p, licCmd);
    if (!r.ok) { setStatus(licSt, r.error, 'error'); return; }
    setStatus(licSt, 'Licenses saved.', 'ok');
    setTimeout(() => viewUser(upn), 600);
  } }, rows.map((r) => r.el), h('button', { type: 'submit', text: 'Save changes' }));
  m.replaceChildren(h('h1', { text: u.DisplayName || upn }),
    h('p', {}, h('a', { href: '/portal/users', text: '← All users' })),
    h('dl', { class: 'facts' }, ...dd('User principal name', upn), ...dd('Usage location', u.UsageLocation),
      ...dd('Licenses', have.join(', ') || 'None'), ...dd('Password never expires', u.PasswordNeverExpires ? 'Yes' : 'No'),
      ...dd('Sign-in blocked', u.BlockCredential ? 'Yes' : 'No'), ...dd('Roles', (u.Roles || []).join(', ') || 'None'),
      ...dd('Skype for Business', c ? `${c.Enabled ? 'Enabled' : 'Disabled'}; pool ${c.RegistrarPool || '—'}; ${c.SipAddress || 'no SIP address'}` : (cs.status === 404 ? 'Not enabled' : cs.error))),
    h('h2', { text: 'Settings' }), settings, setCmd, setSt,
    h('h2', { text: 'Password' }), pwForm, pwCmd, pwSt,
    h('h2', { text: 'Licenses and apps' }), licForm, licCmd, licSt);
}

// ---- Licenses ----
async function viewLicenses() {
  const m = main();
  const st = status();
  const list = h('div');
  const pane = h('section', { class: 'pane', hidden: true, 'aria-labelledby': 'assign-h' });
  const shown = cmdBox();
  m.replaceChildren(h('h1', { text: 'Licenses' }), shown, st, list, pane);
  const r = await invoke('msol', 'Get-MsolAccountSku', {}, shown);
  if (!r.ok) { setStatus(st, r.error, 'error'); return; }
  list.replaceChildren(table('Products', ['Product', 'Total', 'Assigned', 'Available', ''],
    r.value.map((s) => h('tr', {}, h('th', { scope: 'row', text: s.AccountSkuId }), h('td', { text: s.ActiveUnits }),
      h('td', { text: s.ConsumedUnits }), h('td', { text: s.ActiveUnits - s.ConsumedUnits }),
      h('td', {}, h('button', { type: 'button', class: 'secondary', text: 'Assign', 'aria-label': `Assign ${s.AccountSkuId}`, onclick: () => assignPane(pane, s) }))))));
}

async function assignPane(pane, sku) {
  const users = await invoke('msol', 'Get-MsolUser', { All: true });
  const byUpn = new Map((users.value || []).map((u) => [u.UserPrincipalName.toLowerCase(), u]));
  const who = h('input', { list: 'assign-users', autocomplete: 'off' });
  const dl = h('datalist', { id: 'assign-users' }, [...byUpn.values()].map((u) => h('option', { value: u.UserPrincipalName })));
  const plans = skuPlans(sku).map((p, j) => {
    const b = h('input', { type: 'checkbox', id: `aplan-${j}`, checked: true });
    return { p, b, el: h('span', { class: 'check' }, b, h('label', { for: `aplan-${j}`, text: p })) };
  });
  const loc = select([['', 'Choose…'], ...COUNTRIES], '');
  const st = status();
  const results = h('ul', { 'aria-label': 'Assignment results' });
  const shown = cmdBox();
  pane.hidden = false;
  pane.replaceChildren(h('h2', { id: 'assign-h', text: `Assign licenses: ${sku.AccountSkuId}` }),
    h('form', { class: 'grid', 'aria-label': 'Assign licenses', onsubmit: async (ev) => {
      ev.preventDefault();
      const list = who.value.split(/[,;\s]+/).filter(Boolean);
      if (!list.length) { setStatus(st, 'Choose at least one user.', 'error'); return; }
      if (list.length > 20) { setStatus(st, 'Assign to at most 20 users at a time.', 'error'); return; }
      const missing = list.filter((x) => byUpn.has(x.toLowerCase()) && !byUpn.get(x.toLowerCase()).UsageLocation);
      if (missing.length && !loc.value) {
        setStatus(st, `${missing.join(', ')} ha${missing.length > 1 ? 've' : 's'} no usage location. Choose a usage location first.`, 'error');
        loc.focus();
        return;
      }
      results.replaceChildren();
      const dis = plans.filter((x) => !x.b.checked).map((x) => x.p);
      let bad = 0;
      for (const upn of list) {
        const u = byUpn.get(upn.toLowerCase());
        if (u && !u.UsageLocation) {
          const r0 = await invoke('msol', 'Set-MsolUser', { UserPrincipalName: upn, UsageLocation: loc.value });
          if (!r0.ok) { bad++; results.append(h('li', { class: 'res-fail', text: `${upn}: ${r0.error}` })); continue; }
          u.UsageLocation = loc.value;
        }
        const p = { UserPrincipalName: upn, AddLicenses: [sku.AccountSkuId] };
        if (dis.length) p.LicenseOptions = [{ AccountSkuId: sku.AccountSkuId, DisabledServicePlans: dis }];
        const r = await invoke('msol', 'Set-MsolUserLicense', p, shown);
        if (r.ok) results.append(h('li', { class: 'res-pass', text: `${upn}: assigned` }));
        else { bad++; results.append(h('li', { class: 'res-fail', text: `${upn}: ${r.error}` })); }
      }
      setStatus(st, bad ? `${bad} of ${list.length} could not be assigned.` : `Assigned to ${list.length} user${list.length > 1 ? 's' : ''}.`, bad ? 'error' : 'ok');
    } },
    field('assign-who', 'Users', who), dl,
    h('span', { text: 'Apps and services' }), h('div', { class: 'plans', role: 'group', 'aria-label': 'Apps and services' }, plans.map((x) => x.el)),
    field('assign-location', 'Usage location for users without one', loc),
    h('button', { type: 'submit', text: 'Assign licenses' })),
  shown, st, results);
  who.focus();
}

// ---- Registrar pools ----
async function viewPools() {
  const m = main();
  const st = status();
  const shown = cmdBox();
  const pools = h('div');
  const rooms = h('div');
  const rst = status();
  m.replaceChildren(h('h1', { text: 'Registrar pools' }), shown, st, pools, h('h2', { text: 'Meeting rooms' }), rst, rooms);
  const [p, r] = await Promise.all([invoke('sfb', 'Get-CsRegistrarStatus', {}, shown), invoke('sfb', 'Get-CsMeetingRoom', {})]);
  if (!p.ok) setStatus(st, p.error, 'error');
  else pools.replaceChildren(table('Pools', ['Pool', 'Active registrations', 'Registered rooms', 'Registered', 'Challenged', 'Auth failures', 'Refused', 'Redirected', 'Banned sources'],
    p.value.map((x) => h('tr', {}, h('th', { scope: 'row', text: x.PoolFqdn }), ...['ActiveRegistrations', 'RegisteredRooms', 'Registered', 'Challenged', 'AuthFailed', 'Refused', 'Redirected', 'BannedSources'].map((k) => h('td', { text: x[k] }))))));
  if (!r.ok) { setStatus(rst, r.error, 'error'); return; }
  const ready = new Map();
  const render = () => rooms.replaceChildren(table('Meeting rooms by pool', ['Room', 'SIP address', 'Registrar pool', 'Enabled', 'Readiness'],
    r.value.slice().sort((a, b) => (a.RegistrarPool || '').localeCompare(b.RegistrarPool || '') || a.UserPrincipalName.localeCompare(b.UserPrincipalName))
      .map((x) => { const rd = ready.get(x.UserPrincipalName); return h('tr', {},
        h('td', {}, h('a', { href: '/portal/rooms/' + enc(x.UserPrincipalName), text: x.DisplayName || x.UserPrincipalName })),
        h('td', { text: x.SipAddress }), h('td', { text: x.RegistrarPool }), h('td', { text: x.Enabled ? 'Yes' : 'No' }),
        h('td', { class: rd ? resultClass(rd) : '', text: rd ? resultLabel(rd) : '' })); })));
  setStatus(rst, `${r.value.length} meeting room${r.value.length === 1 ? '' : 's'}.`);
  render();
  rooms.before(h('button', { type: 'button', class: 'secondary', text: 'Check readiness of every room', onclick: async () => {
    for (const x of r.value) {
      const t = await invoke('sfb', 'Test-RoomSystemAccount', { Identity: x.UserPrincipalName });
      const res = t.ok ? t.value.map((c) => c.Result) : ['Fail'];
      ready.set(x.UserPrincipalName, res.includes('Fail') ? 'Fail' : res.includes('Warning') ? 'Warning' : 'Pass');
      render();
    }
  } }));
}

// ---- Audit log ----
async function viewAudit() {
  const m = main();
  const st = status();
  const list = h('div');
  const shown = cmdBox();
  const cmdlets = h('input');
  const objects = h('input');
  async function load() {
    const p = { ResultSize: 200 };
    if (cmdlets.value.trim()) p.Cmdlets = cmdlets.value.split(',').map((s) => s.trim()).filter(Boolean);
    if (objects.value.trim()) p.ObjectIds = objects.value.split(',').map((s) => s.trim()).filter(Boolean);
    const r = await invoke('exchange', 'Search-AdminAuditLog', p, shown);
    if (!r.ok) { setStatus(st, r.error, 'error'); list.replaceChildren(); return; }
    setStatus(st, `${r.value.length} entr${r.value.length === 1 ? 'y' : 'ies'}.`);
    list.replaceChildren(table('Admin audit log', ['Run date', 'Caller', 'Cmdlet', 'Object', 'Parameters', 'Succeeded', 'Error'],
      r.value.map((e) => h('tr', { class: e.Succeeded ? '' : 'res-fail' }, h('td', { text: e.RunDate }), h('td', { text: e.Caller }),
        h('td', { text: e.CmdletName }), h('td', { text: e.ObjectModified }),
        h('td', { text: (e.CmdletParameters || []).map((x) => `-${x.Name} ${x.Value}`).join(' ') }),
        h('td', { text: e.Succeeded ? 'Yes' : 'No' }), h('td', { text: e.Error || '' })))));
  }
  m.replaceChildren(h('h1', { text: 'Audit log' }),
    h('form', { class: 'inline', role: 'search', onsubmit: (ev) => { ev.preventDefault(); load(); } },
      field('audit-cmdlets', 'Cmdlets', cmdlets), field('audit-objects', 'Objects', objects),
      h('button', { type: 'submit', text: 'Search' })),
    shown, st, list);
  await load();
}

// ---- start ----
async function start() {
  const res = await fetch('/portal/api/session', { credentials: 'same-origin' });
  if (!res.ok) { location.assign('/portal/login'); return; }
  const s = await res.json();
  Object.assign(S, s);
  document.getElementById('who').textContent = `${s.upn} (${s.roles.join(', ') || 'no roles'})`;
  document.getElementById('signout').addEventListener('click', async () => {
    await fetch('/portal/logout', { method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': S.csrf } });
    sessionStorage.removeItem('cmdlog');
    location.assign('/portal/login?signedout=1');
  });
  renderLog();
  const parts = location.pathname.replace(/^\/portal\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const view = parts[0] || 'rooms';
  for (const a of document.querySelectorAll('header nav a')) {
    if (a.getAttribute('href') === '/portal/' + view) a.setAttribute('aria-current', 'page');
  }
  document.title = `${view[0].toUpperCase()}${view.slice(1)} - roomsys admin portal`;
  if (view === 'rooms') return parts[1] ? viewRoom(parts[1]) : viewRooms();
  if (view === 'users') return parts[1] ? viewUser(parts[1]) : viewUsers();
  if (view === 'licenses') return viewLicenses();
  if (view === 'audit') return viewAudit();
  if (view === 'pools') return viewPools();
  main().replaceChildren(h('h1', { text: 'Not found' }));
}
document.addEventListener('DOMContentLoaded', () => { start().catch((e) => { main().replaceChildren(status('The page failed: ' + e.message, 'error')); }); });

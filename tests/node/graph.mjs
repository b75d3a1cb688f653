// graph.mjs - the unmodified @microsoft/microsoft-graph-client 3.0.7 against
// roomsysd's Graph subset (admin-api.md sections 2 and 4.1). Driven by
// tests/e2e/test_graph.sh, which starts the daemon, provisions rooms with the
// shell (Set-Place) and passes: GRAPH_BASE (https://127.0.0.1:<port>),
// GRAPH_TOKEN (an admin's Graph token), GRAPH_EVE_TOKEN (an Exchange
// Administrator's), GRAPH_DAY (a weekday ahead, YYYY-MM-DD), and
// NODE_EXTRA_CA_CERTS. Prints TAP-like "ok - " / "not ok - " lines.
import { Client, PageIterator } from '@microsoft/microsoft-graph-client';

const base = process.env.GRAPH_BASE;
const host = new URL(base).hostname;
const day = process.env.GRAPH_DAY;
let failed = 0;
function check(name, cond, detail) {
  if (cond) console.log(`ok - ${name}`);
  else {
    failed++;
    console.log(`not ok - ${name}`);
    if (detail !== undefined) console.log(`#   ${JSON.stringify(detail).slice(0, 2000)}`);
  }
}
function client(token) {
  return Client.initWithMiddleware({
    authProvider: { getAccessToken: async () => token },
    baseUrl: base,
    customHosts: new Set([host]),
  });
}
// The GraphError of a call that must fail (null when it succeeded).
async function failure(p) {
  try {
    await p;
    return null;
  } catch (e) {
    return e;
  }
}

const g = client(process.env.GRAPH_TOKEN);
const eve = client(process.env.GRAPH_EVE_TOKEN);
const dom = 'contoso.onmicrosoft.com';

// ---- users ----
const created = await g.api('/users').post({
  accountEnabled: true,
  displayName: 'Graph Gina',
  mailNickname: 'gina',
  userPrincipalName: `gina@${dom}`,
  passwordProfile: { forceChangePasswordNextSignIn: false, password: 'Gr4ph-Pass!word' },
});
check('POST /users answers the new user with an id', /^[0-9a-f-]{36}$/.test(created.id), created);
check('the created user has the $entity context',
  created['@odata.context'] === `${base}/v1.0/$metadata#users/$entity`, created);
check('the default projection has no usageLocation', !('usageLocation' in created), created);

let e = await failure(g.api('/users').post({
  accountEnabled: true, displayName: 'Gina 2', mailNickname: 'gina', userPrincipalName: `gina@${dom}`,
  passwordProfile: { password: 'Gr4ph-Pass!word2' },
}));
check('a duplicate UPN is 400 Request_BadRequest',
  e && e.statusCode === 400 && e.code === 'Request_BadRequest' &&
  /Another object with the same value for property userPrincipalName already exists/.test(e.message), e);
e = await failure(g.api('/users').post({
  accountEnabled: true, displayName: 'Weak', mailNickname: 'weak', userPrincipalName: `weak@${dom}`,
  passwordProfile: { password: 'abc' },
}));
check('a weak password is 400 with the complexity text',
  e && e.statusCode === 400 && /does not comply with password complexity requirements/.test(e.message), e);
e = await failure(g.api('/users').post({ displayName: 'x', favouriteColour: 'blue' }));
check('an unknown property is 400 naming it',
  e && e.statusCode === 400 && /favouriteColour/.test(e.message), e);
e = await failure(g.api(`/users/weak@${dom}`).get());
check('nothing was created by the refused requests', e && e.statusCode === 404, e);

const got = await g.api(`/users/${created.id}`).get();
check('GET /users/{id} finds the user', got.userPrincipalName === `gina@${dom}` && got.id === created.id, got);
const byUpn = await g.api(`/users/gina@${dom}`).select('id,usageLocation,accountEnabled,passwordPolicies').get();
check('GET /users/{upn} with $select returns only those properties',
  byUpn.id === created.id && byUpn.usageLocation === null && byUpn.accountEnabled === true &&
  !('displayName' in byUpn) &&
  byUpn['@odata.context'] === `${base}/v1.0/$metadata#users(id,usageLocation,accountEnabled,passwordPolicies)/$entity`,
  byUpn);
e = await failure(g.api('/users/nobody@contoso.onmicrosoft.com').get());
check('an unknown user is 404 Request_ResourceNotFound',
  e && e.statusCode === 404 && e.code === 'Request_ResourceNotFound' &&
  e.message === "Resource 'nobody@contoso.onmicrosoft.com' does not exist or one of its queried reference-property objects are not present.", e);

// a batch of users to page through
for (let i = 0; i < 7; i++) {
  const u = {
    accountEnabled: i % 2 === 0, displayName: `Pager ${i}`, mailNickname: `pager${i}`,
    userPrincipalName: `pager${i}@${dom}`, passwordProfile: { password: `Pager-Pass!word${i}` },
  };
  if (i < 3) u.usageLocation = 'DE';
  await g.api('/users').post(u);
}
const page1 = await g.api('/users').filter("startsWith(userPrincipalName,'pager')").select('displayName,userPrincipalName').top(3).get();
check('a filtered list pages 3 at a time with an absolute nextLink',
  page1.value.length === 3 && typeof page1['@odata.nextLink'] === 'string' &&
  page1['@odata.nextLink'].startsWith(`${base}/v1.0/users?$skiptoken=`), page1);
check('$select applies to list items',
  page1.value.every((u) => Object.keys(u).sort().join() === 'displayName,userPrincipalName'), page1.value);
const seen = [];
const it = new PageIterator(g, page1, (u) => { seen.push(u.userPrincipalName); return true; });
await it.iterate();
check('PageIterator follows nextLinks through every page (filter and select kept)',
  seen.length === 7 && new Set(seen).size === 7 && seen.every((u) => u.startsWith('pager')), seen);
const de = await g.api('/users').filter("usageLocation eq 'DE' and accountEnabled eq true").get();
check('$filter with and on usageLocation and accountEnabled',
  de.value.map((u) => u.userPrincipalName).sort().join() === `pager0@${dom},pager2@${dom}`, de.value);
const orq = await g.api('/users').filter(`userPrincipalName eq 'pager1@${dom}' or displayName eq 'Pager 6'`).get();
check('$filter with or', orq.value.length === 2, orq.value);
e = await failure(g.api('/users').filter('jobTitle eq 1').get());
check('an unsupported $filter property is 400', e && e.statusCode === 400, e);
e = await failure(g.api('/users').filter("userPrincipalName eq 'x").get());
check('a malformed $filter is 400 Request_BadRequest', e && e.statusCode === 400 && e.code === 'Request_BadRequest', e);
e = await failure(g.api('/users').top(1000).get());
check('$top above 999 is 400', e && e.statusCode === 400, e);

// ---- PATCH and licenses ----
const skus = await g.api('/subscribedSkus').get();
const std = skus.value.find((s) => s.skuPartNumber === 'MCOSTANDARD');
check('subscribedSkus lists the tenant subscriptions with Graph fields',
  std && std.appliesTo === 'User' && std.capabilityStatus === 'Enabled' && std.prepaidUnits.enabled === 25 &&
  std.id.endsWith(`_${std.skuId}`) && Array.isArray(std.servicePlans) && std.servicePlans[0].servicePlanName === 'MCOSTANDARD',
  skus.value[0]);
const consumedBefore = std.consumedUnits;
e = await failure(g.api(`/users/${created.id}/assignLicense`).post({ addLicenses: [{ skuId: std.skuId, disabledPlans: [] }], removeLicenses: [] }));
check('assignLicense without a usage location is refused with Graph\'s text',
  e && e.statusCode === 400 && e.code === 'Request_BadRequest' &&
  e.message === 'License assignment cannot be done for user with invalid usage location.', e);
await g.api(`/users/${created.id}`).patch({ usageLocation: 'US', displayName: 'Graph Gina R.' });
const patched = await g.api(`/users/${created.id}`).select('usageLocation,displayName').get();
check('PATCH /users/{id} sets usageLocation and displayName',
  patched.usageLocation === 'US' && patched.displayName === 'Graph Gina R.', patched);
e = await failure(g.api(`/users/${created.id}`).patch({ usageLocation: 'Narnia', displayName: 'Nope' }));
const after = await g.api(`/users/${created.id}`).select('usageLocation,displayName').get();
check('a bad PATCH is 400 and changes nothing',
  e && e.statusCode === 400 && after.usageLocation === 'US' && after.displayName === 'Graph Gina R.', [e, after]);
const ent = skus.value.find((s) => s.skuPartNumber === 'ENTERPRISEPACK');
const disabled = ent.servicePlans.find((p) => p.servicePlanName.startsWith('EXCHANGE')).servicePlanId;
const lic = await g.api(`/users/${created.id}/assignLicense`).post({
  addLicenses: [{ skuId: std.skuId, disabledPlans: [] }, { skuId: ent.skuId, disabledPlans: [disabled] }],
  removeLicenses: [],
});
check('assignLicense answers the user with assignedLicenses',
  lic.id === created.id && lic.assignedLicenses.map((l) => l.skuId).sort().join() === [std.skuId, ent.skuId].sort().join(),
  lic);
check('disabledPlans read back as sent',
  JSON.stringify(lic.assignedLicenses.find((l) => l.skuId === ent.skuId).disabledPlans) === JSON.stringify([disabled]),
  lic.assignedLicenses);
check('... and that plan is not enabled in assignedPlans',
  !lic.assignedPlans.some((p) => p.servicePlanId === disabled && p.capabilityStatus === 'Enabled'), lic.assignedPlans);
const re = await g.api(`/users/${created.id}/assignLicense`).post({ addLicenses: [{ skuId: ent.skuId, disabledPlans: [] }], removeLicenses: [] });
check('re-adding a held license replaces its disabled plans',
  re.assignedLicenses.find((l) => l.skuId === ent.skuId).disabledPlans.length === 0, re.assignedLicenses);
e = await failure(g.api(`/users/${created.id}/assignLicense`).post({ addLicenses: [{ skuId: std.skuId, disabledPlans: [disabled] }], removeLicenses: [] }));
check('a disabled plan outside the SKU is 400', e && e.statusCode === 400, e);
e = await failure(g.api(`/users/${created.id}/assignLicense`).post({ addLicenses: [] }));
check('assignLicense without removeLicenses is 400', e && e.statusCode === 400, e);
check('assignedPlans lists the plans', Array.isArray(lic.assignedPlans) &&
  lic.assignedPlans.some((p) => p.servicePlanId === std.servicePlans[0].servicePlanId && p.capabilityStatus === 'Enabled'),
  lic.assignedPlans);
const skus2 = await g.api('/subscribedSkus').get();
check('consumedUnits went up by one', skus2.value.find((s) => s.skuId === std.skuId).consumedUnits === consumedBefore + 1);
const sel = await g.api(`/users/${created.id}`).select('assignedLicenses').get();
check('assignedLicenses only with $select', Array.isArray(sel.assignedLicenses) && !('assignedLicenses' in got));
const rm = await g.api(`/users/${created.id}/assignLicense`).post({ addLicenses: [], removeLicenses: [ent.skuId] });
check('removeLicenses removes one', rm.assignedLicenses.length === 1 && rm.assignedLicenses[0].skuId === std.skuId, rm);
const imp = skus.value.find((s) => s.skuPartNumber === 'MCOIMP');
// the MCOIMP subscription has 5 seats: fill them, then one more must fail
let seatErr = null;
for (let i = 0; i < 6 && !seatErr; i++) {
  const upn = `pager${i}@${dom}`;
  await g.api(`/users/${upn}`).patch({ usageLocation: 'FR' });
  seatErr = await failure(g.api(`/users/${upn}/assignLicense`).post({ addLicenses: [{ skuId: imp.skuId }], removeLicenses: [] }));
}
check('no seat left is 400 with "does not have any available licenses"',
  seatErr && seatErr.statusCode === 400 && /does not have any available licenses/.test(seatErr.message), seatErr);

// ---- permissions ----
e = await failure(eve.api('/users').post({
  accountEnabled: true, displayName: 'Eve made', mailNickname: 'evemade', userPrincipalName: `evemade@${dom}`,
  passwordProfile: { password: 'Eve-Made!pass1' },
}));
check('an Exchange Administrator creating a user is 403 Authorization_RequestDenied',
  e && e.statusCode === 403 && e.code === 'Authorization_RequestDenied', e);
e = await failure(g.api(`/users/evemade@${dom}`).get());
check('the refused creation changed nothing', e && e.statusCode === 404);

// ---- places ----
const rooms = await g.api('/places/microsoft.graph.room').get();
const r1 = rooms.value.find((r) => r.emailAddress === `gr1@${dom}`);
check('rooms carry the Set-Place fields',
  r1 && r1.building === 'Building 40' && r1.floorNumber === 2 && r1.floorLabel === 'Second' && r1.capacity === 12 &&
  r1.isWheelChairAccessible === true && r1.audioDeviceName === 'PolyCom' && r1.videoDeviceName === 'Cam 4K' &&
  r1.displayDeviceName === 'InFocus WXGA Projector' && r1.address.city === 'Redmond' &&
  r1.address.countryOrRegion === 'US' && r1.tags.join() === 'view,whiteboard' && r1.bookingType === 'standard' &&
  r1['@odata.type'] === '#microsoft.graph.room' && r1.displayName === 'Graph Room 1', r1);
const big = await g.api('/places/microsoft.graph.room').filter('capacity ge 10').get();
check('$filter on capacity', big.value.length === 1 && big.value[0].emailAddress === `gr1@${dom}`, big.value);
const topRooms = await g.api('/places/microsoft.graph.room').top(1).get();
const allRooms = [];
await new PageIterator(g, topRooms, (r) => { allRooms.push(r.emailAddress); return true; }).iterate();
check('rooms page with $top/$skip nextLinks', allRooms.length === rooms.value.length && rooms.value.length === 3, allRooms);
const lists = await g.api('/places/microsoft.graph.roomlist').get();
const bl = lists.value.find((l) => l.emailAddress === `bldg40@${dom}`);
check('room lists: the RoomList groups (not a plain distribution group)',
  lists.value.length === 2 && lists.value.some((l) => l.displayName === 'Empty List'), lists.value);
check('a room list in Graph\'s roomList shape',
  bl && bl['@odata.type'] === '#microsoft.graph.roomList' && bl.displayName === 'Building 40' &&
  /^[0-9a-f-]{36}$/.test(bl.id) && 'address' in bl && 'geoCoordinates' in bl && 'phone' in bl, bl);
const inList = await g.api(`/places/bldg40@${dom}/microsoft.graph.roomlist/rooms`).get();
const byMail = Object.fromEntries(inList.value.map((r) => [r.emailAddress, r]));
check('a room list\'s rooms with the Set-Place capacity, building and floor',
  inList.value.length === 2 && byMail[`gr1@${dom}`].capacity === 12 && byMail[`gr1@${dom}`].floorNumber === 2 &&
  byMail[`gr2@${dom}`].capacity === 4 && byMail[`gr2@${dom}`].floorNumber === 3 &&
  byMail[`gr2@${dom}`].building === 'Building 40' && byMail[`gr1@${dom}`]['@odata.type'] === '#microsoft.graph.room',
  inList.value);
const bigInList = await g.api(`/places/bldg40@${dom}/microsoft.graph.roomlist/rooms`).filter('capacity ge 10').get();
check('$filter on a room list\'s rooms', bigInList.value.length === 1 && bigInList.value[0].emailAddress === `gr1@${dom}`,
  bigInList.value);
const byId = await g.api(`/places/${bl.id}/microsoft.graph.roomlist/rooms`).get();
check('a room list named by its id', byId.value.length === 2, byId);
const empty = await g.api(`/places/emptylist@${dom}/microsoft.graph.roomlist/rooms`).get();
check('an empty room list has no rooms', Array.isArray(empty.value) && empty.value.length === 0, empty);
e = await failure(g.api(`/places/nolist@${dom}/microsoft.graph.roomlist/rooms`).get());
check('an unknown room list is 404 Request_ResourceNotFound',
  e && e.statusCode === 404 && e.code === 'Request_ResourceNotFound', e);

// ---- calendars ----
const at = (h) => ({ dateTime: `${day}T${String(h).padStart(2, '0')}:00:00`, timeZone: 'UTC' });
const ev1 = await g.api(`/users/gina@${dom}/events`).post({
  subject: 'Graph planning', start: at(9), end: at(10),
  attendees: [{ type: 'resource', emailAddress: { address: `gr1@${dom}`, name: 'Graph Room 1' } },
    { type: 'required', emailAddress: { address: `pager1@${dom}`, name: 'Pager 1' } }],
});
const a1 = ev1.attendees.find((a) => a.emailAddress.address === `gr1@${dom}`);
check('an event with a free room: the room accepts', a1 && a1.status.response === 'accepted' && ev1.iCalUId, ev1);
const ev2 = await g.api(`/users/pager1@${dom}/events`).post({
  subject: 'Clash', start: at(9), end: { dateTime: `${day}T09:30:00`, timeZone: 'UTC' },
  attendees: [{ type: 'resource', emailAddress: { address: `gr1@${dom}` } }],
});
check('a conflicting event: the room declines',
  ev2.attendees.find((a) => a.type === 'resource').status.response === 'declined', ev2);
const view = await g.api(`/users/gr1@${dom}/calendarView`).query({ startDateTime: `${day}T00:00:00Z`, endDateTime: `${day}T23:59:59Z` }).get();
// a room's defaults (DeleteSubject, AddOrganizerToSubject) show the organizer as the subject
// (zones below have no daylight saving time, so the checks hold all year)
check('calendarView shows the accepted event only',
  view.value.length === 1 && view.value[0].subject === 'Graph Gina R.' && view.value[0].showAs === 'busy' &&
  view.value[0].iCalUId === ev1.iCalUId && view.value[0].start.dateTime === `${day}T09:00:00.0000000` &&
  view.value[0].attendees[0].status.response === 'accepted', view.value);
const local = await g.api(`/users/gr1@${dom}/calendarView`).header('Prefer', 'outlook.timezone="Tokyo Standard Time"')
  .query({ startDateTime: `${day}T00:00:00Z`, endDateTime: `${day}T23:59:59Z` }).get();
check('Prefer: outlook.timezone answers local times',
  local.value[0].start.dateTime === `${day}T18:00:00.0000000` && local.value[0].start.timeZone === 'Tokyo Standard Time',
  local.value[0] && local.value[0].start);
const ev3 = await g.api(`/users/gr2@${dom}/events`).post({
  subject: 'Room-side booking', start: { dateTime: `${day}T17:00:00`, timeZone: 'India Standard Time' },
  end: { dateTime: `${day}T18:00:00`, timeZone: 'India Standard Time' },
});
check('POST /users/{room}/events books that room for the caller',
  ev3.attendees.length === 1 && ev3.attendees[0].emailAddress.address === `gr2@${dom}` &&
  ev3.attendees[0].status.response === 'accepted' && ev3.organizer.emailAddress.address === `admin@${dom}` &&
  ev3.start.dateTime === `${day}T17:00:00.0000000` && ev3.start.timeZone === 'India Standard Time', ev3);
const v2 = await g.api(`/users/gr2@${dom}/calendarView`).query({ startDateTime: `${day}T00:00:00Z`, endDateTime: `${day}T23:59:59Z` }).get();
check('... at the UTC time of the request\'s zone', v2.value.length === 1 && v2.value[0].start.dateTime === `${day}T11:30:00.0000000`, v2.value);
e = await failure(g.api(`/users/gina@${dom}/events`).post({ subject: 'No room', start: at(11), end: at(12) }));
check('an event without a room is 400 (roomsys keeps room calendars only)', e && e.statusCode === 400, e);
e = await failure(g.api(`/users/gina@${dom}/events`).post({ subject: 'Backwards', start: at(12), end: at(11),
  attendees: [{ type: 'resource', emailAddress: { address: `gr3@${dom}` } }] }));
check('an event ending before it starts is 400', e && e.statusCode === 400, e);
const evs = await g.api(`/users/gr1@${dom}/calendar/events`).get();
check('calendar/events lists it too', evs.value.some((v) => v.iCalUId === ev1.iCalUId), evs.value);
const sched = await g.api(`/users/gr1@${dom}/calendar/getSchedule`).post({
  schedules: [`gr1@${dom}`, `nobody@${dom}`], startTime: at(8), endTime: at(12), availabilityViewInterval: 60,
});
const s1 = sched.value[0];
check('getSchedule: availabilityView digits per hour', s1.availabilityView === '0200', s1);
check('getSchedule: scheduleItems and workingHours',
  s1.scheduleItems.length === 1 && s1.scheduleItems[0].status === 'busy' &&
  s1.workingHours.daysOfWeek.includes('monday') && s1.workingHours.startTime === '08:00:00.0000000', s1);
check('getSchedule: an unknown schedule has an error', sched.value[1].error && sched.value[1].scheduleId === `nobody@${dom}`, sched.value[1]);
e = await failure(g.api(`/users/gr1@${dom}/calendar/getSchedule`).post({ schedules: [`gr1@${dom}`], startTime: at(8), endTime: at(12), availabilityViewInterval: 2 }));
check('getSchedule: an interval under 5 minutes is 400', e && e.statusCode === 400, e);
e = await failure(g.api(`/users/gr1@${dom}/calendarView`).get());
check('calendarView without a window is 400', e && e.statusCode === 400, e);

console.log(`# graph.mjs: ${failed} failed`);
process.exit(failed ? 1 : 0);

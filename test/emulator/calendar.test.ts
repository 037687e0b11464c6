import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ID, CONTOSO_TENANT, graphClient, graphFetch, relativeNextLink, type Running, signIn, startEmulator, type Tokens } from './support';

// Outlook calendars as a client reads them: what calendarView expands, which times it answers in, who
// may read what. Fixture: dev/emulator/microsoft/README.md, "Calendars".

type Json = Record<string, unknown>;
interface Page<T = Json> { value: T[]; '@odata.nextLink'?: string }
interface DateTimeTimeZone { dateTime: string; timeZone: string }
interface Event {
  id: string; subject: string; type: string; seriesMasterId: string | null; isAllDay: boolean; sensitivity: string; showAs: string;
  start: DateTimeTimeZone; end: DateTimeTimeZone; originalStartTimeZone: string; isOrganizer: boolean; body?: { contentType: string; content: string };
  bodyPreview?: string; location: { displayName: string }; organizer: { emailAddress: { name: string; address: string } };
  attendees: Array<{ type: string; status: { response: string }; emailAddress: { name: string; address: string } }>;
  responseStatus: { response: string }; isOnlineMeeting: boolean; onlineMeeting: { joinUrl: string } | null; originalStart?: string;
  recurrence: { pattern: { type: string; daysOfWeek: string[] }; range: { type: string; numberOfOccurrences: number } } | null;
}
interface Calendar { id: string; name: string; isDefaultCalendar: boolean }

let run: Running;
const t: Record<string, Tokens> = {};
const DAY = 86_400_000;
const startDay = (): number => { const n = Date.now(); return n - (n % DAY); };
const iso = (ms: number): string => new Date(ms).toISOString();

const get = async <T = Json>(who: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: T; headers: Headers }> => {
  const res = await graphFetch(run, t[who]?.access_token ?? '', path, { headers });
  return { status: res.status, body: await res.json() as T, headers: res.headers };
};

const view = async (who: string, from: number | string, to: number | string, extra = '', headers: Record<string, string> = {}): Promise<Event[]> => {
  const s = typeof from === 'number' ? iso(from) : from;
  const e = typeof to === 'number' ? iso(to) : to;
  const r = await get<Page<Event>>(who, `/me/calendarView?startDateTime=${encodeURIComponent(s)}&endDateTime=${encodeURIComponent(e)}&$top=1000${extra}`, headers);
  expect(r.status).toBe(200);
  return r.body.value;
};

beforeAll(async () => {
  run = await startEmulator();
  run.emu.grantConsent({ tenant: CONTOSO_TENANT, clientId: CLIENT_ID, scopes: ['Calendars.ReadBasic', 'Mail.ReadBasic'] });
  for (const who of ['alice', 'bob', 'carol']) t[who] = await signIn(run, `${who}@contoso.com`);
  t['alice-basic'] = await signIn(run, 'alice@contoso.com', { scope: 'openid profile offline_access User.Read Calendars.ReadBasic' });
  t['alice-mail'] = await signIn(run, 'alice@contoso.com', { scope: 'openid profile offline_access User.Read Mail.ReadBasic' });
  t['gina'] = await signIn(run, 'gina@fabrikam.com', { tenant: CONTOSO_TENANT });
});
afterAll(async () => { await run.close(); });

describe('calendars and calendarView', () => {
  it('lists the default calendar first; ids carry + and / and must be encoded in paths', async () => {
    const cals = await graphClient(run, () => t['alice']?.access_token ?? '').api('/me/calendars').get() as Page<Calendar>;
    expect(cals.value.map((c) => c.name)).toEqual(['Calendar', 'Project Phoenix']);
    const main = cals.value[0];
    expect(main?.isDefaultCalendar).toBe(true);
    expect(main?.id).toMatch(/[+/]/);
    expect((await get<Calendar>('alice', `/me/calendars/${encodeURIComponent(main?.id ?? '')}`)).body.name).toBe('Calendar');
    const raw = await get<{ error: { code: string } }>('alice', `/me/calendars/${(main?.id ?? '').replaceAll('/', '%2F')}`);
    expect(raw.status).toBe(400);
    expect(raw.body.error.code).toBe('ErrorInvalidIdMalformed');
    expect((await get<Calendar>('alice', '/me/calendar')).body.id).toBe(main?.id);
  });

  it('needs both ends of the window', async () => {
    for (const q of ['', `?startDateTime=${iso(startDay())}`, `?endDateTime=${iso(startDay())}`]) {
      const r = await get<{ error: { code: string; message: string } }>('alice', `/me/calendarView${q}`);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('ErrorInvalidParameter');
      expect(r.body.error.message).toContain('StartDateTime and EndDateTime');
    }
  });

  it('expands the weekly series into occurrences and one exception; the cancelled one and the master stay out', async () => {
    const events = await view('alice', startDay() - 15 * DAY, startDay() + 40 * DAY);
    const sync = events.filter((e) => e.subject.startsWith('Phoenix weekly sync'));
    expect(sync).toHaveLength(7);
    expect(sync.filter((e) => e.type === 'occurrence')).toHaveLength(6);
    const moved = sync.find((e) => e.type === 'exception');
    expect(moved?.subject).toBe('Phoenix weekly sync (moved)');
    expect(moved?.originalStart).toBeDefined();
    expect(new Set(sync.map((e) => e.seriesMasterId)).size).toBe(1);
    expect(sync.some((e) => e.type === 'seriesMaster')).toBe(false);
    // The fifth occurrence (two weeks after the start day) was deleted from the series.
    const day14 = new Date(startDay() + 14 * DAY).toISOString().slice(0, 10);
    expect(sync.some((e) => e.start.dateTime.startsWith(day14))).toBe(false);

    const masterId = sync[0]?.seriesMasterId ?? '';
    const master = await get<Event>('alice', `/me/events/${encodeURIComponent(masterId)}`);
    expect(master.body.type).toBe('seriesMaster');
    expect(master.body.recurrence?.pattern.type).toBe('weekly');
    expect(master.body.recurrence?.range).toMatchObject({ type: 'numbered', numberOfOccurrences: 8 });
    const listed = await get<Page<Event>>('alice', '/me/events?$top=100');
    expect(listed.body.value.filter((e) => e.subject === 'Phoenix weekly sync').map((e) => e.type)).toEqual(['seriesMaster']);
    const instances = await get<Page<Event>>('alice',
      `/me/events/${encodeURIComponent(masterId)}/instances?startDateTime=${iso(startDay() - 30 * DAY)}&endDateTime=${iso(startDay() + 60 * DAY)}`);
    expect(instances.body.value.map((e) => e.id).sort()).toEqual(sync.map((e) => e.id).sort());
    const one = await get<Event>('alice', `/me/events/${encodeURIComponent(moved?.id ?? '')}`);
    expect(one.body).toMatchObject({ type: 'exception', seriesMasterId: masterId, subject: 'Phoenix weekly sync (moved)' });
  });

  it('pages with $top and a nextLink that keeps the window; 10 a page by default, at most 1000', async () => {
    const from = iso(startDay());
    const to = iso(startDay() + 30 * DAY);
    const cals = await get<Page<Calendar>>('bob', '/me/calendars');
    const train = cals.body.value.find((c) => c.name === 'Release train');
    const base = `/me/calendars/${encodeURIComponent(train?.id ?? '')}/calendarView?startDateTime=${from}&endDateTime=${to}`;
    const first = await get<Page<Event>>('bob', base);
    expect(first.body.value).toHaveLength(10);
    expect(first.body['@odata.nextLink']).toContain('$skip=10');
    const seen: Event[] = [];
    let next: string | undefined = `${base}&$top=120`;
    let pages = 0;
    while (next) {
      const page: { body: Page<Event> } = await get<Page<Event>>('bob', next);
      seen.push(...page.body.value);
      pages++;
      const link = page.body['@odata.nextLink'];
      if (link) expect(link).toContain(`startDateTime=${encodeURIComponent(from)}`.replace(/%3A/g, '%3A'));
      next = link ? relativeNextLink(run, link) : undefined;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(300);
    expect(new Set(seen.map((e) => e.id)).size).toBe(300);
    expect(seen.some((e) => e.isAllDay)).toBe(true);
    expect(seen.some((e) => e.sensitivity === 'private')).toBe(true);
    expect(new Set(seen.map((e) => e.showAs))).toEqual(new Set(['busy', 'free', 'tentative', 'oof']));
    expect((await get('bob', `${base}&$top=1001`)).status).toBe(400);
  });
});

describe('time zones', () => {
  const breakfast = (es: Event[]) => es.filter((e) => e.subject === 'Berlin team breakfast');

  it('answers in UTC by default: a Berlin series moves an hour earlier in UTC after the clocks go forward', async () => {
    const es = breakfast(await view('alice', '2027-03-01T00:00:00Z', '2027-04-30T00:00:00Z'));
    expect(es.map((e) => e.start)).toEqual([
      { dateTime: '2027-03-15T08:00:00.0000000', timeZone: 'UTC' }, { dateTime: '2027-03-22T08:00:00.0000000', timeZone: 'UTC' },
      { dateTime: '2027-03-29T07:00:00.0000000', timeZone: 'UTC' }, { dateTime: '2027-04-05T07:00:00.0000000', timeZone: 'UTC' },
    ]);
    expect(es[0]?.originalStartTimeZone).toBe('W. Europe Standard Time');
  });

  it('answers in the zone a Prefer header names (IANA or Windows), echoed in Preference-Applied', async () => {
    const r = await graphFetch(run, t['alice']?.access_token ?? '', '/me/calendarView?startDateTime=2027-03-01T00:00:00Z&endDateTime=2027-04-30T00:00:00Z&$top=100',
      { headers: { Prefer: 'outlook.timezone="Europe/Berlin"' } });
    expect(r.headers.get('preference-applied')).toBe('outlook.timezone="Europe/Berlin"');
    const es = breakfast((await r.json() as Page<Event>).value);
    expect(es.map((e) => e.start.dateTime.slice(11, 16))).toEqual(['09:00', '09:00', '09:00', '09:00']);
    expect(es.every((e) => e.start.timeZone === 'Europe/Berlin')).toBe(true);

    const ny = (await view('alice', '2027-03-01T00:00:00Z', '2027-04-01T00:00:00Z', '', { Prefer: 'outlook.timezone="W. Europe Standard Time"' }))
      .filter((e) => e.subject === 'New York partner sync');
    // New York moves on 14 March, Berlin on 28 March: for two weeks the call is an hour earlier in Berlin.
    expect(ny.map((e) => `${e.start.dateTime.slice(0, 16)} ${e.start.timeZone}`)).toEqual([
      '2027-03-05T16:00 W. Europe Standard Time', '2027-03-12T16:00 W. Europe Standard Time',
      '2027-03-19T15:00 W. Europe Standard Time', '2027-03-26T15:00 W. Europe Standard Time',
    ]);
  });

  it('keeps events that span a DST change at their real length', async () => {
    const night = (await view('alice', '2027-03-27T00:00:00Z', '2027-03-29T00:00:00Z')).find((e) => e.subject.startsWith('Release night'));
    expect([night?.start.dateTime, night?.end.dateTime]).toEqual(['2027-03-27T22:00:00.0000000', '2027-03-28T02:00:00.0000000']);
    const local = (await view('alice', '2027-03-27T00:00:00Z', '2027-03-29T00:00:00Z', '', { Prefer: 'outlook.timezone="Europe/Berlin"' }))
      .find((e) => e.subject.startsWith('Release night'));
    expect([local?.start.dateTime, local?.end.dateTime]).toEqual(['2027-03-27T23:00:00.0000000', '2027-03-28T04:00:00.0000000']);
    const shift = (await view('alice', '2026-10-31T00:00:00Z', '2026-11-02T00:00:00Z', '', { Prefer: 'outlook.timezone="America/New_York"' }))
      .find((e) => e.subject.startsWith('New York late support shift'));
    expect([shift?.start.dateTime, shift?.end.dateTime]).toEqual(['2026-11-01T00:30:00.0000000', '2026-11-01T03:30:00.0000000']);
    expect(shift?.originalStartTimeZone).toBe('Eastern Standard Time');
  });

  it('reads the window in the offset its ends carry, not in the Prefer zone', async () => {
    const es = breakfast(await view('alice', '2027-03-15T09:00:00+01:00', '2027-03-15T09:30:00+01:00', '', { Prefer: 'outlook.timezone="America/New_York"' }));
    expect(es).toHaveLength(1);
    expect(es[0]?.start).toEqual({ dateTime: '2027-03-15T04:00:00.0000000', timeZone: 'America/New_York' });
  });

  it('refuses a zone it does not know with 400 TimeZoneNotSupportedException', async () => {
    const r = await get<{ error: { code: string } }>('alice', `/me/calendarView?startDateTime=${iso(startDay())}&endDateTime=${iso(startDay() + DAY)}`,
      { Prefer: 'outlook.timezone="Mars/Olympus_Mons"' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('TimeZoneNotSupportedException');
  });

  it('keeps all-day events on their dates in any zone', async () => {
    const holiday = (await view('alice', startDay(), startDay() + 7 * DAY, '', { Prefer: 'outlook.timezone="America/Los_Angeles"' }))
      .find((e) => e.subject === 'Company holiday');
    const date = new Date(startDay() + 3 * DAY).toISOString().slice(0, 10);
    expect(holiday?.isAllDay).toBe(true);
    expect(holiday?.start).toEqual({ dateTime: `${date}T00:00:00.0000000`, timeZone: 'America/Los_Angeles' });
    expect(holiday?.end.dateTime).toBe(`${new Date(startDay() + 4 * DAY).toISOString().slice(0, 10)}T00:00:00.0000000`);
  });
});

describe('what the owner sees of each event', () => {
  const week = () => view('alice', startDay() - DAY, startDay() + 10 * DAY);

  it('shows private and confidential events in full to their owner, with their sensitivity and free/busy', async () => {
    const es = await week();
    const doctor = es.find((e) => e.subject === "Doctor's appointment");
    expect(doctor).toMatchObject({ sensitivity: 'private', showAs: 'busy', location: { displayName: 'Dr. Weber, Hauptstr. 5' } });
    expect(doctor?.body?.content).toContain('Bring the referral letter.');
    expect(es.find((e) => e.subject.startsWith('Salary review'))?.sensitivity).toBe('confidential');
    expect(es.find((e) => e.subject === 'Company holiday')?.showAs).toBe('oof');
    expect(es.find((e) => e.subject === 'Working from the Berlin office')?.showAs).toBe('workingElsewhere');
  });

  it('an attendee’s copy of a meeting has its own id and the organizer’s iCalUId, found with $filter=iCalUId eq', async () => {
    const alices = (await view('alice', startDay(), startDay() + 3 * DAY, '&$select=id,subject,iCalUId')).find((e) => e.subject === 'Design review') as (Event & { iCalUId: string }) | undefined;
    const uid = alices?.iCalUId ?? '';
    expect(uid).toMatch(/^040000008200E00074C5B7101A82E008/);
    const filter = (who: string, f: string) => get<Page<Event & { iCalUId: string }>>(who, `/me/events?$filter=${encodeURIComponent(f)}&$select=id,iCalUId`);
    const bobs = await filter('bob', `iCalUId eq '${uid}' or iCalUId eq 'no-such-meeting'`);
    expect(bobs.status).toBe(200);
    expect(bobs.body.value).toHaveLength(1);
    expect(bobs.body.value[0]?.iCalUId).toBe(uid);
    expect(bobs.body.value[0]?.id).not.toBe(alices?.id);
    // Not every meeting is in every calendar, and other filters are not evaluated.
    const stand = (await view('bob', startDay(), startDay() + DAY, '&$select=id,subject,iCalUId')).find((e) => e.subject === 'Phoenix stand-up') as (Event & { iCalUId: string }) | undefined;
    expect((await filter('carol', `iCalUId eq '${stand?.iCalUId ?? ''}'`)).body.value).toHaveLength(0);
    expect((await filter('bob', "subject eq 'Design review'")).status).toBe(400);
  });

  it('gives attendees with responses and addresses, the organizer, and the Teams join link', async () => {
    const es = await week();
    const review = es.find((e) => e.subject === 'Design review');
    expect(review?.isOnlineMeeting).toBe(true);
    expect(review?.onlineMeeting?.joinUrl).toMatch(/^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//);
    expect(review?.attendees.map((a) => [a.emailAddress.address, a.type, a.status.response])).toEqual([
      ['bob@contoso.com', 'required', 'accepted'], ['carol@contoso.com', 'required', 'tentativelyAccepted'],
      ['dana.ruiz@northwind.example', 'optional', 'declined'],
    ]);
    expect(review?.organizer.emailAddress.address).toBe('alice@contoso.com');
    expect(review?.responseStatus.response).toBe('organizer');
    const demo = es.find((e) => e.subject.startsWith('Vendor demo'));
    expect(demo).toMatchObject({ isOrganizer: false, showAs: 'tentative', responseStatus: { response: 'tentativelyAccepted' } });
    expect(demo?.organizer.emailAddress).toEqual({ name: 'dana.ruiz@northwind.example', address: 'dana.ruiz@northwind.example' });
    // Carol's copy of Alice's meeting.
    const carols = (await view('carol', startDay(), startDay() + 3 * DAY)).find((e) => e.subject === 'Design review');
    expect(carols).toMatchObject({ isOrganizer: false, responseStatus: { response: 'tentativelyAccepted' } });
    expect(carols?.onlineMeeting?.joinUrl).toBe(review?.onlineMeeting?.joinUrl);
  });

  it('does not filter script out of event bodies (Graph documents its filter for messages only)', async () => {
    const demo = (await week()).find((e) => e.subject.startsWith('Vendor demo'));
    expect(demo?.body?.contentType).toBe('html');
    expect(demo?.body?.content).toContain("<script>alert('event body')</script>");
    expect(demo?.body?.content).toContain('onerror=');
    const r = await graphFetch(run, t['alice']?.access_token ?? '', `/me/events/${encodeURIComponent(demo?.id ?? '')}`,
      { headers: { Prefer: 'outlook.body-content-type="text"' } });
    expect(r.headers.get('preference-applied')).toBe('outlook.body-content-type="text"');
    const text = await r.json() as Event;
    expect(text.body).toEqual({ contentType: 'text', content: expect.not.stringContaining('<') });
    expect(text.bodyPreview).toContain('Demo agenda');
  });

  it('shows immutable ids when asked, for the event and its series master alike', async () => {
    const r = await graphFetch(run, t['alice']?.access_token ?? '', `/me/calendarView?startDateTime=${iso(startDay() - 15 * DAY)}&endDateTime=${iso(startDay() + 40 * DAY)}&$top=100`,
      { headers: { Prefer: 'IdType="ImmutableId"' } });
    expect(r.headers.get('preference-applied')).toBe('IdType="ImmutableId"');
    const occ = (await r.json() as Page<Event>).value.find((e) => e.type === 'occurrence');
    const plain = (await view('alice', startDay() - 15 * DAY, startDay() + 40 * DAY)).find((e) => e.type === 'occurrence');
    expect(occ?.id).not.toBe(plain?.id);
    expect(occ?.seriesMasterId).not.toBe(plain?.seriesMasterId);
    expect((await get<Event>('alice', `/me/events/${encodeURIComponent(occ?.id ?? '')}`)).body.subject).toBe(plain?.subject);
    expect((await get<Event>('alice', `/me/events/${encodeURIComponent(occ?.seriesMasterId ?? '')}`)).body.type).toBe('seriesMaster');
  });
});

describe('who may read', () => {
  it('Calendars.ReadBasic reads events without their bodies; asking for the body is 403', async () => {
    const es = await view('alice-basic', startDay() - DAY, startDay() + 10 * DAY);
    const doctor = es.find((e) => e.subject === "Doctor's appointment");
    expect(doctor).toBeDefined();
    expect(doctor?.body).toBeUndefined();
    expect(doctor?.bodyPreview).toBeUndefined();
    const r = await get<{ error: { code: string } }>('alice-basic', `/me/calendarView?startDateTime=${iso(startDay())}&endDateTime=${iso(startDay() + DAY)}&$select=subject,body`);
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('ErrorAccessDenied');
  });

  it('a token without a calendar permission gets Exchange 403 ErrorAccessDenied', async () => {
    const r = await get<{ error: { code: string } }>('alice-mail', `/me/calendarView?startDateTime=${iso(startDay())}&endDateTime=${iso(startDay() + DAY)}`);
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('ErrorAccessDenied');
  });

  it("nobody reads another person's calendar; a guest has no mailbox here", async () => {
    const other = await get<{ error: { code: string } }>('bob', `/users/alice@contoso.com/calendar/calendarView?startDateTime=${iso(startDay())}&endDateTime=${iso(startDay() + DAY)}`);
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('ErrorAccessDenied');
    const self = await get<Page<Event>>('alice', `/users/alice@contoso.com/calendar/calendarView?startDateTime=${iso(startDay())}&endDateTime=${iso(startDay() + DAY)}`);
    expect(self.status).toBe(200);
    const guest = await get<{ error: { code: string } }>('gina', '/me/calendars');
    expect(guest.status).toBe(404);
    expect(guest.body.error.code).toBe('MailboxNotEnabledForRESTAPI');
  });

  it("counts each user's Graph round trips, and calendar requests per mailbox", async () => {
    const before = run.emu.stats();
    await view('carol', startDay(), startDay() + DAY);
    await get('carol', '/me/calendars');
    const after = run.emu.stats();
    expect((after.users['carol@contoso.com']?.requests ?? 0) - (before.users['carol@contoso.com']?.requests ?? 0)).toBe(2);
    expect((after.mailboxes['carol@contoso.com']?.requests ?? 0) - (before.mailboxes['carol@contoso.com']?.requests ?? 0)).toBe(2);
  });
});

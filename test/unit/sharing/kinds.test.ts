import { describe, expect, it } from 'vitest';
import { calendarBlocks, parseWindow, windowSpan, type CalendarEntry } from '../../../src/core/sharing/calendar';
import { eventView, type EventDetails } from '../../../src/core/sharing/event';
import { chatEntries, chatParts, olderCursor, type ChatMessageRaw } from '../../../src/core/sharing/chat';
import { readShare } from '../../../src/core/sharing/model';
import { readChatMessage, readEntry } from '../../../src/adapters/graph/items';

const entry = (over: Partial<CalendarEntry>): CalendarEntry => ({
  start: '2026-12-02T09:00:00.000Z', end: '2026-12-02T10:00:00.000Z', isAllDay: false, showAs: 'busy', sensitive: false, isCancelled: false,
  subject: 'Design review', location: 'Room 2.01', isOnlineMeeting: true, ...over,
});

describe('a shared calendar', () => {
  it('reads the windows a sharer can choose, and refuses the rest', () => {
    expect(parseWindow('this-week')).toEqual({ kind: 'this-week' });
    expect(parseWindow('next-30d')).toEqual({ kind: 'next', days: 30 });
    expect(parseWindow('2026-12-01..2026-12-14')).toEqual({ kind: 'fixed', start: '2026-12-01', end: '2026-12-14' });
    for (const bad of ['next-0d', 'next-93d', 'next-100d', '2026-12-14..2026-12-01', '2026-02-30..2026-03-01', '2026-01-01..2026-06-30', 'last-week', '']) expect(parseWindow(bad), bad).toBeUndefined();
  });

  it('spans Monday to Monday for this week, today for N days, and the whole last day of fixed dates', () => {
    const wed = new Date('2026-12-02T15:30:00Z');
    expect(windowSpan({ kind: 'this-week' }, wed)).toEqual({ start: '2026-11-30T00:00:00.000Z', end: '2026-12-07T00:00:00.000Z' });
    expect(windowSpan({ kind: 'this-week' }, new Date('2026-12-06T23:00:00Z'))).toEqual({ start: '2026-11-30T00:00:00.000Z', end: '2026-12-07T00:00:00.000Z' });
    expect(windowSpan({ kind: 'next', days: 30 }, wed)).toEqual({ start: '2026-12-02T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z' });
    expect(windowSpan({ kind: 'fixed', start: '2026-12-01', end: '2026-12-14' }, wed)).toEqual({ start: '2026-12-01T00:00:00.000Z', end: '2026-12-15T00:00:00.000Z' });
  });

  it('shows a private or confidential event as a busy block to everyone but the sharer', () => {
    const doctor = entry({ subject: 'Doctor’s appointment', location: 'Clinic', sensitive: true });
    const [forBob] = calendarBlocks([doctor], { freeBusyOnly: false, viewerIsSharer: false });
    expect(forBob).toEqual({ start: doctor.start, end: doctor.end, isAllDay: false, showAs: 'busy', private: true });
    expect(JSON.stringify(forBob)).not.toContain('Doctor');
    expect(calendarBlocks([doctor], { freeBusyOnly: false, viewerIsSharer: true })[0]).toMatchObject({ subject: 'Doctor’s appointment', location: 'Clinic' });
  });

  it('a Free/Busy share shows blocks without titles to everyone, the sharer too, and leaves out free and cancelled time', () => {
    const all = [entry({}), entry({ showAs: 'free', subject: 'Focus' }), entry({ isCancelled: true, subject: 'Gone' }), entry({ showAs: 'tentative', start: '2026-12-01T08:00:00.000Z' })];
    for (const viewerIsSharer of [true, false]) {
      const blocks = calendarBlocks(all, { freeBusyOnly: true, viewerIsSharer });
      expect(blocks.map((b) => b.showAs)).toEqual(['tentative', 'busy']);
      expect(JSON.stringify(blocks)).not.toMatch(/Design|Room|Focus|Gone/);
    }
    expect(calendarBlocks(all, { freeBusyOnly: false, viewerIsSharer: false }).map((b) => b.subject)).toEqual(['Design review', 'Design review', 'Focus']);
  });

  it('reads Graph’s UTC times and refuses other zones rather than guessing', () => {
    expect(readEntry({ start: { dateTime: '2027-03-27T22:00:00.0000000', timeZone: 'UTC' }, end: { dateTime: '2027-03-28T02:00:00.0000000', timeZone: 'UTC' }, sensitivity: 'private', showAs: 'oof' }))
      .toMatchObject({ start: '2027-03-27T22:00:00.000Z', end: '2027-03-28T02:00:00.000Z', sensitive: true, showAs: 'oof' });
    expect(readEntry({ start: { dateTime: '2027-03-27T22:00:00', timeZone: 'W. Europe Standard Time' }, end: { dateTime: '2027-03-28T02:00:00', timeZone: 'UTC' } })).toBeUndefined();
  });
});

const meeting: EventDetails = {
  subject: 'Design review', start: '2026-12-03T13:00:00.000Z', end: '2026-12-03T14:00:00.000Z', isAllDay: false, showAs: 'busy', sensitive: false, isCancelled: false,
  location: 'Room 2.01', organizer: { name: 'Alice Adams', address: 'alice@contoso.com' },
  attendees: [{ name: 'Bob Brown', address: 'bob@contoso.com', type: 'required', response: 'accepted' }, { name: '', address: 'dana.ruiz@northwind.example', type: 'optional', response: 'declined' }],
  body: { type: 'html', content: '<p>Agenda</p>' }, joinUrl: 'https://teams.microsoft.com/l/meetup-join/x', recurring: false,
};

describe('a shared event', () => {
  it('gives the join link only for Private and Atlassian-users scopes', () => {
    expect(eventView(meeting, { viewerIsSharer: false, loggedIn: true, scope: 'atlassian' }).joinUrl).toBe(meeting.joinUrl);
    expect(eventView(meeting, { viewerIsSharer: true, loggedIn: true, scope: 'private' }).joinUrl).toBe(meeting.joinUrl);
    expect(eventView(meeting, { viewerIsSharer: false, loggedIn: true, scope: 'public' }).joinUrl).toBeUndefined();
    expect(JSON.stringify(eventView(meeting, { viewerIsSharer: false, loggedIn: false, scope: 'public' }))).not.toContain('meetup-join');
  });

  it('hides attendees’ and the organizer’s addresses from anonymous viewers, keeps names and answers', () => {
    const v = eventView(meeting, { viewerIsSharer: false, loggedIn: false, scope: 'public' });
    expect(JSON.stringify(v)).not.toMatch(/@contoso\.com|northwind/);
    expect(v.details?.attendees.map((a) => [a.name, a.response])).toEqual([['Bob Brown', 'accepted'], ['An attendee without a name', 'declined']]);
    expect(eventView(meeting, { viewerIsSharer: false, loggedIn: true, scope: 'atlassian' }).details?.attendees[0]).toMatchObject({ address: 'bob@contoso.com' });
  });

  it('shows a private event to others as its time only', () => {
    const v = eventView({ ...meeting, sensitive: true }, { viewerIsSharer: false, loggedIn: true, scope: 'atlassian' });
    expect(v).toMatchObject({ private: true, start: meeting.start });
    expect(v.details).toBeUndefined();
    expect(v.joinUrl).toBeUndefined();
    expect(eventView({ ...meeting, sensitive: true }, { viewerIsSharer: true, loggedIn: true, scope: 'private' }).details?.subject).toBe('Design review');
  });
});

const CHAT = '19:7a1c3e5b9d2f4a6c8e0b1d3f5a7c9e2b@thread.v2';
const msg = (over: Partial<ChatMessageRaw>): ChatMessageRaw => ({
  id: '1764000000000', createdAt: '2026-11-24T16:00:00.000Z', kind: 'message', fromName: 'Alice Adams', deleted: false, edited: false, importance: 'normal',
  contentType: 'text', content: 'Build is green.', mentions: {}, reactions: {}, files: [], ...over,
});

describe('a shared Teams chat', () => {
  it('reduces message HTML to text, mentions and this chat’s hosted images — nothing else survives', () => {
    const html = `<p>Hi <at id="0">Carol Chen</at> &amp; <b>team</b><script>alert(1)</script></p><p><img src="https://graph.microsoft.com/v1.0/chats/${CHAT}/messages/1764000000000/hostedContents/aWQ9eF8wLXd1cy1kMQ/$value"><img src="https://evil.example/pixel.gif"><img src="https://graph.microsoft.com/v1.0/chats/19:other@thread.v2/messages/1764000000000/hostedContents/aWQ9eF8wLXd1cy1kMQ/$value"></p>`;
    const parts = chatParts({ id: '1764000000000', contentType: 'html', content: html, mentions: { '0': 'Carol Chen' } }, CHAT);
    expect(parts).toEqual([{ t: 'text', text: 'Hi ' }, { t: 'mention', name: 'Carol Chen' }, { t: 'text', text: ' & teamalert(1)\n' }, { t: 'image', hostedId: 'aWQ9eF8wLXd1cy1kMQ' }]);
  });

  it('a file attached to a message is not a mention (the tag also begins with "<at")', () => {
    const html = '<p>Updated API design attached.</p><attachment id="f1a2"></attachment>';
    expect(chatParts({ id: '1764000000000', contentType: 'html', content: html, mentions: {} }, CHAT)).toEqual([{ t: 'text', text: 'Updated API design attached.' }]);
  });

  it('folds consecutive system events into one quiet line and keeps messages in Graph’s order', () => {
    const page = [
      msg({ id: '5', content: 'newest' }),
      msg({ id: '4', kind: 'system', event: 'membersAdded' }),
      msg({ id: '3', kind: 'system', event: 'membersAdded' }),
      msg({ id: '2', kind: 'system', event: 'chatRenamed' }),
      msg({ id: '1', content: 'oldest', reactions: { like: 2, '🎉': 1, '👍': 1 }, deleted: false }),
    ];
    const entries = chatEntries(page, CHAT);
    expect(entries.map((e) => (e.events ? e.text : e.parts.map((p) => (p.t === 'text' ? p.text : '')).join('')))).toEqual(['newest', '3 chat events: members added (×2), chat renamed', 'oldest']);
    // Teams's older `like` and today's 👍 are one reaction: one chip, counted together.
    expect(entries[2]).toMatchObject({ reactions: [{ type: '👍', count: 3 }, { type: '🎉', count: 1 }] });
  });

  it('continues older pages before the oldest message read, only when Graph had more', () => {
    const page = [msg({ id: '3', createdAt: '2026-11-24T16:20:00.000Z' }), msg({ id: '1', createdAt: '2026-11-24T16:00:00.000Z' })];
    expect(olderCursor(page, true)).toBe('2026-11-24T16:00:00.000Z');
    expect(olderCursor(page, false)).toBeUndefined();
  });

  it('reads what Teams sends: system events even as unknownFutureValue, deleted messages without their text', () => {
    expect(readChatMessage({ id: '17', createdDateTime: '2026-11-24T16:00:00Z', messageType: 'unknownFutureValue', eventDetail: { '@odata.type': '#microsoft.graph.membersAddedEventMessageDetail' }, from: null, body: { contentType: 'html', content: '<systemEventMessage/>' } }))
      .toMatchObject({ kind: 'system', event: 'membersAdded' });
    const gone = readChatMessage({ id: '18', createdDateTime: '2026-11-24T16:01:00Z', messageType: 'message', deletedDateTime: '2026-11-24T17:00:00Z', from: { user: { displayName: 'Bob Brown' } }, body: { contentType: 'html', content: '' } });
    expect(chatEntries(gone ? [gone] : [], CHAT)[0]).toMatchObject({ deleted: true, parts: [], from: 'Bob Brown' });
    expect(readChatMessage({ id: '../x', createdDateTime: 'now' })).toBeUndefined();
  });
});

describe('stored share records of the new kinds', () => {
  const base = { shareId: 'AAAAAAAAAAAAAAAAAAAAAA', sharerAccountId: 'alice-1', msUserId: 'a11ce000-1111-4aaa-8aaa-000000000001', msTenantId: '6e1b4f3c-2d7a-4c5e-9b8f-0a1c2d3e4f50', scope: 'atlassian', issueId: '10001', projectId: '10000', createdAt: '2026-12-02T10:00:00.000Z' };
  it('are read by kind, ids only, and a damaged one is skipped', () => {
    expect(readShare({ ...base, kind: 'calendar', calendarId: 'AAMkAGE1M2IyNGNm', window: 'next-30d', freeBusyOnly: true })).toMatchObject({ kind: 'calendar', window: 'next-30d', freeBusyOnly: true });
    expect(readShare({ ...base, kind: 'chat', chatId: CHAT })).toMatchObject({ kind: 'chat', chatId: CHAT });
    expect(readShare({ ...base, kind: 'event', eventId: 'AAkALgAAAAAAHYQDEapmEc2byACqAC' })).toMatchObject({ kind: 'event' });
    expect(readShare({ ...base, kind: 'calendar', calendarId: 'AAMkAGE1M2IyNGNm', window: 'forever', freeBusyOnly: true })).toBeUndefined();
    expect(readShare({ ...base, kind: 'calendar', calendarId: 'AAMkAGE1M2IyNGNm', window: 'next-30d', freeBusyOnly: 'yes' })).toBeUndefined();
    expect(readShare({ ...base, kind: 'chat', chatId: 'javascript:alert(1)' })).toBeUndefined();
  });
});

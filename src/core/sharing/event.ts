/**
 * A single shared event or meeting: what each viewer may see of it. Pure.
 *
 * - Private/confidential events show only as a busy block to everyone but the sharer.
 * - Attendees show with their names and responses; their e-mail addresses only to logged-in viewers.
 * - The online-meeting join link only when the share's scope (as it applies now) is Private or
 *   Atlassian users: a Public share would hand the meeting to anyone on the internet.
 * - The body is HTML that Graph does NOT filter for events (its unsafe-HTML filter is documented for
 *   messages and posts only), so the browser sanitises it exactly as mail (DOMPurify + sandboxed frame).
 */
import type { ShareScope } from './model';
import type { ShowAs } from './calendar';

export type AttendeeResponse = 'none' | 'organizer' | 'accepted' | 'tentativelyAccepted' | 'declined' | 'notResponded';
export const ATTENDEE_RESPONSES: readonly AttendeeResponse[] = ['none', 'organizer', 'accepted', 'tentativelyAccepted', 'declined', 'notResponded'];

export interface EventPerson {
  name: string;
  /** Removed for anonymous viewers. */
  address?: string;
}

export interface EventAttendee extends EventPerson {
  type: 'required' | 'optional' | 'resource';
  response: AttendeeResponse;
}

/** The event as the adapter read it (bounded strings); never stored. */
export interface EventDetails {
  subject: string;
  start: string;
  end: string;
  isAllDay: boolean;
  showAs: ShowAs;
  sensitive: boolean;
  isCancelled: boolean;
  location: string;
  organizer?: EventPerson;
  attendees: EventAttendee[];
  body: { type: 'html' | 'text'; content: string };
  /** `onlineMeeting.joinUrl` (https only). */
  joinUrl?: string;
  /** Outlook on the web: only its owner can open it. */
  webLink?: string;
  /** Recurring series: an occurrence or exception rather than a single event. */
  recurring: boolean;
}

export interface EventView {
  start: string;
  end: string;
  isAllDay: boolean;
  showAs: ShowAs;
  isCancelled: boolean;
  recurring: boolean;
  /** Absent when the event is private and the viewer is not the sharer: a busy block only. */
  details?: {
    subject: string;
    location: string;
    organizer?: EventPerson;
    attendees: EventAttendee[];
    body: { type: 'html' | 'text'; content: string };
  };
  /** Only for Private and Atlassian-users scopes. */
  joinUrl?: string;
  private?: true;
}

/** Scopes whose viewers may get the meeting's join link. */
export const joinLinkAllowed = (scope: ShareScope): boolean => scope === 'private' || scope === 'atlassian';

const person = (p: EventPerson, withAddress: boolean): EventPerson => (withAddress && p.address ? { name: p.name, address: p.address } : { name: p.name || (withAddress ? (p.address ?? '') : 'An attendee without a name') });

export function eventView(e: EventDetails, ctx: { viewerIsSharer: boolean; loggedIn: boolean; scope: ShareScope }): EventView {
  const base: EventView = { start: e.start, end: e.end, isAllDay: e.isAllDay, showAs: e.showAs, isCancelled: e.isCancelled, recurring: e.recurring };
  if (e.sensitive && !ctx.viewerIsSharer) return { ...base, private: true };
  return {
    ...base,
    details: {
      subject: e.subject,
      location: e.location,
      ...(e.organizer ? { organizer: person(e.organizer, ctx.loggedIn) } : {}),
      attendees: e.attendees.map((a) => ({ ...person(a, ctx.loggedIn), type: a.type, response: a.response })),
      body: e.body,
    },
    ...(e.joinUrl && joinLinkAllowed(ctx.scope) ? { joinUrl: e.joinUrl } : {}),
  };
}

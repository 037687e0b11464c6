import type { MicrosoftFixture } from '../fixture';
import type { Directory } from './directory';

type Json = Record<string, unknown>;

export interface Channel {
  id: string;
  teamId: string;
  membershipType: 'standard' | 'private';
  /** Person keys who can read and post; removing someone here is "removed from the channel". */
  members: Set<string>;
  resource: Json;
  /** Newest first, as Graph lists them. */
  messages: Json[];
}

export interface Team {
  id: string;
  tenantId: string;
  members: Set<string>;
  resource: Json;
  channels: Channel[];
}

/** Teams and channels as Graph shows them (`team`, `channel` resources), built from the fixture's `teams`. */
export const buildTeams = (fx: MicrosoftFixture, dir: Directory): Team[] =>
  (fx.teams ?? []).map((t) => {
    const tenantId = dir.home(t.members[0] ?? '')?.tenantId ?? '';
    const members = new Set(t.members);
    return {
      id: t.id, tenantId, members,
      resource: {
        id: t.id, createdDateTime: null, displayName: t.displayName, description: t.description ?? null,
        internalId: null, classification: null, specialization: null, visibility: 'private', webUrl: null,
        isArchived: false, tenantId, isMembershipLimitedToOwners: null, memberSettings: null, guestSettings: null,
        messagingSettings: null, funSettings: null, discoverySettings: null, summary: null,
      },
      channels: t.channels.map((c) => {
        const membershipType = c.membershipType ?? 'standard';
        return {
          id: c.id, teamId: t.id, membershipType,
          members: new Set(membershipType === 'private' ? (c.members ?? []).filter((m) => members.has(m)) : t.members),
          messages: [],
          resource: {
            id: c.id, createdDateTime: null, displayName: c.displayName, description: null, isFavoriteByDefault: null,
            email: '', tenantId, membershipType,
            webUrl: `https://teams.microsoft.com/l/channel/${encodeURIComponent(c.id)}/${encodeURIComponent(c.displayName)}?groupId=${t.id}&tenantId=${tenantId}`,
          },
        };
      }),
    };
  });

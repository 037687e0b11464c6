import type { MicrosoftFixture } from '../fixture';
import type { Directory } from './directory';
import { buildTeams, type Team } from './teams';

/** A To Do task created, changed or deleted: what change notifications are sent for. */
export interface TodoChange {
  /** Person key of the list's owner. */
  owner: string;
  listId: string;
  taskId: string;
  changeType: 'created' | 'updated' | 'deleted';
  etag: string;
}

/**
 * The writable side of Teams and To Do that automations use: teams and channels, per-channel post counts, who posted
 * what (the app id), and the To Do change feed that `/subscriptions` listens to. `reset` returns to the fixture.
 */
export function createAutomationData(fx: MicrosoftFixture, dir: Directory) {
  let teams: Team[] = buildTeams(fx, dir);
  const postCounts = new Map<string, number>();
  const postedBy = new Map<string, { appId: string }>();
  const listeners = new Set<(c: TodoChange) => void>();
  return {
    get teams() {
      return teams;
    },
    team: (ref: string) => teams.find((t) => t.id === ref || String(t.resource.displayName).toLowerCase() === ref.toLowerCase()),
    /** Counts one more post by `appId` into `channelId` on the UTC day of `now`; the new count. */
    countPost(appId: string, channelId: string, now: number): number {
      const key = `${appId}|${channelId}|${Math.floor(now / 86_400_000)}`;
      const n = (postCounts.get(key) ?? 0) + 1;
      postCounts.set(key, n);
      return n;
    },
    postedBy,
    onTodoChange(l: (c: TodoChange) => void): () => void {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    todoChanged(c: TodoChange) {
      for (const l of listeners) l(c);
    },
    reset() {
      teams = buildTeams(fx, dir);
      postCounts.clear();
      postedBy.clear();
    },
  };
}

export type AutomationData = ReturnType<typeof createAutomationData>;

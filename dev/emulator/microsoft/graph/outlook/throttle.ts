import { parseParts, partPath } from '../batch';
import { buildRequest } from '../dispatch';
import { GraphError } from '../errors';
import { matchRoute } from '../router';
import type { Caller, GraphEnv, GraphRequest, Route } from '../types';

/**
 * Outlook runs at most 4 requests of one app at a time (Microsoft Graph throttling limits, "Outlook
 * service limits"). The stored page says per app ID across mailboxes; the error is named
 * MailboxConcurrency and Microsoft's Q&A answer (1660054) says per target mailbox, which is what
 * the emulator counts: per app and mailbox.
 */
export const MAILBOX_CONCURRENCY = 4;

/**
 * Exchange takes time to answer; without it nothing here would ever overlap when no latency is
 * injected. Each Outlook request holds its mailbox slot at least this long.
 */
export const OUTLOOK_SERVICE_MS = 15;

/** As Exchange words it (seen in terraform-provider-outlook #21, alcionai/corso #3695). */
export const mailboxConcurrencyExceeded = (): GraphError =>
  new GraphError(429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', { 'Retry-After': '1' });

export interface MailboxCounters {
  /** HTTP round trips that reached this mailbox (a `$batch` counts once however many parts it has). */
  requests: number;
  /** `$batch` parts addressed to this mailbox. */
  batchParts: number;
  /** Requests and parts refused with ApplicationThrottled. */
  throttled: number;
}

export interface Lease {
  /** The whole request is over the limit. */
  refused?: GraphError;
  /** `$batch` parts over the limit, by part id. */
  refusedParts: ReadonlyMap<string, GraphError>;
  /** Resolves once the request has held its slots for Outlook's minimum service time. */
  settle(): Promise<void>;
  release(): void;
}

export interface OutlookGate {
  /** For an authenticated request: takes its mailbox slots, or says what is refused. Undefined when no mailbox is addressed. */
  admit(caller: Caller, request: { single: GraphRequest } | { batch: unknown }): Lease | undefined;
  /** Counters by mailbox address since the last reset. */
  stats(): Record<string, MailboxCounters>;
  reset(): void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const createOutlookGate = (deps: { routes: readonly Route[]; env: GraphEnv }): OutlookGate => {
  const inFlight = new Map<string, number>();
  const counters = new Map<string, MailboxCounters>();

  const addressOf = (person: string): string => deps.env.model.directory.home(person)?.mail ?? person;
  const counter = (person: string): MailboxCounters => {
    const key = addressOf(person);
    let c = counters.get(key);
    if (!c) {
      c = { requests: 0, batchParts: 0, throttled: 0 };
      counters.set(key, c);
    }
    return c;
  };

  const mailboxOf = (caller: Caller, req: GraphRequest): string | undefined => {
    const m = matchRoute(deps.routes, req.method, req.segments);
    if (m.kind !== 'match' || !m.match.route.outlookMailbox) return undefined;
    return m.match.route.outlookMailbox({ env: deps.env, caller, req, params: m.match.params });
  };

  const take = (key: string, wanted: number): number => {
    const used = inFlight.get(key) ?? 0;
    const granted = Math.max(0, Math.min(wanted, MAILBOX_CONCURRENCY - used));
    inFlight.set(key, used + granted);
    return granted;
  };

  const leaseOf = (held: Array<[string, number]>, refused: GraphError | undefined, refusedParts: Map<string, GraphError>): Lease => {
    const started = Date.now();
    let released = false;
    return {
      ...(refused ? { refused } : {}),
      refusedParts,
      settle: async () => {
        if (held.length === 0) return;
        const left = started + OUTLOOK_SERVICE_MS - Date.now();
        if (left > 0) await sleep(left);
      },
      release: () => {
        if (released) return;
        released = true;
        for (const [key, n] of held) inFlight.set(key, (inFlight.get(key) ?? n) - n);
      },
    };
  };

  const admitOne = (caller: Caller, req: GraphRequest): Lease | undefined => {
    const person = mailboxOf(caller, req);
    if (person === undefined) return undefined;
    const c = counter(person);
    c.requests++;
    const key = `${caller.appId}\u0000${person}`;
    if (take(key, 1) === 0) {
      c.throttled++;
      return leaseOf([], mailboxConcurrencyExceeded(), new Map());
    }
    return leaseOf([[key, 1]], undefined, new Map());
  };

  /**
   * Graph runs up to 4 Outlook parts of a batch at once, whatever their mailbox, or one after another
   * with dependsOn (throttling limits, "Outlook service limits for JSON batching"). So a batch needs
   * as many slots per mailbox as it has independent parts there (at most 4); the parts that find no
   * free slot are refused, as a fifth concurrent request would be.
   */
  const admitBatch = (caller: Caller, body: unknown): Lease | undefined => {
    const parts = parseParts(body);
    const byPerson = new Map<string, Array<{ id: string; independent: boolean }>>();
    for (const p of parts) {
      const person = mailboxOf(caller, buildRequest(p.method, partPath(p.url), new Headers(p.headers), p.body));
      if (person === undefined) continue;
      const xs = byPerson.get(person) ?? [];
      xs.push({ id: p.id, independent: p.dependsOn.length === 0 });
      byPerson.set(person, xs);
    }
    if (byPerson.size === 0) return undefined;
    const held: Array<[string, number]> = [];
    const refusedParts = new Map<string, GraphError>();
    for (const [person, xs] of byPerson) {
      const c = counter(person);
      c.requests++;
      c.batchParts += xs.length;
      const key = `${caller.appId}\u0000${person}`;
      const independent = xs.filter((x) => x.independent);
      const wanted = Math.min(MAILBOX_CONCURRENCY, Math.max(1, independent.length));
      const granted = take(key, wanted);
      if (granted > 0) held.push([key, granted]);
      const refused = granted === 0 ? xs : independent.slice(granted);
      for (const x of refused) refusedParts.set(x.id, mailboxConcurrencyExceeded());
      c.throttled += refused.length;
    }
    return leaseOf(held, undefined, refusedParts);
  };

  return {
    admit: (caller, request) => {
      try {
        return 'single' in request ? admitOne(caller, request.single) : admitBatch(caller, request.batch);
      } catch {
        // A request the router or batch parser refuses is answered by them; it addresses no mailbox.
        return undefined;
      }
    },
    stats: () => Object.fromEntries([...counters].map(([k, v]) => [k, { ...v }])),
    reset: () => {
      counters.clear();
    },
  };
};

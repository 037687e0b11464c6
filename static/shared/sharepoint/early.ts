import type { Result, SessionToken } from '../../../src/contract';
import { warmFormats } from '../../../src/core/sharepoint/format-context';
import type { GraphRequest } from '../../../src/core/sharepoint/odata';
import { bootMark } from '../boot-mark';
import { loadContext, type ViewContext } from '../context';
import { graphFetchArgs } from '../graph-request';
import { call } from '../invoke';
import { createSession, tabHoldsSession } from '../session';
import { enableTheme } from '../theme';
import { showTabCopy, watchFresh } from './tab-copy';

/**
 * A SharePoint macro's early start: the small entry module of each macro (static/sp-list/main.tsx,
 * static/sp-document/main.tsx) calls {@link startEarly} before it loads its view (Preact, the table or the
 * card — most of the bundle). It asks the product for the context, takes the tab's session token (or asks
 * `account/token`), and starts the view's first Graph request(s) with the viewer's own token; the view
 * loads meanwhile or right after (see {@link EarlyStart.viewMayLoad}) and, like the theme's CSS, is
 * evaluated while Graph answers. The view then sends exactly those requests through {@link graphFetch},
 * which hands over the answer already under way instead of asking again: fresh data, one request, only
 * sooner. The benchmark (bench/RESULTS.md, "Where the time goes") showed a warm macro spending ~100 ms
 * between its frame's start and its first Graph request, most of it loading and running the whole bundle.
 *
 * What it does not change: the view decides everything (refusals, the admin's switch, errors, retries). An
 * early answer is handed out once, only for an identical request (method, URL, every header — so the same
 * token — and body) and only within {@link EARLY_ANSWER_MS} of being asked; anything else is fetched anew.
 * A configuration the view would refuse, no viewer, or no token asks Graph nothing early.
 */

/** How long an early answer may wait for its view (the view normally asks within ~100 ms). */
export const EARLY_ANSWER_MS = 10_000;

/** The longest a macro's entry waits for its first requests to be sent before loading its view anyway. */
export const VIEW_AT_THE_LATEST_MS = 300;

/**
 * The token resolver's answer asked before the view exists (none when the tab had the viewer's token). A
 * token it gives is stored in the tab, where the view finds it; a refusal ("not connected", "turned off")
 * is handed to the view's first plain ask instead of asking again — once, and only within
 * {@link EARLY_ANSWER_MS}. Every other ask calls the resolver (`account/token` authorises from the
 * invocation's own context, never the frame's).
 */
let asked: { answer: Promise<Result<SessionToken>>; at: number } | undefined;
const askResolver = (refresh: boolean): Promise<Result<SessionToken>> => call('account/token', { refresh });

function askEarly(): Promise<Result<SessionToken>> {
  if (asked === undefined || Date.now() - asked.at > EARLY_ANSWER_MS) {
    const answer = askResolver(false);
    // Handled here too: a frame that never uses it (no viewer, no configuration) must not report a rejection.
    answer.catch(() => undefined);
    asked = { answer, at: Date.now() };
  }
  return asked.answer;
}

/** The view's token source (use-connection.ts): the early answer for its first plain ask, else the resolver. */
export function fetchToken({ refresh }: { refresh: boolean }): Promise<Result<SessionToken>> {
  const early = asked;
  asked = undefined;
  if (!refresh && early !== undefined && Date.now() - early.at <= EARLY_ANSWER_MS) return early.answer;
  return askResolver(refresh);
}

interface Early {
  key: string;
  answer: Promise<Response>;
  at: number;
}
const early: Early[] = [];

/** Method, URL, every header (so the token) and body: what makes two requests the same request. */
function requestKey(url: string, init: RequestInit | undefined): string | undefined {
  const body = init?.body;
  if (body !== undefined && typeof body !== 'string') return undefined;
  const h = init?.headers;
  const pairs: Array<[string, string]> = h === undefined ? [] : h instanceof Headers ? [...h.entries()] : Array.isArray(h) ? h.map(([k, v]): [string, string] => [k, v]) : Object.entries(h);
  const headers = pairs.map(([k, v]): [string, string] => [k.toLowerCase(), v]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([(init?.method ?? 'GET').toUpperCase(), url, headers, body ?? '']);
}

/**
 * `fetch` for the macro's Graph sender: an identical request started early takes that answer (once);
 * every other request is fetched as usual.
 */
export const graphFetch: typeof fetch = (input, init) => {
  // The sender passes a URL string; a Request object is fetched as it is.
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : undefined;
  if (url !== undefined) {
    const key = requestKey(url, init);
    const now = Date.now();
    const i = key === undefined ? -1 : early.findIndex((e) => e.key === key && now - e.at <= EARLY_ANSWER_MS);
    const hit = i >= 0 ? early.splice(i, 1)[0] : undefined;
    if (hit !== undefined) return hit.answer;
  }
  return fetch(input, init);
};

/**
 * Starts the context, the token and the first Graph requests, and returns the context for the view.
 * `first` names the requests from the stored configuration (src/core/sharepoint/first-requests.ts).
 */
export interface EarlyStart {
  /** The product's context, for the view. */
  context: Promise<ViewContext>;
  /**
   * Settles once the first requests are on their way (`true`), or it is clear there are none (`false`);
   * never rejects.
   */
  sent: Promise<boolean>;
  /**
   * When the entry may load the view (never rejects). In a tab that holds a session token: once the first
   * requests are on their way, or it is clear there are none — evaluating the view earlier would hold the
   * frame's main thread just as the product's context arrives, and so the request. In a tab without one: at
   * once — the token takes longer than the view, which must be ready when Graph answers.
   */
  viewMayLoad: Promise<unknown>;
}

/**
 * `resource` names the macro for its tab copy (static/shared/sharepoint/tab-copy.ts): once the first requests
 * are out, the copy of what this macro last showed the viewer in this tab, made with the token now in the
 * tab, is shown while Graph answers, and the fresh view replaces it.
 */
export function startEarly(resource: string, first: (ctx: ViewContext, token: SessionToken) => readonly GraphRequest[]): EarlyStart {
  bootMark('module');
  watchFresh();
  // Not the theme yet: its token CSS, parsed in this frame, would hold the main thread as the context
  // arrives; {@link showView} asks for it once the first requests are out.
  // A tab with no session token asks the resolver at once, alongside getContext. A logged-out viewer or an
  // unconfigured macro makes this one call for nothing.
  const warm = tabHoldsSession();
  if (!warm) {
    try {
      void askEarly();
    } catch {
      // No bridge (not in a Forge frame): the view reports what is wrong.
    }
  }
  const context = loadContext().then((c) => {
    bootMark('context');
    return c;
  });
  const sent = context
    .then(async (ctx): Promise<boolean> => {
      if (!ctx.accountId) return false;
      // Not consuming the early answer: the view's first ask takes it too (a failed one is not stored).
      const session = createSession(ctx.accountId, ({ refresh }) => (refresh ? askResolver(true) : askEarly()));
      const copy = { accountId: ctx.accountId, resource, config: ctx.extension['config'], token: () => session.peek() };
      const t = await session.token(false);
      // A token is now in the tab for the view to find; an answer kept longer could hand the view a token
      // after the viewer signed out. Only a refusal ("not connected") waits for the view's first ask.
      if (t.ok) asked = undefined;
      if (!t.ok) {
        // No token: no copy to show, but the fresh view, once signed in, becomes this macro's copy.
        showTabCopy(copy);
        return false;
      }
      bootMark('token');
      let requests: readonly GraphRequest[];
      try {
        requests = first(ctx, t.value);
      } catch {
        return false;
      }
      let any = false;
      for (const req of requests) {
        const [url, init] = graphFetchArgs(req, t.value);
        bootMark('graph');
        const key = requestKey(url, init);
        if (key === undefined) continue;
        const answer = fetch(url, init);
        // The view reads it (or never asks, and it is dropped): an unread failure is not an error here.
        answer.catch(() => undefined);
        early.push({ key, answer, at: Date.now() });
        any = true;
      }
      // Graph is asked: now the tab's copy, if there is one for this token (it costs the requests nothing).
      showTabCopy(copy);
      return any;
    })
    .catch(() => false);
  return { context, sent, viewMayLoad: warm ? sent : Promise.resolve() };
}

/**
 * Loads the macro's view when the early start says (`viewMayLoad`), at the latest after
 * {@link VIEW_AT_THE_LATEST_MS} — it also shows "Connect" and every other state — and shows it with the
 * context. `load` is the entry's own `import('./view')`, so the bundler keeps the view a chunk of its own.
 */
export function showView(early: EarlyStart, load: () => Promise<{ show: (context: Promise<ViewContext>) => void }>): void {
  // The theme as soon as the first requests are out, before the view is asked for: its answer and the token
  // CSS take longest, and so are in place before Graph's answer — the view's first layout is its only one. A
  // trace showed the theme's restyle and font lookups landing on Graph's answer when the view asked for it
  // on mounting. (A tab without a token mounts its view sooner, which asks for it then.)
  void early.sent.then(() => {
    enableTheme();
  });
  void Promise.race([early.viewMayLoad, new Promise((r) => setTimeout(r, VIEW_AT_THE_LATEST_MS))])
    .then(() => {
      const view = load();
      // With the view's file on its way and Graph answering, the main thread waits: the moment to pay for
      // Intl's first use, which the first rows and the document card would otherwise pay after the answer.
      void early.sent.then(async (any) => {
        if (!any) return;
        const ctx = await early.context;
        warmFormats({ locale: ctx.locale ?? 'en-US', timeZone: ctx.timezone ?? 'UTC' });
      });
      return view;
    })
    .then((view) => {
      view.show(early.context);
    });
}

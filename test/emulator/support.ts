import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Client, type Context, type Middleware, RetryHandler, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import { createMicrosoftEmulator, type MicrosoftEmulator, type MicrosoftFixture } from '../../dev/emulator/microsoft/index';

export const CLIENT_ID = '0c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e';
export const CLIENT_SECRET = 'emulator-secret~value';
export const ALL_SCOPES = 'openid profile email offline_access User.Read Sites.Read.All Files.Read.All Mail.Read Calendars.Read Chat.Read Tasks.ReadWrite';
export const CONTOSO_TENANT = '6e1b4f3c-2d7a-4c5e-9b8f-0a1c2d3e4f50';

export const loadFixture = (): MicrosoftFixture =>
  (JSON.parse(readFileSync(new URL('../../dev/fixtures/demo-tenant.json', import.meta.url), 'utf8')) as { microsoft: MicrosoftFixture }).microsoft;

export interface Running {
  emu: MicrosoftEmulator;
  origin: string;
  redirectUri: string;
  clock: { offsetMs: number };
  close(): Promise<void>;
}

/** The Graph permissions in `ALL_SCOPES`: what Contoso's admin has granted the tests' app. */
export const TEST_APP_GRAPH_SCOPES = ALL_SCOPES.split(' ').filter((x) => !['openid', 'profile', 'email', 'offline_access'].includes(x));

/**
 * The emulator on a real loopback server, with a clock the test can move forward. Contoso's admin has
 * consented to the tests' app for `TEST_APP_GRAPH_SCOPES` (so Contoso's Microsoft-managed consent policy
 * leaves only the sign-in scopes for people to accept) unless `adminConsent: false`.
 */
export const startEmulator = async (opts: {
  accessTokenLifetimeSeconds?: number;
  adminConsent?: boolean;
  fixture?: (fx: MicrosoftFixture) => MicrosoftFixture;
} = {}): Promise<Running> => {
  const clock = { offsetMs: 0 };
  // The origin is known only once the port is, so the server forwards to an emulator made after listening.
  let handler: (req: Request) => Response | Promise<Response> = () => new Response('starting', { status: 503 });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: (req) => handler(req), port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const redirectUri = `${origin}/app/callback`;
  const emu = createMicrosoftEmulator({
    fixture: (opts.fixture ?? ((fx) => fx))(loadFixture()),
    origin,
    app: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: () => [redirectUri] },
    ...(opts.accessTokenLifetimeSeconds !== undefined ? { accessTokenLifetimeSeconds: opts.accessTokenLifetimeSeconds } : {}),
    now: () => Date.now() + clock.offsetMs,
  });
  if (opts.adminConsent !== false) emu.grantConsent({ tenant: CONTOSO_TENANT, clientId: CLIENT_ID, scopes: TEST_APP_GRAPH_SCOPES });
  handler = (req) => emu.app.fetch(req);
  return {
    emu, origin, redirectUri, clock,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};

export const pkcePair = (): { verifier: string; challenge: string } => {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
};

const unescapeHtml = (s: string): string =>
  s.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"');

/** The visible text of every button: what a screen reader announces as its name. */
export const buttonNames = (html: string): string[] =>
  [...html.matchAll(/<button\b[^>]*>([\s\S]*?)<\/button>/g)].map((m) => unescapeHtml((m[1] ?? '').replace(/<[^>]*>/g, '').trim()));

/**
 * Clicks the button with that accessible name, as a browser submits the enclosing form. Checkboxes are
 * sent only when ticked: by the page (`checked`) or by the test (`check` lists their names).
 */
export const clickButton = async (html: string, name: string, check: readonly string[] = []): Promise<Response> => {
  for (const form of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const body = form[2] ?? '';
    const button = [...body.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/g)]
      .find((b) => unescapeHtml((b[2] ?? '').replace(/<[^>]*>/g, '').trim()) === name);
    if (!button) continue;
    const attr = (tag: string, a: string): string | undefined => {
      const m = new RegExp(`\\b${a}="([^"]*)"`).exec(tag);
      return m?.[1] !== undefined ? unescapeHtml(m[1]) : undefined;
    };
    const fields = new URLSearchParams();
    for (const input of body.matchAll(/<input\b([^>]*)>/g)) {
      const tag = input[1] ?? '';
      const n = attr(tag, 'name');
      if (n === undefined) continue;
      if (/\btype="checkbox"/.test(tag) && !/\bchecked\b/.test(tag) && !check.includes(n)) continue;
      fields.set(n, attr(tag, 'value') ?? '');
    }
    const bn = attr(button[1] ?? '', 'name');
    if (bn !== undefined) fields.set(bn, attr(button[1] ?? '', 'value') ?? '');
    return fetch(attr(form[1] ?? '', 'action') ?? '', {
      method: 'POST', body: fields, redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }
  throw new Error(`No button named '${name}' on the page`);
};

export interface AuthorizeParams {
  tenant?: string;
  scope?: string;
  redirectUri?: string;
  challenge?: string;
  state?: string;
  nonce?: string;
  clientId?: string;
}

export const authorizeUrl = (run: Running, p: AuthorizeParams = {}): string => {
  const q = new URLSearchParams({
    client_id: p.clientId ?? CLIENT_ID,
    response_type: 'code',
    redirect_uri: p.redirectUri ?? run.redirectUri,
    scope: p.scope ?? ALL_SCOPES,
    state: p.state ?? 'state-123',
    code_challenge_method: 'S256',
    ...(p.challenge !== undefined ? { code_challenge: p.challenge } : {}),
    ...(p.nonce !== undefined ? { nonce: p.nonce } : {}),
  });
  return `${run.origin}/login/${p.tenant ?? 'contoso.com'}/oauth2/v2.0/authorize?${q.toString()}`;
};

/**
 * Authorize page → pick the account → Accept: the redirect the app's callback would receive. When
 * everything asked is consented already Entra shows no prompt; then only an Accept gets that redirect.
 */
export const consentAndGetRedirect = async (
  run: Running, email: string, p: AuthorizeParams & { decision?: 'Accept' | 'Cancel' } = {},
): Promise<URL> => {
  const signIn = await fetch(authorizeUrl(run, p));
  const consent = await clickButton(await signIn.text(), email);
  const prompted = consent.status !== 302;
  if (!prompted && (p.decision ?? 'Accept') === 'Cancel') throw new Error('No consent prompt to cancel: everything asked is consented');
  const done = prompted ? await clickButton(await consent.text(), p.decision ?? 'Accept') : consent;
  const location = done.headers.get('location');
  if (done.status !== 302 || !location) throw new Error(`Expected a redirect, got ${done.status}`);
  return new URL(location);
};

export const tokenRequest = (run: Running, form: Record<string, string>, tenant = 'contoso.com'): Promise<Response> =>
  fetch(`${run.origin}/login/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });

export interface Tokens {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  scope: string;
  expires_in: number;
}

export const signIn = async (run: Running, email: string, p: AuthorizeParams = {}): Promise<Tokens> => {
  const { verifier, challenge } = pkcePair();
  const back = await consentAndGetRedirect(run, email, { ...p, challenge });
  const res = await tokenRequest(run, {
    grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: CLIENT_SECRET,
    code: back.searchParams.get('code') ?? '', redirect_uri: p.redirectUri ?? run.redirectUri, code_verifier: verifier,
  }, p.tenant);
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return (await res.json()) as Tokens;
};

/** Puts the bearer token on every request; the SDK's own handler skips plain-http hosts. */
class BearerMiddleware implements Middleware {
  private next?: Middleware;
  constructor(private readonly token: () => string) {}
  async execute(context: Context): Promise<void> {
    const headers = new Headers(context.options?.headers);
    headers.set('Authorization', `Bearer ${this.token()}`);
    context.options = { ...context.options, headers };
    await this.next?.execute(context);
  }
  setNext(next: Middleware): void {
    this.next = next;
  }
}

class FetchHandler implements Middleware {
  async execute(context: Context): Promise<void> {
    context.response = await fetch(context.request, context.options);
  }
}

export const graphClient = (run: Running, token: () => string, retry?: RetryHandlerOptions): Client => {
  const auth = new BearerMiddleware(token);
  const retryHandler = new RetryHandler(retry ?? new RetryHandlerOptions());
  auth.setNext(retryHandler);
  retryHandler.setNext(new FetchHandler());
  return Client.initWithMiddleware({ middleware: auth, baseUrl: `${run.origin}/graph`, defaultVersion: 'v1.0' });
};

/** The SDK cannot follow an http nextLink (it joins it onto the base URL); hand it the relative part. */
export const relativeNextLink = (run: Running, next: string): string => next.slice(`${run.origin}/graph/v1.0`.length);

/** A raw Graph call, for answers the SDK would turn into exceptions. */
export const graphFetch = (run: Running, token: string, path: string, init: RequestInit = {}): Promise<Response> =>
  fetch(`${run.origin}/graph/v1.0${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) },
  });

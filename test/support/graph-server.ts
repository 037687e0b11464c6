import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SessionToken } from '../../src/core/account/service';
import { fail, failWith, ok, type Result } from '../../src/core/result';
import type { GraphFetch } from '../../src/adapters/graph/middleware';
import { CLIENT_ID, CLIENT_SECRET, signIn, tokenRequest, type AuthorizeParams, type Running, type Tokens } from '../emulator/support';

/**
 * A connected Microsoft 365 account as the accounts service presents it to the Graph client:
 * `accessToken(accountId, { forceRefresh })`. It keeps the emulator's tokens, redeems the refresh token
 * at the emulator's token endpoint when asked to, and answers a dead refresh token (invalid_grant) with
 * MS_SIGN_IN_REQUIRED `revoked`, as src/core/account/service.ts does.
 */
export interface ConnectedAccount {
  accessToken(accountId: string, opts?: { forceRefresh?: boolean }): Promise<Result<SessionToken>>;
  /** How many times a refreshed token was asked for: the behaviour under test when a token expires. */
  refreshes: number;
  tokens: Tokens;
}

export async function connectedAccount(run: Running, email: string, p: AuthorizeParams = {}): Promise<ConnectedAccount> {
  const graphBaseUrl = `${run.origin}/graph/v1.0`;
  const session = (t: Tokens): SessionToken => ({ accessToken: t.access_token, expiresAt: Date.now() + t.expires_in * 1000, graphBaseUrl });
  const account: ConnectedAccount = {
    refreshes: 0,
    tokens: await signIn(run, email, p),
    async accessToken(_accountId, opts = {}) {
      if (!opts.forceRefresh) return ok(session(account.tokens));
      account.refreshes++;
      const res = await tokenRequest(run, {
        grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: account.tokens.refresh_token ?? '',
      });
      const body = (await res.json()) as Partial<Tokens> & { error?: string };
      if (body.error === 'invalid_grant') return failWith('MS_SIGN_IN_REQUIRED', 'revoked');
      if (!res.ok || !body.access_token) return fail('MS_UNAVAILABLE', `token endpoint: ${String(res.status)}`, { reason: 'unexpected' });
      account.tokens = { ...account.tokens, ...body };
      return ok(session(account.tokens));
    },
  };
  return account;
}

/** The token source the Graph client takes, over a connected account. */
export const tokenSourceOf = (account: ConnectedAccount) => ({ refresh }: { refresh: boolean }) => account.accessToken('acct', { forceRefresh: refresh });

/** Node's fetch, typed as the Graph client's. */
export const nodeFetch: GraphFetch = (url, init) => fetch(url, init);

/**
 * Node's fetch, except that every JSON answer with an `@odata.nextLink` gets `link` instead: what a
 * tampered or hostile Graph answer would hand the pager.
 */
export const fetchWithNextLink = (link: string): GraphFetch => async (url, init) => {
  const res = await fetch(url, init);
  const body = (await res.json()) as Record<string, unknown>;
  if (typeof body['@odata.nextLink'] === 'string') body['@odata.nextLink'] = link;
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  return new Response(JSON.stringify(body), { status: res.status, headers });
};

/** A server somewhere else that counts what reaches it and what Authorization it was shown. */
export async function startForeignHost(): Promise<{ origin: string; connections: number; requests: number; authorizations: string[]; close(): Promise<void> }> {
  const seen = { connections: 0, requests: 0, authorizations: [] as string[] };
  const server = createServer((req, res) => {
    seen.requests++;
    if (req.headers.authorization) seen.authorizations.push(req.headers.authorization);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"value":[]}');
  });
  // Counts TCP connections too: a TLS attempt against this plain-http server never becomes a request.
  server.on('connection', () => {
    seen.connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  return {
    origin,
    get connections() { return seen.connections; },
    get requests() { return seen.requests; },
    get authorizations() { return seen.authorizations; },
    close: () => new Promise((resolve) => {
      server.close(() => { resolve(); });
    }),
  };
}

/**
 * The peer, as a developer would wire it: Microsoft Graph Toolkit's `mgt-file-list` (or `mgt-file`)
 * with a `SimpleProvider`. MGT has no provider for a token-mediating backend, so `getAccessToken` asks
 * the app's own `account/token` resolver through the local host (one resolver call, as the macros make
 * when they hold no session token) and keeps the token in sessionStorage, as the macros do.
 * Runs in the browser; imported by the two entries bundled by bench/mgt/bundle.ts.
 */
import { Providers, ProviderState, SimpleProvider } from '@microsoft/mgt-element';

interface SessionToken {
  accessToken: string;
  expiresAt: number;
}

const KEY = 'bench.mgt.session';

let pending: Promise<string> | undefined;

/** MGT asks for a token per request; concurrent asks share one resolver call. */
function accessToken(): Promise<string> {
  pending ??= fetchToken().finally(() => (pending = undefined));
  return pending;
}

async function fetchToken(): Promise<string> {
  const cached = sessionStorage.getItem(KEY);
  if (cached) {
    const t = JSON.parse(cached) as SessionToken;
    if (t.expiresAt - Date.now() > 60_000) return t.accessToken;
  }
  const res = await fetch('/__host/invoke', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ moduleKey: 'sharepoint-list', functionKey: 'account/token', payload: {}, extension: {} }),
  });
  const body = (await res.json()) as { ok: boolean; value?: { ok: boolean; value?: SessionToken } };
  const token = body.value?.value;
  if (!body.ok || !body.value?.ok || !token) throw new Error(`account/token failed: ${JSON.stringify(body).slice(0, 200)}`);
  sessionStorage.setItem(KEY, JSON.stringify(token));
  return token.accessToken;
}

export function useBenchProvider(): void {
  Providers.globalProvider = new SimpleProvider(() => accessToken());
  Providers.globalProvider.setState(ProviderState.SignedIn);
}

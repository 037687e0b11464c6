import type { KvsStore } from './kvs/index';
import type { PlatformRequest } from './runtime/runner';
import type { AppManifest } from './manifest';
import { productRest, type Principal } from './products/rest';
import type { SiteDirectory } from './products/site';
import type { AccountStates } from './products/accounts';
import { REPORT_ACCOUNTS_PATH, reportAccounts } from './privacy';
import { scopeGate } from './scopes';
import { webTriggerGraphql, type WebTriggerUrls } from './web-trigger-urls';

const proxyError = (status: number, reason: string) =>
  new Response(JSON.stringify({ message: reason }), { status, headers: { 'content-type': 'application/json', 'forge-proxy-error': reason } });
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/**
 * What sits behind `__forge_fetch__` in production: the KVS service, the product REST proxy
 * (asApp / asUser), and the Atlassian API behind the `stargate` remote (GraphQL for web trigger
 * URLs, the personal data reporting API).
 */
export function forgePlatform(deps: { kvs: KvsStore & { forInstallation?(key: string | undefined): KvsStore }; site: SiteDirectory; accounts: AccountStates; manifest: AppManifest; webTriggers: WebTriggerUrls; countPrivacyReport?: () => void; log?: (line: string) => void }) {
  const rest = productRest(deps.site, deps.accounts);

  function principalFor(req: PlatformRequest): Principal | Response {
    const provider = req.meta.provider;
    if (provider === 'app') return { kind: 'app' };
    // `api.requestJira()` without asApp/asUser is Forge's unauthenticated call: the product sees nobody.
    if (provider === 'none') return { kind: 'anonymous' };
    if (provider === 'user') {
      // asUser(accountId): offline user impersonation. Forge's Fetch API reference documents
      // `api.asUser(accountId).requestJira(…)` ("authenticated, requires user impersonation scopes");
      // RFC-92 "Forge user impersonation" describes it for invocations without a user (scheduled and
      // web triggers). The call runs as that account with its own permissions; a closed or unknown
      // account is refused by the product (401).
      if (typeof req.meta.accountId === 'string' && req.meta.accountId) return { kind: 'user', accountId: req.meta.accountId };
      const accountId = req.identity.accountId;
      // asUser() in an invocation without a user (anonymous visitor, web trigger) has no one to act as.
      if (!accountId) return proxyError(401, 'NEEDS_AUTHENTICATION_ERR');
      return { kind: 'user', accountId };
    }
    return proxyError(400, 'INVALID_REMOTE_ERR');
  }

  return async function handle(req: PlatformRequest): Promise<Response> {
    if (req.meta.type === 'kvs') {
      let body: unknown;
      try {
        body = JSON.parse(req.body ?? '{}');
      } catch {
        return json(400, { code: 'BAD_REQUEST', message: 'Request body is not JSON' });
      }
      // Each installation has its own storage: the invocation's installation picks the store.
      return (deps.kvs.forInstallation?.(req.identity.installation) ?? deps.kvs).handle(req.path, body);
    }
    const principal = principalFor(req);
    if (principal instanceof Response) return principal;
    const url = new URL(req.path, 'http://product.invalid');
    switch (req.meta.remote) {
      case 'stargate':
        if (url.pathname === '/graphql') return webTriggerGraphql(deps.webTriggers, req.body);
        if (url.pathname.replace(/\/$/, '') === REPORT_ACCOUNTS_PATH) {
          deps.countPrivacyReport?.();
          return reportAccounts(deps.accounts, req.method, req.body);
        }
        return proxyError(404, 'PROXY_ERR');
      case 'jira':
        return scopeGate('jira', req.method, url, deps.manifest.permissions.scopes, deps.log) ?? rest.jira(principal, req.method, url, req.body);
      case 'confluence':
        return scopeGate('confluence', req.method, url, deps.manifest.permissions.scopes, deps.log) ?? rest.confluence(principal, req.method, url);
      default:
        return proxyError(400, 'INVALID_REMOTE_ERR');
    }
  };
}

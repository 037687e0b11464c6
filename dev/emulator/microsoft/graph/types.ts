import type { Principal, Tenant } from '../data/directory';
import type { TenantModel } from '../data/model';
import type { UrlSigner } from '../signer';
import type { AutomationData } from '../data/automation';
import type { GraphError } from './errors';

/** The signed-in user a Graph request acts for. */
export interface Caller {
  principal: Principal;
  tenant: Tenant;
  /** Granted delegated permissions, lower-cased. */
  scopes: ReadonlySet<string>;
  /** The client id the token was issued to (`appid`): Outlook throttles per app and mailbox. */
  appId: string;
}

export interface GraphRequest {
  method: string;
  /** Path below `/v1.0`, as the client wrote it (still percent-encoded); nextLinks are built on it. */
  path: string;
  /** The path, decoded and with `:/path:` addressing folded into single segments. */
  segments: string[];
  query: URLSearchParams;
  headers: Headers;
  body: unknown;
}

export interface GraphResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface GraphEnv {
  /** Where Graph is served: nextLinks and `@odata.context` are `${origin}/graph/v1.0/…`. */
  origin: string;
  /** A SharePoint host's base URL: preview pages are `${sharePointBase(host)}/_layouts/15/embed.aspx`. */
  sharePointBase: (hostname: string) => string;
  /** The thumbnail service's base URL (`https://<region>-mediap.svc.ms` in production). */
  mediaBase: string;
  model: TenantModel;
  now: () => number;
  signer: UrlSigner;
  /** Teams channels and the To Do change feed (data/automation.ts). */
  automation: AutomationData;
}

export interface RouteContext {
  env: GraphEnv;
  caller: Caller;
  req: GraphRequest;
  params: Record<string, string>;
}

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Segments separated by `/`; `{name}` captures one (already decoded) segment. */
  path: string;
  /** Any one of these delegated permissions lets the call through; missing all → 403. */
  scopes: readonly string[];
  /** The 403 for a token without `scopes`, when the workload words it differently from SharePoint's. */
  denied?: (caller: Caller) => GraphError;
  /** Outlook routes: the person whose mailbox the request addresses, for per-mailbox throttling and counts. */
  outlookMailbox?: (ctx: RouteContext) => string | undefined;
  handle(ctx: RouteContext): GraphResult;
}

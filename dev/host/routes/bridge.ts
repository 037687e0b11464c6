import { Hono } from 'hono';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppManifest } from '../manifest';
import { LOCAL_ENVIRONMENT } from '../installation';
import type { Runner } from '../runtime/runner';
import type { CurrentUser } from '../session';
import type { Installations } from '../installations';
import { accountTypeFor, ANONYMOUS_ACCOUNT_ID, moduleAllows, productOfModule } from '../access';
import type { InvocationLimiter } from '../invocation-limits';

export const ASSETS = fileURLToPath(new URL('../assets/', import.meta.url));

/** limits-invocation: "Front-end invocation request payload size | 500KB", "… response payload size | 5MB". */
export const INVOKE_LIMITS = { requestMaxBytes: 500 * 1024, responseMaxBytes: 5 * 1024 * 1024 } as const;
const jsonBytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v ?? null), 'utf8');

export interface BridgeRoutesDeps {
  manifest: AppManifest;
  runner: Pick<Runner, 'invoke'>;
  currentUser: CurrentUser;
  cloudId: string;
  siteUrl: string;
  /** The app's installations: a module runs in its product's (see installations.ts). */
  installations: Installations;
  resolverTimeoutMs: number;
  log: (line: string) => void;
  countInvocation: () => void;
  /** Forge's per-minute invocation rate limits (see invocation-limits.ts); absent: none. */
  limiter?: Pick<InvocationLimiter, 'admit'>;
}

/**
 * The product page's half of the Custom UI bridge: its scripts, and `invoke`, which runs the
 * module's resolver as the user logged in to the product — never as anyone the payload names.
 */
export function bridgeRoutes(d: BridgeRoutesDeps): Hono {
  const app = new Hono();
  app.get('/__host/assets/:file', (c) => {
    const file = c.req.param('file');
    if (!/^[a-z-]+\.(js|css)$/.test(file)) return c.notFound();
    const type = file.endsWith('.js') ? 'text/javascript' : 'text/css';
    return c.body(readFileSync(join(ASSETS, file)), 200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
  });

  app.post('/__host/invoke', async (c) => {
    const body = (await c.req.json().catch(() => null)) as { moduleKey?: unknown; localId?: unknown; extension?: unknown; functionKey?: unknown; payload?: unknown } | null;
    const mod = typeof body?.moduleKey === 'string' ? d.manifest.uiModules.get(body.moduleKey) : undefined;
    const fn = mod?.resolverFunction ? d.manifest.functions.get(mod.resolverFunction) : undefined;
    if (!body || !mod || !fn || typeof body.functionKey !== 'string') return c.json({ ok: false, error: { name: 'BAD_REQUEST', message: 'Unknown module or function key.' } }, 400);
    const requestBytes = jsonBytes(body.payload ?? {});
    if (requestBytes > INVOKE_LIMITS.requestMaxBytes) {
      d.log(`[host] refused an invoke of ${mod.key}/${body.functionKey}: payload ${requestBytes} bytes > 500KB`);
      return c.json({ ok: false, error: { name: 'PAYLOAD_TOO_LARGE', message: `The invocation payload (${requestBytes} bytes) exceeds the 500KB limit for front-end invocations.` } }, 413);
    }
    const user = d.currentUser(c, false);
    const product = productOfModule(mod.type);
    const installation = d.installations.forProduct(product);
    const accountType = accountTypeFor(user, product);
    // The product renders no module for a user it does not allow, so an invoke from one is forged: run nothing.
    if (!moduleAllows(mod, accountType)) {
      d.log(`[host] refused an invoke of ${mod.key} by an ${accountType} user: the module does not declare unlicensedAccess for them`);
      return c.json({ ok: false, error: { name: 'FORBIDDEN', message: `This app is not available to ${accountType} users here.` } }, 403);
    }
    const admitted = d.limiter?.admit(user ? user.accountId : ANONYMOUS_ACCOUNT_ID, installation.key) ?? { ok: true };
    if (!admitted.ok) {
      d.log(`[host] refused an invoke of ${mod.key}/${body.functionKey}: over the ${admitted.limit} invocation rate limit (${String(admitted.max)} a minute)`);
      return c.json(
        { ok: false, error: { name: 'RATE_LIMIT_EXCEEDED', message: `Too many invocations: the ${admitted.limit} limit of ${String(admitted.max)} a minute is reached. Try again in ${String(admitted.retryAfterSeconds)} s.` } },
        429,
        { 'Retry-After': String(admitted.retryAfterSeconds) },
      );
    }
    d.countInvocation();
    const outcome = await d.runner.invoke({
      handler: fn.handler,
      event: {
        call: { functionKey: body.functionKey, payload: body.payload ?? {} },
        context: { localId: body.localId, cloudId: d.cloudId, moduleKey: mod.key, siteUrl: d.siteUrl, extension: body.extension ?? {}, environmentType: LOCAL_ENVIRONMENT.type, environmentId: LOCAL_ENVIRONMENT.id, accountType },
      },
      context: { principal: { accountId: user ? user.accountId : ANONYMOUS_ACCOUNT_ID }, installContext: installation.installContext, license: undefined },
      identity: { ...(user ? { accountId: user.accountId } : {}), moduleKey: mod.key, installation: installation.key },
      timeoutMs: d.resolverTimeoutMs,
    });
    if (outcome.ok) {
      const responseBytes = jsonBytes(outcome.value);
      if (responseBytes <= INVOKE_LIMITS.responseMaxBytes) return c.json({ ok: true, value: outcome.value });
      d.log(`[host] resolver ${mod.key}/${body.functionKey} answered ${responseBytes} bytes > 5MB; the platform drops it`);
      return c.json({ ok: false, error: { name: 'RESPONSE_TOO_LARGE', message: `There was an error invoking the function - the response (${responseBytes} bytes) exceeds the 5MB limit for front-end invocations.` } });
    }
    d.log(`[host] resolver ${mod.key}/${body.functionKey} failed: ${outcome.error.name}: ${outcome.error.message}`);
    return c.json({ ok: false, error: { name: outcome.error.name, message: `There was an error invoking the function - ${outcome.error.message}` } });
  });
  return app;
}

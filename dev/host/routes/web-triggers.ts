import { Hono, type Context } from 'hono';
import type { AppManifest } from '../manifest';
import type { Runner } from '../runtime/runner';
import { toHttpResponse, webTriggerEvent } from '../web-trigger';
import type { WebTriggerUrls } from '../web-trigger-urls';
import type { Installations } from '../installations';

const WEB_TRIGGER_MAX_BODY_BYTES = 5 * 1024 * 1024;

/**
 * Web triggers at the URLs the platform handed out — `/x1/{id}` (urlFormat v1) and `/public/{id}` (v2), each with
 * an optional user path — without a user, within their time limit. A URL never created, or deleted, answers 404.
 */
export function webTriggerRoutes(d: { manifest: AppManifest; runner: Pick<Runner, 'invoke'>; installations: Installations; urls: WebTriggerUrls; timeoutMs: number; log: (line: string) => void; countInvocation: () => void }): Hono<{ Bindings: { incoming?: { rawHeaders?: string[] } } }> {
  const app = new Hono<{ Bindings: { incoming?: { rawHeaders?: string[] } } }>();
  const run = (format: 'v1' | 'v2') => async (c: Context<{ Bindings: { incoming?: { rawHeaders?: string[] } } }>) => {
    const id = c.req.param('id') ?? '';
    const found = d.urls.resolve(format, id);
    const fn = found ? d.manifest.functions.get(found.trigger.function) : undefined;
    if (!found || !fn) return c.json({ message: 'Web trigger not found' }, 404);
    // The signature scheme behind request.authentication: hmacSharedSecret is not documented, so nothing here
    // can verify a caller: the host refuses them all rather than let unauthenticated requests through.
    if (found.trigger.authentication === 'hmacSharedSecret') {
      d.log(`[host] web trigger ${found.triggerKey} declares request.authentication: hmacSharedSecret; its signature scheme is not documented, so the local host refuses every request to it`);
      return c.json({ message: 'Unauthorized' }, 401);
    }
    // The URL belongs to the installation that created it: its storage and context.
    const installation = d.installations.byContext(found.contextId) ?? d.installations.get(undefined);
    const body = await c.req.text();
    // limits-invocation: "Payload size | 5MB | The maximum request payload size for an invocation."
    if (Buffer.byteLength(body, 'utf8') > WEB_TRIGGER_MAX_BODY_BYTES) return c.json({ message: 'Payload Too Large' }, 413);
    const path = new URL(c.req.url).pathname;
    const prefix = `/${format === 'v2' ? 'public' : 'x1'}/${encodeURIComponent(id)}`;
    const userPath = path.length > prefix.length ? path.slice(prefix.length) : '';
    d.countInvocation();
    const outcome = await d.runner.invoke({
      handler: fn.handler,
      event: webTriggerEvent(c.req.raw, path, userPath, body, c.env?.incoming?.rawHeaders),
      context: { installContext: installation.installContext, principal: undefined },
      identity: { moduleKey: found.triggerKey, installation: installation.key },
      timeoutMs: d.timeoutMs,
    });
    if (outcome.ok) {
      const res = toHttpResponse(outcome.value, found.trigger);
      if (res) return res;
      d.log(`[host] web trigger ${found.triggerKey} returned ${found.trigger.response.type === 'static' ? 'no outputKey of its static outputs' : 'an invalid response'}; the platform answers 500`);
    } else {
      d.log(`[host] web trigger ${found.triggerKey} failed: ${outcome.error.name}: ${outcome.error.message}`);
    }
    return c.json({ message: 'Internal Server Error' }, 500);
  };
  app.all('/x1/:id', run('v1'));
  app.all('/x1/:id/*', run('v1'));
  app.all('/public/:id', run('v2'));
  app.all('/public/:id/*', run('v2'));
  return app;
}

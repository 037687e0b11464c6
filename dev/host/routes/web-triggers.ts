import { Hono, type Context } from 'hono';
import type { AppManifest } from '../manifest';
import type { Runner } from '../runtime/runner';
import { toHttpResponse, webTriggerEvent } from '../web-trigger';

/** `/x1/{key}[/user path]`: web triggers, without a user, within their time limit. */
export function webTriggerRoutes(d: { manifest: AppManifest; runner: Pick<Runner, 'invoke'>; installContext: string; timeoutMs: number; log: (line: string) => void; countInvocation: () => void }): Hono {
  const app = new Hono();
  const run = async (c: Context) => {
    const key = c.req.param('key') ?? '';
    const trigger = d.manifest.webTriggers.get(key);
    const fn = trigger ? d.manifest.functions.get(trigger.function) : undefined;
    if (!fn) return c.json({ message: 'Web trigger not found' }, 404);
    const userPath = new URL(c.req.url).pathname.split('/').slice(3).join('/');
    d.countInvocation();
    const outcome = await d.runner.invoke({
      handler: fn.handler,
      event: webTriggerEvent(c.req.raw, userPath, await c.req.text()),
      context: { installContext: d.installContext, principal: undefined },
      identity: { moduleKey: key },
      timeoutMs: d.timeoutMs,
    });
    if (outcome.ok) {
      const res = toHttpResponse(outcome.value);
      if (res) return res;
      d.log(`[host] web trigger ${key} returned an invalid response; the platform answers 500`);
    } else {
      d.log(`[host] web trigger ${key} failed: ${outcome.error.name}: ${outcome.error.message}`);
    }
    return c.json({ message: 'Internal Server Error' }, 500);
  };
  app.all('/x1/:key', run);
  app.all('/x1/:key/*', run);
  return app;
}

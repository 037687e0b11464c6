import { Hono } from 'hono';
import { createMicrosoftEmulator, mailControlRoutes, type MicrosoftEmulator, type MicrosoftFixture } from '../../emulator/microsoft/index';
import { LOCAL_ENTRA_APP } from '../local-app';
import type { MicrosoftOrigins } from '../microsoft-hosts';
import type { LocalService } from './service';

/** The Microsoft 365 emulator as a host service: Entra, Graph, SharePoint and the thumbnail service each on its own origin, on the host's clock. */
export function microsoftService(opts: { fixture: MicrosoftFixture; origin: string; origins: MicrosoftOrigins; now: () => number; redirectUris: () => string[]; accessTokenLifetimeSeconds?: number }): LocalService & { emulator: MicrosoftEmulator } {
  const { origins } = opts;
  const emulator = createMicrosoftEmulator({
    fixture: opts.fixture,
    origin: opts.origin,
    hosts: {
      login: origins.login,
      graph: origins.graph,
      media: origins.media,
      sharePoint: (hostname) => {
        const local = origins.sharePoint[hostname.toLowerCase()];
        if (!local) throw new Error(`SharePoint host ${hostname} is not served locally: give its tenant a sharePointHost in the fixture`);
        return local;
      },
    },
    now: opts.now,
    app: { clientId: LOCAL_ENTRA_APP.clientId, clientSecret: LOCAL_ENTRA_APP.clientSecret, redirectUris: opts.redirectUris },
    ...(opts.accessTokenLifetimeSeconds ? { accessTokenLifetimeSeconds: opts.accessTokenLifetimeSeconds } : {}),
  });
  const control = new Hono();
  /** Later refresh_token grants for that person fail with invalid_grant, as after a password reset. */
  control.post('/revoke', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { user?: unknown };
    if (typeof body.user !== 'string') return c.json({ error: 'user (UPN or mail) required' }, 400);
    emulator.revokeRefreshTokens(body.user);
    return c.json({ ok: true });
  });
  /** Mail arriving, moved or deleted in Outlook while the app runs (emulator README, "Mail"). */
  control.route('/mail', mailControlRoutes(emulator.mail));
  /** People in To Do and Teams, and change notifications (emulator README, "Automations"). */
  control.route('/', emulator.automationControl);
  return {
    name: 'microsoft',
    app: emulator.app,
    ownOrigins: true,
    reset: () => emulator.reset(),
    stats: () => emulator.stats(),
    faults: { key: 'graph', get: () => emulator.faults.get(), set: (patch) => emulator.faults.set(patch) },
    control,
    emulator,
  };
}

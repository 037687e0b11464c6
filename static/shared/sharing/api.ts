import type { AppErrorBody, Result } from '../../../src/contract';
import type { FeatureKey } from '../../../src/core/settings/features';
import { messageFor } from '../../../src/core/messages';
import { router } from '../bridge';
import { call } from '../invoke';
import { readSignInStatus } from '../sign-in-outcome';
import type { GraphSender } from '../graph-send';

/** One mail in the sharer's picker, read by their own browser with their own token. */
export interface PickableMail {
  id: string;
  subject: string;
  from: string;
  receivedAt: string;
  preview: string;
}

interface GraphMessage {
  id?: unknown;
  subject?: unknown;
  from?: { emailAddress?: { name?: unknown; address?: unknown } };
  receivedDateTime?: unknown;
  bodyPreview?: unknown;
  isDraft?: unknown;
}

const str = (v: unknown, max = 300): string => (typeof v === 'string' ? v.slice(0, max) : '');
const SELECT = 'id,subject,from,receivedDateTime,bodyPreview,isDraft';
/** Ids are stored: ask for the ones that survive moving the mail to another folder. */
const IMMUTABLE = { Prefer: 'IdType="ImmutableId"' };

/**
 * The sharer's recent mail, or what `$search` finds (KQL over subject, body, people). `$search` takes
 * no `$orderby`; Graph sorts its results by date sent. Drafts are left out: they were never sent.
 */
export async function listMail(graph: GraphSender, search: string): Promise<Result<PickableMail[]>> {
  const q = search.replace(/["\\]/g, ' ').trim().slice(0, 200);
  const path = q
    ? `/me/messages?$search=${encodeURIComponent(`"${q}"`)}&$top=25&$select=${SELECT}`
    : `/me/messages?$top=25&$select=${SELECT}&$orderby=${encodeURIComponent('receivedDateTime desc')}`;
  const r = await graph.send<{ value?: GraphMessage[] }>({ method: 'GET', path, headers: IMMUTABLE });
  if (!r.ok) return r;
  const value = Array.isArray(r.value.value) ? r.value.value : [];
  return {
    ok: true,
    value: value
      .filter((m) => m.isDraft !== true && typeof m.id === 'string')
      .map((m) => ({ id: str(m.id, 600), subject: str(m.subject) || '(no subject)', from: str(m.from?.emailAddress?.name) || str(m.from?.emailAddress?.address), receivedAt: str(m.receivedDateTime, 40), preview: str(m.bodyPreview, 160) })),
  };
}

const POLL_MS = 2000;
const WINDOW_MS = 10 * 60 * 1000;

/**
 * Incremental consent: a sign-in that also asks `feature`'s permission (Mail.Read), in a new tab as
 * every sign-in here; then `done()` is asked every few seconds (and when this tab regains focus) until
 * it says yes or ten minutes pass. Where the organisation needs an admin's approval, Microsoft's page
 * says so and the app's callback page explains where the admin approves it.
 */
export async function signInFor(feature: FeatureKey, done: () => Promise<boolean>): Promise<Result<true> | { ok: false; error: AppErrorBody }> {
  const r = await call('account/connect', { feature });
  if (!r.ok) return r;
  try {
    await router.open(r.value.authorizeUrl);
  } catch {
    // Declined at the page's "you're leaving" confirmation: no tab, so the sign-in is ended unused.
    void call('account/signIn/cancel', { signInId: r.value.signInId });
    return { ok: false, error: { code: 'MS_SIGN_IN_FAILED', message: messageFor('MS_SIGN_IN_FAILED', 'sign_in_not_opened'), reason: 'sign_in_not_opened' } };
  }
  const started = Date.now();
  return new Promise((resolve) => {
    let busy = false;
    let connectedMisses = 0;
    const stop = (v: Result<true>) => {
      clearInterval(timer);
      window.removeEventListener('focus', tick);
      resolve(v);
    };
    const tick = () => {
      if (busy) return;
      if (Date.now() - started > WINDOW_MS) {
        stop({ ok: false, error: { code: 'MS_SIGN_IN_FAILED', message: 'The sign-in was not finished. Try again.' } });
        return;
      }
      busy = true;
      void (async () => {
        // How the sign-in ended, as the Connect button reads it: a declined consent or "Need admin approval"
        // ends the wait with its reason, instead of "Finish signing in…" for ten minutes.
        const outcome = readSignInStatus(await call('account/signIn/status', { signInId: r.value.signInId }).catch(() => undefined));
        if (outcome.kind === 'failed') { stop({ ok: false, error: outcome.error }); return; }
        if (outcome.kind === 'pending') return;
        if (await done()) { stop({ ok: true, value: true }); return; }
        // Signed in, yet what was asked for is still missing twice in a row (once may be Graph being slow): say so
        // rather than wait on.
        if (outcome.kind === 'connected' && ++connectedMisses >= 2) stop({ ok: false, error: { code: 'MS_CONSENT_REQUIRED', message: 'You signed in, but Microsoft did not give the app that permission. Try again and choose Accept, or ask a site admin to approve the app for your organisation on its settings page.' } });
      })().finally(() => {
        busy = false;
      });
    };
    const timer = setInterval(tick, POLL_MS);
    window.addEventListener('focus', tick);
  });
}

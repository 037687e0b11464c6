import { useEffect, useState } from 'preact/hooks';
import type { AppErrorBody } from '../../../src/contract';
import type { At, PanelView, ShareKind } from '../../../src/contracts/sharing';
import type { ShareScope } from '../../../src/core/settings/model';
import { call } from '../invoke';
import type { GraphSender } from '../graph-send';
import { listMail, type PickableMail } from './api';
import { KIND_LABEL, pickScope, scopeHelp, SCOPE_LABEL } from './labels';
import { EndsOn, endOfDay } from './ends-on';

interface Props {
  /** What the viewer may share here; `issue` when it is the Jira panel's. */
  view: Pick<PanelView, 'viewer' | 'sharing'> & { issue?: PanelView['issue'] };
  /** Where the share goes (default: the panel's issue): a Confluence page for the Microsoft 365 item macro. */
  at?: At;
  /** After sharing, instead of the panel's message: the macro stores the new share's id. */
  onCreated?: (shareId: string) => void;
  graph: GraphSender | undefined;
  onAllowMail: (feature: 'share.mail' | 'share.conversation') => Promise<boolean>;
  onDone: (message: string) => void;
  onCancel: () => void;
}

type Listing = { kind: 'loading' } | { kind: 'needsMail' } | { kind: 'error'; error: AppErrorBody } | { kind: 'ready'; mails: PickableMail[] };

/**
 * "Share from Outlook": the sharer's own mail, listed and searched by their browser with their own
 * token; they pick one, whether to share it alone or its whole conversation, and who may see it.
 * The server checks all of it again (the mail must be in their mailbox; the scope must be allowed).
 */
export function SharePicker({ view, at, onCreated, graph, onAllowMail, onDone, onCancel }: Props) {
  const place = at !== undefined && 'pageId' in at ? 'this page' : 'this issue';
  const [listing, setListing] = useState<Listing>(view.viewer.mailAllowed ? { kind: 'loading' } : { kind: 'needsMail' });
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState<string | undefined>();
  const [kind, setKind] = useState<ShareKind>(view.sharing.kinds.find((k) => k === 'mail' || k === 'conversation') ?? 'mail');
  // The kind's own rule in force here.
  const rule = view.sharing.byKind[kind] ?? view.sharing;
  const [scope, setScope] = useState<ShareScope>(rule.defaultScope);
  const [ends, setEnds] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppErrorBody | undefined>();

  useEffect(() => {
    if (listing.kind === 'needsMail' || !graph) return;
    let live = true;
    setListing({ kind: 'loading' });
    void listMail(graph, query).then((r) => {
      if (!live) return;
      // Graph answers 403 for a token without Mail.Read: the consent below fixes that.
      if (!r.ok && (r.error.code === 'FORBIDDEN' || r.error.code === 'MS_CONSENT_REQUIRED')) setListing({ kind: 'needsMail' });
      else setListing(r.ok ? { kind: 'ready', mails: r.value } : { kind: 'error', error: r.error });
    });
    return () => {
      live = false;
    };
  }, [graph, query, listing.kind === 'needsMail']);

  if (!view.viewer.connected || !graph) {
    return (
      <div class="picker" role="group" aria-label="Share from Outlook">
        <p class="notice">Connect your Microsoft 365 account above to share mail from Outlook.</p>
        <button type="button" onClick={onCancel}>Close</button>
      </div>
    );
  }

  if (listing.kind === 'needsMail') {
    return (
      <div class="picker" role="group" aria-label="Share from Outlook">
        <p>To share mail, the app needs your permission to read your mail in Microsoft 365. Microsoft asks you once, in a new tab.</p>
        <p class="muted small">If Microsoft says an administrator must approve it, ask a site admin to approve “Share single mails” on the app’s settings page.</p>
        <div class="picker-actions">
          <button type="button" class="primary" onClick={() => void onAllowMail(kind === 'conversation' ? 'share.conversation' : 'share.mail').then((ok) => { if (ok) setListing({ kind: 'loading' }); })}>Allow reading mail</button>
          <button type="button" onClick={onCancel}>Cancel</button>
        </div>
      </div>
    );
  }

  async function share() {
    if (!picked) return;
    setBusy(true);
    setError(undefined);
    const where = at ?? (view.issue ? { issueId: view.issue.id } : undefined);
    if (!where) {
      setBusy(false);
      return;
    }
    const expiresAt = endOfDay(ends);
    const r = await call('sharing/create', { ...where, kind, messageId: picked, scope, ...(expiresAt ? { expiresAt } : {}) });
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    if (onCreated) onCreated(r.value.shareId);
    onDone(r.value.existing ? 'You had already shared that here.' : `Shared with: ${scopeHelp(scope, place)}.`);
  }

  return (
    <div class="picker" role="group" aria-label="Share from Outlook">
      <form
        class="picker-search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setPicked(undefined);
          setQuery(search);
        }}
      >
        <input type="search" aria-label="Search your mail" placeholder="Search your mail" value={search} onInput={(e) => { setSearch((e.currentTarget).value); }} />
        <button type="submit">Search</button>
      </form>
      {listing.kind === 'loading' && <p class="muted" role="status">Reading your mail…</p>}
      {listing.kind === 'error' && <p class="error" role="alert">{listing.error.message}</p>}
      {listing.kind === 'ready' &&
        (listing.mails.length === 0 ? (
          <p class="muted">{query ? 'No mail found.' : 'Your mailbox is empty.'}</p>
        ) : (
          <fieldset class="mail-list">
            <legend>{query ? `Mail matching “${query}”` : 'Your recent mail'}</legend>
            {listing.mails.map((m) => (
              <label key={m.id} class="mail-option">
                <input type="radio" name="mail" value={m.id} checked={picked === m.id} onChange={() => { setPicked(m.id); }} />
                <span>
                  <strong>{m.subject}</strong> <span class="muted">— {m.from}</span>
                  <span class="muted small preview">{m.preview}</span>
                </span>
              </label>
            ))}
          </fieldset>
        ))}
      <fieldset class="choice">
        <legend>Share</legend>
        {view.sharing.kinds.filter((k) => k === 'mail' || k === 'conversation').map((k) => (
          <label key={k}>
            <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => { setKind(k); setScope(pickScope(scope, view.sharing.byKind[k] ?? view.sharing)); }} /> {KIND_LABEL[k]}
          </label>
        ))}
      </fieldset>
      <fieldset class="choice">
        <legend>Who can see it</legend>
        {rule.allowedScopes.map((s) => (
          <label key={s}>
            <input type="radio" name="scope" value={s} checked={scope === s} onChange={() => { setScope(s); }} /> {SCOPE_LABEL[s]} <span class="muted small">— {scopeHelp(s, place)}</span>
          </label>
        ))}
      </fieldset>
      <EndsOn value={ends} scope={scope} publicMaxDays={rule.publicMaxDays} onChange={setEnds} />
      <p class="muted small">Only ids are stored. Whoever opens {place} sees the mail as it is in your mailbox now, read on your behalf — until you remove it or sign out.</p>
      {error && <p class="error" role="alert">{error.message}</p>}
      <div class="picker-actions">
        <button type="button" class="primary" disabled={!picked || busy} aria-busy={busy} onClick={() => void share()}>Share</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </div>
  );
}


import { useEffect, useMemo, useState } from 'preact/hooks';
import type { HostPolicy } from '../../src/core/sharepoint/hosts';
import { parseDocumentMacroConfig } from '../../src/core/sharepoint/config';
import { documentCard, type DocumentCard } from '../../src/core/sharepoint/document-card';
import { resolveDocument, type ResolvedDocument } from '../../src/core/sharepoint/document-resolve';
import { documentItemRequest } from '../../src/core/sharepoint/requests';
import { createFormatContext } from '../../src/core/sharepoint/format-context';
import { checkSiteHost } from '../../src/core/sharepoint/policy';
import type { ErrorCode } from '../../src/core/result';
import { viewerState } from '../../src/core/sharepoint/states';
import { parseSharePointUrl } from '../../src/core/sharepoint/url';
import { AccountControl } from '../shared/account-control';
import { close, submit } from '../shared/bridge';
import type { ViewContext } from '../shared/context';
import { mountWithContext } from '../shared/mount';
import { behaveAsDialog } from '../shared/dialog';
import { DocumentCardView } from '../shared/sharepoint-document/card';
import { createGraphSender } from '../shared/graph-send';
import { SharePointDialog } from '../shared/sharepoint/dialog-gate';
import { StateMessage } from '../shared/sharepoint/state-message';
import { useMicrosoftAccount } from '../shared/use-account';


type Step =
  | { kind: 'idle' }
  | { kind: 'finding'; retrying?: string }
  | { kind: 'refused'; code: ErrorCode; message: string }
  | { kind: 'found'; resolved: ResolvedDocument; card: DocumentCard; notes: string[] }
  | { kind: 'saving'; resolved: ResolvedDocument; card: DocumentCard; notes: string[] };

function Settings({ ctx, policy }: { ctx: ViewContext; policy: HostPolicy }) {
  const account = useMicrosoftAccount(ctx.accountId);
  const current = useMemo(() => parseDocumentMacroConfig(ctx.extension['config']), [ctx]);
  // A stored document on a tenant the admin no longer allows is named, with why it must be replaced.
  const currentHost = current.ok ? checkSiteHost(current.value.siteId, policy) : undefined;
  const [address, setAddress] = useState('');
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  // The page stores the document's ids only: its name is asked of Graph with the editor's own token.
  const [currentName, setCurrentName] = useState<string | undefined>();
  const connected = account.state.kind === 'connected' && account.session !== undefined;

  async function find(event: Event) {
    event.preventDefault();
    // Checked before anything is requested: a refused address never reaches the network.
    const location = parseSharePointUrl(address, policy);
    if (!location.ok) {
      setStep({ kind: 'refused', code: location.error.code, message: location.error.message });
      return;
    }
    if (!connected || account.session === undefined) {
      setStep({ kind: 'refused', code: 'MS_SIGN_IN_REQUIRED', message: 'Connect Microsoft 365 first: the document is looked up with your own SharePoint access.' });
      return;
    }
    setStep({ kind: 'finding' });
    const target = { kind: 'document' } as const;
    const graph = createGraphSender({ session: account.session, onRetry: (e) => { setStep({ kind: 'finding', retrying: viewerState(e, target).message }); } });
    const r = await resolveDocument(location.value, (req) => graph.send(req), policy);
    if (!r.ok) {
      // Words naming the step that failed come from the resolver; sign-in and the like from the state table.
      setStep({ kind: 'refused', code: r.error.code, message: r.error.code === 'MS_SIGN_IN_REQUIRED' ? viewerState(r.error, target).message : r.error.message });
      if (r.error.code === 'MS_SIGN_IN_REQUIRED') void account.reload();
      return;
    }
    const card = documentCard(r.value.item, createFormatContext({ locale: ctx.locale ?? 'en-US', timeZone: ctx.timezone ?? 'UTC' }), policy);
    if (!card.ok) {
      setStep({ kind: 'refused', code: card.error.code, message: card.error.message });
      return;
    }
    setStep({ kind: 'found', resolved: r.value, card: card.value, notes: [...location.value.notes, ...(r.value.linkNote !== undefined ? [r.value.linkNote] : [])] });
  }

  async function save() {
    if (step.kind !== 'found') return;
    setStep({ ...step, kind: 'saving' });
    try {
      // Only what parseDocumentMacroConfig accepts: ids.
      await submit({ config: { ...step.resolved.config } });
    } catch (e) {
      setStep({ kind: 'refused', code: 'INTERNAL', message: `The macro could not be saved: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  const currentConfig = current.ok && currentHost?.ok === true ? current.value : undefined;
  const session = account.state.kind === 'connected' ? account.session : undefined;
  useEffect(() => {
    if (currentConfig === undefined || session === undefined) return;
    const run = { live: true };
    void createGraphSender({ session }).send(documentItemRequest(currentConfig)).then((r) => {
      const name = r.ok && typeof r.value === 'object' && r.value !== null ? (r.value as { name?: unknown }).name : undefined;
      if (run.live && typeof name === 'string') setCurrentName(name);
    });
    return () => { run.live = false; };
  }, [currentConfig, session]);

  const busy = step.kind === 'finding' || step.kind === 'saving';
  if (account.refusal) return <StateMessage state={viewerState(account.refusal, { kind: 'document' })} />;
  return (
    <section aria-label="SharePoint Document settings">
      <AccountControl state={account.state} onConnect={account.connect} onSignOut={account.signOut} />
      {current.ok && step.kind === 'idle' && currentHost?.ok === true && (
        <p class="muted">
          Currently showing {currentName !== undefined ? <strong>{currentName}</strong> : 'a document you may not be able to open'}. Paste another address to change it.
        </p>
      )}
      {current.ok && currentHost?.ok === false && (
        <p class="notice" role="status">
          This macro showed a document that can’t be used any more. {currentHost.error.message}
        </p>
      )}
      <form class="doc-form-wrap" onSubmit={(e) => void find(e)}>
        <label for="doc-address">SharePoint file address or sharing link</label>
        <div class="doc-form">
          <input
            id="doc-address"
            type="text"
            inputMode="url"
            autoComplete="off"
            spellcheck={false}
            placeholder="https://contoso.sharepoint.com/sites/…/Shared Documents/report.docx"
            value={address}
            onInput={(e) => { setAddress((e.currentTarget).value); }}
          />
          <button type="submit" disabled={busy}>
            Find document
          </button>
        </div>
      </form>
      {step.kind === 'finding' && (
        <p class="muted" role="status">
          {step.retrying ? `Retrying… ${step.retrying}` : 'Looking the document up in SharePoint…'}
        </p>
      )}
      {step.kind === 'refused' && <StateMessage state={step} />}
      {(step.kind === 'found' || step.kind === 'saving') && (
        <>
          {step.notes.map((n) => (
            <p class="muted" key={n}>
              {n}
            </p>
          ))}
          <DocumentCardView card={step.card} />
        </>
      )}
      <div class="doc-actions">
        <button type="button" class="primary" disabled={step.kind !== 'found'} onClick={() => void save()}>
          {step.kind === 'saving' ? 'Saving…' : 'Save'}
        </button>
        <button type="button" onClick={() => void close()}>
          Cancel
        </button>
      </div>
    </section>
  );
}

// Shown in the macro's settings dialog: Esc closes it, focus starts in the first field.
behaveAsDialog({ focusFirstField: true });
mountWithContext((ctx) =>
  ctx.accountId === undefined ? (
    <p class="notice" role="status">Log in to Confluence to choose a SharePoint document.</p>
  ) : (
    <SharePointDialog>{(policy) => <Settings ctx={ctx} policy={policy} />}</SharePointDialog>
  ),
);

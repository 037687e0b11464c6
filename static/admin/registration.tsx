import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConnectionTestOutcome } from '../../src/contract';
import { ConfirmDialog } from '../shared/confirm-dialog';
import { call } from '../shared/invoke';
import { formatDate, people, Section, StatusLine, useSave, type SectionProps } from './ui';

const SOURCE_LABEL = { settings: 'Set on this page', variables: 'From Forge variables', none: 'Not set up yet' } as const;

type TestState = { kind: 'idle' } | { kind: 'testing' } | { kind: 'done'; outcome: ConnectionTestOutcome } | { kind: 'error'; message: string };

const same = (a: string, b: string | undefined) => a.trim().toLowerCase() === (b ?? '').trim().toLowerCase();

/** Which Microsoft Entra app registration the app signs users in with, and the addresses to register. */
export function Registration({ view, onView, refresh }: SectionProps & { refresh: () => Promise<void> }) {
  const reg = view.registration;
  const pageSet = reg.source === 'settings';
  const [tenant, setTenant] = useState(reg.tenant ?? '');
  const [clientId, setClientId] = useState(reg.clientId ?? '');
  const [secret, setSecret] = useState('');
  const [replacing, setReplacing] = useState(false);
  const [secretError, setSecretError] = useState<string | undefined>();
  const [test, setTest] = useState<TestState>({ kind: 'idle' });
  const [confirm, setConfirm] = useState<'save' | 'remove' | undefined>();
  const save = useSave(onView);
  const secretInput = useRef<HTMLInputElement>(null);

  // A saved change becomes the new starting point; the secret is never kept in the page.
  useEffect(() => {
    setTenant(reg.tenant ?? '');
    setClientId(reg.clientId ?? '');
    setSecret('');
    setReplacing(false);
  }, [reg.source, reg.tenant, reg.clientId, reg.secretSetAt]);

  useEffect(() => {
    if (replacing) secretInput.current?.focus();
  }, [replacing]);

  const identityChanged = reg.source !== 'none' && (!same(tenant, reg.tenant) || !same(clientId, reg.clientId));
  const unchanged = pageSet && !identityChanged && secret === '';
  const endsConnections = view.storedConnections > 0;
  const busy = save.busy || test.kind === 'testing';

  const edit = (set: (v: string) => void) => (e: Event) => {
    set((e.currentTarget as HTMLInputElement).value);
    save.reset();
  };

  async function runTest() {
    setTest({ kind: 'testing' });
    // Untouched fields test what is in force (with its stored secret); edited ones test what is typed.
    const typed = identityChanged || secret !== '' || reg.source === 'none';
    const res = await call('admin/registration/test', typed ? { tenant, clientId, ...(secret ? { clientSecret: secret } : {}) } : {});
    setTest(res.ok ? { kind: 'done', outcome: res.value } : { kind: 'error', message: res.error.message });
  }

  function requestSave(e: Event) {
    e.preventDefault();
    if (!pageSet && secret === '') {
      setSecretError('Enter the client secret (its value, not its id).');
      secretInput.current?.focus();
      return;
    }
    setSecretError(undefined);
    if (identityChanged && endsConnections) setConfirm('save');
    else void doSave(false);
  }

  /** Someone connected since the page was loaded: the server asks for the confirmation after all. */
  async function confirmAfterAll(what: 'save' | 'remove', res: { ok: boolean; error?: { reason?: string } }, confirmed: boolean) {
    if (res.ok || confirmed || res.error?.reason !== 'confirm_end_connections') { setConfirm(undefined); return; }
    await refresh();
    save.reset();
    setConfirm(what);
  }

  async function doSave(confirmEndConnections: boolean) {
    const res = await save.run(() => call('admin/registration/save', { tenant, clientId, ...(secret ? { clientSecret: secret } : {}), ...(confirmEndConnections ? { confirmEndConnections } : {}) }));
    if (res.ok) setSecret('');
    await confirmAfterAll('save', res, confirmEndConnections);
  }

  async function doRemove(confirmEndConnections: boolean) {
    const res = await save.run(() => call('admin/registration/clear', confirmEndConnections ? { confirmEndConnections } : {}));
    await confirmAfterAll('remove', res, confirmEndConnections);
  }

  const secretHelpId = 'reg-secret-help';
  return (
    <Section id="registration" title="Microsoft app registration" intro="The app signs people in to Microsoft 365 with an app registration in your organisation’s Microsoft Entra. Enter its details here.">
      {reg.source === 'none' && <p class="banner warning">Nobody can connect Microsoft 365 yet: the app has no app registration. Enter one below.</p>}
      <dl class="facts">
        <dt>In use</dt>
        <dd><span class={`source ${reg.source}`}>{SOURCE_LABEL[reg.source]}</span></dd>
        {reg.tenant && (<><dt>Tenant</dt><dd>{reg.tenant}</dd></>)}
        {reg.clientId && (<><dt>Client id</dt><dd>{reg.clientId}</dd></>)}
      </dl>
      {reg.source === 'variables' && <p class="subtle">The app uses the Forge variables MS_CLIENT_ID, MS_CLIENT_SECRET and MS_TENANT. An app registration saved here is used instead; the variables stay as a fallback.</p>}
      {pageSet && reg.variablesAvailable && <p class="subtle">Forge variables are set too. They are used again if you remove the registration saved here.</p>}

      <form onSubmit={requestSave} autocomplete="off">
        <div class="field">
          <label for="reg-tenant">Tenant</label>
          <input id="reg-tenant" type="text" value={tenant} onInput={edit(setTenant)} aria-describedby="reg-tenant-help" spellcheck={false} />
          <p id="reg-tenant-help" class="help">Your tenant id, a domain like contoso.onmicrosoft.com, or organizations.</p>
        </div>
        <div class="field">
          <label for="reg-client">Client id</label>
          <input id="reg-client" type="text" value={clientId} onInput={edit(setClientId)} aria-describedby="reg-client-help" spellcheck={false} />
          <p id="reg-client-help" class="help">The Application (client) ID on the app registration’s Overview page.</p>
        </div>
        {pageSet && !replacing ? (
          <p class="field">
            Client secret: set on {formatDate(reg.secretSetAt ?? '')}{' '}
            <button type="button" onClick={() => { setReplacing(true); }}>Replace</button>
          </p>
        ) : (
          <div class="field">
            <label for="reg-secret">{pageSet ? 'New client secret' : 'Client secret'}</label>
            <input
              id="reg-secret" ref={secretInput} type="password" autocomplete="off" value={secret} onInput={edit(setSecret)}
              aria-describedby={secretError ? `${secretHelpId} reg-secret-error` : secretHelpId} aria-invalid={secretError ? true : undefined}
            />
            <p id={secretHelpId} class="help">
              {pageSet ? 'Leave it empty to keep the current secret. ' : ''}The secret’s Value (not its Secret ID), from Certificates &amp; secrets. It is stored encrypted and never shown again.
            </p>
            {secretError && <p id="reg-secret-error" class="help error">{secretError}</p>}
            {pageSet && <button type="button" class="subtle" onClick={() => { setReplacing(false); setSecret(''); }}>Keep the current secret</button>}
          </div>
        )}
        <div class="actions">
          <button type="submit" class="primary" disabled={busy || unchanged}>Save</button>
          <button type="button" onClick={() => void runTest()} disabled={busy}>Test connection</button>
          {pageSet && <button type="button" class="subtle" onClick={() => { setConfirm('remove'); }} disabled={busy}>Remove</button>}
        </div>
      </form>
      <TestResult state={test} />
      <StatusLine state={save.state} />

      {confirm === 'save' && (
        <ConfirmDialog title="Change the app registration?" confirmLabel="Save and end connections" tone="danger" busy={save.busy} onConfirm={() => void doSave(true)} onCancel={() => { setConfirm(undefined); }}>
          <p>{people(view.storedConnections)} will have to connect Microsoft 365 again.</p>
          <p>Their connections were made with the current client id and tenant, and end when these change. They will be told why.</p>
        </ConfirmDialog>
      )}
      {confirm === 'remove' && (
        <ConfirmDialog title="Remove the app registration?" confirmLabel="Remove" tone="danger" busy={save.busy} onConfirm={() => void doRemove(endsConnections)} onCancel={() => { setConfirm(undefined); }}>
          <p>{reg.variablesAvailable ? 'The app goes back to the registration in the Forge variables.' : 'Nobody can connect Microsoft 365 until an app registration is set again.'}</p>
          {endsConnections && <p>{people(view.storedConnections)} will have to connect Microsoft 365 again.</p>}
        </ConfirmDialog>
      )}

      <h3>Redirect URIs</h3>
      <p>
        In Microsoft Entra, open App registrations → your app → Authentication, add the Web platform if it is missing, and paste {view.redirectUris.length === 1 ? 'this address' : 'each address'} under Redirect URIs.
      </p>
      <ul class="uris">
        {view.redirectUris.map((r) => <RedirectUri key={r.uri} uri={r.uri} use={r.use} />)}
      </ul>
    </Section>
  );
}

function TestResult({ state }: { state: TestState }) {
  if (state.kind === 'testing') return <p class="status" role="status">Testing the connection to Microsoft…</p>;
  if (state.kind === 'error') return <p class="status error" role="status">{state.message}</p>;
  if (state.kind !== 'done') return <p class="status" role="status" />;
  const o = state.outcome;
  return (
    <p class={o.ok ? 'status success' : 'status error'} role="status">
      {o.message}
      {!o.ok && o.detail && <span class="detail">{o.detail}</span>}
    </p>
  );
}

function RedirectUri({ uri, use }: { uri: string; use: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [note, setNote] = useState('');
  async function copy() {
    try {
      await navigator.clipboard.writeText(uri);
      setNote('Copied');
    } catch {
      // The iframe may not be allowed to write the clipboard: select it for Ctrl+C instead.
      input.current?.focus();
      input.current?.select();
      setNote('Selected: press Ctrl+C (⌘C on a Mac) to copy it.');
    }
  }
  return (
    <li>
      <span class="label">{use}</span>
      <input ref={input} type="text" readOnly value={uri} aria-label={`Redirect URI for ${use}`} />
      <button type="button" onClick={() => void copy()} aria-label={`Copy redirect URI for ${use}`}>Copy</button>
      <span class="small" role="status">{note}</span>
    </li>
  );
}

import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  DEFAULT_HOST_POLICY,
  DEFAULT_PAGE_SIZE,
  defaultColumns,
  findHintedList,
  MAX_COLUMNS,
  PAGE_SIZES,
  parseListMacroConfig,
  storedListConfig,
  parseSharePointUrl,
  pickableColumns,
  type ColumnRef,
  type FolderRef,
  type ListMacroConfig,
  type PageSize,
  type SiteCandidate,
  type SortDirection,
  viewerState,
  checkSiteHost,
  folderRequest,
  readFolder,
  type FailureTarget,
  type HostPolicy,
} from '../../src/core/sharepoint';
import type { AppErrorBody, Result } from '../../src/contract';
import { AccountControl } from '../shared/account-control';
import { close, submit } from '../shared/bridge';
import type { ViewContext } from '../shared/context';
import { mountWithContext } from '../shared/mount';
import { behaveAsDialog } from '../shared/dialog';
import { createSharePointGateway, type ListInfo, type SharePointGateway, type SiteInfo } from '../shared/sharepoint/gateway';
import { SharePointDialog } from '../shared/sharepoint/dialog-gate';
import { StateMessage } from '../shared/sharepoint/state-message';
import { useMicrosoftAccount } from '../shared/use-account';
import './config.css';


type Step =
  | { kind: 'idle' }
  | { kind: 'busy'; what: string }
  | { kind: 'error'; code: AppErrorBody['code']; message: string };

interface Picked {
  site: SiteInfo;
  candidate?: SiteCandidate;
  lists: ListInfo[];
}

interface ListChoice {
  list: ListInfo;
  options: ColumnRef[];
  chosen: Set<string>;
  driveId?: string;
  /** The folder the view starts in: its id is stored, its name only shown here (it comes from Graph). */
  folder?: { ref: FolderRef; name?: string };
}

/** The editor's words for a failed step, naming what it was about. */
const answerError = (a: { ok: false; error: AppErrorBody }, target: FailureTarget): AppErrorBody => viewerState(a.error, target);

function Editor({ gateway, initial, policy }: { gateway: SharePointGateway; initial: ListMacroConfig | undefined; policy: HostPolicy }) {
  const [url, setUrl] = useState('');
  const [urlError, setUrlError] = useState<string | undefined>();
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const [picked, setPicked] = useState<Picked | undefined>();
  const [choice, setChoice] = useState<ListChoice | undefined>();
  const [sortColumn, setSortColumn] = useState(initial?.sort?.column ?? '');
  const [sortDirection, setSortDirection] = useState<SortDirection>(initial?.sort?.direction ?? 'asc');
  const [pageSize, setPageSize] = useState<PageSize>(initial?.pageSize ?? DEFAULT_PAGE_SIZE);

  async function chooseList(p: Picked, list: ListInfo, keep?: ListMacroConfig) {
    setChoice(undefined);
    setStep({ kind: 'busy', what: `Reading the columns of ${list.displayName}…` });
    const target: FailureTarget = { kind: list.kind, name: list.displayName };
    const [cols, drive] = await Promise.all([
      gateway.columns(p.site.id, list.id),
      list.kind === 'library' ? gateway.driveId(p.site.id, list.id) : Promise.resolve<Result<string | undefined>>({ ok: true, value: undefined }),
    ]);
    if (!cols.ok) {
      setStep({ kind: 'error', ...answerError(cols, target) });
      return;
    }
    if (!drive.ok) {
      setStep({ kind: 'error', ...answerError(drive, target) });
      return;
    }
    const pickable = pickableColumns(cols.value, list.kind);
    const defaults = defaultColumns(pickable, list.kind);
    const stored = keep?.listId === list.id ? keep.columns : undefined;
    // Built-ins Graph leaves out for libraries (File Size) and stored columns stay offered.
    const options = [...pickable];
    for (const c of [...defaults, ...(stored ?? [])]) if (!options.some((o) => o.name === c.name)) options.push(c);
    const next: ListChoice = { list, options, chosen: new Set((stored ?? defaults).map((c) => c.name)) };
    if (drive.value !== undefined) next.driveId = drive.value;
    const kept = keep?.listId === list.id ? keep.folder : undefined;
    if (kept !== undefined && drive.value !== undefined && 'id' in kept) {
      // The stored folder is an id: its name comes from Graph, for the editor's eyes only.
      const f = await gateway.send(folderRequest({ driveId: drive.value }, kept.id));
      const info = f.ok ? readFolder(f.value) : undefined;
      next.folder = { ref: kept, ...(info?.name !== undefined ? { name: info.name } : {}) };
    } else if (kept !== undefined) {
      next.folder = { ref: kept };
    } else if (p.candidate?.folderPath && list.kind === 'library' && drive.value !== undefined && findHintedList([list], p.candidate)) {
      // A pasted folder address: stored by the folder's id, never by its path.
      const f = await gateway.folderByPath(drive.value, p.candidate.folderPath);
      if (!f.ok) {
        setStep({ kind: 'error', ...answerError(f, { kind: 'folder', name: p.candidate.folderPath.split('/').pop() ?? '' }) });
        return;
      }
      if (f.value !== undefined) next.folder = { ref: { id: f.value.id }, name: f.value.name };
    }
    setChoice(next);
    if (!next.chosen.has(sortColumn)) setSortColumn('');
    setStep({ kind: 'idle' });
  }

  async function openSite(site: SiteInfo, candidate: SiteCandidate | undefined, keep?: ListMacroConfig) {
    setStep({ kind: 'busy', what: `Reading the lists of ${site.displayName}…` });
    const lists = await gateway.lists(site.id);
    if (!lists.ok) {
      setStep({ kind: 'error', ...answerError(lists, { kind: 'site', name: site.displayName }) });
      return;
    }
    const p: Picked = { site, lists: lists.value, ...(candidate ? { candidate } : {}) };
    setPicked(p);
    const pre = keep ? lists.value.find((l) => l.id === keep.listId) : candidate ? findHintedList(lists.value, candidate) : undefined;
    if (pre) return chooseList(p, pre, keep);
    setChoice(undefined);
    if (keep) {
      setStep({ kind: 'error', code: 'NOT_FOUND', message: 'The list this macro showed is no longer in this site, or you can’t see it. Choose another one.' });
      return;
    }
    setStep({ kind: 'idle' });
  }

  useEffect(() => {
    // Once, on opening: the stored list is where editing starts.
    // The page stores the site's id only: its name and address come from Graph, with the editor's token.
    if (initial) {
      void (async () => {
        setStep({ kind: 'busy', what: 'Opening the list this macro shows…' });
        const site = await gateway.siteById(initial.siteId);
        if (!site.ok) {
          setStep({ kind: 'error', ...answerError(site, { kind: 'site' }) });
          return;
        }
        setUrl(site.value.webUrl);
        await openSite(site.value, undefined, initial);
      })();
    }
  }, []);

  async function find(e: Event) {
    e.preventDefault();
    setPicked(undefined);
    setChoice(undefined);
    const parsed = parseSharePointUrl(url, policy);
    if (!parsed.ok) {
      // Refused here, before anything is requested.
      setUrlError(parsed.error.message);
      return;
    }
    setUrlError(undefined);
    setStep({ kind: 'busy', what: 'Finding the site…' });
    const res = await gateway.resolveSite(parsed.value);
    // The core's own refusals (a sharing link, no site at that address) say it in their own words.
    if (!res.ok) {
      setStep({ kind: 'error', ...(res.error.reason === 'sharing_link' || res.error.reason === 'no_site' ? res.error : answerError(res, { kind: 'site' })) });
      return;
    }
    await openSite(res.value.site, res.value.candidate);
  }

  const toggle = (name: string) => {
    if (!choice) return;
    const chosen = new Set(choice.chosen);
    if (chosen.has(name)) chosen.delete(name);
    else if (chosen.size < MAX_COLUMNS) chosen.add(name);
    setChoice({ ...choice, chosen });
    if (!chosen.has(sortColumn)) setSortColumn('');
  };

  const config = useMemo(() => {
    if (!picked || !choice) return undefined;
    const columns = choice.options.filter((c) => choice.chosen.has(c.name));
    // Ids only: no site, list or folder name and no address goes into the page.
    const raw: ListMacroConfig = {
      version: 3,
      siteId: picked.site.id,
      listId: choice.list.id,
      kind: choice.list.kind,
      columns,
      pageSize,
      ...(choice.driveId ? { driveId: choice.driveId } : {}),
      ...(choice.folder ? { folder: choice.folder.ref } : {}),
      ...(sortColumn && columns.some((c) => c.name === sortColumn) ? { sort: { column: sortColumn, direction: sortDirection } } : {}),
    };
    return parseListMacroConfig(raw, policy);
  }, [picked, choice, sortColumn, sortDirection, pageSize, policy]);

  const chosenColumns = choice ? choice.options.filter((c) => choice.chosen.has(c.name)) : [];

  return (
    <div class="sp-config">
      <form onSubmit={(e) => void find(e)} class="row" noValidate>
        <label for="sp-url">SharePoint address</label>
        <input
          id="sp-url"
          type="text"
          inputMode="url"
          autoComplete="off"
          spellcheck={false}
          placeholder="https://contoso.sharepoint.com/sites/…/Lists/…"
          value={url}
          aria-invalid={urlError ? 'true' : 'false'}
          aria-describedby={urlError ? 'sp-url-error' : 'sp-url-help'}
          onInput={(e) => { setUrl((e.target as HTMLInputElement).value); }}
        />
        <button type="submit" class="primary">Find</button>
      </form>
      {urlError ? (
        <p id="sp-url-error" class="error" role="alert">{urlError}</p>
      ) : (
        <p id="sp-url-help" class="muted">Paste the address of a SharePoint site, list, library or folder, copied from the browser.</p>
      )}
      {step.kind === 'busy' ? <p class="muted" role="status">{step.what}</p> : null}
      {step.kind === 'error' ? <StateMessage state={step} /> : null}

      {picked ? (
        <div class="row">
          <label for="sp-list">List or library in {picked.site.displayName}</label>
          <select
            id="sp-list"
            value={choice?.list.id ?? ''}
            onChange={(e) => {
              const l = picked.lists.find((x) => x.id === (e.target as HTMLSelectElement).value);
              if (l) void chooseList(picked, l);
            }}
          >
            <option value="" disabled>Choose…</option>
            {picked.lists.map((l) => (
              <option key={l.id} value={l.id}>{l.displayName}{l.kind === 'library' ? ' (library)' : ''}</option>
            ))}
          </select>
        </div>
      ) : null}

      {choice ? (
        <>
          {choice.folder ? <p class="muted">Starts in the folder “{choice.folder.name ?? ('path' in choice.folder.ref ? choice.folder.ref.path : '')}”.</p> : null}
          <fieldset>
            <legend>Columns to show</legend>
            <div class="columns">
              {choice.options.map((c) => (
                <label key={c.name}>
                  <input type="checkbox" checked={choice.chosen.has(c.name)} onChange={() => { toggle(c.name); }} /> {c.displayName}
                </label>
              ))}
            </div>
          </fieldset>
          <div class="row">
            <label for="sp-sort">Default sort</label>
            <select id="sp-sort" value={sortColumn} onChange={(e) => { setSortColumn((e.target as HTMLSelectElement).value); }}>
              <option value="">SharePoint’s order</option>
              {chosenColumns.map((c) => (
                <option key={c.name} value={c.name}>{c.displayName}</option>
              ))}
            </select>
            <label for="sp-dir" class="sr">Sort direction</label>
            <select id="sp-dir" value={sortDirection} disabled={sortColumn === ''} onChange={(e) => { setSortDirection((e.target as HTMLSelectElement).value as SortDirection); }}>
              <option value="asc">Ascending</option>
              <option value="desc">Descending</option>
            </select>
            <label for="sp-size">Rows per page</label>
            <select id="sp-size" value={String(pageSize)} onChange={(e) => { setPageSize(Number((e.target as HTMLSelectElement).value) as PageSize); }}>
              {PAGE_SIZES.map((n) => (
                <option key={n} value={String(n)}>{n}</option>
              ))}
            </select>
          </div>
          {config && !config.ok ? <p class="error" role="alert">{chosenColumns.length === 0 ? 'Choose at least one column.' : config.error.message}</p> : null}
        </>
      ) : null}

      <div class="actions">
        <button
          type="button"
          class="primary"
          disabled={!config?.ok || step.kind === 'busy'}
          onClick={() => {
            if (config?.ok) void submit({ config: storedListConfig(config.value) });
          }}
        >
          Save
        </button>
        <button type="button" onClick={() => void close()}>Cancel</button>
      </div>
    </div>
  );
}

function Settings({ ctx, policy }: { ctx: ViewContext; policy: HostPolicy }) {
  const account = useMicrosoftAccount(ctx.accountId);
  const gateway = useMemo(() => (account.session ? createSharePointGateway({ session: account.session }) : undefined), [account.session]);
  // The stored list, unless its site is on a tenant the admin no longer allows: then start afresh, saying why.
  const stored = useMemo(() => {
    const parsed = parseListMacroConfig(ctx.extension['config'], DEFAULT_HOST_POLICY);
    if (!parsed.ok) return { initial: undefined, refused: undefined };
    const host = checkSiteHost(parsed.value.siteId, policy);
    return host.ok ? { initial: parsed.value, refused: undefined } : { initial: undefined, refused: host.error.message };
  }, [ctx, policy]);
  if (account.refusal) return <StateMessage state={viewerState(account.refusal, { kind: 'site' })} />;
  return (
    <main aria-label="SharePoint List settings">
      <section class="sp-account" aria-label="Microsoft 365">
        <AccountControl state={account.state} onConnect={account.connect} onSignOut={account.signOut} />
      </section>
      {stored.refused ? <p class="notice" role="status">The list this macro showed can’t be used any more. {stored.refused}</p> : null}
      {account.state.kind === 'connected' && gateway ? <Editor gateway={gateway} initial={stored.initial} policy={policy} /> : null}
    </main>
  );
}

// Shown in the macro's settings dialog: Esc closes it, focus starts in the first field.
behaveAsDialog({ focusFirstField: true });
mountWithContext((ctx) => <SharePointDialog>{(policy) => <Settings ctx={ctx} policy={policy} />}</SharePointDialog>);

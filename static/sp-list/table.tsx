import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  createFormatContext,
  GRAPH_REASONS,
  DEFAULT_HOST_POLICY,
  initTable,
  macroTitle,
  openLinks,
  personResolver,
  planPeopleLookup,
  reduceTable,
  searchColumn,
  tableView,
  unresolvedPersonIds,
  type Cell,
  type FailureTarget,
  type ListMacroConfig,
  type PeopleCache,
  type PersonLookup,
  type TableEvent,
  type TableRowView,
  type TableState,
  type ViewerState,
  viewerState,
} from '../../src/core/sharepoint';
import type { AppErrorBody, SessionToken } from '../../src/contract';
import { router } from '../shared/bridge';
import { FileIcon } from '../shared/sharepoint/file-icon';
import { StateMessage } from '../shared/sharepoint/state-message';
import { graphFetch } from '../shared/sharepoint/early';
import { createSharePointGateway, type ListInfo, type TokenSession } from '../shared/sharepoint/gateway';

const SEARCH_DELAY_MS = 400;

/** Opens SharePoint through the host (Forge iframes may not open windows themselves); the href stays for copying. */
function ExternalLink({ href, children, label }: { href: string; children: preact.ComponentChildren; label?: string }) {
  return (
    <a
      href={href}
      target="_blank"
      rel="noopener noreferrer"
      {...(label ? { 'aria-label': label } : {})}
      onClick={(e) => {
        e.preventDefault();
        // A declined "you're leaving" confirmation rejects: the person chose to stay, nothing to report.
        router.open(href).catch(() => undefined);
      }}
    >
      {children}
    </a>
  );
}

function CellView({ cell, row, first, onOpenFolder }: { cell: Cell; row: TableRowView; first: boolean; onOpenFolder: () => void }) {
  const badge = first && row.icon !== undefined ? <FileIcon icon={row.icon} /> : null;
  let content: preact.ComponentChildren = cell.text;
  if (cell.kind === 'link') {
    content = row.row.kind === 'folder' && first ? (
      <button type="button" class="linkish" onClick={onOpenFolder}>{cell.text}</button>
    ) : (
      <ExternalLink href={cell.href}>{cell.text}</ExternalLink>
    );
  } else if (row.row.kind === 'folder' && first && cell.text !== '') {
    content = <button type="button" class="linkish" onClick={onOpenFolder}>{cell.text}</button>;
  } else if (cell.kind === 'person' && cell.unresolvedIds !== undefined) {
    // Names of people known only by id arrive after the rows (one $batch per page); never show the id.
    content = <>{cell.text}{cell.text !== '' ? '; ' : ''}<span class="muted" aria-hidden="true">…</span><span class="sr">Loading name</span></>;
  }
  return <td class={cell.kind === 'text' && cell.numeric ? 'num' : undefined}>{badge}{content}</td>;
}

export interface ListTableProps {
  config: ListMacroConfig;
  session: TokenSession;
  token: SessionToken;
  locale: string | undefined;
  timeZone: string | undefined;
  /** Graph refused the token even after a refresh: back to the Connect prompt. */
  onSignInRequired: (state: ViewerState) => void;
}

/** The SharePoint List macro's table: one `$batch` for the first paint, then one request per page/sort/search/folder. */
export function ListTable({ config, session, token, locale, timeZone, onSignInRequired }: ListTableProps) {
  const [table, setTable] = useState<TableState>(() => initTable(config, { graphBase: token.graphBaseUrl }));
  const [list, setList] = useState<ListInfo | undefined>();
  const [fatal, setFatal] = useState<ViewerState | undefined>();
  const [problem, setProblem] = useState<ViewerState | undefined>();
  const [retrying, setRetrying] = useState<AppErrorBody | undefined>();
  const [painted, setPainted] = useState(false);
  const [searchText, setSearchText] = useState('');
  const gateway = useMemo(() => createSharePointGateway({ session, onRetry: setRetrying, fetch: graphFetch }), [session]);
  // People known only by id, looked up once per frame (see src/core/sharepoint/people.ts).
  const [people, setPeople] = useState<PeopleCache>(() => new Map());
  const asking = useRef(new Set<string>());
  const fmt = useMemo(
    () => createFormatContext({ locale: locale ?? 'en-US', timeZone: timeZone ?? 'UTC', resolvePerson: personResolver(people) }),
    [locale, timeZone, people],
  );
  const searchTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // Names come from Graph with this viewer's token; until it answered, messages name no list.
  const target: FailureTarget = list ? { kind: config.kind, name: list.displayName } : { kind: config.kind };

  const stopped = (error: AppErrorBody, on: FailureTarget = target): ViewerState | undefined => {
    const state = viewerState(error, on);
    if (state.action === 'signIn') {
      onSignInRequired(state);
      return undefined;
    }
    return state;
  };

  // Layout effect: the first request starts right after render, not after an animation frame.
  useLayoutEffect(() => {
    void gateway.firstPaint(table).then((r) => {
      setRetrying(undefined);
      setTable(r.state);
      if (r.list) setList(r.list);
      if (r.error) setFatal(stopped(r.error));
      setPainted(true);
    });
    // The first paint runs once per mount (per gateway); later requests go through the effect below.
  }, [gateway]);

  const pending = table.pending;
  useEffect(() => {
    if (!painted || pending === null) return;
    const { seq, request } = pending;
    const folder = table.crumbs.length > 1 ? table.crumbs[table.crumbs.length - 1] : undefined;
    const on: FailureTarget = folder ? { kind: 'folder', name: folder.name } : target;
    void gateway.sendPage(table, request, { seenMomentsAgo: folder !== undefined }).then((res) => {
      setRetrying(undefined);
      if (res.ok) {
        setProblem(undefined);
        setTable((cur) => reduceTable(cur, { type: 'loaded', seq, body: res.value }));
      } else if (res.error.reason === GRAPH_REASONS.queryRefused) {
        setTable((cur) => reduceTable(cur, { type: 'serverQueryRejected', seq }));
      } else {
        setTable((cur) => reduceTable(cur, { type: 'failed', seq }));
        setProblem(stopped(res.error, on));
      }
    });
    // Keyed by the pending request's sequence number: each request is sent once.
  }, [painted, pending?.seq]);

  const view = tableView(table, fmt);
  const wanted = unresolvedPersonIds(view.rows);
  const wantedKey = wanted.join(',');
  useEffect(() => {
    if (wanted.length === 0) return;
    const plan = planPeopleLookup(wanted, people, asking.current);
    const merge = (found: ReadonlyMap<string, PersonLookup>) => {
      setPeople((cur) => new Map([...cur, ...found]));
    };
    if (plan.unknown.length > 0) merge(new Map(plan.unknown.map((id) => [id, 'unknown' as const])));
    if (plan.request.length === 0) return;
    for (const id of plan.request) asking.current.add(id);
    const settle = (found: ReadonlyMap<string, PersonLookup>) => {
      for (const id of plan.request) asking.current.delete(id);
      merge(found);
    };
    // The gateway answers every id; should it throw all the same, the cells stop waiting.
    gateway.people(config.siteId, plan.request).then(settle, () => { settle(new Map(plan.request.map((id) => [id, 'unknown' as const]))); });
    // Keyed by the ids the shown rows still need: a page, sort or search that brings new people asks once.
  }, [wantedKey, gateway]);

  const dispatch = (e: TableEvent) => { setTable((cur) => reduceTable(cur, e)); };
  const listName = list?.displayName;
  const what = config.kind === 'library' ? 'library' : 'list';
  const label = listName !== undefined ? `SharePoint ${what} ${listName}` : `SharePoint ${what}`;
  // The macro's own title (never a folder's), kept while SharePoint is busy or the view failed, so several
  // macros on one page saying the same thing can be told apart.
  const title = macroTitle(target);

  if (fatal) {
    return (
      <section class="sp-list" aria-label={label}>
        <header class="sp-head">
          <h2>{title}</h2>
        </header>
        <StateMessage state={fatal} />
        {fatal.action === 'retry' ? <button type="button" onClick={() => { location.reload(); }}>Try again</button> : null}
      </section>
    );
  }

  const searchCol = config.kind === 'list' ? view.columns.find((c) => c.name === searchColumn(view.columns)) : undefined;
  const searchLabel = listName !== undefined ? `Search ${listName}` : `Search this ${what}`;
  const nf = new Intl.NumberFormat(locale ?? 'en-US');
  const sortable = new Set(view.sortable);
  const indexedNames = view.columns.filter((c) => table.indexed.some((n) => n.toLowerCase() === c.name.toLowerCase())).map((c) => c.displayName);
  const onSearchInput = (text: string) => {
    setSearchText(text);
    clearTimeout(searchTimer.current);
    searchTimer.current = setTimeout(() => { dispatch({ type: 'search', text }); }, SEARCH_DELAY_MS);
  };
  const sortOf = (name: string): 'ascending' | 'descending' | 'none' =>
    view.sort?.column === name ? (view.sort.direction === 'asc' ? 'ascending' : 'descending') : 'none';

  // Its first shown view, with no retry or problem on it and every person named, becomes the tab's copy
  // (static/shared/sharepoint/tab-copy.ts): a copy shows what the viewer saw, never "Loading name…".
  const copyable = painted && !retrying && !problem && wanted.length === 0;
  return (
    <section class="sp-list" aria-label={label} data-copyable={copyable ? '' : undefined}>
      <header class="sp-head">
        {listName !== undefined || retrying ? <h2>{title}</h2> : null}
        {list?.webUrl ? <ExternalLink href={list.webUrl}>Open in SharePoint</ExternalLink> : null}
      </header>
      {retrying ? <p class="notice" role="status">Retrying… {viewerState(retrying, target).message}</p> : null}
      {!painted ? (
        retrying ? null : <p class="muted" role="status" data-placeholder>Loading the {what}…</p>
      ) : (
        <>
          <form
            role="search"
            class="sp-search"
            onSubmit={(e) => {
              e.preventDefault();
              clearTimeout(searchTimer.current);
              dispatch({ type: 'search', text: searchText });
            }}
          >
            <input
              type="search"
              aria-label={searchLabel}
              placeholder={view.large ? 'Words anywhere in the list…' : searchCol ? `${searchCol.displayName} starts with…` : 'Search'}
              value={searchText}
              onInput={(e) => { onSearchInput((e.target as HTMLInputElement).value); }}
            />
            <button type="submit">Search</button>
          </form>
          {config.kind === 'library' ? (
            <nav aria-label="Folders" class="crumbs">
              <ol>
                {view.crumbs.map((c, i) =>
                  i === view.crumbs.length - 1 ? (
                    <li key={i} aria-current="location">{c.name}</li>
                  ) : (
                    <li key={i}>
                      <button type="button" class="linkish" onClick={() => { dispatch({ type: 'crumb', index: i }); }}>{c.name}</button>
                    </li>
                  ),
                )}
              </ol>
            </nav>
          ) : null}
          {problem ? (
            <div class="problem">
              <StateMessage state={problem} />
              {problem.action === 'retry' ? <button type="button" onClick={() => { dispatch({ type: 'retry' }); }}>Try again</button> : null}
            </div>
          ) : null}
          {view.missingColumns.length > 0 ? (
            <p class="muted">No longer in the list: {view.missingColumns.map((c) => c.displayName).join(', ')}.</p>
          ) : null}
          {view.search.text !== '' && view.search.scope === 'page' ? <p class="muted">Showing matches on this page only.</p> : null}
          {view.large ? (
            <p class="muted">
              This list has more than 5,000 items. SharePoint sorts it only by indexed columns
              {indexedNames.length > 0 ? ` (here: ${indexedNames.join(', ')})` : ' (none of those shown)'}, and
              search uses Microsoft Search, which finds whole words and word beginnings and can take a few minutes to find new or changed items.
            </p>
          ) : null}
          {view.sortNotApplied ? <p class="muted">Not sorted by {view.sortNotApplied.displayName}, as this macro asks: it is not an indexed column, so SharePoint shows this list in its own order.</p> : null}
          {view.search.microsoftSearch && view.sort !== null ? <p class="muted">Search results are in order of relevance; sorting applies to this page.</p> : null}
          {view.sort?.scope === 'page' && !view.search.microsoftSearch ? <p class="muted">Sorted within this page only.</p> : null}
          <div class="sp-table-frame">
          <table style={{ '--sp-columns': String(view.columns.length) }}>
            <colgroup>
              {view.columns.map((c) => <col key={c.name} />)}
              <col class="links" />
            </colgroup>
            <thead>
              <tr>
                {view.columns.map((c) =>
                  sortable.has(c.name) ? (
                    <th key={c.name} scope="col" aria-sort={sortOf(c.name)}>
                      <button type="button" class="sort" onClick={() => { dispatch({ type: 'sort', column: c.name }); }}>
                        {c.displayName}
                        <span aria-hidden="true">{sortOf(c.name) === 'ascending' ? ' ▲' : sortOf(c.name) === 'descending' ? ' ▼' : ' ↕'}</span>
                      </button>
                    </th>
                  ) : (
                    <th key={c.name} scope="col" title="SharePoint can’t sort this list by this column (it is not indexed)">{c.displayName}</th>
                  ),
                )}
                <th scope="col"><span class="sr">Links</span></th>
              </tr>
            </thead>
            <tbody aria-busy={view.loading ? 'true' : 'false'}>
              {view.rows.map((r) => {
                const name = r.row.name ?? r.cells[0]?.text ?? '';
                const link = openLinks(
                  { name: r.row.name ?? null, mimeType: r.row.mimeType ?? null, isFolder: r.row.kind === 'folder', packageType: r.row.packageType ?? null, webUrl: r.row.webUrl ?? null },
                  DEFAULT_HOST_POLICY,
                )[0];
                return (
                  <tr key={r.key}>
                    {r.cells.map((cell, i) => (
                      <CellView key={i} cell={cell} row={r} first={i === 0} onOpenFolder={() => { dispatch({ type: 'openFolder', key: r.key }); }} />
                    ))}
                    <td>{link ? <ExternalLink href={link.href} label={`${link.label}: ${name}`}>{link.label}</ExternalLink> : null}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          </div>
          {view.loading ? <p class="muted" role="status">Loading…</p> : null}
          {!view.loading && !view.failed && view.rows.length === 0 ? (
            <p class="muted">{view.search.text !== '' ? `Nothing matches “${view.search.text}”.` : config.kind === 'library' ? 'This folder is empty.' : 'This list has no items you can see.'}</p>
          ) : null}
          {view.problem === 'invalid_next_link' ? <p class="notice">SharePoint sent a next-page link the app did not follow.</p> : null}
          {view.page.single ? null : (
            <nav aria-label="Pages" class="pager">
              <button type="button" disabled={!view.page.canPrevious} onClick={() => { dispatch({ type: 'previous' }); }}>Previous</button>
              <span>
                {view.page.total !== undefined
                  ? `${nf.format(view.page.first)}–${nf.format(view.page.last)} of ${nf.format(view.page.total)}`
                  : `Page ${nf.format(view.page.number)}`}
              </span>
              <button type="button" disabled={!view.page.canNext} onClick={() => { dispatch({ type: 'next' }); }}>Next</button>
            </nav>
          )}
          {view.page.single && view.page.total !== undefined && view.page.total > 0 ? (
            <p class="muted" role="status">{`${nf.format(view.page.first)}–${nf.format(view.page.last)} of ${nf.format(view.page.total)}`}</p>
          ) : null}
        </>
      )}
    </section>
  );
}

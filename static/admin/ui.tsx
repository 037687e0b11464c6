import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { AdminView, Result } from '../../src/contract';

export type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved' } | { kind: 'error'; message: string };

/** What every section gets: the page's view of the settings, and how to replace it after a save. */
export interface SectionProps {
  view: AdminView;
  onView: (v: AdminView) => void;
}

export function Section({ id, title, intro, children }: { id: string; title: string; intro?: ComponentChildren; children: ComponentChildren }) {
  return (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {intro && <p class="intro">{intro}</p>}
      {children}
    </section>
  );
}

/** The line under a section's buttons: always in the page, so screen readers announce its changes. */
export function StatusLine({ state }: { state: SaveState }) {
  const cls = state.kind === 'saved' ? 'status success' : state.kind === 'error' ? 'status error' : 'status';
  return (
    <p class={cls} role="status">
      {state.kind === 'saving' ? 'Saving…' : state.kind === 'saved' ? 'Saved' : state.kind === 'error' ? state.message : ''}
    </p>
  );
}

/** Save for one section: shows Saving…/Saved/the error's message and hands the new view to the page. */
export function useSave(onView: (v: AdminView) => void) {
  const [state, setState] = useState<SaveState>({ kind: 'idle' });
  async function run(save: () => Promise<Result<AdminView>>): Promise<Result<AdminView>> {
    setState({ kind: 'saving' });
    const res = await save();
    if (res.ok) {
      onView(res.value);
      setState({ kind: 'saved' });
    } else setState({ kind: 'error', message: res.error.message });
    return res;
  }
  return { state, run, busy: state.kind === 'saving', reset: () => { setState({ kind: 'idle' }); } };
}

export const formatDate = (iso: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(d);
};

export const people = (n: number) => (n === 1 ? '1 person' : `${String(n)} people`);

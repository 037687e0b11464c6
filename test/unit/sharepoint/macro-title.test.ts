import { describe, expect, it } from 'vitest';
import { decideOnFailure, macroTitle, viewerState, type FailureTarget } from '../../../src/core/sharepoint/states';

/** What one throttled macro shows: its title above the state's words. */
const busy = (target: FailureTarget) => {
  const d = decideOnFailure({ kind: 'http', status: 429 }, { refreshed: false, attempt: 0, random: () => 0 });
  if (d.action !== 'retry') throw new Error(`expected a retry, got ${d.action}`);
  return { title: macroTitle(target), message: viewerState(d.error, target).message };
};

describe('macroTitle: each macro keeps its title while SharePoint is busy', () => {
  it('six throttled macros on one page, named once Graph showed them, can be told apart', () => {
    const targets: FailureTarget[] = [
      { kind: 'list', name: 'Tasks' },
      { kind: 'list', name: 'Risks' },
      { kind: 'library', name: 'Specs' },
      { kind: 'library', name: 'Contracts' },
      { kind: 'document', name: 'Plan.docx' },
      { kind: 'document', name: 'Budget.xlsx' },
    ];
    const shown = targets.map(busy);
    // The words are the same for every macro (SharePoint is busy for all of them) …
    expect(new Set(shown.map((s) => s.message)).size).toBe(1);
    expect(shown[0]?.message).toContain('SharePoint is busy');
    // … the titles are what tells them apart.
    expect(shown.map((s) => s.title)).toEqual(['Tasks', 'Risks', 'Specs', 'Contracts', 'Plan.docx', 'Budget.xlsx']);
  });

  it('before Graph named it to this viewer, the title is the kind of macro, never empty', () => {
    expect(macroTitle({ kind: 'list' })).toBe('SharePoint list');
    expect(macroTitle({ kind: 'library' })).toBe('SharePoint library');
    expect(macroTitle({ kind: 'document' })).toBe('SharePoint document');
    // A blank name from Graph counts as no name.
    expect(macroTitle({ kind: 'document', name: '   ' })).toBe('SharePoint document');
    expect(macroTitle({ kind: 'list', name: '  Tasks ' })).toBe('Tasks');
  });
});

import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

/** A Forge macro placed on a Confluence page, with the configuration its config view submitted. */
export interface PlacedMacro {
  localId: string;
  moduleKey: string;
  config: Record<string, unknown>;
}

const MAX_CONFIG_BYTES = 64 * 1024;

/**
 * The macros on each demo page (the "document" of the page), kept in `.forge-local/pages.json`
 * so a configured page survives restarts.
 */
export function pageStore(file: string) {
  let pages: Record<string, PlacedMacro[]> = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, PlacedMacro[]>) : {};
  const save = () => {
    writeFileSync(`${file}.tmp`, JSON.stringify(pages, null, 2));
    renameSync(`${file}.tmp`, file);
  };
  return {
    macros: (pageId: string): PlacedMacro[] => pages[pageId] ?? [],
    /** Inserts or replaces (same localId) a macro; refuses what Confluence would refuse. */
    put(pageId: string, macro: PlacedMacro): string | undefined {
      if (!/^[a-zA-Z0-9-]{1,64}$/.test(macro.localId)) return 'Invalid macro id.';
      if (!macro.config || typeof macro.config !== 'object' || Array.isArray(macro.config)) return 'The macro configuration must be an object: view.submit({ config: { … } }).';
      if (Buffer.byteLength(JSON.stringify(macro.config)) > MAX_CONFIG_BYTES) return 'The macro configuration is too large.';
      const list = [...(pages[pageId] ?? [])];
      const at = list.findIndex((m) => m.localId === macro.localId);
      if (at >= 0) list[at] = macro;
      else list.push(macro);
      pages = { ...pages, [pageId]: list };
      save();
      return undefined;
    },
    remove(pageId: string, localId: string) {
      pages = { ...pages, [pageId]: (pages[pageId] ?? []).filter((m) => m.localId !== localId) };
      save();
    },
    reset() {
      pages = {};
      save();
    },
  };
}

export type PageStore = ReturnType<typeof pageStore>;

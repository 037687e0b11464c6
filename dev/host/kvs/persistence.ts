import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isObject } from './rules';
import type { StoredEntry } from './table';

const FORMAT = 'forge-kvs-emulator';
const VERSION = 1;

export interface StoreContent {
  keys: Array<[string, StoredEntry]>;
  secrets: Array<[string, StoredEntry]>;
  /** Custom entity items by entity name. Files written before entities were emulated have none. */
  entities: Record<string, Array<[string, StoredEntry]>>;
}

/** The JSON text of the store file. Secrets are in clear: this is a developer's local file (written 0600). */
export function serialize(content: StoreContent): string {
  return `${JSON.stringify(
    {
      format: FORMAT,
      version: VERSION,
      keys: Object.fromEntries(content.keys),
      secrets: Object.fromEntries(content.secrets),
      entities: Object.fromEntries(Object.entries(content.entities).map(([name, items]) => [name, Object.fromEntries(items)])),
    },
    null,
    1,
  )}\n`;
}

/** Reads the store file: undefined when there is none; a corrupt file is moved aside and reported on stderr. */
export async function loadFile(file: string, now: () => number): Promise<StoreContent | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const parsed = parse(text);
  if (typeof parsed !== 'string') return parsed;
  const aside = await moveAside(file, now);
  process.stderr.write(
    `[forge-host kvs] ${file} is not a readable KVS store (${parsed}). ` +
      `It was moved to ${aside} and the store starts empty; restore the file by hand to recover its data.\n`,
  );
  return undefined;
}

function parse(text: string): StoreContent | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return `invalid JSON: ${(e as Error).message}`;
  }
  if (!isObject(data) || data.format !== FORMAT) return `not a ${FORMAT} file`;
  if (data.version !== VERSION) return `unsupported version ${String(data.version)}`;
  const keys = entries(data.keys, 'keys');
  if (typeof keys === 'string') return keys;
  const secrets = entries(data.secrets, 'secrets');
  if (typeof secrets === 'string') return secrets;
  const entities: StoreContent['entities'] = {};
  if (data.entities !== undefined) {
    if (!isObject(data.entities)) return '"entities" is not an object';
    for (const [name, section] of Object.entries(data.entities)) {
      const items = entries(section, `entities.${name}`);
      if (typeof items === 'string') return items;
      entities[name] = items;
    }
  }
  return { keys, secrets, entities };
}

function entries(section: unknown, name: string): Array<[string, StoredEntry]> | string {
  if (!isObject(section)) return `"${name}" is not an object`;
  const out: Array<[string, StoredEntry]> = [];
  for (const [key, raw] of Object.entries(section)) {
    const ok =
      isObject(raw) &&
      raw.value !== undefined &&
      typeof raw.createdAt === 'number' &&
      typeof raw.updatedAt === 'number' &&
      (raw.expiresAt === undefined || typeof raw.expiresAt === 'number');
    if (!ok) return `entry "${key}" in "${name}" is malformed`;
    out.push([key, raw as unknown as StoredEntry]);
  }
  return out;
}

async function moveAside(file: string, now: () => number): Promise<string> {
  const stamp = new Date(now()).toISOString().replace(/[:.]/g, '-');
  let target = `${file}.corrupt-${stamp}`;
  for (let n = 1; await exists(target); n++) target = `${file}.corrupt-${stamp}-${n}`;
  await rename(file, target);
  return target;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Write to a temporary file beside the target, fsync, then rename over it: a crash leaves old or new, never half. */
export async function writeAtomic(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}

export interface Persister {
  /** Marks the store changed; the write happens after a short quiet period, so bursts become one write. */
  schedule(): void;
  /** Resolves once everything changed so far is on disk; rejects if the write fails. */
  flush(): Promise<void>;
}

export function createPersister(file: string, snapshot: () => string, delayMs: number): Persister {
  let dirty = false;
  let timer: NodeJS.Timeout | undefined;
  let queue: Promise<void> = Promise.resolve();

  // Writes are serialised on one queue; each takes the state as it is when its turn comes.
  const enqueue = (): Promise<void> => {
    const run = queue.then(async () => {
      if (!dirty) return;
      dirty = false;
      try {
        await writeAtomic(file, snapshot());
      } catch (e) {
        dirty = true;
        throw e;
      }
    });
    queue = run.catch(() => undefined);
    return run;
  };

  return {
    schedule() {
      dirty = true;
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        enqueue().catch((e: unknown) => {
          process.stderr.write(`[forge-host kvs] could not save ${file}: ${(e as Error).message}; will retry on the next change or flush.\n`);
        });
      }, delayMs);
    },
    async flush() {
      if (timer) {
        clearTimeout(timer);
        timer = undefined;
      }
      await enqueue();
    },
  };
}

import { createHash } from 'node:crypto';
import type { DiagnosticsLevel } from '../../core/settings';
import { toAppError } from '../../core/result';

/** Account ids in logs are hashed: enough to tell two reports apart, not to find the person. */
const hashId = (id: string) => createHash('sha256').update(id).digest('base64url').slice(0, 10);

/**
 * What the app writes to its logs (read by its developers with `forge logs`): the error code, the
 * function, a hashed account id and — at the standard level — the error's name and first line,
 * cut to 200 characters. Never payloads, tokens, or Microsoft or Jira content. `codes-only` keeps
 * the code and the function alone.
 */
export function logFailure(level: DiagnosticsLevel | undefined, where: string, e: unknown, accountId?: string): void {
  const err = toAppError(e);
  const parts = [`[m365] code=${err.code}`, `fn=${where}`];
  if ((level ?? 'codes-only') === 'standard') {
    if (accountId) parts.push(`user=${hashId(accountId)}`);
    const cause = err.code === 'INTERNAL' ? (err.cause ?? e) : err;
    const name = cause instanceof Error ? cause.name : typeof cause;
    const first = cause instanceof Error ? (cause.message.split('\n')[0] ?? '').slice(0, 200) : '';
    parts.push(`error=${name}${first ? `: ${first}` : ''}`);
  }
  console.error(parts.join(' '));
}

import { kvs } from '@forge/kvs';
import type { MicrosoftConnection } from '../../core/account/ports';
import { keys } from './keys';
import { guardStorage } from './kvs-errors';

/**
 * Everything stored per Atlassian account, for that user's export and deletion and for account
 * closure. Secrets are exported without their secret parts (tokens).
 */
export async function readAccountRecords(accountId: string): Promise<Array<{ key: string; value: unknown }>> {
  return guardStorage(async () => {
    const out: Array<{ key: string; value: unknown }> = [];
    const index = await kvs.get(keys.accountIndex(accountId));
    if (index !== undefined) out.push({ key: keys.accountIndex(accountId), value: index });
    const c = await kvs.getSecret<MicrosoftConnection>(keys.msConnection(accountId));
    if (c) {
      const { refreshToken: _r, accessToken: _a, accessTokenExpiresAt: _e, ...visible } = c;
      out.push({ key: keys.msConnection(accountId), value: { ...visible, tokens: 'kept encrypted; not exported' } });
    }
    return out;
  });
}

/** Deletes every record of the account; returns how many there were. */
export async function deleteAccountRecords(accountId: string): Promise<number> {
  return guardStorage(async () => {
    const had = (await readAccountRecords(accountId)).length;
    await kvs.deleteSecret(keys.msConnection(accountId));
    await kvs.delete(keys.accountIndex(accountId));
    return had;
  });
}

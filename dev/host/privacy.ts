import type { AccountStates } from './products/accounts';

/** `@forge/api` 8.3.0 out/privacy/index.js: `URL` and `LIMIT`. */
export const REPORT_ACCOUNTS_PATH = '/app/report-accounts';
export const REPORT_ACCOUNTS_LIMIT = 90;

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const badRequest = (message: string) => json(400, { message });

/**
 * The personal data reporting API as `privacy.reportPersonalData` calls it: POST
 * `{accounts:[{accountId, updatedAt}]}` (at most 90), answered 200 `{accounts:[{accountId,
 * status}]}` with `closed` for a closed account and `updated` for a profile changed after the
 * app's `updatedAt`, or 204 when nothing needs doing. Accounts the site does not know are left
 * out, as an account with nothing to report is.
 */
export function reportAccounts(accounts: AccountStates, method: string, body: string | undefined): Response {
  if (method !== 'POST') return json(405, { message: 'Method not allowed' });
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    return badRequest('The request body is not JSON.');
  }
  const list = (parsed as { accounts?: unknown } | null)?.accounts;
  if (!Array.isArray(list) || list.length === 0) return badRequest('accounts must be a non-empty array.');
  if (list.length > REPORT_ACCOUNTS_LIMIT) return badRequest(`At most ${REPORT_ACCOUNTS_LIMIT} accounts can be reported in one request (got ${list.length}).`);

  const updates: Array<{ accountId: string; status: 'closed' | 'updated' }> = [];
  for (const item of list as unknown[]) {
    const { accountId, updatedAt } = (item ?? {}) as { accountId?: unknown; updatedAt?: unknown };
    if (typeof accountId !== 'string' || accountId === '') return badRequest('Each account needs an accountId.');
    const stored = typeof updatedAt === 'string' ? Date.parse(updatedAt) : Number.NaN;
    if (Number.isNaN(stored)) return badRequest(`updatedAt of ${accountId} must be an ISO-8601 date-time.`);
    const user = accounts.find(accountId);
    if (!user || user.accountId !== accountId) continue;
    if (accounts.isClosed(accountId)) updates.push({ accountId, status: 'closed' });
    else if (accounts.profileUpdatedAt(user) > stored) updates.push({ accountId, status: 'updated' });
  }
  return updates.length ? json(200, { accounts: updates }) : new Response(null, { status: 204 });
}

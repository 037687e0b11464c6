import { beforeEach, describe, expect, it, vi } from 'vitest';

const answers: Array<{ status: number; headers: Record<string, string> }> = [];
vi.mock('@forge/api', () => ({
  fetch: vi.fn(() => {
    const a = answers.shift() ?? { status: 500, headers: {} };
    return Promise.resolve(new Response(JSON.stringify({ error: 'temporarily_unavailable', error_description: 'AADSTS90033: busy' }), { status: a.status, headers: a.headers }));
  }),
}));

const { identityClient } = await import('../../../src/adapters/microsoft/identity-client');
const { IdentityError } = await import('../../../src/core/account/ports');

const client = identityClient({ loginBaseUrl: 'https://login.example', tenant: 'organizations', clientId: 'c', clientSecret: () => Promise.resolve('s') });
const throttled = async (headers: Record<string, string>) => {
  answers.push({ status: 429, headers });
  const e: unknown = await client.appToken().then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(IdentityError);
  return e as InstanceType<typeof IdentityError>;
};

describe('Microsoft identity client: throttling without a usable Retry-After', () => {
  beforeEach(() => {
    answers.length = 0;
  });

  it('names no wait when the header is missing, empty, zero or not a number (was "retry after 0 s")', async () => {
    const cases: Array<Record<string, string>> = [{}, { 'Retry-After': '' }, { 'Retry-After': '0' }, { 'Retry-After': 'soon' }];
    for (const headers of cases) {
      const e = await throttled(headers);
      expect(e.kind).toBe('throttled');
      expect(e.retryAfterSeconds).toBeUndefined();
    }
  });

  it('keeps the wait Microsoft named', async () => {
    expect((await throttled({ 'Retry-After': '7' })).retryAfterSeconds).toBe(7);
  });
});

import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type AppErrorBody } from '../../../src/core/result';
import { stateTone, viewerState } from '../../../src/core/sharepoint/states';

describe('stateTone: one colour and icon per state, in every macro and dialog', () => {
  const err = (code: AppErrorBody['code'], reason?: string): AppErrorBody => ({ code, message: 'x', ...(reason ? { reason } : {}) });

  it('“no access” is a warning whatever SharePoint answered (403, trimmed 404, tenant not allowed) and wherever it is shown', () => {
    const noAccess = [err('FORBIDDEN', 'accessDenied'), err('FORBIDDEN', 'itemNotFound'), err('FORBIDDEN', 'tenant_not_allowed'), err('FORBIDDEN')];
    for (const e of noAccess) {
      expect(stateTone(e)).toBe('warning');
      expect(stateTone(viewerState(e, { kind: 'list', name: 'Tasks' }))).toBe('warning');
      expect(stateTone(viewerState(e, { kind: 'document' }))).toBe('warning');
    }
  });

  it('what the viewer can act on is information, the admin’s decision neutral, the app’s own failures danger', () => {
    expect(stateTone(err('MS_SIGN_IN_REQUIRED'))).toBe('information');
    expect(stateTone(err('THROTTLED'))).toBe('information');
    expect(stateTone(err('FEATURE_OFF'))).toBe('neutral');
    expect(stateTone(err('NOT_FOUND'))).toBe('warning');
    expect(stateTone(err('INTERNAL'))).toBe('danger');
    expect(stateTone(err('STORAGE_UNAVAILABLE'))).toBe('danger');
  });

  it('every code of the one vocabulary has a tone', () => {
    for (const code of ERROR_CODES) expect(['information', 'warning', 'danger', 'neutral']).toContain(stateTone(err(code)));
  });
});

import { describe, expect, it } from 'vitest';
import { PREVIEW_RENEW_AFTER_MS } from '../../../src/core/sharepoint/preview';
import { PREVIEW_LIFETIME_MS } from '../../../dev/emulator/microsoft/graph/sharepoint/drive-routes';

describe('the Document macro renews its preview URL before it expires', () => {
  it('asks again at least a minute before the emulator’s signed preview URL expires, and not needlessly often', () => {
    expect(PREVIEW_LIFETIME_MS - PREVIEW_RENEW_AFTER_MS).toBeGreaterThanOrEqual(60_000);
    // Renewing reloads the frame: not more often than every 5 minutes.
    expect(PREVIEW_RENEW_AFTER_MS).toBeGreaterThanOrEqual(5 * 60_000);
  });
});

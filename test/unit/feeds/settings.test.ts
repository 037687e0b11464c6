import { describe, expect, it } from 'vitest';
import { applyPatch, defaultSettings, parseSettingsPatch, readSettings } from '../../../src/core/settings';

describe('the calendar feeds admin setting', () => {
  it('defaults to project admins creating feeds and addresses living 180 days', () => {
    expect(readSettings(undefined).settings.feeds).toEqual({ creators: 'project-admins', urlLifetimeDays: 180 });
    expect(readSettings({ features: { sharepoint: true } }).settings.feeds).toEqual(defaultSettings().feeds);
  });

  it('reads a damaged stored value as the default and names it', () => {
    const { settings, damaged } = readSettings({ feeds: { creators: 'anyone at all', urlLifetimeDays: 180 } });
    expect(settings.feeds).toEqual(defaultSettings().feeds);
    expect(damaged).toEqual(['feeds']);
  });

  it('accepts a valid change and refuses anything else whole', () => {
    const p = parseSettingsPatch({ feeds: { creators: 'site-admins', urlLifetimeDays: 30 } });
    if (!p.ok) throw new Error(p.error.message);
    expect(applyPatch(defaultSettings(), p.value, new Date()).feeds).toEqual({ creators: 'site-admins', urlLifetimeDays: 30 });
    for (const feeds of [{ creators: 'everyone' }, { creators: 'everyone', urlLifetimeDays: 3 }, { creators: 'everyone', urlLifetimeDays: 400 }, { creators: 'admins', urlLifetimeDays: 30 }, 'everyone']) {
      expect(parseSettingsPatch({ feeds }), JSON.stringify(feeds)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
  });

  it('turns calendar feeds on for a new installation, now that they are built', () => {
    expect(readSettings(undefined).settings.features.calendarFeeds).toBe(true);
    expect(parseSettingsPatch({ features: { calendarFeeds: false } }).ok).toBe(true);
  });
});

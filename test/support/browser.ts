import { chromium, type Browser } from 'playwright-core';
import { existsSync } from 'node:fs';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];

/**
 * Debian's Chromium, headless, with the flags that keep it off the (closed) network. By default it
 * blocks third-party storage (cookie deprecation), so Custom UI iframes get no sessionStorage;
 * `thirdPartyStorage: true` turns that off to test the path where browsers allow it.
 */
export async function launchChromium(opts: { thirdPartyStorage?: boolean } = {}): Promise<Browser> {
  const executablePath = CANDIDATES.find((p) => existsSync(p));
  if (!executablePath) throw new Error(`Chromium not found (tried ${CANDIDATES.join(', ')}). Install it: apt-get install -y chromium`);
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', ...(opts.thirdPartyStorage ? ['--disable-features=TrackingProtection3pcd'] : [])],
  });
}

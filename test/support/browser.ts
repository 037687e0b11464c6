import { chromium, type Browser, type Request } from 'playwright-core';
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

/**
 * Opens `url` in a fresh browser profile that records every request (all frames, all tabs) and every
 * CSP refusal the console reports, so a test can prove what was — and was not — fetched.
 */
export async function openRecorded(browser: Browser, url: string) {
  const context = await browser.newContext();
  const requests: Request[] = [];
  const cspErrors: string[] = [];
  context.on('request', (r) => requests.push(r));
  const page = await context.newPage();
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (frame|load|connect)/i.test(m.text())) cspErrors.push(m.text());
  });
  await page.goto(url);
  return { context, page, requests, cspErrors };
}

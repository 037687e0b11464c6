import { clickButton } from '../emulator/support';
import type { TestHost } from './host';

/**
 * Signs `user` in to Microsoft 365 through the app, as the Connect button does (optionally for a
 * feature's permissions): the app's `account/connect` in `moduleKey`, the emulated sign-in and consent
 * pages, then the app's callback, which must say the account is connected.
 */
export async function connectThroughApp(host: TestHost, moduleKey: string, user: string, email: string, feature?: string): Promise<void> {
  const start = await host.asUser(user).invoke(moduleKey, 'account/connect', feature ? { feature } : {});
  const url = start.value?.value?.authorizeUrl as string | undefined;
  if (!url) throw new Error(`connect: ${JSON.stringify(start)}`);
  const picked = await clickButton(await (await fetch(url)).text(), email);
  const done = picked.status === 302 ? picked : await clickButton(await picked.text(), 'Accept');
  const back = done.headers.get('location');
  if (!back) throw new Error(`consent: ${String(done.status)} ${await done.text()}`);
  const page = await fetch(back);
  if (!(await page.text()).includes('connected')) throw new Error('callback did not connect');
}

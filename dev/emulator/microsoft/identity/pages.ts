import type { Directory, Principal } from '../data/directory';
import { escapeHtml as e, htmlPage } from '../html';

const SCOPE_TEXT: Record<string, string> = {
  'openid': 'Sign you in',
  'profile': 'View your basic profile',
  'email': 'View your email address',
  'offline_access': 'Maintain access to data you have given it access to',
  'User.Read': 'Sign you in and read your profile',
  'Sites.Read.All': 'Read items in all site collections',
  'Files.Read.All': 'Read all files that you can access',
  'Mail.Read': 'Read your mail',
  'Calendars.Read': 'Read your calendars',
  'Chat.Read': 'Read your chat messages',
  'Tasks.ReadWrite': 'Create, read, update, and delete your tasks and task lists',
};

export const signInPage = (p: {
  action: string; txn: string; clientId: string; candidates: Principal[]; directory: Directory;
}): string => {
  const rows = p.candidates.map((c) => {
    const tenant = p.directory.tenantById(c.tenantId)?.displayName ?? c.tenantId;
    const note = c.userType === 'Guest' ? `${c.displayName} · guest in ${tenant}` : `${c.displayName} · ${tenant}`;
    return `<li><button type="submit" name="account" value="${e(`${c.tenantId}:${c.oid}`)}">${e(c.mail)}</button>` +
      `<span>${e(note)}</span></li>`;
  }).join('');
  return htmlPage('Sign in to your account',
    `<h1>Pick an account</h1><p>to continue to <code>${e(p.clientId)}</code></p>` +
    `<form method="post" action="${e(p.action)}"><input type="hidden" name="txn" value="${e(p.txn)}">` +
    `<input type="hidden" name="step" value="signin"><ul>${rows}</ul></form>`);
};

export const consentPage = (p: {
  action: string; txn: string; clientId: string; account: Principal; scopes: string[];
}): string => {
  const items = p.scopes.map((s) => `<li>${e(SCOPE_TEXT[s] ?? s)} <span>${e(s)}</span></li>`).join('');
  return htmlPage('Permissions requested',
    `<p>${e(p.account.mail)}</p><h1>Permissions requested</h1>` +
    `<p><code>${e(p.clientId)}</code> (unverified) would like to:</p><ul>${items}</ul>` +
    `<p>Accepting these permissions means that you allow this app to use your data as specified in their terms of service.</p>` +
    `<form method="post" action="${e(p.action)}"><input type="hidden" name="txn" value="${e(p.txn)}">` +
    `<input type="hidden" name="step" value="consent"><div class="actions">` +
    `<button type="submit" name="decision" value="cancel">Cancel</button>` +
    `<button type="submit" name="decision" value="accept" class="primary">Accept</button></div></form>`);
};

export const errorPage = (aadsts: number, message: string): string =>
  htmlPage('Sign in to your account',
    `<h1>Sorry, but we’re having trouble signing you in.</h1>` +
    `<p class="error">AADSTS${aadsts}: ${e(message)}</p>`);

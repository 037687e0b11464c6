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

const hidden = (fields: Record<string, string>): string =>
  Object.entries(fields).map(([k, v]) => `<input type="hidden" name="${e(k)}" value="${e(v)}">`).join('');

const scopeItems = (scopes: readonly string[]): string =>
  scopes.map((s) => `<li>${e(SCOPE_TEXT[s] ?? s)} <span>${e(s)}</span></li>`).join('');

export const signInPage = (p: {
  action: string; txn: string; appName: string; candidates: Principal[]; directory: Directory;
}): string => {
  const rows = p.candidates.map((c) => {
    const tenant = p.directory.tenantById(c.tenantId)?.displayName ?? c.tenantId;
    const note = c.userType === 'Guest' ? `${c.displayName} · guest in ${tenant}` : `${c.displayName} · ${tenant}`;
    return `<li><button type="submit" name="account" value="${e(`${c.tenantId}:${c.oid}`)}">${e(c.mail)}</button>` +
      `<span>${e(note)}</span></li>`;
  }).join('');
  return htmlPage('Sign in to your account',
    `<h1>Pick an account</h1><p>to continue to ${e(p.appName)}</p>` +
    `<form method="post" action="${e(p.action)}">${hidden({ txn: p.txn, step: 'signin' })}<ul>${rows}</ul></form>`);
};

/**
 * The user consent prompt, listing only what is not granted yet. A Global Administrator also gets Entra’s
 * "Consent on behalf of your organization" box.
 */
export const consentPage = (p: {
  action: string; txn: string; appName: string; account: Principal; scopes: readonly string[]; offerOrganization: boolean;
}): string => htmlPage('Permissions requested',
  `<p>${e(p.account.mail)}</p><h1>Permissions requested</h1>` +
  `<p>${e(p.appName)} <span>unverified</span></p><p>This app would like to:</p><ul>${scopeItems(p.scopes)}</ul>` +
  `<form method="post" action="${e(p.action)}">${hidden({ txn: p.txn, step: 'consent' })}` +
  (p.offerOrganization
    ? `<p><label><input type="checkbox" name="for_organization" value="true"> Consent on behalf of your organization</label></p>`
    : '') +
  `<p>Accepting these permissions means that you allow this app to use your data as specified in their terms of service.</p>` +
  `<div class="actions"><button type="submit" name="decision" value="cancel">Cancel</button>` +
  `<button type="submit" name="decision" value="accept" class="primary">Accept</button></div></form>`);

/** The admin consent endpoint's prompt: one Accept for everybody in the tenant. */
export const adminConsentPage = (p: {
  action: string; txn: string; appName: string; account: Principal; tenantName: string; scopes: readonly string[]; appRoles: readonly string[];
}): string => htmlPage('Permissions requested',
  `<p>${e(p.account.mail)}</p><h1>Permissions requested</h1><p>Accept for your organization</p>` +
  `<p>${e(p.appName)} <span>unverified</span></p><p>This app would like to:</p>` +
  `<ul>${scopeItems(p.scopes)}${p.appRoles.map((r) => `<li>${e(r)} (application permission) <span>${e(r)}</span></li>`).join('')}</ul>` +
  `<p>If you accept, this app will get access to the specified resources for all users in ${e(p.tenantName)}. ` +
  `Nobody else will be prompted to review these permissions.</p>` +
  `<form method="post" action="${e(p.action)}">${hidden({ txn: p.txn, step: 'consent' })}<div class="actions">` +
  `<button type="submit" name="decision" value="cancel">Cancel</button>` +
  `<button type="submit" name="decision" value="accept" class="primary">Accept</button></div></form>`);

/**
 * Entra's "Need admin approval" interrupt: a page, not a redirect. Only "Return to the application
 * without granting consent" sends the browser back to the app.
 */
export const needAdminApprovalPage = (p: { action: string; txn: string; appName: string; account: Principal; aadsts: number }): string =>
  htmlPage('Need admin approval',
    `<p>${e(p.account.mail)}</p><h1>Need admin approval</h1><p>${e(p.appName)}</p>` +
    `<p>${e(p.appName)} needs permission to access resources in your organization that only an admin can grant. ` +
    `Please ask an admin to grant permission to this app before you can use it.</p>` +
    `<form method="post" action="${e(p.action)}">${hidden({ txn: p.txn, step: 'approval' })}<ul>` +
    `<li><button type="submit" name="decision" value="switch">Have an admin account? Sign in with that account</button></li>` +
    `<li><button type="submit" name="decision" value="return">Return to the application without granting consent</button></li></ul></form>` +
    `<p class="error">AADSTS${p.aadsts}</p>`);

export const errorPage = (aadsts: number, message: string): string =>
  htmlPage('Sign in to your account',
    `<h1>Sorry, but we’re having trouble signing you in.</h1>` +
    `<p class="error">AADSTS${aadsts}: ${e(message)}</p>`);

/**
 * What stops when the person signs out, counted as the server counts it: every kind they shared (mails,
 * conversations, calendars, events, chats) is one item, on the issues and pages it was shared to.
 */
export function signOutWarning({ count, issues, pages }: { count: number; issues: number; pages: number }): string {
  const what = count === 1 ? 'The item you shared' : `The ${String(count)} items you shared`;
  const places = [issues > 0 ? `${String(issues)} ${issues === 1 ? 'issue' : 'issues'}` : '', pages > 0 ? `${String(pages)} ${pages === 1 ? 'page' : 'pages'}` : ''].filter((p) => p !== '');
  return `${what}${places.length > 0 ? ` on ${places.join(' and ')}` : ''} will be unavailable to everyone while you are signed out.`;
}

/**
 * The Teams message of a rule, built at send time from what Jira says now (read as the rule's
 * owner) and never stored. Everything that came from Jira is escaped: Teams renders the body as
 * HTML, and a summary like `<img src=x onerror=…>` must arrive as text.
 */
import type { ChangeRef } from './model';

export interface MessageInput {
  heading: string;
  issueKey: string;
  summary: string;
  /** `https://<site>/browse/<key>`. */
  url: string;
  actorName?: string;
  change: ChangeRef;
  /** Display names of the ids in `change.items`, looked up at send time; absent when Jira did not say. */
  names: { status?: string; assignee?: string | null; priority?: string };
}

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** Only http(s) links go into a message; anything else is shown as the bare key. */
const safeUrl = (u: string): string | undefined => {
  try {
    const p = new URL(u);
    return p.protocol === 'https:' || p.protocol === 'http:' ? p.href : undefined;
  } catch {
    return undefined;
  }
};

const MAX_SUMMARY = 255;

/** What changed, as "Status: Done · Assignee: Bob Brown" (names looked up at send time). */
export function describeChanges(change: ChangeRef, names: MessageInput['names']): string {
  const parts: string[] = [];
  for (const item of change.items) {
    if (item.field === 'status') parts.push(`Status: <b>${escapeHtml(names.status ?? 'changed')}</b>`);
    if (item.field === 'assignee') parts.push(`Assignee: <b>${item.to === undefined || names.assignee === null ? 'Unassigned' : escapeHtml(names.assignee ?? 'changed')}</b>`);
    if (item.field === 'priority') parts.push(`Priority: <b>${escapeHtml(names.priority ?? 'changed')}</b>`);
  }
  return parts.join(' · ');
}

const VERB: Record<ChangeRef['kind'], string> = { created: 'created', updated: 'updated', commented: 'commented on', test: 'sent a test message about' };

/** The HTML body of the chatMessage (`{body: {contentType: 'html', content}}`). */
export function buildMessage(m: MessageInput): string {
  const summary = m.summary.length > MAX_SUMMARY ? `${m.summary.slice(0, MAX_SUMMARY - 1)}…` : m.summary;
  const url = safeUrl(m.url);
  const key = url ? `<a href="${escapeHtml(url)}">${escapeHtml(m.issueKey)}</a>` : escapeHtml(m.issueKey);
  const who = m.actorName ? `<b>${escapeHtml(m.actorName)}</b>` : 'Someone';
  const changes = m.change.kind === 'updated' ? describeChanges(m.change, m.names) : '';
  const heading = m.heading.trim() === '' ? '' : `<p><b>${escapeHtml(m.heading.trim())}</b></p>`;
  return `${heading}<p>${who} ${VERB[m.change.kind]} ${key}: ${escapeHtml(summary)}</p>${changes ? `<p>${changes}</p>` : ''}`;
}

/**
 * Every sentence a user reads about a failure, in one table: by error code, and by reason where the
 * reason changes what the user should do. Plain words, no jargon, and always what to do next.
 */
import type { ErrorCode } from './error-codes';

const BY_CODE: Record<ErrorCode, string> = {
  BAD_REQUEST: 'That request was not understood. Reload the page and try again.',
  UNAUTHENTICATED: 'Log in to Atlassian to use Microsoft 365 here.',
  FORBIDDEN: 'You don’t have permission to do that.',
  NOT_FOUND: 'That item could not be found. It may have been deleted or moved.',
  FEATURE_OFF: 'This feature was turned off by your admin.',
  MS_SIGN_IN_REQUIRED: 'Connect your Microsoft 365 account to see this.',
  MS_SIGN_IN_FAILED: 'Microsoft 365 was not connected. Start again from Jira or Confluence.',
  MS_CONSENT_REQUIRED: 'Your Microsoft 365 organisation needs an administrator to approve this app before you can use this. Ask your Microsoft 365 administrator to approve it from the app’s settings page.',
  MS_UNAVAILABLE: 'Microsoft 365 is not answering right now. Try again in a moment.',
  THROTTLED: 'Microsoft 365 is busy. Trying again shortly.',
  STORAGE_UNAVAILABLE: 'The app could not reach its storage. Nothing was changed; try again in a moment.',
  MISCONFIGURED: 'The app is not connected to a Microsoft Entra app registration yet. A site admin can set it up in the app’s settings.',
  INTERNAL: 'Something went wrong on our side. Please try again.',
};

const BY_REASON = {
  // Microsoft 365 connection
  not_connected: 'Connect your Microsoft 365 account to see this.',
  revoked: 'Your Microsoft 365 sign-in has expired or was revoked. Connect again to continue.',
  token_rejected: 'Your Microsoft 365 session has ended. Connect again to continue.',
  registration_changed: 'Your admin changed the app’s Microsoft 365 registration, so earlier connections stopped working. Connect again to continue.',
  // the sign-in callback
  state_invalid: 'This sign-in link is incomplete or was altered. Start again from Jira or Confluence.',
  state_unknown: 'This sign-in link is not valid any more: it was already used or never issued. Start again from Jira or Confluence.',
  state_expired: 'This sign-in took too long and expired. Start again from Jira or Confluence.',
  // the module that started a sign-in
  sign_in_cancelled: 'You cancelled the sign-in, so nothing was connected. Connect again when you are ready.',
  sign_in_abandoned: 'The sign-in was not finished, so nothing was connected. Connect again to try once more.',
  // the page's "you're leaving" confirmation was declined (router.open rejects): nothing happened, nothing to fix
  sign_in_not_opened: 'Sign-in was not opened, so nothing changed.',
  // Entra answers a declined consent and a "Need admin approval" page's way back with the same redirect.
  consent_declined: 'Microsoft 365 was not connected: the permissions were declined, or Microsoft said they need an administrator’s approval. To connect, start again and choose Accept; if Microsoft showed “Need admin approval”, ask a site admin to approve the app for your organisation on the app’s settings page.',
  admin_consent_declined: 'The permissions were not approved, so nothing changed. Start again from the app’s settings page to approve them.',
  admin_consent_needs_admin: 'Only an administrator of your Microsoft 365 organisation can approve these permissions. Ask one to press “Approve for the organisation” on the app’s settings page.',
  code_missing: 'Microsoft did not send an authorization code. Start again from Jira or Confluence.',
  code_rejected: 'Microsoft did not accept this sign-in (the code was used already, expired, or belongs to another sign-in). Start again.',
  id_token_invalid: 'Microsoft’s answer could not be verified, so nothing was connected. Start again from Jira or Confluence.',
  no_refresh_token: 'Microsoft did not grant offline access, so the connection cannot be kept. Start again and accept all permissions.',
  redirect_uri_not_registered: 'The app’s sign-in address is not registered in Microsoft Entra. A site admin must add it to the app registration (the settings page lists it).',
  // the app registration
  invalid_client: 'Microsoft refused the app’s credentials. A site admin must check the client id and secret in the app’s settings.',
  // authorisation
  not_admin: 'Only site admins can change the app’s settings.',
  not_owner: 'Only the person who created this can change it.',
  // server-side Graph calls
  egress_not_allowed: 'The app is not allowed to reach that Microsoft address (the manifest’s egress list does not name it). This is a problem in the app, not in your settings.',
  timeout: 'Microsoft 365 took too long to answer. Try again in a moment.',
  foreign_url: 'Microsoft 365 answered with a link to somewhere else, which the app does not follow.',
  // storage
  storage_busy: 'Storage is busy. Try again in a moment.',
  // sharing mails and conversations into Jira issues
  issue_hidden: 'This issue does not exist, or you may not view it.',
  log_in: 'Log in to Atlassian to do that.',
  share_not_found: 'That shared item is not on this issue (any more).',
  not_sharer_or_project_admin: 'Only the person who shared it, or an admin of this project, can remove it.',
  scope_not_allowed: 'Your admin does not allow sharing with that audience here. Choose another one.',
  too_many_shares: 'This issue already shows as many shared items as it can (20). Remove one to share another.',
  mail_not_in_mailbox: 'That mail is not in your mailbox (any more): it may have been deleted or moved to an archive.',
  mail_permission_missing: 'Sharing needs permission to read your mail. Choose “Allow reading mail” and accept in Microsoft’s sign-in.',
  conversation_not_in_mailbox: 'That conversation is not in your mailbox.',
  sharer_signed_out: 'Unavailable while the person who shared it is signed out of Microsoft 365.',
  sharer_other_account: 'Unavailable: the person who shared it is signed in to Microsoft 365 with another account than the one it was shared from.',
  sharer_no_mail_consent: 'Unavailable until the person who shared it allows the app to read their mail again.',
  mail_gone: 'No longer available in the mailbox it was shared from.',
  jira_busy: 'Jira is busy right now. Try again in a moment.',
  // sharing into Confluence pages (the "Microsoft 365 item" macro)
  page_hidden: 'This page does not exist, or you may not view it.',
  page_share_not_found: 'That shared item is not on this page (any more).',
  too_many_page_shares: 'This page already holds as many shared items as it can (20). Remove one to share another.',
  confluence_busy: 'Confluence is busy right now. Try again in a moment.',
  wrong_product_place: 'Share Jira issues’ items from Jira and Confluence pages’ items from Confluence.',
  feature_not_consentable: 'That feature does not ask for extra Microsoft permissions.',
  // automations: rules (Jira → Teams)
  not_project_admin: 'Only admins of this project can manage its automations.',
  not_rule_owner: 'Only the rule’s owner can change where and how it sends, or send a test message. Take the rule over first.',
  rule_not_found: 'That rule no longer exists. Reload the page.',
  too_many_rules: 'This project already has 25 rules. Delete one to add another.',
  log_entry_not_found: 'That delivery is no longer in the log.',
  automations_consent: 'Automations need your permission to post to Teams and to read your To Do tasks. Choose “Allow” and accept in Microsoft’s sign-in.',
  owner_connect_first: 'Connect your Microsoft 365 account first: the rule’s messages go out as you.',
  rule_paused_owner_signed_out: 'Paused: the rule’s owner is signed out of Microsoft 365. They can connect again and press Resume, or a project admin can take the rule over.',
  rule_paused_owner_other_account: 'Paused: the rule’s owner is now connected with another Microsoft 365 account than the one the rule was made with. They can connect the first account again and press Resume, or a project admin can take the rule over.',
  rule_paused_owner_not_member: 'Paused: Teams refused the message because the rule’s owner may not post in that channel or chat (any more). Add them back, or take the rule over and pick a place you belong to.',
  rule_paused_owner_consent: 'Paused: the rule’s owner has not allowed the app to post to Teams, or withdrew that permission. They can allow it by connecting again and press Resume, or a project admin can take the rule over.',
  rule_paused_target_gone: 'Paused: the Teams channel or chat no longer exists. Take the rule over and pick another.',
  rule_paused_owner_left: 'Paused: the rule’s owner left (their Atlassian account was closed, or they deleted their data). A project admin can take the rule over.',
  daily_cap: 'Not sent: Teams lets an app post at most 3,000 messages a day in one channel, and this channel reached it. Use Resend tomorrow.',
  teams_wait: 'Not sent: Microsoft asked the app to wait longer than 15 minutes (Teams’ daily limit for the channel, or heavy throttling). Use Resend later.',
  send_gave_up: 'Not sent: Microsoft 365 kept failing, so the app stopped trying. Use Resend to try again.',
  // automations: To Do → Jira
  todo_task_not_found: 'That task is not in your Microsoft To Do (any more).',
  todo_link_not_found: 'That task is no longer linked to this issue.',
  too_many_links: 'You have linked as many tasks to this issue as you can (10). Unlink one first.',
  todo_not_allowed: 'Not moved: you may not transition this issue in Jira, so completing your task does not change it.',
  todo_no_mapping: 'Not moved: the project’s admins have not chosen a status for completed tasks yet.',
  todo_no_transition: 'Not moved: Jira offers no transition from the issue’s current status to the status chosen for completed tasks.',
  todo_signed_out: 'Not watched: your Microsoft 365 connection ended, so completing the task cannot move the issue. Connect again.',
  todo_task_gone: 'The task was deleted in Microsoft To Do, so it no longer moves the issue.',
  todo_watch_failed: 'Microsoft 365 has not let the app watch this To Do list yet; the app tries again every hour.',
  // keeping shares under control: My shares, expiry, hand-over, project rules
  share_ended: 'That share has ended. Share the item again to show it once more.',
  expiry_in_past: 'Pick an end date in the future.',
  expiry_too_far: 'Pick an end date within ten years.',
  public_expiry_too_far: 'Your admin limits how long Public shares last. Pick an earlier end date.',
  handover_to_self: 'Pick a colleague: you cannot hand shares to yourself.',
  person_not_found: 'That person is not an Atlassian user here (any more). Pick someone else.',
  offer_not_found: 'That hand-over is not open (any more): it was accepted, refused, withdrawn or lapsed after 14 days.',
  handover_calendar_permission_missing: 'To take over calendars and events, first allow the app to read your calendars: share one of your own calendars or events once (it asks), then accept again. The offer stays open.',
  handover_chat_permission_missing: 'To take over Teams chats, first allow the app to read your chats: share one of your own chats once (it asks), then accept again. The offer stays open.',
  not_project_admin_sharing: 'Only admins of this project can change its sharing rules.',
} as const;

export type Reason = keyof typeof BY_REASON | (string & {});

export function messageFor(code: ErrorCode, reason?: Reason): string {
  if (reason !== undefined && Object.hasOwn(BY_REASON, reason)) return BY_REASON[reason as keyof typeof BY_REASON];
  return BY_CODE[code];
}

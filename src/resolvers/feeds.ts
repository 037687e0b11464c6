import type { Handlers } from '@forge/resolver';
import type { FeedsDefs, PersonName } from '../contracts/feeds';
import { audienceRoles, PROJECT_KEY } from '../core/feeds';
import { isRecord } from '../core/guards';
import { fail, ok, type Result } from '../core/result';
import { parseSettingsPatch, type FeedSettings } from '../core/settings';
import { displayNames, ensureIndexed, feeds } from '../adapters/forge/feeds';
import { feedJira } from '../adapters/forge/feed-jira';
import { services } from '../services';
import { asAccount, type TrustedContext } from './context';

const str = (p: unknown, k: string): string => (isRecord(p) && typeof p[k] === 'string' ? p[k] : '');

/** A project key from a payload only narrows what is shown or created; Jira decides whether the caller may. */
function projectKeyOf(p: unknown): Result<string | undefined> {
  const k = isRecord(p) ? p.projectKey : undefined;
  if (k === undefined || k === null || k === '') return ok(undefined);
  return typeof k === 'string' && PROJECT_KEY.test(k) ? ok(k) : fail('BAD_REQUEST', 'That is not a Jira project key.');
}

async function names(ids: string[]): Promise<PersonName[]> {
  return ids.length ? displayNames(ids).catch(() => []) : [];
}

/** Every feeds resolver: a logged-in caller (from the context, never the payload), errors as values. */
const run = <T>(where: string, context: TrustedContext, fn: (accountId: string, f: ReturnType<typeof feeds>) => Promise<Result<T>>) => {
  const s = services();
  return asAccount(s, where, context, (accountId) => fn(accountId, feeds()));
};

export const feedsHandlers: Handlers<FeedsDefs> = {
  'feeds/list': ({ payload, context }) =>
    run('feeds/list', context, async (accountId, f) => {
      const scope = projectKeyOf(payload);
      if (!scope.ok) return scope;
      const list = await f.service.listFeeds(accountId, scope.value ? { projectKey: scope.value } : {});
      if (!list.ok) return list;
      const settings = list.value.siteAdmin ? (await f.settings.current()).feeds : undefined;
      return ok({ ...list.value, ...(settings ? { settings } : {}), people: await names(list.value.feeds.map((x) => x.ownerAccountId)) });
    }),
  'feeds/create': ({ payload, context }) =>
    run('feeds/create', context, async (accountId, f) => {
      const scope = projectKeyOf(payload);
      if (!scope.ok) return scope;
      return f.service.createFeed(accountId, isRecord(payload) ? payload.input : undefined, scope.value ? { projectKey: scope.value } : {});
    }),
  'feeds/update': ({ payload, context }) => run('feeds/update', context, (accountId, f) => f.service.updateFeed(accountId, str(payload, 'id'), isRecord(payload) ? payload.input : undefined)),
  'feeds/delete': ({ payload, context }) => run('feeds/delete', context, (accountId, f) => f.service.deleteFeed(accountId, str(payload, 'id'))),
  'feeds/roles': ({ payload, context }) =>
    run('feeds/roles', context, async (accountId) => {
      const scope = projectKeyOf(payload);
      if (!scope.ok) return scope;
      if (!scope.value) return fail('BAD_REQUEST', 'Name the project.');
      const r = await feedJira.projectRoles(accountId, scope.value);
      return r.ok ? ok(audienceRoles(r.value)) : fail('FORBIDDEN', 'Only admins of the project can see its roles.');
    }),
  'feeds/groups': ({ context }) =>
    run('feeds/groups', context, async (accountId) => {
      const r = await feedJira.groupsOf(accountId);
      return r.ok ? ok(r.value) : fail('FORBIDDEN', 'Jira did not list your groups.');
    }),
  'feeds/url/create': ({ payload, context }) =>
    run('feeds/url/create', context, async (accountId, f) => {
      const r = await f.service.createUrl(accountId, str(payload, 'feedId'));
      if (r.ok) await ensureIndexed(accountId);
      return r;
    }),
  'feeds/url/rotate': ({ payload, context }) =>
    run('feeds/url/rotate', context, async (accountId, f) => {
      const r = await f.service.rotateUrl(accountId, str(payload, 'feedId'));
      if (r.ok) await ensureIndexed(accountId);
      return r;
    }),
  'feeds/url/renew': ({ payload, context }) => run('feeds/url/renew', context, (accountId, f) => f.service.renewUrl(accountId, str(payload, 'feedId'))),
  'feeds/url/revoke': ({ payload, context }) => run('feeds/url/revoke', context, (accountId, f) => f.service.revokeUrl(accountId, str(payload, 'feedId'), str(payload, 'accountId') || accountId)),
  'feeds/urls': ({ context }) =>
    run('feeds/urls', context, async (accountId, f) => {
      const r = await f.service.listAllUrls(accountId);
      if (!r.ok) return r;
      return ok({ urls: r.value, people: await names(r.value.map((u) => u.accountId)) });
    }),
  'feeds/settings/save': ({ payload, context }) =>
    run('feeds/settings/save', context, async (accountId, f) => {
      if (!(await feedJira.isSiteAdmin(accountId))) return fail('FORBIDDEN', 'Only site admins can change who creates calendar feeds.');
      const patch = parseSettingsPatch({ feeds: payload });
      if (!patch.ok) return patch;
      const saved = await f.settings.update(patch.value);
      return ok<FeedSettings>(saved.feeds);
    }),
};

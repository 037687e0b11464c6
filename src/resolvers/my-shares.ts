import type { Handlers } from '@forge/resolver';
import type { MySharesDefs } from '../contracts/my-shares';
import { services } from '../services';
import { myShares } from '../share-services';
import { asAccount } from './context';
import { failWith } from '../core/result';
import { payloadReader, type PayloadShapes } from './payload';
import { isRecord, own } from '../core/guards';
import { isShareScope, SHARE_ID } from '../core/sharing/model';
import { isIsoInstant } from '../core/sharing/lifecycle';
import { OFFER_MAX_SHARES } from '../core/sharing/handover';
import { productOf } from '../adapters/forge/product';

/** Payloads are read strictly (./payload.ts): exactly the expected fields, each of its exact shape. */
const MAX_PAYLOAD_CHARS = 8_192;
const ACCOUNT_ID = /^[A-Za-z0-9:_-]{1,128}$/;
const PROJECT_ID = /^[1-9]\d{0,17}$/;
const SHAPES = {
  shareId: (v: unknown) => typeof v === 'string' && SHARE_ID.test(v),
  offerId: (v: unknown) => typeof v === 'string' && SHARE_ID.test(v),
  scope: isShareScope,
  expiresAt: (v: unknown) => v === null || isIsoInstant(v),
  confirm: (v: unknown) => v === 'remove-all',
  query: (v: unknown) => typeof v === 'string' && v.length <= 100,
  toAccountId: (v: unknown) => typeof v === 'string' && ACCOUNT_ID.test(v),
  shareIds: (v: unknown) => Array.isArray(v) && v.length >= 1 && v.length <= OFFER_MAX_SHARES && v.every((x) => typeof x === 'string' && SHARE_ID.test(x)),
  projectId: (v: unknown) => typeof v === 'string' && PROJECT_ID.test(v),
  kinds: isRecord,
} satisfies PayloadShapes;

const parse = payloadReader(SHAPES, MAX_PAYLOAD_CHARS);

const str = (p: Record<string, unknown>, k: string): string => own(p, k) as string;

export const mySharesHandlers: Handlers<MySharesDefs> = {
  // No parameters: the list is the caller's, whatever is sent.
  'myShares/list': ({ context }) => {
    const s = services();
    return asAccount(s, 'myShares/list', context, (accountId) => myShares(s, context).list(accountId));
  },
  'myShares/scope': ({ payload, context }) => {
    const s = services();
    return asAccount(s, 'myShares/scope', context, (accountId) => {
      const p = parse(payload, ['shareId', 'scope']);
      return myShares(s, context).setScope(accountId, { shareId: str(p, 'shareId'), scope: own(p, 'scope') as 'private' });
    });
  },
  'myShares/expiry': ({ payload, context }) => {
    const s = services();
    return asAccount(s, 'myShares/expiry', context, (accountId) => {
      const p = parse(payload, ['shareId', 'expiresAt']);
      return myShares(s, context).setExpiry(accountId, { shareId: str(p, 'shareId'), expiresAt: own(p, 'expiresAt') as string | null });
    });
  },
  'myShares/remove': ({ payload, context }) => {
    const s = services();
    return asAccount(s, 'myShares/remove', context, (accountId) => {
      const p = parse(payload, ['shareId']);
      return myShares(s, context).remove(accountId, str(p, 'shareId'));
    });
  },
  'myShares/removeAll': ({ payload, context }) => {
    const s = services();
    return asAccount(s, 'myShares/removeAll', context, (accountId) => {
      parse(payload, ['confirm']);
      return myShares(s, context).removeAll(accountId);
    });
  },
  'myShares/opens': ({ payload, context }) => {
    const s = services();
    return asAccount(s, 'myShares/opens', context, (accountId) => {
      const p = parse(payload, ['shareId']);
      return myShares(s, context).opens(accountId, str(p, 'shareId'));
    });
  },
  'myShares/people': ({ payload, context }) => {
    const s = services();
    return asAccount(s, 'myShares/people', context, (accountId) => {
      const p = parse(payload, ['query']);
      return myShares(s, context).searchPeople(accountId, str(p, 'query'));
    });
  },
  'myShares/offer': ({ payload, context }) => {
    const s = services();
    return asAccount(s, 'myShares/offer', context, (accountId) => {
      const p = parse(payload, ['toAccountId', 'shareIds']);
      return myShares(s, context).offer(accountId, { toAccountId: str(p, 'toAccountId'), shareIds: own(p, 'shareIds') as string[] });
    });
  },
  'myShares/accept': ({ payload, context }) => {
    const s = services();
    return asAccount(s, 'myShares/accept', context, (accountId) => {
      const p = parse(payload, ['offerId']);
      return myShares(s, context).accept(accountId, str(p, 'offerId'));
    });
  },
  'myShares/refuse': ({ payload, context }) => {
    const s = services();
    return asAccount(s, 'myShares/refuse', context, (accountId) => {
      const p = parse(payload, ['offerId']);
      return myShares(s, context).refuse(accountId, str(p, 'offerId'));
    });
  },
  'projectSharing/get': ({ payload, context }) => {
    const s = services();
    return asAccount(s, 'projectSharing/get', context, async (accountId) => {
      const p = parse(payload, ['projectId']);
      if (productOf(context.installContext) !== 'jira') return failWith('NOT_FOUND', 'bad_payload');
      return myShares(s, context).projectPolicy(accountId, str(p, 'projectId'));
    });
  },
  'projectSharing/save': ({ payload, context }) => {
    const s = services();
    return asAccount(s, 'projectSharing/save', context, async (accountId) => {
      const p = parse(payload, ['projectId', 'kinds']);
      if (productOf(context.installContext) !== 'jira') return failWith('NOT_FOUND', 'bad_payload');
      return myShares(s, context).setProjectPolicy(accountId, str(p, 'projectId'), own(p, 'kinds'));
    });
  },
};

import { makeResolver, type Handlers } from '@forge/resolver';
import type { Defs } from '../contract';
import { services } from '../services';
import { asAccount } from './context';

const handlers: Handlers<Defs> = {
  'account/connect': ({ context }) => asAccount(context, (accountId) => services().accounts.beginSignIn(accountId)),
  'account/token': ({ payload, context }) =>
    asAccount(context, (accountId) => services().accounts.accessToken(accountId, { forceRefresh: payload?.refresh === true })),
  'account/signOut': ({ context }) => asAccount(context, (accountId) => services().accounts.signOut(accountId)),
};

export const resolver = makeResolver<Defs>(handlers);

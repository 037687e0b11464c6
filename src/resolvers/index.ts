import { makeResolver, type Handlers } from '@forge/resolver';
import type { Defs } from '../contract';
import { attempt } from '../core/result';
import { services } from '../services';
import { requireAccount } from './context';

const handlers: Handlers<Defs> = {
  'account/connect': ({ context }) =>
    attempt(async () => {
      const who = requireAccount(context);
      if (!who.ok) return who;
      return services().accounts.beginSignIn(who.accountId);
    }),
  'account/token': ({ payload, context }) =>
    attempt(async () => {
      const who = requireAccount(context);
      if (!who.ok) return who;
      return services().accounts.accessToken(who.accountId, { forceRefresh: payload?.refresh === true });
    }),
  'account/signOut': ({ context }) =>
    attempt(async () => {
      const who = requireAccount(context);
      if (!who.ok) return who;
      return services().accounts.signOut(who.accountId);
    }),
};

export const resolver = makeResolver<Defs>(handlers);

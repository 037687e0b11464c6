import { makeResolver, type Handlers } from '@forge/resolver';
import type { Defs } from '../contract';
import { accountHandlers } from './account';
import { adminHandlers } from './admin';
import { sharingHandlers } from './sharing';
import { feedsHandlers } from './feeds';
import { automationsHandlers } from './automations';
import { mySharesHandlers } from './my-shares';

/** Every feature's handlers; the type makes a missing or extra key a compile error. */
const handlers: Handlers<Defs> = { ...accountHandlers, ...adminHandlers, ...sharingHandlers, ...feedsHandlers, ...automationsHandlers, ...mySharesHandlers };
const dispatch = makeResolver<Defs>(handlers);

/**
 * Only the contract's function keys are dispatched. @forge/resolver looks keys up with `in`, so
 * `constructor`, `__proto__` or `toString` would reach Object.prototype and answer with the caller's
 * own invocation context; they are refused here with the SDK's own words for an unknown key.
 */
export const resolver: typeof dispatch = (request, backend) => {
  const key = (request as { call?: { functionKey?: unknown } } | undefined)?.call?.functionKey;
  if (typeof key !== 'string' || !Object.hasOwn(handlers, key)) return Promise.reject(new Error(`Resolver has no definition for '${String(key).slice(0, 100)}'.`));
  return dispatch(request, backend);
};

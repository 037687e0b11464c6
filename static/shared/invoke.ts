import { makeInvoke } from '@forge/bridge/out/invoke/invoke';
import type { Defs } from '../../src/contract';

/** Typed resolver calls; the contract is shared with the backend by type only. */
export const call = makeInvoke<Defs>();

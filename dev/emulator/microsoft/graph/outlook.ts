import { calendarRoutes } from './outlook/calendar';
import { mailRoutes } from './outlook/mail';
import type { Route } from './types';

export { exchangeNotFound, exchangeResult, findById, requireMailbox, showId, wantsImmutableIds } from './outlook/common';

export const outlookRoutes: Route[] = [...mailRoutes, ...calendarRoutes];

import { calendarRoutes } from './calendar/routes';
import { chatRoutes } from './chats';
import { outlookRoutes } from './outlook';
import { driveRoutes } from './sharepoint/drive-routes';
import { shareRoutes } from './sharepoint/share-routes';
import { searchRoutes } from './sharepoint/search-routes';
import { siteRoutes } from './sharepoint/site-routes';
import { channelRoutes } from './channels';
import { teamsRoutes } from './teams';
import { todoRoutes } from './todo';
import type { Route } from './types';
import { userRoutes } from './users';

export const graphRoutes: readonly Route[] = [
  ...userRoutes, ...siteRoutes, ...driveRoutes, ...shareRoutes, ...searchRoutes,
  // Ahead of outlook/calendar.ts and teams.ts, whose older calendar and chat reads they replace.
  ...calendarRoutes, ...chatRoutes, ...outlookRoutes, ...teamsRoutes, ...channelRoutes, ...todoRoutes,
];

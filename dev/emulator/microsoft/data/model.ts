import type { MicrosoftFixture } from '../fixture';
import { buildDirectory, type Directory } from './directory';
import { startOfUtcDay } from './ids';
import { buildSharePoint } from './build';
import { createMailStore, type MailStore } from './mail';
import type { SharePoint } from './sharepoint';
import { buildWorkloads, type Workloads } from './workloads';

/** Everything the fixture describes, built once per emulator; requests only read it, except mail and redeemed sharing links. */
export interface TenantModel {
  directory: Directory;
  sharePoint: SharePoint;
  workloads: Workloads;
  /** Mailboxes change at run time (control API); `mail.reset()` returns them to the fixture. */
  mail: MailStore;
  appPermissions: readonly string[];
}

export const buildModel = (fx: MicrosoftFixture, startMs: number): TenantModel => {
  const startDay = startOfUtcDay(startMs);
  const directory = buildDirectory(fx);
  return {
    directory,
    sharePoint: buildSharePoint(fx, directory, startDay),
    workloads: buildWorkloads(fx, directory, startDay),
    mail: createMailStore(fx, directory, startDay),
    appPermissions: fx.appPermissions,
  };
};

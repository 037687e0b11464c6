import type { MicrosoftFixture } from '../fixture';
import { buildDirectory, type Directory } from './directory';
import { startOfUtcDay } from './ids';
import { buildSharePoint } from './build';
import type { SharePoint } from './sharepoint';
import { buildWorkloads, type Workloads } from './workloads';

/** Everything the fixture describes, built once per emulator; requests only read it. */
export interface TenantModel {
  directory: Directory;
  sharePoint: SharePoint;
  workloads: Workloads;
  appPermissions: readonly string[];
}

export const buildModel = (fx: MicrosoftFixture, startMs: number): TenantModel => {
  const startDay = startOfUtcDay(startMs);
  const directory = buildDirectory(fx);
  return {
    directory,
    sharePoint: buildSharePoint(fx, directory, startDay),
    workloads: buildWorkloads(fx, directory, startDay),
    appPermissions: fx.appPermissions,
  };
};

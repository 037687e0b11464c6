/**
 * A User Timing mark (`m365:…`) on the boot path, read by the benchmark (bench/measure.ts) to show where
 * a macro's time goes. Costs one entry in the frame's performance timeline; nothing is sent anywhere.
 */
export function bootMark(name: 'module' | 'context' | 'token' | 'graph'): void {
  try {
    if (performance.getEntriesByName(`m365:${name}`, 'mark').length === 0) performance.mark(`m365:${name}`);
  } catch {
    // No User Timing (old test DOMs): nothing to record.
  }
}

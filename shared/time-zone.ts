/** IANA time zone helpers shared by the core (limits, usage buckets) and the renderer (date ranges). */

/** The zone this machine (or browser) is set to; UTC when the platform cannot say. */
export function machineTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** Whether the platform's time zone data knows this IANA name. */
export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

import { create } from 'zustand';
import { machineTimeZone } from '../../../shared/time-zone.js';

/**
 * The time zone every date and time is shown in: the limits time zone (Settings → Limits & time
 * zone, where days and months are counted), once the core has said it; the machine's until then.
 */
export const useTimeZoneStore = create<{ zone: string | null; set(zone: string): void }>((set) => ({
  zone: null,
  set: (zone) => set({ zone }),
}));

export function displayZone(): string {
  return useTimeZoneStore.getState().zone ?? machineTimeZone();
}

export function useDisplayZone(): string {
  return useTimeZoneStore((s) => s.zone) ?? machineTimeZone();
}

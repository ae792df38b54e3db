import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../../../electron/core/metering/ids.js';

describe('ledger ids (UUIDv7)', () => {
  it('carry the time in their first 48 bits, version 7 and the RFC variant, and sort by time', () => {
    const t = Date.UTC(2026, 5, 15, 12, 0, 0, 123);
    const id = uuidv7(t);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(t);
    const ids = Array.from({ length: 200 }, (_, i) => uuidv7(t + i * 7));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(Array.from({ length: 1000 }, () => uuidv7(t))).size).toBe(1000);
  });
});

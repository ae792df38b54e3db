/** A text's count: its tokens, and whether they were extrapolated from its head (very long texts). */
export interface CachedCount {
  tokens: number;
  sampled: boolean;
}

/**
 * Token counts per (counter, text) — the counter is a tokenizer encoding or an approximation's name — least recently used evicted first, bounded by the total
 * length of the texts it holds (each entry keeps its text as the key, so the bound is its memory).
 * A conversation resends its whole history every turn: with this, a turn encodes only its new
 * messages. A text longer than the whole budget is not kept.
 */
export class TokenCountCache {
  private readonly maps = new Map<string, Map<string, CachedCount>>();
  private chars = 0;

  constructor(readonly maxChars: number) {}

  /** Total characters of the texts held (never above maxChars). */
  get size(): number {
    return this.chars;
  }

  get(counter: string, text: string): CachedCount | undefined {
    const map = this.maps.get(counter);
    const hit = map?.get(text);
    if (hit === undefined) return undefined;
    // Move to the young end: Map iteration order is insertion order.
    map!.delete(text);
    map!.set(text, hit);
    return hit;
  }

  set(counter: string, text: string, count: CachedCount): void {
    if (text.length > this.maxChars) return;
    let map = this.maps.get(counter);
    if (!map) this.maps.set(counter, (map = new Map()));
    if (map.has(text)) {
      map.delete(text);
      this.chars -= text.length;
    }
    map.set(text, count);
    this.chars += text.length;
    this.evict(map, text);
  }

  clear(): void {
    this.maps.clear();
    this.chars = 0;
  }

  /** Drops the oldest entries (of this counter first) until the texts fit the budget; never `keep`, the text just written. */
  private evict(preferred: Map<string, CachedCount>, keep: string): void {
    if (this.chars <= this.maxChars) return;
    for (const map of [preferred, ...this.maps.values()]) {
      for (const text of map.keys()) {
        if (this.chars <= this.maxChars) return;
        if (map === preferred && text === keep) break;
        map.delete(text);
        this.chars -= text.length;
      }
    }
  }
}

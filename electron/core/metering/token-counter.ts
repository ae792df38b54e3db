import type { ChatMessage, ProviderId } from '../../../shared/contract/index.js';
import type { Logger } from '../app/logger.js';
import { TokenCountCache } from './token-cache.js';
import { startTokenizerWorker, type FromWorker, type ToWorker } from './tokenizer-worker.js';
import {
  approxFamilyFor,
  approxTokenizerName,
  CONSERVATIVE_TOKENIZER,
  countApprox,
  countConservative,
  countFromHead,
  encodingFor,
  exactHead,
  promptBound,
  promptOverhead,
  type Encoding,
  type PromptEstimate,
} from './tokenizer.js';

/** The part of a worker_threads Worker the counter uses (tests inject failing ones). */
export interface TokenizerWorker {
  postMessage(message: ToWorker): void;
  // Worker's listeners differ per event (a message, an Error, an exit code), hence any.
  on(event: 'message' | 'error' | 'exit', listener: (...args: any[]) => void): unknown;
  terminate(): Promise<number>;
  ref(): void;
  unref(): void;
}

export interface TokenCounterOptions {
  logger: Logger;
  /** Characters of message text whose counts are kept (LRU). Default 4 million (about 4–8 MB). */
  cacheChars?: number;
  /** An answer slower than this falls back to the approximation: a wedged worker must not hold a turn. */
  timeoutMs?: number;
  /** Starts the worker that owns the encoders (default: startTokenizerWorker). */
  startWorker?: (preload: Encoding[]) => TokenizerWorker;
}

type State = 'idle' | 'running' | 'failed' | 'closed';

interface Pending {
  resolve: (counts: number[] | null) => void;
  timer: NodeJS.Timeout;
}

const DEFAULT_CACHE_CHARS = 4_000_000;
const DEFAULT_TIMEOUT_MS = 3_000;

/**
 * Prompt token counts for admission, without ever blocking the main thread: the OpenAI encoders are
 * built and run in a worker thread (building o200k_base takes 0.4–1.2 s of CPU), each text's count
 * is cached (a long chat resends its whole history every turn), and until the worker is ready, or
 * if it cannot run, texts are counted by a conservative approximation (countConservative) and the
 * estimate is named so. Families without a JS tokenizer get their calibrated approximation, as before.
 */
export class TokenCounter {
  private readonly logger: Logger;
  private readonly cache: TokenCountCache;
  private readonly timeoutMs: number;
  private readonly startWorker: (preload: Encoding[]) => TokenizerWorker;
  private worker: TokenizerWorker | null = null;
  private state: State = 'idle';
  private readonly ready = new Set<Encoding>();
  private readonly loading = new Set<Encoding>();
  /** Encodings the worker could not load: estimated for the rest of the run. */
  private readonly broken = new Set<Encoding>();
  private readonly pending = new Map<number, Pending>();
  private readonly waiters = new Set<() => void>();
  private nextId = 1;

  constructor(options: TokenCounterOptions) {
    this.logger = options.logger;
    this.cache = new TokenCountCache(options.cacheChars ?? DEFAULT_CACHE_CHARS);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.startWorker = options.startWorker ?? startTokenizerWorker;
  }

  /** Starts the worker (it builds o200k_base at once). Called by the first estimate if not before. */
  start(): void {
    if (this.state !== 'idle') return;
    let worker: TokenizerWorker;
    try {
      worker = this.startWorker(['o200k_base']);
    } catch (err) {
      this.fail(err);
      return;
    }
    this.worker = worker;
    this.state = 'running';
    this.loading.add('o200k_base');
    // Never keeps the process alive by itself: it is ref'd only while a count is awaited.
    worker.unref();
    worker.on('message', (m: FromWorker) => this.onMessage(m));
    worker.on('error', (err: unknown) => this.fail(err));
    worker.on('exit', (code: number) => {
      if (this.state === 'running') this.fail(new Error(`the tokenizer worker exited (code ${code})`));
    });
  }

  /** True once the encoding is loaded in the worker; false if the worker failed or closed first. For tests and tools. */
  whenReady(enc: Encoding = 'o200k_base'): Promise<boolean> {
    return new Promise((resolve) => {
      const check = (): boolean => {
        if (this.ready.has(enc)) resolve(true);
        else if (this.state === 'failed' || this.state === 'closed' || this.broken.has(enc)) resolve(false);
        else return false;
        this.waiters.delete(check);
        return true;
      };
      if (check()) return;
      this.waiters.add(check);
      this.load(enc);
      if (!check()) this.refCount();
    });
  }

  /** Characters of text whose counts are cached now. */
  get cachedChars(): number {
    return this.cache.size;
  }

  /** Prompt tokens of a chat request (see the class comment). Never rejects. */
  async estimate(messages: readonly ChatMessage[], provider: ProviderId, model: string): Promise<PromptEstimate> {
    const enc = encodingFor(provider, model);
    if (!enc) return this.approximate(messages, model);
    let tokens = promptOverhead(messages.length);
    let sampled = false;
    let misses: string[] | null = null;
    for (const m of messages) {
      const text = m.content;
      if (text === '') continue;
      const hit = this.cache.get(enc, text);
      if (hit) {
        tokens += hit.tokens;
        sampled ||= hit.sampled;
      } else {
        (misses ??= []).push(text);
      }
    }
    if (misses) {
      const counted = await this.countExact(enc, misses);
      if (!counted) {
        for (const text of misses) tokens += countConservative(text);
        return { tokens, tokenizer: CONSERVATIVE_TOKENIZER, upperBound: Math.max(tokens, promptBound(messages)) };
      }
      for (const c of counted) {
        tokens += c.tokens;
        sampled ||= c.sampled;
      }
    }
    // The real tokenizer counted every token (its overhead allows more than OpenAI's template adds):
    // that count is the bound. A sampled text was extrapolated: only the byte bound holds for it.
    if (sampled) return { tokens, tokenizer: `${enc} (long text sampled)`, upperBound: Math.max(tokens, promptBound(messages)) };
    return { tokens, tokenizer: enc, upperBound: tokens };
  }

  /** A family without a JS tokenizer: its calibrated approximation, per text cached like exact counts. */
  private approximate(messages: readonly ChatMessage[], model: string): PromptEstimate {
    const family = approxFamilyFor(model);
    let tokens = promptOverhead(messages.length);
    for (const m of messages) {
      const text = m.content;
      if (text === '') continue;
      const hit = this.cache.get(family.name, text);
      if (hit) {
        tokens += hit.tokens;
      } else {
        const n = countApprox(text, family.charsPerToken);
        this.cache.set(family.name, text, { tokens: n, sampled: false });
        tokens += n;
      }
    }
    return { tokens, tokenizer: approxTokenizerName(family), upperBound: Math.max(tokens, promptBound(messages)) };
  }

  /** Stops the worker; later estimates use the approximation. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const worker = this.worker;
    this.state = 'closed';
    this.worker = null;
    this.ready.clear();
    this.settleAll();
    if (worker) await worker.terminate().catch(() => undefined);
  }

  // --- worker ---------------------------------------------------------------------------------

  /** Counts texts in the worker and caches them; null when it is not ready for `enc` (or fails, or is slow). */
  private async countExact(enc: Encoding, texts: string[]): Promise<Array<{ tokens: number; sampled: boolean }> | null> {
    if (!this.ready.has(enc)) {
      this.load(enc);
      return null;
    }
    const heads = texts.map(exactHead);
    const counts = await this.request({ type: 'count', id: 0, enc, texts: heads });
    if (!counts || counts.length !== texts.length) return null;
    return texts.map((text, i) => {
      const c = countFromHead(text, counts[i]!);
      this.cache.set(enc, text, c);
      return c;
    });
  }

  private load(enc: Encoding): void {
    if (this.state === 'idle') this.start();
    if (this.state !== 'running' || this.ready.has(enc) || this.loading.has(enc) || this.broken.has(enc)) return;
    this.loading.add(enc);
    this.post({ type: 'load', enc });
  }

  private request(msg: Extract<ToWorker, { type: 'count' }>): Promise<number[] | null> {
    if (this.state !== 'running' || !this.worker) return Promise.resolve(null);
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (!this.pending.delete(id)) return;
        this.logger.warn('the tokenizer worker did not answer in time; the prompt was estimated instead', { ms: this.timeoutMs });
        this.refCount();
        resolve(null);
      }, this.timeoutMs);
      timer.unref();
      this.pending.set(id, { resolve, timer });
      this.refCount();
      this.post({ ...msg, id });
    });
  }

  private post(msg: ToWorker): void {
    try {
      this.worker?.postMessage(msg);
    } catch (err) {
      this.fail(err);
    }
  }

  private onMessage(m: FromWorker): void {
    switch (m.type) {
      case 'ready':
        this.loading.delete(m.enc);
        this.ready.add(m.enc);
        this.wake();
        return;
      case 'failed':
        this.loading.delete(m.enc);
        this.broken.add(m.enc);
        this.logger.warn('a tokenizer could not be loaded; prompts for its models are estimated conservatively', { encoding: m.enc, err: m.message });
        this.wake();
        return;
      case 'counts': {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        clearTimeout(p.timer);
        this.refCount();
        if ('error' in m) {
          this.logger.warn('the tokenizer failed on a prompt; it was estimated instead', { err: m.error });
          p.resolve(null);
        } else {
          p.resolve(m.counts);
        }
        return;
      }
    }
  }

  /** The worker holds the process open only while someone awaits an answer (or whenReady). */
  private refCount(): void {
    if (!this.worker) return;
    if (this.pending.size > 0 || this.waiters.size > 0) this.worker.ref();
    else this.worker.unref();
  }

  private fail(err: unknown): void {
    if (this.state === 'failed' || this.state === 'closed') return;
    this.logger.warn('the tokenizer worker is not available; prompts for OpenAI models are estimated conservatively', { err });
    const worker = this.worker;
    this.state = 'failed';
    this.worker = null;
    this.ready.clear();
    this.loading.clear();
    this.settleAll();
    if (worker) void worker.terminate().catch(() => undefined);
  }

  private settleAll(): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.resolve(null);
    }
    this.pending.clear();
    this.wake();
  }

  private wake(): void {
    for (const check of [...this.waiters]) check();
    this.refCount();
  }
}

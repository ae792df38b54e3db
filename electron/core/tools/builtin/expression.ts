/**
 * A small arithmetic evaluator for the calculator tool: numbers, + - * / % ^ (power, right
 * associative), parentheses, unary minus, the constants pi and e, and a fixed set of functions.
 * A recursive-descent parser over its own tokens: the model's text is never handed to `eval`,
 * `Function` or a general expression library, so nothing but arithmetic can run. Input length and
 * nesting are bounded.
 */

export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionError';
  }
}

const MAX_LENGTH = 2000;
const MAX_DEPTH = 100;

const CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E, tau: 2 * Math.PI };

const FUNCTIONS: Record<string, { arity: [number, number]; fn: (...a: number[]) => number }> = {
  sqrt: { arity: [1, 1], fn: Math.sqrt },
  cbrt: { arity: [1, 1], fn: Math.cbrt },
  abs: { arity: [1, 1], fn: Math.abs },
  round: { arity: [1, 2], fn: (x, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits },
  floor: { arity: [1, 1], fn: Math.floor },
  ceil: { arity: [1, 1], fn: Math.ceil },
  trunc: { arity: [1, 1], fn: Math.trunc },
  exp: { arity: [1, 1], fn: Math.exp },
  ln: { arity: [1, 1], fn: Math.log },
  log: { arity: [1, 2], fn: (x, base) => (base === undefined ? Math.log10(x) : Math.log(x) / Math.log(base)) },
  log2: { arity: [1, 1], fn: Math.log2 },
  log10: { arity: [1, 1], fn: Math.log10 },
  sin: { arity: [1, 1], fn: Math.sin },
  cos: { arity: [1, 1], fn: Math.cos },
  tan: { arity: [1, 1], fn: Math.tan },
  asin: { arity: [1, 1], fn: Math.asin },
  acos: { arity: [1, 1], fn: Math.acos },
  atan: { arity: [1, 1], fn: Math.atan },
  min: { arity: [1, 50], fn: Math.min },
  max: { arity: [1, 50], fn: Math.max },
  pow: { arity: [2, 2], fn: Math.pow },
};

type Token = { kind: 'num'; value: number; at: number } | { kind: 'name'; value: string; at: number } | { kind: 'op'; value: string; at: number };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i));
    if (num) {
      // 1_000_000 reads as a million; commas separate function arguments, so they are never digits.
      const value = Number(num[0].replace(/_/g, ''));
      if (!Number.isFinite(value)) throw new ExpressionError(`"${num[0]}" is not a number`);
      out.push({ kind: 'num', value, at: i });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (name) {
      out.push({ kind: 'name', value: name[0].toLowerCase(), at: i });
      i += name[0].length;
      continue;
    }
    const op = src.startsWith('**', i) ? '^' : c === '×' ? '*' : c === '÷' ? '/' : c;
    if ('+-*/%^(),'.includes(op)) {
      out.push({ kind: 'op', value: op, at: i });
      i += src.startsWith('**', i) ? 2 : 1;
      continue;
    }
    throw new ExpressionError(`unexpected "${c}" at position ${i + 1}`);
  }
  return out;
}

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): number {
    if (this.tokens.length === 0) throw new ExpressionError('the expression is empty');
    const v = this.sum();
    const rest = this.tokens[this.i];
    if (rest) throw new ExpressionError(`unexpected "${rest.kind === 'num' ? rest.value : rest.value}" at position ${rest.at + 1}`);
    return v;
  }

  private peek(op: string): boolean {
    const t = this.tokens[this.i];
    return t !== undefined && t.kind === 'op' && t.value === op;
  }

  private take(op: string): boolean {
    if (!this.peek(op)) return false;
    this.i++;
    return true;
  }

  private sum(): number {
    let v = this.product();
    for (;;) {
      if (this.take('+')) v += this.product();
      else if (this.take('-')) v -= this.product();
      else return v;
    }
  }

  private product(): number {
    let v = this.unary();
    for (;;) {
      if (this.take('*')) v *= this.unary();
      else if (this.take('/')) {
        const d = this.unary();
        if (d === 0) throw new ExpressionError('division by zero');
        v /= d;
      } else if (this.take('%')) {
        const d = this.unary();
        if (d === 0) throw new ExpressionError('division by zero');
        v %= d;
      } else return v;
    }
  }

  private unary(): number {
    if (this.take('-')) return -this.unary();
    if (this.take('+')) return this.unary();
    return this.power();
  }

  /** Right associative: 2^3^2 = 2^9; -2^2 = -(2^2) as in mathematics. */
  private power(): number {
    const base = this.atom();
    if (this.take('^')) return base ** this.unary();
    return base;
  }

  private atom(): number {
    const t = this.tokens[this.i];
    if (!t) throw new ExpressionError('the expression ends too early');
    if (++this.depth > MAX_DEPTH) throw new ExpressionError('the expression is nested too deeply');
    try {
      if (t.kind === 'num') {
        this.i++;
        return t.value;
      }
      if (t.kind === 'op' && t.value === '(') {
        this.i++;
        const v = this.sum();
        if (!this.take(')')) throw new ExpressionError('a ")" is missing');
        return v;
      }
      if (t.kind === 'name') {
        this.i++;
        const fn = Object.prototype.hasOwnProperty.call(FUNCTIONS, t.value) ? FUNCTIONS[t.value] : undefined;
        if (fn) return this.call(t.value, fn);
        if (Object.prototype.hasOwnProperty.call(CONSTANTS, t.value)) return CONSTANTS[t.value]!;
        throw new ExpressionError(`unknown name "${t.value}" (functions: ${Object.keys(FUNCTIONS).join(', ')}; constants: pi, e, tau)`);
      }
      throw new ExpressionError(`unexpected "${t.value}" at position ${t.at + 1}`);
    } finally {
      this.depth--;
    }
  }

  private call(name: string, fn: (typeof FUNCTIONS)[string]): number {
    if (!this.take('(')) throw new ExpressionError(`${name} needs its arguments in parentheses, e.g. ${name}(2)`);
    const args: number[] = [];
    if (!this.peek(')')) {
      do args.push(this.sum());
      while (this.take(','));
    }
    if (!this.take(')')) throw new ExpressionError(`a ")" is missing after the arguments of ${name}`);
    const [lo, hi] = fn.arity;
    if (args.length < lo || args.length > hi) throw new ExpressionError(`${name} takes ${lo === hi ? lo : `${lo} to ${hi}`} argument${hi === 1 ? '' : 's'}, not ${args.length}`);
    return fn.fn(...args);
  }
}

/** Evaluates an arithmetic expression; throws ExpressionError with a message a model can act on. */
export function evaluateExpression(src: string): number {
  if (src.length > MAX_LENGTH) throw new ExpressionError(`the expression is longer than ${MAX_LENGTH} characters`);
  const value = new Parser(tokenize(src)).parse();
  if (Number.isNaN(value)) throw new ExpressionError('the result is not a number (e.g. the square root of a negative number)');
  if (!Number.isFinite(value)) throw new ExpressionError('the result is too large');
  return value;
}

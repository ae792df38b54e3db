import type { ToolDefinition } from '../types.js';
import { failed } from '../types.js';
import { evaluateExpression, ExpressionError } from './expression.js';

/** builtin:calculator — exact arithmetic the model should not do in its head. */
export function calculatorTool(): ToolDefinition {
  return {
    id: 'builtin:calculator',
    name: 'calculator',
    title: 'Calculator',
    description:
      'Evaluates an arithmetic expression: + - * / % ^, parentheses, pi, e, and sqrt, abs, round(x, digits), floor, ceil, exp, ln, log, log2, log10, sin, cos, tan, min, max, pow.',
    parameters: {
      type: 'object',
      properties: { expression: { type: 'string', description: 'e.g. (2 + 3) * 4 / 7', examples: ['6*7'] } },
      required: ['expression'],
      additionalProperties: false,
    },
    source: 'builtin',
    async run(args) {
      if (typeof args.expression !== 'string') return failed('Give the expression as a string in "expression".');
      try {
        const value = evaluateExpression(args.expression);
        return { ok: true, content: `${args.expression.trim()} = ${formatNumber(value)}` };
      } catch (err) {
        if (err instanceof ExpressionError) return failed(`Could not evaluate: ${err.message}.`);
        throw err;
      }
    },
  };
}

/** Up to 15 significant digits, without float noise (0.1 + 0.2 = 0.3). */
function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(15)));
}

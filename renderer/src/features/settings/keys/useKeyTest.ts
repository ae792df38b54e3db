import { useState, type RefObject } from 'react';
import type { KeyTestResult } from '../../../../../shared/contract/index.js';
import { wipeSecret } from '../../../ui/useSecretRef.js';
import type { TestState } from './TestResultView.js';

/**
 * The test-then-save flow shared by the key dialogs: `check` guards both actions, a save wipes the
 * secret input once the core has it, and any failure lands in the status strip.
 */
export function useKeyTest(secretRef: RefObject<HTMLInputElement | null>, check: () => boolean) {
  const [test, setTest] = useState<TestState>({ kind: 'idle' });

  const runTest = async (call: () => Promise<KeyTestResult>) => {
    if (!check()) return;
    setTest({ kind: 'running', what: 'test' });
    try {
      setTest({ kind: 'result', result: await call() });
    } catch (error) {
      setTest({ kind: 'error', error });
    }
  };

  const save = async <T>(call: () => Promise<T>, done: (result: T) => void) => {
    if (!check()) return;
    setTest({ kind: 'running', what: 'save' });
    try {
      const result = await call();
      wipeSecret(secretRef);
      done(result);
    } catch (error) {
      setTest({ kind: 'error', error });
    }
  };

  const testing = test.kind === 'running' && test.what === 'test';
  const saving = test.kind === 'running' && test.what === 'save';
  return { test, setTest, busy: testing || saving, testing, saving, runTest, save };
}

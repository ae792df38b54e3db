import { useEffect, useRef, type RefObject } from 'react';

/**
 * A ref for an uncontrolled secret input. Secrets never enter React state (it outlives the input in
 * dev tools and crash reports); whatever happens, the value is wiped when the component goes.
 */
export function useSecretRef(): RefObject<HTMLInputElement | null> {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const input = ref.current;
    return () => {
      if (input) input.value = '';
    };
  }, []);
  return ref;
}

export const readSecret = (ref: RefObject<HTMLInputElement | null>): string => ref.current?.value ?? '';

export const wipeSecret = (ref: RefObject<HTMLInputElement | null>): void => {
  if (ref.current) ref.current.value = '';
};

import { useCallback, useEffect, useRef, useState } from 'react';
import type { EventName, MethodName, MethodRequest, MethodResponse } from '../../../shared/contract/index.js';
import { useBridge } from '../bridge/context.js';

export interface QueryState<T> {
  /** The last good answer; kept while a reload runs so nothing jumps. */
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload(): void;
}

export interface QueryOptions {
  /** Core events after which the answer is stale. */
  refreshOn?: readonly EventName[];
  enabled?: boolean;
}

/**
 * One contract call whose answer a component shows. Re-runs when the request changes, when one of
 * `refreshOn` arrives, and after the event stream reconnects (events may have been missed).
 */
export function useBridgeQuery<M extends MethodName>(method: M, request: MethodRequest<M>, options: QueryOptions = {}): QueryState<MethodResponse<M>> {
  const bridge = useBridge();
  const requestKey = JSON.stringify(request ?? {});
  const enabled = options.enabled ?? true;
  const [state, setState] = useState<{ data: MethodResponse<M> | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: undefined,
    loading: enabled,
  });
  const seq = useRef(0);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);

  useEffect(() => {
    if (!enabled) return;
    const mine = ++seq.current;
    const controller = new AbortController();
    setState((s) => (s.loading ? s : { ...s, loading: true }));
    bridge
      .call(method, JSON.parse(requestKey) as MethodRequest<M>, { signal: controller.signal })
      .then(
        (data) => {
          if (mine === seq.current) setState({ data, error: undefined, loading: false });
        },
        (error: unknown) => {
          if (mine === seq.current && !controller.signal.aborted) setState((s) => ({ data: s.data, error, loading: false }));
        },
      );
    return () => controller.abort();
  }, [bridge, method, requestKey, enabled, tick]);

  const refreshKey = (options.refreshOn ?? []).join(',');
  useEffect(() => {
    if (!enabled) return;
    const names = refreshKey === '' ? [] : (refreshKey.split(',') as EventName[]);
    const offs = names.map((name) => bridge.onEvent(name, reload));
    let last = bridge.connectionState();
    offs.push(
      bridge.onConnectionChange((state) => {
        if (state === 'open' && last === 'reconnecting') reload();
        last = state;
      }),
    );
    return () => offs.forEach((off) => off());
  }, [bridge, refreshKey, enabled, reload]);

  return { ...state, reload };
}

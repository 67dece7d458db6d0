import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './api/client';

export type Loaded<T> = { data: T | null; error: ApiError | null; loading: boolean; reload: (minSeq?: number) => void; refresh: (minSeq?: number) => void };

// useLoad runs load(minSeq) when deps change and on reload; a late answer
// of an earlier run never replaces a newer one.
export function useLoad<T>(load: (minSeq?: number) => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const run = useRef(0);
  const busy = useRef(false);
  const queued = useRef<{ seq?: number } | null>(null);
  const fn = useRef(load);
  fn.current = load;
  const reload = useCallback((minSeq?: number) => {
    const n = ++run.current;
    busy.current = true;
    setLoading(true);
    fn.current(minSeq)
      .then(
        (d) => {
          if (n !== run.current) return;
          setData(d);
          setError(null);
          setLoading(false);
        },
        (e) => {
          if (n !== run.current) return;
          setError(e instanceof ApiError ? e : new ApiError(String(e), 'INTERNAL'));
          setLoading(false);
        },
      )
      .finally(() => {
        if (n !== run.current) return;
        busy.current = false;
        const q = queued.current;
        queued.current = null;
        if (q) reload(q.seq);
      });
  }, []);
  // refresh is a reload for changes seen live: while a load runs it waits
  // for it (whose answer still shows) and runs once after it with the
  // highest sequence asked for, so a burst of changes, each superseding the
  // load before, cannot keep every answer from showing.
  const refresh = useCallback((minSeq?: number) => {
    if (!busy.current) return reload(minSeq);
    const had = queued.current?.seq ?? 0;
    queued.current = { seq: Math.max(had, minSeq ?? 0) || undefined };
  }, [reload]);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => reload(), deps);
  return { data, error, loading, reload, refresh };
}

import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './api/client';

export type Loaded<T> = { data: T | null; error: ApiError | null; loading: boolean; reload: (minSeq?: number) => void };

// useLoad runs load(minSeq) when deps change and on reload; a late answer
// of an earlier run never replaces a newer one.
export function useLoad<T>(load: (minSeq?: number) => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const run = useRef(0);
  const fn = useRef(load);
  fn.current = load;
  const reload = useCallback((minSeq?: number) => {
    const n = ++run.current;
    setLoading(true);
    fn.current(minSeq).then(
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
    );
  }, []);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => reload(), deps);
  return { data, error, loading, reload };
}

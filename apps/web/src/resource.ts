import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';

export type Resource<T> =
  { state: 'loading' } | { state: 'error'; error: ApiError } | { state: 'ready'; data: T };

export const asApiError = (error: unknown): ApiError =>
  error instanceof ApiError
    ? error
    : new ApiError(0, error instanceof Error ? error.message : 'Something went wrong');

/**
 * Loads once per change of `key`; `reload` loads again, `update` edits the loaded data in place
 * (a revoked row, a renamed project) so that the page changes without another round trip.
 */
export function useResource<T>(load: () => Promise<T>, key: string) {
  const [resource, setResource] = useState<Resource<T>>({ state: 'loading' });
  const latest = useRef(0);

  const reload = useCallback(
    async (quiet = false) => {
      const ticket = ++latest.current;
      if (!quiet) setResource({ state: 'loading' });
      try {
        const data = await load();
        if (ticket === latest.current) setResource({ state: 'ready', data });
      } catch (error) {
        if (ticket === latest.current) setResource({ state: 'error', error: asApiError(error) });
      }
    },
    // `key` names what `load` loads: a new key is a new resource.
    [key],
  );

  useEffect(() => {
    void reload();
  }, [reload]);

  const update = useCallback((change: (data: T) => T) => {
    setResource((current) =>
      current.state === 'ready' ? { state: 'ready', data: change(current.data) } : current,
    );
  }, []);

  return { resource, reload, update };
}

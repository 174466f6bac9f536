import { useEffect, useState } from 'preact/hooks';

/** The path in the hash (`#/admin/users` → `/admin/users`): no server fallback is needed. */
export function currentPath(): string {
  const hash = window.location.hash.replace(/^#/, '');
  let path: string;
  try {
    path = decodeURI(hash);
  } catch {
    path = hash;
  }
  return path.startsWith('/') ? path : '/';
}

export function useHashPath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = () => setPath(currentPath());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return path;
}

export function navigate(path: string): void {
  window.location.hash = path;
}

export const href = (path: string): string => `#${path}`;

/** `match('/admin/users/:id', path)` → `{ id }`, or null when the path does not fit. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.replace(/\/+$/, '').split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) params[want[i].slice(1)] = got[i];
    else if (want[i] !== got[i]) return null;
  }
  return params;
}

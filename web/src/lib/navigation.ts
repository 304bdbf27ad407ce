/**
 * Where to go after signing in. Only same-origin paths are followed, so a crafted
 * `?next=https://evil.example` or `?next=//evil.example` cannot send anyone away.
 */
export function safeNext(value: string | null | undefined, fallback = '/'): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  if (value.startsWith('/signin') || value.startsWith('/api/')) return fallback;
  return value;
}

export function signInPath(next?: string): string {
  const target = next ? safeNext(next, '') : '';
  return target && target !== '/' ? `/signin?next=${encodeURIComponent(target)}` : '/signin';
}

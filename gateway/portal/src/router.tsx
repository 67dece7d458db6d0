// A small history-API router: the pages are few and their paths fixed,
// so a router library would add more than it saves.
import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';
import { prefetchPage } from './prefetch';

const listeners = new Set<() => void>();

export function navigate(to: string, replace = false) {
  // The next page's first request leaves now, before it is drawn.
  prefetchPage(to);
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  listeners.forEach((l) => l());
}

// Back and forward too: the page's first request before it is drawn.
addEventListener('popstate', () => prefetchPage(location.pathname));

export function usePath(): string {
  const [path, setPath] = useState(location.pathname + location.search);
  useEffect(() => {
    const update = () => setPath(location.pathname + location.search);
    listeners.add(update);
    addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      removeEventListener('popstate', update);
    };
  }, []);
  return path;
}

export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(props.href);
  };
  // The pointer coming onto the link, its focus or its press starts the
  // page's first request: the click that follows takes its answer.
  const warm = () => prefetchPage(props.href);
  return <a onPointerEnter={warm} onFocus={warm} onPointerDown={warm} {...props} onClick={onClick} />;
}

// match returns the path's parameters for a pattern like /apps/:id.
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/');
  const a = path.split('?')[0].split('/');
  if (p.length !== a.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) out[p[i].slice(1)] = decodeURIComponent(a[i]);
    else if (p[i] !== a[i]) return null;
  }
  return out;
}

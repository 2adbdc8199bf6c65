/** A small history-API router: paths, back navigation and links without a library. */
import type { ComponentChildren, JSX } from 'preact';
import { store } from './store';

export const route = store(window.location.pathname);

// Pages pushed by this visit: "back" leaves the app only when there is nothing of ours behind.
let depth = 0;

export function navigate(to: string, replace = false): void {
  if (to === window.location.pathname + window.location.search) return;
  if (replace) history.replaceState(null, '', to);
  else {
    history.pushState(null, '', to);
    depth++;
  }
  route.set(window.location.pathname);
  window.scrollTo(0, 0);
}

export function goBack(fallback = '/'): void {
  if (depth > 0) history.back();
  else navigate(fallback, true);
}

window.addEventListener('popstate', () => {
  depth = Math.max(0, depth - 1);
  route.set(window.location.pathname);
});

/** Match "/households/:id" against a path; return the parameters or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(have[i]);
    else if (want[i] !== have[i]) return null;
  }
  return params;
}

type LinkProps = JSX.HTMLAttributes<HTMLAnchorElement> & { href: string; children?: ComponentChildren };

export function Link({ href, onClick, children, ...rest }: LinkProps) {
  return (
    <a
      href={href}
      {...rest}
      onClick={(event) => {
        if (onClick) (onClick as (e: MouseEvent) => void)(event as unknown as MouseEvent);
        const e = event as unknown as MouseEvent;
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}

// A small history router: the address is the state (filters, tabs, log line anchors), so a reload or a shared link
// shows the same page.
import type { Component } from 'svelte';

export interface RouteMatch {
  component: Component<any>;
  params: Record<string, string>;
}

export interface RouteDefinition {
  pattern: string;
  /** Loaded on first visit, so the first page ships only its own code. */
  load: () => Promise<{ default: Component<any> }>;
  /** Reachable without signing in. */
  anonymous?: boolean;
}

export const location = $state({ path: window.location.pathname, search: window.location.search, hash: window.location.hash });

function sync() {
  location.path = window.location.pathname;
  location.search = window.location.search;
  location.hash = window.location.hash;
}

window.addEventListener('popstate', sync);
window.addEventListener('hashchange', sync);

export function navigate(to: string, replace = false) {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  sync();
  if (!replace && !to.includes('#')) window.scrollTo(0, 0);
}

/** Same-origin links navigate without a reload; modified clicks open tabs as usual. */
export function interceptLinks(root: HTMLElement) {
  root.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as HTMLElement).closest('a');
    if (!anchor || anchor.target || anchor.hasAttribute('download') || anchor.origin !== window.location.origin) return;
    if (/^\/(api|auth|swagger|health|metrics)(\/|$)/.test(anchor.pathname)) return;
    event.preventDefault();
    navigate(anchor.pathname + anchor.search + anchor.hash);
  });
}

export function searchParams(): URLSearchParams {
  return new URLSearchParams(location.search);
}

/** Replaces query values in the address (empty removes them) without a new history entry. */
export function setSearch(values: Record<string, string | number | null | undefined>, replace = true) {
  const params = new URLSearchParams(location.search);
  for (const [name, value] of Object.entries(values)) {
    if (value === null || value === undefined || value === '') params.delete(name);
    else params.set(name, String(value));
  }
  const text = params.toString();
  navigate(`${location.path}${text ? `?${text}` : ''}${location.hash}`, replace);
}

export function match(routes: RouteDefinition[], path: string): { route: RouteDefinition; params: Record<string, string> } | null {
  for (const route of routes) {
    const names: string[] = [];
    const regex = new RegExp(
      '^' + route.pattern.replace(/:([a-zA-Z]+)/g, (_, name) => (names.push(name), '([^/]+)')) + '/?$',
    );
    const found = regex.exec(path);
    if (found) {
      const params: Record<string, string> = {};
      names.forEach((name, i) => (params[name] = decodeURIComponent(found[i + 1])));
      return { route, params };
    }
  }
  return null;
}

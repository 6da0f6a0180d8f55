// Client-side routes below /c/{clinic}/: "", "check", "assessment/{id}", "book", "manage/{id}".
import { useEffect, useState } from "preact/hooks";
import { tokenOf } from "./token";

export function clinicRoot(pathname = location.pathname): string {
  const m = pathname.match(/^\/c\/[^/]+\//);
  return m ? m[0] : "/";
}

/** The route below the clinic's root, without slashes at either end. */
export function routeOf(pathname: string): string {
  return pathname.slice(clinicRoot(pathname).length).replace(/\/+$/, "");
}

const listeners = new Set<() => void>();

let moved = false;

export function navigate(to: string): void {
  history.pushState(null, "", clinicRoot() + to);
  window.scrollTo(0, 0);
  moved = true;
  listeners.forEach((l) => l());
}

/**
 * After an in-app navigation, screen-reader and keyboard users start at the new page's heading
 * (as after a full page load) instead of on a link that no longer exists. Call after rendering.
 */
export function focusNewPage(): void {
  if (!moved) return;
  moved = false;
  focusHeading();
}

/** Moves focus to the page's main heading (a page that replaced itself without a navigation). */
export function focusHeading(): void {
  const h1 = document.querySelector<HTMLElement>("main h1");
  if (!h1) return;
  h1.setAttribute("tabindex", "-1");
  h1.focus({ preventScroll: true });
}

/** The route, its query and its access token (token.ts: the fragment's, or an old link's). */
export function useLocation(): { route: string; query: URLSearchParams; token: string } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const update = () => setTick((t) => t + 1);
    listeners.add(update);
    window.addEventListener("popstate", update);
    return () => { listeners.delete(update); window.removeEventListener("popstate", update); };
  }, []);
  return { route: routeOf(location.pathname), query: new URLSearchParams(location.search), token: tokenOf(location) };
}

/** Props for an <a> that navigates inside the app. */
export function linkProps(to: string) {
  return {
    href: clinicRoot() + to,
    onClick: (e: MouseEvent) => {
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      navigate(to);
    },
  };
}

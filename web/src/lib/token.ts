// Access tokens (manage links, knot-check results) travel in the URL's fragment, `#token=…`: a
// browser never sends the fragment to a server, so the token is in no access log and in no
// Referer. The app sends it to the API in an `Authorization: Bearer` header. Links from before
// carry it in the query (`?token=…`); those still work and are rewritten to the fragment form.

interface UrlParts { pathname: string; search: string; hash: string }

function fragmentToken(hash: string): string | null {
  return new URLSearchParams(hash.replace(/^#/, "")).get("token");
}

/** The token of this URL: from the fragment, else from an old link's query, else "". */
export function tokenOf(url: Pick<UrlParts, "search" | "hash"> = location): string {
  return fragmentToken(url.hash) ?? new URLSearchParams(url.search).get("token") ?? "";
}

/** "#token=…" for a link, or "" when there is no token. */
export function tokenFragment(token: string | null | undefined): string {
  return token ? `#token=${encodeURIComponent(token)}` : "";
}

/**
 * The same URL (path, query and fragment) with a query token moved into the fragment, or null when
 * the query has none. A token already in the fragment wins over the query's.
 */
export function withTokenInFragment(url: UrlParts): string | null {
  const query = new URLSearchParams(url.search);
  const token = query.get("token");
  if (token === null) return null;
  query.delete("token");
  const search = query.toString();
  return url.pathname + (search ? `?${search}` : "") + tokenFragment(fragmentToken(url.hash) ?? token);
}

/**
 * Takes an old link's `?token=` out of the address bar (and so out of the history and of any
 * later request) by replacing the current entry with the fragment form. Call before the first
 * render.
 */
export function moveTokenToFragment(): void {
  const moved = withTokenInFragment(location);
  if (moved !== null) history.replaceState(history.state, "", moved);
}

/** Fetch headers that carry `token` as a Bearer token; none for an empty token. */
export function bearer(token: string): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

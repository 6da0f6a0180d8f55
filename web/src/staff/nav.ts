// The staff pages, their routes below /c/{clinic}/, and which of them a role may open: the
// permissions come from GET …/session (the role's column of the server's authorization table,
// docs/adr/0008). Hiding a link is a courtesy; the server checks every request itself.
import type { Access } from "./api";

export interface NavItem { route: string; label: string; needs: string[] }

/** In the order of the navigation. An item is shown when every action it needs is allowed. */
export const NAV: NavItem[] = [
  { route: "staff", label: "Home", needs: [] },
  { route: "staff/calendar", label: "Calendar", needs: ["view_schedule"] },
  { route: "staff/patients", label: "Patients", needs: ["search_patients"] },
  { route: "staff/setup", label: "Clinic set-up", needs: ["view_clinic_setup"] },
  { route: "staff/users", label: "Users & sessions", needs: ["manage_staff"] },
  { route: "staff/outcomes/report", label: "Outcome report", needs: ["view_outcome_report"] },
  { route: "staff/messages", label: "Undelivered messages", needs: ["view_messages"] },
  { route: "staff/audit", label: "Audit log", needs: ["view_audit_log"] },
  { route: "staff/account", label: "My account", needs: ["manage_own_account"] },
  { route: "staff/waitlist", label: "Waitlist", needs: ["view_waitlist"] },
];

export function allowed(permissions: Record<string, Access> | undefined, action: string): boolean {
  const access = permissions?.[action];
  return access !== undefined && access !== "denied";
}

export function visibleNav(permissions: Record<string, Access> | undefined): NavItem[] {
  return NAV.filter((item) => item.needs.every((a) => allowed(permissions, a)));
}

/** The nav item a route belongs to ("staff/setup/rooms" -> "staff/setup"), for aria-current. */
export function currentNav(route: string): string {
  let best = "staff";
  for (const item of NAV) if (route === item.route || route.startsWith(item.route + "/")) {
    if (item.route.length > best.length) best = item.route;
  }
  return best;
}

/** The sign-in route that returns to `route` (with its query) afterwards. */
export function signInRoute(route: string, search = ""): string {
  const next = route + search;
  return next && next !== "staff" && !next.startsWith("staff/sign-in")
    ? `staff/sign-in?next=${encodeURIComponent(next)}` : "staff/sign-in";
}

/** Where to go after signing in: `next` when it is a staff route, else the staff home. */
export function afterSignIn(next: string | null): string {
  return next && /^staff(\/|$|\?)/.test(next) && !next.startsWith("staff/sign-in") ? next : "staff";
}

export const ROLE_LABELS: Record<string, string> = {
  owner: "Owner", front_desk: "Front desk", practitioner: "Practitioner",
};

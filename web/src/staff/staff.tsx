// The staff pages under /c/{clinic}/staff/…: a bundle chunk of its own, loaded by app.tsx only
// when a staff route opens, so the patient pages do not carry it.
import { ComponentChildren, Fragment } from "preact";
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { Clinic, clinicSlug } from "../lib/api";
import { focusHeading, focusNewPage, linkProps, navigate, routeOf } from "../lib/router";
import { SkipLink } from "../components/skiplink";
import { Session, StaffApiError, StaffClient } from "./api";
import { allowed, currentNav, ROLE_LABELS, signInRoute, visibleNav } from "./nav";
import { LoadFailed, Page, StaffContext, when } from "./ui";
import { SignInPage } from "./pages/signin";
import { ClinicSetupPage, RoomsPage, SetupIndex } from "./pages/setup";
import { PractitionerPage, PractitionersPage } from "./pages/practitioners";
import { ServicePage, ServicesPage } from "./pages/services";
import { UsersPage } from "./pages/users";
import { AccountPage } from "./pages/account";
import { PatientPage, PatientsPage } from "./pages/patients";
import { AuditPage } from "./pages/audit";
import { NotePage } from "./pages/note";
import { NewPlanPage, PlanPage } from "./pages/plan";
import { OutcomeReportPage, VisitOutcomesPage } from "./pages/outcomes";
import { DeadMessagesPage, MessageSetupPage } from "./pages/messages";
import { WaitlistStaffPage } from "./pages/waitlist";
import "./staff.css";

const TITLES: [RegExp, string][] = [
  [/^staff\/sign-in/, "Staff sign-in"], [/^staff\/setup\/clinic/, "Clinic details"],
  [/^staff\/setup\/rooms/, "Rooms"], [/^staff\/setup\/practitioners/, "Practitioners"],
  [/^staff\/setup\/services/, "Services"], [/^staff\/setup\/messages/, "Patient messages"], [/^staff\/setup/, "Clinic set-up"],
  [/^staff\/messages/, "Undelivered messages"],
  [/^staff\/users/, "Users & sessions"], [/^staff\/account/, "My account"],
  [/^staff\/calendar/, "Calendar"], [/^staff\/patients\/\d+\/plans/, "New treatment plan"], [/^staff\/plans/, "Treatment plan"], [/^staff\/patients/, "Patients"], [/^staff\/audit/, "Audit log"], [/^staff\/visits\/\d+\/note/, "Visit note"],
  [/^staff\/visits\/\d+\/outcomes/, "Visit outcomes"], [/^staff\/outcomes\/report/, "Outcome report"], [/^staff/, "Staff"],
];

export function StaffApp({ clinic, route, query }: { clinic: Clinic; route: string; query: URLSearchParams }) {
  const [session, setSession] = useState<Session | null>(null);
  const [loadError, setLoadError] = useState<StaffApiError | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [signedOutNote, setSignedOutNote] = useState<string | null>(null);

  const client = useMemo(() => new StaffClient(`/api/v1/clinics/${encodeURIComponent(clinicSlug())}`, () => {
    // The session ended (expired, ended elsewhere): back to sign-in, then back here.
    setSession(null);
    const here = routeOf(location.pathname);
    if (!here.startsWith("staff/sign-in")) navigate(signInRoute(here, location.search));
  }), []);

  useEffect(() => {
    setLoadError(null);
    client.session().then(setSession).catch((e: StaffApiError) => { if (e.status !== 401) setLoadError(e); });
  }, [attempt]);

  useEffect(() => {
    const title = TITLES.find(([re]) => re.test(route))?.[1] ?? "Staff";
    document.title = `${title} – ${clinic.name}`;
  }, [route]);
  useLayoutEffect(() => { focusNewPage(); }, [route, session]);

  const signingIn = route === "staff/sign-in" || route.startsWith("staff/sign-in/");
  if (signingIn) {
    return <Frame clinic={clinic}><SignInPage client={client} query={query} note={signedOutNote}
      onSignedIn={(s) => { setSession(s); setSignedOutNote(null); }} /></Frame>;
  }
  if (loadError) {
    return <Frame clinic={clinic}><Page title="Staff"><LoadFailed error={loadError} retry={() => setAttempt((a) => a + 1)} /></Page></Frame>;
  }
  if (!session) return <Frame clinic={clinic}><Page title="Staff"><p role="status">Checking your session…</p></Page></Frame>;

  const ctx: StaffContext = { client, session, clinic, reloadSession: () => setAttempt((a) => a + 1) };
  const signOut = async () => {
    try { await client.signOut(); } catch { /* signed out either way: the cookie is cleared or dead */ }
    setSession(null);
    setSignedOutNote("You are signed out.");
    navigate("staff/sign-in");
  };
  const parts = route.split("/");
  const id = parts[3];
  let content;
  switch (parts[1] ?? "") {
    case "": content = <StaffHome ctx={ctx} />; break;
    case "setup":
      switch (parts[2] ?? "") {
        case "": content = <SetupIndex ctx={ctx} />; break;
        case "clinic": content = <ClinicSetupPage ctx={ctx} />; break;
        case "rooms": content = <RoomsPage ctx={ctx} />; break;
        case "practitioners": content = id ? <PractitionerPage ctx={ctx} id={id} /> : <PractitionersPage ctx={ctx} />; break;
        case "services": content = id ? <ServicePage ctx={ctx} id={id} /> : <ServicesPage ctx={ctx} />; break;
        case "messages": content = <MessageSetupPage ctx={ctx} />; break;
      }
      break;
    case "users": content = <UsersPage ctx={ctx} />; break;
    case "account": content = <AccountPage ctx={ctx} onSignedOut={() => { setSession(null); setSignedOutNote("You are signed out on every device."); navigate("staff/sign-in"); }} />; break;
    case "patients": content = parts[3] === "plans" && parts[4] === "new" ? <NewPlanPage ctx={ctx} patient={+parts[2]} />
      : parts[2] ? <PatientPage ctx={ctx} id={+parts[2]} /> : <PatientsPage ctx={ctx} query={query} />; break;
    case "plans": content = parts[2] ? <PlanPage ctx={ctx} id={+parts[2]} /> : undefined; break;
    case "audit": content = <AuditPage ctx={ctx} query={query} />; break;
    case "waitlist": content = <WaitlistStaffPage ctx={ctx} />; break;
    case "calendar": content = <LazyCalendar ctx={ctx} query={query} />; break;
    case "visits":
      if (parts[3] === "note" && +parts[2] > 0) content = <NotePage ctx={ctx} appointment={+parts[2]} />;
      else if (parts[3] === "outcomes" && +parts[2] > 0) content = <VisitOutcomesPage ctx={ctx} appointment={+parts[2]} />;
      break;
    case "outcomes": if (parts[2] === "report") content = <OutcomeReportPage ctx={ctx} />; break;
    case "messages": content = <DeadMessagesPage ctx={ctx} />; break;
  }
  content ??= <Page title="Page not found"><p><a {...linkProps("staff")}>Go to the staff home page</a></p></Page>;
  const current = currentNav(route);
  return (
    <Frame clinic={clinic} session={session} onSignOut={signOut}>
      <nav class="staff-nav" aria-label="Staff">
        <ul>
          {visibleNav(session.permissions).map((item) => (
            <li key={item.route}><a {...linkProps(item.route)} aria-current={item.route === current ? "page" : undefined}>{item.label}</a></li>
          ))}
        </ul>
      </nav>
      {/* A new route is a new page: its state starts afresh (practitioners/new -> practitioners/7). */}
      <Fragment key={route}>{content}</Fragment>
    </Frame>
  );
}

function Frame({ clinic, session, onSignOut, children }: {
  clinic: Clinic; session?: Session; onSignOut?: () => void; children: ComponentChildren;
}) {
  return (
    <>
      <SkipLink />
      <header class="site staff">
        <a class="brand" {...linkProps("staff")}>{clinic.name} · Staff</a>
        {session && (
          <div class="who">
            <span>{session.staff.display_name} ({ROLE_LABELS[session.staff.role] ?? session.staff.role})</span>
            <button type="button" onClick={onSignOut}>Sign out</button>
          </div>
        )}
      </header>
      {children}
    </>
  );
}

function StaffHome({ ctx }: { ctx: StaffContext }) {
  const { session, clinic } = ctx;
  const items = visibleNav(session.permissions).filter((i) => i.route !== "staff");
  const describe: Record<string, string> = {
    "staff/calendar": "The day or week per practitioner or room, live; book a caller, move, cancel, check in; approve requests.",
    "staff/patients": "Find a patient by name, email or phone; see their appointments and knot checks.",
    "staff/setup": allowed(session.permissions, "edit_clinic_setup")
      ? "Clinic details, booking policy, rooms, practitioners and their hours, services, patient messages."
      : "See the clinic's details, rooms, practitioners and services.",
    "staff/users": "Staff accounts, their roles and who is signed in.",
    "staff/outcomes/report": "Per service and practitioner, how many treatment plans reached a meaningful change, and within how many visits.",
    "staff/messages": "Confirmations, reminders and notices that could not be delivered: whom to call, and send again.",
    "staff/audit": "Who opened or changed which patient's data, and when; CSV export.",
    "staff/account": "Change your password, see your sessions, sign out everywhere.",
  };
  return (
    <Page title={`Hello, ${session.staff.display_name}`}>
      <p>You are signed in to {clinic.name} as {ROLE_LABELS[session.staff.role] ?? session.staff.role}{" "}
        ({session.staff.email}). This session ends {when(session.expires_at, clinic.time_zone)} at the latest,
        or after a while without use.</p>
      <ul class="cards">
        {items.map((i) => (
          <li class="card" key={i.route}><h2><a {...linkProps(i.route)}>{i.label}</a></h2><p>{describe[i.route]}</p></li>
        ))}
      </ul>
    </Page>
  );
}

// The calendar grid (@event-calendar/core, ~130 kB) is a chunk of its own, loaded when the
// calendar opens: the other staff pages do not carry it, and the patient pages never do.
type CalendarModule = typeof import("./pages/calendar");
let calendarModule: Promise<CalendarModule> | null = null;

function LazyCalendar({ ctx, query }: { ctx: StaffContext; query: URLSearchParams }) {
  const [mod, setMod] = useState<CalendarModule | null>(null);
  const [failed, setFailed] = useState<StaffApiError | null>(null);
  const [attempt, setAttempt] = useState(0);
  const hadFocus = useRef(false);
  useEffect(() => {
    calendarModule ??= import("./pages/calendar");
    calendarModule.then((m) => { hadFocus.current = document.activeElement?.tagName === "H1"; setMod(() => m); }).catch(() => { calendarModule = null; setFailed(new StaffApiError(0, null)); });
  }, [attempt]);
  // The loaded page has a heading of its own: the focus goes on with it.
  useLayoutEffect(() => { if (mod && hadFocus.current) focusHeading(); }, [mod]);
  if (mod) return <mod.CalendarPage ctx={ctx} query={query} />;
  return (
    <Page title="Calendar">
      {failed ? <LoadFailed error={failed} retry={() => { setFailed(null); setAttempt((a) => a + 1); }} />
        : <p role="status">Loading the calendar…</p>}
    </Page>
  );
}

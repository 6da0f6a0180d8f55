import { useEffect, useLayoutEffect, useState } from "preact/hooks";
import { api, ApiError, Clinic } from "./lib/api";
import { focusNewPage, linkProps, useLocation } from "./lib/router";
import { formatPhone, telHref } from "./lib/time";
import { Landing } from "./pages/landing";
import { AssessmentPage } from "./pages/assessment";
import { ResultPage } from "./pages/result";
import { BookPage } from "./pages/book";
import { ManagePage } from "./pages/manage";
import { OfferPage, WaitlistEntryPage, WaitlistPage } from "./pages/waitlist";
import { SkipLink } from "./components/skiplink";

// The staff pages are a bundle chunk of their own, fetched only when a staff route opens (main.tsx
// starts the fetch at once when the app is opened on one).
type StaffModule = typeof import("./staff/staff");
let staffModule: Promise<StaffModule> | null = null;
export function loadStaff(): Promise<StaffModule> {
  staffModule ??= import("./staff/staff");
  staffModule.catch(() => { staffModule = null; });
  return staffModule;
}

export function isStaffRoute(route: string): boolean { return route === "staff" || route.startsWith("staff/"); }

function StaffLoader({ clinic, route, query }: { clinic: Clinic; route: string; query: URLSearchParams }) {
  const [mod, setMod] = useState<StaffModule | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => { loadStaff().then(setMod).catch(() => setFailed(true)); }, [failed]);
  if (mod) return <mod.StaffApp clinic={clinic} route={route} query={query} />;
  return (
    <main id="main" class="page">
      <h1>Staff</h1>
      {failed ? <div role="alert"><p>The staff pages could not be loaded. Check your connection.</p>
        <button type="button" onClick={() => setFailed(false)}>Try again</button></div>
        : <p role="status">Loading the staff pages…</p>}
    </main>
  );
}

export function App({ initial }: { initial: { clinic?: Clinic; error?: ApiError } }) {
  const { route, query, token } = useLocation();
  const [clinic, setClinic] = useState<Clinic | null>(initial.clinic ?? null);
  const [error, setError] = useState<ApiError | null>(initial.error ?? null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (attempt === 0) return; // main.tsx brought the first answer
    setError(null);
    api.clinic().then((c) => { setClinic(c); }).catch((e: ApiError) => setError(e));
  }, [attempt]);

  useEffect(() => { if (clinic && !isStaffRoute(route)) document.title = pageTitle(route, clinic.name); }, [route, clinic]);
  useLayoutEffect(() => { if (clinic) focusNewPage(); }, [route, clinic]);

  if (error) {
    return (
      <main id="main" class="page">
        <h1>{error.status === 404 ? "Clinic not found" : "We could not reach the clinic"}</h1>
        <p role="alert">{error.status === 404 ? "This address does not lead to a clinic."
          : "The clinic's server did not answer. Check your connection and try again."}</p>
        {error.status !== 404 && <button type="button" onClick={() => setAttempt((a) => a + 1)}>Try again</button>}
      </main>
    );
  }
  if (!clinic) return <main id="main" class="page"><p role="status">Loading the clinic…</p></main>;

  if (isStaffRoute(route)) return <StaffLoader clinic={clinic} route={route} query={query} />;
  const [page, id] = route.split("/");
  let content;
  switch (page) {
    case "": content = <Landing clinic={clinic} />; break;
    case "check": content = <AssessmentPage clinic={clinic} />; break;
    case "assessment": content = <ResultPage clinic={clinic} id={+id} token={token} />; break;
    case "book": content = <BookPage clinic={clinic} query={query} token={token} />; break;
    case "manage": content = <ManagePage clinic={clinic} id={+id} token={token} />; break;
    case "waitlist":
      content = id === "offer" ? <OfferPage clinic={clinic} token={token} />
        : id === "entry" ? <WaitlistEntryPage clinic={clinic} token={token} />
        : <WaitlistPage clinic={clinic} query={query} />;
      break;
    default: content = <main id="main" class="page"><h1>Page not found</h1><p><a {...linkProps("")}>Go to the clinic's home page</a></p></main>;
  }
  return (
    <>
      <SkipLink />
      <header class="site">
        <a class="brand" {...linkProps("")}>{clinic.name}</a>
        <a class="phone" href={telHref(clinic.phone)}>Call {formatPhone(clinic.phone)}</a>
      </header>
      {content}
      <footer class="site">
        <p>Knot checks here are decision support, never a diagnosis. In an emergency call 911.</p>
      </footer>
    </>
  );
}

function pageTitle(route: string, name: string): string {
  const page = route.split("/")[0];
  const titles: Record<string, string> = { check: "Check my knots", assessment: "Your knot check",
    book: "Book an appointment", manage: "Your appointment", waitlist: "Waitlist" };
  return titles[page] ? `${titles[page]} – ${name}` : name;
}

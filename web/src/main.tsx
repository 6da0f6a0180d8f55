import { render } from "preact";
import { App, isStaffRoute, loadStaff } from "./app";
import { api, ApiError } from "./lib/api";
import { routeOf } from "./lib/router";
import { moveTokenToFragment } from "./lib/token";
import "./style.css";

// The first render waits for the clinic (asked for by index.html while this file loaded), so the
// page appears once, complete, instead of starting the request after a "loading" paint.
// An old link's ?token= leaves the address bar before anything else happens (token.ts).
moveTokenToFragment();
// A staff page fetches its chunk alongside the clinic rather than after it.
if (isStaffRoute(routeOf(location.pathname))) loadStaff().catch(() => { /* StaffLoader says so */ });
const root = document.getElementById("app")!;
api.clinic()
  .then((clinic) => render(<App initial={{ clinic }} />, root))
  .catch((error: ApiError) => render(<App initial={{ error }} />, root));

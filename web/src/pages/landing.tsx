import { useLayoutEffect } from "preact/hooks";
import { Clinic } from "../lib/api";
import { linkProps } from "../lib/router";
import { formatPhone, openingHours, telHref, zoneLabel } from "../lib/time";

export function Landing({ clinic }: { clinic: Clinic }) {
  const a = clinic.address;
  // Read by e2e/bench-first-render.mjs: the clinic's page is on screen.
  useLayoutEffect(() => { if (!performance.getEntriesByName("unknot:landing").length) performance.mark("unknot:landing"); }, []);
  return (
    <main id="main" class="page">
      <h1>{clinic.name}</h1>
      <p class="lead">Sports chiropractic and massage for muscle knots in the back.</p>
      <div class="actions">
        <a class="button primary" {...linkProps("book")}>Book an appointment</a>
        <a class="button" {...linkProps("check")}>Check my knots first</a>
      </div>
      <section aria-labelledby="visit">
        <h2 id="visit">Visit us</h2>
        <address>
          {a.line1}{a.line2 ? <>, {a.line2}</> : null}<br />
          {a.city}, {a.region} {a.postal_code}<br />
          Phone: <a href={telHref(clinic.phone)}>{formatPhone(clinic.phone)}</a>
        </address>
      </section>
      <section aria-labelledby="hours">
        <h2 id="hours">Opening hours</h2>
        <p class="note">In {zoneLabel(clinic.time_zone)} ({clinic.time_zone}).</p>
        <table class="hours">
          <tbody>
            {openingHours(clinic.opening_hours).map(([day, spans]) => (
              <tr key={day}><th scope="row">{day}</th><td>{spans}</td></tr>
            ))}
          </tbody>
        </table>
      </section>
    </main>
  );
}

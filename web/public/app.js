// The clinic's front page until the full web app (Vite + Preact) replaces it: reads the clinic,
// its services and its team from the JSON API and shows them.
"use strict";

const slug = decodeURIComponent((location.pathname.match(/^\/c\/([^/]+)/) || [])[1] || "");
const api = (path) => fetch(`/api/v1/clinics/${encodeURIComponent(slug)}${path}`)
  .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))));

const el = (tag, text, attrs = {}) => {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
};

const roleNames = { chiropractor: "Chiropractor", massage_therapist: "Massage therapist" };
const dayNames = { monday: "Monday", tuesday: "Tuesday", wednesday: "Wednesday",
  thursday: "Thursday", friday: "Friday", saturday: "Saturday", sunday: "Sunday" };

function formatPhone(e164) {
  const m = e164.match(/^\+1(\d{3})(\d{3})(\d{4})$/);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : e164;
}

function showClinic(clinic) {
  document.title = clinic.name;
  document.getElementById("clinic-name").textContent = clinic.name;
  const a = clinic.address;
  const contact = document.getElementById("clinic-contact");
  contact.append(`${a.line1}${a.line2 ? ", " + a.line2 : ""}, ${a.city}, ${a.region} ${a.postal_code} · `);
  contact.append(el("a", formatPhone(clinic.phone), { href: `tel:${clinic.phone}` }));
  document.getElementById("zone-note").textContent = `Times are clinic time (${clinic.time_zone}).`;
  const body = document.querySelector("#hours tbody");
  for (const h of clinic.opening_hours) {
    const row = el("tr");
    row.append(el("th", dayNames[h.day], { scope: "row" }), el("td", `${h.start}–${h.end}`));
    body.append(row);
  }
  document.querySelector("[aria-labelledby=hours-title]").hidden = false;
}

function showServices({ services }) {
  const list = document.getElementById("services");
  for (const s of services) {
    const item = el("li");
    item.append(el("h3", s.name), el("p", `${s.duration_minutes} min · ${s.price.display}` +
      (s.new_patients_only ? " · new patients" : "")), el("p", s.description));
    list.append(item);
  }
  document.querySelector("[aria-labelledby=services-title]").hidden = false;
}

function showTeam({ practitioners }) {
  const list = document.getElementById("team");
  for (const p of practitioners.filter((x) => x.active)) {
    const item = el("li");
    item.append(el("h3", p.display_name), el("p", roleNames[p.role] || p.role), el("p", p.bio));
    list.append(item);
  }
  document.querySelector("[aria-labelledby=team-title]").hidden = false;
}

Promise.all([api(""), api("/services"), api("/practitioners")])
  .then(([clinic, services, team]) => { showClinic(clinic); showServices(services); showTeam(team); })
  .catch((err) => {
    document.getElementById("clinic-name").textContent = "Unknot";
    document.getElementById("status").textContent =
      `The clinic could not be loaded (${err.message}). Please try again in a moment.`;
  });

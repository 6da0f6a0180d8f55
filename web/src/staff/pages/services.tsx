// Services: what can be booked, how long it takes, who may deliver it, where, and for how much.
import { useState } from "preact/hooks";
import { Service } from "../../lib/api";
import { linkProps, navigate } from "../../lib/router";
import { label } from "../../lib/labels";
import { Setup, StaffApiError, Stranded } from "../api";
import { formatMinor, parseDuration, parsePrice, slugify } from "../forms";
import { Checks, ErrorSummary, failSave, Field, Page, Saved, SelectField, StaffContext, StrandedList, useFormErrors,
  useLoad } from "../ui";
import { canEdit, ReadOnlyNote, ROOM_KINDS } from "./setup";
import { names, ROLES, SKILLS } from "./practitioners";

export function ServicesPage({ ctx }: { ctx: StaffContext }) {
  const load = useLoad(() => ctx.client.setup(), []);
  return (
    <Page title="Services" load={load} retry={load.reload}>
      <ReadOnlyNote ctx={ctx} />
      <p><a {...linkProps("staff/setup")}>All set-up pages</a></p>
      {canEdit(ctx) && <p><a class="button primary" {...linkProps("staff/setup/services/new")}>Add a service</a></p>}
      {load.data && (load.data.services.length === 0 ? <p>No services yet.</p> : (
        <div class="table-wrap" tabIndex={0} role="region" aria-label="Services (scrolls sideways on small screens)">
          <table class="list">
            <thead><tr><th scope="col">Service</th><th scope="col">Length</th><th scope="col">Price</th><th scope="col">Who</th><th scope="col">Room</th></tr></thead>
            <tbody>
              {load.data.services.map((s) => (
                <tr key={s.id}>
                  <td><a {...linkProps(`staff/setup/services/${s.id}`)}>{s.name}</a>{s.new_patients_only ? " (new patients only)" : ""}</td>
                  <td>{s.duration_minutes} min{s.buffer_minutes ? ` + ${s.buffer_minutes} min turnover` : ""}</td>
                  <td>{s.price.display}</td>
                  <td>{s.allowed_roles.map(label).join(", ")}</td>
                  <td>{label(s.room_kind)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </Page>
  );
}

export function ServicePage({ ctx, id }: { ctx: StaffContext; id: string }) {
  const load = useLoad(() => ctx.client.setup(), []);
  const service = id === "new" ? undefined : load.data?.services.find((s) => s.id === +id);
  const missing = load.data && id !== "new" && !service;
  return (
    <Page title={id === "new" ? "Add a service" : service?.name ?? "Service"} load={load} retry={load.reload}>
      <ReadOnlyNote ctx={ctx} />
      <p><a {...linkProps("staff/setup/services")}>All services</a></p>
      {missing && <p class="error" role="alert">There is no service {id} in this clinic.</p>}
      {load.data && !missing && <ServiceForm key={service?.id ?? "new"} ctx={ctx} setup={load.data} service={service} onSaved={load.reload} />}
    </Page>
  );
}

const LABELS: Record<string, string> = { name: "Name", slug: "Web name", description: "Description",
  duration_minutes: "Length", buffer_minutes: "Turnover after", price: "Price", allowed_roles: "Who may deliver it",
  required_skills: "Skills needed", room_kind: "Room", new_patients_only: "New patients only" };

function ServiceForm({ ctx, setup, service: s, onSaved }: { ctx: StaffContext; setup: Setup; service?: Service; onSaved: () => void }) {
  const [v, setV] = useState({
    name: s?.name ?? "", slug: s?.slug ?? "", description: s?.description ?? "",
    duration_minutes: s ? String(s.duration_minutes) : "60", buffer_minutes: s ? String(s.buffer_minutes) : "0",
    price: s ? formatMinor(s.price.amount_minor) : "",
  });
  const currency = s?.price.currency ?? setup.services[0]?.price.currency ?? "USD";
  const [roles, setRoles] = useState<string[]>(s?.allowed_roles ?? []);
  const [skills, setSkills] = useState<string[]>(s?.required_skills ?? []);
  const [room, setRoom] = useState(s?.room_kind ?? "massage");
  const [newOnly, setNewOnly] = useState(s?.new_patients_only ?? false);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [stranded, setStranded] = useState<Stranded[] | null>(null);
  const form = useFormErrors();
  const editable = canEdit(ctx);
  const set = (k: keyof typeof v) => (value: string) => { setV((x) => ({ ...x, [k]: value })); form.clearField(k); };

  const save = async (keep: boolean) => {
    setSaved(null);
    const fields: Record<string, string> = {};
    const duration = parseDuration(v.duration_minutes, 8 * 60);
    const buffer = parseDuration(v.buffer_minutes, 4 * 60);
    const price = parsePrice(v.price);
    if (!v.name.trim()) fields.name = "Enter the service's name as patients see it.";
    if (duration.error) fields.duration_minutes = duration.error;
    else if (duration.value === 0) fields.duration_minutes = "A service lasts at least a minute.";
    if (buffer.error) fields.buffer_minutes = buffer.error;
    if (price.error) fields.price = price.error;
    if (!roles.length) fields.allowed_roles = "Choose at least one role.";
    if (Object.keys(fields).length) { form.fail({ fields, other: [] }); return; }
    const body = {
      name: v.name.trim(), slug: v.slug.trim() || slugify(v.name), description: v.description.trim(),
      duration_minutes: duration.value, buffer_minutes: buffer.value,
      price: { amount_minor: price.value, currency }, allowed_roles: roles, required_skills: skills,
      room_kind: room, new_patients_only: newOnly,
    };
    setBusy(true);
    try {
      const stored = s ? await ctx.client.save<Service>("PUT", `/services/${s.id}`, body, keep)
        : await ctx.client.save<Service>("POST", "/services", body, keep);
      form.clear();
      setStranded(null);
      setSaved(keep ? "Saved. The listed appointments stay booked: move them from the calendar." : "Saved.");
      if (!s && stored?.id) navigate(`staff/setup/services/${stored.id}`);
      else onSaved();
    } catch (err) {
      failSave(err as StaffApiError, form, Object.keys(LABELS), setStranded);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={(e) => { e.preventDefault(); save(false); }} noValidate>
      <ErrorSummary errors={form.errors} labels={LABELS} summary={form.summary} />
      <fieldset class="plain" disabled={!editable}>
        <Field name="name" label="Name (as patients see it)" value={v.name} error={form.errors.fields.name} onValue={set("name")} />
        <Field name="slug" label="Web name" hint={v.slug ? "Letters, digits and dashes." : `Left empty it becomes "${slugify(v.name)}".`}
          value={v.slug} error={form.errors.fields.slug} onValue={set("slug")} />
        <Field name="description" label="Description" type="textarea" value={v.description} error={form.errors.fields.description} onValue={set("description")} />
        <div class="inline-fields">
          <Field name="duration_minutes" label="Length" hint="Minutes, or e.g. 1 h 30 min." inputMode="numeric"
            value={v.duration_minutes} error={form.errors.fields.duration_minutes} onValue={set("duration_minutes")} />
          <Field name="buffer_minutes" label="Turnover after" hint="Minutes the room and practitioner stay busy."
            value={v.buffer_minutes} error={form.errors.fields.buffer_minutes} onValue={set("buffer_minutes")} />
          <Field name="price" label={`Price (${currency})`} hint="e.g. 95.00" inputMode="decimal" value={v.price}
            error={form.errors.fields.price} onValue={set("price")} />
        </div>
        <Checks name="allowed_roles" legend="Who may deliver it" options={ROLES} values={roles}
          error={form.errors.fields.allowed_roles} onValues={(x) => { setRoles(x); form.clearField("allowed_roles"); }} />
        <Checks name="required_skills" legend="Skills needed (all of them)" options={SKILLS} values={skills}
          error={form.errors.fields.required_skills} onValues={setSkills} />
        <SelectField name="room_kind" label="Room" value={room} options={ROOM_KINDS} error={form.errors.fields.room_kind} onValue={setRoom} />
        <label class="check"><input type="checkbox" id="f-new_patients_only" checked={newOnly}
          onChange={(e) => setNewOnly(e.currentTarget.checked)} />For new patients only</label>
        {form.errors.fields.new_patients_only && <p class="field-error">{form.errors.fields.new_patients_only}</p>}
        {stranded && <StrandedList stranded={stranded} ctx={ctx} names={names(setup)} busy={busy}
          onKeep={() => save(true)} onCancel={() => setStranded(null)} />}
        {editable && !stranded && <p><button type="submit" class="primary" disabled={busy}>{busy ? "Saving…" : s ? "Save service" : "Add service"}</button></p>}
      </fieldset>
      <Saved text={saved} />
    </form>
  );
}

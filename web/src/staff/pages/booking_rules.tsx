// A patient's online booking rules on their record (issue 14): online booking allowed, needing
// the front desk's approval, or blocked; "assessment first" (only new-patient services online);
// and the no-shows of the last 12 months that the clinic's automatic approval rule counts.
import { useState } from "preact/hooks";
import { allowed } from "../nav";
import { Setup } from "../api";
import { ErrorSummary, Saved, SelectField, StaffContext, saveErrors, useFormErrors, useLoad } from "../ui";

export interface BookingRules { online_booking: string; assessment_first: boolean }

export const ONLINE_BOOKING: [string, string][] = [
  ["allowed", "Allowed"],
  ["requires_approval", "Needs the front desk's approval"],
  ["blocked", "Blocked (the patient is asked to call)"],
];

/** What the no-show count means under the clinic's rule (threshold 0 or unknown: no rule). */
export function noShowSentence(count: number, threshold: number | null): string {
  const shows = `${count} no-show${count === 1 ? "" : "s"} in the last 12 months`;
  if (!threshold) return `${shows}.`;
  if (count >= threshold) {
    return `${shows}: the clinic's rule (${threshold} or more) makes every online booking wait for approval.`;
  }
  return `${shows}; from ${threshold}, the clinic's rule makes online bookings wait for approval.`;
}

export function BookingRulesSection({ ctx, patient, rules, noShows, onSaved }: {
  ctx: StaffContext; patient: number; rules: BookingRules; noShows: number; onSaved: () => void;
}) {
  const [online, setOnline] = useState(rules.online_booking);
  const [first, setFirst] = useState(rules.assessment_first);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const form = useFormErrors();
  const setup = useLoad<Setup | null>(() => ctx.client.setup().catch(() => null), []);
  const threshold = (setup.data?.clinic.booking_policy as { no_show_approval_threshold?: number } | undefined)
    ?.no_show_approval_threshold ?? null;
  const editable = allowed(ctx.session.permissions, "set_patient_booking_rules");
  const fields = ["online_booking", "assessment_first"];
  const labels = { online_booking: "Online booking", assessment_first: "Assessment first" };

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setSaved(null);
    form.clear();
    try {
      await ctx.client.setBookingRules(patient, { online_booking: online, assessment_first: first });
      setSaved("Booking rules saved.");
      onSaved();
    } catch (error) {
      form.fail(saveErrors(error as never, fields));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="booking-rules">
      <h2 id="booking-rules">Online booking</h2>
      <p id="no-shows">{noShowSentence(noShows, threshold)}</p>
      <form onSubmit={submit} noValidate>
        <ErrorSummary errors={form.errors} labels={labels} summary={form.summary} />
        <fieldset class="plain" disabled={!editable}>
          <SelectField name="online_booking" label="Online booking" value={online} options={ONLINE_BOOKING}
            error={form.errors.fields.online_booking} onValue={(v) => { setOnline(v); form.clearField("online_booking"); }} />
          <label class="check"><input type="checkbox" id="f-assessment_first" checked={first}
            onChange={(e) => setFirst(e.currentTarget.checked)} />
            Assessment first: online, only services for new patients</label>
          {form.errors.fields.assessment_first && <p class="field-error">{form.errors.fields.assessment_first}</p>}
          {editable && <button type="submit" class="primary" disabled={busy}>{busy ? "Saving…" : "Save booking rules"}</button>}
        </fieldset>
        <Saved text={saved} />
      </form>
    </section>
  );
}

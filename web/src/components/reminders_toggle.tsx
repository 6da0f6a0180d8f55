import { useEffect, useState } from "preact/hooks";
import { api } from "../lib/api";
import { changeReminders } from "../lib/reminders";

/** "Send me reminders" on the manage page; hidden until the stored choice is known. */
export function RemindersToggle({ id, token }: { id: number; token: string }) {
  const [on, setOn] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; failed: boolean } | null>(null);

  useEffect(() => { api.reminders(id, token).then(setOn).catch(() => setOn(null)); }, [id, token]);
  if (on === null) return null;

  const toggle = async (wanted: boolean) => {
    setBusy(true); setOn(wanted);
    const change = await changeReminders(on, wanted, (v) => api.setReminders(id, token, v));
    setOn(change.on); setMessage({ text: change.message, failed: change.failed }); setBusy(false);
  };
  return (
    <section aria-labelledby="reminders-heading" class="panel">
      <h2 id="reminders-heading">Reminders</h2>
      <label><input type="checkbox" name="reminders" checked={on} disabled={busy}
        onChange={(e) => toggle((e.currentTarget as HTMLInputElement).checked)} /> Send me reminders</label>
      {message && <p role={message.failed ? "alert" : "status"} class={message.failed ? "error" : "note"}>{message.text}</p>}
    </section>
  );
}

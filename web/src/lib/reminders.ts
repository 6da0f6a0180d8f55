// The patient's reminder choice on the manage page (issue 16): "Send me reminders". The choice is
// the patient's, for all their appointments; the server skips a reminder of a patient who turned
// them off. Kept apart from the page so the change's outcome can be tested without a browser.

export interface ReminderChange {
  /** The choice to show after the change: the stored one, or the old one when saving failed. */
  on: boolean;
  /** A short status line for the page (role=status), or an error (role=alert). */
  message: string;
  failed: boolean;
}

/** The status line for a stored choice. */
export function reminderText(on: boolean): string {
  return on ? "We will remind you before your appointments." : "We will not send you reminders.";
}

/**
 * Saves `wanted` with `save` (which answers the stored choice) and says how it went; on failure
 * the shown choice goes back to `current`.
 */
export async function changeReminders(current: boolean, wanted: boolean,
                                      save: (on: boolean) => Promise<boolean>): Promise<ReminderChange> {
  try {
    const stored = await save(wanted);
    return { on: stored, message: reminderText(stored), failed: false };
  } catch {
    return { on: current, message: "Your choice could not be saved; nothing was changed. Try again.", failed: true };
  }
}

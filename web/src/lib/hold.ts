// The countdown of a time held while the patient fills in their details (POST …/holds). The
// visible clock ticks every second; the text for screen readers changes only when the whole
// minutes left change (and once at the end), so a polite live region speaks about once a minute,
// never every second.

export interface HoldState {
  /** Whole seconds left, 0 once lapsed. */
  seconds: number;
  lapsed: boolean;
  /** "6:05": what the eye sees. */
  clock: string;
  /** What a screen reader hears; the same for every second of a minute. */
  spoken: string;
}

export function holdState(expiresAt: string, now: number = Date.now()): HoldState {
  const seconds = Math.max(0, Math.ceil((Date.parse(expiresAt) - now) / 1000));
  if (seconds === 0) {
    return { seconds, lapsed: true, clock: "0:00",
      spoken: "Your hold on this time has ended. Someone else may book it now." };
  }
  const clock = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  const minutes = Math.ceil(seconds / 60);
  const spoken = minutes <= 1 ? "This time is held for you for less than a minute more."
    : `This time is held for you for ${minutes} more minutes.`;
  return { seconds, lapsed: false, clock, spoken };
}

/** Milliseconds from `now` to the next change of the visible clock (a whole second left). */
export function msToNextTick(expiresAt: string, now: number = Date.now()): number {
  const left = Date.parse(expiresAt) - now;
  if (left <= 0) return 0;
  const ms = left % 1000;
  return ms === 0 ? 1000 : ms;
}

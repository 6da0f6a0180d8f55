// The minutes left on a held time, on the details step. The clock is for the eye (hidden from
// screen readers, which would otherwise read it every second); a polite status line says the
// minutes left and changes about once a minute (lib/hold.ts). When the hold lapses it says so and
// offers to pick a time again.
import { useEffect, useState } from "preact/hooks";
import { holdState, msToNextTick } from "../lib/hold";

interface Props {
  expiresAt: string;
  onPickAgain: () => void;
}

export function HoldCountdown({ expiresAt, onPickAgain }: Props) {
  const [now, setNow] = useState(() => Date.now());
  const state = holdState(expiresAt, now);
  useEffect(() => {
    if (state.lapsed) return;
    const timer = setTimeout(() => setNow(Date.now()), msToNextTick(expiresAt, now));
    return () => clearTimeout(timer);
  }, [expiresAt, now, state.lapsed]);

  if (state.lapsed) {
    return (
      <div class="hold hold-lapsed" role="alert">
        <p>Your hold on this time has ended, so someone else may book it now. Your details are
          kept: pick the time again, or another one.</p>
        <button type="button" onClick={onPickAgain}>Pick a time again</button>
      </div>
    );
  }
  return (
    <div class="hold">
      <p>
        <span aria-hidden="true">We're holding this time for you: <strong class="hold-clock">{state.clock}</strong> left.</span>
        <span class="visually-hidden" role="status">{state.spoken}</span>
      </p>
    </div>
  );
}

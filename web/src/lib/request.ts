// What the patient is told about an online booking that needs the clinic's approval (issue 14):
// the server stores it as "requested" and holds its time; the front desk approves it (then it is
// "booked") or declines it (the appointment JSON's status is then "declined").
import { formatPhone } from "./time";

/** The status as a patient reads it. */
export function statusLabel(status: string): string {
  switch (status) {
    case "booked": return "Booked";
    case "requested": return "Waiting for the clinic's approval";
    case "declined": return "Declined by the clinic";
    default: return status.replace("_", " ");
  }
}

/** The notice the manage page shows for a request, or null for any other status. */
export function requestNotice(status: string, phone: string): string | null {
  if (status === "requested") {
    return "This booking is waiting for the clinic's approval. The time is held for you; this page will show it as booked once the clinic confirms.";
  }
  if (status === "declined") {
    return `The clinic declined this request — call ${formatPhone(phone)} and they will help you find a time.`;
  }
  return null;
}

/** The confirmation's heading and status line after booking. */
export function confirmationText(status: string): { heading: string; status: string } {
  if (status === "requested") {
    return { heading: "Request sent",
      status: "Your request awaits the clinic's approval. The time is held for you until the clinic confirms it." };
  }
  return { heading: "You are booked", status: "Your appointment is confirmed." };
}

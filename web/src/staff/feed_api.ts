// A practitioner's calendar feed (docs/api.md, "Calendar feeds"): the secret, webcal://-friendly
// URL their calendar app subscribes to. The secret is shown only in the answer that makes it; the
// status never carries it.
import type { StaffClient } from "./api";

export interface FeedStatus { exists: boolean; created_at: string | null }
export interface FeedLink { url: string; webcal: string; created_at: string }

const path = (practitioner: number) => `/practitioners/${practitioner}/calendar-feed`;

export const feedStatus = (client: StaffClient, practitioner: number) =>
  client.get<FeedStatus>(path(practitioner));

/** Makes a new link; a link the practitioner had stops working at once. */
export const newFeedLink = (client: StaffClient, practitioner: number) =>
  client.post<FeedLink>(path(practitioner));

export const turnOffFeed = (client: StaffClient, practitioner: number) => client.del(path(practitioner));

export const feedSettings = (client: StaffClient) =>
  client.get<{ patient_names: boolean }>("/calendar-feed-settings");

export const setFeedPatientNames = (client: StaffClient, patient_names: boolean) =>
  client.put<{ patient_names: boolean }>("/calendar-feed-settings", { patient_names });

/** What the button says: a first link, or a new one that replaces the old. */
export function feedButtonLabel(status: FeedStatus | null): string {
  return status?.exists ? "New link (the old one stops working)" : "Create feed link";
}

/** The question asked before replacing a working link; null when there is none to replace. */
export function rotateQuestion(status: FeedStatus | null): string | null {
  return status?.exists
    ? "Make a new link? Calendars subscribed to the old link stop getting updates until you give them the new one."
    : null;
}

// Plain-English labels for the ids the assessment form sends without one.

const known: Record<string, string> = {
  small: "Small (pea-sized)", large: "Large (grape-sized or bigger)",
  days: "A few days", weeks: "Some weeks", months_1_3: "1 to 3 months",
  over_3_months: "More than 3 months",
  none: "Not at all", some: "Sometimes", severe: "Most nights",
  anticoagulant: "Blood thinners (anticoagulants such as warfarin or apixaban)",
  corticosteroid_long_term: "Steroid tablets taken for months (e.g. prednisone)",
  left: "left", right: "right",
};

export function label(id: string): string {
  return known[id] ?? (id.charAt(0).toUpperCase() + id.slice(1)).replace(/_/g, " ");
}

export const outcomeTitles: Record<string, string> = {
  book_online: "You can book online",
  see_chiropractor_first: "See a chiropractor first",
  medical_care_soon: "Please see a doctor soon",
  emergency: "Get emergency care now",
};

/** "Top of the shoulder (left)" */
export function regionLabel(label: string, side?: string): string {
  return side ? `${label} (${side})` : label;
}

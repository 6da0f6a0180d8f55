// The patient details form: one message per field that says what to fix, or none.

export interface Details { given_name: string; family_name: string; email: string; phone: string }
export type DetailErrors = Partial<Record<keyof Details, string>>;

export function validateField(field: keyof Details, value: string): string | undefined {
  const v = value.trim();
  switch (field) {
    case "given_name":
      return v ? undefined : "Enter your first name.";
    case "family_name":
      return v ? undefined : "Enter your last name.";
    case "email":
      if (!v) return "Enter your email address, so we can send the confirmation.";
      return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? undefined
        : "Enter an email address like name@example.com.";
    case "phone": {
      if (!v) return "Enter a phone number, so the clinic can reach you.";
      if (/[^\d\s()+.-]/.test(v)) return "Use only digits, spaces, brackets, dashes and a leading +.";
      const digits = v.replace(/\D/g, "");
      return digits.length >= 10 && digits.length <= 15 ? undefined
        : "Enter the whole number with its area code, e.g. (415) 555-0142.";
    }
  }
}

export function validateDetails(d: Details): DetailErrors {
  const errors: DetailErrors = {};
  for (const field of Object.keys(d) as (keyof Details)[]) {
    const message = validateField(field, d[field]);
    if (message) errors[field] = message;
  }
  return errors;
}

/** The phone number as E.164 where it is clearly a North American number; otherwise "+digits". */
export function normalizePhone(value: string): string {
  const digits = value.replace(/\D/g, "");
  if (value.trim().startsWith("+")) return `+${digits}`;
  if (digits.length === 10) return `+1${digits}`;
  if (digits.length === 11 && digits.startsWith("1")) return `+${digits}`;
  return `+${digits}`;
}

/** Maps the server's field errors (`patient.email`) onto the form's fields. */
export function serverFieldErrors(errors: { field: string; reason: string }[] | undefined): DetailErrors {
  const out: DetailErrors = {};
  for (const e of errors ?? []) {
    const field = e.field.replace(/^patient\./, "") as keyof Details;
    if (["given_name", "family_name", "email", "phone"].includes(field)) {
      out[field] = `The clinic says: ${e.reason}.`;
    }
  }
  return out;
}

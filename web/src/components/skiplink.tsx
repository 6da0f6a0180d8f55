/** "Skip to content": focuses <main id="main">, for the patient and the staff pages alike. */
export function SkipLink() {
  return (
    <a class="skip" href="#main" onClick={(e) => {
      // The page sets <base href="/c/{clinic}/">, so "#main" alone would lead to the landing page.
      e.preventDefault();
      const main = document.getElementById("main");
      main?.setAttribute("tabindex", "-1");
      main?.focus();
    }}>Skip to content</a>
  );
}

// The back body map from the API, with every region a labelled, keyboard-operable toggle button
// (role=button, aria-pressed, Enter/Space) — or, read-only, a picture with regions highlighted.
import { useLayoutEffect, useMemo, useRef } from "preact/hooks";

export function regionKey(region: string, side?: string | null): string {
  return side ? `${region}:${side}` : region;
}

/** Makes the SVG text ready to inline: sized by CSS, and a group of buttons rather than an image. */
export function prepareSvg(svg: string, interactive: boolean, label: string): string {
  const doc = new DOMParser().parseFromString(svg, "image/svg+xml");
  const root = doc.documentElement;
  if (root.nodeName !== "svg") return "";
  root.removeAttribute("width");
  root.removeAttribute("height");
  root.setAttribute("focusable", "false");
  root.setAttribute("aria-label", label);
  // An image's children are hidden from assistive technology, so an interactive map is a group.
  root.setAttribute("role", interactive ? "group" : "img");
  root.querySelectorAll("[id]").forEach((el) => el.setAttribute("id", `map-${el.getAttribute("id")}`));
  root.removeAttribute("aria-labelledby");
  root.removeAttribute("aria-describedby");
  root.querySelectorAll("[data-region]").forEach((el) => {
    const title = el.querySelector("title")?.textContent ?? el.getAttribute("data-region") ?? "";
    if (interactive) {
      el.setAttribute("role", "button");
      el.setAttribute("tabindex", "0");
      el.setAttribute("aria-label", title);
      el.setAttribute("aria-pressed", "false");
    }
  });
  return new XMLSerializer().serializeToString(root);
}

interface Props {
  svg: string;
  label: string;
  selected?: Set<string>;
  highlight?: Map<string, string>; // region key -> CSS class
  onToggle?: (region: string, side: string | undefined) => void;
}

export function BodyMap({ svg, label, selected, highlight, onToggle }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const html = useMemo(() => prepareSvg(svg, !!onToggle, label), [svg, !!onToggle, label]);

  // Right after each render, before paint: aria-pressed and the highlight follow the state.
  useLayoutEffect(() => {
    ref.current?.querySelectorAll<SVGElement>("[data-region]").forEach((el) => {
      const region = el.getAttribute("data-region")!;
      const side = el.getAttribute("data-side") ?? undefined;
      const key = regionKey(region, side);
      if (onToggle) el.setAttribute("aria-pressed", selected?.has(key) ? "true" : "false");
      el.classList.remove("tp", "referral");
      // A sided shape takes its own side's colour, else the region's; a midline shape (no side)
      // takes the region's colour from either side.
      const cls = side ? highlight?.get(key) ?? highlight?.get(region)
        : highlight?.get(region) ?? highlight?.get(`${region}:left`) ?? highlight?.get(`${region}:right`);
      if (cls) el.classList.add(cls);
    });
  });

  const target = (e: Event) => (e.target as Element).closest?.("[data-region]");
  const toggle = (el: Element) =>
    onToggle?.(el.getAttribute("data-region")!, el.getAttribute("data-side") ?? undefined);

  return (
    <div
      ref={ref}
      class={onToggle ? "body-map interactive" : "body-map"}
      onClick={(e) => { const el = target(e); if (el) toggle(el); }}
      onKeyDown={(e) => {
        const el = target(e);
        if (el && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); toggle(el); }
      }}
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}

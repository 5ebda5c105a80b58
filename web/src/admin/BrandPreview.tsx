/**
 * The console's header and login card in miniature, wearing a draft branding. Colours are set as
 * the same custom properties the console uses, through the DOM (the CSP refuses style attributes
 * in markup), with the same black-or-white text by contrast.
 */
import { useEffect, useRef } from "preact/hooks";
import { onColour, type Brand } from "../branding";

/** The console's own colours when a tenant sets none (web/src/styles/base.css). */
export const DEFAULT_PRIMARY = "#14213d";
export const DEFAULT_ACCENT = "#0a5bd3";

export function BrandPreview({ brand }: { brand: Brand }) {
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const style = root.current?.style;
    if (!style) return;
    const primary = brand.primaryColor ?? DEFAULT_PRIMARY;
    const accent = brand.accentColor ?? DEFAULT_ACCENT;
    style.setProperty("--header-bg", primary);
    style.setProperty("--header-text", brand.primaryColor ? onColour(primary) : "#ffffff");
    style.setProperty("--action-bg", accent);
    style.setProperty("--action-text", brand.accentColor ? onColour(accent) : "#ffffff");
  }, [brand.primaryColor, brand.accentColor]);

  return (
    <aside class="card brand-preview" aria-labelledby="preview-title">
      <h2 id="preview-title">Preview</h2>
      {/* Decorative copies of the real controls: hidden from assistive technology and the tab order. */}
      <div ref={root} id="brand-preview" class="preview-frame" aria-hidden="true" inert>
        <div class="preview-topbar" id="preview-header">
          {brand.logoUrl && <img src={brand.logoUrl} alt="" class="brand-logo" referrerpolicy="no-referrer" />}
          <strong id="preview-name">{brand.name}</strong>
          <span class="preview-end">Log out</span>
        </div>
        <div class="preview-login">
          <p class="preview-title">Log in to {brand.name}</p>
          <span class="preview-input">Email</span>
          <span class="preview-input">Password</span>
          <span class="preview-button" id="preview-button">
            Log in
          </span>
        </div>
      </div>
      <p class="muted small">The header and login page as they will look once saved.</p>
    </aside>
  );
}

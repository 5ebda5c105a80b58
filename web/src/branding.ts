/**
 * Tenant branding (name, logo, colours), validated with the API's own Branding schema and applied
 * as CSS custom properties on <html> (set through the DOM, which the console's CSP allows; never
 * as markup). Text on a brand colour gets black or white, whichever contrasts more.
 */
import { Branding } from "../../domain/schemas/identity";
import type { z } from "zod";

export type Brand = { name: string; logoUrl?: string | undefined; primaryColor?: string | undefined; accentColor?: string | undefined };

export const DEFAULT_BRAND: Brand = { name: "Skylark" };

export function brandFrom(tenantName: string, branding: unknown): Brand {
  const parsed = Branding.safeParse(branding);
  const b: z.infer<typeof Branding> = parsed.success ? parsed.data : {};
  return { name: b.displayName || tenantName, logoUrl: b.logoUrl, primaryColor: b.primaryColor, accentColor: b.accentColor };
}

/** Relative luminance (WCAG 2). */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
export const onColour = (hex: string) => (luminance(hex) > 0.179 ? "#000000" : "#ffffff");

/** Fired when the workspace's name or branding was saved: the app re-reads it and wears it at once. */
export const TENANT_CHANGED = "skylark:tenant-changed";
export const announceTenantChanged = () => dispatchEvent(new Event(TENANT_CHANGED));

export function applyBrand(brand: Brand): void {
  const style = document.documentElement.style;
  for (const [name, value] of [
    ["--brand-primary", brand.primaryColor],
    ["--brand-accent", brand.accentColor],
  ] as const) {
    if (value) {
      style.setProperty(name, value);
      style.setProperty(`${name}-text`, onColour(value));
    } else {
      style.removeProperty(name);
      style.removeProperty(`${name}-text`);
    }
  }
  document.title = brand.name === DEFAULT_BRAND.name ? "Skylark" : `${brand.name} · Skylark`;
}

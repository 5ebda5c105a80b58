/**
 * Imported first by main.tsx, before any module that formats at load: uPlot builds a number
 * formatter from `navigator.language` when it is evaluated, and a language tag Intl refuses
 * (Chromium under a C locale reports `en-US@posix`) would throw there and stop the whole console
 * from starting. Such a browser gets en-US.
 */
try {
  new Intl.NumberFormat(navigator.language);
} catch {
  Object.defineProperty(navigator, "language", { value: "en-US", configurable: true });
}
export {};

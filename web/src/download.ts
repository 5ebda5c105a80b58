/**
 * Hands bytes to the browser as a file download through an object URL: files the API serves only
 * with the bearer token (exports, certificates) are fetched by the console, and nothing — neither
 * the token nor the content — travels in a URL the server could log.
 */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked later, not at once: some browsers start reading the blob only after the click returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function saveJson(fileName: string, data: unknown): void {
  saveBlob(new Blob([`${JSON.stringify(data, null, 2)}\n`], { type: "application/json" }), fileName);
}

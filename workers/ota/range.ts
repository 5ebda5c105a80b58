/**
 * One byte range of a `Range: bytes=…` header (RFC 9110 §14), for resuming a firmware download.
 * Several ranges in one request are answered with the whole artifact (allowed: a server may
 * ignore Range); a range that cannot be satisfied is a 416.
 */
export type ByteRange = { offset: number; length: number };

export function parseRange(header: string | null | undefined, size: number): ByteRange | "whole" | "unsatisfiable" {
  if (!header) return "whole";
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return "whole";
  if (m[1] === "") {
    // The last n bytes.
    const n = Number(m[2]);
    if (n === 0) return "unsatisfiable";
    return { offset: Math.max(0, size - n), length: Math.min(n, size) };
  }
  const first = Number(m[1]);
  const last = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (first >= size || last < first) return "unsatisfiable";
  return { offset: first, length: last - first + 1 };
}

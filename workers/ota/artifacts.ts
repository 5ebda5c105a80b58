/**
 * Firmware bytes in R2. An upload is streamed: each chunk passes through a SHA-256 digest on its
 * way to R2, so a 512 MiB image is never held in memory, and the declared length is enforced by
 * the stream itself (a body shorter or longer than its Content-Length fails the write).
 */
export type StoredArtifact = { sha256: string; size: number };

const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");

export async function storeArtifact(bucket: R2Bucket, key: string, body: ReadableStream<Uint8Array>, length: number): Promise<StoredArtifact> {
  const digest = new crypto.DigestStream("SHA-256");
  const hashing = digest.getWriter();
  let size = 0;
  const tap = new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, out) {
      size += chunk.byteLength;
      // Awaited: the digest's pace is the upload's, nothing piles up in between.
      await hashing.write(chunk);
      out.enqueue(chunk);
    },
    async flush() {
      await hashing.close();
    },
  });
  const fixed = new FixedLengthStream(length);
  const feeding = body.pipeThrough(tap).pipeTo(fixed.writable);
  await Promise.all([bucket.put(key, fixed.readable, { httpMetadata: { contentType: "application/octet-stream" } }), feeding]);
  return { sha256: hex(await digest.digest), size };
}

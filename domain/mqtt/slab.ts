/**
 * Memory for encoded packets, carved out of larger blocks.
 *
 * V8 gives every typed array over 64 bytes its own off-heap backing store, which costs several
 * times more than encoding a small PUBLISH (≈360 ns in workerd, ≈550 ns in Node). A slab hands out
 * consecutive views of one block instead. Memory is never handed out twice, so packets cannot
 * overwrite each other; the price is that a view's `.buffer` is the whole block, holding the other
 * packets carved from it — which is why a slab belongs to one connection (see MqttEncoder).
 */
export class Slab {
  readonly #blockSize: number;
  readonly #largest: number;
  #block: ArrayBuffer | undefined;
  #offset = 0;

  constructor(blockSize = 8 * 1024) {
    this.#blockSize = blockSize;
    // Larger packets would waste too much of a block; they get their own buffer.
    this.#largest = blockSize / 8;
  }

  /** `size` bytes of zeroed memory, or undefined if the packet should get its own buffer. */
  take(size: number): Uint8Array | undefined {
    if (size > this.#largest) return undefined;
    if (this.#block === undefined || this.#offset + size > this.#blockSize) {
      this.#block = new ArrayBuffer(this.#blockSize);
      this.#offset = 0;
    }
    const view = new Uint8Array(this.#block, this.#offset, size);
    this.#offset += (size + 7) & ~7; // keep views 8-byte aligned
    return view;
  }
}

let activeSlab: Slab | undefined;

/** Makes `slab` (or nothing) the source of packet memory; returns the previous one. */
export function useSlab(slab: Slab | undefined): Slab | undefined {
  const previous = activeSlab;
  activeSlab = slab;
  return previous;
}

/** Memory for one encoded packet: from the active slab, else a buffer of its own. */
export function allocatePacket(size: number): Uint8Array {
  return activeSlab?.take(size) ?? new Uint8Array(size);
}

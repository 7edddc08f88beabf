/**
 * MLLP (HL7 v2's Minimal Lower Layer Protocol) framing: a message is sent as VT (0x0B), the message,
 * FS (0x1C), CR (0x0D). TCP delivers bytes, not messages: a frame may arrive in pieces, several frames
 * in one piece, and senders put line breaks or keep-alive bytes between frames. The decoder takes the
 * bytes as they come and hands back whole frames, so each message is answered on its own.
 */

export const VT = 0x0b;
export const FS = 0x1c;
export const CR = 0x0d;

export interface MllpFrame {
  /** The message text (its first `maxBytes` bytes when it was larger). */
  text: string;
  /** The message was larger than the decoder keeps: only its start is in `text`. */
  oversize: boolean;
}

/** Wraps a message in MLLP framing. */
export function frame(text: string): Buffer {
  return Buffer.concat([Buffer.from([VT]), Buffer.from(text, 'utf8'), Buffer.from([FS, CR])]);
}

export class MllpDecoder {
  private inFrame = false;
  /** The last byte of the previous piece was an FS: whether it ends the frame depends on the next byte. */
  private pendingFs = false;
  private parts: Buffer[] = [];
  private size = 0;
  private oversize = false;

  constructor(private readonly maxBytes: number) {}

  /** Whether a frame has begun and not yet ended (a message in transit). */
  get busy(): boolean {
    return this.inFrame;
  }

  /** The frames that `data` completes, in order. */
  push(data: Buffer): MllpFrame[] {
    const frames: MllpFrame[] = [];
    let at = 0;
    while (at < data.length) {
      if (!this.inFrame) {
        // Bytes outside a frame (line breaks, keep-alives) carry nothing.
        const start = data.indexOf(VT, at);
        if (start < 0) break;
        this.begin();
        at = start + 1;
        continue;
      }
      if (this.pendingFs) {
        this.pendingFs = false;
        if (data[at] === CR) {
          frames.push(this.end());
          at += 1;
          continue;
        }
        this.keep(Buffer.from([FS]));
      }
      const fs = data.indexOf(FS, at);
      if (fs < 0) {
        this.keep(data.subarray(at));
        break;
      }
      this.keep(data.subarray(at, fs));
      if (fs + 1 === data.length) {
        this.pendingFs = true;
        break;
      }
      if (data[fs + 1] === CR) {
        frames.push(this.end());
        at = fs + 2;
      } else {
        this.keep(data.subarray(fs, fs + 1));
        at = fs + 1;
      }
    }
    return frames;
  }

  private begin(): void {
    this.inFrame = true;
    this.pendingFs = false;
    this.parts = [];
    this.size = 0;
    this.oversize = false;
  }

  /** Keeps bytes of the frame up to the limit; past it, notes only that the frame was too large. */
  private keep(bytes: Buffer): void {
    const room = this.maxBytes - this.size;
    if (bytes.length > room) this.oversize = true;
    const kept = bytes.length > room ? bytes.subarray(0, Math.max(room, 0)) : bytes;
    if (kept.length === 0) return;
    this.parts.push(kept);
    this.size += kept.length;
  }

  private end(): MllpFrame {
    const result = { text: Buffer.concat(this.parts).toString('utf8'), oversize: this.oversize };
    this.inFrame = false;
    this.parts = [];
    this.size = 0;
    return result;
  }
}

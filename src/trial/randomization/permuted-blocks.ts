import { createHmac } from 'node:crypto';
import type { RandomizationScheme } from './scheme';

/**
 * Permuted-block randomization: block n of a study holds each arm as many times as its weight, in an
 * order drawn from HMAC-SHA256(secret, study key and block number). The same server-held secret gives the
 * same sequence (reproducible, auditable by whoever holds the secret); without it the order cannot be
 * predicted from the assignments seen so far.
 */
export function blockSequence(secret: Buffer, studyKey: string, scheme: RandomizationScheme, block: number): string[] {
  const slots = scheme.weights.flatMap((w) => Array<string>(w.weight).fill(w.arm));
  const draw = randomStream(secret, `${studyKey}\u0000block\u0000${block}`);
  // Fisher-Yates, each index drawn without modulo bias.
  for (let i = slots.length - 1; i > 0; i--) {
    const j = draw(i + 1);
    [slots[i], slots[j]] = [slots[j], slots[i]];
  }
  return slots;
}

/**
 * Uniform integers in [0, bound) from HMAC-SHA256(secret, label || counter), by rejection sampling on
 * 32-bit words (bound is at most a block size, far below 2^32).
 */
function randomStream(secret: Buffer, label: string): (bound: number) => number {
  let counter = 0;
  let words: number[] = [];
  const nextWord = (): number => {
    if (words.length === 0) {
      const digest = createHmac('sha256', secret).update(`${label}\u0000${counter++}`).digest();
      words = Array.from({ length: digest.length / 4 }, (_, i) => digest.readUInt32BE(i * 4));
    }
    return words.shift() as number;
  };
  return (bound) => {
    const limit = Math.floor(0x1_0000_0000 / bound) * bound;
    for (;;) {
      const word = nextWord();
      if (word < limit) return word % bound;
    }
  };
}

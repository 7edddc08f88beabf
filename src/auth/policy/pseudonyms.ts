import { createHmac, randomBytes } from 'node:crypto';
import type { Repository } from '../../store/repository';

/**
 * Per-client pseudonyms of Patients and their date offsets (issue 10 point 3). Both come from one
 * HMAC-SHA256 keyed per client: key = HMAC(server secret, "client" || clientId), digest = HMAC(key,
 * patientId). The first 16 bytes, in hex, are the pseudonym (32 characters, a valid FHIR id); two
 * further bytes give the date offset. The same client gets the same pseudonym every time, in every
 * process that shares the store; another client's key differs, so its pseudonyms cannot be linked to
 * these without the secret. A pseudonym cannot be turned back into an id: reads that name one go
 * through PseudonymLookup, which recomputes them over the stored Patient ids.
 */

/** The journal stream holding the server's de-identification secret (one entry, never served). */
export const SECRET_STREAM = 'deidentification/secret';

/** The largest date shift, in days; a shift is never 0, so no date is left as it was. */
export const MAX_SHIFT_DAYS = 182;

export interface PatientPseudonym {
  /** The id this client sees instead of the Patient's own. */
  id: string;
  /** Days added to every date of the Patient's resources: ±(1..MAX_SHIFT_DAYS). */
  shiftDays: number;
}

/** Memoized pseudonyms kept per process before the memo is emptied (a bound, not a cache policy). */
const MEMO_LIMIT = 100_000;

export class Pseudonyms {
  private readonly keys = new Map<string, Buffer>();
  private readonly memo = new Map<string, PatientPseudonym>();

  constructor(private readonly secret: Buffer) {}

  /** The pseudonym and date shift of Patient `patientId` for client `clientId`. */
  of(clientId: string, patientId: string): PatientPseudonym {
    const memoKey = `${clientId}\u0000${patientId}`;
    const known = this.memo.get(memoKey);
    if (known) return known;
    const digest = createHmac('sha256', this.keyOf(clientId)).update(patientId).digest();
    const magnitude = 1 + (digest.readUInt16BE(16) % MAX_SHIFT_DAYS);
    const pseudonym: PatientPseudonym = { id: digest.subarray(0, 16).toString('hex'), shiftDays: digest[18] & 1 ? magnitude : -magnitude };
    if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
    this.memo.set(memoKey, pseudonym);
    return pseudonym;
  }

  private keyOf(clientId: string): Buffer {
    let key = this.keys.get(clientId);
    if (!key) this.keys.set(clientId, (key = createHmac('sha256', this.secret).update(`client\u0000${clientId}`).digest()));
    return key;
  }
}

/**
 * The server's de-identification secret: 32 random bytes drawn by the first process that needs them and
 * kept in the store's journal, so every process and every restart derives the same pseudonyms. Drawn
 * under a lock, so two processes starting together cannot draw two.
 */
export async function deidentificationSecret(repo: Repository): Promise<Buffer> {
  return repo.transaction(async (tx) => {
    await tx.lock(SECRET_STREAM);
    const stored = await tx.journal.last(SECRET_STREAM);
    if (stored) return Buffer.from(stored.content.secret as string, 'base64');
    const secret = randomBytes(32);
    await tx.journal.append(SECRET_STREAM, { secret: secret.toString('base64') });
    return secret;
  });
}

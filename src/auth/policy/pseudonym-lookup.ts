import type { ResourceReader } from '../../store/repository';
import type { Pseudonyms } from './pseudonyms';

/**
 * Pseudonym -> Patient id, for requests in which a de-identified client names a Patient. Pseudonyms
 * are one-way, so the lookup recomputes them over the ids of the stored Patients (trials hold hundreds
 * to thousands: a few milliseconds) and remembers the answer per client. A pseudonym it does not know
 * reloads the ids (one reload at a time, shared by the requests waiting), so a Patient created since the
 * last load is found; a real id is never a pseudonym, so it finds nothing.
 */

/** Clients whose maps are kept; beyond, the least recently loaded one is forgotten. */
const MAX_CLIENTS = 64;

interface ClientMap {
  /** Pseudonym -> Patient id. */
  byPseudonym: Map<string, string>;
  /** Patient ids already in byPseudonym, so a reload hashes only the new ones. */
  known: Set<string>;
  /** The load of patientIds the map is up to date with. */
  load: number;
}

export class PseudonymLookup {
  private readonly clients = new Map<string, ClientMap>();
  private patientIds: string[] = [];
  private load = 0;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly store: ResourceReader,
    private readonly pseudonyms: Pseudonyms,
  ) {}

  /** The id of the Patient that `pseudonym` names for `clientId`, or undefined when none does. */
  async patientId(clientId: string, pseudonym: string): Promise<string | undefined> {
    if (!/^[0-9a-f]{32}$/.test(pseudonym)) return undefined;
    const found = this.mapOf(clientId).byPseudonym.get(pseudonym);
    if (found !== undefined) return found;
    await this.reload();
    return this.mapOf(clientId).byPseudonym.get(pseudonym);
  }

  /** Reads the current Patient ids again; concurrent callers share one read. */
  private reload(): Promise<void> {
    this.loading ??= this.store
      .tabulate({ resourceType: 'Patient', filters: [], columns: {} })
      .then((rows) => {
        this.patientIds = rows.map((row) => row.id);
        this.load++;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  /** The client's map, brought up to date with the ids loaded last. */
  private mapOf(clientId: string): ClientMap {
    let map = this.clients.get(clientId);
    if (!map) {
      if (this.clients.size >= MAX_CLIENTS) this.clients.delete(this.clients.keys().next().value as string);
      this.clients.set(clientId, (map = { byPseudonym: new Map(), known: new Set(), load: -1 }));
    }
    if (map.load !== this.load) {
      map.load = this.load;
      for (const id of this.patientIds) {
        if (map.known.has(id)) continue;
        map.known.add(id);
        map.byPseudonym.set(this.pseudonyms.of(clientId, id).id, id);
      }
    }
    return map;
  }
}

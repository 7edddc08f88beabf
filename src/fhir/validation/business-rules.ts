import type { Resource } from '@medplum/fhirtypes';
import type { ResourceReader, ResourceWriter, StoredVersion, WriteMethod } from '../../store/repository';

/** What a business rule knows of the write it judges. */
export interface WriteContext {
  method: WriteMethod;
  /** The current version the write replaces (locked by the transaction), if there is one. */
  previous?: StoredVersion;
  /** The write's transaction: reads see its earlier writes; a rule may lock (tx.lock) to serialize writers. */
  tx: ResourceWriter;
  /**
   * Reads for checks that may be a few seconds behind other server processes (LOOKUP_CACHE_MS) and
   * never force the transaction's buffered writes out: answered from memory when asked before, and
   * forgotten as soon as this process writes the type read. What it returns must not be changed.
   */
  lookup: ResourceReader;
}

/**
 * A rule about what may be written, beyond what a profile can say: one resource against the others
 * (a ResearchSubject's status may only move along the protocol's transitions, an infusion must match
 * its arm). Domain layers register them; every write runs the rules of its type after validation,
 * inside its transaction, so what a rule read cannot change before commit if it locked it.
 */
export interface BusinessRule {
  /** Names the rule in logs and errors; unique in a registry. */
  name: string;
  /** The resource types it judges. */
  types: readonly string[];
  /**
   * The resource to store: `resource` itself, or a copy with what the rule adds (a server-set tag).
   * Refuses the write by throwing an OperationOutcomeError (business-rule: 422, conflict: 409).
   * Must not mutate `resource`.
   */
  apply(resource: Resource, context: WriteContext): Promise<Resource>;
}

export class BusinessRuleRegistry {
  private readonly rules: BusinessRule[] = [];

  register(rule: BusinessRule): void {
    if (this.rules.some((r) => r.name === rule.name)) throw new Error(`business rule ${rule.name} is registered twice`);
    this.rules.push(rule);
  }

  /** `resource` after every rule of its type, in registration order. */
  async apply(resource: Resource, context: WriteContext): Promise<Resource> {
    let current = resource;
    for (const rule of this.rules) {
      if (rule.types.includes(current.resourceType)) current = await rule.apply(current, context);
    }
    return current;
  }
}

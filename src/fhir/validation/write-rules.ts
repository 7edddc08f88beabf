import type { Resource } from '@medplum/fhirtypes';
import type { ResourceReader, WriteMethod } from '../../store/repository';

/**
 * A rule that makes a resource conform to more profiles than its meta.profile names, from what
 * it is and what the store holds (a domain layer's "this is trial data" decision). Generic
 * validation runs every registered rule on every write and in $validate.
 */
export interface ProfileRule {
  /**
   * Canonical URLs of the profiles `resource` must conform to besides its meta.profile, when it is
   * written by `method` (a POST creates a new id, which nothing outside its transaction refers to yet).
   */
  profilesFor(resource: Resource, reader: ResourceReader, method: WriteMethod): Promise<readonly string[]>;
  /**
   * Whether writing `resource` may change what profilesFor answers for other resources (a link
   * that makes them part of something). When a transaction wrote such a resource, every resource
   * it wrote is checked again before commit, so the order of its entries does not matter.
   */
  changesLinks?(resource: Resource): boolean;
}

/** The profile rules in force, in registration order. */
export class ProfileRuleRegistry {
  private readonly rules: ProfileRule[] = [];

  register(rule: ProfileRule): void {
    this.rules.push(rule);
  }

  /** Every profile the rules select for `resource`, each once. */
  async profilesFor(resource: Resource, reader: ResourceReader, method: WriteMethod): Promise<string[]> {
    if (this.rules.length === 0) return [];
    const urls = new Set<string>();
    for (const rule of this.rules) {
      for (const url of await rule.profilesFor(resource, reader, method)) urls.add(url);
    }
    return [...urls];
  }

  changesLinks(resource: Resource): boolean {
    return this.rules.some((rule) => rule.changesLinks?.(resource) === true);
  }
}

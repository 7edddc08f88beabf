import type { Coding, Resource } from '@medplum/fhirtypes';
import type { Requester } from './access';

/**
 * Read masks: rules that remove or coarsen elements of a resource for some requesters (blinding for
 * an investigator, de-identification for a registry). This module is generic: what a role means is
 * up to each mask; the registry only runs them and labels what they changed.
 */

/** The label of a resource some element of which was withheld from the reader. */
export const MASKED_LABEL: Readonly<Coding> = Object.freeze({
  system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
  code: 'MASKED',
  display: 'masked',
});

export interface ReadMask {
  /** Names the mask in errors and logs; unique within a registry. */
  name: string;
  /**
   * A masked copy of `resource` for `requester`, or undefined when it masks nothing. Must never
   * mutate `resource`: it may be a cached object that other requests share.
   */
  apply(resource: Resource, requester: Requester): Resource | undefined;
  /**
   * Whether searching or sorting `resourceType` by the parameter `code` would reveal what the mask
   * hides from `requester` (which resources match a masked name, say). The access policy refuses
   * such searches; absent, the mask hides no parameter.
   */
  hidesParameter?(resourceType: string, code: string, requester: Requester): boolean;
  /**
   * What a write by `requester` may do to what the mask hides from it, given the stored version it
   * replaces: the resource to write, with the hidden elements kept as stored (a client that PUTs back
   * the masked view it read loses nothing); throws `forbidden` when the write would set or change a
   * hidden element. Absent, or undefined returned: the write is not the mask's concern.
   */
  guardWrite?(incoming: Resource, stored: Resource | undefined, requester: Requester): Resource | undefined;
  /**
   * After the business rules of a write by `requester`: throws `forbidden` when `sent` states what the
   * mask hides from it in `written` as it will be stored (a create whose labels the rules set). guardWrite
   * cannot see that: a create has no stored version to tell it whether the mask applies.
   */
  guardWritten?(written: Resource, sent: Resource, requester: Requester): void;
  /**
   * For a mask that replaces the ids of some types (pseudonyms): how ids map between what `requester`
   * sees and what is stored, so that the ids it names in requests are translated (see masked-ids.ts).
   * Absent, or undefined returned: the mask keeps ids as they are.
   */
  idsFor?(requester: Requester): MaskedIds | undefined;
}

/** How the ids of some resource types differ, for one requester, between its view and the store. */
export interface MaskedIds {
  /** The types whose ids are replaced. */
  readonly types: ReadonlySet<string>;
  /** The id the requester sees for the stored `id`. */
  shown(resourceType: string, id: string): string;
  /** The stored id behind an id the requester named, or undefined when it names nothing. */
  stored(resourceType: string, id: string): Promise<string | undefined>;
}

/** The read masks of a server; every resource the store hands out passes `apply` (through the access policy). */
export class ReadMaskRegistry {
  private readonly masks: ReadMask[] = [];

  register(mask: ReadMask): void {
    if (this.masks.some((m) => m.name === mask.name)) throw new Error(`A read mask named ${mask.name} is already registered`);
    this.masks.push(mask);
  }

  names(): string[] {
    return this.masks.map((m) => m.name);
  }

  /**
   * `resource` as `requester` may see it: each mask applied in registration order to the previous
   * one's result; labelled MASKED (once) when any mask changed something; `resource` itself,
   * untouched, when none did.
   */
  apply(resource: Resource, requester: Requester): Resource {
    let result = resource;
    let masked = false;
    for (const mask of this.masks) {
      const copy = mask.apply(result, requester);
      if (copy === undefined) continue;
      result = copy;
      masked = true;
    }
    return masked ? labelMasked(result) : resource;
  }

  /** `incoming` as `requester` may write it over `stored`: each mask's guardWrite in turn (see ReadMask). */
  guardWrite(incoming: Resource, stored: Resource | undefined, requester: Requester): Resource {
    let result = incoming;
    for (const mask of this.masks) result = mask.guardWrite?.(result, stored, requester) ?? result;
    return result;
  }

  /** Each mask's guardWritten (see ReadMask). */
  guardWritten(written: Resource, sent: Resource, requester: Requester): void {
    for (const mask of this.masks) mask.guardWritten?.(written, sent, requester);
  }

  /** How the requester's ids differ from the stored ones, when some mask replaces them (only one may). */
  idsFor(requester: Requester): MaskedIds | undefined {
    for (const mask of this.masks) {
      const ids = mask.idsFor?.(requester);
      if (ids) return ids;
    }
    return undefined;
  }

  /** The name of a mask that hides the parameter `code` of `resourceType` from `requester`, if any. */
  hidingParameter(resourceType: string, code: string, requester: Requester): string | undefined {
    return this.masks.find((m) => m.hidesParameter?.(resourceType, code, requester))?.name;
  }
}

/** A copy of `resource` with the MASKED label in meta.security, unless it is there already; never mutates. */
export function labelMasked<T extends Resource>(resource: T): T {
  const security = resource.meta?.security ?? [];
  if (security.some((c) => c.system === MASKED_LABEL.system && c.code === MASKED_LABEL.code)) return resource;
  return { ...resource, meta: { ...resource.meta, security: [...security, { ...MASKED_LABEL }] } };
}

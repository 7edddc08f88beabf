import type { Identifier, NamingSystem } from '@medplum/fhirtypes';
import type { IndexedParameter, ResourceReader } from '../../store/repository';
import type { PatientIdentifier } from './oru-message';

/**
 * PID-3 identifiers as FHIR identifiers. HL7 v2 names an identifier's issuer by its assigning
 * authority (PID-3.4, an HD): a universal id (`&2.16.840.1.113883.3.1&ISO`) is a system in itself
 * (`urn:oid:...`); a bare namespace (`CHUM`) means something only to the sender's interface, so it is
 * looked up in the NamingSystems stored here: the active one with a uniqueId of type `other` equal to
 * the namespace gives its `uri` uniqueId (or its `oid` one, as urn:oid:) as the system. An
 * identifier whose system cannot be told cannot match a Patient, so it is not used.
 */

const OID = /^[0-2](\.(0|[1-9]\d*))+$/;

/** The system a namespace id stands for, from the stored NamingSystems; undefined when none or several disagree. */
export type NamespaceLookup = (namespace: string) => Promise<string | undefined>;

/** The FHIR system of a PID-3 identifier's assigning authority, if it can be told. */
export async function authoritySystem(id: PatientIdentifier, lookup: NamespaceLookup): Promise<string | undefined> {
  const type = id.authorityIdType.toUpperCase();
  if (id.authorityId && (type === 'ISO' || (!type && OID.test(id.authorityId)))) return `urn:oid:${id.authorityId}`;
  if (id.authorityId && (type === 'URI' || type === 'URL')) return id.authorityId;
  if (id.authority) return lookup(id.authority);
  return undefined;
}

/**
 * The identifier a message's results name their patient by: of the PID-3 repetitions whose system is
 * known, the first of type MR (the hospital's medical record number, which enrollment records), else
 * the first. Undefined when no repetition's system is known.
 */
export async function subjectIdentifier(ids: readonly PatientIdentifier[], lookup: NamespaceLookup): Promise<Identifier | undefined> {
  const known: { identifier: Identifier; type: string }[] = [];
  for (const id of ids) {
    const system = await authoritySystem(id, lookup);
    if (system) known.push({ identifier: { system, value: id.value }, type: id.type });
  }
  return (known.find((k) => k.type === 'MR') ?? known[0])?.identifier;
}

/** PID-3 as the sender wrote it, for an error text: `4455^^^CHUM^MR`. */
export function describeIds(ids: readonly PatientIdentifier[]): string {
  return ids.map((id) => `${id.value} (${[id.authority, id.authorityId].filter(Boolean).join(' ') || 'no assigning authority'})`).join(', ');
}

/** The system a NamingSystem gives for `namespace`, if it names it as one of its `other` uniqueIds. */
export function systemNamed(namingSystem: NamingSystem, namespace: string): string | undefined {
  if (namingSystem.status !== 'active') return undefined;
  const ids = namingSystem.uniqueId ?? [];
  if (!ids.some((u) => u.type === 'other' && u.value === namespace)) return undefined;
  const ranked = [...ids].sort((a, b) => Number(b.preferred === true) - Number(a.preferred === true));
  const uri = ranked.find((u) => u.type === 'uri')?.value;
  if (uri) return uri;
  const oid = ranked.find((u) => u.type === 'oid')?.value;
  return oid ? (oid.startsWith('urn:oid:') ? oid : `urn:oid:${oid}`) : undefined;
}

/**
 * Looks namespaces up in the store (as the server reads it: a sender need not read NamingSystems),
 * each once per lookup: a lookup lives for one message.
 */
export function namingSystemLookup(reader: ResourceReader, valueParam: IndexedParameter): NamespaceLookup {
  const seen = new Map<string, Promise<string | undefined>>();
  const find = async (namespace: string): Promise<string | undefined> => {
    const found = await reader.search({
      resourceType: 'NamingSystem',
      filters: [{ param: valueParam, values: [{ value: namespace }] }],
      sort: [],
      count: 20,
      offset: 0,
      total: 'none',
    });
    const systems = new Set(found.resources.map((r) => systemNamed(r as NamingSystem, namespace)).filter((s): s is string => s !== undefined));
    // Two NamingSystems giving one namespace different systems: guessing could file a result under another patient.
    return systems.size === 1 ? [...systems][0] : undefined;
  };
  return (namespace) => {
    let answer = seen.get(namespace);
    if (!answer) seen.set(namespace, (answer = find(namespace)));
    return answer;
  };
}

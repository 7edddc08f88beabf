import type { CodeableConcept, Coding, ConceptMap, ConceptMapGroup } from '@medplum/fhirtypes';
import type { IndexedParameter, ResourceReader } from '../../store/repository';
import type { SentCode } from './obx-result';

/**
 * OBX-3 as a FHIR code. LOINC-coding senders (coding system `LN`, in OBX-3.3 or in the alternate
 * identifier OBX-3.6) need nothing more. Local codes go through the sending facility's ConceptMap,
 * found by convention:
 *
 *   ConceptMap.identifier = { system: FACILITY_MAP_SYSTEM, value: <MSH-4 namespace id, else its universal id> }
 *   status = active
 *
 * Each group maps the facility's local code system (`group.source`, which becomes the system of the
 * local coding kept on the Observation) to a target system (`group.target`, LOINC for labs); an
 * element's target counts when its equivalence says the target means the same or more
 * (equal, equivalent, wider, subsumes). A narrower target would claim more than the sender said.
 */

export const FACILITY_MAP_SYSTEM = 'https://stroma-fhir.org/fhir/NamingSystem/hl7v2-facility';
export const LOINC = 'http://loinc.org';

/** HL7 table 0396: the name of LOINC as a coding system in OBX-3. */
const LOINC_NAME = 'LN';

const USABLE_EQUIVALENCE: ReadonlySet<string> = new Set(['equal', 'equivalent', 'wider', 'subsumes']);

export type MappedCode = { ok: true; code: CodeableConcept } | { ok: false; reason: string };

/** OBX-3 as a CodeableConcept: LOINC as sent, or the map's target first and the local code kept after it. */
export function mapCode(sent: SentCode, alternate: SentCode | undefined, map: ConceptMap | undefined, facility: string): MappedCode {
  const text = sent.display || alternate?.display || undefined;
  if (sent.codingSystem === LOINC_NAME) return { ok: true, code: { coding: [{ system: LOINC, code: sent.code }], ...(text ? { text } : {}) } };
  const found = map ? mapped(map, sent.code) : undefined;
  if (found) {
    const local: Coding = { ...(found.source ? { system: found.source } : {}), code: sent.code, ...(sent.display ? { display: sent.display } : {}) };
    return { ok: true, code: { coding: [found.target, local], ...(text ? { text } : {}) } };
  }
  if (alternate?.codingSystem === LOINC_NAME) {
    const local: Coding = { code: sent.code, ...(sent.display ? { display: sent.display } : {}) };
    return { ok: true, code: { coding: [{ system: LOINC, code: alternate.code }, local], ...(text ? { text } : {}) } };
  }
  const why = map
    ? `the ConceptMap ${map.url ?? `ConceptMap/${map.id ?? ''}`} of facility ${facility} does not map it`
    : `no active ConceptMap is identified as ${FACILITY_MAP_SYSTEM}|${facility}`;
  return { ok: false, reason: `The local code ${sent.code}${sent.codingSystem ? ` (${sent.codingSystem})` : ''} has no LOINC code: ${why}` };
}

/** The first usable target of `code` in the map's groups, with the group's source system. */
function mapped(map: ConceptMap, code: string): { target: Coding; source?: string } | undefined {
  for (const group of map.group ?? []) {
    const target = targetIn(group, code);
    if (target) return { target, ...(group.source ? { source: group.source } : {}) };
  }
  return undefined;
}

function targetIn(group: ConceptMapGroup, code: string): Coding | undefined {
  if (!group.target) return undefined;
  for (const element of group.element ?? []) {
    if (element.code !== code) continue;
    const target = (element.target ?? []).find((t) => t.code && USABLE_EQUIVALENCE.has(t.equivalence ?? ''));
    if (target?.code) return { system: group.target, code: target.code };
  }
  return undefined;
}

/** The facility's key in the map convention: MSH-4's namespace id, else its universal id. */
export function facilityKey(facility: { namespace: string; universalId: string }): string {
  return facility.namespace || facility.universalId;
}

/** The active ConceptMap of a sending facility, read as the server reads it (a sender need not read ConceptMaps). */
export async function facilityConceptMap(reader: ResourceReader, identifierParam: IndexedParameter, facility: string): Promise<ConceptMap | undefined> {
  if (!facility) return undefined;
  const found = await reader.search({
    resourceType: 'ConceptMap',
    filters: [{ param: identifierParam, values: [{ value: `${FACILITY_MAP_SYSTEM}|${facility}` }] }],
    // Should a facility have several active maps, the one written last wins.
    sort: [{ param: '_lastUpdated', descending: true }],
    count: 20,
    offset: 0,
    total: 'none',
  });
  return (found.resources as ConceptMap[]).find((m) => m.status === 'active');
}

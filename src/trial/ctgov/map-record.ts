import type { Bundle, Location, ResearchStudy } from '@medplum/fhirtypes';
import { mapArms } from './arms';
import { condition, NCT_SYSTEM, primaryPurpose } from './codes';
import { enrollmentGroup } from './eligibility';
import { conditionalPut, derivedKey, type KeyedResource, referenceTo } from './entries';
import { mapInterventions } from './interventions';
import { mapInvestigators } from './investigators';
import { mapLocations } from './locations';
import { mapOrganizations } from './organizations';
import { mapOutcomes } from './outcomes';
import { CtgovRecordError, type Node, optObject, optString, reqObject, reqString, rootNode, stringList } from './record-reader';
import { fhirStudyPhase, fhirStudyStatus } from './status-phase';
import { designExtensions, relatedArtifacts, studyContacts, studyIdentifiers, studyPeriod, titleLabels } from './study-parts';

export { CtgovRecordError } from './record-reader';

const NCT_FORMAT = /^NCT\d{8}$/;

interface Modules {
  readonly identification: Node;
  readonly status: Node;
  readonly sponsors?: Node;
  readonly description?: Node;
  readonly conditions?: Node;
  readonly design?: Node;
  readonly arms?: Node;
  readonly outcomes?: Node;
  readonly eligibility?: Node;
  readonly locations?: Node;
  readonly references?: Node;
}

function readModules(record: unknown): Modules {
  const protocol = reqObject(rootNode(record), 'protocolSection');
  return {
    identification: reqObject(protocol, 'identificationModule'),
    status: reqObject(protocol, 'statusModule'),
    sponsors: optObject(protocol, 'sponsorCollaboratorsModule'),
    description: optObject(protocol, 'descriptionModule'),
    conditions: optObject(protocol, 'conditionsModule'),
    design: optObject(protocol, 'designModule'),
    arms: optObject(protocol, 'armsInterventionsModule'),
    outcomes: optObject(protocol, 'outcomesModule'),
    eligibility: optObject(protocol, 'eligibilityModule'),
    locations: optObject(protocol, 'contactsLocationsModule'),
    references: optObject(protocol, 'referencesModule'),
  };
}

function nctIdOf(identification: Node): string {
  const nctId = reqString(identification, 'nctId');
  if (!NCT_FORMAT.test(nctId)) throw new CtgovRecordError(`${identification.path}.nctId`, `is not NCT + 8 digits: "${nctId}"`);
  return nctId;
}

function statusOf(status: Node): ResearchStudy['status'] {
  const overall = reqString(status, 'overallStatus');
  const mapped = fhirStudyStatus(overall, optString(status, 'lastKnownStatus'));
  if (!mapped) throw new CtgovRecordError(`${status.path}.overallStatus`, `has no FHIR research-study-status: "${overall}"`);
  return mapped;
}

function phaseOf(design: Node | undefined): ResearchStudy['phase'] {
  const phases = design ? stringList(design, 'phases') : [];
  const phase = fhirStudyPhase(phases);
  if (!phase) throw new CtgovRecordError(`${design?.path ?? 'protocolSection.designModule'}.phases`, `has no FHIR phase: ${phases.join(', ')}`);
  return phase;
}

/** The brief summary, then the detailed description: both markdown in v2 and in FHIR. */
function descriptionOf(module: Node | undefined): string | undefined {
  if (!module) return undefined;
  const parts = [optString(module, 'briefSummary'), optString(module, 'detailedDescription')];
  return parts.filter(Boolean).join('\n\n') || undefined;
}

function purposeOf(design: Node | undefined): ResearchStudy['primaryPurposeType'] {
  const info = design && optObject(design, 'designInfo');
  const purpose = info && optString(info, 'primaryPurpose');
  return purpose ? primaryPurpose(purpose) : undefined;
}

function nonEmpty<K extends string, T>(key: K, items: T[]): Partial<Record<K, T[]>> {
  return items.length > 0 ? ({ [key]: items } as Record<K, T[]>) : {};
}

/**
 * A ClinicalTrials.gov API v2 study record as a FHIR R4 transaction Bundle: the ResearchStudy, its
 * enrollment Group, sponsor and collaborator Organizations, site Locations, officials and interventions (a
 * Medication per product, an ActivityDefinition per intervention, a PlanDefinition per arm). Every entry is a
 * conditional PUT on an identifier (the NCT number, or one derived from it), so importing the same record
 * again updates in place. Throws CtgovRecordError, naming the field, for a malformed record.
 */
export function ctgovToBundle(record: unknown): Bundle {
  const m = readModules(record);
  const nctId = nctIdOf(m.identification);
  const groupKey = derivedKey(nctId, 'enrollment');
  const group: KeyedResource = { key: groupKey, resource: { ...enrollmentGroup(nctId, m.design, m.eligibility), identifier: [groupKey] } };
  const orgs = mapOrganizations(m.sponsors);
  const sites = mapLocations(nctId, m.locations);
  const officials = mapInvestigators(nctId, m.locations);
  const outcomes = mapOutcomes(m.outcomes);
  const arms = mapArms(m.arms);
  const interventions = mapInterventions(nctId, m.arms, arms);
  const description = descriptionOf(m.description);
  const purpose = purposeOf(m.design);
  const period = studyPeriod(m.status);
  const extension = [...titleLabels(m.identification), ...designExtensions(m.design), ...outcomes.extensions];
  const study: ResearchStudy = {
    resourceType: 'ResearchStudy',
    ...nonEmpty('extension', extension),
    identifier: studyIdentifiers(nctId, m.identification),
    title: reqString(m.identification, 'briefTitle'),
    ...nonEmpty('protocol', interventions.protocol),
    status: statusOf(m.status),
    ...(purpose ? { primaryPurposeType: purpose } : {}),
    phase: phaseOf(m.design),
    ...nonEmpty('condition', m.conditions ? stringList(m.conditions, 'conditions').map(condition) : []),
    ...nonEmpty('contact', studyContacts(m.locations)),
    ...nonEmpty('relatedArtifact', relatedArtifacts(m.references)),
    ...nonEmpty('keyword', m.conditions ? stringList(m.conditions, 'keywords').map((text) => ({ text })) : []),
    ...(description ? { description } : {}),
    enrollment: [referenceTo(group, `${nctId} enrollment`)],
    ...(period ? { period } : {}),
    ...(orgs.sponsor ? { sponsor: referenceTo(orgs.sponsor, orgs.sponsor.key.value) } : {}),
    ...(officials.principalInvestigator ? { principalInvestigator: referenceTo(officials.principalInvestigator) } : {}),
    ...nonEmpty('site', sites.map((site) => referenceTo<Location>(site, (site.resource as Location).name))),
    ...nonEmpty('arm', arms),
    ...nonEmpty('objective', outcomes.objectives),
  };
  const studyEntry: KeyedResource = { key: { system: NCT_SYSTEM, value: nctId }, resource: study };
  const keyed = [studyEntry, group, ...(orgs.sponsor ? [orgs.sponsor] : []), ...orgs.collaborators, ...sites, ...officials.resources];
  keyed.push(...interventions.resources);
  return { resourceType: 'Bundle', type: 'transaction', entry: dedupe(keyed).map(conditionalPut) };
}

/** A sponsor that is also listed as a collaborator is one Organization, one entry. */
function dedupe(keyed: KeyedResource[]): KeyedResource[] {
  const seen = new Set<string>();
  return keyed.filter((k) => {
    const id = `${k.resource.resourceType}|${k.key.system}|${k.key.value}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}


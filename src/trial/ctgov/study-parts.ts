import type { ContactDetail, Extension, Identifier, Period, RelatedArtifact } from '@medplum/fhirtypes';
import { ALLOCATION_SYSTEM, ALLOCATION_URL, INTERVENTION_MODEL_SYSTEM, INTERVENTION_MODEL_URL, MASKING_SYSTEM, MASKING_URL, NCT_SYSTEM } from './codes';
import { CtgovRecordError, type Node, objectList, optObject, optString, reqString } from './record-reader';

/** The NCT number first (the profile's nct slice), then the sponsor's and any secondary ids. */
export function studyIdentifiers(nctId: string, identification: Node): Identifier[] {
  const ids: Identifier[] = [{ use: 'official', system: NCT_SYSTEM, value: nctId }];
  const org = optObject(identification, 'orgStudyIdInfo');
  const orgId = org && optString(org, 'id');
  if (orgId) ids.push({ use: 'secondary', type: { text: 'Organization study id' }, value: orgId });
  for (const node of objectList(identification, 'secondaryIdInfos')) {
    const kind = optString(node, 'type');
    const domain = optString(node, 'domain');
    ids.push({
      use: 'secondary',
      value: reqString(node, 'id'),
      ...(kind ? { type: { text: kind } } : {}),
      ...(domain ? { assigner: { display: domain } } : {}),
    });
  }
  return ids;
}

const PARTIAL_DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;

function date(status: Node, key: string): string | undefined {
  const struct = optObject(status, key);
  const value = struct && optString(struct, 'date');
  if (value !== undefined && !PARTIAL_DATE.test(value)) {
    throw new CtgovRecordError(`${status.path}.${key}.date`, `is not a date: "${value}"`);
  }
  return value;
}

/** Start and (overall) completion, actual or estimated alike: v2 dates are YYYY, YYYY-MM or YYYY-MM-DD. */
export function studyPeriod(status: Node): Period | undefined {
  const start = date(status, 'startDateStruct');
  const end = date(status, 'completionDateStruct');
  if (!start && !end) return undefined;
  return { ...(start ? { start } : {}), ...(end ? { end } : {}) };
}

const ALLOCATIONS = new Set(['RANDOMIZED', 'NON_RANDOMIZED', 'NA']);
const MASKINGS = new Set(['NONE', 'SINGLE', 'DOUBLE', 'TRIPLE', 'QUADRUPLE']);
const INTERVENTION_MODELS = new Set(['SINGLE_GROUP', 'PARALLEL', 'CROSSOVER', 'FACTORIAL', 'SEQUENTIAL']);

function coded(url: string, system: string, allowed: Set<string>, value: string, field: string): Extension {
  if (!allowed.has(value)) throw new CtgovRecordError(field, `has an unknown value "${value}"`);
  return { url, valueCodeableConcept: { coding: [{ system, code: value }] } };
}

const LABEL_URL = 'http://hl7.org/fhir/5.0/StructureDefinition/extension-ResearchStudy.label';
/** R5's title types (http://hl7.org/fhir/title-type), which R5's ResearchStudy.label uses. */
const TITLE_TYPE_SYSTEM = 'http://hl7.org/fhir/title-type';

/** The official title and the acronym, each as R5's ResearchStudy.label (R4's title is the brief title). */
export function titleLabels(identification: Node): Extension[] {
  const labels: [string, string | undefined][] = [
    ['official', optString(identification, 'officialTitle')],
    ['acronym', optString(identification, 'acronym')],
  ];
  return labels.flatMap(([type, value]) =>
    value
      ? [{ url: LABEL_URL, extension: [{ url: 'type', valueCodeableConcept: { coding: [{ system: TITLE_TYPE_SYSTEM, code: type }] } }, { url: 'value', valueString: value }] }]
      : [],
  );
}

/** The intervention model and its description (NCT04356287's block design is in it) as study-intervention-model. */
function interventionModel(info: Node): Extension | undefined {
  const model = optString(info, 'interventionModel');
  if (!model) return undefined;
  const coding = coded(INTERVENTION_MODEL_URL, INTERVENTION_MODEL_SYSTEM, INTERVENTION_MODELS, model, `${info.path}.interventionModel`);
  const description = optString(info, 'interventionModelDescription');
  const parts: Extension[] = [{ url: 'model', valueCodeableConcept: coding.valueCodeableConcept }];
  if (description) parts.push({ url: 'description', valueMarkdown: description });
  return { url: INTERVENTION_MODEL_URL, extension: parts };
}

/** Allocation, masking and intervention model as the study-* extensions, when the record states them. */
export function designExtensions(design: Node | undefined): Extension[] {
  const info = design && optObject(design, 'designInfo');
  if (!info) return [];
  const out: Extension[] = [];
  const allocation = optString(info, 'allocation');
  if (allocation) out.push(coded(ALLOCATION_URL, ALLOCATION_SYSTEM, ALLOCATIONS, allocation, `${info.path}.allocation`));
  const maskingInfo = optObject(info, 'maskingInfo');
  const masking = maskingInfo && optString(maskingInfo, 'masking');
  if (masking) out.push(coded(MASKING_URL, MASKING_SYSTEM, MASKINGS, masking, `${maskingInfo?.path}.masking`));
  const model = interventionModel(info);
  if (model) out.push(model);
  return out;
}

/** The central contacts, as ResearchStudy.contact. */
export function studyContacts(locations: Node | undefined): ContactDetail[] {
  if (!locations) return [];
  return objectList(locations, 'centralContacts').map((node) => {
    const phone = optString(node, 'phone');
    const email = optString(node, 'email');
    const telecom = [
      ...(phone ? [{ system: 'phone' as const, value: phone }] : []),
      ...(email ? [{ system: 'email' as const, value: email }] : []),
    ];
    return { name: reqString(node, 'name'), ...(telecom.length > 0 ? { telecom } : {}) };
  });
}

/** References (citations, PubMed linked) and see-also links, as relatedArtifact. */
export function relatedArtifacts(references: Node | undefined): RelatedArtifact[] {
  if (!references) return [];
  const citations = objectList(references, 'references').map((node): RelatedArtifact => {
    const pmid = optString(node, 'pmid');
    const kind = optString(node, 'type');
    return {
      type: 'citation',
      ...(kind ? { label: kind } : {}),
      citation: reqString(node, 'citation'),
      ...(pmid ? { url: `https://pubmed.ncbi.nlm.nih.gov/${pmid}/` } : {}),
    };
  });
  const links = objectList(references, 'seeAlsoLinks').map((node): RelatedArtifact => {
    const label = optString(node, 'label');
    return { type: 'documentation', ...(label ? { display: label } : {}), url: reqString(node, 'url') };
  });
  return [...citations, ...links];
}

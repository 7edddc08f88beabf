import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The seed trials as ClinicalTrials.gov API v2 records (bundles/ctgov). Their shape is checked against real v2
 * records (../shared/conformance/ctgov-samples, or CTGOV_SAMPLES_DIR) so that no field name is invented, and
 * their content against the facts the seed documents state (../shared/seeds).
 */
const REPO = resolve(__dirname, '../../../..');
const RECORDS_DIR = join(REPO, 'bundles/ctgov');
const SAMPLES_DIR = process.env.CTGOV_SAMPLES_DIR ?? resolve(REPO, '../shared/conformance/ctgov-samples');
const NCT_IDS = ['NCT04356287', 'NCT02213705', 'NCT03562065'] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Every path in a JSON value ("a.b[].c"), each with the JSON kinds of the values found there. */
function collectPaths(value: Json, prefix: string, into: Map<string, Set<string>>): Map<string, Set<string>> {
  const kind = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  if (prefix) into.set(prefix, (into.get(prefix) ?? new Set<string>()).add(kind));
  if (Array.isArray(value)) value.forEach((item) => collectPaths(item, `${prefix}[]`, into));
  else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) collectPaths(child, prefix ? `${prefix}.${key}` : key, into);
  }
  return into;
}

function readJson(file: string): JsonObject {
  return JSON.parse(readFileSync(file, 'utf8')) as JsonObject;
}

/** The v2 text fields escape markdown characters (`\<`, `\>`, `\[`); facts are compared on the plain text. */
function plain(text: string): string {
  return text.replace(/\\([<>[\]~*])/g, '$1');
}

// The enumerations of the ClinicalTrials.gov v2 data model for the fields these records use.
const V2_ENUMS: Record<string, readonly string[]> = {
  'protocolSection.statusModule.overallStatus': ['ACTIVE_NOT_RECRUITING', 'COMPLETED', 'ENROLLING_BY_INVITATION',
    'NOT_YET_RECRUITING', 'RECRUITING', 'SUSPENDED', 'TERMINATED', 'WITHDRAWN', 'AVAILABLE', 'NO_LONGER_AVAILABLE',
    'TEMPORARILY_NOT_AVAILABLE', 'APPROVED_FOR_MARKETING', 'WITHHELD', 'UNKNOWN'],
  'protocolSection.designModule.studyType': ['INTERVENTIONAL', 'OBSERVATIONAL', 'EXPANDED_ACCESS'],
  'protocolSection.designModule.phases[]': ['NA', 'EARLY_PHASE1', 'PHASE1', 'PHASE2', 'PHASE3', 'PHASE4'],
  'protocolSection.designModule.designInfo.allocation': ['RANDOMIZED', 'NON_RANDOMIZED', 'NA'],
  'protocolSection.designModule.designInfo.interventionModel': ['SINGLE_GROUP', 'PARALLEL', 'CROSSOVER',
    'FACTORIAL', 'SEQUENTIAL'],
  'protocolSection.designModule.designInfo.primaryPurpose': ['TREATMENT', 'PREVENTION', 'DIAGNOSTIC', 'ECT',
    'SUPPORTIVE_CARE', 'SCREENING', 'HEALTH_SERVICES_RESEARCH', 'BASIC_SCIENCE', 'DEVICE_FEASIBILITY', 'OTHER'],
  'protocolSection.designModule.designInfo.maskingInfo.masking': ['NONE', 'SINGLE', 'DOUBLE', 'TRIPLE', 'QUADRUPLE'],
  'protocolSection.designModule.enrollmentInfo.type': ['ACTUAL', 'ESTIMATED'],
  'protocolSection.armsInterventionsModule.armGroups[].type': ['EXPERIMENTAL', 'ACTIVE_COMPARATOR',
    'PLACEBO_COMPARATOR', 'SHAM_COMPARATOR', 'NO_INTERVENTION', 'OTHER'],
  'protocolSection.armsInterventionsModule.interventions[].type': ['BEHAVIORAL', 'BIOLOGICAL', 'COMBINATION_PRODUCT',
    'DEVICE', 'DIAGNOSTIC_TEST', 'DIETARY_SUPPLEMENT', 'DRUG', 'GENETIC', 'PROCEDURE', 'RADIATION', 'OTHER'],
  'protocolSection.eligibilityModule.sex': ['ALL', 'FEMALE', 'MALE'],
  'protocolSection.eligibilityModule.stdAges[]': ['CHILD', 'ADULT', 'OLDER_ADULT'],
  'protocolSection.sponsorCollaboratorsModule.leadSponsor.class': ['NIH', 'FED', 'OTHER_GOV', 'INDIV', 'INDUSTRY',
    'NETWORK', 'AMBIG', 'OTHER', 'UNKNOWN'],
  'protocolSection.sponsorCollaboratorsModule.responsibleParty.type': ['SPONSOR', 'PRINCIPAL_INVESTIGATOR',
    'SPONSOR_INVESTIGATOR'],
  'protocolSection.contactsLocationsModule.overallOfficials[].role': ['STUDY_CHAIR', 'STUDY_DIRECTOR',
    'PRINCIPAL_INVESTIGATOR', 'SUB_INVESTIGATOR'],
  'protocolSection.contactsLocationsModule.centralContacts[].role': ['STUDY_CHAIR', 'STUDY_DIRECTOR',
    'PRINCIPAL_INVESTIGATOR', 'SUB_INVESTIGATOR', 'CONTACT'],
  'protocolSection.referencesModule.references[].type': ['BACKGROUND', 'RESULT', 'DERIVED'],
  'protocolSection.ipdSharingStatementModule.ipdSharing': ['YES', 'NO', 'UNDECIDED'],
};
const DATE_TYPES = ['ACTUAL', 'ESTIMATED'];

/** The values found at one path ("a.b[].c") of a record. */
function valuesAt(value: Json, path: string): Json[] {
  if (path === '') return [value];
  const [head, ...rest] = path.split('.');
  const isArray = head.endsWith('[]');
  const key = isArray ? head.slice(0, -2) : head;
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !(key in value)) return [];
  const child = value[key];
  const children = isArray ? (Array.isArray(child) ? child : []) : [child];
  return children.flatMap((item) => valuesAt(item, rest.join('.')));
}

const records = Object.fromEntries(NCT_IDS.map((id) => [id, readJson(join(RECORDS_DIR, `${id}.json`))])) as
  Record<(typeof NCT_IDS)[number], JsonObject>;
const protocol = (id: (typeof NCT_IDS)[number]): JsonObject => records[id].protocolSection as JsonObject;
const section = (id: (typeof NCT_IDS)[number], name: string): JsonObject => protocol(id)[name] as JsonObject;
const texts = (id: (typeof NCT_IDS)[number], path: string): string[] =>
  valuesAt(records[id], path).map((value) => plain(String(value)));
const eligibility = (id: (typeof NCT_IDS)[number]): string =>
  texts(id, 'protocolSection.eligibilityModule.eligibilityCriteria')[0];

describe('the seed trials as ClinicalTrials.gov v2 records: shape', () => {
  const samplePaths = new Map<string, Set<string>>();
  const sampleFiles = readdirSync(SAMPLES_DIR).filter((name) => /^NCT\d{8}\.json$/.test(name));
  for (const name of sampleFiles) collectPaths(readJson(join(SAMPLES_DIR, name)), '', samplePaths);

  it('when the samples are walked, then there are real records to compare with', () => {
    expect(sampleFiles.length).toBeGreaterThanOrEqual(5);
    expect(samplePaths.has('protocolSection.identificationModule.nctId')).toBe(true);
  });

  it.each(NCT_IDS)('when %s is read, then it is a record for that NCT number with a protocol section', (id) => {
    expect(protocol(id)).toBeDefined();
    expect((section(id, 'identificationModule')).nctId).toBe(id);
  });

  it.each(NCT_IDS)('when the key paths of %s are walked, then each occurs with the same JSON kind in a sample', (id) => {
    const unknown = [...collectPaths(records[id], '', new Map())]
      .filter(([path, kinds]) => [...kinds].some((kind) => !samplePaths.get(path)?.has(kind)))
      .map(([path, kinds]) => `${path} (${[...kinds].join('|')})`);
    expect(unknown).toEqual([]);
  });

  it.each(NCT_IDS)('when the enumerated fields of %s are read, then each value is one the v2 data model defines', (id) => {
    for (const [path, allowed] of Object.entries(V2_ENUMS)) {
      for (const value of valuesAt(records[id], path)) expect(allowed).toContain(value);
    }
    const dateTypes = Object.keys(section(id, 'statusModule'))
      .filter((key) => key.endsWith('DateStruct'))
      .flatMap((key) => valuesAt(records[id], `protocolSection.statusModule.${key}.type`));
    for (const type of dateTypes) expect(DATE_TYPES).toContain(type);
  });

  it.each(NCT_IDS)('when %s names interventions in its arms, then each is "Type: name" of a listed intervention', (id) => {
    const arms = section(id, 'armsInterventionsModule');
    const interventions = arms.interventions as JsonObject[];
    const prefixes: Record<string, string> = { BIOLOGICAL: 'Biological', OTHER: 'Other' };
    const named = interventions.map((item) => `${prefixes[String(item.type)]}: ${String(item.name)}`);
    const labels = (arms.armGroups as JsonObject[]).map((arm) => arm.label);
    for (const arm of arms.armGroups as JsonObject[]) {
      for (const name of arm.interventionNames as string[]) expect(named).toContain(name);
    }
    for (const item of interventions) {
      for (const label of item.armGroupLabels as string[]) expect(labels).toContain(label);
    }
  });
});

describe('NCT04356287 (UCMSC in systemic sclerosis)', () => {
  const id = 'NCT04356287';
  const arms = (section(id, 'armsInterventionsModule').armGroups as JsonObject[]);

  it('when its arms are read, then there are three: placebo, one infusion (M0) and two infusions (M0, M3)', () => {
    expect(arms.map((arm) => [arm.label, arm.type])).toEqual([
      ['Two infusions of UCMSC', 'EXPERIMENTAL'], ['Placebo infusions', 'PLACEBO_COMPARATOR'],
      ['One infusion of UCMSC', 'EXPERIMENTAL']]);
    const [two, placebo, one] = arms.map((arm) => String(arm.description));
    for (const cells of [two, one]) expect(cells).toContain('1 million UCMSC/kg suspended in 50 ml of PlasmaLyte A');
    expect(two).toContain('UCMSC at month 0 and one intravenous infusion of UCMSC at month 3');
    expect(one).toContain('UCMSC at month 0 and one intravenous infusion of placebo at month 3');
    expect(placebo).toContain('placebo infusions at months 0 and 3. Each placebo infusion will consist of 50 ml of PlasmaLyte A');
  });

  it('when its design is read, then it is a randomized double-blind phase 1 of 18 in staggered blocks of 6 (2:2:2)', () => {
    const design = section(id, 'designModule');
    expect(design.phases).toEqual(['PHASE1']);
    expect(design.enrollmentInfo).toEqual({ count: 18, type: 'ESTIMATED' });
    const info = design.designInfo as JsonObject;
    expect([info.allocation, info.interventionModel, (info.maskingInfo as JsonObject).masking])
      .toEqual(['RANDOMIZED', 'PARALLEL', 'DOUBLE']);
    for (const fact of ['3 successive blocks of 6 patients each', '2:2:2 ratio', 'will be staggered',
      'absence of TRSAE one month after the first infusion of all 6 patients in block one']) {
      expect(info.interventionModelDescription).toContain(fact);
    }
  });

  it('when its primary outcome is read, then it is safety at month 1 graded by CTCAE v5.0', () => {
    const [primary] = section(id, 'outcomesModule').primaryOutcomes as JsonObject[];
    expect(primary.timeFrame).toBe('Month 1');
    expect(plain(String(primary.description))).toContain('Common Terminology Criteria for Adverse Events (CTCAE) v5.0');
    const [secondary] = section(id, 'outcomesModule').secondaryOutcomes as JsonObject[];
    expect(secondary.timeFrame).toBe('Month 0 and Month 12');
  });

  it('when its eligibility is read, then every threshold of the seed is there verbatim', () => {
    for (const threshold of ['(ACR/EULAR) 2103', 'mRss of > 20', 'ESR > 25 mm', 'hemoglobin < 11 g/dL', 'mRss >15',
      '(FVC) < 80% predicted', 'between 30-89 mL/min', 'methotrexate 25 mg subcutaneous', 'mycophenolate mofetil 2-3 gm/d',
      'Age < 18 years', 'FVC < 45%', '< 30% predicted', 'ejection fraction < 40%', 'pressures > 50 mmHg',
      'pressure > 25 mmHg', 'wedge pressure < 15 mmHg', 'filtration rate < 30 ml/min', '(ALAT) > 3 normal',
      'BMI < 18 kg/m2', 'neutropenia < 0.5 x 109 cell/L', 'thrombocytopenia < 30 x 109 cell/L', 'anemia < 8g/dL',
      'lymphopenia < 200 x 106 cell/L']) {
      expect(eligibility(id)).toContain(threshold);
    }
    expect(eligibility(id)).toMatch(/^Inclusion Criteria:\n\n[\s\S]*\n\nExclusion Criteria:\n\n1\. Age < 18 years/);
  });

  it('when its sponsor, investigator and site are read, then they are those of the seeds', () => {
    const sponsors = section(id, 'sponsorCollaboratorsModule');
    expect(sponsors.leadSponsor).toEqual({ name: 'Marie Hudson, MD' });
    expect((sponsors.collaborators as JsonObject[])).toHaveLength(6);
    const contacts = section(id, 'contactsLocationsModule');
    expect((contacts.overallOfficials as JsonObject[])[0].name).toBe('Marie Hudson, MD MPH');
    expect(contacts.locations).toEqual([{ facility: 'Sir Mortimer B. Davis Jewish General Hospital',
      city: 'Montreal', state: 'Quebec', country: 'Canada' }]);
  });
});

describe('NCT02213705 (bone-marrow MSC in severe systemic sclerosis)', () => {
  const id = 'NCT02213705';

  it('when its design is read, then it is an open single-group phase 1/2 of 20 participants', () => {
    const design = section(id, 'designModule');
    expect(design.enrollmentInfo).toEqual({ count: 20, type: 'ACTUAL' });
    expect(design.phases).toEqual(['PHASE1', 'PHASE2']);
    expect((design.designInfo as JsonObject).interventionModel).toBe('SINGLE_GROUP');
  });

  it('when the record is searched for dose cohorts, then none is there (they come from the journal abstract)', () => {
    // The references keep their titles (the published study calls itself dose-escalation); nothing else may.
    const { referencesModule, ...rest } = protocol(id);
    expect(referencesModule).toBeDefined();
    expect(JSON.stringify(rest)).not.toMatch(/\/kg|per kg|10\^6|cohort|escalat/i);
  });

  it('when its eligibility is read, then the ages and every threshold of the seed are there verbatim', () => {
    const criteria = section(id, 'eligibilityModule');
    expect([criteria.minimumAge, criteria.maximumAge, criteria.healthyVolunteers]).toEqual(['18 Years', '70 Years', false]);
    for (const threshold of ['Age> 18 years and <70 years', 'Rodnan> 15', 'DLCO <60% or FVC ≤70%', '(PASP)>55mmHg',
      'DLCO <30%', '(PaO2) <8 kPa (<60 mmHg)', '(PaCO2)> 6.7 kPa (> 50 mmHg)', 'clearance <20 ml/mn/m2',
      'ejection fraction <35%', 'echography > 40 mmHg', 'bilirubin to 3 times normal', 'neutropenia <0.5 x 109 / L',
      'thrombocytopenia <50 x 109 / L', 'anemia <8 g / dL', 'CD4 lymphopenia <200 x 106 / L']) {
      expect(eligibility(id)).toContain(threshold);
    }
  });

  it('when its references and results flag are read, then they are those of the registry page', () => {
    const references = section(id, 'referencesModule').references as JsonObject[];
    expect(references.map((ref) => [ref.pmid, ref.type])).toEqual([['38288741', 'BACKGROUND'], ['36928395', 'DERIVED']]);
    expect(records[id].hasResults).toBe(false);
  });
});

describe('NCT03562065 (umbilical-cord MSC in refractory lupus)', () => {
  const id = 'NCT03562065';
  const outcomes = section(id, 'outcomesModule');
  const sriDefinition = 'SRI (Systematic lupus erythematosus Responder Index) response rate during follow-up. ' +
    'A SRI response is defined as a binary outcome equal to 1 if all following conditions are validated:\n\n' +
    '* 4 points reduction of SELENA SLEDAI-score\n* no new BILAG A score for an organ\n' +
    '* no more than one new BILAG B score\n' +
    '* no worsening in the overall evaluation of the physician as compared to inclusion values';

  it('when its arm and intervention are read, then they give the doses 1, 2 and 4 x10^6 cells/kg', () => {
    const arms = section(id, 'armsInterventionsModule');
    const described = [...texts(id, 'protocolSection.armsInterventionsModule.armGroups[].description'),
      ...texts(id, 'protocolSection.armsInterventionsModule.interventions[].description')];
    expect(described).toHaveLength(2);
    for (const text of described) {
      for (const dose of ['1.10^6 CSM / kg', '2.10^6 CSM / kg', '4.10^6 CSM / kg']) expect(text).toContain(dose);
      expect(text).toContain('1 injection during 30min to 1h by Intravenous infusion');
    }
    expect((arms.armGroups as JsonObject[])).toHaveLength(1);
  });

  it('when its SRI outcomes are read, then each carries the SRI definition at months 3, 6, 9 and 12', () => {
    const sri = (outcomes.secondaryOutcomes as JsonObject[]).filter((outcome) => String(outcome.measure).startsWith('SRI'));
    expect(sri.map((outcome) => outcome.timeFrame)).toEqual(['3 months', '6 months', '9 months', '12 months']);
    for (const outcome of sri) expect(outcome.description).toBe(sriDefinition);
  });

  it('when its outcomes are read, then there are the primary at 10 days and the 36 secondary of the seed', () => {
    expect((outcomes.primaryOutcomes as JsonObject[]).map((outcome) => outcome.timeFrame)).toEqual(['10 days']);
    expect(outcomes.secondaryOutcomes as JsonObject[]).toHaveLength(36);
    const measures = (outcomes.secondaryOutcomes as JsonObject[]).map((outcome) => String(outcome.measure));
    for (const name of ['SELENA-SLEDAI', 'BILAG', 'SF-36', 'EQ-5D', 'Steroids', 'comorbidities', 'Clinical Response']) {
      expect(measures.filter((measure) => measure.includes(name)).length).toBeGreaterThanOrEqual(4);
    }
  });

  it('when its design and eligibility are read, then they hold the seed facts', () => {
    expect(section(id, 'designModule').enrollmentInfo).toEqual({ count: 10, type: 'ESTIMATED' });
    for (const threshold of ['Age > 18 years and < 70 years', 'SLEDAI SLE activity index ≥ 6', 'Prednisone orally ≥ 6 mg / day',
      'clearance of <30 ml / min', 'ejection fraction <40%', 'ALT> 2 x normal', 'mean PAP> 50 mmHg', 'PaO 2 < 70 mmHg',
      'PaCO2 > 50 mmHg', 'neutropenia <0.5.109/L', 'thrombocytopenia <30. 109 / L', 'lymphopenia CD4 + <200 x 106 / L']) {
      expect(eligibility(id)).toContain(threshold);
    }
  });
});

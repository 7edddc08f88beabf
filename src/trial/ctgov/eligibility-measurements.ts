/**
 * The measurements an eligibility threshold may name, with DOMAIN.md's code and UCUM unit for each
 * (a published contract: issue 7's $eligibility compares Observations carrying these codes), the
 * names English registry text uses for them, and the units it writes them in.
 */

const LOINC = 'http://loinc.org';
const ASSESSMENTS = 'https://stroma-fhir.org/fhir/CodeSystem/trial-assessments';

/** A unit as registry text writes it after the number, and its UCUM code. */
export interface StatedUnit {
  /** Matched at the text right after the number (case as written: g/L is not G/L). */
  pattern: RegExp;
  ucum: string;
}

export interface Measurement {
  /** Group.characteristic.code.text. */
  name: string;
  system: string;
  code: string;
  /** The UCUM unit of DOMAIN.md's table: the characteristic's value is always in it. */
  unit: string;
  /** The names as registry text writes them (regular expression source, matched case-insensitively). */
  names: string;
  /** Units accepted after the number; another UCUM unit than `unit` is converted to it. */
  units: readonly StatedUnit[];
  /** Scores: a bare number is in the table's unit ("mRSS > 15"). */
  unitless?: boolean;
}

const unit = (pattern: RegExp, ucum: string): StatedUnit => ({ pattern, ucum });

const PERCENT = [unit(/^\s*%/, '%')];
const MM_HG = [unit(/^\s*mm\s*Hg\b/i, 'mm[Hg]'), unit(/^\s*kPa\b/, 'kPa')];
// "x 10^9/L", and "x 109 / L" or "0.5.109/L" where the registry text lost the superscript.
const TIMES_TEN_TO = (power: number): RegExp =>
  new RegExp(`^\\s*(?:[x×*.]\\s*)?10\\s*\\^?\\s*${power}\\s*(?:cells?\\s*)?\\/\\s*L\\b`);
const PER_MM3 = /^\s*(?:cells?\s*)?\/\s*(?:mm\s*(?:3|³)|[uµμ]L|mcL)\b/;
const SCORE = [unit(/^\s*points?\b/i, '{score}')];

/** The UCUM code /mm3 names for both /mm3 and /uL (the same volume). */
const PER_MM3_UCUM = '/mm3';

export const MEASUREMENTS: readonly Measurement[] = [
  {
    name: 'modified Rodnan skin score',
    system: ASSESSMENTS,
    code: 'mrss',
    unit: '{score}',
    names: String.raw`mRSS|(?:modified\s+)?Rodnan(?:\s+skin)?(?:\s+(?:thickness\s+)?score)?`,
    units: SCORE,
    unitless: true,
  },
  {
    name: 'SELENA-SLEDAI',
    system: ASSESSMENTS,
    code: 'selena-sledai',
    unit: '{score}',
    names: String.raw`(?:SELENA[\s-]*)?SLEDAI(?:[\s-]*2K)?(?:\s+SLE)?(?:\s+(?:disease\s+)?activity)?(?:\s+(?:index|score))?`,
    units: SCORE,
    unitless: true,
  },
  {
    name: 'ESR (Westergren)',
    system: LOINC,
    code: '4537-7',
    unit: 'mm/h',
    names: String.raw`ESR|(?:erythrocyte\s+)?sedimentation\s+rate`,
    // "ESR > 25 mm" lacks the time: not accepted as mm/h.
    units: [unit(/^\s*mm\s*\/\s*(?:h|hr|hour)\b/, 'mm/h')],
  },
  {
    name: 'hemoglobin',
    system: LOINC,
    code: '718-7',
    unit: 'g/dL',
    names: String.raw`ha?emoglobin|Hgb|Hb|ana?emia`,
    // mmol/L would need the molar mass, which UCUM does not hold: not accepted.
    units: [unit(/^\s*g\s*\/\s*d[lL]\b/, 'g/dL'), unit(/^\s*g\s*\/\s*L\b/, 'g/L')],
  },
  {
    name: 'DLCO % predicted',
    system: LOINC,
    code: '98130-8',
    unit: '%',
    names: String.raw`DLCO|TLCO|(?:lung\s+)?diffusi(?:ng|on)\s+capacity(?:\s+of\s+the\s+lungs?)?\s+for\s+carbon\s+monoxide`,
    units: PERCENT,
  },
  {
    name: 'FVC % predicted',
    system: LOINC,
    code: '19872-1',
    unit: '%',
    names: String.raw`FVC|forced\s+vital\s+capacity`,
    units: PERCENT,
  },
  {
    name: 'eGFR',
    system: LOINC,
    code: '62238-1',
    unit: 'mL/min/{1.73_m2}',
    names: String.raw`eGFR|(?:estimated\s+)?glomerular\s+filtration\s+rate|GFR`,
    // Only per 1.73 m2: a GFR "in mL/min" is not normalized, and UCUM, blind to the annotation,
    // would "convert" it all the same.
    units: [unit(/^\s*m[lL]\s*\/\s*min(?:ute)?\s*\/\s*1[.,]73\s*m\s*(?:2|²)/, 'mL/min/{1.73_m2}')],
  },
  {
    name: 'creatinine clearance',
    system: LOINC,
    code: '2164-2',
    unit: 'mL/min',
    names: String.raw`creatinine\s+clearance|CrCl`,
    // Not followed by "/m2" or "/1.73 m2": a clearance per body surface is another quantity.
    units: [unit(/^\s*m[lL]\s*\/\s*m(?:i?n|inute)\b(?!\s*\/)/, 'mL/min')],
  },
  { name: 'LVEF', system: LOINC, code: '10230-1', unit: '%', names: String.raw`LVEF|left\s+ventricular\s+ejection\s+fraction`, units: PERCENT },
  {
    name: 'pulmonary artery systolic pressure',
    system: LOINC,
    code: '8440-0',
    unit: 'mm[Hg]',
    // Systolic only: a mean pulmonary artery pressure is another measurement.
    names: String.raw`PASP|sPAP|systolic\s+PAP|systolic\s+pulmonary\s+arter(?:y|ial)\s+pressures?|pulmonary\s+arter(?:y|ial)\s+systolic\s+pressures?`,
    units: MM_HG,
  },
  {
    name: 'AST',
    system: LOINC,
    code: '1920-8',
    unit: 'U/L',
    names: String.raw`AST|ASAT|SGOT|aspartate\s+aminotransferase`,
    units: [unit(/^\s*U\s*\/\s*L\b/, 'U/L')],
  },
  {
    name: 'ALT',
    system: LOINC,
    code: '1742-6',
    unit: 'U/L',
    names: String.raw`ALT|ALAT|SGPT|alanine\s+aminotransferase`,
    units: [unit(/^\s*U\s*\/\s*L\b/, 'U/L')],
  },
  {
    name: 'total bilirubin',
    system: LOINC,
    code: '1975-2',
    unit: 'mg/dL',
    names: String.raw`(?:total\s+)?bilirubin(?:a?emia)?`,
    // umol/L would need the molar mass: not accepted.
    units: [unit(/^\s*mg\s*\/\s*d[lL]\b/, 'mg/dL')],
  },
  {
    name: 'neutrophils',
    system: LOINC,
    code: '751-8',
    unit: '10*9/L',
    names: String.raw`(?:absolute\s+)?neutrophils?(?:\s+count)?|ANC|neutropenia`,
    units: [unit(TIMES_TEN_TO(9), '10*9/L'), unit(PER_MM3, PER_MM3_UCUM)],
  },
  {
    name: 'platelets',
    system: LOINC,
    code: '777-3',
    unit: '10*9/L',
    names: String.raw`platelets?(?:\s+count)?|thrombocytopenia`,
    units: [unit(TIMES_TEN_TO(9), '10*9/L'), unit(PER_MM3, PER_MM3_UCUM)],
  },
  {
    name: 'CD4 count',
    system: LOINC,
    code: '24467-3',
    unit: '10*6/L',
    names: String.raw`(?:lymphopenia\s+)?CD4\s*\+?(?:\s*T)?(?:\s+(?:cells?|lymphocytes?|count|lymphopenia))*`,
    units: [unit(TIMES_TEN_TO(6), '10*6/L'), unit(PER_MM3, PER_MM3_UCUM)],
  },
  { name: 'BMI', system: LOINC, code: '39156-5', unit: 'kg/m2', names: String.raw`BMI|body\s+mass\s+index`, units: [unit(/^\s*kg\s*\/\s*m\s*(?:2|²)/, 'kg/m2')] },
  { name: 'body weight', system: LOINC, code: '29463-7', unit: 'kg', names: String.raw`(?:body\s+)?weight`, units: [unit(/^\s*kg\b(?!\s*\/)/, 'kg')] },
  { name: 'PaO2', system: LOINC, code: '2703-7', unit: 'mm[Hg]', names: String.raw`PaO\s*2`, units: MM_HG },
  { name: 'PaCO2', system: LOINC, code: '2019-8', unit: 'mm[Hg]', names: String.raw`PaCO\s*2`, units: MM_HG },
];

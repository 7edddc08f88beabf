/**
 * Units as hospitals' HL7 v2 feeds spell them (OBX-6), and the UCUM code each means. DOMAIN.md stores a
 * lab in the unit received, in valid UCUM: this table turns the common non-UCUM spellings into UCUM
 * without converting the value. A unit already in UCUM passes unchanged (checked by the caller's UCUM
 * validation); anything else is refused rather than guessed.
 */
const SPELLINGS: Readonly<Record<string, string>> = {
  'g/dl': 'g/dL',
  'gm/dl': 'g/dL',
  'g/l': 'g/L',
  'mg/dl': 'mg/dL',
  'umol/l': 'umol/L',
  'µmol/l': 'umol/L',
  'mmol/l': 'mmol/L',
  'u/l': 'U/L',
  'iu/l': '[IU]/L',
  '10^9/l': '10*9/L',
  'x10^9/l': '10*9/L',
  'x10e9/l': '10*9/L',
  '10e9/l': '10*9/L',
  'giga/l': '10*9/L',
  '10^6/l': '10*6/L',
  'x10^6/l': '10*6/L',
  '10^3/ul': '10*3/uL',
  'x10^3/ul': '10*3/uL',
  'k/ul': '10*3/uL',
  '10^3/µl': '10*3/uL',
  'cells/ul': '{cells}/uL',
  '/mm3': '/mm3',
  'mm/hr': 'mm/h',
  'mm/h': 'mm/h',
  'mm/1hr': 'mm/h',
  '%': '%',
  'percent': '%',
  'ml/min/1.73m2': 'mL/min/{1.73_m2}',
  'ml/min/1.73 m2': 'mL/min/{1.73_m2}',
  'ml/min/{1.73_m2}': 'mL/min/{1.73_m2}',
  'ml/min': 'mL/min',
  'mmhg': 'mm[Hg]',
  'mm hg': 'mm[Hg]',
  'kg': 'kg',
  'kg/m2': 'kg/m2',
  'kg/m^2': 'kg/m2',
};

/** The UCUM code of an OBX-6 unit: from the table when spelled otherwise, else as sent. */
export function ucumUnit(sent: string): string {
  const key = sent.trim().toLowerCase();
  return SPELLINGS[key] ?? sent.trim();
}

/** Whether the table knows `text` as a spelling of a unit. */
export function isKnownSpelling(text: string): boolean {
  return Object.hasOwn(SPELLINGS, text.trim().toLowerCase());
}

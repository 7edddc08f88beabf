/**
 * HL7 v2 date/times (DTM: YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+/-ZZZZ]) as FHIR dateTimes. FHIR requires a
 * time zone on a dateTime with a time, so a time without one takes the sender's zone (the offset of the
 * message's own MSH-7, else the facility's configured one); without any, it cannot be placed and is refused.
 */
const DTM = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\.\d{1,4})?([+-]\d{4})?$/;

export type Hl7Time = { ok: true; dateTime: string } | { ok: false; reason: string };

/** The zone offset (`+0100`) a DTM carries, if any. */
export function offsetOf(value: string): string | undefined {
  return DTM.exec(value.trim())?.[8];
}

export function hl7DateTime(value: string, fallbackOffset?: string): Hl7Time {
  const match = DTM.exec(value.trim());
  if (!match) return { ok: false, reason: `"${value}" is not an HL7 date/time (YYYYMMDDHHMMSS+ZZZZ)` };
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  if (!month) return { ok: true, dateTime: year };
  if (!day) return { ok: true, dateTime: `${year}-${month}` };
  const date = `${year}-${month}-${day}`;
  if (Number.isNaN(Date.parse(`${date}T00:00:00Z`)) || Number(month) > 12 || Number(day) > 31) return { ok: false, reason: `"${value}" is not a valid date` };
  if (!hour) return { ok: true, dateTime: date };
  const offset = zone ?? fallbackOffset;
  if (!offset) return { ok: false, reason: `"${value}" has a time but no time zone, and the sender states none` };
  if (Number(hour) > 23 || Number(minute ?? 0) > 59 || Number(second ?? 0) > 59) return { ok: false, reason: `"${value}" is not a valid time` };
  const time = `${hour}:${minute ?? '00'}:${second ?? '00'}${fraction ?? ''}`;
  return { ok: true, dateTime: `${date}T${time}${offset.slice(0, 3)}:${offset.slice(3)}` };
}

import type { Hl7Segment } from '@medplum/core';

/**
 * Safe reads of HL7 v2 fields (1-based, as HL7 numbers them: OBX-5 is field 5). A field the sender left
 * off the end of a segment reads as empty, where @medplum/core's getField gives undefined.
 */

/** A field's text as sent, all components and repetitions (empty when absent), its delimiters still escaped. */
export function fieldText(segment: Hl7Segment, field: number): string {
  return field < segment.fields.length ? (segment.getField(field)?.toString() ?? '') : '';
}

/**
 * One component (1-based) of one repetition (0-based) of a field, or one of its subcomponents (0-based,
 * as @medplum/core counts them), with HL7's escape sequences decoded: a unit sent as `10\S\9/L` is 10^9/L.
 */
export function component(segment: Hl7Segment, field: number, index: number, subcomponent?: number, repetition = 0): string {
  if (field >= segment.fields.length) return '';
  return unescapeHl7(segment.getField(field)?.getComponent(index, subcomponent, repetition) ?? '', segment);
}

/** HL7 v2's escape sequences for the delimiters (\F\ \S\ \T\ \R\ \E\) and line breaks (\.br\); others are left as sent. */
export function unescapeHl7(text: string, segment: Hl7Segment): string {
  const { escapeCharacter: e, fieldSeparator, componentSeparator, subcomponentSeparator, repetitionSeparator } = segment.context;
  if (!text.includes(e)) return text;
  const meaning: Record<string, string> = { F: fieldSeparator, S: componentSeparator, T: subcomponentSeparator, R: repetitionSeparator, E: e, '.br': '\n' };
  const escaped = e.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
  return text.replace(new RegExp(`${escaped}(F|S|T|R|E|\\.br)${escaped}`, 'g'), (_, code: string) => meaning[code]);
}

/** How many repetitions a field has (0 when absent or empty). */
export function repetitionCount(segment: Hl7Segment, field: number): number {
  if (fieldText(segment, field) === '') return 0;
  return segment.getField(field).components.length;
}

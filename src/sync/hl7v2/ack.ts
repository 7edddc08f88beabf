import { Hl7Message, Hl7Segment } from '@medplum/core';
import type { Hl7Location } from './oru-message';

/** HL7 table 0357 (message error condition codes) used by the intake, with their names. */
export const ERROR_CODES = {
  '100': 'Segment sequence error',
  '101': 'Required field missing',
  '102': 'Data type error',
  '103': 'Table value not found',
  '200': 'Unsupported message type',
  '204': 'Unknown key identifier',
  '207': 'Application internal error',
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

/** One reason a message or one of its results was refused, as an ERR segment says it. */
export interface AckError {
  location: Hl7Location;
  code: ErrorCode;
  message: string;
}

/**
 * The acknowledgement of a message (original mode): AA when every result was taken, AE when some or all
 * were refused for what they say (one ERR each), AR when the message itself was rejected (its structure,
 * its type). ERR-2 locates the error (segment^sequence^field), ERR-3 codes it (HL7 table 0357), ERR-4
 * is its severity, ERR-8 the text for the sender's staff.
 */
export function acknowledge(message: Hl7Message, ackCode: 'AA' | 'AE' | 'AR', errors: readonly AckError[] = []): Hl7Message {
  const ack = message.buildAck({ ackCode });
  const escape = escaper(message);
  const errs = errors.map((e) => {
    const where = [e.location.segment, String(e.location.sequence), e.location.field === undefined ? '' : String(e.location.field)];
    const fields = ['ERR', '', where.join(message.context.componentSeparator), [e.code, ERROR_CODES[e.code], 'HL70357'].join(message.context.componentSeparator), 'E', '', '', '', escape(e.message)];
    return new Hl7Segment(fields, message.context);
  });
  return new Hl7Message([...ack.segments, ...errs], message.context);
}

/** Free text with the message's delimiters escaped (\F\ \S\ \T\ \R\ \E\), line breaks as \.br\. */
function escaper(message: Hl7Message): (text: string) => string {
  const c = message.context;
  const codes: [string, string][] = [
    [c.escapeCharacter, 'E'],
    [c.fieldSeparator, 'F'],
    [c.componentSeparator, 'S'],
    [c.subcomponentSeparator, 'T'],
    [c.repetitionSeparator, 'R'],
  ];
  return (text) => {
    let out = '';
    for (const ch of text.replace(/\r\n|\r|\n/g, '\n')) {
      const code = codes.find(([delimiter]) => delimiter === ch)?.[1];
      out += code ? `${c.escapeCharacter}${code}${c.escapeCharacter}` : ch === '\n' ? `${c.escapeCharacter}.br${c.escapeCharacter}` : ch;
    }
    return out;
  };
}

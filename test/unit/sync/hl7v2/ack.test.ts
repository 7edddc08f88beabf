import { Hl7Message } from '@medplum/core';
import { acknowledge } from '../../../../src/sync/hl7v2/ack';
import { unescapeHl7 } from '../../../../src/sync/hl7v2/hl7-fields';

const oru = Hl7Message.parse(['MSH|^~\\&|LAB|JGH|STROMA|STROMA|20240301093000-0500||ORU^R01^ORU_R01|JGH-0001|P|2.5.1', 'PID|1||MRN123^^^JGH^MR'].join('\r'));

describe('HL7 v2 acknowledgements', () => {
  it('when every result was taken, then AA answers the control id, from the receiver back to the sender', () => {
    const ack = acknowledge(oru, 'AA');
    const msh = ack.header;
    expect([msh.getField(3).toString(), msh.getField(5).toString(), msh.getField(9).toString()]).toEqual(['STROMA', 'LAB', 'ACK^R01^ACK']);
    expect(ack.getSegment('MSA')?.toString()).toMatch(/^MSA\|AA\|JGH-0001/);
    expect(ack.getAllSegments('ERR')).toHaveLength(0);
  });

  it('when results were refused, then AE has one ERR per refusal: location, table 0357 code, severity and the text, its delimiters escaped', () => {
    const ack = acknowledge(oru, 'AE', [
      { location: { segment: 'OBX', sequence: 2, field: 5 }, code: '102', message: 'OBX 2: "twelve" is not a number | nor ^ a & code ~ \\' },
      { location: { segment: 'PID', sequence: 1, field: 3 }, code: '204', message: 'No participant has MRN123\nof JGH' },
    ]);
    const [first, second] = ack.getAllSegments('ERR');
    expect(ack.getSegment('MSA')?.getField(1).toString()).toBe('AE');
    expect([first.getField(2).toString(), first.getField(3).toString(), first.getField(4).toString()]).toEqual(['OBX^2^5', '102^Data type error^HL70357', 'E']);
    expect(unescapeHl7(first.getField(8).toString(), first)).toBe('OBX 2: "twelve" is not a number | nor ^ a & code ~ \\');
    expect(second.getField(8).toString()).toBe('No participant has MRN123\\.br\\of JGH');
    // The ACK parses back: escaping kept the ERR segment's fields apart.
    expect(Hl7Message.parse(ack.toString()).getAllSegments('ERR')).toHaveLength(2);
  });

  it('when the message itself is rejected, then AR', () => {
    const ack = acknowledge(oru, 'AR', [{ location: { segment: 'MSH', sequence: 1, field: 9 }, code: '200', message: 'Message type ADT^A01 is not accepted' }]);
    expect(ack.getSegment('MSA')?.getField(1).toString()).toBe('AR');
    expect(ack.getSegment('ERR')?.getField(3).toString()).toBe('200^Unsupported message type^HL70357');
  });
});

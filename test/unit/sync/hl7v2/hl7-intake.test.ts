import { Hl7Message } from '@medplum/core';
import type { HandlerContext } from '../../../../src/fhir/types';
import { takeOru, type Hl7Sender } from '../../../../src/sync/hl7v2/hl7-intake';
import { createIntakeMetrics } from '../../../../src/sync/metrics';

const ORU = ['MSH|^~\\&|LAB|JGH|STROMA|STROMA|20240301093000-0500||ORU^R01^ORU_R01|C-9|P|2.5.1', 'PID|1||X-1^^^JGH&2.16.840.1.113883.3.1&ISO^MR', 'OBR|1||A-1|CBC|||20240301083000-0500', 'OBX|1|NM|718-7^Hb^LN||12|g/dL|||||F'].join('\r');

/** A context whose store is down: every read and transaction fails. */
function brokenContext(): HandlerContext {
  const down = () => Promise.reject(new Error('connection refused'));
  const repo = { search: down, read: down, transaction: down };
  return { repo, access: { requester: { clientId: 'hl7v2-JGH', role: 'ehr', scope: '' } }, registries: { searchParameters: { get: () => undefined } } } as unknown as HandlerContext;
}

describe('takeOru when the server fails', () => {
  it('when the store is down, then the sender gets an AR (207) to send again, the failure is logged, and nothing throws', async () => {
    const logged: string[] = [];
    const sender: Hl7Sender = { channel: 'hl7v2-mllp', contextFor: brokenContext };
    const ack = Hl7Message.parse(await takeOru(ORU, sender, { metrics: createIntakeMetrics(), logError: (_e, message) => logged.push(message) }));
    expect([ack.getSegment('MSA')?.getField(1).toString(), ack.getSegment('MSA')?.getField(2).toString()]).toEqual(['AR', 'C-9']);
    expect(ack.getSegment('ERR')?.getField(3).getComponent(1)).toBe('207');
    expect(logged).toEqual(['HL7 v2 message not taken: the server failed', 'HL7 v2 message rejected and not journaled']);
  });
});

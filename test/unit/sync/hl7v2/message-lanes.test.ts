import { laneOf, MessageLanes } from '../../../../src/sync/hl7v2/message-lanes';

const message = (facility: string, mrn: string, id: string) =>
  [`MSH|^~\\&|LAB|${facility}|STROMA|STROMA|20240301||ORU^R01|${id}|P|2.5.1`, `PID|1||${mrn}^^^X^MR`].join('\r');

describe('MessageLanes', () => {
  it('when messages are about different patients, then they are taken side by side, and ACKs still go out in arrival order', async () => {
    const lanes = new MessageLanes();
    const started: string[] = [];
    const sent: string[] = [];
    let releaseFirst: () => void = () => undefined;
    const first = lanes.take(message('A', 'P-1', '1'), () => {
      started.push('1');
      return new Promise<string>((resolve) => (releaseFirst = () => resolve('ack-1')));
    }, (ack) => sent.push(ack));
    const second = lanes.take(message('A', 'P-2', '2'), async () => {
      started.push('2');
      return 'ack-2';
    }, (ack) => sent.push(ack));
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual(['1', '2']);
    expect(sent).toEqual([]);
    releaseFirst();
    await Promise.all([first, second]);
    expect(sent).toEqual(['ack-1', 'ack-2']);
  });

  it('when messages are about the same patient of the same facility, then each waits for the one before', async () => {
    const lanes = new MessageLanes();
    const started: string[] = [];
    let releaseFirst: () => void = () => undefined;
    const first = lanes.take(message('A', 'P-1', '1'), () => {
      started.push('1');
      return new Promise<string>((resolve) => (releaseFirst = () => resolve('ack-1')));
    }, () => undefined);
    const second = lanes.take(message('A', 'P-1', '2'), async () => {
      started.push('2');
      return 'ack-2';
    }, () => undefined);
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual(['1']);
    releaseFirst();
    await Promise.all([first, second]);
    expect(started).toEqual(['1', '2']);
  });

  it('when a text is no HL7, then its lane is the unreadable one; facility and patient make the lane otherwise', () => {
    expect(laneOf('garbage')).toBe('');
    expect(laneOf(message('A', 'P-1', '1'))).not.toBe(laneOf(message('B', 'P-1', '1')));
    expect(laneOf(message('A', 'P-1', '1'))).toBe(laneOf(message('A', 'P-1', '9')));
  });
});

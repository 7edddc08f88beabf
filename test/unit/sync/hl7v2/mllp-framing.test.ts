import { frame, MllpDecoder } from '../../../../src/sync/hl7v2/mllp-framing';

const texts = (decoder: MllpDecoder, ...pieces: Buffer[]) => pieces.flatMap((p) => decoder.push(p)).map((f) => f.text);

describe('MLLP framing', () => {
  it('when a frame comes in pieces, split anywhere (between FS and CR too), then it is one message', () => {
    const whole = frame('MSH|^~\\&|A\rPID|1');
    for (let cut = 1; cut < whole.length; cut++) {
      const decoder = new MllpDecoder(1024);
      expect(texts(decoder, whole.subarray(0, cut), whole.subarray(cut))).toEqual(['MSH|^~\\&|A\rPID|1']);
      expect(decoder.busy).toBe(false);
    }
  });

  it('when two frames come in one piece with line breaks between them, then they are two messages, in order', () => {
    const decoder = new MllpDecoder(1024);
    expect(texts(decoder, Buffer.concat([frame('one'), Buffer.from('\r\n'), frame('two')]))).toEqual(['one', 'two']);
  });

  it('when an FS is not followed by CR, then it is part of the message', () => {
    expect(texts(new MllpDecoder(1024), Buffer.from('\x0ba\x1cb\x1c\r'))).toEqual(['a\x1cb']);
  });

  it('when a message is larger than the limit, then its start is handed over, marked oversize', () => {
    const [message] = new MllpDecoder(4).push(frame('MSH|123456'));
    expect(message).toEqual({ text: 'MSH|', oversize: true });
  });

  it('when a frame has begun and not ended, then the decoder is busy', () => {
    const decoder = new MllpDecoder(1024);
    decoder.push(Buffer.from('\x0bMSH'));
    expect(decoder.busy).toBe(true);
  });
});

import net from 'node:net';
import { Hl7Message } from '@medplum/core';
import { Hl7Client } from '@medplum/hl7';
import type { AuditEvent, Bundle, Observation } from '@medplum/fhirtypes';
import request from 'supertest';
import { hl7Wiring } from '../../src/app';
import { mllpHandler, MLLP_MAX_MESSAGE_BYTES } from '../../src/sync/hl7v2/hl7-senders';
import { frame } from '../../src/sync/hl7v2/mllp-framing';
import { startMllpListener, type MllpListener } from '../../src/sync/hl7v2/mllp-listener';
import { tokenFor } from '../helpers/auth';
import { makeParticipant } from '../helpers/participant';
import { FHIR_JSON, storeName, useTestApp } from '../helpers/test-app';
import { CHUM_CODES, chumConceptMap, namingSystem, participantPatient, JGH_SYSTEM, MUHC_OID } from './ehr-hl7v2-fixture';

const HL7 = 'x-application/hl7-v2+er7';
const lines = (...segments: string[]) => segments.join('\r');
const MSH = (facility: string, id: string, type = 'ORU^R01^ORU_R01') => `MSH|^~\\&|LAB|${facility}|STROMA|STROMA|20240301093000-0500||${type}|${id}|P|2.5.1`;
const JGH = 'JGH^2.16.840.1.113883.3.1^ISO';
const PID_JGH = 'PID|1||JGH-555^^^JGH&2.16.840.1.113883.3.1&ISO^MR~999-99-9999^^^SSA^SS||Tremblay^Marie';
const OBR = (accession: string) => `OBR|1|ORD-${accession}|${accession}|CBC^Complete blood count^L|||20240301083000-0500`;

/** Sender 1: a lab that codes in LOINC, with the units it spells its own way. */
const loincCbc = (id: string, accession: string) => lines(
  MSH(JGH, id), PID_JGH, OBR(accession),
  'OBX|1|NM|718-7^Hemoglobin^LN||12.5|g/dl|12.0-16.0|N|||F|||20240301083000-0500',
  'OBX|2|NM|777-3^Platelets^LN||250|10\\S\\9/L|150-400|N|||F',
  'OBX|3|NM|751-8^Neutrophils^LN||0.9|10^9/L|1.5-7.5|L|||F', // its caret unescaped, as some senders write it
  'OBX|4|NM|4537-7^ESR^LN||32|mm/hr|0-20|H|||F',
  'OBX|5|NM|1742-6^ALT^LN||41|U/L|<40|H|||F',
);

/** Sender 2: a lab with codes of its own, mapped by its ConceptMap. */
const localPanel = (id: string, accession: string) => lines(
  MSH('CHUM', id), 'PID|1||P-100^^^CHUM^MR', `OBR|1||${accession}|PANEL^Panel^L|||202403020930`,
  'OBX|1|NM|HGB^Hemoglobine^99CHUM||118|g/L|120-160|L|||F',
  'OBX|2|NM|GLU^Glucose^99CHUM||5.4|mmol/L|3.9-6.1|N|||F',
  'OBX|3|NM|VS^Vitesse de sedimentation^99CHUM||30|mm/hr|0-20|H|||F',
  'OBX|4|NM|XYZ^Inconnu^99CHUM||1|U/L|||||F',
);

/** Sender 3: a lab that sends preliminary results and corrects them. */
const muhcPlatelets = (id: string, value: number, status: 'P' | 'F' | 'C') => lines(
  MSH('MUHC', id), 'PID|1||M-77^^^MUHC^MR', 'OBR|1||M-ACC-1|CBC^CBC^L|||20240303080000+0000',
  `OBX|1|NM|777-3^Platelets^LN||${value}|10*9/L|150-400||||${status}`,
);

/** POST /hl7/v2 and the ACK as text. */
const post = (app: Parameters<typeof request>[0], headers: Record<string, string>, text: string, type = HL7) =>
  request(app).post('/hl7/v2').set(headers).set('Content-Type', type).send(text)
    .buffer(true).parse((res, done) => { let body = ''; res.setEncoding('utf8'); res.on('data', (c: string) => { body += c; }); res.on('end', () => done(null, body)); });

const ackOf = (text: string) => {
  const ack = Hl7Message.parse(text);
  return {
    code: ack.getSegment('MSA')?.getField(1).toString(),
    controlId: ack.getSegment('MSA')?.getField(2).toString(),
    errors: ack.getAllSegments('ERR').map((e) => ({ where: e.getField(2).toString(), code: e.getField(3).getComponent(1) })),
  };
};

describe(`HL7 v2 ORU^R01 intake (${storeName()})`, () => {
  const t = useTestApp({ auth: true });
  let admin: Record<string, string>;
  let ehr: Record<string, string>;
  let participant = '';

  beforeAll(async () => {
    admin = { Authorization: `Bearer ${await tokenFor(t.app, t.authStore, 'admin')}` };
    ehr = { Authorization: `Bearer ${await tokenFor(t.app, t.authStore, 'ehr')}` };
    const made = await request(t.app).post('/fhir/Patient').set(admin).set('content-type', FHIR_JSON).send(participantPatient()).expect(201);
    participant = `Patient/${made.body.id}`;
    await makeParticipant(t.app, participant, admin);
    for (const resource of [namingSystem('CHUM', { type: 'uri', value: 'http://hospital.example.org/mrn' }), namingSystem('MUHC', { type: 'oid', value: MUHC_OID }), chumConceptMap()]) {
      await request(t.app).post(`/fhir/${resource.resourceType}`).set(admin).set('content-type', FHIR_JSON).send(resource).expect(201);
    }
  });

  const stored = async (system: string, value: string): Promise<Observation[]> => {
    const res = await request(t.app).get('/fhir/Observation').query({ identifier: `${system}|${value}` }).set(admin).expect(200);
    return ((res.body as Bundle).entry ?? []).map((e) => e.resource as Observation);
  };
  const journal = (stream: string) => t.repo.transaction((tx) => tx.journal.entries(stream));

  it('when a LOINC-coding lab posts a CBC, then AA and one Observation per OBX, for the participant, stamped with the sender, units in UCUM', async () => {
    const res = await post(t.app, ehr, loincCbc('JGH-1', 'ACC-1')).expect(200);
    expect(res.headers['content-type']).toMatch(/^x-application\/hl7-v2\+er7/);
    expect(ackOf(res.body as string)).toEqual({ code: 'AA', controlId: 'JGH-1', errors: [] });
    const units: Record<string, string> = { '718-7': 'g/dL', '777-3': '10*9/L', '751-8': '10*9/L', '4537-7': 'mm/h', '1742-6': 'U/L' };
    for (const [code, unit] of Object.entries(units)) {
      const [obs] = await stored(JGH_SYSTEM, `ACC-1^${code}`);
      expect(obs.subject?.reference).toBe(participant);
      expect(obs.code.coding?.[0]).toEqual({ system: 'http://loinc.org', code });
      expect(obs.valueQuantity?.code).toBe(unit);
      expect(obs.meta?.source).toMatch(/^https:\/\/stroma-fhir\.org\/fhir\/client\/ehr-/);
    }
    const [hb] = await stored(JGH_SYSTEM, 'ACC-1^718-7');
    expect(hb).toMatchObject({ status: 'final', effectiveDateTime: '2024-03-01T08:30:00-05:00', interpretation: [{ coding: [{ code: 'N' }] }] });
    const [entry] = await journal('hl7v2/JGH/JGH-1');
    expect(entry.content).toMatchObject({ raw: loincCbc('JGH-1', 'ACC-1'), ack: res.body, ackCode: 'AA', channel: 'hl7v2-http' });
  });

  it('when a lab sends its own codes, then its ConceptMap gives the LOINC code, the local code is kept, and codes outside the panel or unmapped are refused on their OBX-3', async () => {
    const res = await post(t.app, ehr, localPanel('CHUM-1', 'F-1')).expect(200);
    const ack = ackOf(res.body as string);
    expect(ack.code).toBe('AE');
    expect(ack.errors).toEqual([{ where: 'OBX^2^3', code: '103' }, { where: 'OBX^4^3', code: '103' }]);
    const [hb] = await stored('https://stroma-fhir.org/fhir/hl7v2/facility/CHUM', 'F-1^HGB');
    expect(hb.code.coding).toEqual([{ system: 'http://loinc.org', code: '718-7' }, { system: CHUM_CODES, code: 'HGB', display: 'Hemoglobine' }]);
    expect(hb.valueQuantity).toMatchObject({ value: 118, code: 'g/L' });
    expect(await stored('https://stroma-fhir.org/fhir/hl7v2/facility/CHUM', 'F-1^VS')).toHaveLength(1);
    expect(await stored('https://stroma-fhir.org/fhir/hl7v2/facility/CHUM', 'F-1^GLU')).toHaveLength(0);
    const [entry] = await journal('hl7v2/CHUM/CHUM-1');
    expect((entry.content.results as { refused?: string }[]).map((r) => r.refused)).toEqual([undefined, 'outside-panel', undefined, 'unmapped-code']);
  });

  it('when a result is sent preliminary and then corrected (OBX-11 C), then the stored Observation is updated and its history keeps both versions', async () => {
    const first = await post(t.app, ehr, muhcPlatelets('MUHC-1', 140, 'P')).expect(200);
    expect(ackOf(first.body as string).code).toBe('AA');
    const corrected = await post(t.app, ehr, muhcPlatelets('MUHC-2', 160, 'C')).expect(200);
    expect(ackOf(corrected.body as string).code).toBe('AA');
    const [obs] = await stored('https://stroma-fhir.org/fhir/hl7v2/facility/MUHC', 'M-ACC-1^777-3');
    expect(obs).toMatchObject({ status: 'corrected', valueQuantity: { value: 160 }, subject: { reference: participant } });
    const history = await request(t.app).get(`/fhir/Observation/${obs.id}/_history`).set(admin).expect(200);
    expect((history.body as Bundle).entry?.map((e) => [(e.resource as Observation).status, (e.resource as Observation).valueQuantity?.value])).toEqual([['corrected', 160], ['preliminary', 140]]);
  });

  it('when a message is sent again with the same MSH-10, then the same ACK bytes come back and nothing is processed twice', async () => {
    const message = loincCbc('JGH-2', 'ACC-2');
    const first = await post(t.app, ehr, message).expect(200);
    const again = await post(t.app, ehr, message.replace('|12.5|', '|13.5|')).expect(200);
    expect(again.body).toBe(first.body);
    const [hb] = await stored(JGH_SYSTEM, 'ACC-2^718-7');
    expect([hb.meta?.versionId, hb.valueQuantity?.value]).toEqual(['1', 12.5]);
    const entries = await journal('hl7v2/JGH/JGH-2');
    expect(entries.map((e) => e.content.replayOf)).toEqual([undefined, entries[0].seq]);
    expect(entries[1].content.raw).toContain('|13.5|');
  });

  it('when the same message arrives twice at once, then it is processed once and both get the same ACK', async () => {
    const message = loincCbc('JGH-7', 'ACC-7');
    const [one, two] = await Promise.all([post(t.app, ehr, message).expect(200), post(t.app, ehr, message).expect(200)]);
    expect(one.body).toBe(two.body);
    expect(ackOf(one.body as string).code).toBe('AA');
    const [hb] = await stored(JGH_SYSTEM, 'ACC-7^718-7');
    expect(hb.meta?.versionId).toBe('1');
    expect((await journal('hl7v2/JGH/JGH-7')).filter((e) => e.content.replayOf === undefined)).toHaveLength(1);
  });

  it('when the patient is unknown, then AE with an ERR on PID-3 for each OBX and nothing stored', async () => {
    const message = loincCbc('JGH-3', 'ACC-3').replace('JGH-555^', 'NOBODY^');
    const ack = ackOf((await post(t.app, ehr, message).expect(200)).body as string);
    expect(ack.code).toBe('AE');
    expect(ack.errors).toEqual(Array(5).fill({ where: 'PID^1^3', code: '204' }));
    expect(await stored(JGH_SYSTEM, 'ACC-3^718-7')).toHaveLength(0);
  });

  it('when PID-3 names an assigning authority no NamingSystem knows, then AE on PID-3 and nothing stored', async () => {
    const message = localPanel('CHUM-2', 'F-2').replace('P-100^^^CHUM^MR', 'P-100^^^ELSEWHERE^MR');
    const ack = ackOf((await post(t.app, ehr, message).expect(200)).body as string);
    expect([ack.code, ack.errors[0]]).toEqual(['AE', { where: 'PID^1^3', code: '204' }]);
    expect(await stored('https://stroma-fhir.org/fhir/hl7v2/facility/CHUM', 'F-2^HGB')).toHaveLength(0);
  });

  it('when a message is malformed or not an ORU^R01, then AR, and the raw text is kept', async () => {
    const garbage = ackOf((await post(t.app, ehr, 'this is not HL7').expect(200)).body as string);
    expect([garbage.code, garbage.errors[0]]).toEqual(['AR', { where: 'MSH^1^', code: '100' }]);
    const adt = ackOf((await post(t.app, ehr, loincCbc('JGH-4', 'ACC-4').replace('ORU^R01^ORU_R01', 'ADT^A01^ADT_A01')).expect(200)).body as string);
    expect([adt.code, adt.controlId, adt.errors[0]]).toEqual(['AR', 'JGH-4', { where: 'MSH^1^9', code: '200' }]);
    expect((await journal('hl7v2/rejected')).map((e) => e.content.raw)).toContain('this is not HL7');
    expect((await journal('hl7v2/JGH/JGH-4'))[0].content.ackCode).toBe('AR');
  });

  it('when the segments are out of order, then AR with an ERR naming the segment, and a fixed re-send with the same MSH-10 is processed', async () => {
    const good = loincCbc('JGH-5', 'ACC-5');
    const [msh, pid, obr, ...obx] = good.split('\r');
    const ack = ackOf((await post(t.app, ehr, lines(msh, pid, obx[0], obr, ...obx.slice(1))).expect(200)).body as string);
    expect([ack.code, ack.errors[0]]).toEqual(['AR', { where: 'OBX^1^', code: '100' }]);
    expect(ackOf((await post(t.app, ehr, good).expect(200)).body as string).code).toBe('AA');
  });

  it('when the Content-Type is not HL7, then 415; when the role is not ehr or admin, then 403; without a token, 401', async () => {
    await post(t.app, ehr, loincCbc('JGH-6', 'ACC-6'), 'text/plain').expect(415);
    const investigator = { Authorization: `Bearer ${await tokenFor(t.app, t.authStore, 'investigator')}` };
    const refused = await post(t.app, investigator, loincCbc('JGH-6', 'ACC-6')).expect(403);
    expect(JSON.parse(refused.body as string)).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'forbidden' }] });
    await post(t.app, {}, loincCbc('JGH-6', 'ACC-6')).expect(401);
    const accepted = await post(t.app, ehr, loincCbc('JGH-6', 'ACC-6'), 'application/hl7-v2').expect(200);
    expect(accepted.headers['content-type']).toMatch(/^application\/hl7-v2/);
  });

  it('when an admin posts a message, then it is taken in as the facility, through the same rules as an EHR', async () => {
    expect(ackOf((await post(t.app, admin, muhcPlatelets('MUHC-A1', 200, 'F').replace('M-ACC-1', 'M-ACC-2')).expect(200)).body as string).code).toBe('AA');
    const [obs] = await stored('https://stroma-fhir.org/fhir/hl7v2/facility/MUHC', 'M-ACC-2^777-3');
    expect([obs.meta?.source, obs.subject?.reference]).toEqual(['https://stroma-fhir.org/fhir/client/hl7v2-MUHC', participant]);
  });

  describe('over MLLP', () => {
    let listener: MllpListener;
    beforeAll(async () => {
      listener = await startMllpListener({
        host: '127.0.0.1', port: 0, maxMessageBytes: MLLP_MAX_MESSAGE_BYTES, handle: mllpHandler(hl7Wiring(t.deps, { method: 'MLLP', path: '/mllp:test', interaction: 'hl7v2' })), onError: () => undefined,
      });
    });
    afterAll(() => listener.close(1000));

    it('when a lab sends with an HL7 client, then AA and the results are stamped with the facility as sender', async () => {
      // No timeoutMs: Hl7Client (4.5) leaves its timer running after the ACK came; jest's own timeout bounds the wait.
      const client = new Hl7Client({ host: '127.0.0.1', port: listener.port });
      try {
        const ack = await client.sendAndWait(Hl7Message.parse(loincCbc('JGH-M1', 'MACC-1')));
        expect(ack.getSegment('MSA')?.getField(1).toString()).toBe('AA');
        const again = await client.sendAndWait(Hl7Message.parse(loincCbc('JGH-M1', 'MACC-1')));
        expect(again.toString()).toBe(ack.toString());
      } finally {
        await client.close();
      }
      const [hb] = await stored(JGH_SYSTEM, 'MACC-1^718-7');
      expect([hb.meta?.source, hb.meta?.versionId, hb.subject?.reference]).toEqual(['https://stroma-fhir.org/fhir/client/hl7v2-JGH', '1', participant]);
    });

    it('when a message over MLLP stores results, then the audit trail records the facility and what it wrote', async () => {
      await t.deps.security.audit.flush();
      const res = await request(t.app).get('/fhir/AuditEvent?altid=hl7v2-JGH&subtype=hl7v2').set(admin).expect(200);
      const events = ((res.body as Bundle).entry ?? []).map((e) => e.resource as AuditEvent);
      expect(events.length).toBeGreaterThan(0);
      const written = events.flatMap((e) => (e.entity ?? []).map((x) => x.what?.reference ?? ''));
      expect(written).toContainEqual(expect.stringMatching(/^Observation\//));
    });

    it('when a frame is not HL7 and two messages come in one write, then each gets its ACK, in order, on the same connection', async () => {
      const socket = net.connect(listener.port, '127.0.0.1');
      const acks: string[] = [];
      let buffered = '';
      socket.on('data', (d: Buffer) => {
        buffered += d.toString('utf8');
        for (let end = buffered.indexOf('\x1c\r'); end >= 0; end = buffered.indexOf('\x1c\r')) {
          acks.push(buffered.slice(1, end));
          buffered = buffered.slice(end + 2);
        }
      });
      socket.write(frame('garbage'));
      socket.write(Buffer.concat([frame(loincCbc('JGH-M2', 'MACC-2')), frame(localPanel('CHUM-M3', 'MF-3'))]));
      const deadline = Date.now() + 10_000;
      while (acks.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      socket.destroy();
      expect(acks.map((a) => [ackOf(a).code, ackOf(a).controlId])).toEqual([['AR', ''], ['AA', 'JGH-M2'], ['AE', 'CHUM-M3']]);
    });
  });

  it('when messages were taken in, then /metrics counts them per channel, and refusals by reason', async () => {
    const res = await request(t.app).get('/metrics').expect(200);
    expect(res.text).toMatch(/stroma_ehr_messages_received_total\{channel="hl7v2-http"\} [1-9]/);
    expect(res.text).toMatch(/stroma_ehr_messages_received_total\{channel="hl7v2-mllp"\} [1-9]/);
    expect(res.text).toMatch(/stroma_ehr_results_total\{channel="hl7v2-mllp",outcome="accepted"\} [1-9]/);
    expect(res.text).toMatch(/stroma_ehr_results_refused_total\{channel="hl7v2-http",reason="outside-panel"\} 1/);
    expect(res.text).toMatch(/stroma_ehr_results_refused_total\{channel="hl7v2-http",reason="unknown-patient"\} [1-9]/);
    expect(res.text).toMatch(/stroma_ehr_results_refused_total\{channel="hl7v2-mllp",reason="unmapped-code"\} 1/);
  });
});

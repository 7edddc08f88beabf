import type { Bundle, Parameters, ResearchStudy, ResearchSubject } from '@medplum/fhirtypes';
import { blockSequence } from '../../src/trial/randomization/permuted-blocks';
import { type RandomizationScheme, readScheme } from '../../src/trial/randomization/scheme';
import request from 'supertest';
import { tokenFor } from '../helpers/auth';
import { FHIR_JSON, storeName, useTestApp } from '../helpers/test-app';
import { seedTrials } from '../unit/trial/demo/demo-fixture';
import { armOf, type Candidate, daysAgo, diagnostics, eligibleSubjects, type Headers, infuse, randomize, relatedEvent, tally } from './trial-randomization-fixture';

const CARE_SSC = 'NCT04356287';
const PLACEBO = 'Placebo infusions';
const BALANCED = { [PLACEBO]: 2, 'One infusion of UCMSC': 2, 'Two infusions of UCMSC': 2 };
const GRADE_2 = 'C41339';
const GRADE_3 = 'C41340';

/** The day one calendar month after `day` (the scheme's staggerInterval of 1 mo). */
function oneMonthAfter(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), last));
  return target.toISOString().slice(0, 10);
}

describe(`$randomize in staggered permuted blocks: NCT04356287, 18 subjects in 3 blocks of 6 (${storeName()})`, () => {
  const t = useTestApp({ auth: true });
  const as: Record<string, Headers> = {};
  let study = '';
  const blocks: { who: Candidate; arm: string }[][] = [];

  beforeAll(async () => {
    for (const role of ['admin', 'investigator', 'unblinded'] as const) as[role] = { Authorization: `Bearer ${await tokenFor(t.app, t.authStore, role)}` };
    const trial = seedTrials().get(CARE_SSC) as Bundle;
    await request(t.app).post('/fhir').set(as.admin).set('content-type', FHIR_JSON).send(trial).expect(200);
    const found = await request(t.app).get(`/fhir/ResearchStudy?identifier=https://clinicaltrials.gov|${CARE_SSC}`).set(as.admin).expect(200);
    study = `ResearchStudy/${(found.body as Bundle).entry?.[0]?.resource?.id}`;
  }, 120_000);

  /** Randomizes the candidates in parallel as the unblinded role (who sees the arms) and keeps the block. */
  async function randomizeBlock(candidates: Candidate[]): Promise<string[]> {
    const answers = await Promise.all(candidates.map((who) => randomize(t.app, as.unblinded, study, who.subject)));
    const arms = answers.map(armOf);
    blocks.push(candidates.map((who, i) => ({ who, arm: arms[i] })));
    return arms;
  }

  /** The first infusion of every subject of the block on `day`, placebo for the placebo arm; the infusion ids. */
  const infuseBlock = (block: number, day: string) =>
    Promise.all(blocks[block].map(({ who, arm }) => infuse(t.app, as.admin, study, who, day, arm === PLACEBO)));

  test('when the six subjects of block 1 are randomized at once, then the block holds every arm twice', async () => {
    const arms = await randomizeBlock(await eligibleSubjects(t.app, as.admin, study, 6));
    expect(tally(arms)).toEqual(BALANCED);
  });

  test('when a blinded investigator randomizes, then it is refused until block 1 is infused, naming who is not', async () => {
    const [seventh] = await eligibleSubjects(t.app, as.admin, study, 1);
    const reason = diagnostics(await randomize(t.app, as.investigator, study, seventh.subject), 409);
    expect(reason).toContain('block 2 opens once every subject of block 1 has had a first infusion');
    expect(reason).toContain(blocks[0][0].who.subject);
  });

  test('when block 1 was infused less than a month ago, then block 2 is refused with the day it could open', async () => {
    const infused = daysAgo(10);
    await infuseBlock(0, infused);
    const [seventh] = await eligibleSubjects(t.app, as.admin, study, 1);
    const reason = diagnostics(await randomize(t.app, as.investigator, study, seventh.subject), 409);
    expect(reason).toContain(`1 mo after the last first infusion of block 1 (${infused})`);
    expect(reason).toContain(`it could open on ${oneMonthAfter(infused)}`);
  });

  test('when a month has passed since block 1 but it had a TRSAE, then block 2 is refused again, naming the event', async () => {
    // The infusions were in fact given 40 days ago: the records of 10 days ago are entered in error and replaced.
    for (const { who, arm } of blocks[0]) {
      const found = await request(t.app).get(`/fhir/MedicationAdministration?subject=${who.patient}`).set(as.admin).expect(200);
      for (const e of (found.body as Bundle).entry ?? []) {
        await request(t.app).put(`/fhir/MedicationAdministration/${e.resource?.id}`).set(as.admin).set('content-type', FHIR_JSON)
          .send({ ...e.resource, status: 'entered-in-error' }).expect(200);
      }
      await infuse(t.app, as.admin, study, who, daysAgo(40), arm === PLACEBO);
    }
    const treated = blocks[0].find((b) => b.arm !== PLACEBO) as { who: Candidate };
    const infusions = await request(t.app).get(`/fhir/MedicationAdministration?subject=${treated.who.patient}&status=completed`).set(as.admin).expect(200);
    const infusion = `MedicationAdministration/${(infusions.body as Bundle).entry?.[0]?.resource?.id}`;
    const event = await request(t.app).post('/fhir/AdverseEvent').set(as.admin).set('content-type', FHIR_JSON)
      .send(relatedEvent(study, treated.who, infusion, GRADE_3, daysAgo(38))).expect(201);
    const [seventh] = await eligibleSubjects(t.app, as.admin, study, 1);
    const reason = diagnostics(await randomize(t.app, as.investigator, study, seventh.subject), 409);
    expect(reason).toContain(`block 1 had a treatment-related severe adverse event (TRSAE), AdverseEvent/${event.body.id}`);

    // On review the event is regraded to 2: no TRSAE, and the gate opens.
    await request(t.app).put(`/fhir/AdverseEvent/${event.body.id}`).set(as.admin).set('content-type', FHIR_JSON)
      .send({ ...relatedEvent(study, treated.who, infusion, GRADE_2, daysAgo(38)), id: event.body.id }).expect(200);
  });

  test('when a blinded investigator randomizes once the gate is open, then the subject is on study and its arm is masked', async () => {
    const [seventh, ...rest] = await eligibleSubjects(t.app, as.admin, study, 6);
    const res = await randomize(t.app, as.investigator, study, seventh.subject);
    expect(res.status).toBe(200);
    const subject = res.body as ResearchSubject;
    expect(subject.status).toBe('on-study');
    expect(subject.assignedArm).toBeUndefined();
    expect(subject.meta?.security?.map((c) => c.code)).toContain('MASKED');
    const again = await randomize(t.app, as.unblinded, study, seventh.subject);
    const arms = [armOf(again), ...(await Promise.all(rest.map((who) => randomize(t.app, as.unblinded, study, who.subject)))).map(armOf)];
    blocks.push([seventh, ...rest].map((who, i) => ({ who, arm: arms[i] })));
    expect(tally(arms)).toEqual(BALANCED);
  });

  test('when block 2 was infused over a month ago without TRSAE, then block 3 fills, and a 19th subject is refused', async () => {
    await infuseBlock(1, daysAgo(35));
    const arms = await randomizeBlock(await eligibleSubjects(t.app, as.admin, study, 6));
    expect(tally(arms)).toEqual(BALANCED);
    const [nineteenth] = await eligibleSubjects(t.app, as.admin, study, 1);
    expect(diagnostics(await randomize(t.app, as.unblinded, study, nineteenth.subject), 409)).toContain('every block of');
  });

  test('when the unblinded role reads the allocation log, then it lists the 18 allocations by block and slot; other roles are refused', async () => {
    const res = await request(t.app).get(`/fhir/${study}/$allocation-log`).set(as.unblinded).expect(200);
    const allocations = ((res.body as Parameters).parameter ?? []).filter((p) => p.name === 'allocation');
    const field = (p: (typeof allocations)[number], name: string) => p.part?.find((x) => x.name === name);
    expect(allocations.map((p) => field(p, 'sequence')?.valueInteger)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    expect(allocations.map((p) => field(p, 'block')?.valueInteger)).toEqual([1, 2, 3].flatMap((b) => Array<number>(6).fill(b)));
    const bySubject = new Map(allocations.map((p) => [field(p, 'subject')?.valueReference?.reference, field(p, 'arm')?.valueString]));
    for (const { who, arm } of blocks.flat()) expect(bySubject.get(who.subject)).toBe(arm);
    await request(t.app).get(`/fhir/${study}/$allocation-log`).set(as.investigator).expect(403);
  });

  test('when the blocks are drawn again from the secret in the store, then they are the allocations of the log, slot by slot', async () => {
    const [secretEntry] = await t.repo.transaction((tx) => tx.journal.entries(`randomization-secret:${study}`));
    const secret = Buffer.from(secretEntry.content.secret as string, 'base64');
    const res = await request(t.app).get(`/fhir/${study}/$allocation-log`).set(as.unblinded).expect(200);
    expect(JSON.stringify(res.body)).not.toContain(secretEntry.content.secret);
    const arms = ((res.body as Parameters).parameter ?? []).filter((p) => p.name === 'allocation').map((p) => p.part?.find((x) => x.name === 'arm')?.valueString);
    const stored = await request(t.app).get(`/fhir/${study}`).set(as.admin).expect(200);
    const scheme = readScheme(stored.body as ResearchStudy) as RandomizationScheme;
    expect(arms).toEqual([1, 2, 3].flatMap((block) => blockSequence(secret, study, scheme, block)));
  });

  test('when a subject is not eligible, then $randomize refuses it with 422; an unknown study is 404, no subject 400', async () => {
    const [candidate] = await eligibleSubjects(t.app, as.admin, study, 1, daysAgo(5), 'screening');
    expect(diagnostics(await randomize(t.app, as.unblinded, study, candidate.subject), 422)).toContain('only an eligible subject is randomized');
    expect(diagnostics(await randomize(t.app, as.unblinded, 'ResearchStudy/unknown-study', candidate.subject), 404)).toContain('ResearchStudy/unknown-study');
    const bad = await request(t.app).post(`/fhir/${study}/$randomize`).set(as.unblinded).set('content-type', FHIR_JSON).send({ resourceType: 'Parameters' });
    expect(diagnostics(bad, 400)).toContain('needs a subject parameter');
  });
});

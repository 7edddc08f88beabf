import type { Bundle } from '@medplum/fhirtypes';
import type { FhirAnswer, FhirSend } from '../../../src/cli/fhir-session';
import { loadDemo } from '../../../src/cli/load-demo-run';
import { seedTrials } from '../trial/demo/demo-fixture';

const trials = [...seedTrials().values()];

/** A server that holds the studies named and answers each transaction with `answer`. */
function fakeServer(studies: string[], answer: FhirAnswer = { status: 200, body: { resourceType: 'Bundle', type: 'transaction-response' } }) {
  const committed: Bundle[] = [];
  const target: FhirSend = async ({ method, query = [], body }) => {
    if (method === 'GET') {
      const nctId = query.find(([name]) => name === 'identifier')?.[1].split('|')[1] as string;
      return { status: 200, body: { resourceType: 'Bundle', type: 'searchset', total: studies.includes(nctId) ? 1 : 0 } };
    }
    committed.push(body as Bundle);
    return answer;
  };
  return { target, committed };
}

function capture() {
  const lines = { out: [] as string[], err: [] as string[] };
  return { lines, output: { out: (l: string) => lines.out.push(l), err: (l: string) => lines.err.push(l) } };
}

describe('loadDemo (npm run load:demo)', () => {
  test('when every study is stored, then each trial is committed and one line per trial says what was written', async () => {
    const server = fakeServer(['NCT04356287', 'NCT02213705', 'NCT03562065']);
    const { lines, output } = capture();
    expect(await loadDemo(server.target, trials, { seed: 6, trials: [] }, output)).toBe(0);
    expect(server.committed).toHaveLength(3);
    expect(lines.out).toHaveLength(3);
    expect(lines.out.find((l) => l.startsWith('NCT04356287:'))).toMatch(/^NCT04356287: \d+ resources written \(18 subjects, /);
    expect(lines.err).toEqual([]);
  });

  test('when --trial names one trial, then only that one is committed', async () => {
    const server = fakeServer(['NCT04356287', 'NCT02213705', 'NCT03562065']);
    const { output } = capture();
    expect(await loadDemo(server.target, trials, { seed: 6, trials: ['NCT03562065'] }, output)).toBe(0);
    expect(server.committed.map((b) => b.entry?.[0].request?.url)).toEqual([expect.stringContaining('NCT03562065')]);
  });

  test("when a trial's ResearchStudy is not in the store, then it is named, nothing of it is sent, and the exit code is 1", async () => {
    const server = fakeServer(['NCT04356287']);
    const { lines, output } = capture();
    expect(await loadDemo(server.target, trials, { seed: 6, trials: ['NCT04356287', 'NCT02213705'] }, output)).toBe(1);
    expect(server.committed).toHaveLength(1);
    expect(lines.err).toEqual([expect.stringMatching(/^NCT02213705: its ResearchStudy is not in the store; load the trial first/)]);
  });

  test("when the server refuses the demo Bundle, then its OperationOutcome diagnostics are printed and the exit code is 1", async () => {
    const refusal = { status: 422, body: { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'processing', diagnostics: 'Bundle.entry[3]: something is wrong' }] } };
    const server = fakeServer(['NCT04356287'], refusal);
    const { lines, output } = capture();
    expect(await loadDemo(server.target, trials, { seed: 6, trials: ['NCT04356287'] }, output)).toBe(1);
    expect(lines.err.join('\n')).toContain('(422):\n  Bundle.entry[3]: something is wrong');
    expect(lines.out).toEqual([]);
  });

  test('when --trial names a trial without a bundle, then the known ones are listed and nothing is sent', async () => {
    const server = fakeServer([]);
    const { lines, output } = capture();
    expect(await loadDemo(server.target, trials, { seed: 6, trials: ['NCT00000001'] }, output)).toBe(1);
    expect(server.committed).toEqual([]);
    expect(lines.err[0]).toMatch(/No trial bundle for NCT00000001 \(known: .*NCT04356287/);
  });
});

/** What SRI-4 compares at a visit against M0 (inclusion). */
export interface LupusAssessment {
  sledai?: number;
  /** BILAG grade (a to e) by organ. */
  bilag?: Readonly<Record<string, string>>;
  physicianGlobal?: number;
}

export type Sri4 = 'responder' | 'non-responder' | 'missing';

/**
 * The SRI-4 response as seed 003 (NCT03562065) defines it: all of a reduction of SELENA-SLEDAI by 4 points
 * or more, no new BILAG A organ score, no more than one new BILAG B, and no worsening of the physician's
 * global assessment against the inclusion value. The seed says "no worsening": any increase is one (the
 * 0.3-point tolerance of the original SRI is not in the seed). A new A is an organ graded A now and not at
 * inclusion; a new B is an organ graded B now that was C, D or E at inclusion. Any value missing at either
 * time makes the response missing, never a non-response.
 */
export function sri4(inclusion: LupusAssessment, visit: LupusAssessment): Sri4 {
  const { sledai: s0, bilag: b0, physicianGlobal: p0 } = inclusion;
  const { sledai: s1, bilag: b1, physicianGlobal: p1 } = visit;
  if (s0 === undefined || s1 === undefined || !b0 || !b1 || p0 === undefined || p1 === undefined) return 'missing';
  const organs = Object.keys(b1);
  if (organs.some((organ) => b0[organ] === undefined)) return 'missing';
  const newA = organs.filter((organ) => b1[organ] === 'a' && b0[organ] !== 'a').length;
  const newB = organs.filter((organ) => b1[organ] === 'b' && !['a', 'b'].includes(b0[organ])).length;
  const responds = s0 - s1 >= 4 && newA === 0 && newB <= 1 && p1 <= p0;
  return responds ? 'responder' : 'non-responder';
}

import type { Client } from 'pg';
import { SMALL_STUDY } from './export-data';

/**
 * What the database holds, asked with SQL beside the server, to check the exports against: nothing
 * lost, nothing twice.
 */

/** Current resources per type. */
export async function storedCounts(sql: Client): Promise<Record<string, number>> {
  const { rows } = await sql.query<{ type: string; n: string }>('SELECT resource_type AS type, count(*) AS n FROM resource WHERE NOT deleted GROUP BY 1');
  return Object.fromEntries(rows.map((r) => [r.type, Number(r.n)]));
}

export interface SmallStudy {
  groupId: string;
  /** Its participants' Patients, ResearchSubjects and the resources whose subject they are, per type. */
  counts: Record<string, number>;
}

/** The small study's enrollment Group and what its Group export must hold of the participants' data. */
export async function smallStudy(sql: Client): Promise<SmallStudy> {
  const study = await sql.query<{ id: string; group: string }>(
    `SELECT id, content->'enrollment'->0->>'reference' AS group FROM resource
     WHERE resource_type = 'ResearchStudy' AND NOT deleted AND content->'identifier'->0->>'value' = $1`,
    [SMALL_STUDY],
  );
  if (study.rows.length !== 1) throw new Error(`expected one ResearchStudy ${SMALL_STUDY}, found ${study.rows.length}`);
  const { id, group } = study.rows[0];
  const { rows } = await sql.query<{ type: string; n: string }>(
    `WITH member AS (
       SELECT content->'individual'->>'reference' AS patient FROM resource
       WHERE resource_type = 'ResearchSubject' AND NOT deleted AND content->'study'->>'reference' = $1)
     SELECT resource_type AS type, count(*) AS n FROM resource
     WHERE NOT deleted AND (
       (resource_type = 'Patient' AND 'Patient/' || id IN (SELECT patient FROM member))
       OR (resource_type = 'ResearchSubject' AND content->'individual'->>'reference' IN (SELECT patient FROM member))
       OR content->'subject'->>'reference' IN (SELECT patient FROM member))
     GROUP BY 1`,
    [`ResearchStudy/${id}`],
  );
  return { groupId: group.replace(/^Group\//, ''), counts: Object.fromEntries(rows.map((r) => [r.type, Number(r.n)])) };
}

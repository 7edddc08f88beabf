/**
 * The journal (src/store/repository.ts Journal): append-only streams of JSON entries written in the
 * transactions of the resources they go with, never served as resources. The primary key is also the
 * order of a stream; appenders of one stream serialize on a lock they share, so seq has no gaps.
 */
export const journalSchema = `
CREATE TABLE journal (
  stream text NOT NULL,
  seq integer NOT NULL,
  recorded timestamptz NOT NULL DEFAULT now(),
  content jsonb NOT NULL,
  PRIMARY KEY (stream, seq)
);
`;

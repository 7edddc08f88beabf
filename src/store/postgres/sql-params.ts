/** Collects positional parameters while a statement is assembled: add(value) returns "$n". */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** A placeholder added only when first used: PostgreSQL refuses parameters a statement never reads. */
  lazy(value: unknown, cast = ''): () => string {
    let placeholder: string | undefined;
    return () => (placeholder ??= `${this.add(value)}${cast}`);
  }
}

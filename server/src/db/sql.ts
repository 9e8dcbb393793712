/** The little a migration runner needs from a database, whether PostgreSQL (pg) or embedded (PGlite). */
export interface SqlSession {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Runs a script of several statements (no parameters). */
  exec(script: string): Promise<void>;
}

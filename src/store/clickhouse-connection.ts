/**
 * One ClickHouse connection (@clickhouse/client over HTTP) and what the
 * server it talks to can do. SQL is written with `{name:Type}` placeholders;
 * values are bound as server-side query parameters on servers that have them
 * (19.15 and later) and, on older servers only, through `quoteLiteral`, the
 * one function that turns a value into SQL text. Rows never go in as SQL:
 * inserts are JSONEachRow data. Identifiers (database names) come from
 * configuration and must match IDENTIFIER.
 */
import { type ClickHouseClient, ClickHouseLogLevel, createClient } from '@clickhouse/client';
import { errors } from '../errors.js';

export interface ClickHouseConnectionOptions {
  url: string;
  username?: string;
  password?: string;
  database: string;
  /** Per-request timeout; a stuck server must not stall a flush forever. */
  requestTimeoutMs?: number;
}

export interface ServerCapabilities {
  version: string;
  /** Server-side query parameters (`{id:String}` + param_id), 19.15+. */
  queryParameters: boolean;
  /** Table TTL expressions, 19.6+. */
  ttl: boolean;
}

export type SqlValue = string | number | boolean | bigint | readonly SqlValue[];
export type SqlParams = Record<string, SqlValue>;

export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export function checkIdentifier(name: string, field: string): string {
  if (!IDENTIFIER.test(name)) {
    throw errors.configInvalid(field, `"${name}" is not a valid ClickHouse identifier (letters, digits, _)`);
  }
  return name;
}

/** Compares dotted versions: is `version` at least `major.minor`? */
export function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.split('.').map((part) => Number.parseInt(part, 10) || 0);
  return a > major || (a === major && b >= minor);
}

export function capabilitiesOf(version: string): ServerCapabilities {
  return { version, queryParameters: versionAtLeast(version, 19, 15), ttl: versionAtLeast(version, 19, 6) };
}

const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/**
 * A value as a ClickHouse SQL literal: strings single-quoted with backslash
 * escapes for `\`, `'` and control characters (ClickHouse string-literal
 * syntax), numbers only when finite, arrays element by element. Used only
 * for servers without query parameters.
 */
export function quoteLiteral(value: SqlValue): string {
  if (typeof value === 'string') return `'${value.replace(/[\\'\0\b\f\n\r\t]/g, (c) => ESCAPES[c])}'`;
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw errors.usage(`cannot bind non-finite number ${value} into SQL`);
    return String(value);
  }
  return `[${value.map(quoteLiteral).join(', ')}]`;
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*):([^{}]+)\}/g;

/** Replaces `{name:Type}` placeholders with quoted literals (old servers). Every placeholder must be bound. */
export function inlineParams(sql: string, params: SqlParams): string {
  return sql.replace(PLACEHOLDER, (_match, name: string) => {
    if (!(name in params)) throw errors.usage(`SQL parameter "${name}" is not bound`);
    return quoteLiteral(params[name]);
  });
}

export class ClickHouseConnection {
  readonly client: ClickHouseClient;
  private capabilitiesCache: ServerCapabilities | undefined;

  constructor(readonly options: ClickHouseConnectionOptions) {
    checkIdentifier(options.database, 'sinks.clickhouse.database');
    this.client = createClient({
      url: options.url,
      username: options.username ?? 'default',
      password: options.password ?? '',
      request_timeout: options.requestTimeoutMs ?? 30_000,
      compression: { request: false, response: false },
      // Failures surface as errors to the caller, which logs them (e.g. the sink's retries).
      log: { level: ClickHouseLogLevel.OFF },
    });
  }

  get database(): string {
    return this.options.database;
  }

  async capabilities(): Promise<ServerCapabilities> {
    if (!this.capabilitiesCache) {
      const result = await this.client.query({ query: 'SELECT version() AS version', format: 'JSONEachRow' });
      const rows = (await result.json()) as { version: string }[];
      this.capabilitiesCache = capabilitiesOf(rows[0]?.version ?? '0.0');
    }
    return this.capabilitiesCache;
  }

  /** Runs a SELECT with bound parameters; rows as objects. */
  async select<T>(sql: string, params: SqlParams = {}): Promise<T[]> {
    const bound = await this.bind(sql, params);
    const result = await this.client.query({ ...bound, format: 'JSONEachRow' });
    return (await result.json()) as T[];
  }

  /** Runs a statement without a result (DDL) with bound parameters. */
  async command(sql: string, params: SqlParams = {}): Promise<void> {
    await this.client.command(await this.bind(sql, params));
  }

  /** Inserts rows as JSONEachRow data into `database.table`. */
  async insert(table: string, rows: readonly object[]): Promise<void> {
    if (rows.length === 0) return;
    await this.client.insert({
      table: `${this.database}.${checkIdentifier(table, 'table')}`,
      values: rows as object[],
      format: 'JSONEachRow',
    });
  }

  async ping(): Promise<boolean> {
    const result = await this.client.ping();
    return result.success;
  }

  close(): Promise<void> {
    return this.client.close();
  }

  private async bind(
    sql: string,
    params: SqlParams,
  ): Promise<{ query: string; query_params?: Record<string, unknown> }> {
    const query = sql.replaceAll('{db}', this.database);
    if ((await this.capabilities()).queryParameters) return { query, query_params: params };
    return { query: inlineParams(query, params) };
  }
}

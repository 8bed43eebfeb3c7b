/**
 * Glue as the first source of DynamoDB schemas (Java's GlueMetadataHandler): databases flagged
 * with `dynamo-db-flag`, tables that look like DynamoDB, Glue type strings → Arrow, and the table
 * properties that map Glue's lower-case names back to DynamoDB (`sourceTable`, `columnMapping`).
 */
import type {
  GetDatabasesCommand,
  GetDatabasesCommandOutput,
  GetTableCommand,
  GetTableCommandOutput,
  GetTablesCommand,
  GetTablesCommandOutput,
  Table as GlueTable,
} from '@aws-sdk/client-glue';
import { ConnectorError } from '@athena-federation/connector-core';
import {
  Binary,
  Bool,
  type DataType,
  DateDay,
  DateMillisecond,
  Decimal,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  List,
  Map_,
  Schema,
  Struct,
  TimeUnit,
  Timestamp,
  Utf8,
} from 'apache-arrow';
import type { DynamoDbSendOptions } from './dynamodb-client.js';
import { parseFormatMapping } from './dynamodb-datetime.js';

/** The Glue calls the connector makes, structurally (a real `GlueClient` satisfies it). */
export interface GlueClientLike {
  send(command: GetDatabasesCommand, options?: DynamoDbSendOptions): Promise<GetDatabasesCommandOutput>;
  send(command: GetTablesCommand, options?: DynamoDbSendOptions): Promise<GetTablesCommandOutput>;
  send(command: GetTableCommand, options?: DynamoDbSendOptions): Promise<GetTableCommandOutput>;
}

/** A Glue client, or a factory called once on first use. */
export type GlueClientSource = GlueClientLike | (() => GlueClientLike | Promise<GlueClientLike>);

/** Resolves a {@link GlueClientSource} lazily and at most once (default: a client from the AWS environment). */
export function lazyGlueClient(source: GlueClientSource | undefined): () => Promise<GlueClientLike> {
  let client: Promise<GlueClientLike> | undefined;
  return () => {
    client ??=
      typeof source === 'function'
        ? Promise.resolve(source())
        : source !== undefined
          ? Promise.resolve(source)
          : loadGlueSdk().then(({ GlueClient }) => new GlueClient({}));
    return client;
  };
}

/** Schema metadata key set to `glue` on schemas that come from Glue. */
export const SCHEMA_SOURCE_METADATA = 'dynamodb.schemaSource';

/** Schema metadata key of `datetimeFormatMapping` re-keyed to column names (Java's name for it). */
export const FORMAT_MAPPING_METADATA = 'datetimeFormatMappingNormalized';

/** Java's marker: a Glue database whose location URI contains this holds DynamoDB tables. */
export const DYNAMODB_DATABASE_FLAG = 'dynamo-db-flag';

// The command classes, re-exported so the connector builds exactly the commands this interface names.
/**
 * The Glue SDK, loaded at the first Glue call: a value import would put it into every cold start,
 * also of deployments that set `disable_glue`.
 */
export function loadGlueSdk(): Promise<typeof import('@aws-sdk/client-glue')> {
  return import('@aws-sdk/client-glue');
}

/** Whether a Glue table describes a DynamoDB table (Java's three tests). */
export function isDynamoDbGlueTable(table: GlueTable): boolean {
  return (
    table.Parameters?.['classification'] === 'dynamodb' ||
    (table.StorageDescriptor?.Location ?? '').includes('dynamodb') ||
    table.StorageDescriptor?.Parameters?.['classification'] === 'dynamodb'
  );
}

// ----------------------------------------------------------------------------------------------
// Glue type strings

class TypeParser {
  #pos = 0;
  readonly #text: string;
  readonly #column: string;

  constructor(text: string, column: string) {
    this.#text = text;
    this.#column = column;
  }

  fail(detail: string): never {
    throw new ConnectorError(
      'Unsupported',
      `Glue column ${this.#column} has type ${JSON.stringify(this.#text)}: ${detail}`,
    );
  }

  #skip(): void {
    while (this.#pos < this.#text.length && /\s/.test(this.#text[this.#pos] ?? '')) this.#pos++;
  }

  #peek(): string {
    this.#skip();
    return this.#text[this.#pos] ?? '';
  }

  #expect(char: string): void {
    if (this.#peek() !== char) this.fail(`expected "${char}" at position ${this.#pos}`);
    this.#pos++;
  }

  #word(stop: RegExp): string {
    this.#skip();
    const start = this.#pos;
    while (this.#pos < this.#text.length && !stop.test(this.#text[this.#pos] ?? '')) this.#pos++;
    return this.#text.slice(start, this.#pos).trim();
  }

  #numbers(): number[] {
    if (this.#peek() !== '(') return [];
    this.#pos++;
    const values = this.#word(/\)/)
      .split(',')
      .map((v) => Number(v.trim()));
    this.#expect(')');
    if (values.some((v) => !Number.isSafeInteger(v))) this.fail('bad type parameters');
    return values;
  }

  parse(): DataType {
    const name = this.#word(/[<>(),:\s]/).toLowerCase();
    switch (name) {
      case 'tinyint':
        return new Int8();
      case 'smallint':
        return new Int16();
      case 'int':
      case 'integer':
        return new Int32();
      case 'bigint':
        return new Int64();
      case 'float':
        return new Float32();
      case 'double':
        return new Float64();
      case 'boolean':
        return new Bool();
      case 'string':
        return new Utf8();
      case 'varchar':
      case 'char':
        this.#numbers();
        return new Utf8();
      case 'binary':
        return new Binary();
      case 'date':
        return new DateDay();
      case 'timestamp':
        return new DateMillisecond();
      case 'timestamptz':
        return new Timestamp(TimeUnit.MILLISECOND, 'UTC');
      case 'decimal': {
        const parameters = this.#numbers();
        // Java: a bare `decimal` is decimal(38,18); `decimal(p)` has scale 0.
        const [precision = 38, scale = parameters.length === 0 ? 18 : 0] = parameters;
        if (precision < 1 || precision > 38 || scale < 0 || scale > precision)
          this.fail(`decimal(${precision},${scale}) is out of range`);
        return new Decimal(scale, precision, 128);
      }
      case 'array':
      case 'set': {
        this.#expect('<');
        const item = this.parse();
        this.#expect('>');
        return new List(new Field('item', item, true));
      }
      case 'map': {
        this.#expect('<');
        const key = this.parse();
        this.#expect(',');
        const value = this.parse();
        this.#expect('>');
        const entries = new Struct([new Field('key', key, false), new Field('value', value, true)]);
        return new Map_(new Field('entries', entries, false), false);
      }
      case 'struct': {
        this.#expect('<');
        const fields: Field[] = [];
        while (this.#peek() !== '>') {
          const fieldName = this.#word(/:/);
          this.#expect(':');
          fields.push(new Field(fieldName, this.parse(), true));
          if (this.#peek() === ',') this.#pos++;
          else break;
        }
        this.#expect('>');
        if (fields.length === 0) this.fail('a struct needs at least one field');
        return new Struct(fields);
      }
      default:
        return this.fail(`"${name}" is not a Glue type this connector reads`);
    }
  }

  done(): void {
    if (this.#peek() !== '') this.fail(`unexpected text at position ${this.#pos}`);
  }
}

/** The Arrow type of a Glue column type (`bigint`, `decimal(10,2)`, `array<struct<a:int>>`, `map<string,int>`, …). */
export function parseGlueType(text: string, column: string): DataType {
  const parser = new TypeParser(text, column);
  const type = parser.parse();
  parser.done();
  return type;
}

// ----------------------------------------------------------------------------------------------
// Glue tables

/** `glueName=DynamoName,…` → lower-case Glue name → DynamoDB name. */
export function parseColumnMapping(text: string | undefined): Map<string, string> {
  const mapping = new Map<string, string>();
  for (const pair of (text ?? '').split(',')) {
    const [glue, dynamo] = pair.split('=').map((s) => s.trim());
    if (glue !== undefined && glue !== '' && dynamo !== undefined && dynamo !== '')
      mapping.set(glue.toLowerCase(), dynamo);
  }
  return mapping;
}

/** The DynamoDB table a Glue table reads: `sourceTable`, else the table ARN in its location. */
export function sourceTableOf(table: GlueTable): string | undefined {
  const source = table.Parameters?.['sourceTable']?.trim();
  if (source !== undefined && source !== '') return source;
  const match = /^arn:aws[a-z-]*:dynamodb:[^:]*:[^:]*:table\/([^/]+)/.exec(table.StorageDescriptor?.Location ?? '');
  return match?.[1];
}

/** What a Glue table contributes: the schema (DynamoDB attribute names, Glue types) and the real table name. */
export interface GlueTableInfo {
  readonly schema: Schema;
  readonly sourceTable: string | undefined;
}

/**
 * The Arrow schema of a Glue table: every column and partition key, typed from Glue, named by
 * `columnMapping` where it maps the column; the table parameters go into the schema metadata, as Java does.
 */
export function glueTableInfo(table: GlueTable): GlueTableInfo {
  const mapping = parseColumnMapping(table.Parameters?.['columnMapping']);
  const columns = [...(table.StorageDescriptor?.Columns ?? []), ...(table.PartitionKeys ?? [])];
  const fields = columns.map((column) => {
    const name = column.Name ?? '';
    return new Field(mapping.get(name.toLowerCase()) ?? name, parseGlueType(column.Type ?? '', name), true);
  });
  const metadata = new Map(Object.entries(table.Parameters ?? {}));
  metadata.set(SCHEMA_SOURCE_METADATA, 'glue');
  // Java re-keys the format mapping to the DynamoDB names columnMapping gives the columns.
  const formats = parseFormatMapping(table.Parameters?.['datetimeFormatMapping']);
  if (formats.size > 0) {
    metadata.set(
      FORMAT_MAPPING_METADATA,
      [...formats].map(([column, pattern]) => `${mapping.get(column) ?? column}=${pattern}`).join(','),
    );
  }
  return { schema: new Schema(fields, metadata), sourceTable: sourceTableOf(table) };
}

/** True for Glue's "no such database/table" error. */
export function isGlueNotFound(error: unknown): boolean {
  return error instanceof Error && error.name === 'EntityNotFoundException';
}

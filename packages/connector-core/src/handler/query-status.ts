/**
 * Stops a read when Athena has stopped the query (Java's `QueryStatusChecker`): while a ReadRecords
 * request runs longer than the interval, Athena's `GetQueryExecution` is asked in the background
 * whether the query still runs; once it has succeeded, failed or been cancelled, the watch's signal
 * fires and the read ends, answering what it has, as Java's connectors do. A failing or denied check
 * never fails the read: it is logged once and the watch slows down (or, when the query is unknown
 * or access is denied, stops asking).
 */
import type { Logger } from '@aws-lambda-powertools/logger';

/** Athena's states after which nobody reads the answer. */
const TERMINAL_STATES: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
/** Longest pause between checks after failures (doubling from the interval). */
const MAX_BACKOFF_MS = 30_000;

/** The one Athena call the watch makes, as a structural subset (tests may pass a real client). */
export interface AthenaStatusClient {
  getQueryState(queryExecutionId: string, signal: AbortSignal): Promise<string | undefined>;
}

/** The reason the watch's signal carries: Athena reports the query in a terminal `state`. */
export class QueryFinishedSignal extends Error {
  readonly state: string;

  constructor(state: string) {
    super(`Athena reports the query ${state}`);
    this.name = 'QueryFinishedSignal';
    this.state = state;
  }
}

/** Whether `signal` fired because Athena finished the query (not the deadline). */
export function isQueryFinished(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason instanceof QueryFinishedSignal;
}

/** A running watch over one query. */
export interface QueryStatusWatch {
  /** Fires with a {@link QueryFinishedSignal} once Athena reports the query finished. */
  readonly signal: AbortSignal;
  /** GetQueryExecution calls made so far. */
  readonly checks: number;
  /** Stops checking (the read is over); idempotent. */
  stop(): void;
}

/** Options of {@link watchQueryStatus}. */
export interface QueryStatusWatchOptions {
  readonly queryId: string;
  /** First check after this long, then at most one check per interval. */
  readonly intervalMs: number;
  readonly client: () => Promise<AthenaStatusClient>;
  readonly logger: Logger;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/** Errors after which asking again cannot help: an unknown query, or no permission to ask. */
const FINAL_ERRORS: ReadonlySet<string> = new Set([
  'InvalidRequestException',
  'AccessDeniedException',
  'AccessDenied',
  'UnrecognizedClientException',
]);

/**
 * Starts watching `queryId`. Nothing is asked before `intervalMs` has passed, so short reads cost no
 * call; the timers never keep the process alive.
 */
export function watchQueryStatus(options: QueryStatusWatchOptions): QueryStatusWatch {
  const controller = new AbortController();
  // Aborts an in-flight check when the watch stops.
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let checks = 0;
  let delay = options.intervalMs;
  let warned = false;

  const schedule = (ms: number) => {
    timer = setTimeout(() => void check(), ms);
    timer.unref();
  };
  const check = async () => {
    if (stopping.signal.aborted) return;
    checks++;
    try {
      const client = await options.client();
      const state = await client.getQueryState(options.queryId, stopping.signal);
      if (stopping.signal.aborted) return;
      if (state !== undefined && TERMINAL_STATES.has(state)) {
        options.logger.info('Athena reports the query finished; the read stops', { state, checks });
        controller.abort(new QueryFinishedSignal(state));
        return;
      }
      delay = options.intervalMs;
    } catch (error) {
      if (stopping.signal.aborted) return;
      const name = errorName(error);
      if (!warned) {
        warned = true;
        options.logger.warn('Checking the query status with Athena failed; the read goes on', {
          errorName: name,
          permission: 'athena:GetQueryExecution',
        });
      }
      if (FINAL_ERRORS.has(name)) return;
      delay = Math.min(delay * 2, MAX_BACKOFF_MS);
    }
    schedule(delay);
  };
  schedule(options.intervalMs);
  return {
    signal: controller.signal,
    get checks() {
      return checks;
    },
    stop() {
      clearTimeout(timer);
      stopping.abort();
    },
  };
}

/**
 * The default client: `@aws-sdk/client-athena` from the standard AWS environment
 * (`AWS_ENDPOINT_URL_ATHENA` points it elsewhere), loaded on the first check only — most reads end
 * before one is due, and cold starts should not compile it.
 */
export function lazyAthenaStatusClient(): () => Promise<AthenaStatusClient> {
  let client: Promise<AthenaStatusClient> | undefined;
  return () => {
    client ??= import('@aws-sdk/client-athena').then(({ AthenaClient, GetQueryExecutionCommand }) => {
      const athena = new AthenaClient({});
      return {
        async getQueryState(queryExecutionId, signal) {
          const response = await athena.send(new GetQueryExecutionCommand({ QueryExecutionId: queryExecutionId }), {
            abortSignal: signal,
          });
          return response.QueryExecution?.Status?.State;
        },
      };
    });
    return client;
  };
}

/**
 * The project's one logger: each entry is one JSON line written by one `console.*` call, so
 * `wrangler tail`, Workers Logs and a local `wrangler dev`'s output all see whole, parseable
 * entries. It lives in domain/ because Workers and Durable Objects both log and it touches no binding.
 *
 * Logs must never carry credentials or device data: fields whose names suggest either are
 * replaced before the line is written, and long strings are cut, so a careless call site cannot
 * leak a password, a device secret or a telemetry payload into a log store.
 */

type LogLevel = "debug" | "info" | "warn" | "error";

/** What a line may say about itself; anything else goes in free-form fields. */
export interface LogContext {
  component: string;
  requestId?: string;
  tenant?: string;
  traceId?: string;
}

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** The same logger with more context (a tenant once known, a trace id for one message). */
  with(context: Partial<LogContext> & LogFields): Logger;
}

/** Field names that may hold a secret or a device's data; their values never reach a log. */
const SENSITIVE_KEY = /password|passphrase|^pass$|secret|token|authori[sz]ation|cookie|payload|^body$|signature|private|^key$|apikey|jwk/i;
const MAX_STRING = 500;
/** What a sensitive field's value becomes (the log tests look for it). */
export const REDACTED = "[redacted]";

function scrub(value: unknown, depth: number): unknown {
  if (typeof value === "string") return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (value instanceof Error) return errorText(value);
  if (value === null || typeof value !== "object") return typeof value === "bigint" ? value.toString() : value;
  if (depth >= 3) return "[nested]";
  if (Array.isArray(value)) return value.slice(0, 20).map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = SENSITIVE_KEY.test(key) ? REDACTED : scrub(v, depth + 1);
  return out;
}

function errorText(err: Error): string {
  return err.message.length > MAX_STRING ? `${err.message.slice(0, MAX_STRING)}…` : `${err.name === "Error" ? "" : `${err.name}: `}${err.message}`;
}

/** The fields to log for a caught error: its message and, for unexpected ones, where it came from. */
export function errorFields(err: unknown, withStack = false): LogFields {
  if (!(err instanceof Error)) return { error: String(err).slice(0, MAX_STRING) };
  return withStack && err.stack ? { error: errorText(err), stack: err.stack.slice(0, 2_000) } : { error: errorText(err) };
}

/** One log line as an object: the context, then the call's fields, each scrubbed. */
function logEntry(level: LogLevel, msg: string, context: LogFields, fields: LogFields = {}): LogFields {
  const entry: LogFields = { level, msg, time: new Date().toISOString() };
  for (const [key, value] of [...Object.entries(context), ...Object.entries(fields)]) {
    if (value === undefined || key === "level" || key === "msg" || key === "time") continue;
    entry[key] = SENSITIVE_KEY.test(key) ? REDACTED : scrub(value, 1);
  }
  return entry;
}

const WRITERS: Record<LogLevel, (line: string) => void> = {
  debug: (line) => console.debug(line),
  info: (line) => console.log(line),
  warn: (line) => console.warn(line),
  error: (line) => console.error(line),
};

export function createLogger(context: LogContext & LogFields): Logger {
  const write = (level: LogLevel) => (msg: string, fields?: LogFields) => WRITERS[level](JSON.stringify(logEntry(level, msg, context, fields)));
  return {
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    with: (more) => createLogger({ ...context, ...more }),
  };
}

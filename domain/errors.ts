/**
 * The closed set of error codes Skylark returns to clients. Every failure a client can see is
 * one of these; anything else is an unexpected error and surfaces as a generic `internal`
 * 500 (its message is logged, never sent).
 */
export const ERROR_CODES = {
  bad_request: { status: 400, title: "Bad request" },
  validation_failed: { status: 400, title: "The request is not valid" },
  unauthenticated: { status: 401, title: "Authentication required" },
  invalid_credentials: { status: 401, title: "Invalid credentials" },
  forbidden: { status: 403, title: "Not allowed" },
  tenant_suspended: { status: 403, title: "Tenant is suspended" },
  tenant_unavailable: { status: 403, title: "Tenant is not available" },
  plan_limit_reached: { status: 403, title: "Plan limit reached" },
  not_found: { status: 404, title: "Not found" },
  method_not_allowed: { status: 405, title: "Method not allowed" },
  conflict: { status: 409, title: "Conflict" },
  already_exists: { status: 409, title: "Already exists" },
  gone: { status: 410, title: "Gone" },
  precondition_failed: { status: 412, title: "Precondition failed" },
  length_required: { status: 411, title: "Length required" },
  payload_too_large: { status: 413, title: "Payload too large" },
  unsupported_media_type: { status: 415, title: "Unsupported media type" },
  range_not_satisfiable: { status: 416, title: "Range not satisfiable" },
  precondition_required: { status: 428, title: "Precondition required" },
  rate_limited: { status: 429, title: "Too many requests" },
  internal: { status: 500, title: "Internal error" },
  unavailable: { status: 503, title: "Service unavailable" },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export type FieldError = { path: string; message: string };

/** An expected failure with a client-safe message. `extra` members are added to the problem body. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly extra: Record<string, unknown>;

  constructor(code: ErrorCode, detail?: string, extra: Record<string, unknown> = {}) {
    super(detail ?? ERROR_CODES[code].title);
    this.name = "AppError";
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.extra = extra;
  }
}

export const notFound = (what: string) => new AppError("not_found", `${what} not found`);

/** RFC 9457 problem details, as sent on the wire. */
export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  requestId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
};

export function toProblem(err: AppError, requestId?: string): Problem {
  return {
    type: `urn:skylark:problem:${err.code}`,
    title: ERROR_CODES[err.code].title,
    status: err.status,
    detail: err.message,
    code: err.code,
    ...err.extra,
    ...(requestId ? { requestId } : {}),
  };
}

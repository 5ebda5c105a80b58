import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { AppError, toProblem, type FieldError } from "../../domain/errors";
import type { AppEnv } from "./app-env";
import { errorFields } from "../../domain/log";
import { requestLog } from "./log";

export function problemResponse(c: Context<AppEnv>, err: AppError, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(toProblem(err, c.get("requestId"))), {
    status: err.status,
    headers: { "content-type": "application/problem+json", ...headers },
  });
}

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({ path: issue.path.join(".") || "(root)", message: issue.message }));
}

/**
 * Every error leaves as problem+json. Expected failures carry their code; anything else is
 * logged with the request id and answered with a bare 500 that reveals nothing internal.
 */
export const onError: ErrorHandler<AppEnv> = (err, c) => {
  if (err instanceof AppError) return problemResponse(c, err);
  if (err instanceof z.ZodError) return problemResponse(c, new AppError("validation_failed", "request validation failed", { errors: fieldErrors(err) }));
  if (err instanceof HTTPException) {
    const code = err.status === 413 ? "payload_too_large" : err.status === 401 ? "unauthenticated" : err.status === 404 ? "not_found" : err.status === 405 ? "method_not_allowed" : "bad_request";
    return problemResponse(c, new AppError(code));
  }
  requestLog(c, "http").error("unhandled error", errorFields(err, true));
  return problemResponse(c, new AppError("internal", "an unexpected error occurred; quote the request id when reporting it"));
};

export const onNotFound: NotFoundHandler<AppEnv> = (c) => problemResponse(c, new AppError("not_found", `no route for ${c.req.method} ${new URL(c.req.url).pathname}`));

/** Public identity endpoints, one file per operation in `auth/`. */
import { Hono } from "hono";
import type { AppEnv } from "../http/app-env";
import { invitationAcceptRoute } from "./auth/invitation-accept";
import { loginRoute } from "./auth/login";
import { signupRoute } from "./auth/signup";
import { tokenRoute } from "./auth/token";
import { verifyEmailRoutes } from "./auth/verify-email";
import { workspaceRoutes } from "./auth/workspaces";

export const authRoutes = new Hono<AppEnv>().route("/", signupRoute).route("/", loginRoute).route("/", tokenRoute).route("/", workspaceRoutes).route("/", invitationAcceptRoute).route("/", verifyEmailRoutes);

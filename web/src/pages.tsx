/**
 * The console's pages, in navigation order. Each page is one entry here and its own module under
 * web/src/<area>/; main.tsx only frames whichever entry matches the path. A page that needs a
 * role the signed-in user lacks is neither offered in the navigation nor rendered.
 */
import type { ComponentChildren } from "preact";
import type { Role } from "../../domain/roles";
import type { TenantView } from "../../domain/schemas/identity";
import type { Session } from "./api";
import { DeviceDetail } from "./devices/DeviceDetail";
import { DevicesPage } from "./devices/DevicesPage";
import { ProfilesPage } from "./profiles/ProfilesPage";
import { AssetsPage } from "./assets/AssetsPage";
import { Overview } from "./overview/Overview";
import { DashboardList } from "./dashboards/DashboardList";
import { DashboardView } from "./dashboards/DashboardView";
import { FleetCommandPage } from "./commands/FleetCommandPage";
import { FirmwarePage } from "./firmware/FirmwarePage";
import { RolloutDetail } from "./rollouts/RolloutDetail";
import { RolloutsPage } from "./rollouts/RolloutsPage";
import { AlarmsPage } from "./alarms/AlarmsPage";
import { AlarmRulesPage } from "./alarms/AlarmRulesPage";
import { ApiKeys } from "./admin/ApiKeys";
import { Audit } from "./admin/Audit";
import { DangerZone } from "./admin/DangerZone";
import { DeadLetters } from "./admin/DeadLetters";
import { Domains } from "./admin/Domains";
import { Members } from "./admin/Members";
import { Rejected } from "./admin/Rejected";
import { Settings } from "./admin/Settings";
import { Usage } from "./admin/Usage";
import { can } from "./roles";

/** What every page is given: who is signed in, and the workspace as GET /tenant describes it. */
type PageProps = {
  role: Role;
  session: Session;
  view: TenantView | null;
  /** The path's parts after the page's own path: `/devices/t-1` → `["t-1"]`. */
  params: string[];
};

export type PageDef = {
  path: string;
  label: string;
  /** The least role that may open it (VIEWER when absent). */
  minRole?: Role;
  /** Shown in the navigation (a detail page reached from another page is not). */
  nav?: boolean;
  render: (props: PageProps) => ComponentChildren;
};

const PAGES: PageDef[] = [
  { path: "/overview", label: "Overview", render: ({ view, role, session }) => <Overview key={session.tenant} view={view} role={role} /> },
  {
    path: "/devices",
    label: "Devices",
    render: ({ role, session, params }) => (params[0] ? <DeviceDetail key={`${session.tenant}/${params[0]}`} id={params[0]} role={role} tenant={session.tenant} /> : <DevicesPage key={session.tenant} role={role} tenant={session.tenant} />),
  },
  { path: "/device-profiles", label: "Device profiles", render: ({ role, session }) => <ProfilesPage key={session.tenant} role={role} /> },
  { path: "/assets", label: "Assets", render: ({ role, session }) => <AssetsPage key={session.tenant} role={role} /> },
  {
    path: "/dashboards",
    label: "Dashboards",
    render: ({ role, session, params }) => (params[0] ? <DashboardView key={`${session.tenant}/${params[0]}`} id={params[0]} role={role} /> : <DashboardList key={session.tenant} role={role} />),
  },
  { path: "/commands", label: "Fleet commands", minRole: "MEMBER", render: ({ session }) => <FleetCommandPage key={session.tenant} /> },
  // Over-the-air updates: the firmware and rollouts APIs answer MEMBERs and up; ADMINs act.
  { path: "/firmware", label: "Firmware", minRole: "MEMBER", render: ({ role, session }) => <FirmwarePage key={session.tenant} role={role} /> },
  {
    path: "/rollouts",
    label: "Rollouts",
    minRole: "MEMBER",
    render: ({ role, session, params }) => (params[0] ? <RolloutDetail key={`${session.tenant}/${params[0]}`} id={params[0]} role={role} /> : <RolloutsPage key={session.tenant} role={role} />),
  },
  { path: "/alarms", label: "Alarms", render: ({ role, session }) => <AlarmsPage key={session.tenant} role={role} /> },
  // The rules API (and its webhook targets) answers ADMINs only.
  { path: "/alarm-rules", label: "Alarm rules", minRole: "ADMIN", render: ({ session }) => <AlarmRulesPage key={session.tenant} /> },
  // Administration (web/src/admin/): each page opens for the least role the API lets read it.
  { path: "/rejected", label: "Rejected messages", render: ({ session }) => <Rejected key={session.tenant} /> },
  { path: "/dead-letters", label: "Dead letters", render: ({ role, session }) => <DeadLetters key={session.tenant} role={role} /> },
  { path: "/usage", label: "Usage", render: ({ view, session }) => <Usage key={session.tenant} view={view} /> },
  { path: "/members", label: "Members", render: ({ role, session }) => <Members key={session.tenant} role={role} /> },
  { path: "/api-keys", label: "API keys", minRole: "ADMIN", render: ({ role, session }) => <ApiKeys key={session.tenant} role={role} /> },
  { path: "/domains", label: "Custom domains", minRole: "ADMIN", render: ({ session }) => <Domains key={session.tenant} /> },
  { path: "/audit", label: "Audit log", minRole: "ADMIN", render: ({ session }) => <Audit key={session.tenant} /> },
  { path: "/settings", label: "Settings", render: ({ role, view }) => <Settings role={role} view={view} /> },
  { path: "/danger-zone", label: "Danger zone", minRole: "OWNER", render: ({ session }) => <DangerZone key={session.tenant} tenantId={session.tenant} /> },
];

/** The default page after login, and for paths that match no page. */
export const HOME = "/devices";

export function visiblePages(role: Role): PageDef[] {
  return PAGES.filter((p) => p.nav !== false && can(role, p.minRole ?? "VIEWER"));
}

/** The page a path opens, with the parts after it; an unknown path opens HOME. */
export function pageFor(path: string, role: Role): { page: PageDef; params: string[] } {
  const allowed = PAGES.filter((p) => can(role, p.minRole ?? "VIEWER"));
  for (const page of allowed) {
    if (path === page.path) return { page, params: [] };
    if (path.startsWith(`${page.path}/`))
      return {
        page,
        params: path
          .slice(page.path.length + 1)
          .split("/")
          .filter(Boolean)
          .map(decodeURIComponent),
      };
  }
  return { page: allowed.find((p) => p.path === HOME) ?? allowed[0]!, params: [] };
}

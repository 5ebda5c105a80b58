/** The signed-in frame: branded header, workspace switch, navigation, and the current page. */
import type { ComponentChildren } from "preact";
import type { Role } from "../../../domain/roles";
import type { Brand } from "../branding";
import { linkHandler } from "../router";

type NavItem = { path: string; label: string };
export type Workspace = { id: string; name: string; role: string };

type Props = {
  brand: Brand;
  tenantName: string;
  tenantId: string;
  role: Role;
  nav: NavItem[];
  current: string;
  workspaces: Workspace[];
  onSwitch: ((tenant: string) => void) | null;
  onLogout: () => void;
  children: ComponentChildren;
};

export function Shell({ brand, tenantName, tenantId, role, nav, current, workspaces, onSwitch, onLogout, children }: Props) {
  return (
    <>
      <header class="topbar">
        <BrandMark brand={brand} />
        {/* The workspace's own name; said once only when the branding shows it already. */}
        <span id="tenant-name" class={brand.name === tenantName ? "visually-hidden" : "tenant-name"}>
          {tenantName}
        </span>
        <span class="role" title="Your role in this workspace">
          {role}
        </span>
        <div class="topbar-end">
          {onSwitch && workspaces.length > 1 && (
            <label class="switch">
              <span class="visually-hidden">Workspace</span>
              <select id="workspace-switch" value={tenantId} onChange={(e) => onSwitch((e.currentTarget as HTMLSelectElement).value)}>
                {workspaces.map((w) => (
                  <option key={w.id} value={w.id}>
                    {w.name} ({w.role})
                  </option>
                ))}
              </select>
            </label>
          )}
          <button type="button" id="logout" onClick={onLogout}>
            Log out
          </button>
        </div>
      </header>
      <nav class="sidenav" aria-label="Console">
        <ul>
          {nav.map((item) => (
            <li key={item.path}>
              <a href={item.path} aria-current={item.path === current ? "page" : undefined} onClick={linkHandler(item.path)}>
                {item.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

export function BrandMark({ brand }: { brand: Brand }) {
  return (
    <a class="brand" href="/" aria-label={`${brand.name}: home`}>
      {brand.logoUrl && <img src={brand.logoUrl} alt="" class="brand-logo" referrerpolicy="no-referrer" />}
      <strong id="brand-name">{brand.name}</strong>
    </a>
  );
}

/** Saving a dashboard export as a file, named as the API's own download names it. */
export const exportFileName = (name: string) =>
  `dashboard-${
    name
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60) || "untitled"
  }.json`;

export { saveJson as downloadJson } from "../download";

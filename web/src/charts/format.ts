/** Numbers as the console shows readings: four significant digits below 1000, whole numbers above. */
export function formatValue(value: number, unit?: string, decimals?: number): string {
  const text = decimals !== undefined ? value.toFixed(decimals) : Math.abs(value) >= 1000 ? value.toFixed(0) : String(Number(value.toPrecision(4)));
  return unit ? `${text} ${unit}` : text;
}

/**
 * CSV for payout spreadsheets (RFC 4180: comma separated, CRLF line ends, fields with a comma,
 * quote or line break in double quotes, quotes doubled).
 *
 * Cells come from people outside the organisation (names, report titles, notes), so a cell that
 * a spreadsheet would read as a formula (starting with = + - @, a tab or a carriage return) is
 * prefixed with a single quote: it is shown as text, never evaluated (CSV formula injection,
 * OWASP). The guard comes before quoting, so quoting cannot hide the leading character.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  if (/[",\r\n]/.test(text)) text = `"${text.replace(/"/g, '""')}"`;
  return text;
}

export function csvRow(cells: readonly (string | number | null | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

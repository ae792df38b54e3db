export const DEFAULT_TITLE = 'New conversation';
export const MAX_TITLE_LENGTH = 120;

/** A title as typed by the user: whitespace collapsed, length capped; null when nothing is left. */
export function normalizeTitle(input: string): string | null {
  const clean = input.replace(/\s+/g, ' ').trim();
  if (clean === '') return null;
  return clean.length > MAX_TITLE_LENGTH ? clean.slice(0, MAX_TITLE_LENGTH).trimEnd() : clean;
}

/** A title suggested from the first message: its first line, cut at a word near 60 characters. */
export function titleFromText(text: string, max = 60): string {
  const firstLine = text.split('\n').find((l) => l.trim() !== '') ?? '';
  const clean = firstLine.replace(/\s+/g, ' ').trim();
  if (clean === '') return DEFAULT_TITLE;
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

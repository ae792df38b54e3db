/**
 * Counts CSV records (RFC 4180: quoted fields may hold line breaks) across chunks, header excluded.
 * Used to tell the user how many rows a web download held without parsing it twice.
 */
export class CsvRecordCounter {
  private inQuotes = false;
  private lineHasData = false;
  private lines = 0;

  push(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 34 /* " */) {
        this.inQuotes = !this.inQuotes; // an escaped "" toggles twice
        this.lineHasData = true;
      } else if (ch === 10 /* \n */ && !this.inQuotes) {
        if (this.lineHasData) this.lines += 1;
        this.lineHasData = false;
      } else if (ch !== 13 /* \r */) {
        this.lineHasData = true;
      }
    }
  }

  /** Data records seen so far (the header row is not counted). */
  get records(): number {
    const total = this.lines + (this.lineHasData ? 1 : 0);
    return Math.max(0, total - 1);
  }
}

/** The file name from `Content-Disposition: attachment; filename="x.csv"`, or the fallback. */
export function filenameFromDisposition(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(header);
  if (star?.[1]) {
    try {
      return sanitizeFilename(decodeURIComponent(star[1].trim().replace(/^"|"$/g, '')), fallback);
    } catch {
      /* fall through to the plain form */
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(header);
  const value = plain?.[2] ?? plain?.[1];
  return value ? sanitizeFilename(value.trim(), fallback) : fallback;
}

function sanitizeFilename(name: string, fallback: string): string {
  const clean = name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').trim();
  return clean === '' || clean === '.' || clean === '..' ? fallback : clean;
}

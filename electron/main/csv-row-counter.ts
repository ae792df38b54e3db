/**
 * Counts CSV records in a stream of text chunks without holding the text: a line break inside a
 * quoted field (RFC 4180) is not a record end. Quote state is tracked per character, so an escaped
 * quote ("") split across two chunks still leaves the state right.
 */
export class CsvRowCounter {
  private inQuotes = false;
  private records = 0;
  private openRecord = false;

  push(chunk: string): void {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 0x22 /* " */) {
        this.inQuotes = !this.inQuotes;
        this.openRecord = true;
      } else if (c === 0x0a /* \n */ && !this.inQuotes) {
        this.records++;
        this.openRecord = false;
      } else if (c !== 0x0d /* \r */ && c !== 0xfeff /* BOM */) {
        this.openRecord = true;
      }
    }
  }

  /** Records after the header row; a last record without a line break counts too. */
  dataRows(): number {
    const total = this.records + (this.openRecord ? 1 : 0);
    return Math.max(0, total - 1);
  }
}

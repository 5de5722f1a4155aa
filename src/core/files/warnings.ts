/**
 * Import warnings: what was skipped or repaired in a file that still imported. A corrupted file
 * can produce one problem per entry, so the list is capped to stay readable in the panel.
 */
const MAX_WARNINGS = 50;

export class Warnings {
  private readonly items: string[] = [];
  private extra = 0;

  add(message: string): void {
    if (this.items.length < MAX_WARNINGS) this.items.push(message);
    else this.extra++;
  }

  get count(): number {
    return this.items.length + this.extra;
  }

  list(): string[] {
    return this.extra > 0 ? [...this.items, `… and ${this.extra} more warnings`] : [...this.items];
  }
}

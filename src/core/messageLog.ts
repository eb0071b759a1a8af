// The errors and warnings of a run, deduplicated and bounded; the first evaluation error apart.

import type { NixErrorInfo } from './nixError.js';

const MAX_ERRORS = 50;
const MAX_WARNINGS = 50;

export class MessageLog {
  private readonly errors: NixErrorInfo[] = [];
  private readonly summaries = new Set<string>();
  private evalError: NixErrorInfo | null = null;
  private readonly warnings: string[] = [];

  warn(text: string): void {
    if (this.warnings.length >= MAX_WARNINGS || this.warnings.includes(text)) return;
    this.warnings.push(text);
  }

  record(info: NixErrorInfo): void {
    if (info.kind === 'eval' && this.evalError === null) this.evalError = info;
    if (!this.summaries.has(info.summary) && this.errors.length < MAX_ERRORS) {
      this.summaries.add(info.summary);
      this.errors.push(info);
    }
  }

  /** Take back an error recorded before (it is being replaced by a longer reading). */
  forget(info: NixErrorInfo): void {
    const at = this.errors.indexOf(info);
    if (at !== -1) {
      this.errors.splice(at, 1);
      this.summaries.delete(info.summary);
    }
    if (this.evalError === info) this.evalError = null;
  }

  snapshot(): { errors: NixErrorInfo[]; evalError: NixErrorInfo | null; warnings: string[] } {
    return {
      errors: this.errors.map((e) => ({ ...e, logLines: [...e.logLines] })),
      evalError: this.evalError === null ? null : { ...this.evalError, logLines: [...this.evalError.logLines] },
      warnings: [...this.warnings],
    };
  }
}

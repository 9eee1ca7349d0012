/** Collects the benchmark's sections and renders them as one Markdown document. */

/** One table of figures, with notes on what it shows and which goals it meets. */
export interface Section {
  title: string;
  headers: string[];
  rows: string[][];
  notes: string[];
}

export class Report {
  readonly sections: Section[] = [];

  constructor(private readonly header: string[]) {}

  add(section: Section): void {
    this.sections.push(section);
  }

  /** A section as Markdown (also what is printed while the run goes on). */
  static render(section: Section): string {
    const line = (cells: string[]): string => `| ${cells.join(" | ")} |`;
    return [
      `### ${section.title}`,
      "",
      line(section.headers),
      line(section.headers.map(() => "---")),
      ...section.rows.map(line),
      "",
      ...section.notes.map((n) => `- ${n}`),
      "",
    ].join("\n");
  }

  toMarkdown(): string {
    return [...this.header, "", ...this.sections.map((s) => Report.render(s))].join("\n");
  }
}

/** `met` or `MISSED` with the figure and the goal, for the notes. */
export function verdict(ok: boolean, what: string): string {
  return `${ok ? "met" : "**MISSED**"}: ${what}`;
}

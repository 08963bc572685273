// Lists typed into one text field ("main, release/*") and back.

export function splitList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter(Boolean);
}

export function joinList(items?: string[] | null): string {
  return (items ?? []).join(', ');
}

/** "NAME=value" lines into the variables object the API takes (manual runs, schedules). */
export function parseVariables(text: string): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`Variables line ${i + 1}: write NAME=value.`);
    variables[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return variables;
}
